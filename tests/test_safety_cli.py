"""`schema-assets archives` and `restore` as a user runs them (real subprocesses)."""

from __future__ import annotations

import json

from helpers import execute, run_cli, scalar

from schema_assets.plan import DELETES_DATA, Step
from schema_assets.safety.archive import archive_statements

SETUP = """
CREATE SCHEMA raw;
CREATE TABLE raw.fills (fill_id bigint PRIMARY KEY, venue text);
INSERT INTO raw.fills SELECT i, 'V' || (i % 7) FROM generate_series(1, 300) i;
"""
DROP_VENUE = Step(
    kind="column",
    action="drop",
    object="raw.fills.venue",
    up=('ALTER TABLE "raw"."fills" DROP COLUMN "venue"',),
    hazards=(DELETES_DATA,),
    archive={"table": ["raw", "fills"], "columns": ["venue"], "key": ["fill_id"]},
)


def archived(url: str) -> None:
    execute(url, SETUP)
    execute(url, ";\n".join((*archive_statements(DROP_VENUE, "r9"), *DROP_VENUE.up)))


def test_archives_lists_each_archive_with_its_row_count(empty_db):
    archived(empty_db)
    result = run_cli("archives", env={"DATABASE_URL": empty_db})
    assert result.returncode == 0, result.stderr
    assert "r9__raw__fills__venue" in result.stdout and "300 rows" in result.stdout


def test_archives_json_is_machine_readable(empty_db):
    archived(empty_db)
    result = run_cli("archives", "--format", "json", env={"DATABASE_URL": empty_db})
    [item] = json.loads(result.stdout)
    assert item["source"] == "raw.fills" and item["columns"] == ["venue"]


def test_restore_command_brings_the_column_back(empty_db):
    archived(empty_db)
    result = run_cli("restore", "r9__raw__fills__venue", env={"DATABASE_URL": empty_db})
    assert result.returncode == 0, result.stderr
    assert "restored venue of 300 rows" in result.stdout
    assert scalar(empty_db, "SELECT count(*) FROM raw.fills WHERE venue IS NOT NULL") == 300


def test_restore_of_an_unknown_archive_exits_2_without_traceback(empty_db):
    result = run_cli("restore", "missing", env={"DATABASE_URL": empty_db})
    assert result.returncode == 2
    assert "no archive named 'missing'" in result.stderr
    assert "Traceback" not in result.stderr


def test_restore_with_a_malformed_timestamp_exits_2(empty_db):
    archived(empty_db)
    result = run_cli("restore", "r9__raw__fills__venue", "--at", "yesterday",
                     env={"DATABASE_URL": empty_db})  # fmt: skip
    assert result.returncode == 2 and "not an ISO timestamp" in result.stderr
