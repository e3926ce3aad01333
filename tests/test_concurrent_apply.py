"""Two applies started at once: the advisory lock makes one wait for the other, never interleave."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from apply_support import make_home
from helpers import PROJECT_ROOT, execute, query, table_fingerprint

from schema_assets.apply.choose import migrate
from schema_assets.apply.lock import LOCK_KEY
from schema_assets.catalog import take_snapshot
from schema_assets.config import Settings
from schema_assets.planner import plan_database

pytestmark = pytest.mark.slow

OLD = """
CREATE SCHEMA raw;
CREATE TABLE raw.orders (order_id bigint PRIMARY KEY, account integer, qty integer, note text);
"""
ROWS = "INSERT INTO raw.orders SELECT i, i % 313, 1 + i % 90, 'n' || i FROM generate_series(1, 150000) i"
NEW = """
CREATE SCHEMA raw;
CREATE TABLE raw.orders (
    order_id bigint PRIMARY KEY, account integer NOT NULL, qty bigint, note text,
    CONSTRAINT orders_qty_check CHECK (qty > 0)
);
CREATE INDEX orders_account_idx ON raw.orders (account);
CREATE INDEX orders_note_idx ON raw.orders (note);
CREATE TABLE raw.order_events (event_id bigint PRIMARY KEY, order_id bigint REFERENCES raw.orders);
"""
DRIVER = """
import dataclasses, sys, time
from pathlib import Path
from schema_assets.apply.choose import migrate
from schema_assets.config import Settings
settings = dataclasses.replace(
    Settings.from_env(), project_root=Path(sys.argv[3]), schema_files=(Path(sys.argv[2]),),
    backend=sys.argv[4],
)
started = time.time()
result = migrate(sys.argv[1], settings, message="concurrent")
print(started, time.time(), result.revision, result.skipped, len(result.steps))
"""


def start(url: str, schema: Path, home: Path, backend: str = "direct") -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", DRIVER, url, str(schema), str(home), backend],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(proc: subprocess.Popen) -> tuple[float, float, str, bool, int]:
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    started, ended, revision, skipped, steps = out.split()[-5:]
    return float(started), float(ended), revision, skipped == "True", int(steps)


@pytest.fixture
def scenario(empty_db, tmp_path):
    """A database the tool brought to OLD, with rows; the schema file now says NEW."""
    schema, home = tmp_path / "schema.sql", make_home(tmp_path)
    schema.write_text(OLD)
    settings = dataclasses.replace(
        Settings.from_env(), project_root=home, schema_files=(schema,), backend="direct"
    )
    migrate(empty_db, settings, message="old")
    execute(empty_db, ROWS)
    schema.write_text(NEW)
    return empty_db, schema, home


@pytest.mark.parametrize("backend", ["direct", "alembic"])
def test_second_apply_waits_then_finds_nothing_to_do(scenario, backend):
    url, schema, home = scenario
    rows = table_fingerprint(url)["raw.orders"]
    first, second = start(url, schema, home, backend), start(url, schema, home, backend)
    results = sorted([finish(first), finish(second)], key=lambda r: r[1])
    winner, waiter = results

    assert not winner[3] and winner[4] > 0  # applied every step
    assert waiter[3] and waiter[4] == 0  # planned after the winner released the lock
    assert waiter[0] < winner[1]  # they really ran at the same time
    applied = query(url, "SELECT count(*) FROM schema_assets.schema_version WHERE success")
    assert applied == [(2,)]  # the old state's baseline, and this one
    settings = dataclasses.replace(Settings.from_env(), project_root=home, schema_files=(schema,))
    assert plan_database(url, (schema,), settings).is_empty
    assert table_fingerprint(url)["raw.orders"] == rows


def test_apply_waits_for_a_lock_holder_and_proceeds_when_it_lets_go(scenario):
    url, schema, home = scenario
    with psycopg.connect(url, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
        proc = start(url, schema, home)
        time.sleep(3)
        assert proc.poll() is None  # still waiting
        before = take_snapshot(url)
        holder.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))
    assert before.tables.keys() == {("raw", "orders")} and not before.indexes.keys() - {
        ("raw", "orders_pkey")
    }  # fmt: skip
    _, _, revision, skipped, steps = finish(proc)
    assert not skipped and steps > 0 and revision != "None"
