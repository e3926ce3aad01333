"""Dagster's own storage: SQLite under DAGSTER_HOME by default, PostgreSQL when configured.

Both instances are built from the shipped YAML files exactly as a user would copy them into
DAGSTER_HOME, and each stores a real run.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dagster as dg
import pytest
from helpers import scalar

from schema_assets.database import create_database, drop_database, scratch_name

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dg.op
def _hello() -> int:
    return 1


@dg.job
def _tiny():
    _hello()


def _instance_from(config: Path, home: Path) -> dg.DagsterInstance:
    home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(config, home / "dagster.yaml")
    return dg.DagsterInstance.from_config(str(home))


def test_default_config_stores_runs_in_sqlite_under_dagster_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with _instance_from(PROJECT_ROOT / "dagster.yaml", home) as instance:
        result = _tiny.execute_in_process(instance=instance)
        assert instance.get_run_by_id(result.run_id) is not None
        assert type(instance.run_storage).__name__ == "SqliteRunStorage"
    assert (home / "history" / "runs.db").is_file()


@pytest.fixture
def dagster_db(pg_server: str):
    """A `dagster` database on the test server, as docs/dagster-postgres.yaml suggests."""
    name = scratch_name("dagster_storage")
    url = create_database(pg_server, name)
    yield url
    drop_database(pg_server, name)


def _psycopg2_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(("postgresql+psycopg2", *parts[1:]))


def test_postgres_config_stores_runs_in_the_configured_database(tmp_path, monkeypatch, dagster_db):
    home = tmp_path / "home"
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("DAGSTER_PG_URL", _psycopg2_url(dagster_db))
    with _instance_from(PROJECT_ROOT / "docs" / "dagster-postgres.yaml", home) as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        result = _tiny.execute_in_process(instance=instance)
    stored = scalar(dagster_db, "SELECT count(*) FROM runs WHERE run_id = %s", (result.run_id,))
    assert stored == 1
    assert not (home / "history").exists()


def test_postgres_config_keeps_the_password_out_of_the_file():
    text = (PROJECT_ROOT / "docs" / "dagster-postgres.yaml").read_text()
    config_lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    assert "env: DAGSTER_PG_URL" in "\n".join(config_lines)
    assert "password" not in "\n".join(config_lines)
