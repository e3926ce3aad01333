"""Dagster resources: where the warehouse is, how migrations are applied, where alerts go.

All of them default to what the CLI reads (`Settings.from_env()`), and every field can be
set in run config (visible in the launchpad), so tests and other deployments point the
assets at their own database, schema files and alert sink without touching the developer's
embedded warehouse or the repo's files.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TypedDict

import dagster as dg
from pydantic import Field

from schema_assets.config import BACKENDS, Settings
from schema_assets.errors import BadInputError

#: Run tag that allows the destructive steps of that one run (set it in the launchpad).
ALLOW_DESTRUCTIVE_TAG = "schema_assets/allow_destructive"


class _SettingsChanges(TypedDict, total=False):
    """The `Settings` fields a resource overrides (`dataclasses.replace` keywords)."""

    database_url: str
    schema_files: tuple[Path, ...]
    project_root: Path
    shadow_url: str
    backend: str
    allow_destructive: bool
    disable_alembic: bool


class WarehouseResource(dg.ConfigurableResource):
    """The warehouse database, the desired-state schema files and the shadow server.

    `database_url` unset means DATABASE_URL, else the embedded server. `schema_files` unset
    means the project's `schema_assets/sql/*.sql`. `project_root` locates `alembic.ini` and
    `migrations/` (default: the checkout, or SCHEMA_ASSETS_HOME). `shadow_url` unset means
    SCHEMA_ASSETS_SHADOW_URL, else shadow databases live on the warehouse's server.
    """

    database_url: str | None = None
    schema_files: list[str] | None = None
    project_root: str | None = None
    shadow_url: str | None = None

    def base_settings(self) -> Settings:
        settings = Settings.from_env()
        changes: _SettingsChanges = {}
        if self.database_url:
            changes["database_url"] = self.database_url
        if self.schema_files:
            changes["schema_files"] = tuple(Path(f).resolve() for f in self.schema_files)
        if self.project_root:
            changes["project_root"] = Path(self.project_root).resolve()
        if self.shadow_url:
            changes["shadow_url"] = self.shadow_url
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
    SCHEMA_ASSETS_ALLOW_DESTRUCTIVE, exactly like the CLI. From the UI, destructive steps of
    one run are allowed by `allow_destructive: true` here or by the run tag
    `schema_assets/allow_destructive=true`.
    """

    backend: str | None = None
    allow_destructive: bool | None = Field(
        default=None,
        description="Allow this run's destructive steps (their data is archived first). "
        "Same as the run tag schema_assets/allow_destructive=true.",
    )
    disable_alembic: bool | None = None

    def apply_to(self, settings: Settings) -> Settings:
        changes: _SettingsChanges = {}
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


class AlertsResource(dg.ConfigurableResource):
    """Where alerts go: the log always, a JSONL file and a webhook when configured.

    `jsonl_path` unset means `$DAGSTER_HOME/alerts.jsonl` (a local file: fine on one machine;
    deployments use the webhook, which every process can reach). `webhook_url` unset means
    SCHEMA_ASSETS_ALERT_WEBHOOK. `dagster_url` (unset: SCHEMA_ASSETS_DAGSTER_URL, else
    http://localhost:3000) is the UI base for the run link in every alert.
    """

    jsonl_path: str | None = None
    webhook_url: str | None = None
    dagster_url: str | None = None

    def sink(self):
        from schema_assets.defs.alerts.sinks import AlertSink

        settings = Settings.from_env()
        jsonl = self.jsonl_path or (
            str(settings.dagster_home / "alerts.jsonl") if settings.dagster_home else None
        )
        return AlertSink(
            jsonl=Path(jsonl) if jsonl else None,
            webhook=self.webhook_url or settings.alert_webhook,
            dagster_url=(self.dagster_url or settings.dagster_url or "http://localhost:3000"),
        )


def default_resources() -> dict[str, object]:
    """Resources used by `dagster dev` and `schema-assets run`: everything from the env."""
    return {
        "warehouse": WarehouseResource(),
        "migration": MigrationResource(),
        "alerts": AlertsResource(),
    }
