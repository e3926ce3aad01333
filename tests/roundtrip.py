"""Round-trip check for the planner: before → plan → after, re-plan empty, down → before.

Kept out of the package on purpose (a test helper). The conformance corpus and the
per-kind diff tests all go through `assert_roundtrip`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from schema_assets.catalog import Snapshot, take_snapshot
from schema_assets.database import connect, create_database, drop_database, scratch_name
from schema_assets.diff import diff_snapshots
from schema_assets.plan import Plan, Step
from schema_assets.sqlfiles import split_statements


def apply_sql(url: str, text: str) -> None:
    """Run a SQL script one statement at a time in autocommit (CONCURRENTLY works)."""
    with connect(url, autocommit=True) as conn:
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


def apply_plan(url: str, plan: Plan, *, down: bool = False) -> None:
    """Apply a plan's up SQL (or its down SQL, steps in reverse) step by step."""
    with connect(url, autocommit=True) as conn:
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
        a_items = (
            {json.dumps(i[0]): i[1] for i in a.get(kind, [])} if kind != "dependencies" else {}
        )
        e_items = (
            {json.dumps(i[0]): i[1] for i in e.get(kind, [])} if kind != "dependencies" else {}
        )
        if kind == "dependencies":
            lines.append(f"dependencies differ:\n  actual   {a[kind]}\n  expected {e[kind]}")
            continue
        for key in sorted(set(a_items) | set(e_items)):
            if a_items.get(key) != e_items.get(key):
                lines.append(
                    f"{kind} {key}:\n  actual   {a_items.get(key)}\n  expected {e_items.get(key)}"
                )
    return "\n".join(lines)


@contextmanager
def database_with(pg_server: str, sql_text: str, prefix: str = "rt") -> Iterator[str]:
    """A fresh database holding `sql_text`, dropped on exit."""
    name = scratch_name(prefix)
    url = create_database(pg_server, name)
    try:
        if sql_text.strip():
            apply_sql(url, sql_text)
        yield url
    finally:
        drop_database(pg_server, name)


def assert_roundtrip(
    pg_server: str,
    before_sql: str,
    after_sql: str,
    renames: dict[str, str] | None = None,
    managed_partition_pattern: str | None = None,
) -> Plan:
    """Plan before → after on real databases and prove it: converges, re-plans empty, reverses.

    Returns the plan so that tests can also assert on its steps (locks, hazards, SQL).
    """
    with (
        database_with(pg_server, before_sql, "rt_before") as before_url,
        database_with(pg_server, after_sql, "rt_after") as after_url,
    ):
        before = take_snapshot(before_url)
        after = take_snapshot(after_url)
        plan = diff_snapshots(
            before,
            after,
            renames=renames,
            managed_partition_pattern=managed_partition_pattern,
            source_label="before",
            target_label="after",
        )
        apply_plan(before_url, plan)
        applied = take_snapshot(before_url)
        difference = snapshot_difference(applied, after)
        assert not difference, f"plan did not converge:\n{difference}\n\n{plan.to_sql()}"
        replan = diff_snapshots(
            applied, after, renames=None, managed_partition_pattern=managed_partition_pattern
        )
        assert replan.is_empty, f"re-plan is not empty:\n{replan.to_sql()}"
        if plan.reversible and not plan.is_empty:
            apply_plan(before_url, plan, down=True)
            restored = take_snapshot(before_url)
            difference = snapshot_difference(restored, before)
            assert not difference, f"down SQL did not restore before:\n{difference}"
        return plan
