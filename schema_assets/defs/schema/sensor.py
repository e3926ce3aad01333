"""Watch the state, not just the files: request a migration whenever the warehouse differs
from the desired state.

Each tick plans the live warehouse against the desired state (schema files + partition
window; the shadow is cached, so this is cheap). An empty plan launches nothing. Otherwise
the run key is the desired-state hash + the applied revision + the plan's checksum: a
revert (same files as before, but a newer revision applied), a change made by hand (same
files and revision, a different plan) and next month's partitions (a new window) each get
a new key and one run, while an unchanged state keeps its key and Dagster launches nothing
again — also when that state's run failed (fix the cause, or re-run it from the UI).
"""

import hashlib

import dagster as dg

from schema_assets.defs.resources import WarehouseResource
from schema_assets.defs.schema.planning import applied_revision, plan_desired, target
from schema_assets.defs.schema.render import plan_summary
from schema_assets.defs.text import one_line
from schema_assets.errors import SchemaAssetsError

#: The job the sensor starts: plan, prove, apply, verify. Table assets follow by automation.
TARGET_JOB = "migrate_schema"
TAG_PREFIX = "schema_assets/"


def state_key(desired_hash: str, revision: str | None, plan_checksum: str) -> str:
    """The run key of one (desired state, applied state) pair."""
    text = "\0".join((desired_hash, revision or "-", plan_checksum))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@dg.sensor(
    job_name=TARGET_JOB,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Requests one migrate_schema run per (desired state, applied state) pair that "
    "differ: file edits, reverts, changes made by hand and next month's partitions.",
)
def desired_state_sensor(context: dg.SensorEvaluationContext, warehouse: WarehouseResource):
    try:
        t = target(warehouse)
        plan = plan_desired(t)
        revision = applied_revision(t.url)
    except (OSError, SchemaAssetsError) as exc:
        return dg.SkipReason(f"cannot plan the desired state: {one_line(exc)}")
    digest = t.content_hash
    if plan.is_empty:
        return dg.SkipReason(
            f"warehouse matches the desired state {digest[:12]} (revision {revision or 'none'})"
        )
    key = state_key(digest, revision, plan.checksum())
    return dg.RunRequest(
        run_key=key,
        tags={
            TAG_PREFIX + "desired_state": digest,
            TAG_PREFIX + "applied_revision": revision or "none",
            TAG_PREFIX + "pending": one_line(plan_summary(plan))[:200],
        },
    )
