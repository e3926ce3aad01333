"""A failing step undoes its whole migration, on both backends (issue 10, failure semantics).

Each case starts from a database at a previous revision with rows that the new schema rejects,
then applies a change whose failing step cannot run inside the migration's transaction (a
VALIDATE of a CHECK, a FOREIGN KEY or the CHECK behind SET NOT NULL, a unique index built
CONCURRENTLY over duplicates) or runs after steps that already committed (ATTACH PARTITION
with out-of-range rows after a DROP INDEX CONCURRENTLY). Afterwards: exit 4, the schema dump
equals the previous revision's, no INVALID index, inserts the old schema allowed still work,
every row is unchanged, and the failure is recorded with its error in `schema_version`.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from apply_support import make_home, schema_dump
from click.testing import CliRunner
from helpers import execute, query, table_fingerprint

from schema_assets.cli import main

OLD = """
CREATE SCHEMA raw;
CREATE TABLE raw.venues (venue_id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE raw.fills (fill_id bigint PRIMARY KEY, venue_id integer, qty integer NOT NULL, note text);
CREATE INDEX fills_qty_idx ON raw.fills (qty);
CREATE TABLE raw.ticks (ts date NOT NULL, px numeric) PARTITION BY RANGE (ts);
CREATE TABLE raw.ticks_2026_01 PARTITION OF raw.ticks FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');
CREATE TABLE raw.ticks_2026_02 (ts date NOT NULL, px numeric);
"""
ROWS = """
INSERT INTO raw.venues SELECT i, 'venue ' || i FROM generate_series(1, 3) i;
INSERT INTO raw.fills SELECT i, 1 + i % 5, 1 + i % 100,
       CASE WHEN i % 7 = 0 THEN NULL ELSE 'n' || (i % 50) END FROM generate_series(1, 400) i;
INSERT INTO raw.ticks SELECT DATE '2026-01-01' + i % 31, i FROM generate_series(1, 100) i;
INSERT INTO raw.ticks_2026_02 SELECT DATE '2026-02-01' + i % 40, i FROM generate_series(1, 100) i;
"""
#: (steps that commit before the failing one, the change that fails) per step kind.
CASES = {
    "validate check": (
        "CREATE TABLE raw.audit (id integer PRIMARY KEY);",
        "ALTER TABLE raw.fills ADD CONSTRAINT fills_qty_check CHECK (qty > 500);",
    ),
    "validate foreign key": (
        "CREATE INDEX fills_note_idx ON raw.fills (note);",
        "ALTER TABLE raw.fills ADD CONSTRAINT fills_venue_fk "
        "FOREIGN KEY (venue_id) REFERENCES raw.venues (venue_id);",
    ),
    "not null via check": (
        "CREATE TABLE raw.audit (id integer PRIMARY KEY);",
        "ALTER TABLE raw.fills ALTER COLUMN note SET NOT NULL;",
    ),
    "unique index concurrently": (
        "ALTER TABLE raw.venues ADD COLUMN country text;",
        "CREATE UNIQUE INDEX fills_note_key ON raw.fills (note);",
    ),
    "attach partition": (
        "DROP INDEX raw.fills_qty_idx;",
        "ALTER TABLE raw.ticks ATTACH PARTITION raw.ticks_2026_02 "
        "FOR VALUES FROM ('2026-02-01') TO ('2026-03-01');",
    ),
}
#: Rows each of the new rules would reject; the old schema accepts every one.
OLD_SCHEMA_ALLOWS = (
    "INSERT INTO raw.fills VALUES (100001, 99, 1, NULL)",
    "INSERT INTO raw.fills VALUES (100002, 1, 2, 'n1')",
    "INSERT INTO raw.ticks_2026_02 VALUES ('2026-07-01', 1)",
)


def _apply(env: dict[str, str]):
    return CliRunner().invoke(main, ["apply"], env=env, catch_exceptions=True)


def _user_rows(url: str) -> dict[str, tuple[int, str]]:
    return {k: v for k, v in table_fingerprint(url).items() if not k.startswith("schema_assets")}


@pytest.mark.parametrize("backend", ["alembic", "direct"])
@pytest.mark.parametrize("case", list(CASES))
def test_failed_step_undoes_the_migration(
    case: str, backend: str, empty_db: str, tmp_path: Path
) -> None:
    schema = tmp_path / "schema.sql"
    env = {
        "DATABASE_URL": empty_db,
        "SCHEMA_ASSETS_HOME": str(make_home(tmp_path)),
        "SCHEMA_ASSETS_SCHEMA_FILES": str(schema),
        "SCHEMA_ASSETS_BACKEND": backend,
    }
    schema.write_text(OLD)
    first = _apply(env)
    assert first.exit_code == 0, (first.output, first.exception)
    execute(empty_db, ROWS)
    dump, rows = schema_dump(empty_db), _user_rows(empty_db)

    before, failing = CASES[case]
    schema.write_text(OLD + before + "\n" + failing + "\n")
    result = _apply(env)

    assert result.exit_code == 4, (result.output, result.exception)
    assert "failed" in result.stderr and "undone" in result.stderr, result.stderr
    assert schema_dump(empty_db) == dump
    assert (
        query(empty_db, "SELECT indexrelid::regclass::text FROM pg_index WHERE NOT indisvalid")
        == []
    )
    assert _user_rows(empty_db) == rows
    with psycopg.connect(empty_db) as conn:  # rolled back at the end of the block
        for stmt in OLD_SCHEMA_ALLOWS:
            conn.execute(stmt)
        conn.rollback()
    [(success, error, recorded_backend)] = query(
        empty_db,
        "SELECT success, error, backend FROM schema_assets.schema_version ORDER BY id DESC LIMIT 1",
    )
    assert (success, recorded_backend) == (False, backend)
    assert error and "failed" in error


WITH_ENUM = OLD + "CREATE TYPE raw.side AS ENUM ('buy', 'sell');\n"
ENUM_THEN_FAILING = (
    OLD
    + "CREATE TYPE raw.side AS ENUM ('buy', 'sell', 'short');\n"
    + CASES["validate check"][1]
    + "\n"
)


@pytest.mark.parametrize("backend", ["alembic", "direct"])
def test_failure_after_an_irreversible_step_stops_right_after_it_and_resumes(
    backend: str, empty_db: str, tmp_path: Path
) -> None:
    schema = tmp_path / "schema.sql"
    env = {
        "DATABASE_URL": empty_db,
        "SCHEMA_ASSETS_HOME": str(make_home(tmp_path)),
        "SCHEMA_ASSETS_SCHEMA_FILES": str(schema),
        "SCHEMA_ASSETS_BACKEND": backend,
    }
    schema.write_text(WITH_ENUM)
    assert _apply(env).exit_code == 0
    execute(empty_db, ROWS)
    rows = _user_rows(empty_db)
    schema.write_text(ENUM_THEN_FAILING)

    dry = CliRunner().invoke(main, ["apply", "--dry-run"], env=env, catch_exceptions=True)
    assert "irreversible steps" in dry.output
    assert "step 1: alter enum raw.side: PostgreSQL cannot remove a value" in dry.output

    result = _apply(env)
    assert result.exit_code == 4, (result.output, result.exception)
    assert "undone back to step 1 (alter enum raw.side), which cannot be undone" in result.stderr
    assert "apply again: the run resumes after it" in result.stderr
    labels = query(empty_db, "SELECT enum_range(NULL::raw.side)::text")
    assert labels == [("{buy,sell,short}",)]  # kept: the documented stopping point
    assert query(
        empty_db, "SELECT count(*) FROM pg_constraint WHERE conname = 'fills_qty_check'"
    ) == [(0,)]
    assert _user_rows(empty_db) == rows

    execute(empty_db, "UPDATE raw.fills SET qty = qty + 1000")  # the cause, fixed
    again = _apply(env)
    assert again.exit_code == 0, (again.output, again.exception)
    assert query(
        empty_db, "SELECT convalidated FROM pg_constraint WHERE conname = 'fills_qty_check'"
    ) == [(True,)]
    assert query(empty_db, "SELECT count(*) FROM schema_assets.schema_version_steps") == [(0,)]
