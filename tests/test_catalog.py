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


def test_the_snapshots_kinds_are_the_registrys() -> None:
    from schema_assets.catalog.kinds import KINDS
    from schema_assets.catalog.snapshot import _queries

    snap = Snapshot()
    names = [k.name for k in KINDS]
    assert [n for n in snap.to_dict() if n != "server_version"] == names
    assert all(snap.objects(n) == {} for n in names)
    queries = {q for group in _queries() for q in group}
    assert queries == {q for k in KINDS for q in k.queries}


def test_a_snapshot_stored_before_a_kind_was_registered_reads_it_as_empty() -> None:
    import pickle

    snap = Snapshot()
    del snap.__dict__["publications"]  # as pickled by a version without the kind
    again = pickle.loads(pickle.dumps(snap))
    assert again.objects("publications") == {} and again == Snapshot()


def test_publications_are_read_with_members_filters_and_comments(empty_db: str) -> None:
    execute(
        empty_db,
        "CREATE TABLE t (id int PRIMARY KEY, v text);"
        "CREATE PUBLICATION p FOR TABLE t (id, v) WHERE (id > 0) WITH (publish = 'insert');"
        "COMMENT ON PUBLICATION p IS 'feed'",
    )
    snap = take_snapshot(empty_db)
    (pub,) = snap.objects("publications").values()
    assert pub.tables == (("public", "t", ("id", "v"), "(id > 0)"),)
    assert (pub.publish, pub.comment) == (("insert",), "feed")
    assert Snapshot.from_json(snap.to_json()) == snap


def test_not_null_constraint_names_are_recorded_only_when_not_the_default(empty_db: str) -> None:
    execute(empty_db, "CREATE TABLE t (a int NOT NULL, b int CONSTRAINT b_set NOT NULL, c int)")
    cols = {c.name: c for c in take_snapshot(empty_db).tables[("public", "t")].columns}
    assert (cols["a"].not_null_name, cols["b"].not_null_name, cols["c"].not_null) == (
        None,
        "b_set",
        False,
    )


def test_partition_columns_count_as_inherited_whether_created_or_attached(empty_db: str) -> None:
    execute(
        empty_db,
        "CREATE TABLE p (d date NOT NULL) PARTITION BY RANGE (d);"
        "CREATE TABLE p1 PARTITION OF p FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');"
        "CREATE TABLE p2 (d date NOT NULL);"
        "ALTER TABLE p ATTACH PARTITION p2 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
    )
    tables = take_snapshot(empty_db).tables
    assert not tables[("public", "p1")].columns[0].is_local
    assert not tables[("public", "p2")].columns[0].is_local


def test_replica_identity_and_cluster_are_read(empty_db: str) -> None:
    execute(
        empty_db,
        "CREATE TABLE t (id int NOT NULL); CREATE UNIQUE INDEX t_id ON t (id);"
        "ALTER TABLE t REPLICA IDENTITY USING INDEX t_id; ALTER TABLE t CLUSTER ON t_id",
    )
    snap = take_snapshot(empty_db)
    t = snap.tables[("public", "t")]
    assert (t.replica_identity, t.replica_index) == ("i", "t_id")
    assert snap.indexes[("public", "t_id")].clustered
