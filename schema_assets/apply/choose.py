"""The public entry points of the appliers, kept here for callers that import them from here.

Backend selection lives in `apply.backend`, orchestration in `apply.migrate`; this module
only re-exports them (`schema_assets.defs` and the CLI call `choose.migrate` and
`choose.select_backend`).
"""

from __future__ import annotations

from schema_assets.apply.backend import BackendChoice, select_backend
from schema_assets.apply.migrate import (
    ApplyResult,
    irreversible_notice,
    migrate,
    refuse_destructive,
    write_new_revision,
)

__all__ = [
    "ApplyResult",
    "BackendChoice",
    "irreversible_notice",
    "migrate",
    "refuse_destructive",
    "select_backend",
    "write_new_revision",
]
