"""Revision files: readable, exact both ways, and checksummed from their own code."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import pytest
from apply_support import create_table_plan

from schema_assets.apply.autogen import revision_id
from schema_assets.apply.chain import History
from schema_assets.apply.migration import build_migration
from schema_assets.apply.revision import read_revision_file, render_revision, write_revision
from schema_assets.errors import BadInputError
from schema_assets.plan import DELETES_DATA, Plan, Step

TRICKY = (
    "SELECT ':name' AS colon, '100%' AS pct, 'it''s' AS quote, E'back\\\\slash' AS bs, "
    '"a""b", \'"""\' AS triple FROM t'
)


def _plan(*steps: Step) -> Plan:
    return Plan(steps=steps, source="live", target="files", target_fingerprint="fp")


def _write(tmp_path: Path, plan: Plan, rev: str = "0002_t1_0000abcd", down: str | None = None):
    return write_revision(tmp_path, build_migration(plan, rev, "add t1"), down)


def test_steps_round_trip_with_their_down_sql_and_transactionality(tmp_path: Path) -> None:
    migration = build_migration(create_table_plan(), "0002_t1_0000abcd", "add t1")
    rf = read_revision_file(write_revision(tmp_path, migration, "0001_base_0000abcd"))
    assert [(s.label, s.statements, s.down, s.transactional) for s in rf.up] == [
        (s.label, s.statements, s.down, s.transactional) for s in migration.up
    ]
    assert rf.down_revision == "0001_base_0000abcd" and rf.message == "add t1"
    assert [s.statements for s in rf.down] == [("DROP INDEX CONCURRENTLY public.\"t1_note_idx\"",),
                                               ('DROP TABLE public."t1"',)]  # fmt: skip
    assert rf.opaque == ()


def test_sql_with_colons_percents_quotes_and_backslashes_survives(tmp_path: Path) -> None:
    plan = _plan(Step("view", "create", "public.v", up=(TRICKY, 'SELECT 1 AS "x"'), down=()))
    rf = read_revision_file(_write(tmp_path, plan))
    assert rf.up[0].statements == (TRICKY, 'SELECT 1 AS "x"')


def test_file_is_readable_one_op_per_step_with_lock_and_hazards_in_a_comment(
    tmp_path: Path,
) -> None:
    text = _write(tmp_path, create_table_plan()).read_text()
    body = text.split("def upgrade() -> None:")[1].split("def downgrade")[0]
    assert body.count("op.step(") == 2
    assert "# 2. create index public.t1_note_idx · SHARE UPDATE EXCLUSIVE · outside a " in body
    assert "transactional=False" in body
    assert "op.undo(upgrade)" in text.split("def downgrade() -> None:")[1]
    assert "PLAN_JSON" not in text and "json" not in text.lower()


def test_loading_the_file_has_no_side_effect_and_calls_only_op(tmp_path: Path) -> None:
    name = "x\n    __import__('os').system('touch pwned')#"
    plan = _plan(Step("index", "drop", f"public.{name}", up=(f'DROP INDEX "{name}"',), down=()))
    path = _write(tmp_path, plan)
    tree = ast.parse(path.read_text())
    calls = {ast.unparse(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    assert calls == {"op.step", "op.undo"}
    spec = importlib.util.spec_from_file_location("rev", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # defines functions only
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()
    assert read_revision_file(path).up[0].statements == (f'DROP INDEX "{name}"',)


def test_checksum_covers_the_code_not_comments_or_layout(tmp_path: Path) -> None:
    path = _write(tmp_path, create_table_plan())
    original = read_revision_file(path).checksum
    text = path.read_text()
    path.write_text(text.replace("# 1. create table", "# 1. (reviewed) create table"))
    assert read_revision_file(path).checksum == original
    path.write_text(
        text.replace("def downgrade", "    op.execute('ANALYZE public.t1')\n\n\ndef downgrade")
    )
    edited = read_revision_file(path)
    assert edited.checksum != original
    assert [s.statements for s in edited.up][-1] == ("ANALYZE public.t1",)


def test_irreversible_and_destructive_steps_are_explicit(tmp_path: Path) -> None:
    drop = Step(
        "column", "drop", "public.t.c", up=('ALTER TABLE public.t DROP COLUMN "c"',), down=None,
        hazards=(DELETES_DATA,), irreversible_reason="the column's values are gone",
        archive={"table": ["public", "t"], "columns": ["c"], "key": ["id"]},
    )  # fmt: skip
    rf = read_revision_file(_write(tmp_path, _plan(drop)))
    assert [s.action for s in rf.up] == ["archive", "drop"]
    assert rf.up[1].destructive and rf.up[1].down is None
    assert rf.down is None and "the column's values are gone" in rf.irreversible_reason


def test_lines_stay_under_200_characters_even_for_long_sql(tmp_path: Path) -> None:
    long = "SELECT " + ", ".join(f"'{'x' * 40}{i}' AS c{i}" for i in range(20))
    plan = _plan(Step("view", "create", "public.v", up=(f"CREATE VIEW public.v AS {long}",),
                      down=("DROP VIEW public.v",)))  # fmt: skip
    path = _write(tmp_path, plan)
    assert max(len(line) for line in path.read_text().splitlines()) <= 200
    assert read_revision_file(path).up[0].statements == (f"CREATE VIEW public.v AS {long}",)


def test_revision_ids_are_deterministic_short_and_safe(tmp_path: Path) -> None:
    first = revision_id("Add order book snapshots!", ["0001_base_0000abcd"], "f" * 64, 2)
    assert first == revision_id("Add order book snapshots!", ["0001_base_0000abcd"], "f" * 64, 2)
    assert first.startswith("0002_add_order_book_sn") and len(first) <= 32
    assert revision_id("Add order book snapshots!", ["0001_base_0000abcd"], "e" * 64, 2) != first
    with pytest.raises(BadInputError, match="not a valid revision id"):
        write_revision(tmp_path, build_migration(create_table_plan(), "../x", "m"), None)
    with pytest.raises(BadInputError, match="at most 32"):
        write_revision(tmp_path, build_migration(create_table_plan(), "r" * 33, "m"), None)


def test_render_is_byte_identical_for_the_same_input() -> None:
    migration = build_migration(create_table_plan(), "0002_t1_0000abcd", "add t1")
    assert render_revision(migration, None) == render_revision(migration, None)


def test_two_heads_are_refused_naming_alembic_merge(tmp_path: Path) -> None:
    for rev in ("0001_a_0000abcd", "0001_b_0000abcd"):
        _write(tmp_path, create_table_plan(), rev)
    with pytest.raises(BadInputError, match="several heads .*`alembic merge heads"):
        History.read(tmp_path).head  # noqa: B018
