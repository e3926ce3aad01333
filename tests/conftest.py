"""Shared fixtures: one embedded PostgreSQL per test session, a fresh database per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from schema_assets.config import SCHEMA_FILES
from schema_assets.database import (
    connect,
    create_database,
    drop_database,
    scratch_name,
    start_embedded_server,
    stop_embedded_server,
    with_database,
)
from schema_assets.sqlfiles import apply_sql_files

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# The suite is reproducible: every run (CI's included) tries the same examples, so a red run is
# a regression, not a new draw. `HYPOTHESIS_PROFILE=explore` draws fresh examples each run, to
# look for new failures (a failure found that way becomes an explicit test).
settings.register_profile("reproducible", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "reproducible"))


@pytest.fixture(autouse=True)
def remembered_secrets() -> Iterator[None]:
    """Passwords a test parsed are forgotten after it: the masking property tests feed
    arbitrary strings (Hypothesis also draws constants from the code, such as job names) as
    passwords, and a remembered "password" would be masked in every later test's output."""
    from schema_assets import conninfo

    saved = set(conninfo._SECRETS)
    yield
    with conninfo._SECRETS_LOCK:
        conninfo._SECRETS.clear()
        conninfo._SECRETS.update(saved)


@pytest.fixture(autouse=True)
def project_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets a project home of its own (SCHEMA_ASSETS_HOME) with the real alembic.ini,
    env.py and pyproject.toml and an empty migrations/versions: in declarative mode an apply
    writes revision files, and a test must never write into the checkout's history (nor see
    another test's). Tests that need another home set SCHEMA_ASSETS_HOME or project_root."""
    import shutil

    home = tmp_path_factory.mktemp("home")
    (home / "migrations" / "versions").mkdir(parents=True)
    for name in ("alembic.ini", "pyproject.toml", ".gitignore", "dagster.yaml", "workspace.yaml"):
        shutil.copy(PROJECT_ROOT / name, home / name)
    for name in ("env.py", "script.py.mako"):
        shutil.copy(PROJECT_ROOT / "migrations" / name, home / "migrations" / name)
    monkeypatch.setenv("SCHEMA_ASSETS_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of the `postgres` database of a private server; DATABASE_URL wins if set for tests."""
    external = os.environ.get("SCHEMA_ASSETS_TEST_DATABASE_URL")
    if external:
        yield with_database(external, "postgres")
        return
    pgdata = tmp_path_factory.mktemp("pg") / "data"
    url = start_embedded_server(pgdata)
    with connect(url, autocommit=True) as conn:
        # Durability buys nothing for throw-away test data; speed does.
        for setting in ("fsync", "synchronous_commit", "full_page_writes"):
            conn.execute(f"ALTER SYSTEM SET {setting} = off")
        conn.execute("SELECT pg_reload_conf()")
    yield url
    stop_embedded_server(pgdata, mode="immediate")


@pytest.fixture(scope="session")
def warehouse_template(pg_server: str) -> Iterator[str]:
    """Name of a template database holding the shipped schema (copied per test)."""
    name = scratch_name("tpl_warehouse")
    url = create_database(pg_server, name)
    apply_sql_files(url, SCHEMA_FILES)
    yield name
    drop_database(pg_server, name)


def _fresh(pg_server: str, template: str | None) -> Iterator[str]:
    name = scratch_name("test")
    url = create_database(pg_server, name, template=template)
    try:
        yield url
    finally:
        drop_database(pg_server, name)


@pytest.fixture
def empty_db(pg_server: str) -> Iterator[str]:
    """URL of a new, empty database (dropped after the test)."""
    yield from _fresh(pg_server, None)


@pytest.fixture
def warehouse_db(pg_server: str, warehouse_template: str) -> Iterator[str]:
    """URL of a new database with the shipped warehouse schema applied."""
    yield from _fresh(pg_server, warehouse_template)
