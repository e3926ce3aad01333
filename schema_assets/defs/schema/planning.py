"""The schema assets' view of the product: settings, desired files, plans and snapshots.

One place turns the resources into the settings the product functions take, so every asset,
check and sensor plans the same desired state (schema files + partition window) on the same
shadow server (SCHEMA_ASSETS_SHADOW_URL when set: the warehouse's server is then never used
for shadows).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

import dagster as dg

from schema_assets.catalog import Snapshot
from schema_assets.config import Settings
from schema_assets.defs.desired import desired_files, shadow_server
from schema_assets.defs.resources import ALLOW_DESTRUCTIVE_TAG, MigrationResource, WarehouseResource
from schema_assets.defs.text import lines, one_line
from schema_assets.errors import SchemaAssetsError
from schema_assets.plan import Plan
from schema_assets.sqlfiles import content_hash


@dataclass(frozen=True)
class Target:
    """Settings whose `schema_files` are the desired-state files, and the warehouse URL."""

    settings: Settings
    url: str

    @property
    def content_hash(self) -> str:
        return content_hash(self.settings.schema_files)

    @property
    def shadow_server(self) -> str:
        return shadow_server(self.settings)


def target(
    warehouse: WarehouseResource,
    migration: MigrationResource | None = None,
    today: date | None = None,
) -> Target:
    settings = warehouse.base_settings()
    if migration is not None:
        settings = migration.apply_to(settings)
    files = desired_files(settings, today=today)
    return Target(dataclasses.replace(settings, schema_files=files), warehouse.url())


def plan_desired(t: Target, live: Snapshot | None = None) -> Plan:
    """Live warehouse → desired state, with shadows on the configured shadow server
    (`Settings.shadow_server`: SCHEMA_ASSETS_SHADOW_URL, else the warehouse's own); `live`:
    the warehouse's snapshot when the caller has one."""
    from schema_assets.planner import plan_database

    return plan_database(t.url, t.settings.schema_files, t.settings, live=live)


def desired_snapshot(t: Target) -> Snapshot:
    """The desired state's catalog (the shadow; cached per content hash)."""
    from schema_assets.shadow import shadow_snapshot

    return shadow_snapshot(list(t.settings.schema_files), t.shadow_server)


def applied_revision(url: str) -> str | None:
    """The latest migration the warehouse has applied (either backend), None if none."""
    from schema_assets.safety.drift import recorded_state

    return recorded_state(url)[0]


def by_hand_changes(t: Target, live: Snapshot) -> tuple[str | None, Plan | None]:
    """(recorded version, recorded state → live plan): what changed outside this tool."""
    from schema_assets.diff import diff_snapshots
    from schema_assets.safety.drift import recorded_state

    version, recorded = recorded_state(t.url)
    if recorded is None:
        return version, None
    plan = diff_snapshots(
        Snapshot.from_dict(recorded),
        live,
        managed_partition_pattern=t.settings.managed_partition_pattern,
        source_label=f"recorded state after {version}",
        target_label="live database",
    )
    return version, plan


@dataclass(frozen=True)
class Permission:
    allowed: bool
    by: str  # where the decision came from, recorded in the run's metadata


def destructive_permission(context: dg.AssetExecutionContext, t: Target) -> Permission:
    """Run tag first (the UI's route), then resource config / SCHEMA_ASSETS_ALLOW_DESTRUCTIVE."""
    tag = context.run.tags.get(ALLOW_DESTRUCTIVE_TAG)
    if tag is not None:
        allowed = tag.strip().lower() in {"1", "true", "yes", "on"}
        return Permission(allowed, f"run tag {ALLOW_DESTRUCTIVE_TAG}={one_line(tag)}")
    if t.settings.allow_destructive:
        return Permission(True, "migration.allow_destructive / SCHEMA_ASSETS_ALLOW_DESTRUCTIVE")
    return Permission(False, "default (not allowed)")


def failure(exc: SchemaAssetsError, what: str) -> dg.Failure:
    """A Dagster step failure carrying the product's own message (never a password)."""
    return dg.Failure(
        description=f"{what}: {lines(exc)}",
        metadata={"error": type(exc).__name__, "exit_code": exc.exit_code},
    )
