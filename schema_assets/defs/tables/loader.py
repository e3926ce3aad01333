"""Hand-written loaders, attached to the tables of the desired state they write.

A `Loader` names the tables it writes, what each of them reads (lineage), and a function that
does the work on one connection. `build_table_assets` turns the desired state into assets:
every table a loader writes becomes part of that loader's multi-asset; every other table or
materialized view becomes an external asset, so a new table in schema.sql appears in the
asset graph (with its columns, owners and lineage) before anyone writes a loader for it.
"""

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import dagster as dg
import psycopg

from schema_assets.catalog import take_snapshot
from schema_assets.database import connect
from schema_assets.defs.automation import table_condition
from schema_assets.defs.desired import DesiredState, DesiredTable
from schema_assets.defs.project import DagsterConfig
from schema_assets.defs.resources import WarehouseResource
from schema_assets.defs.tables.common import WarehouseTable, Window, row_count, table_schema
from schema_assets.defs.tables.specs import asset_key, monthly_partitions, table_spec
from schema_assets.errors import BadInputError

log = logging.getLogger(__name__)

Lineage = Mapping[str, Sequence[str]]  # column -> ("schema.table.column", ...)


@dataclass(frozen=True)
class LoadContext:
    """What a loader gets: one open connection (committed by the caller), a log, a window."""

    conn: psycopg.Connection
    log: Any
    window: Window | None = None  # set for monthly loaders: the months this run covers


@dataclass(frozen=True)
class Loader:
    """Writes `writes` (qualified names, in order); `reads` gives each written table's inputs."""

    name: str
    description: str
    writes: tuple[str, ...]
    load: Callable[[LoadContext], Mapping[str, Mapping[str, Any]]]  # table -> extra metadata
    reads: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    monthly: bool = False
    version: str = "1"  # bump when the loader's output changes for the same schema
    column_lineage: Mapping[str, Lineage] = field(default_factory=dict)


def _lineage_metadata(lineage: Lineage) -> dg.TableColumnLineage:
    deps: dict[str, list[dg.TableColumnDep]] = {}
    for column, sources in lineage.items():
        deps[column] = [
            dg.TableColumnDep(asset_key=asset_key(relation), column_name=column)
            for relation, column in (src.rsplit(".", 1) for src in sources)
        ]
    return dg.TableColumnLineage(deps_by_column=deps)


def _window(context: dg.AssetExecutionContext) -> Window | None:
    if not context.has_partition_key_range and not context.has_partition_key:
        return None
    tw = context.partition_time_window
    return Window(tw.start, tw.end)


def _results(
    conn: psycopg.Connection,
    loader: Loader,
    tables: Sequence[DesiredTable],
    extra: Mapping[str, Mapping[str, Any]],
    window: Window | None,
    single_partition: bool,
) -> Iterator[dg.MaterializeResult]:
    snapshot = take_snapshot(conn)
    for table in tables:
        target = WarehouseTable(table.schema, table.name)
        metadata: dict[str, Any] = {"dagster/column_schema": table_schema(snapshot, target)}
        if window is not None and table.partition_column:
            count = row_count(conn, target, window, table.partition_column)
            metadata["rows_in_window"] = count
            metadata["window"] = f"{window.start:%Y-%m-%d} .. {window.end:%Y-%m-%d}"
            if single_partition:
                metadata["dagster/row_count"] = count
        else:
            metadata["dagster/row_count"] = row_count(conn, target)
        if table.qualified in loader.column_lineage:
            metadata["dagster/column_lineage"] = _lineage_metadata(
                loader.column_lineage[table.qualified]
            )
        metadata.update(extra.get(table.qualified, {}))
        yield dg.MaterializeResult(asset_key=target.key, metadata=metadata)


def _inputs(loader: Loader, table: DesiredTable) -> list[str]:
    """What a table reads: the loader's declared inputs plus the tables its FKs point at."""
    refs = [f"{schema}.{name}" for schema, name in table.references]
    return list(dict.fromkeys([*loader.reads.get(table.qualified, ()), *refs]))


def loader_asset(
    loader: Loader,
    desired: DesiredState,
    config: DagsterConfig,
    external: tuple[dg.AssetKey, ...] = (),
) -> dg.AssetsDefinition:
    """One multi-asset running `loader` and reporting every table it wrote; `external` are
    the tables no loader writes (automation does not wait for them)."""
    # The tables the schema files define (build_table_assets passes loaders with all of them).
    tables = [t for t in (desired.table(name) for name in loader.writes) if t is not None]
    partitions = monthly_partitions(desired) if loader.monthly else None
    known = {t.qualified for t in desired.tables}
    step = tuple(asset_key(t.qualified) for t in tables)
    specs = [
        table_spec(
            table,
            config,
            deps=[d for d in _inputs(loader, table) if d in known],
            partitions_def=partitions,
            loader_version=loader.version,
            automation_condition=table_condition(asset_key(table.qualified), step, external),
        )
        for table in tables
    ]

    @dg.multi_asset(
        name=loader.name,
        specs=specs,
        description=loader.description,
        partitions_def=partitions,
        backfill_policy=dg.BackfillPolicy.single_run() if partitions else None,
    )
    def _load(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        window = _window(context) if partitions else None
        single = bool(partitions) and len(context.partition_keys) == 1
        if window is not None:
            context.log.info(f"loading {window.start:%Y-%m-%d} .. {window.end:%Y-%m-%d}")
        with connect(warehouse.url()) as conn:
            extra = loader.load(LoadContext(conn, context.log, window))
            conn.commit()
            yield from _results(conn, loader, tables, extra, window, single)

    return _load


def _check_loader(loader: Loader, desired: DesiredState) -> bool:
    """True when all of a loader's tables exist; False when none do (an older schema)."""
    present = [t for t in loader.writes if desired.table(t) is not None]
    if present and len(present) < len(loader.writes):
        missing = sorted(set(loader.writes) - set(present))
        raise BadInputError(
            f"loader {loader.name} writes {', '.join(missing)}, which the schema files no longer "
            f"define (it also writes {', '.join(present)}): restore the table(s) in schema.sql "
            f"or remove them from the loader in schema_assets/defs/tables/"
        )
    if not present:
        log.info("loader %s left out: none of its tables is in the desired state", loader.name)
    elif loader.monthly and desired.partitions_start is None:
        raise BadInputError(
            f"loader {loader.name} loads months, but no table of the schema files has monthly "
            "partitions (<table>_pYYYYMM, created by util.create_monthly_partitions)"
        )
    return bool(present)


def build_table_assets(
    loaders: Sequence[Loader], desired: DesiredState, config: DagsterConfig
) -> tuple[list[dg.AssetsDefinition], list[dg.AssetSpec]]:
    """Loader multi-assets plus an external asset for every table no loader writes."""
    owners: dict[str, str] = {}
    for loader in loaders:
        for table in loader.writes:
            if table in owners:
                raise BadInputError(f"{table} is written by both {owners[table]} and {loader.name}")
            owners[table] = loader.name
    active = [loader for loader in loaders if _check_loader(loader, desired)]
    written = {t for loader in active for t in loader.writes}
    unwritten = tuple(asset_key(t.qualified) for t in desired.tables if t.qualified not in written)
    assets = [loader_asset(loader, desired, config, unwritten) for loader in active]
    partitions = monthly_partitions(desired)
    external = [
        table_spec(
            table,
            config,
            deps=[f"{schema}.{name}" for schema, name in table.references],
            partitions_def=partitions if table.monthly else None,
        )
        for table in desired.tables
        if table.qualified not in written
    ]
    return assets, external
