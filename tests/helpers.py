"""Small helpers for tests (kept out of the package on purpose)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def query(url: str, sql: str, params: tuple = ()) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(sql, params or None).fetchall()


def scalar(url: str, sql: str, params: tuple = ()):
    return query(url, sql, params)[0][0]


def execute(url: str, sql: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def run_cli(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run `schema-assets` in a real subprocess, as a user would."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "schema_assets", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd or PROJECT_ROOT,
        timeout=timeout,
    )


def table_fingerprint(url: str) -> dict[str, tuple[int, str]]:
    """Row count and an order-independent checksum of every user table: proves no data moved."""
    tables = query(
        url,
        """
        SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r') AND n.nspname NOT IN ('pg_catalog','information_schema')
          AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 1""",
    )
    result: dict[str, tuple[int, str]] = {}
    with psycopg.connect(url) as conn:
        for (name,) in tables:
            row = conn.execute(
                f"SELECT count(*), coalesce(md5(string_agg(md5(t::text), '' ORDER BY md5(t::text))), '') FROM {name} t"  # noqa: S608 - name comes from format('%I')
            ).fetchone()
            result[name] = (row[0], row[1])
    return result
