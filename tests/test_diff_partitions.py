"""Partitions: created under their parent, attached/detached, managed ones kept."""

from __future__ import annotations

from roundtrip import assert_roundtrip, database_with

from schema_assets.catalog import take_snapshot
from schema_assets.diff import diff_snapshots

PARENT = "CREATE TABLE m (d date NOT NULL, v int) PARTITION BY RANGE (d);"
JAN = "CREATE TABLE m_p202601 PARTITION OF m FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');"
FEB = "CREATE TABLE m_p202602 PARTITION OF m FOR VALUES FROM ('2026-02-01') TO ('2026-03-01');"
EXTRA = "CREATE TABLE m_extra PARTITION OF m FOR VALUES FROM ('2030-01-01') TO ('2030-02-01');"


def test_new_partition_is_created_partition_of_its_parent(pg_server: str) -> None:
    (step,) = assert_roundtrip(pg_server, PARENT + JAN, PARENT + JAN + FEB).steps
    assert step.up[0].startswith("CREATE TABLE public.m_p202602 PARTITION OF public.m FOR VALUES")


def test_new_parent_is_created_before_its_partitions(pg_server: str) -> None:
    plan = assert_roundtrip(pg_server, "", PARENT + JAN + "CREATE INDEX ON m (v)")
    assert [s.object for s in plan.steps if s.kind == "table"] == ["public.m", "public.m_p202601"]


def _plan(pg_server: str, before: str, after: str, pattern: str | None):
    with database_with(pg_server, before) as b, database_with(pg_server, after) as a:
        return diff_snapshots(take_snapshot(b), take_snapshot(a), managed_partition_pattern=pattern)


def test_partition_matching_the_managed_pattern_is_kept(pg_server: str) -> None:
    assert _plan(pg_server, PARENT + JAN + FEB, PARENT + JAN, r"_p[0-9]{6}$").is_empty


def test_without_a_managed_pattern_an_extra_partition_is_dropped(pg_server: str) -> None:
    plan = _plan(pg_server, PARENT + JAN + FEB, PARENT + JAN, None)
    assert [s.up for s in plan.steps] == [("DROP TABLE public.m_p202602",)]


def test_partition_not_matching_the_managed_pattern_is_dropped(pg_server: str) -> None:
    plan = assert_roundtrip(
        pg_server, PARENT + JAN + EXTRA, PARENT + JAN, managed_partition_pattern=r"_p[0-9]{6}$"
    )
    (step,) = plan.steps
    assert step.up == ("DROP TABLE public.m_extra",) and step.destructive


def test_existing_table_is_attached_to_a_parent(pg_server: str) -> None:
    table = "CREATE TABLE m_old (d date NOT NULL, v int);"
    attach = (
        "ALTER TABLE m ATTACH PARTITION m_old FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');"
    )
    plan = assert_roundtrip(
        pg_server,
        PARENT + table,
        PARENT + table + attach,
        data_sql="INSERT INTO m_old SELECT date '2025-01-01' + g, g FROM generate_series(0, 300) g",
    )
    prepare, validate, step = plan.steps
    check = "CHECK (d IS NOT NULL AND d >= '2025-01-01' AND d < '2026-01-01') NOT VALID"
    assert prepare.up[0].startswith("ALTER TABLE public.m_old ADD CONSTRAINT sa_bound_")
    assert prepare.up[0].endswith(check)
    assert not validate.transactional and "VALIDATE CONSTRAINT sa_bound_" in validate.up[0]
    assert step.action == "attach" and step.up[0].startswith(
        "ALTER TABLE public.m ATTACH PARTITION"
    )
    assert step.up[1].startswith("ALTER TABLE public.m_old DROP CONSTRAINT IF EXISTS sa_bound_")


def test_bound_check_covers_plain_range_and_list_bounds_only() -> None:
    from schema_assets.diff.bounds import bound_check

    rng = "FOR VALUES FROM (MINVALUE) TO ('2026-01-01')"
    assert bound_check("RANGE (d)", rng) == "CHECK (d IS NOT NULL AND d < '2026-01-01')"
    assert bound_check("LIST (c)", "FOR VALUES IN ('a', 'b')") == (
        "CHECK (c IS NOT NULL AND c = ANY (ARRAY['a', 'b']))"
    )
    assert bound_check("LIST (c)", "FOR VALUES IN (NULL, 'a')") is None
    assert bound_check("RANGE (a, b)", "FOR VALUES FROM (1, 2) TO (3, 4)") is None
    assert bound_check("RANGE (d)", "DEFAULT") is None
    assert bound_check("HASH (d)", "FOR VALUES WITH (modulus 2, remainder 0)") is None


