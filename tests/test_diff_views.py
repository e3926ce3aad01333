"""Views: dependency-ordered, recreated around changes they depend on, with their extras."""

from __future__ import annotations

from roundtrip import assert_roundtrip

TABLE = "CREATE TABLE t (id int, price {});"
INT_TABLE = "CREATE TABLE t (id int, price int);"
VIEW_ID = "CREATE VIEW v AS SELECT id FROM t;"
VIEW_ID_PRICE = "CREATE VIEW v AS SELECT id, price FROM t;"


def test_view_over_a_retyped_column_is_dropped_before_and_created_after(pg_server: str) -> None:
    view = "CREATE VIEW v AS SELECT id, price FROM t; COMMENT ON VIEW v IS 'prices';"
    plan = assert_roundtrip(
        pg_server, TABLE.format("integer") + view, TABLE.format("numeric(12,4)") + view
    )
    assert [(s.action, s.kind) for s in plan.steps] == [
        ("drop", "view"), ("alter", "column"), ("create", "view"),
    ]  # fmt: skip
    assert any("COMMENT ON VIEW" in stmt for stmt in plan.steps[-1].up)


def test_view_on_a_view_is_recreated_in_dependency_order(pg_server: str) -> None:
    views = "CREATE VIEW v1 AS SELECT id, price FROM t; CREATE VIEW v2 AS SELECT price FROM v1;"
    plan = assert_roundtrip(pg_server, TABLE.format("int") + views, TABLE.format("bigint") + views)
    order = [(s.action, s.object) for s in plan.steps if s.kind == "view"]
    assert order == [
        ("drop", "public.v2"), ("drop", "public.v1"), ("create", "public.v1"), ("create", "public.v2"),
    ]  # fmt: skip


def test_materialized_view_is_recreated_with_its_index(pg_server: str) -> None:
    mv = "CREATE MATERIALIZED VIEW mv AS SELECT id, price FROM t; CREATE UNIQUE INDEX mv_id ON mv (id);"
    plan = assert_roundtrip(pg_server, TABLE.format("int") + mv, TABLE.format("bigint") + mv)
    create = next(s for s in plan.steps if s.kind == "view" and s.action == "create")
    assert any(stmt.startswith("CREATE UNIQUE INDEX mv_id") for stmt in create.up)


def test_changed_view_definition_recreates_only_that_view(pg_server: str) -> None:
    plan = assert_roundtrip(
        pg_server,
        INT_TABLE + VIEW_ID,
        INT_TABLE + VIEW_ID_PRICE,
    )
    assert [s.kind for s in plan.steps] == ["view", "view"]


def test_view_grants_survive_recreation(pg_server: str) -> None:
    grant = "GRANT SELECT ON v TO PUBLIC;"
    plan = assert_roundtrip(
        pg_server,
        INT_TABLE + VIEW_ID + grant,
        INT_TABLE + VIEW_ID_PRICE + grant,
    )
    assert any(stmt.startswith("GRANT SELECT") for stmt in plan.steps[-1].up)
