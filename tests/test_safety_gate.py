"""The destructive gate, archive + restore through a real `apply`, and `apply --dry-run/--rehearse`.

Every test runs the `schema-assets` command in a subprocess, as a user would, against a
database holding real rows; both backends go through the same gate and archive.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from apply_support import make_home
from helpers import execute, query, run_cli, scalar, table_fingerprint

from schema_assets.catalog import take_snapshot

OLD = """
CREATE SCHEMA raw;
CREATE TABLE raw.trades (
    trade_id bigint PRIMARY KEY, symbol text NOT NULL, price numeric(18, 6), note text
);
CREATE TABLE raw.legacy (id integer PRIMARY KEY, payload text);
INSERT INTO raw.trades
SELECT i, 'S' || (i % 40), i * 0.25, CASE WHEN i % 4 <> 0 THEN 'note ' || i END
FROM generate_series(1, 20000) i;
INSERT INTO raw.legacy SELECT i, md5(i::text) FROM generate_series(1, 700) i;
"""
NEW = """
CREATE SCHEMA raw;
CREATE TABLE raw.trades (trade_id bigint PRIMARY KEY, symbol text NOT NULL, price numeric(18, 6));
CREATE INDEX trades_symbol_idx ON raw.trades (symbol);
"""
ADDITIVE = """
CREATE SCHEMA raw;
CREATE TABLE raw.trades (
    trade_id bigint PRIMARY KEY, symbol text NOT NULL, price numeric(18, 6), note text
);
CREATE TABLE raw.legacy (id integer PRIMARY KEY, payload text);
CREATE INDEX trades_symbol_idx ON raw.trades (symbol);
"""
NOTE_CHECKSUM = (
    "SELECT count(*), md5(string_agg(trade_id || ':' || coalesce(note, '-'), ',' "
    "ORDER BY trade_id)) FROM raw.trades"
)
BACKENDS = ("direct", "alembic")


@pytest.fixture
def project(empty_db, tmp_path):
    """(env for the CLI, database URL): old schema with data, NEW as the schema file."""
    execute(empty_db, OLD)
    home = make_home(tmp_path)
    schema = tmp_path / "schema.sql"
    schema.write_text(NEW)
    env = {
        "DATABASE_URL": empty_db,
        "SCHEMA_ASSETS_HOME": str(home),
        "SCHEMA_ASSETS_SCHEMA_FILES": str(schema),
        "SCHEMA_ASSETS_ALLOW_DESTRUCTIVE": "",
    }
    return env, empty_db


def state(url: str):
    """Schema and every row of the user's tables (the tool's bookkeeping schema aside)."""
    rows = {k: v for k, v in table_fingerprint(url).items() if not k.startswith("schema_assets.")}
    return take_snapshot(url), rows


@pytest.mark.parametrize("backend", BACKENDS)
def test_destructive_apply_without_permission_exits_3_and_changes_nothing(project, backend):
    env, url = project
    before = state(url)
    result = run_cli("apply", env={**env, "SCHEMA_ASSETS_BACKEND": backend})
    assert result.returncode == 3, result.stderr
    assert "drop column raw.trades.note" in result.stderr
    assert "drop table raw.legacy" in result.stderr
    assert "Traceback" not in result.stderr
    assert state(url) == before


@pytest.mark.parametrize("backend", BACKENDS)
def test_allowed_destructive_apply_archives_and_restore_brings_everything_back(project, backend):
    env, url = project
    env = {**env, "SCHEMA_ASSETS_BACKEND": backend}
    notes = query(url, NOTE_CHECKSUM)
    legacy = table_fingerprint(url)["raw.legacy"]

    applied = run_cli("apply", "--allow-destructive", env=env)
    assert applied.returncode == 0, applied.stderr
    assert scalar(url, "SELECT to_regclass('raw.legacy') IS NULL")

    listed = json.loads(run_cli("archives", "--format", "json", env=env).stdout)
    by_source = {(a["source"], tuple(a["columns"] or ())): a for a in listed}
    assert by_source[("raw.trades", ("note",))]["row_count"] == 20000
    assert by_source[("raw.legacy", ())]["row_count"] == 700

    for archive in listed:
        restored = run_cli("restore", archive["name"], env=env)
        assert restored.returncode == 0, restored.stderr
    assert query(url, NOTE_CHECKSUM) == notes
    assert table_fingerprint(url)["raw.legacy"] == legacy


def test_environment_variable_allows_destructive_steps(project):
    env, url = project
    env = {**env, "SCHEMA_ASSETS_BACKEND": "direct", "SCHEMA_ASSETS_ALLOW_DESTRUCTIVE": "1"}
    assert run_cli("apply", env=env).returncode == 0
    assert len(json.loads(run_cli("archives", "--format", "json", env=env).stdout)) == 2


def test_dry_run_prints_steps_hazards_and_lint_and_changes_nothing(project, tmp_path):
    env, url = project
    Path(env["SCHEMA_ASSETS_SCHEMA_FILES"]).write_text(ADDITIVE)
    before = state(url)
    result = run_cli("apply", "--dry-run", env=env)
    assert result.returncode == 0, result.stderr
    assert "CREATE INDEX CONCURRENTLY" in result.stdout
    assert "index_build" in result.stdout  # the step's hazard
    assert "lint:" in result.stdout
    assert "nothing was changed" in result.stdout
    assert state(url) == before


def test_dry_run_of_a_destructive_plan_shows_it_then_exits_3(project):
    env, url = project
    before = state(url)
    result = run_cli("apply", "--dry-run", env=env)
    assert result.returncode == 3
    assert "deletes_data" in result.stdout and "ban-drop-table" in result.stdout
    assert state(url) == before


def test_rehearse_reports_each_step_and_leaves_no_database_behind(project, pg_server):
    env, url = project
    databases = query(pg_server, "SELECT datname FROM pg_database ORDER BY 1")
    before = state(url)
    result = run_cli("apply", "--rehearse", "--allow-destructive", env=env)
    assert result.returncode == 0, result.stderr
    assert "create index raw.trades_symbol_idx" in result.stdout
    assert "raw.legacy: 700 -> -" in result.stdout
    assert state(url) == before
    assert query(pg_server, "SELECT datname FROM pg_database ORDER BY 1") == databases


def test_rehearse_json_carries_the_plan_and_the_report(project):
    env, _ = project
    result = run_cli("apply", "--rehearse", "--allow-destructive", "--format", "json", env=env)
    data = json.loads(result.stdout)
    assert data["rehearsal"]["ok"] and len(data["plan"]["steps"]) == 3
    assert all(s["duration_ms"] > 0 for s in data["rehearsal"]["steps"])


def test_lint_rule_configured_as_error_refuses_a_real_apply(project):
    env, url = project
    home = Path(env["SCHEMA_ASSETS_HOME"])
    (home / "pyproject.toml").write_text('[tool.schema-assets.lint]\nerrors = ["ban-drop-table"]\n')
    before = state(url)
    result = run_cli("apply", "--allow-destructive", env={**env, "SCHEMA_ASSETS_BACKEND": "direct"})
    assert result.returncode == 3, result.stderr
    assert "ban-drop-table" in result.stderr and "drop table raw.legacy" in result.stderr
    assert state(url) == before