def test_partition_is_detached_when_it_stands_alone_in_the_target(pg_server: str) -> None:
    table = "CREATE TABLE m_old (d date NOT NULL, v int);"
    attach = (
        "ALTER TABLE m ATTACH PARTITION m_old FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');"
    )
    (step,) = assert_roundtrip(pg_server, PARENT + table + attach, PARENT + table).steps
    assert step.action == "detach"


def test_changed_bounds_detach_and_attach_again(pg_server: str) -> None:
    table = "CREATE TABLE m_old (d date NOT NULL, v int);"
    attach = "ALTER TABLE m ATTACH PARTITION m_old FOR VALUES FROM ('{}') TO ('2026-01-01');"
    plan = assert_roundtrip(
        pg_server,
        PARENT + table + attach.format("2025-01-01"),
        PARENT + table + attach.format("2024-01-01"),
    )
    assert [s.action for s in plan.steps] == [
        "detach",
        "prepare attach",
        "validate bound",
        "attach",
    ]


def test_list_and_hash_partitions_round_trip(pg_server: str) -> None:
    assert_roundtrip(
        pg_server,
        "",
        "CREATE TABLE l (k text) PARTITION BY LIST (k);"
        "CREATE TABLE l_a PARTITION OF l FOR VALUES IN ('a', 'b');"
        "CREATE TABLE l_rest PARTITION OF l DEFAULT;"
        "CREATE TABLE h (id int) PARTITION BY HASH (id);"
        "CREATE TABLE h0 PARTITION OF h FOR VALUES WITH (MODULUS 2, REMAINDER 0);"
        "CREATE TABLE h1 PARTITION OF h FOR VALUES WITH (MODULUS 2, REMAINDER 1);",
    )


def test_timestamptz_partition_bounds_round_trip(pg_server: str) -> None:
    parent = "CREATE TABLE e (at timestamptz NOT NULL) PARTITION BY RANGE (at);"
    part = "CREATE TABLE e_p202601 PARTITION OF e FOR VALUES FROM ('2026-01-01 00:00+00') TO ('2026-02-01 00:00+00');"
    assert_roundtrip(pg_server, parent, parent + part)


KEYED = (
    "CREATE TABLE k (id bigint NOT NULL, d date NOT NULL, sym text, PRIMARY KEY (id, d), "
    "UNIQUE (sym, d)) PARTITION BY RANGE (d); CREATE INDEX ON k (sym) INCLUDE (id);"
    "CREATE INDEX k_lower_idx ON k (lower(sym));"
)
K_JAN = "CREATE TABLE k_p202601 PARTITION OF k FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');"


def test_a_new_partition_needs_no_rename_where_postgresql_picks_the_target_names(
    pg_server: str,
) -> None:
    plan = assert_roundtrip(pg_server, KEYED, KEYED + K_JAN)
    # Only the expression index's name is not predictable (PostgreSQL names it after the
    # function): one guarded rename; the pkey, unique and plain index names are its own.
    renamed = [s.object for s in plan.steps if s.kind == "index"]
    assert renamed == ["public.k_p202601_lower_idx"], plan.to_sql()


def test_a_name_already_taken_keeps_the_guarded_rename(pg_server: str) -> None:
    taken = "CREATE TABLE k_p202601_pkey (x int);"
    plan = assert_roundtrip(pg_server, KEYED + taken, KEYED + taken + K_JAN)
    # PostgreSQL numbered the name (k_p202601_pkey1) in the target as it will in the
    # database: not the predicted name, so the guarded rename stays (a no-op when it runs).
    renamed = {s.object for s in plan.steps if s.kind == "index"}
    assert renamed == {"public.k_p202601_pkey1", "public.k_p202601_lower_idx"}, plan.to_sql()
