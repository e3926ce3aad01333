"""The Dagster code location: `defs` for `dagster dev`, `dg` and `schema-assets run`.

Definitions are built from the desired state (`build_defs`): the table assets are the
desired-state snapshot's tables, with the hand-written loaders attached by table. `defs` is
lazy (`@dg.definitions`): importing this module touches nothing; loading the code location
reads the desired-state manifest from its cache, or builds it on the shadow server once
per change of the schema files.
"""

from __future__ import annotations

import dagster as dg

from schema_assets.config import Settings
from schema_assets.defs import schema
from schema_assets.defs.alerts import run_failure_alerts
from schema_assets.defs.automation import table_automation_sensor
from schema_assets.defs.desired import (
    DesiredState,
    desired_files,
    load_desired,
    shadow_server,
    state_dir,
)
from schema_assets.defs.project import DagsterConfig
from schema_assets.defs.resources import default_resources
from schema_assets.defs.tables import LOADERS, Loader, build_table_assets

#: Run tag the queued run coordinator limits to one run at a time (see docs/DEPLOY.md).
MIGRATION_TAG = {"schema_assets/migration": "true"}
SCHEMA_GROUP = "schema"


def build_jobs(table_keys: list[dg.AssetKey]) -> list[dg.UnresolvedAssetJobDefinition]:
    migrate = dg.define_asset_job(
        "migrate_schema",
        selection=dg.AssetSelection.groups(SCHEMA_GROUP),
        description="Plan the desired state, prove it on the shadow, apply it, prove the "
        "warehouse (schema assets + their blocking checks). Table assets follow by automation.",
        tags=MIGRATION_TAG,
    )
    full = dg.define_asset_job(
        "full_pipeline",
        selection=dg.AssetSelection.groups(SCHEMA_GROUP) | dg.AssetSelection.assets(*table_keys),
        description="Migrate and prove the schema, then materialize every table of the chosen "
        "months behind the blocking checks: what `schema-assets run` runs.",
        tags=MIGRATION_TAG,
    )
    return [migrate, full]


def build_defs(
    desired: DesiredState,
    config: DagsterConfig | None = None,
    loaders: tuple[Loader, ...] = LOADERS,
) -> dg.Definitions:
    """Everything Dagster shows, for one desired state."""
    config = config or DagsterConfig()
    table_assets, external = build_table_assets(loaders, desired, config)
    table_keys = [key for a in table_assets for key in a.keys]
    return dg.Definitions(
        assets=[*schema.ASSETS, *table_assets, *external],
        jobs=build_jobs(table_keys),
        sensors=[
            schema.desired_state_sensor,
            run_failure_alerts,
            table_automation_sensor(dg.AssetSelection.assets(*table_keys)),
        ],
        resources=default_resources(),
        # One process per run, steps in order: a UI run costs what a CLI run costs.
        executor=dg.in_process_executor,
    )


def desired_state(settings: Settings) -> DesiredState:
    """The desired state this process's definitions describe (cached per content hash)."""
    config = DagsterConfig.from_tool(settings.tool)
    files = desired_files(settings, config)
    return load_desired(files, shadow_server(settings), state_dir(settings))


@dg.definitions
def defs() -> dg.Definitions:
    settings = Settings.from_env()
    return build_defs(desired_state(settings), DagsterConfig.from_tool(settings.tool))
