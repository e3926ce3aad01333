"""Dagster resources: where the warehouse is and how migrations are applied.

Both default to the same environment the CLI reads (`Settings.from_env()`), and every field
can be overridden, so tests and other deployments point the assets at their own database and
schema files without touching the developer's embedded warehouse or the repo's files.
"""

import dataclasses
from pathlib import Path

import dagster as dg

from schema_assets.config import BACKENDS, Settings
from schema_assets.errors import BadInputError


class WarehouseResource(dg.ConfigurableResource):
    """The warehouse database and the desired-state schema files.

    `database_url` unset means DATABASE_URL, else the embedded server. `schema_files` unset
    means the project's `schema_assets/sql/*.sql`. `project_root` locates `alembic.ini` and
    `migrations/` (default: the checkout, or SCHEMA_ASSETS_HOME).
    """

    database_url: str | None = None
    schema_files: list[str] | None = None
    project_root: str | None = None

    def base_settings(self) -> Settings:
        settings = Settings.from_env()
        changes: dict[str, object] = {}
        if self.database_url:
            changes["database_url"] = self.database_url
        if self.schema_files:
            changes["schema_files"] = tuple(Path(f).resolve() for f in self.schema_files)
        if self.project_root:
            changes["project_root"] = Path(self.project_root).resolve()
        return dataclasses.replace(settings, **changes) if changes else settings

    def files(self) -> tuple[Path, ...]:
        return tuple(self.base_settings().schema_files)

    def url(self) -> str:
        """The warehouse URL (starts the embedded server when DATABASE_URL is unset)."""
        from schema_assets.database import server_url

        return server_url(self.base_settings())


class MigrationResource(dg.ConfigurableResource):
    """How `schema_revision` applies plans: backend and destructive-change policy.

    Unset fields fall back to SCHEMA_ASSETS_BACKEND / SCHEMA_ASSETS_DISABLE_ALEMBIC /
    SCHEMA_ASSETS_ALLOW_DESTRUCTIVE, exactly like the CLI.
    """

    backend: str | None = None
    allow_destructive: bool | None = None
    disable_alembic: bool | None = None

    def apply_to(self, settings: Settings) -> Settings:
        changes: dict[str, object] = {}
        if self.backend is not None:
            backend = self.backend.strip().lower()
            if backend not in BACKENDS:
                raise BadInputError(f"backend {self.backend!r} is not one of {', '.join(BACKENDS)}")
            changes["backend"] = backend
        if self.allow_destructive is not None:
            changes["allow_destructive"] = self.allow_destructive
        if self.disable_alembic is not None:
            changes["disable_alembic"] = self.disable_alembic
        return dataclasses.replace(settings, **changes) if changes else settings


def default_resources() -> dict[str, object]:
    """Resources used by `dagster dev` and `schema-assets run`: everything from the env."""
    return {"warehouse": WarehouseResource(), "migration": MigrationResource()}
