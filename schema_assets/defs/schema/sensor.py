"""Watch the schema files: a new content hash requests one migration run (run_key = hash).

The baseline is the sensor's cursor, or on its first tick the hash `schema_source` last
materialized with, so starting `dagster dev` after `schema-assets run` does not re-run an
unchanged schema. An unreadable file is a skip with its reason, not a crash loop.
"""

import dagster as dg

from schema_assets.defs.resources import WarehouseResource
from schema_assets.errors import SchemaAssetsError
from schema_assets.sqlfiles import content_hash

#: The job the sensor starts: migrate, verify, then re-materialize every table.
TARGET_JOB = "full_pipeline"
SOURCE_KEY = dg.AssetKey("schema_source")


def last_materialized_hash(instance: dg.DagsterInstance) -> str | None:
    event = instance.get_latest_materialization_event(SOURCE_KEY)
    if event is None or event.asset_materialization is None:
        return None
    value = event.asset_materialization.metadata.get("content_hash")
    return str(value.value) if value is not None else None


@dg.sensor(
    job_name=TARGET_JOB,
    minimum_interval_seconds=15,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Requests migrate + re-materialize once per new content hash of the schema files.",
)
def schema_file_sensor(context: dg.SensorEvaluationContext, warehouse: WarehouseResource):
    files = warehouse.files()
    try:
        digest = content_hash(files)
    except (OSError, SchemaAssetsError) as exc:
        return dg.SkipReason(f"cannot read the schema files: {exc}")
    baseline = context.cursor or last_materialized_hash(context.instance)
    if digest == baseline:
        if context.cursor != digest:
            context.update_cursor(digest)
        return dg.SkipReason(f"schema files unchanged ({digest[:12]})")
    context.update_cursor(digest)
    return dg.RunRequest(
        run_key=digest,
        tags={"schema_assets/content_hash": digest},
    )
