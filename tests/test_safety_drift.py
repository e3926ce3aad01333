"""Drift: changes made by hand are reported as a plan; exit 1 when there are any."""

from __future__ import annotations

import dataclasses
import json

import pytest
from helpers import execute, run_cli

from schema_assets.apply.choose import migrate
from schema_assets.config import Settings
from schema_assets.safety.drift import detect_drift

SCHEMA = """
CREATE SCHEMA raw;
CREATE TABLE raw.bars (
    bar_id bigint PRIMARY KEY, symbol text NOT NULL, close numeric(18, 6) NOT NULL
);
CREATE INDEX bars_symbol_idx ON raw.bars (symbol);
"""


@pytest.fixture
def applied(empty_db, tmp_path):
    """A database brought to SCHEMA by the tool (so a recorded state exists)."""
    schema = tmp_path / "schema.sql"
    schema.write_text(SCHEMA)
    settings = dataclasses.replace(Settings.from_env(), schema_files=(schema,), backend="direct")
    migrate(empty_db, settings, message="initial")
    env = {"DATABASE_URL": empty_db, "SCHEMA_ASSETS_SCHEMA_FILES": str(schema),
           "SCHEMA_ASSETS_BACKEND": "direct"}  # fmt: skip
    return empty_db, settings, env


def test_database_as_applied_has_no_drift(applied):
    url, settings, _ = applied
    report = detect_drift(url, settings)
    assert not report.drifted
    assert report.by_hand is not None and report.by_hand.is_empty
    assert report.recorded_version and "_initial_" in report.recorded_version


def test_column_added_by_hand_is_reported_as_a_plan_from_recorded_to_live(applied):
    url, settings, _ = applied
    execute(url, "ALTER TABLE raw.bars ADD COLUMN volume bigint")
    report = detect_drift(url, settings)
    assert report.drifted
    assert [(s.action, s.kind, s.object) for s in report.by_hand.steps] == [
        ("create", "column", "raw.bars.volume")
    ]
    assert report.by_hand.up_sql() == ["ALTER TABLE raw.bars ADD COLUMN volume bigint"]
    # Undoing it is what apply would do now: a destructive drop of the hand-made column.
    assert [s.object for s in report.pending.destructive_steps] == ["raw.bars.volume"]


def test_index_dropped_by_hand_is_drift(applied):
    url, settings, _ = applied
    execute(url, "DROP INDEX raw.bars_symbol_idx")
    report = detect_drift(url, settings)
    assert report.drifted
    assert any("bars_symbol_idx" in s.object for s in report.by_hand.steps)
    assert any("bars_symbol_idx" in s.object for s in report.pending.steps)


def test_without_recorded_state_the_files_are_the_reference(empty_db, tmp_path):
    schema = tmp_path / "schema.sql"
    schema.write_text(SCHEMA)
    execute(empty_db, SCHEMA)
    settings = dataclasses.replace(Settings.from_env(), schema_files=(schema,))
    assert not detect_drift(empty_db, settings).drifted
    execute(empty_db, "ALTER TABLE raw.bars ADD COLUMN note text")
    report = detect_drift(empty_db, settings)
    assert report.by_hand is None and report.drifted


def test_drift_command_exits_0_without_drift(applied):
    _, _, env = applied
    result = run_cli("drift", env=env)
    assert result.returncode == 0, result.stderr
    assert "no drift" in result.stdout


def test_drift_command_exits_1_and_prints_the_hand_made_change(applied):
    url, _, env = applied
    execute(url, "ALTER TABLE raw.bars ADD COLUMN volume bigint")
    result = run_cli("drift", env=env)
    assert result.returncode == 1
    assert "changed by hand" in result.stdout and "volume" in result.stdout


def test_drift_command_formats_markdown_and_json(applied):
    url, _, env = applied
    execute(url, "ALTER TABLE raw.bars ADD COLUMN volume bigint")
    md = run_cli("drift", "--format", "md", env=env)
    assert md.returncode == 1 and md.stdout.startswith("## DRIFT")
    data = json.loads(run_cli("drift", "--format", "json", env=env).stdout)
    assert data["drift"] is True and data["by_hand"]["steps"]
