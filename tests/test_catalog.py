"""Catalog snapshots: normalised, complete for the shipped schema, and storable."""

from __future__ import annotations

from helpers import execute

from schema_assets.catalog import take_snapshot
from schema_assets.catalog.model import Snapshot


def test_snapshot_round_trips_through_json(warehouse_db: str) -> None:
    snap = take_snapshot(warehouse_db)
    again = Snapshot.from_json(snap.to_json())
    assert again == snap
    assert again.fingerprint() == snap.fingerprint()


def test_snapshots_of_the_same_schema_in_two_databases_are_equal(
    warehouse_db: str, pg_server: str, warehouse_template: str
) -> None:
    from schema_assets.database import with_database

    assert take_snapshot(warehouse_db) == take_snapshot(
        with_database(pg_server, warehouse_template)
    )


def test_column_order_does_not_matter_but_types_do(pg_server: str, empty_db: str) -> None:
    from schema_assets.database import scratch_database

    execute(empty_db, "CREATE TABLE t (a int, b text)")
    with scratch_database(pg_server) as other:
        execute(other, "CREATE TABLE t (b text, a int)")
        assert take_snapshot(empty_db) == take_snapshot(other)
        execute(other, "ALTER TABLE t ALTER COLUMN a TYPE bigint")
        assert take_snapshot(empty_db) != take_snapshot(other)


def test_tool_schemas_and_extension_objects_are_left_out(empty_db: str) -> None:
    execute(
        empty_db, "CREATE SCHEMA schema_assets; CREATE TABLE schema_assets.schema_version (x int)"
    )
    execute(empty_db, 'CREATE SCHEMA "Odd Name"; CREATE TABLE "Odd Name"."T" ("A b" int)')
    snap = take_snapshot(empty_db)
    assert "schema_assets" not in snap.schemas
    assert ("Odd Name", "T") in snap.tables
    assert snap.tables[("Odd Name", "T")].columns[0].name == "A b"


def test_partition_children_record_parent_bound_and_inherited_columns(warehouse_db: str) -> None:
    snap = take_snapshot(warehouse_db)
    part = snap.tables[("raw", "trades_p202610")]
    assert part.is_partition and part.parent == ("raw", "trades")
    assert part.partition_bound.startswith("FOR VALUES FROM ('2026-10-01")
    assert all(not c.is_local for c in part.columns)
