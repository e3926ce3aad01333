"""The completeness property's own checks: they fail when they should.

`assert_roundtrip` compares every pair of databases by snapshot and by normalised pg_dump;
these tests show that the comparison catches a blind spot (something pg_dump sees and the
snapshot does not), that normalisation only removes noise, and that the pooled databases
come back as empty as a new one.
"""

from __future__ import annotations

import pytest
from dbpool import pool_for
from pgdump import normalise
from roundtrip import (
    Witnessed,
    apply_sql,
    assert_complete,
    data_fingerprint,
    leaf_columns,
    stable_columns,
    witness,
)

from schema_assets.catalog.model import Snapshot

TABLE = "CREATE TABLE t (id int, note text);"
ROWS = "INSERT INTO t SELECT g, 'n' FROM generate_series(1, 100) g;"


def test_a_difference_only_pg_dump_sees_is_reported_as_a_blind_spot() -> None:
    same = Snapshot()
    with pytest.raises(AssertionError, match="blind spot"):
        assert_complete(Witnessed("a", same, "CREATE TABLE x\n"), Witnessed("b", same, "\n"))


def test_a_difference_only_the_snapshot_sees_is_reported_too(pg_server: str) -> None:
    pool = pool_for(pg_server)
    with pool.lease() as a, pool.lease() as b:
        apply_sql(a.conn, TABLE)
        apply_sql(b.conn, "CREATE TABLE t (id int, note text); COMMENT ON TABLE t IS 'x';")
        wa, wb = witness((a, "a"), (b, "b"))
    with pytest.raises(AssertionError, match="pg_dump does not"):
        assert_complete(wa, Witnessed("b", wb.snapshot, wa.dump))


def test_extended_statistics_are_a_known_blind_spot_the_property_catches(pg_server: str) -> None:
    """CREATE STATISTICS is not a snapshot kind yet: the property says so, loudly."""
    pool = pool_for(pg_server)
    with pool.lease() as a, pool.lease() as b:
        apply_sql(a.conn, TABLE)
        apply_sql(b.conn, TABLE + "CREATE STATISTICS t_stats ON id, note FROM t;")
        wa, wb = witness((a, "a"), (b, "b"))
    with pytest.raises(AssertionError, match="blind spot"):
        assert_complete(wa, wb)


def test_normalising_ignores_column_order_and_statement_order_only() -> None:
    one = "CREATE TABLE public.t (\n    a integer,\n    b text\n);\n\nCREATE INDEX i ON public.t (a);\n"
    two = "CREATE INDEX i ON public.t (a);\n\nCREATE TABLE public.t (\n    b text,\n    a integer\n);\n"
    three = one.replace("b text", "b varchar")
    assert normalise(one) == normalise(two) != normalise(three)


def test_normalising_drops_the_random_restrict_key_and_session_settings() -> None:
    dump = "\\restrict abc\nSET lock_timeout = 0;\n-- comment\nCREATE SCHEMA s;\n\\unrestrict abc\n"
    assert normalise(dump) == "CREATE SCHEMA s\n"


def test_row_fingerprint_sees_a_lost_row(pg_server: str) -> None:
    with pool_for(pg_server).lease() as db:
        apply_sql(db.conn, TABLE + ROWS)
        stable = stable_columns(leaf_columns(db.conn))
        before = data_fingerprint(db.conn, stable)
        apply_sql(db.conn, "DELETE FROM t WHERE id = 7")
        assert data_fingerprint(db.conn, stable) != before


def test_a_pooled_database_comes_back_empty(pg_server: str) -> None:
    pool = pool_for(pg_server)
    with pool.lease() as db:
        apply_sql(
            db.conn,
            "CREATE SCHEMA s; CREATE TABLE s.t (id int); CREATE EXTENSION hstore;"
            "CREATE PUBLICATION p FOR TABLE s.t; CREATE TABLE public.x (id int);"
            "COMMENT ON SCHEMA public IS 'changed';",
        )
        name = db.name
    with pool.lease() as again:
        assert again.name == name  # reused, not created anew
        rows = again.conn.execute(
            "SELECT count(*) FROM pg_class WHERE oid >= 16384 "
            "UNION ALL SELECT count(*) FROM pg_publication "
            "UNION ALL SELECT count(*) FROM pg_extension WHERE extname <> 'plpgsql'"
        ).fetchall()
        comment = again.conn.execute("SELECT obj_description('public'::regnamespace)").fetchone()
    assert rows == [(0,), (0,), (0,)] and comment == ("standard public schema",)
