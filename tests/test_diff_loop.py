"""The pieces every comparator shares: keyword Change helpers, the create/drop/alter loop,
and the ordering rule for names that one plan frees and claims again."""

from __future__ import annotations

from schema_assets.diff.change import alter, create, drop
from schema_assets.diff.loop import compare_objects
from schema_assets.diff.order import order_changes


def _ops(source: dict, target: dict, **kw) -> list[tuple[str, str]]:
    changes = compare_objects(
        source,
        target,
        create=lambda o: [create("x", o, up=f"create {o}", down=None, phase=1)],
        drop=lambda o: [drop("x", o, up=f"drop {o}", down=None, phase=1)],
        **kw,
    )
    return [(c.action, c.object) for c in changes]


def test_objects_only_in_the_source_are_dropped_only_in_the_target_created() -> None:
    assert _ops({"a": "a"}, {"b": "b"}) == [("drop", "a"), ("create", "b")]


def test_different_objects_without_an_alter_are_recreated() -> None:
    assert _ops({"k": "old"}, {"k": "new"}) == [("drop", "old"), ("create", "new")]


def test_different_objects_are_altered_when_the_kind_can() -> None:
    ops = _ops(
        {"k": "old"},
        {"k": "new"},
        alter=lambda a, b: [alter("x", b, up="alter", down=None, phase=1)],
    )
    assert ops == [("alter", "new")]


def test_equal_objects_are_left_alone_unless_the_plan_recreates_them() -> None:
    assert _ops({"k": "same"}, {"k": "same"}) == []
    assert _ops({"k": "same"}, {"k": "same"}, recreate=lambda k: True) == [
        ("drop", "same"),
        ("create", "same"),
    ]


def test_a_kept_source_object_is_not_dropped() -> None:
    assert _ops({"a": "a"}, {}, keep=lambda k, o: True) == []


def test_keyword_helpers_take_one_statement_or_several() -> None:
    one = create("table", "s.t", up="CREATE TABLE s.t ()", down="DROP TABLE s.t", phase=100)
    two = alter("table", "s.t", up=["a", "b"], down=None, phase=105, irreversible_reason="why")
    assert (one.up, one.down, one.action) == (
        ("CREATE TABLE s.t ()",),
        ("DROP TABLE s.t",),
        "create",
    )
    assert (two.up, two.down, two.to_step().irreversible_reason) == (("a", "b"), None, "why")


def test_a_name_freed_and_claimed_in_one_plan_is_freed_just_before() -> None:
    view = create("view", "s.v", up="CREATE VIEW", down=None, phase=170, creates=(("s", "v"),))
    table = drop("table", "s.v", up="DROP TABLE", down=None, phase=210, drops=(("s", "v"),))
    other = drop("table", "s.w", up="DROP TABLE w", down=None, phase=210, drops=(("s", "w"),))
    ordered = order_changes([other, table, view])
    assert [c.up[0] for c in ordered] == ["DROP TABLE", "CREATE VIEW", "DROP TABLE w"]
