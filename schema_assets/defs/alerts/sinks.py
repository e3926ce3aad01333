"""Where alerts go: the log, a JSONL file and a webhook, each independent of the others.

An alert says what failed (the check or the run, named for what it did), each finding with
its rule id, what the rule means, the object and the fix, and links to the run in the UI.
The webhook receives the alert as JSON with a `text` field, which is what Slack, Mattermost
and most chat webhooks display. A webhook that is down is logged and never loses the JSONL
line. All text is one-line-safe and masked (`defs.text`) before it leaves the process.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from schema_assets.defs.text import lines, one_line

log = logging.getLogger("schema_assets.alerts")

WEBHOOK_TIMEOUT_S = 5.0
MAX_FINDINGS = 10


@dataclass(frozen=True)
class Finding:
    """One actionable line: rule id, what the rule means, the object, the problem, the fix."""

    rule: str
    meaning: str
    object: str
    message: str
    fix: str

    def to_text(self) -> str:
        return (
            f"{one_line(self.rule)} ({one_line(self.meaning)}) on {one_line(self.object)}: "
            f"{one_line(self.message)} Fix: {one_line(self.fix)}"
        )


@dataclass(frozen=True)
class Alert:
    kind: str  # check_failed | run_failure
    title: str
    message: str = ""
    severity: str = "error"  # error | warning
    run_id: str | None = None
    run_url: str | None = None
    job: str | None = None  # what the run did (job name, or the assets it materialized)
    asset: str | None = None
    check: str | None = None
    findings: tuple[Finding, ...] = ()
    at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())

    def to_text(self) -> str:
        lines = [f"[{self.severity.upper()}] {one_line(self.title)}"]
        if self.message:
            lines += [one_line(line) for line in self.message.splitlines() if line.strip()]
        shown = self.findings[:MAX_FINDINGS]
        lines += [f"- {f.to_text()}" for f in shown]
        if len(self.findings) > len(shown):
            lines.append(f"- … and {len(self.findings) - len(shown)} more (see the run)")
        if self.run_url:
            lines.append(f"Run: {one_line(self.run_url)}")
        return "\n".join(lines)

    def to_json(self) -> str:
        data = asdict(self)
        for key in ("title", "job", "asset", "check", "run_url"):
            if data[key] is not None:
                data[key] = one_line(data[key])
        data["message"] = lines(self.message)
        data["findings"] = [{k: one_line(v) for k, v in f.items()} for f in data["findings"]]
        data["text"] = self.to_text()
        return json.dumps(data, sort_keys=True)


@dataclass(frozen=True)
class Delivery:
    """What happened to one alert (for sensor logs and tests)."""

    file: Path | None
    webhook_status: int | None = None
    webhook_error: str | None = None


def post_webhook(url: str, body: str, timeout: float = WEBHOOK_TIMEOUT_S) -> int:
    request = urllib.request.Request(
        url,
        data=body.encode(),
        headers={"Content-Type": "application/json", "User-Agent": "schema-assets-alerts"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - configured URL
        return response.status


@dataclass(frozen=True)
class AlertSink:
    """The configured destinations (see `resources.AlertsResource`)."""

    jsonl: Path | None = None
    webhook: str | None = None
    dagster_url: str = "http://localhost:3000"

    def run_url(self, run_id: str) -> str:
        return f"{self.dagster_url.rstrip('/')}/runs/{run_id}"

    def deliver(self, alert: Alert) -> Delivery:
        line = alert.to_json()
        level = logging.WARNING if alert.severity == "warning" else logging.ERROR
        log.log(level, "ALERT %s", alert.to_text().replace("\n", " | "))
        if self.jsonl is not None:
            self.jsonl.parent.mkdir(parents=True, exist_ok=True)
            with self.jsonl.open("a", encoding="utf-8") as fh:
                fh.write(line + "\n")
        if not self.webhook:
            return Delivery(self.jsonl)
        try:
            return Delivery(self.jsonl, webhook_status=post_webhook(self.webhook, line))
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = one_line(getattr(exc, "reason", exc))
            log.warning("alert webhook failed: %s", reason)
            return Delivery(self.jsonl, webhook_error=reason)
