"""kill -9 the applying process in the middle of each step: nothing is lost, a re-run finishes.

A real subprocess applies a multi-step migration (indexes built CONCURRENTLY, FKs and CHECKs
added NOT VALID then validated, NOT NULL via a validated CHECK, column rewrites) to a table
with 200,000 rows. The test watches `pg_stat_activity` and sends SIGKILL the moment the
process's backend is executing the chosen statement. Afterwards the database must be at the
old state, the new state, or a state a re-run completes; every row must still be there
(count + checksum), and the re-run must reach exactly the state a clean run reaches.

Both backends run the same scenario on a database adopted at the old state: the killed run
has written the revision (from history) and started it; the re-run resumes it after the steps
that had committed.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from apply_support import make_home
from helpers import PROJECT_ROOT, execute, query, table_fingerprint

from schema_assets.apply.adopt import adopt
from schema_assets.apply.choose import migrate
from schema_assets.catalog import take_snapshot
from schema_assets.config import Settings
from schema_assets.database import create_database, database_name, drop_database, scratch_name
from schema_assets.planner import plan_database

pytestmark = pytest.mark.slow

ROWS = 200_000
MIN_KILL_POINTS = 10

OLD = """
CREATE SCHEMA ref;
CREATE SCHEMA raw;
CREATE TABLE ref.venues (venue_id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE raw.fills (
    fill_id bigint PRIMARY KEY,
    venue_id integer,
    qty integer,
    price numeric(18, 6),
    side text,
    account integer,
    note text
);
"""
NEW = """
CREATE SCHEMA ref;
CREATE SCHEMA raw;
CREATE TABLE ref.venues (venue_id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE raw.fills (
    fill_id bigint PRIMARY KEY,
    venue_id integer NOT NULL,
    qty bigint NOT NULL,
    price numeric(18, 6) NOT NULL,
    side text NOT NULL,
    account bigint,
    note text,
    CONSTRAINT fills_venue_fk FOREIGN KEY (venue_id) REFERENCES ref.venues (venue_id),
    CONSTRAINT fills_qty_check CHECK (qty > 0),
    CONSTRAINT fills_price_check CHECK (price >= 0),
    CONSTRAINT fills_side_check CHECK (side IN ('buy', 'sell'))
);
CREATE INDEX fills_venue_idx ON raw.fills (venue_id);
CREATE INDEX fills_price_idx ON raw.fills (price);
CREATE INDEX fills_side_idx ON raw.fills (side);
CREATE INDEX fills_account_idx ON raw.fills (account, fill_id);
CREATE INDEX fills_note_idx ON raw.fills (note) WHERE note IS NOT NULL;
"""
DATA = """
INSERT INTO ref.venues SELECT i, 'venue ' || i FROM generate_series(1, 50) i;
INSERT INTO raw.fills
SELECT i, 1 + i % 50, 1 + i % 1000, (i % 9973) * 0.01, CASE WHEN i % 2 = 0 THEN 'buy' ELSE 'sell' END,
       i % 777, CASE WHEN i % 10 = 0 THEN 'n' || i END
FROM generate_series(1, :rows) i;
ANALYZE;
""".replace(":rows", str(ROWS))

DRIVER = """
import dataclasses, sys
from pathlib import Path
from schema_assets.apply.choose import migrate
from schema_assets.config import Settings
settings = dataclasses.replace(
    Settings.from_env(), project_root=Path(sys.argv[3]), schema_files=(Path(sys.argv[2]),),
    backend=sys.argv[4],
)
result = migrate(sys.argv[1], settings, message="kill test")
print("applied", result.revision)
"""
BACKENDS = ("direct", "alembic")


def _settings(home: Path, files: tuple[Path, ...], backend: str) -> Settings:
    return dataclasses.replace(
        Settings.from_env(), project_root=home, schema_files=files, backend=backend
    )


def user_tables(url: str) -> dict[str, tuple[int, str]]:
    return {k: v for k, v in table_fingerprint(url).items() if not k.startswith("schema_assets")}


def invalid_indexes(url: str) -> list[tuple]:
    return query(url, "SELECT indexrelid::regclass::text FROM pg_index WHERE NOT indisvalid")


@pytest.fixture(scope="module")
def scenario(pg_server, tmp_path_factory):
    """Template database at the old state with data (adopted: its history is a baseline of
    the old schema), the new schema file, the target state."""
    tmp = tmp_path_factory.mktemp("kill")
    new_file, old_file = tmp / "schema.sql", tmp / "old.sql"
    new_file.write_text(NEW)
    old_file.write_text(OLD)
    template = scratch_name("tpl_kill")
    url = create_database(pg_server, template)
    execute(url, OLD + DATA)
    adopted_home = make_home(tmp / "adopted")
    adopt(url, _settings(adopted_home, (old_file,), "alembic"), message="baseline")
    # The state a clean, uninterrupted run reaches, and the statements it runs.
    clean = create_database(pg_server, scratch_name("kill_clean"), template=template)
    clean_home = tmp / "clean"
    shutil.copytree(adopted_home, clean_home)
    settings = _settings(clean_home, (new_file,), "direct")
    plan = plan_database(clean, (new_file,), settings)
    migrate(clean, settings, message="clean run")
    target = take_snapshot(clean)
    drop_database(pg_server, database_name(clean))
    yield {
        "template": template,
        "home": adopted_home,
        "file": new_file,
        "plan": plan,
        "target": target,
        "old": take_snapshot(url),
        "rows": user_tables(url),
    }
    drop_database(pg_server, template)


def kill_points(plan) -> list[tuple[int, str]]:
    """(step number, statement) for every statement of every step: where to kill."""
    return [(n, stmt) for n, step in enumerate(plan.steps, 1) for stmt in step.up]


def run_and_kill(
    url: str, file: Path, home: Path, backend: str, statement: str, timeout: float = 60
) -> bool:
    """Start the applier; SIGKILL it while its backend runs `statement`. True if killed there."""
    needle = statement.strip()[:200]
    proc = subprocess.Popen(
        [sys.executable, "-c", DRIVER, url, str(file), str(home), backend],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    killed = False
    deadline = time.monotonic() + timeout
    with psycopg.connect(url, autocommit=True, application_name="kill-watcher") as watcher:
        while proc.poll() is None and time.monotonic() < deadline:
            row = watcher.execute(
                "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
                "AND state = 'active' AND pid <> pg_backend_pid() AND left(query, %s) = %s",
                (len(needle), needle),
            ).fetchone()
            if row:
                os.kill(proc.pid, signal.SIGKILL)
                killed = True
                break
            time.sleep(0.002)
        proc.wait(timeout=30)
        # The orphaned backend runs its statement to the end, then notices the dead client.
        while watcher.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        ).fetchone()[0]:
            time.sleep(0.02)
    assert killed or proc.returncode == 0, proc.stderr.read().decode()
    return killed


@pytest.mark.parametrize("backend", BACKENDS)
def test_kill_minus_9_at_every_step_loses_nothing_and_a_rerun_completes(
    scenario, pg_server, tmp_path, backend
):
    points = kill_points(scenario["plan"])
    assert len(points) >= MIN_KILL_POINTS, scenario["plan"].to_sql()
    hit: list[tuple[int, str, str]] = []
    for number, (step, statement) in enumerate(points):
        name = scratch_name("kill")
        url = create_database(pg_server, name, template=scenario["template"])
        home = tmp_path / f"home{number}"
        shutil.copytree(scenario["home"], home)
        settings = _settings(home, (scenario["file"],), backend)
        try:
            if not run_and_kill(url, scenario["file"], home, backend, statement):
                continue  # the statement finished before the watcher saw it
            after_kill = take_snapshot(url)
            state = (
                "old"
                if after_kill == scenario["old"]
                else "new"
                if after_kill == scenario["target"]
                else "partial"
            )
            hit.append((step, statement.split("\n")[0][:70], state))
            assert user_tables(url) == scenario["rows"], f"rows changed after kill at {step}"

            migrate(url, settings, message="re-run after kill")

            assert take_snapshot(url) == scenario["target"], f"re-run after kill at step {step}"
            assert user_tables(url) == scenario["rows"]
            assert invalid_indexes(url) == []
        finally:
            drop_database(pg_server, name)
    report = "\n".join(f"step {s}: {stmt} -> {state}" for s, stmt, state in hit)
    print(f"{backend}: {len(hit)} kill points hit of {len(points)} statements:\n{report}")
    assert len(hit) >= MIN_KILL_POINTS, f"only {len(hit)} kill points hit:\n{report}"
    assert len({s for s, _, _ in hit}) >= MIN_KILL_POINTS // 2, report
