"""The shipped desired state applies to an empty database and holds what a DBA expects."""

from __future__ import annotations

from helpers import query, scalar

from schema_assets.catalog import take_snapshot
from schema_assets.config import SCHEMA_FILES
from schema_assets.sqlfiles import apply_sql_files

LAYERS = ("ref", "raw", "staging", "features", "ml")


def test_schema_files_apply_cleanly_in_documented_order(empty_db: str) -> None:
    assert [f.name for f in SCHEMA_FILES] == ["setup_schema_functions.sql", "schema.sql"]
    assert apply_sql_files(empty_db, SCHEMA_FILES) > 50


def test_setup_functions_file_is_rerunnable(warehouse_db: str) -> None:
    apply_sql_files(warehouse_db, SCHEMA_FILES[:1])


def test_warehouse_has_the_layers_and_at_least_20_tables(warehouse_db: str) -> None:
    snap = take_snapshot(warehouse_db)
    assert set(LAYERS) <= set(snap.schemas)
    tables = [t for t in snap.tables.values() if not t.is_partition]
    assert len(tables) >= 20
    assert {t.schema for t in tables} >= set(LAYERS)


def test_big_time_series_are_range_partitioned_by_month_with_default(warehouse_db: str) -> None:
    snap = take_snapshot(warehouse_db)
    parents = [t for t in snap.tables.values() if t.kind == "p"]
    assert len(parents) >= 5
    for parent in parents:
        assert parent.partition_key and parent.partition_key.startswith("RANGE")
        parts = snap.partitions_of(parent.key)
        assert any(p.partition_bound == "DEFAULT" for p in parts), parent.key
        assert (
            sum(p.name.endswith(tuple(f"_p2026{m:02d}" for m in range(1, 13))) for p in parts) >= 3
        )


def test_every_foreign_key_has_a_supporting_index(warehouse_db: str) -> None:
    snap = take_snapshot(warehouse_db)
    fks = [c for c in snap.constraints.values() if c.type == "f" and not c.has_parent]
    assert len(fks) >= 10
    for fk in fks:
        leading = [
            i.key_columns[: len(fk.columns)] for i in snap.table_indexes((fk.schema, fk.table))
        ]
        assert tuple(fk.columns) in [tuple(x) for x in leading], fk.name


def test_has_enums_checks_uniques_partial_and_expression_indexes(warehouse_db: str) -> None:
    snap = take_snapshot(warehouse_db)
    assert len(snap.enums) >= 3
    checks = [c.definition for c in snap.constraints.values() if c.type == "c"]
    assert any("high >= low" in d for d in checks)
    assert any("> (0)::numeric" in d for d in checks)
    assert any(c.type == "u" for c in snap.constraints.values())
    assert any(i.predicate for i in snap.indexes.values())
    assert any(i.include_columns for i in snap.indexes.values())
    assert any(any("(" in col for col in i.key_columns) for i in snap.indexes.values())


def test_has_view_materialized_view_trigger_and_comments(warehouse_db: str) -> None:
    snap = take_snapshot(warehouse_db)
    assert any(v.kind == "v" for v in snap.views.values())
    assert any(v.kind == "m" for v in snap.views.values())
    assert any(t.name.endswith("set_updated_at") for t in snap.triggers.values())
    for table in snap.tables.values():
        if not table.is_partition:
            assert table.comment, f"{table.schema}.{table.name} has no comment"


def test_partition_helper_creates_only_missing_months(warehouse_db: str) -> None:
    created = query(
        warehouse_db,
        "SELECT * FROM util.create_monthly_partitions('raw.trades'::regclass, DATE '2026-09-01', 7)",
    )
    assert len(created) == 1  # Sep 2026 .. Feb 2027 ship with the schema; March is new
    again = query(
        warehouse_db,
        "SELECT * FROM util.create_monthly_partitions('raw.trades'::regclass, DATE '2026-09-01', 7)",
    )
    assert again == []
    assert scalar(warehouse_db, "SELECT to_regclass('raw.trades_p202703') IS NOT NULL")
