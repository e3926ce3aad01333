"""Translator from the desired state's tables to Dagster asset specs (after dagster-dbt's).

One place decides an asset's key (`schema/table`), group (its schema), description (the
table comment), owners and tags (`[tool.schema-assets.dagster]`), code version (the table's
own catalog fingerprint, so a migration stales only the tables it touched), partitions
(monthly for range tables with monthly partitions) and definition metadata (columns).
"""

from __future__ import annotations

from collections.abc import Iterable

import dagster as dg

from schema_assets.defs.desired import DesiredState, DesiredTable
from schema_assets.defs.project import DagsterConfig
from schema_assets.defs.tables.common import table_column
from schema_assets.defs.text import md_text

#: The asset every table asset depends on: nothing is written before the schema is proven.
VALIDATED_SCHEMA = dg.AssetKey("validated_schema")


def asset_key(qualified: str) -> dg.AssetKey:
    schema, _, name = qualified.partition(".")
    return dg.AssetKey([schema, name])


def monthly_partitions(desired: DesiredState) -> dg.MonthlyPartitionsDefinition | None:
    """Months from the first monthly partition in the schema through the current month."""
    if desired.partitions_start is None:
        return None
    return dg.MonthlyPartitionsDefinition(
        start_date=desired.partitions_start.isoformat(), end_offset=1
    )


def _column_schema(table: DesiredTable) -> dg.TableSchema:
    return dg.TableSchema(
        columns=[
            table_column(c.name, c.type, c.comment, nullable=c.nullable) for c in table.columns
        ]
    )


def table_spec(
    table: DesiredTable,
    config: DagsterConfig,
    *,
    deps: Iterable[str] = (),
    partitions_def: dg.PartitionsDefinition | None = None,
    loader_version: str | None = None,
    automation_condition: dg.AutomationCondition | None = None,
) -> dg.AssetSpec:
    """The spec of one table; `loader_version` None means nobody loads it (external)."""
    dep_keys = [VALIDATED_SCHEMA] if loader_version is not None else []
    dep_keys += [asset_key(d) for d in dict.fromkeys(deps) if d != table.qualified]
    description = md_text(table.comment) if table.comment else f"{table.kind} {table.qualified}"
    if loader_version is None:
        description += (
            "\n\nNo loader in this project writes this table: it is listed from the desired "
            "state so that its lineage, columns and owners are visible."
        )
    metadata = {
        "dagster/table_name": f"warehouse.{table.qualified}",
        "dagster/column_schema": _column_schema(table),
        "relation_kind": table.kind,
        "catalog_fingerprint": table.fingerprint,
    }
    if table.partition_column:
        metadata["partition_column"] = table.partition_column
    return dg.AssetSpec(
        key=asset_key(table.qualified),
        group_name=table.schema,
        description=description,
        deps=dep_keys,
        kinds={"postgres", "view" if table.kind == "materialized view" else "table"},
        metadata=metadata,
        owners=config.owners_for(table.schema),
        tags=config.tags_for(table.schema),
        code_version=f"{table.fingerprint}.{loader_version}" if loader_version else None,
        partitions_def=partitions_def,
        automation_condition=automation_condition,
    )
