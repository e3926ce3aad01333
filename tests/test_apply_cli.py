"""The migration workflow from the command line, as the docs describe it (real subprocesses)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from apply_support import make_home
from helpers import execute, run_cli, scalar

from schema_assets.apply.lock import migration_lock
from schema_assets.config import SCHEMA_FILES
from schema_assets.database import connect


@pytest.fixture
def env(tmp_path: Path, empty_db: str) -> dict[str, str]:
    return {"DATABASE_URL": empty_db, "SCHEMA_ASSETS_HOME": str(make_home(tmp_path))}


def _status(env: dict[str, str]) -> dict:
    result = run_cli("status", "--format", "json", env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_apply_builds_the_warehouse_and_status_tells_what_ran(env: dict[str, str]) -> None:
    result = run_cli("apply", "-m", "initial warehouse", env=env)
    assert result.returncode == 0, result.stderr
    assert "backend: alembic (default (Alembic available))" in result.stdout
    assert " ms  run      run file 0001_initial_warehouse_" in result.stdout  # timed steps
    assert "new revision file: " in result.stdout and "(commit it)" in result.stdout

    status = _status(env)
    revision = status["applied_version"]
    assert revision.startswith("0001_initial_warehouse_")
    assert status["alembic_current"] == revision
    assert status["pending"]["summary"] == "no changes"
    assert status["integrity"] == "ok"
    last = status["history"][-1]
    assert (last["backend"], last["success"]) == ("alembic", True)
    assert all(isinstance(s["duration_ms"], int) for s in last["steps"]) and last["steps"]


def test_second_apply_has_nothing_to_do(env: dict[str, str]) -> None:
    assert run_cli("apply", env=env).returncode == 0
    again = run_cli("apply", env=env)
    assert again.returncode == 0
    assert "no changes: the database already matches the schema files" in again.stdout


def _with_notes(tmp: Path, env: dict[str, str]) -> dict[str, str]:
    """The shipped schema files plus a table ref.notes, as another desired state."""
    folder = tmp / "with_notes"
    folder.mkdir()
    for shipped in SCHEMA_FILES:
        shutil.copy(shipped, folder / shipped.name)
    with (folder / "schema.sql").open("a") as fh:
        fh.write("\nCREATE TABLE ref.notes (id bigint PRIMARY KEY, body text);\n")
    files = ":".join(str(folder / f.name) for f in SCHEMA_FILES)
    return {**env, "SCHEMA_ASSETS_SCHEMA_FILES": files}


def test_destructive_plan_exits_3_until_allowed_and_then_archives(
    env: dict[str, str], tmp_path: Path
) -> None:
    assert run_cli("apply", env=_with_notes(tmp_path, env)).returncode == 0
    execute(env["DATABASE_URL"], "INSERT INTO ref.notes VALUES (1, 'keep me')")
    refused = run_cli("apply", env=env)  # back to the shipped files: drops ref.notes
    assert refused.returncode == 3
    assert "drop table ref.notes" in refused.stderr and "--allow-destructive" in refused.stderr
    allowed = run_cli("apply", "--allow-destructive", env=env)
    assert allowed.returncode == 0, allowed.stderr
    assert scalar(env["DATABASE_URL"], "SELECT to_regclass('ref.notes') IS NULL")
    assert (
        scalar(env["DATABASE_URL"], "SELECT sum(row_count) FROM schema_assets_archive.archives")
        == 1
    )


def test_emergency_switch_applies_with_the_direct_backend_and_status_says_so(
    env: dict[str, str],
) -> None:
    emergency = {**env, "SCHEMA_ASSETS_DISABLE_ALEMBIC": "1"}
    result = run_cli("apply", env=emergency)
    assert result.returncode == 0, result.stderr
    assert "backend: direct (SCHEMA_ASSETS_DISABLE_ALEMBIC=1 (emergency switch))" in result.stdout
    status = _status(emergency)
    assert status["backend"]["name"] == "direct"
    assert status["history"][-1]["backend"] == "direct"
    assert status["alembic_current"] == status["applied_version"]  # kept in step for Alembic
    # switch back: Alembic takes over what the direct backend applied, without re-running it
    back = run_cli("apply", env=env)
    assert back.returncode == 0, back.stderr
    assert _status(env)["alembic_current"] == status["applied_version"]


def test_rollback_undoes_the_last_revision(env: dict[str, str], tmp_path: Path) -> None:
    first = {**env, "SCHEMA_ASSETS_DISABLE_ALEMBIC": "1"}
    assert run_cli("apply", env=first).returncode == 0  # the baseline (irreversible)
    assert run_cli("apply", "-m", "notes", env=_with_notes(tmp_path, env)).returncode == 0
    result = run_cli("rollback", env=env)
    assert result.returncode == 0, result.stderr
    assert "rolled back 0002_notes_" in result.stdout
    assert scalar(env["DATABASE_URL"], "SELECT to_regclass('ref.notes') IS NULL")


def test_edited_revision_makes_apply_exit_2_until_repaired(env: dict[str, str]) -> None:
    assert run_cli("apply", env=env).returncode == 0
    [path] = (Path(env["SCHEMA_ASSETS_HOME"]) / "migrations" / "versions").glob("*.py")
    up, down = path.read_text().split("def downgrade() -> None:")
    path.write_text(
        up.rstrip() + "\n    op.execute('ANALYZE')\n\n\ndef downgrade() -> None:" + down
    )
    refused = run_cli("apply", env=env)
    assert refused.returncode == 2
    assert f"{path}: edited after it was applied" in refused.stderr
    assert "PROBLEMS" in run_cli("status", env=env).stdout
    repaired = run_cli("revision", "--repair", env=env)
    assert repaired.returncode == 0 and path.stem in repaired.stdout
    assert run_cli("apply", env=env).returncode == 0


def test_revision_command_writes_the_next_revision_without_applying_it(
    env: dict[str, str],
) -> None:
    result = run_cli("revision", "-m", "first cut", env=env)
    assert result.returncode == 0, result.stderr
    assert "/0001_first_cut_" in result.stdout
    assert _status(env)["applied_version"] is None


def test_busy_migration_lock_exits_5(env: dict[str, str]) -> None:
    with connect(env["DATABASE_URL"], autocommit=True) as other, migration_lock(other):
        result = run_cli("apply", env={**env, "SCHEMA_ASSETS_LOCK_WAIT": "0.5"})
    assert result.returncode == 5
    assert "another schema-assets run holds the migration lock" in result.stderr
