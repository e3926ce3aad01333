"""Read schema files into located statements and apply them with errors that point home.

Every statement keeps its file and line, so a failure in a 2,000-line `schema.sql` says
exactly where it is and what the server said, and nothing is left half-applied.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import psycopg

from schema_assets.errors import BadInputError, SqlFileError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SqlStatement:
    file: str
    line: int
    text: str


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _skip_leading_comments(text: str, start: int, end: int) -> int:
    """Offset of the first real token of a slice (the scanner keeps leading comments)."""
    i = start
    while i < end:
        if text[i].isspace():
            i += 1
        elif text.startswith("--", i):
            nl = text.find("\n", i)
            i = end if nl == -1 else nl + 1
        elif text.startswith("/*", i):
            close = text.find("*/", i + 2)
            i = end if close == -1 else close + 2
        else:
            break
    return i


def read_sql_file(path: Path | str) -> str:
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise BadInputError(f"{path}: no such file") from exc
    except UnicodeDecodeError as exc:
        raise BadInputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise BadInputError(f"{path}: cannot read ({exc.strerror})") from exc


def split_statements(text: str, file: str = "<sql>") -> list[SqlStatement]:
    """Split into statements; a syntax error raises SqlFileError with the offending line."""
    from pglast import parser as pg_parser  # on first use: see render.sql._keywords

    try:
        pg_parser.parse_sql(text)
    except pg_parser.ParseError as exc:
        message, index = (exc.args + (None,))[:2]
        index = index if isinstance(index, int) else 0
        line = _line_of(text, index)
        line_text = text.splitlines()[line - 1] if text.splitlines() else ""
        raise SqlFileError(file, line, line_text, f"syntax error: {message}") from exc
    statements: list[SqlStatement] = []
    # with_parser: statement boundaries as the grammar sees them (BEGIN ATOMIC ... END bodies hold
    # semicolons of their own)
    for piece in pg_parser.split(text, with_parser=True, only_slices=True):
        start = _skip_leading_comments(text, piece.start, piece.stop)
        body = text[start : piece.stop].strip()
        if body:
            statements.append(SqlStatement(file, _line_of(text, start), body))
    return statements


def load_statements(files: Iterable[Path | str]) -> list[SqlStatement]:
    statements: list[SqlStatement] = []
    for file in files:
        statements.extend(split_statements(read_sql_file(file), str(file)))
    return statements


def load_desired_state(files: Iterable[Path | str]) -> list[SqlStatement]:
    """The statements of the desired state, checked against the statement policy first.

    Raises SqlFileError (syntax), StatementPolicyError (a statement that is not a schema
    object) or EmptyDesiredStateError; nothing has run on any database when it does.
    """
    from schema_assets.policy import check_statements

    statements = load_statements(files)
    check_statements(statements)
    return statements


def content_hash(files: Iterable[Path | str]) -> str:
    """sha256 over the files' names and bytes, in order: the desired state's identity."""
    digest = hashlib.sha256()
    for file in files:
        path = Path(file)
        digest.update(path.name.encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def _server_error(stmt: SqlStatement, exc: psycopg.Error) -> SqlFileError:
    diag = exc.diag
    line = stmt.line
    position = getattr(diag, "statement_position", None)
    if position and str(position).isdigit():
        line += stmt.text.count("\n", 0, int(position) - 1)
    message = (diag.message_primary or str(exc)).strip()
    if diag.sqlstate:
        message = f"{message} [SQLSTATE {diag.sqlstate}]"
    return SqlFileError(stmt.file, line, stmt.text, message)


def execute_statements(
    conn: psycopg.Connection,
    statements: Sequence[SqlStatement],
    *,
    chunk_size: int | None = None,
) -> int:
    """Execute statements; one transaction unless `chunk_size` asks for periodic commits.

    Without chunking the target is untouched when any statement fails. Chunking exists for
    throw-away shadow databases only, where 2,000 CREATE TABLEs in one transaction would
    exhaust `max_locks_per_transaction`.
    """
    started = time.perf_counter()
    done = 0
    try:
        with conn.cursor() as cur:
            for stmt in statements:
                try:
                    cur.execute(stmt.text.encode(), prepare=False)
                except psycopg.Error as exc:
                    raise _server_error(stmt, exc) from exc
                done += 1
                if chunk_size and done % chunk_size == 0:
                    conn.commit()
        conn.commit()
    except BaseException:
        conn.rollback()
        raise
    log.debug("executed %d statements in %.0f ms", done, (time.perf_counter() - started) * 1000)
    return done


def apply_sql_files(url: str, files: Sequence[Path | str], *, chunk_size: int | None = None) -> int:
    """Parse all files first (syntax errors before any change), then apply them atomically."""
    from schema_assets.database import connect

    statements = load_statements(files)
    with connect(url) as conn:
        return execute_statements(conn, statements, chunk_size=chunk_size)
