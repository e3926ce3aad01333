"""Which backend runs: Alembic (primary) or the direct applier (fallback), and why.

`SCHEMA_ASSETS_BACKEND=direct` or the emergency switch `SCHEMA_ASSETS_DISABLE_ALEMBIC=1` force
the direct backend; `auto` falls back to it only when Alembic cannot be imported or its
environment fails to load, and says so loudly; `SCHEMA_ASSETS_BACKEND=alembic` never falls
back. Both backends run the same revision files and write `schema_version`, so whichever
runs next knows what is applied.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from schema_assets.config import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BackendChoice:
    name: str  # "alembic" | "direct"
    reason: str
    forced: bool  # chosen by configuration rather than by a failed probe


def select_backend(settings: Settings) -> BackendChoice:
    """The backend to use and why (see module docstring for the rules)."""
    from schema_assets.apply import alembic as alembic_backend

    if settings.disable_alembic:
        return BackendChoice("direct", "SCHEMA_ASSETS_DISABLE_ALEMBIC=1 (emergency switch)", True)
    if settings.backend == "direct":
        return BackendChoice("direct", "SCHEMA_ASSETS_BACKEND=direct", True)
    problem = alembic_backend.probe(settings)
    if settings.backend == "alembic":
        if problem:
            raise alembic_backend.AlembicUnavailable(
                f"SCHEMA_ASSETS_BACKEND=alembic but Alembic cannot be used: {problem}. "
                "Fix it, or set SCHEMA_ASSETS_BACKEND=direct to use the direct applier."
            )
        return BackendChoice("alembic", "SCHEMA_ASSETS_BACKEND=alembic", True)
    if problem:
        log.warning(
            "!!! FALLING BACK TO THE DIRECT APPLIER: %s. Migrations are recorded in "
            "schema_assets.schema_version and Alembic will continue from them once fixed. !!!",
            problem,
        )
        return BackendChoice("direct", f"automatic fallback: {problem}", False)
    return BackendChoice("alembic", "default (Alembic available)", False)
