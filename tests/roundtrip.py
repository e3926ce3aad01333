"""Round-trip check for the planner: before → plan → after, re-plan empty, down → before.

Kept out of the package on purpose (a test helper). The conformance corpus and the
per-kind diff tests all go through `assert_roundtrip`, which also checks the completeness
property on every pair of databases it builds: normalised `pg_dump --schema-only` equal
⇔ snapshots equal. A difference pg_dump sees and the snapshot does not is a blind spot.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
from dbpool import PooledDatabase, pool_for
from pgdump import difference, finish_dump, start_dump

from schema_assets.catalog import Snapshot, take_snapshot
from schema_assets.database import connect
from schema_assets.diff import diff_snapshots
from schema_assets.diff.sqltext import ident
from schema_assets.plan import Plan, Step
from schema_assets.sqlfiles import split_statements


@contextmanager
def _connection(target: str | psycopg.Connection) -> Iterator[psycopg.Connection]:
    if isinstance(target, psycopg.Connection):
        yield target
        return
    with connect(target, autocommit=True) as conn:
        yield conn


def apply_sql(target: str | psycopg.Connection, text: str) -> None:
    """Run a SQL script one statement at a time in autocommit (CONCURRENTLY works)."""
    with _connection(target) as conn:
        for stmt in split_statements(text):
            conn.execute(stmt.text.encode(), prepare=False)


def _run_step(conn: psycopg.Connection, step: Step, statements: tuple[str, ...]) -> None:
    try:
        if step.transactional:
            with conn.transaction():
                for stmt in statements:
                    conn.execute(stmt.encode(), prepare=False)
        else:
            for stmt in statements:
                conn.execute(stmt.encode(), prepare=False)
    except psycopg.Error as exc:
        raise AssertionError(
            f"step {step.action} {step.kind} {step.object} failed: {exc}\n" + "\n".join(statements)
        ) from exc


def apply_plan(target: str | psycopg.Connection, plan: Plan, *, down: bool = False) -> None:
    """Apply a plan's up SQL (or its down SQL, steps in reverse) step by step."""
    with _connection(target) as conn:
        steps = reversed(plan.steps) if down else plan.steps
        for step in steps:
            statements = step.down if down else step.up
            assert statements is not None, f"step {step.object} is irreversible"
            _run_step(conn, step, statements)


def snapshot_difference(actual: Snapshot, expected: Snapshot) -> str:
    """Readable list of what differs between two snapshots (empty when equal)."""
    a, e = actual.canonical(), expected.canonical()
    lines: list[str] = []
    for kind in sorted(set(a) | set(e)):
        if a.get(kind) == e.get(kind):
            continue
        a_items = {json.dumps(i[0]): i[1] for i in a.get(kind, [])}
        e_items = {json.dumps(i[0]): i[1] for i in e.get(kind, [])}
        for key in sorted(set(a_items) | set(e_items)):
            if a_items.get(key) != e_items.get(key):
                lines.append(
                    f"{kind} {key}:\n  actual   {a_items.get(key)}\n  expected {e_items.get(key)}"
                )
    return "\n".join(lines)


@contextmanager
def database_with(pg_server: str, sql_text: str, prefix: str = "rt") -> Iterator[str]:
    """A clean database holding `sql_text` (from the pool; emptied again on exit)."""
    with pool_for(pg_server).lease() as db:
        if sql_text.strip():
            apply_sql(db.conn, sql_text)
        yield db.url


@dataclass(frozen=True)
class Witnessed:
    """A database state as both witnesses saw it: our snapshot and pg_dump."""

    label: str
    snapshot: Snapshot
    dump: str


#: What pg_dump leaves out on purpose but a schema still holds: extension versions
#: (CREATE EXTENSION is dumped without VERSION).
_UNDUMPED_SQL = "SELECT extname, extversion FROM pg_extension ORDER BY 1"


def witness(*sides: tuple[PooledDatabase, str]) -> list[Witnessed]:
    """Each database by both witnesses; the dumps run while the snapshots are taken."""
    processes = [start_dump(db.url) for db, _ in sides]
    out = []
    for (db, label), process in zip(sides, processes, strict=True):
        snap = take_snapshot(db.conn)
        extras = [f"-- extension {n} version {v}" for n, v in db.conn.execute(_UNDUMPED_SQL)]
        out.append(Witnessed(label, snap, finish_dump(process) + "\n".join(extras)))
    return out


def assert_complete(a: Witnessed, b: Witnessed) -> None:
    """Completeness property: pg_dump sees a difference exactly when the snapshots do."""
    same_dump, same_snapshot = a.dump == b.dump, a.snapshot == b.snapshot
    if same_dump == same_snapshot:
        return
    if same_snapshot:
        raise AssertionError(
            f"blind spot: snapshots of {a.label} and {b.label} are equal but pg_dump differs:\n"
            + difference(a.dump, b.dump, (a.label, b.label))
        )
    raise AssertionError(
        f"snapshot sees a difference between {a.label} and {b.label} that pg_dump does not:\n"
        + snapshot_difference(a.snapshot, b.snapshot)
    )


