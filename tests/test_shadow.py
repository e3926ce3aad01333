"""Shadow databases: the schema files' snapshot, cached by content hash, loaded in chunks."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import query, scalar
from roundtrip import apply_sql

from schema_assets import shadow
from schema_assets.catalog import take_snapshot
from schema_assets.database import database_name
from schema_assets.errors import BadInputError, SqlFileError
from schema_assets.shadow import shadow_database, shadow_name, shadow_snapshot


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def _databases(pg_server: str, like: str) -> list[str]:
    return [
        r[0]
        for r in query(pg_server, "SELECT datname FROM pg_database WHERE datname LIKE %s", (like,))
    ]


def _oid(pg_server: str, name: str) -> int:
    return scalar(pg_server, "SELECT oid FROM pg_database WHERE datname = %s", (name,))


def test_shadow_snapshot_equals_the_files_applied_to_a_database(
    pg_server: str, empty_db: str, tmp_path: Path
) -> None:
    sql = "CREATE SCHEMA s; CREATE TABLE s.t (id int PRIMARY KEY, v text);"
    files = [_write(tmp_path, "a.sql", sql)]
    apply_sql(empty_db, sql)
    assert shadow_snapshot(files, pg_server) == take_snapshot(empty_db)


def test_unchanged_files_reuse_the_cached_shadow_without_reloading(
    pg_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = [_write(tmp_path, "a.sql", "CREATE TABLE cached (id int);")]
    shadow_snapshot(files, pg_server)
    name = shadow_name(files)
    oid = _oid(pg_server, name)
    shadow._MEMO.clear()
    monkeypatch.setattr(shadow, "_load", lambda *a, **k: pytest.fail("shadow was reloaded"))
    snap = shadow_snapshot(files, pg_server)
    assert ("public", "cached") in snap.tables
    assert _oid(pg_server, name) == oid


def test_changed_files_get_a_new_shadow_and_the_stale_one_is_dropped(
    pg_server: str, tmp_path: Path
) -> None:
    path = _write(tmp_path, "a.sql", "CREATE TABLE v1 (id int);")
    shadow_snapshot([path], pg_server)
    old = shadow_name([path])
    path.write_text("CREATE TABLE v2 (id int);")
    snap = shadow_snapshot([path], pg_server)
    assert ("public", "v2") in snap.tables and ("public", "v1") not in snap.tables
    names = _databases(pg_server, "sa\\_shadow\\_%")
    assert shadow_name([path]) in names and old not in names


def test_bad_statement_raises_file_and_line_and_leaves_no_shadow(
    pg_server: str, tmp_path: Path
) -> None:
    files = [
        _write(
            tmp_path, "bad.sql", "CREATE TABLE ok (id int);\n\nCREATE TABLE bad (id nosuchtype);\n"
        )
    ]
    with pytest.raises(SqlFileError) as info:
        shadow_snapshot(files, pg_server)
    assert info.value.file.endswith("bad.sql") and info.value.line == 3
    assert "nosuchtype" in info.value.message
    assert not [
        n for n in _databases(pg_server, "sa\\_shadow\\_%") if n.startswith(shadow_name(files))
    ]


def test_missing_file_is_bad_input(pg_server: str, tmp_path: Path) -> None:
    with pytest.raises(BadInputError, match="no such file"):
        shadow_snapshot([tmp_path / "missing.sql"], pg_server)


def test_shadow_database_is_a_copy_dropped_on_exit(pg_server: str, tmp_path: Path) -> None:
    files = [_write(tmp_path, "a.sql", "CREATE TABLE copied (id int);")]
    with shadow_database(files, pg_server) as url:
        assert scalar(url, "SELECT count(*) FROM pg_tables WHERE tablename = 'copied'") == 1
        name = database_name(url)
        assert name in _databases(pg_server, "%")
    assert name not in _databases(pg_server, "%")


@pytest.mark.slow
def test_two_thousand_tables_load_in_chunks(pg_server: str, tmp_path: Path) -> None:
    sql = "\n".join(
        f"CREATE TABLE t{i} (id bigint PRIMARY KEY, v text, at timestamptz DEFAULT now());"
        for i in range(2000)
    )
    files = [_write(tmp_path, "big.sql", sql)]
    snap = shadow_snapshot(files, pg_server, chunk_size=200)
    assert len(snap.tables) == 2000 and len(snap.constraints) == 2000
