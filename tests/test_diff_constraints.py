"""Constraints: NOT VALID + VALIDATE on existing tables, plain on new ones, FK ordering."""

from __future__ import annotations

from roundtrip import assert_roundtrip

from schema_assets.plan import VALIDATES_CONSTRAINT

PARENT = "CREATE TABLE p (id int PRIMARY KEY);"


def test_new_foreign_key_on_existing_table_is_added_not_valid_then_validated(
    pg_server: str,
) -> None:
    plan = assert_roundtrip(
        pg_server,
        PARENT + "CREATE TABLE c (p_id int)",
        PARENT + "CREATE TABLE c (p_id int CONSTRAINT c_fk REFERENCES p)",
    )
    add, validate = plan.steps
    assert add.up[0].endswith("NOT VALID") and add.lock == "SHARE ROW EXCLUSIVE"
    assert validate.up == ("ALTER TABLE public.c VALIDATE CONSTRAINT c_fk",)
    assert validate.lock == "SHARE UPDATE EXCLUSIVE" and VALIDATES_CONSTRAINT in validate.hazards


def test_foreign_key_on_new_table_is_added_plainly(pg_server: str) -> None:
    plan = assert_roundtrip(pg_server, PARENT, PARENT + "CREATE TABLE c (p_id int REFERENCES p)")
    fk = [s for s in plan.steps if s.kind == "constraint"]
    assert len(fk) == 1 and "NOT VALID" not in fk[0].up[0]


def test_check_on_existing_table_is_added_not_valid_then_validated(pg_server: str) -> None:
    plan = assert_roundtrip(
        pg_server,
        "CREATE TABLE t (n int)",
        "CREATE TABLE t (n int CONSTRAINT n_pos CHECK (n > 0))",
    )
    assert [s.action for s in plan.steps] == ["create", "validate"]


def test_check_on_partitioned_table_is_validated_separately(pg_server: str) -> None:
    table = "CREATE TABLE t (n int) PARTITION BY RANGE (n);"
    part = "CREATE TABLE t1 PARTITION OF t FOR VALUES FROM (0) TO (10);"
    plan = assert_roundtrip(
        pg_server, table + part, table + part + "ALTER TABLE t ADD CONSTRAINT ck CHECK (n >= 0)"
    )
    assert [s.action for s in plan.steps] == ["create", "validate"]


def test_foreign_key_onto_a_new_unique_constraint_comes_after_it(pg_server: str) -> None:
    plan = assert_roundtrip(
        pg_server,
        "CREATE TABLE p (code text); CREATE TABLE c (code text)",
        "CREATE TABLE p (code text CONSTRAINT p_code_key UNIQUE);"
        "CREATE TABLE c (code text CONSTRAINT c_code_fk REFERENCES p (code))",
    )
    objects = [s.object for s in plan.steps]
    assert objects.index("public.p.p_code_key") < objects.index("public.c.c_code_fk")


def test_changing_a_referenced_primary_key_recreates_the_foreign_keys(pg_server: str) -> None:
    plan = assert_roundtrip(
        pg_server,
        "CREATE TABLE p (id int, k int, CONSTRAINT p_pkey PRIMARY KEY (id));"
        "CREATE TABLE c (p_id int CONSTRAINT c_fk REFERENCES p)",
        "CREATE TABLE p (id int, k int, CONSTRAINT p_pkey PRIMARY KEY (id) INCLUDE (k));"
        "CREATE TABLE c (p_id int CONSTRAINT c_fk REFERENCES p)",
    )
    actions = [(s.action, s.object) for s in plan.steps]
    assert actions.index(("drop", "public.c.c_fk")) < actions.index(("drop", "public.p.p_pkey"))
    assert actions.index(("create", "public.p.p_pkey")) < actions.index(("create", "public.c.c_fk"))


def test_deferrable_and_exclusion_constraints_round_trip(pg_server: str) -> None:
    assert_roundtrip(
        pg_server,
        "CREATE TABLE t (id int, r int4range)",
        "CREATE TABLE t (id int CONSTRAINT t_id_key UNIQUE DEFERRABLE INITIALLY DEFERRED, "
        "r int4range, CONSTRAINT t_r_excl EXCLUDE USING gist (r WITH &&))",
    )


def test_new_primary_key_on_existing_table_is_built_concurrently_then_attached(
    pg_server: str,
) -> None:
    plan = assert_roundtrip(
        pg_server,
        "CREATE TABLE t (id int, note text)",
        "CREATE TABLE t (id int CONSTRAINT t_pkey PRIMARY KEY, note text)",
        data_sql="INSERT INTO t SELECT i, 'n' FROM generate_series(1, 100) i",
    )
    sql = [(s.transactional, stmt) for s in plan.steps for stmt in s.up]
    assert sql[0] == (False, "CREATE UNIQUE INDEX CONCURRENTLY t_pkey ON public.t USING btree (id)")
    assert sql[-1] == (
        True,
        "ALTER TABLE public.t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX t_pkey",
    )
    not_null = [i for i, (_, stmt) in enumerate(sql) if "SET NOT NULL" in stmt]
    assert not_null and not_null[0] < len(sql) - 1  # NOT NULL (via a validated check) first
    assert not any("PRIMARY KEY (" in stmt for _, stmt in sql)  # no build under the lock


def test_new_unique_on_existing_table_is_built_concurrently_then_attached(pg_server: str) -> None:
    plan = assert_roundtrip(
        pg_server,
        "CREATE TABLE t (id int, code text)",
        "CREATE TABLE t (id int, code text CONSTRAINT t_code_key UNIQUE NULLS NOT DISTINCT)",
    )
    build, attach = plan.steps
    assert build.up == (
        "CREATE UNIQUE INDEX CONCURRENTLY t_code_key ON public.t USING btree (code) "
        "NULLS NOT DISTINCT",
    )
    assert not build.transactional and build.lock == "SHARE UPDATE EXCLUSIVE"
    assert attach.up == (
        "ALTER TABLE public.t ADD CONSTRAINT t_code_key UNIQUE USING INDEX t_code_key",
    )


def test_key_on_new_table_or_unadoptable_index_keeps_the_plain_form(pg_server: str) -> None:
    plan = assert_roundtrip(pg_server, "", "CREATE TABLE t (id int PRIMARY KEY)")
    assert not any("CONCURRENTLY" in stmt for s in plan.steps for stmt in s.up)
    plan = assert_roundtrip(  # USING INDEX takes no INCLUDE columns: built under the lock
        pg_server,
        "CREATE TABLE t (id int, k int)",
        "CREATE TABLE t (id int, k int, CONSTRAINT t_id_key UNIQUE (id) INCLUDE (k))",
    )
    assert [s.up for s in plan.steps] == [
        ("ALTER TABLE public.t ADD CONSTRAINT t_id_key UNIQUE (id) INCLUDE (k)",)
    ]
