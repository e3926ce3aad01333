"""Logging set-up shared by the CLI, Alembic's env.py and Dagster: secrets never reach a log."""

from __future__ import annotations

import logging

from schema_assets.database import mask_secrets
from schema_assets.render.text import unbroken


class MaskSecretsFilter(logging.Filter):
    """Rewrites each record so that URLs carry no password and names cannot forge log lines:
    the message is masked and put on one line (control characters escaped visibly; text a
    caller already escaped with `one_line` is not escaped a second time)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # pragma: no cover - malformed record: leave it to logging
            return True
        safe = unbroken(mask_secrets(message))
        if safe != message or record.args:
            record.msg, record.args = safe, None
        return True


def configure(verbose: int = 0) -> None:
    level = logging.DEBUG if verbose > 1 else logging.INFO if verbose == 1 else logging.WARNING
    root = logging.getLogger()
    if not any(getattr(h, "_schema_assets", False) for h in root.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%H:%M:%S")
        )
        handler.addFilter(MaskSecretsFilter())
        handler._schema_assets = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(logging.WARNING)
    logging.getLogger("schema_assets").setLevel(level)
