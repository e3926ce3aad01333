"""Adopting an existing database: baseline + stamp, or the plan that would make it match."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from apply_support import VERSIONS_FIXTURES, make_home, settings_for, version_files
from helpers import execute, query, run_cli, table_fingerprint

from schema_assets.apply import choose
from schema_assets.apply.adopt import adopt
from schema_assets.apply.alembic import current_revision
from schema_assets.apply.revision import read_revision_file
from schema_assets.apply.rollback import rollback
from schema_assets.catalog import take_snapshot
from schema_assets.database import connect, scratch_database
from schema_assets.errors import ApplyError, BadInputError
from schema_assets.shadow import shadow_snapshot
from schema_assets.sqlfiles import apply_sql_files

BOOKKEEPING = ("schema_assets.", "schema_assets_archive.")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return make_home(tmp_path)


@pytest.fixture
def hand_built(empty_db: str) -> str:
    """A database built by hand (not by this tool) at v2, with data."""
    apply_sql_files(empty_db, version_files("v2"))
    apply_sql_files(empty_db, [VERSIONS_FIXTURES / "v2" / "data.sql"])
    return empty_db


def _settings(home: Path, url: str, version: str = "v2", **kw):
    return dataclasses.replace(settings_for(home, url, **kw), schema_files=version_files(version))


def _rows(url: str) -> dict[str, tuple[int, str]]:
    return {k: v for k, v in table_fingerprint(url).items() if not k.startswith(BOOKKEEPING)}


def test_matching_database_gets_a_stamped_baseline_and_no_data_changes(
    home: Path, hand_built: str
) -> None:
    rows_before, schema_before = _rows(hand_built), take_snapshot(hand_built)

    result = adopt(hand_built, _settings(home, hand_built))

    assert result.adopted and result.plan.is_empty
    assert _rows(hand_built) == rows_before
    assert take_snapshot(hand_built) == schema_before
    with connect(hand_built) as conn:
        assert current_revision(conn) == result.revision
    assert query(hand_built, "SELECT version, backend, success FROM schema_assets.schema_version") \
        == [(result.revision, "alembic", True)]  # fmt: skip
    assert choose.migrate(hand_built, _settings(home, hand_built)).skipped


def test_baseline_revision_builds_the_same_schema_on_an_empty_database(
    home: Path, hand_built: str, pg_server: str
) -> None:
    result = adopt(hand_built, _settings(home, hand_built))
    with scratch_database(pg_server, "adopt_fresh") as fresh:
        run = choose.migrate(fresh, _settings(home, fresh))
        assert run.revision == result.revision  # the baseline file ran; nothing else was needed
        assert take_snapshot(fresh) == shadow_snapshot(version_files("v2"), fresh)


def test_baseline_refuses_to_be_rolled_back(home: Path, hand_built: str) -> None:
    adopt(hand_built, _settings(home, hand_built))
    rows_before = _rows(hand_built)
    with pytest.raises(ApplyError, match="cannot be rolled back: it is a baseline"):
        rollback(hand_built, _settings(home, hand_built))
    assert _rows(hand_built) == rows_before


def _with_notes(tmp: Path) -> tuple[Path, ...]:
    """v2's schema files plus a table ref.notes (a reversible change after the baseline)."""
    folder = tmp / "with_notes"
    folder.mkdir()
    for path in version_files("v2"):
        shutil.copy(path, folder / path.name)
    with (folder / "schema.sql").open("a") as fh:
        fh.write("\nCREATE TABLE ref.notes (id bigint PRIMARY KEY, body text);\n")
    return tuple(folder / p.name for p in version_files("v2"))


def test_rollback_reaching_the_baseline_refuses_before_undoing_anything(
    home: Path, hand_built: str, tmp_path: Path
) -> None:
    adopt(hand_built, _settings(home, hand_built))
    with_notes = dataclasses.replace(
        _settings(home, hand_built), schema_files=_with_notes(tmp_path)
    )
    notes = choose.migrate(hand_built, with_notes, message="notes").revision
    with pytest.raises(ApplyError, match="Nothing was rolled back"):
        rollback(hand_built, _settings(home, hand_built), steps=2)
    assert query(hand_built, "SELECT to_regclass('ref.notes') IS NOT NULL") == [(True,)]
    with connect(hand_built) as conn:
        assert current_revision(conn) == notes


