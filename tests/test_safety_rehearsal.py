"""Rehearsal: the plan runs on a copy, the report tells what it cost, the live db is untouched."""

from __future__ import annotations

import psycopg
from helpers import execute, query, table_fingerprint

from schema_assets.catalog import take_snapshot
from schema_assets.plan import DELETES_DATA, Plan, Step
from schema_assets.safety.rehearsal import rehearse

SETUP = """
CREATE SCHEMA raw;
CREATE TABLE raw.quotes (quote_id bigint PRIMARY KEY, symbol text NOT NULL, bid numeric, note text);
INSERT INTO raw.quotes SELECT i, 'S' || (i % 500), i * 0.5, 'n' FROM generate_series(1, 200000) i;
CREATE TABLE raw.scratch (id int PRIMARY KEY);
INSERT INTO raw.scratch SELECT generate_series(1, 50);
"""
ADD_INDEX = Step(
    kind="index",
    action="create",
    object="raw.quotes_symbol_idx",
    up=('CREATE INDEX "quotes_symbol_idx" ON "raw"."quotes" ("symbol")',),
    lock="SHARE",
)
ADD_INDEX_CONCURRENTLY = Step(
    kind="index",
    action="create",
    object="raw.quotes_bid_idx",
    up=('CREATE INDEX CONCURRENTLY "quotes_bid_idx" ON "raw"."quotes" ("bid")',),
    transactional=False,
    lock="SHARE UPDATE EXCLUSIVE",
)
DROP_SCRATCH = Step(
    kind="table",
    action="drop",
    object="raw.scratch",
    up=('DROP TABLE "raw"."scratch"',),
    down=None,
    hazards=(DELETES_DATA,),
    archive={"table": ["raw", "scratch"]},
)
BROKEN = Step(
    kind="column",
    action="alter",
    object="raw.quotes.symbol",
    up=('ALTER TABLE "raw"."quotes" ALTER COLUMN "symbol" TYPE integer USING "symbol"::integer',),
)
PLAN = Plan(steps=(ADD_INDEX, ADD_INDEX_CONCURRENTLY, DROP_SCRATCH))


def rehearsal_databases(url: str) -> list[tuple[str]]:
    return query(url, "SELECT datname FROM pg_database WHERE datname LIKE 'sa\\_rehearsal%'")


def test_report_has_duration_and_declared_lock_for_every_step(empty_db):
    execute(empty_db, SETUP)
    report = rehearse(empty_db, PLAN)
    assert report.ok, report.error
    labels = [s.label for s in report.steps]
    assert labels == [
        "create index raw.quotes_symbol_idx",
        "create index raw.quotes_bid_idx",
        "archive table raw.scratch",
        "drop table raw.scratch",
    ]
    assert all(s.duration_ms > 0 for s in report.steps)
    assert [s.declared_lock for s in report.steps][:2] == ["SHARE", "SHARE UPDATE EXCLUSIVE"]


def test_locks_observed_while_a_plain_index_builds(empty_db):
    execute(empty_db, SETUP)
    report = rehearse(empty_db, Plan(steps=(ADD_INDEX,)))
    assert ("raw.quotes", "ShareLock") in report.steps[0].observed_locks


def test_row_counts_before_and_after_show_the_dropped_table_and_its_archive(empty_db):
    execute(empty_db, SETUP)
    report = rehearse(empty_db, PLAN)
    assert report.rows_before["raw.quotes"] == report.rows_after["raw.quotes"] == 200000
    changes = report.row_changes()
    assert changes["raw.scratch"] == (50, None)
    archived = {n: after for n, (_, after) in changes.items() if "schema_assets_archive" in n}
    assert archived.pop("schema_assets_archive.archives") == 1
    [(name, rows)] = archived.items()
    assert name.endswith("__raw__scratch") and rows == 50


def test_live_database_is_untouched_and_no_copy_is_left_behind(empty_db, pg_server):
    execute(empty_db, SETUP)
    before = (take_snapshot(empty_db), table_fingerprint(empty_db))
    rehearse(empty_db, PLAN)
    assert (take_snapshot(empty_db), table_fingerprint(empty_db)) == before
    assert rehearsal_databases(pg_server) == []


def test_template_copy_is_used_when_nobody_else_is_connected(empty_db):
    execute(empty_db, SETUP)
    assert rehearse(empty_db, Plan(steps=(ADD_INDEX,))).copy_method == "template"


def test_open_connections_to_the_live_database_fall_back_to_a_dump_copy(empty_db):
    execute(empty_db, SETUP)
    with psycopg.connect(empty_db) as other:
        other.execute("SELECT 1")
        report = rehearse(empty_db, Plan(steps=(ADD_INDEX,)))
    assert report.copy_method == "dump" and report.ok
    assert report.rows_before["raw.quotes"] == 200000


def test_failing_step_is_reported_with_the_server_message_and_the_copy_is_dropped(
    empty_db, pg_server
):
    execute(empty_db, SETUP)
    before = table_fingerprint(empty_db)
    report = rehearse(empty_db, Plan(steps=(ADD_INDEX, BROKEN)))
    assert not report.ok
    assert "step 2 (alter column raw.quotes.symbol)" in report.error
    assert "invalid input syntax for type integer" in report.error
    assert report.steps[-1].error
    assert table_fingerprint(empty_db) == before
    assert rehearsal_databases(pg_server) == []


def test_text_report_lists_steps_and_row_changes(empty_db):
    execute(empty_db, SETUP)
    text = rehearse(empty_db, PLAN).to_text()
    assert "drop table raw.scratch" in text and "raw.scratch: 50 -> -" in text