#: Every table holding rows (partitions included): its columns and their types.
_LEAVES_SQL = """
SELECT format('%I.%I', n.nspname, c.relname),
       array_agg(a.attname::text ORDER BY a.attname),
       array_agg(format_type(a.atttypid, a.atttypmod) ORDER BY a.attname)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.relkind = 'r' AND n.nspname NOT LIKE 'pg\\_%%' AND n.nspname <> 'information_schema'
GROUP BY 1
"""


def leaf_columns(conn: psycopg.Connection) -> dict[str, dict[str, str]]:
    """Per table holding rows (partitions included): column → type."""
    return {
        name: dict(zip(columns, types, strict=True))
        for name, columns, types in conn.execute(_LEAVES_SQL).fetchall()
    }


def stable_columns(*universes: dict[str, dict[str, str]]) -> frozenset[str]:
    """Column names with one type everywhere, on every side: their values must survive."""
    types: dict[str, set[str]] = {}
    seen_in: dict[str, int] = {}
    for side, universe in enumerate(universes):
        for columns in universe.values():
            for name, type_ in columns.items():
                types.setdefault(name, set()).add(type_)
                seen_in[name] = seen_in.get(name, 0) | (1 << side)
    every = (1 << len(universes)) - 1
    return frozenset(n for n, t in types.items() if len(t) == 1 and seen_in[n] == every)


def data_fingerprint(conn: psycopg.Connection, stable: frozenset[str]) -> tuple[int, str]:
    """All rows of the database as a multiset: where rows live may change (a rebuild, an
    attach, a detach), that none is lost, doubled or altered in a stable column may not."""
    digests: list[str] = []
    for table, columns in sorted(leaf_columns(conn).items()):
        kept = [c for c in sorted(columns) if c in stable]
        row = f"row({', '.join(ident(c) for c in kept)})::text" if kept else "''"
        digests.extend(d for (d,) in conn.execute(f"SELECT md5({row}) FROM ONLY {table}"))  # noqa: S608 - quoted
    digests.sort()
    return len(digests), hashlib.md5("".join(digests).encode()).hexdigest()  # noqa: S324 - a checksum


def assert_roundtrip(
    pg_server: str,
    before_sql: str,
    after_sql: str,
    renames: dict[str, str] | None = None,
    managed_partition_pattern: str | None = None,
    *,
    data_sql: str = "",
    using: dict[str, str] | None = None,
) -> Plan:
    """Plan before → after on real databases and prove it: converges, re-plans empty, reverses.

    With `data_sql` (run on "before" only) the rows must survive the plan and its down SQL:
    same count and checksum per table. Every pair of databases built along the way passes
    the completeness property. Returns the plan so that tests can also assert on its steps.
    """
    pool = pool_for(pg_server)
    with pool.lease() as before_db, pool.lease() as after_db:
        apply_sql(before_db.conn, before_sql)
        apply_sql(before_db.conn, data_sql)
        apply_sql(after_db.conn, after_sql)
        before, after = witness((before_db, "before"), (after_db, "after"))
        assert_complete(before, after)
        stable = stable_columns(leaf_columns(before_db.conn), leaf_columns(after_db.conn))
        plan = diff_snapshots(
            before.snapshot,
            after.snapshot,
            renames=renames,
            managed_partition_pattern=managed_partition_pattern,
            source_label="before",
            target_label="after",
            **({"using": using} if using else {}),
        )
        rows = data_fingerprint(before_db.conn, stable) if data_sql else (0, "")
        apply_plan(before_db.conn, plan)
        (applied,) = witness((before_db, "after the plan"))
        assert_complete(applied, after)
        difference_text = snapshot_difference(applied.snapshot, after.snapshot)
        assert not difference_text, f"plan did not converge:\n{difference_text}\n\n{plan.to_sql()}"
        replan = diff_snapshots(
            applied.snapshot, after.snapshot, managed_partition_pattern=managed_partition_pattern
        )
        assert replan.is_empty, f"re-plan is not empty:\n{replan.to_sql()}"
        if data_sql:
            moved = data_fingerprint(before_db.conn, stable)
            assert moved == rows, f"rows changed by the plan:\n  before {rows}\n  after  {moved}"
        if plan.reversible and not plan.is_empty:
            apply_plan(before_db.conn, plan, down=True)
            (restored,) = witness((before_db, "restored by the down SQL"))
            assert_complete(restored, before)
            difference_text = snapshot_difference(restored.snapshot, before.snapshot)
            assert not difference_text, f"down SQL did not restore before:\n{difference_text}"
            if data_sql:
                back = data_fingerprint(before_db.conn, stable)
                assert back == rows, (
                    f"rows changed by the down SQL:\n  before {rows}\n  after  {back}"
                )
        return plan