def test_differing_database_is_not_adopted_and_the_plan_is_returned(
    home: Path, hand_built: str
) -> None:
    execute(hand_built, "ALTER TABLE ref.exchanges ADD COLUMN local_name text")
    rows_before = _rows(hand_built)
    result = adopt(hand_built, _settings(home, hand_built))
    assert not result.adopted
    assert [s.object for s in result.plan.steps] == ["ref.exchanges.local_name"]
    assert list((home / "migrations" / "versions").glob("*.py")) == []
    assert query(hand_built, "SELECT to_regclass('schema_assets.schema_version')") == [(None,)]
    assert _rows(hand_built) == rows_before


def test_force_baselines_the_live_state_and_leaves_the_difference_pending(
    home: Path, hand_built: str
) -> None:
    execute(hand_built, "CREATE TABLE ref.scratch_notes (note text)")
    result = adopt(hand_built, _settings(home, hand_built), force=True)
    assert result.adopted
    baseline = read_revision_file(result.revision_file)
    assert any("scratch_notes" in s for step in baseline.up for s in step.statements)
    applied = choose.migrate(hand_built, _settings(home, hand_built), allow_destructive=True)
    assert [s.object for s in applied.plan.steps] == ["ref.scratch_notes"]


def test_existing_revisions_are_recorded_when_the_database_already_matches_them(
    home: Path, hand_built: str, pg_server: str
) -> None:
    with scratch_database(pg_server, "adopt_src") as built:  # revisions made elsewhere
        first = choose.migrate(built, _settings(home, built, "v1")).revision
        second = choose.migrate(built, _settings(home, built, "v2")).revision
    result = adopt(hand_built, _settings(home, hand_built))
    assert result.stamped == (first, second) and result.revision_file is None
    with connect(hand_built) as conn:
        assert current_revision(conn) == second


def test_adopting_a_managed_database_is_refused(home: Path, hand_built: str) -> None:
    adopt(hand_built, _settings(home, hand_built))
    with pytest.raises(BadInputError, match="already managed"):
        adopt(hand_built, _settings(home, hand_built))


def test_apply_on_a_differing_unadopted_database_with_revisions_asks_for_adopt(
    home: Path, hand_built: str, pg_server: str
) -> None:
    with scratch_database(pg_server, "adopt_src") as built:
        choose.migrate(built, _settings(home, built))
    execute(hand_built, "ALTER TABLE ref.exchanges ADD COLUMN local_name text")
    with pytest.raises(BadInputError, match="run `schema-assets adopt` first"):
        choose.migrate(hand_built, _settings(home, hand_built))
    assert query(hand_built, "SELECT count(*) FROM schema_assets.schema_version") == [(0,)]


def test_apply_adopts_an_unmanaged_database_that_already_matches_instead_of_rebuilding(
    home: Path, hand_built: str, pg_server: str
) -> None:
    with scratch_database(pg_server, "adopt_src") as built:
        revision = choose.migrate(built, _settings(home, built)).revision
    rows_before = _rows(hand_built)
    result = choose.migrate(hand_built, _settings(home, hand_built))
    assert result.skipped and _rows(hand_built) == rows_before
    with connect(hand_built) as conn:
        assert current_revision(conn) == revision


def test_adopt_command_exits_1_with_the_plan_when_the_database_differs(
    home: Path, empty_db: str
) -> None:
    apply_sql_files(empty_db, version_files("v3"))  # the shipped schema...
    execute(empty_db, "DROP TABLE ml.model_metrics")  # ...missing one table
    env = {"DATABASE_URL": empty_db, "SCHEMA_ASSETS_HOME": str(home)}
    result = run_cli("adopt", env=env)
    assert result.returncode == 1
    assert "CREATE TABLE ml.model_metrics" in result.stdout
    assert "not adopted" in result.stdout
