"""Partition maintenance: a daily schedule creating the coming months' partitions.

The shipped schema creates Sep 2026–Feb 2027; `util.ensure_partitions` (in the schema's own
helper file) creates the missing monthly partitions of every range-partitioned warehouse
table, and the op reports exactly which ones it created (usually none).
"""

import dagster as dg

from schema_assets.database import connect
from schema_assets.defs.resources import WarehouseResource


class PartitionWindow(dg.Config):
    """Months before and after the current one that must have partitions."""

    months_back: int = 1
    months_ahead: int = 3


def ensure_partitions(url: str, months_back: int, months_ahead: int) -> list[str]:
    with connect(url) as conn:
        rows = conn.execute(
            "SELECT util.ensure_partitions(%s, %s)", (months_back, months_ahead)
        ).fetchall()
        conn.commit()
    return [r[0] for r in rows]


@dg.op(description="Create missing monthly partitions through util.ensure_partitions.")
def create_future_partitions(
    context: dg.OpExecutionContext, config: PartitionWindow, warehouse: WarehouseResource
) -> list[str]:
    created = ensure_partitions(warehouse.url(), config.months_back, config.months_ahead)
    context.log.info(
        f"created {len(created)} partition(s)" + (f": {', '.join(created)}" if created else "")
    )
    context.add_output_metadata(
        {
            "created_count": len(created),
            "created": dg.MetadataValue.md(
                "\n".join(f"- `{name}`" for name in created) or "nothing to create"
            ),
        }
    )
    return created


@dg.job(description="Keep future monthly partitions created.")
def partition_maintenance():
    create_future_partitions()


partition_schedule = dg.ScheduleDefinition(
    name="partition_schedule",
    job=partition_maintenance,
    cron_schedule="0 2 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)

defs = dg.Definitions(jobs=[partition_maintenance], schedules=[partition_schedule])
