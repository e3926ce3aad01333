"""Where alerts go: the log, `$DAGSTER_HOME/alerts.jsonl`, and an optional webhook.

Each sink is independent: a webhook that is down is logged and does not stop the JSONL line
or the log record. Messages are masked before they leave the process.
"""

import json
import logging
import os
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from schema_assets.database import mask_secrets

log = logging.getLogger("schema_assets.alerts")

ALERTS_FILE = "alerts.jsonl"
WEBHOOK_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class Alert:
    kind: str  # run_failure | check_failed
    title: str
    message: str
    severity: str = "error"  # error | warning
    run_id: str | None = None
    job: str | None = None
    asset: str | None = None
    check: str | None = None
    at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())

    def to_json(self) -> str:
        data = asdict(self)
        data["title"] = mask_secrets(self.title)
        data["message"] = mask_secrets(self.message)
        return json.dumps(data, sort_keys=True)


@dataclass(frozen=True)
class Delivery:
    """What happened to one alert (for sensor logs and tests)."""

    file: Path | None
    webhook_status: int | None = None
    webhook_error: str | None = None


def alerts_path(home: str | os.PathLike | None = None) -> Path | None:
    """`<home>/alerts.jsonl`; home defaults to DAGSTER_HOME. None when neither is known."""
    base = home or os.environ.get("DAGSTER_HOME")
    return Path(base) / ALERTS_FILE if base else None


def post_webhook(url: str, body: str, timeout: float = WEBHOOK_TIMEOUT_S) -> int:
    request = urllib.request.Request(
        url,
        data=body.encode(),
        headers={"Content-Type": "application/json", "User-Agent": "schema-assets-alerts"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - configured URL
        return response.status


def deliver(
    alert: Alert, home: str | os.PathLike | None = None, webhook: str | None = None
) -> Delivery:
    line = alert.to_json()
    level = logging.WARNING if alert.severity == "warning" else logging.ERROR
    log.log(
        level,
        "ALERT %s: %s: %s",
        alert.kind,
        mask_secrets(alert.title),
        mask_secrets(alert.message),
    )
    path = alerts_path(home)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")
    if not webhook:
        return Delivery(path)
    try:
        return Delivery(path, webhook_status=post_webhook(webhook, line))
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = mask_secrets(str(getattr(exc, "reason", exc)))
        log.warning("alert webhook failed: %s", reason)
        return Delivery(path, webhook_error=reason)
