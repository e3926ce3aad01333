"""The Alembic backend: revision files from plans, plain `alembic` commands, integrity checks."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest
from apply_support import create_table_plan, make_home, settings_for, version_files
from helpers import query, scalar

from schema_assets.apply import choose
from schema_assets.apply.integrity import repair_checksums
from schema_assets.apply.revision import (
    RevisionEditedError,
    build_migration,
    read_revision_file,
    write_revision,
)
from schema_assets.errors import ApplyError, PlanRefusedError
from schema_assets.plan import DELETES_DATA, Plan, Step

ALEMBIC = Path(sys.executable).with_name("alembic")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return make_home(tmp_path)


def _versions(home: Path) -> list[Path]:
    return sorted((home / "migrations" / "versions").glob("*.py"))


def test_apply_writes_a_revision_file_and_records_it_in_schema_version(
    home: Path, empty_db: str
) -> None:
    result = choose.migrate(empty_db, settings_for(home, empty_db), plan=create_table_plan())
    assert result.backend == "alembic"
    assert _versions(home) == [result.revision_file]
    rows = query(
        empty_db, "SELECT version, backend, success, checksum FROM schema_assets.schema_version"
    )
    assert rows == [
        (result.revision, "alembic", True, read_revision_file(result.revision_file).checksum)
    ]
    assert scalar(empty_db, "SELECT version_num FROM schema_assets.alembic_version") == (
        result.revision
    )
    assert [(obj, action) for obj, action, _ in result.steps] == [
        ("create table public.t1", "create"),
        ("create index public.t1_note_idx", "create"),
    ]


def test_sql_with_percent_signs_and_colons_runs_verbatim(home: Path, empty_db: str) -> None:
    body = "SELECT format('%s:%s', ':name', 100) || '%'"
    plan = Plan(steps=(
        Step("view", "create", "public.v", up=(f"CREATE VIEW public.v AS {body} AS x",),
             down=("DROP VIEW public.v",)),
    ))  # fmt: skip
    choose.migrate(empty_db, settings_for(home, empty_db), plan=plan)
    assert scalar(empty_db, "SELECT x FROM public.v") == ":name:100%"


def _alembic(home: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url, "SCHEMA_ASSETS_HOME": str(home)}
    return subprocess.run(
        [str(ALEMBIC), *args], cwd=home, env=env, capture_output=True, text=True, timeout=120
    )


def test_plain_alembic_upgrade_current_history_downgrade_work_from_the_project_root(
    home: Path, empty_db: str
) -> None:
    migration = build_migration(create_table_plan(), "20260101_000000_add_t1", "add t1")
    write_revision(home / "migrations" / "versions", migration, None)

    upgrade = _alembic(home, empty_db, "upgrade", "head")
    assert upgrade.returncode == 0, upgrade.stderr
    assert scalar(empty_db, "SELECT to_regclass('public.t1_note_idx') IS NOT NULL")
    current = _alembic(home, empty_db, "current")
    assert "20260101_000000_add_t1 (head)" in current.stdout
    history = _alembic(home, empty_db, "history")
    assert "<base> -> 20260101_000000_add_t1 (head), add t1" in history.stdout
    assert query(empty_db, "SELECT backend, success FROM schema_assets.schema_version") == [
        ("alembic", True)
    ]

    downgrade = _alembic(home, empty_db, "downgrade", "-1")
    assert downgrade.returncode == 0, downgrade.stderr
    assert scalar(empty_db, "SELECT to_regclass('public.t1') IS NULL")
    assert scalar(empty_db, "SELECT rolled_back_at IS NOT NULL FROM schema_assets.schema_version")


def test_offline_sql_mode_prints_the_statements(home: Path, empty_db: str) -> None:
    migration = build_migration(create_table_plan(), "20260101_000000_add_t1", "add t1")
    write_revision(home / "migrations" / "versions", migration, None)
    out = _alembic(home, empty_db, "upgrade", "head", "--sql")
    assert out.returncode == 0, out.stderr
    assert 'CREATE TABLE public."t1" (id bigint PRIMARY KEY, note text);' in out.stdout
    assert scalar(empty_db, "SELECT to_regclass('public.t1') IS NULL")


def test_edited_applied_revision_is_refused_until_repaired(home: Path, empty_db: str) -> None:
    settings = settings_for(home, empty_db)
    result = choose.migrate(empty_db, settings, plan=create_table_plan())
    path = result.revision_file
    path.write_text(path.read_text().replace("note text", "note varchar(10)"))

    with pytest.raises(RevisionEditedError) as info:
        choose.migrate(empty_db, settings, plan=create_table_plan("t2"))
    assert str(path) in str(info.value) and info.value.exit_code == 2
    assert scalar(empty_db, "SELECT to_regclass('public.t2') IS NULL")

    assert repair_checksums(empty_db, settings) == [result.revision]
    assert choose.migrate(empty_db, settings, plan=create_table_plan("t2")).revision


def test_failed_revision_rolls_back_and_leaves_no_revision_file(home: Path, empty_db: str) -> None:
    plan = Plan(steps=(
        *create_table_plan().steps[:1],
        Step("table", "alter", "public.t1", up=("ALTER TABLE public.t1 ADD COLUMN id int",)),
    ))  # fmt: skip
    with pytest.raises(ApplyError, match=r'step 2 \(alter table public.t1\).*"id"'):
        choose.migrate(empty_db, settings_for(home, empty_db), plan=plan)
    assert _versions(home) == []
    assert scalar(empty_db, "SELECT to_regclass('public.t1') IS NULL")


def test_destructive_plan_is_refused_without_permission(home: Path, empty_db: str) -> None:
    drop = Step("table", "drop", "public.old", up=("DROP TABLE public.old",), down=None,
                hazards=(DELETES_DATA,), archive={"table": ["public", "old"]})  # fmt: skip
    with pytest.raises(PlanRefusedError, match=r"step 1: drop table public.old \(deletes_data\)"):
        choose.migrate(empty_db, settings_for(home, empty_db), plan=Plan(steps=(drop,)))
    assert _versions(home) == []


def test_revision_command_writes_a_pending_file_that_apply_then_runs(
    home: Path, empty_db: str
) -> None:
    settings = dataclasses.replace(settings_for(home, empty_db), schema_files=version_files("v1"))
    plan, path = choose.write_plan_revision(empty_db, settings, message="initial v1")
    assert path is not None and path.name.endswith("_initial_v1.py")
    assert scalar(empty_db, "SELECT to_regclass('schema_assets.alembic_version') IS NULL")

    result = choose.migrate(empty_db, settings)
    assert result.revision == read_revision_file(path).revision
    assert len(result.steps) == len(plan.steps)
    assert _versions(home) == [path]  # no second revision: the re-plan was empty


def test_interrupted_revision_resumes_after_the_steps_that_committed(
    home: Path, empty_db: str
) -> None:
    from schema_assets.apply import alembic as alembic_backend
    from schema_assets.apply import history
    from schema_assets.database import connect

    migration = build_migration(create_table_plan(), "20260101_000000_r", "r")
    write_revision(home / "migrations" / "versions", migration, None)
    with connect(empty_db, autocommit=True) as conn:  # what a run killed after step 1 leaves
        history.ensure(conn)
        conn.execute(migration.up[0].statements[0])
        history.record_step(conn, migration.revision, 1, "t1", "create", 1)

    alembic_backend.upgrade(alembic_backend.make_config(settings_for(home, empty_db), empty_db))

    [steps] = query(empty_db, "SELECT steps FROM schema_assets.schema_version WHERE success")[0]
    assert [s.get("resumed", False) for s in steps] == [True, False]
    assert scalar(empty_db, "SELECT to_regclass('public.t1_note_idx') IS NOT NULL")
    assert scalar(empty_db, "SELECT count(*) FROM schema_assets.schema_version_steps") == 0
