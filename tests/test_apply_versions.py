"""The trading schema through its versions (v1 → v2 → v3 and back) with data, on both backends."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from apply_support import (
    VERSIONS_FIXTURES,
    make_home,
    new_rows_sql,
    settings_for,
    version_files,
)
from helpers import execute, scalar, table_fingerprint

from schema_assets.apply import choose, rollback
from schema_assets.apply.alembic import current_revision
from schema_assets.catalog import take_snapshot
from schema_assets.database import connect
from schema_assets.errors import ApplyError
from schema_assets.shadow import shadow_snapshot
from schema_assets.sqlfiles import apply_sql_files

BOOKKEEPING = ("schema_assets.", "schema_assets_archive.")
BACKENDS = ("alembic", "direct")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return make_home(tmp_path)


def _migrate(url: str, home: Path, backend: str, version: str, **kw) -> choose.ApplyResult:
    settings = dataclasses.replace(
        settings_for(home, url, backend), schema_files=version_files(version)
    )
    return choose.migrate(url, settings, message=f"to {version}", **kw)


def _rollback(url: str, home: Path, backend: str, **kw) -> list[str]:
    return rollback.rollback(url, settings_for(home, url, backend), **kw)


def _rows(url: str) -> dict[str, tuple[int, str]]:
    return {k: v for k, v in table_fingerprint(url).items() if not k.startswith(BOOKKEEPING)}


def _at_version(url: str, version: str) -> bool:
    return take_snapshot(url) == shadow_snapshot(version_files(version), url)


def _v1_with_data(url: str, home: Path, backend: str) -> str:
    revision = _migrate(url, home, backend, "v1").revision
    apply_sql_files(url, [VERSIONS_FIXTURES / "v1" / "data.sql"])
    return revision


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrades_v1_v2_v3_reach_each_version_and_keep_every_row(
    backend: str, home: Path, empty_db: str
) -> None:
    _v1_with_data(empty_db, home, backend)
    assert _at_version(empty_db, "v1")
    v1_rows = _rows(empty_db)

    _migrate(empty_db, home, backend, "v2")
    assert _at_version(empty_db, "v2")
    execute(empty_db, new_rows_sql("v2"))
    result = _migrate(empty_db, home, backend, "v3", allow_destructive=True)
    assert _at_version(empty_db, "v3")
    assert _migrate(empty_db, home, backend, "v3").skipped  # converged: nothing left to do

    after = _rows(empty_db)
    retyped = {t for t in v1_rows if t.startswith("raw.trades")}  # price numeric(18,6)->(20,8)
    assert {t: after[t] for t in v1_rows if t not in retyped} == {
        t: v for t, v in v1_rows.items() if t not in retyped
    }
    assert {t: after[t][0] for t in retyped} == {t: v1_rows[t][0] for t in retyped}
    archived = scalar(
        empty_db,
        "SELECT row_count FROM schema_assets_archive.archives WHERE revision = %s",
        (result.revision,),
    )
    assert archived == 240  # every legacy_estimator_code value was kept before the drop


@pytest.mark.parametrize("backend", BACKENDS)
def test_downgrade_v2_to_v1_restores_the_v1_schema_and_every_v1_row(
    backend: str, home: Path, empty_db: str
) -> None:
    v1_revision = _v1_with_data(empty_db, home, backend)
    v1_rows = _rows(empty_db)
    _migrate(empty_db, home, backend, "v2")
    execute(empty_db, new_rows_sql("v2"))

    _rollback(empty_db, home, backend, to=v1_revision)
    assert _at_version(empty_db, "v1")
    assert _rows(empty_db) == v1_rows


@pytest.mark.parametrize("backend", BACKENDS)
def test_downgrade_from_v3_is_refused_by_the_irreversible_column_drop(
    backend: str, home: Path, empty_db: str
) -> None:
    _v1_with_data(empty_db, home, backend)
    _migrate(empty_db, home, backend, "v2")
    _migrate(empty_db, home, backend, "v3", allow_destructive=True)
    before = _rows(empty_db)
    with pytest.raises(ApplyError, match="cannot be rolled back: .*legacy_estimator_code"):
        _rollback(empty_db, home, backend)
    assert _at_version(empty_db, "v3")
    assert _rows(empty_db) == before


@pytest.mark.parametrize("backend", BACKENDS)
def test_v3_back_to_v1_through_the_recorded_snapshots_keeps_every_v1_row(
    backend: str, home: Path, empty_db: str
) -> None:
    v1_revision = _v1_with_data(empty_db, home, backend)
    v1_rows = _rows(empty_db)
    _migrate(empty_db, home, backend, "v2")
    execute(empty_db, new_rows_sql("v2"))
    v3 = _migrate(empty_db, home, backend, "v3", allow_destructive=True).revision

    undone = _rollback(empty_db, home, backend, to=v1_revision, revert_irreversible=True)

    assert undone[0] == v3 and len(undone) == 2
    assert _at_version(empty_db, "v1")
    assert _rows(empty_db) == v1_rows
    with connect(empty_db) as conn:
        assert current_revision(conn) == v1_revision  # both backends keep Alembic in step
    # and it carries on from v1 (Alembic re-runs its rolled-back revision files)
    _migrate(empty_db, home, backend, "v3", allow_destructive=True)
    assert _at_version(empty_db, "v3")


def test_switching_backends_midway_keeps_one_history_and_alembic_continues(
    home: Path, empty_db: str
) -> None:
    v1 = _v1_with_data(empty_db, home, "alembic")
    v2 = _migrate(empty_db, home, "direct", "v2").revision  # e.g. Alembic disabled in an emergency
    v3 = _migrate(empty_db, home, "alembic", "v3", allow_destructive=True).revision
    assert _at_version(empty_db, "v3")
    versions = sorted(p.stem for p in (home / "migrations" / "versions").glob("*.py"))
    assert versions == [v1, v2, v3]  # the direct migration got its revision file
    with connect(empty_db) as conn:
        assert current_revision(conn) == v3
    backends = dict(
        (v, b)
        for v, b in _history(empty_db)  # one row per migration, each with its backend
    )
    assert backends == {v1: "alembic", v2: "direct", v3: "alembic"}


def test_direct_rollback_of_alembic_migrations_moves_alembic_back_too(
    home: Path, empty_db: str
) -> None:
    v1 = _v1_with_data(empty_db, home, "alembic")
    v1_rows = _rows(empty_db)
    _migrate(empty_db, home, "alembic", "v2")
    assert _rollback(empty_db, home, "direct") != []
    assert _at_version(empty_db, "v1") and _rows(empty_db) == v1_rows
    with connect(empty_db) as conn:
        assert current_revision(conn) == v1
    # and Alembic carries on from there: the rolled-back file is pending again
    _migrate(empty_db, home, "alembic", "v2")
    assert _at_version(empty_db, "v2")


def test_alembic_rolls_back_a_migration_the_direct_backend_applied(
    home: Path, empty_db: str
) -> None:
    _v1_with_data(empty_db, home, "direct")
    v1_rows = _rows(empty_db)
    v2 = _migrate(empty_db, home, "direct", "v2").revision
    assert _rollback(empty_db, home, "alembic") == [v2]
    assert _at_version(empty_db, "v1") and _rows(empty_db) == v1_rows


def _history(url: str) -> list[tuple[str, str]]:
    with connect(url) as conn:
        return conn.execute(
            "SELECT version, backend FROM schema_assets.schema_version WHERE success ORDER BY id"
        ).fetchall()
