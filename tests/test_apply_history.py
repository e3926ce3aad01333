"""History shared by many databases: revisions come from history, drift stays local (issue 12)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from apply_support import alembic, env_for, make_home, revision_paths, schema_dump
from click.testing import CliRunner
from helpers import execute, query, scalar, table_fingerprint

from schema_assets.catalog import take_snapshot
from schema_assets.cli import main
from schema_assets.database import create_database, database_name, drop_database, scratch_name

BASE = """
CREATE SCHEMA raw;
CREATE TABLE raw.fills (fill_id bigint PRIMARY KEY, qty integer NOT NULL, note text);
"""
NEXT = BASE + "CREATE TABLE raw.venues (venue_id integer PRIMARY KEY, name text NOT NULL);\n"


def _cli(env: dict[str, str], *args: str):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=True)


@pytest.fixture
def two_databases(pg_server: str):
    """Two databases, A and B, that will share one history."""
    names = [scratch_name("hist_a"), scratch_name("hist_b")]
    urls = [create_database(pg_server, n) for n in names]
    yield urls
    for name in names:
        drop_database(pg_server, name)


def test_drift_of_one_database_never_becomes_history_for_another(
    two_databases: list[str], tmp_path: Path
) -> None:
    a, b = two_databases
    home, schema = make_home(tmp_path), tmp_path / "schema.sql"
    schema.write_text(BASE)
    for url in (a, b):
        assert _cli(env_for(home, url, schema), "apply", "-m", "base").exit_code == 0
    execute(b, "ALTER TABLE raw.fills ADD CONSTRAINT stray CHECK (qty > 0)")  # by hand, on B only

    schema.write_text(NEXT)
    on_a = _cli(env_for(home, a, schema), "apply", "-m", "venues")
    assert on_a.exit_code == 0, on_a.output
    written = revision_paths(home)
    assert [p for p in written if p.endswith(".py")][-1].startswith("0002_venues_")

    on_b = _cli(env_for(home, b, schema), "apply", "-m", "venues")
    assert on_b.exit_code == 1, on_b.output
    assert "drifted from the desired state at 0001_base_" in on_b.stderr
    assert "drop constraint raw.fills.stray" in on_b.stderr
    assert revision_paths(home) == written  # no file: B's drift is not history
    assert scalar(b, "SELECT to_regclass('raw.venues')") is None  # nothing applied

    repaired = _cli(env_for(home, b, schema), "apply", "--repair-drift")
    assert repaired.exit_code == 0, repaired.output
    assert "drift repaired first" in repaired.output
    assert revision_paths(home) == written
    assert schema_dump(b) == schema_dump(a)
    assert query(b, "SELECT kind, success FROM schema_assets.schema_version ORDER BY id") == [
        ("revision", True), ("repair", True), ("revision", True),
    ]  # fmt: skip


def test_versioned_mode_refuses_files_without_a_revision_before_touching_anything(
    empty_db: str, tmp_path: Path
) -> None:
    home, schema = make_home(tmp_path), tmp_path / "schema.sql"
    schema.write_text(BASE)
    assert _cli(env_for(home, empty_db, schema), "revision", "-m", "base").exit_code == 0
    subprocess.run(["git", "init", "-q"], cwd=home, check=True)
    subprocess.run(["git", "add", "-A"], cwd=home, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "base"],
                   cwd=home, check=True)  # fmt: skip
    versioned = env_for(home, empty_db, schema, SCHEMA_ASSETS_MODE="versioned")
    schema.write_text(NEXT)

    refused = _cli(versioned, "apply")

    assert refused.exit_code == 1, refused.output
    assert "schema files changed without a revision" in refused.stderr
    assert "`schema-assets revision -m" in refused.stderr
    assert query(empty_db, "SELECT to_regnamespace('schema_assets')") == [(None,)]
    assert take_snapshot(empty_db).tables == {}
    status = subprocess.run(["git", "status", "--porcelain"], cwd=home, capture_output=True,
                            text=True, check=True)  # fmt: skip
    assert status.stdout == ""

    schema.write_text(BASE)  # the committed state: versioned mode applies it, writes nothing
    assert _cli(versioned, "apply").exit_code == 0
    assert scalar(empty_db, "SELECT to_regclass('raw.fills') IS NOT NULL")
    assert subprocess.run(["git", "status", "--porcelain"], cwd=home, capture_output=True,
                          text=True, check=True).stdout == ""  # fmt: skip


def test_two_heads_are_refused_then_alembic_merge_heads_works(
    empty_db: str, tmp_path: Path, pg_server: str
) -> None:
    home, schema = make_home(tmp_path), tmp_path / "schema.sql"
    env = env_for(home, empty_db, schema)
    schema.write_text(BASE)
    assert _cli(env, "apply", "-m", "base").exit_code == 0
    execute(empty_db, "INSERT INTO raw.fills VALUES (1, 5, 'x')")
    rows = table_fingerprint(empty_db)["raw.fills"]
    versions = home / "migrations" / "versions"
    # Two developers branch from base: one adds venues, the other a column.
    schema.write_text(NEXT)
    assert _cli(env, "revision", "-m", "venues").exit_code == 0
    aside = tmp_path / "aside"
    aside.mkdir()
    for path in versions.glob("0002_venues_*"):
        shutil.move(path, aside / path.name)
    schema.write_text(BASE + "ALTER TABLE raw.fills ADD COLUMN side text;\n")
    assert _cli(env, "revision", "-m", "side").exit_code == 0
    for path in aside.iterdir():
        shutil.move(path, versions / path.name)
    schema.write_text(NEXT + "ALTER TABLE raw.fills ADD COLUMN side text;\n")  # after git merge

    refused = _cli(env, "apply")
    assert refused.exit_code == 2 and "`alembic merge heads" in refused.stderr

    merged = alembic(home, env, "merge", "heads", "-m", "merge")
    assert merged.returncode == 0, merged.stderr
    applied = _cli(env, "apply")
    assert applied.exit_code == 0, applied.output
    assert "new revision file" not in applied.output  # the merge leads exactly to the files
    assert scalar(empty_db, "SELECT to_regclass('raw.venues') IS NOT NULL")
    assert table_fingerprint(empty_db)["raw.fills"][0] == rows[0]
    assert _cli(env, "apply").output.count("no changes") == 1
    assert database_name(empty_db)
