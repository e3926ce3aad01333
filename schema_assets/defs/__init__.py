"""The Dagster code location: one `Definitions` for `dagster dev`, `dg` and `schema-assets run`.

Importing this module never touches a database; resources resolve the warehouse (DATABASE_URL
or the embedded server) when a run or sensor needs it.
"""

import dagster as dg

from schema_assets.defs import alerts, schedules, schema, tables
from schema_assets.defs.resources import default_resources

TABLE_GROUPS = tables.GROUPS

migrate_schema = dg.define_asset_job(
    "migrate_schema",
    selection=dg.AssetSelection.groups("schema"),
    description="Plan, apply and verify the schema (assets + checks of the schema group).",
)
refresh_tables = dg.define_asset_job(
    "refresh_tables",
    selection=dg.AssetSelection.groups(*TABLE_GROUPS),
    description="Re-materialize raw → staging → features → ml on the current schema.",
)
full_pipeline = dg.define_asset_job(
    "full_pipeline",
    selection=dg.AssetSelection.all(),
    description="Migrate, verify, then materialize every table: what `schema-assets run` runs.",
)

JOBS = (migrate_schema, refresh_tables, full_pipeline)

defs = dg.Definitions.merge(
    schema.defs,
    tables.defs,
    alerts.defs,
    schedules.defs,
    dg.Definitions(jobs=list(JOBS), resources=default_resources()),
)
