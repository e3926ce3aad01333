"""A broken schema file names file, line, statement and server message, and changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import query

from schema_assets.errors import SqlFileError
from schema_assets.sqlfiles import apply_sql_files, content_hash, split_statements


def test_statements_keep_their_file_and_first_line() -> None:
    text = "-- header\n\nCREATE TABLE a (x int);\n/* c */ CREATE TABLE b (\n  y int\n);\n"
    stmts = split_statements(text, "f.sql")
    assert [(s.line, s.text.split()[2]) for s in stmts] == [(3, "a"), (4, "b")]


def test_syntax_error_names_file_and_line_before_touching_the_database(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sql"
    bad.write_text("CREATE TABLE a (x int);\n\nCREATE TABEL b (y int);\n")
    with pytest.raises(SqlFileError) as err:
        split_statements(bad.read_text(), str(bad))
    assert err.value.line == 3
    assert str(bad) in str(err.value) and "TABEL" in str(err.value)


def test_server_error_names_file_line_statement_and_leaves_database_untouched(
    tmp_path: Path, empty_db: str
) -> None:
    good = tmp_path / "first.sql"
    good.write_text("CREATE SCHEMA s;\nCREATE TABLE s.a (x int);\n")
    bad = tmp_path / "second.sql"
    bad.write_text("CREATE TABLE s.b (y int);\n\n\nCREATE TABLE s.c (\n  z no_such_type\n);\n")
    with pytest.raises(SqlFileError) as err:
        apply_sql_files(empty_db, [good, bad])
    message = str(err.value)
    assert err.value.file == str(bad)
    assert err.value.line == 5  # the line of the unknown type, not just the statement start
    assert 'type "no_such_type" does not exist' in message
    assert "CREATE TABLE s.c" in message
    assert query(empty_db, "SELECT count(*) FROM pg_namespace WHERE nspname = 's'") == [(0,)]


def test_missing_file_is_a_clear_error(tmp_path: Path, empty_db: str) -> None:
    from schema_assets.errors import BadInputError

    with pytest.raises(BadInputError, match="no such file"):
        apply_sql_files(empty_db, [tmp_path / "nope.sql"])


def test_content_hash_changes_with_content(tmp_path: Path) -> None:
    f = tmp_path / "a.sql"
    f.write_text("SELECT 1;")
    first = content_hash([f])
    f.write_text("SELECT 2;")
    assert content_hash([f]) != first


def test_a_begin_atomic_body_stays_one_statement() -> None:
    text = (
        "CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT a + 1;\nEND;\n"
        "-- next\nCREATE TABLE t (x int);\n"
    )
    statements = split_statements(text, "f.sql")
    assert [s.line for s in statements] == [1, 6]
    assert statements[0].text.endswith("END")
