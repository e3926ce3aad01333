"""Revision files rendered from plans: readable, exact, and checksummed from their own text."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from apply_support import create_table_plan

from schema_assets.apply.revision import (
    build_migration,
    chain_head,
    new_revision_id,
    read_revision_file,
    render_revision,
    revision_files,
    write_revision,
)
from schema_assets.errors import BadInputError
from schema_assets.plan import DELETES_DATA, Plan, Step

TRICKY = (
    "SELECT ':name' AS colon, '100%' AS pct, 'it''s' AS quote, E'back\\\\slash' AS bs, "
    '"a""b" FROM t'
)


def _plan(*steps: Step) -> Plan:
    return Plan(steps=steps, source="live", target="files", target_fingerprint="fp")


def test_file_checksum_equals_migration_checksum(tmp_path: Path) -> None:
    migration = build_migration(create_table_plan(), "20260101_000000_t1", "add t1")
    path = write_revision(tmp_path, migration, None)
    assert read_revision_file(path).checksum == migration.checksum


def test_sql_with_colons_percents_quotes_and_backslashes_survives_rendering(
    tmp_path: Path,
) -> None:
    plan = _plan(Step("view", "create", "public.v", up=(TRICKY, 'SELECT 1 AS "x"'), down=()))
    migration = build_migration(plan, "20260101_000000_tricky", "tricky")
    parsed = read_revision_file(write_revision(tmp_path, migration, None))
    assert parsed.up[0].statements == (TRICKY, 'SELECT 1 AS "x"')


def test_non_transactional_steps_render_inside_autocommit_block() -> None:
    text = render_revision(build_migration(create_table_plan(), "r1", "m"), None)
    block = text.split("def upgrade() -> None:")[1].split("def downgrade")[0]
    assert "with op.get_context().autocommit_block():" in block
    assert "CREATE INDEX CONCURRENTLY" in block.split("autocommit_block():")[1]
    assert "transactional=False" in block


def test_downgrade_runs_the_down_steps_in_reverse_order() -> None:
    migration = build_migration(create_table_plan(), "r1", "m")
    assert [s.statements[0].split()[0:2] for s in migration.down] == [
        ["DROP", "INDEX"],
        ["DROP", "TABLE"],
    ]


def test_irreversible_step_makes_downgrade_raise(tmp_path: Path) -> None:
    plan = _plan(
        Step("table", "alter", "public.t", up=("ALTER TABLE t ADD c int",), down=None,
             irreversible_reason="type narrowing loses data"),
    )  # fmt: skip
    migration = build_migration(plan, "20260101_000000_irrev", "irrev")
    text = render_revision(migration, None)
    assert "irreversible('20260101_000000_irrev', " in text
    assert "type narrowing loses data" in text
    assert read_revision_file(write_revision(tmp_path, migration, None)).down is None


def test_docstring_carries_the_plan_summary_and_plan_json_round_trips(tmp_path: Path) -> None:
    plan = create_table_plan()
    migration = build_migration(plan, "20260101_000000_t1", "add t1")
    path = write_revision(tmp_path, migration, "20251231_000000_prev")
    text = path.read_text()
    assert text.startswith('"""add t1')
    assert "| 1 | create table | `public.t1`" in text
    parsed = read_revision_file(path)
    assert parsed.down_revision == "20251231_000000_prev"
    assert Plan.from_dict(parsed.plan).up_sql() == plan.up_sql()


def test_destructive_step_is_preceded_by_its_archive_statements() -> None:
    drop = Step(
        "column", "drop", "public.t.c", up=('ALTER TABLE public.t DROP COLUMN "c"',),
        down=('ALTER TABLE public.t ADD COLUMN "c" text',), hazards=(DELETES_DATA,),
        archive={"table": ["public", "t"], "columns": ["c"], "key": ["id"]},
    )  # fmt: skip
    migration = build_migration(_plan(drop), "20260101_000000_drop", "drop c")
    assert [s.action for s in migration.up] == ["archive", "drop"]
    assert any("schema_assets_archive" in s for s in migration.up[0].statements)
    assert migration.up[0].transactional and migration.up[1].transactional


def test_revision_ids_sort_after_existing_ones_even_within_one_second() -> None:
    now = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)
    first = new_revision_id("Add ML tables!", [], now)
    second = new_revision_id("next", [first], now)
    assert first == "20261125_120000_add_ml_tables"
    assert second == "20261125_120001_next"
    assert sorted([second, first]) == [first, second]


def test_two_heads_are_reported_as_bad_input(tmp_path: Path) -> None:
    for rev in ("20260101_000000_a", "20260101_000001_b"):
        write_revision(tmp_path, build_migration(create_table_plan(), rev, rev), None)
    with pytest.raises(BadInputError, match="several heads"):
        chain_head(revision_files(tmp_path))
