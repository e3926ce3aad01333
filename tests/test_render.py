"""The rendering layer, proven over arbitrary names and values (hypothesis).

Names and values from schema files and databases are hostile: whatever they hold, the SQL we
render means exactly them, comments stay on their line, markdown stays in its cell, and a
generated revision file holds them only as data.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schema_assets.apply.migration import build_migration
from schema_assets.apply.revision import render_revision
from schema_assets.plan import Plan, Step
from schema_assets.render import markdown as md
from schema_assets.render import python as py
from schema_assets.render import sql
from schema_assets.render.text import visible

#: Any unicode except NUL (PostgreSQL text cannot hold it), with the characters that break
#: quoting and comments made likely.
NASTY = st.sampled_from(
    ["\n", "\r", "\r\n", "'", '"', "\\", "$$", "*/", "/*", "--", ";", "`", "|", "\u2028", "\x1b",
     "\x7f", "\x85", "\u202e", "E'", "'';", "\t", "#", '"""', "\\'", "%s", ":name", "{x}"]
)  # fmt: skip
CHARS = st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",))
TEXT = st.lists(st.one_of(NASTY, st.text(CHARS, max_size=4)), max_size=8).map("".join)
#: Identifiers: PostgreSQL keeps at most 63 bytes of a name (longer ones are truncated).
NAMES = TEXT.filter(lambda s: 0 < len(s.encode()) <= 63)

EXAMPLES = settings(
    max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def conn(pg_server: str) -> Iterator[psycopg.Connection]:
    from schema_assets.database import connect, create_database, drop_database, scratch_name

    name = scratch_name("render")
    url = create_database(pg_server, name)
    with connect(url, autocommit=True) as c:
        c.execute("CREATE SCHEMA s")
        yield c
    drop_database(pg_server, name)


# ----------------------------------------------------------------------------- SQL


@EXAMPLES
@given(name=NAMES)
def test_a_quoted_identifier_creates_exactly_that_name(conn: psycopg.Connection, name: str) -> None:
    with conn.transaction(force_rollback=True):
        conn.execute(f"CREATE TABLE {sql.qualified('s', name)} (x int)".encode())
        names = [r[0] for r in conn.execute("SELECT relname FROM pg_class WHERE relnamespace = "
                                            "'s'::regnamespace AND relkind = 'r'").fetchall()]  # fmt: skip
    assert names == [name]


def test_every_keyword_and_plain_word_renders_as_quote_ident_renders_it(
    conn: psycopg.Connection,
) -> None:
    # The keyword list is read from pglast's data file without importing pglast (render/sql.py);
    # the server's own quote_ident is the reference, over every keyword pglast knows.
    from pglast import keywords

    every = (
        keywords.RESERVED_KEYWORDS
        | keywords.COL_NAME_KEYWORDS
        | keywords.TYPE_FUNC_NAME_KEYWORDS
        | keywords.UNRESERVED_KEYWORDS
    )
    words = sorted(every | {"plain", "x1", "_under", "Capital", "with space"})
    rows = conn.execute("SELECT w, quote_ident(w) FROM unnest(%s::text[]) w", (words,)).fetchall()
    assert len(rows) == len(words)
    assert [(w, sql.ident(w)) for w, _ in rows] == rows


@EXAMPLES
@given(value=TEXT, conforming=st.booleans())
def test_a_literal_means_exactly_its_value_under_either_string_setting(
    conn: psycopg.Connection, value: str, conforming: bool
) -> None:
    with conn.transaction(force_rollback=True):
        conn.execute(f"SET LOCAL standard_conforming_strings = {'on' if conforming else 'off'}")
        conn.execute("SET LOCAL escape_string_warning = off")
        conn.execute("CREATE TABLE s.victim (x int)")
        conn.execute(f"COMMENT ON TABLE s.victim IS {sql.literal(value)}".encode())
        stored = conn.execute("SELECT obj_description('s.victim'::regclass)").fetchone()[0]
        assert conn.execute("SELECT to_regclass('s.victim')").fetchone()[0] is not None
    assert stored == (value or None)  # an empty comment is no comment


@given(text=TEXT)
@settings(max_examples=200, deadline=None)
def test_a_sql_comment_is_one_line(text: str) -> None:
    line = sql.comment(text)
    assert line.startswith("-- ") and "\n" not in line and "\r" not in line
    assert visible(text) == line[3:]


# ----------------------------------------------------------------------------- markdown


def _cells(row: str) -> list[str]:
    """Table cells split on pipes that are not backslash-escaped (an odd run of backslashes)."""
    return re.split(r"(?<!\\)(?:\\\\)*\|", row)


@given(text=TEXT)
@settings(max_examples=150, deadline=None)
def test_markdown_cells_and_code_spans_stay_in_their_cell(text: str) -> None:
    for rendered in (md.cell(text), md.code(text), md.text(text)):
        assert "\n" not in rendered and "\r" not in rendered
        assert len(_cells(f"| {rendered} |")) == 3


# ----------------------------------------------------------------------------- plans


def _step(name: str, note: str) -> Step:
    return Step(
        "index", "drop", f"s.{name}", up=(f"DROP INDEX {sql.qualified('s', name)}",),
        down=(f"CREATE INDEX {sql.ident(name)} ON s.t (x)",), notes=(note,),
    )  # fmt: skip


@given(names=st.lists(NAMES, min_size=1, max_size=3), note=TEXT, source=TEXT)
@settings(max_examples=150, deadline=None)
def test_plan_text_keeps_one_line_per_item(names: list[str], note: str, source: str) -> None:
    plan = Plan(steps=tuple(_step(n, note) for n in names), source=source, target="files")
    text = plan.to_sql()
    for statement in plan.up_sql():  # statements may span lines (a quoted name can)
        text = text.replace(statement + ";", "", 1)
    lines = [line for line in text.splitlines() if line.strip()]
    assert all(line.startswith("-- ") for line in lines)
    assert len(lines) == 2 + 2 * len(names)  # header, then each step's label and note
    rows = [r for r in plan.to_markdown().splitlines() if re.match(r"\| \d+ \|", r)]
    assert len(rows) == len(names)
    assert all(len(_cells(r)) == 9 for r in rows)


# ----------------------------------------------------------------------------- revision files

#: The only calls a generated revision makes: Alembic operations of schema-assets.
_OPS = {"step", "undo", "sql_file", "irreversible"}


def _data(node: ast.AST) -> bool:
    """A literal (string, None, bool) or a tuple of them: data, never code."""
    if isinstance(node, ast.Constant):
        return True
    return isinstance(node, ast.Tuple) and all(_data(e) for e in node.elts)


def _revision_for(names: list[str], message: str) -> str:
    plan = Plan(steps=tuple(_step(n, n) for n in names), source="live", target="files")
    return render_revision(build_migration(plan, "20990101_000000_test", message), None)


def _assert_only_data(source: str, names: list[str]) -> None:
    tree = ast.parse(source)
    literals: set[object] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            assert isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
            assert func.value.id == "op" and func.attr in _OPS, ast.dump(node)
            values = [*node.args, *(k.value for k in node.keywords)]
            if func.attr == "undo":
                assert len(values) == 1 and isinstance(values[0], ast.Name)
                assert values[0].id == "upgrade"
            else:
                assert all(_data(v) for v in values), ast.dump(node)
            for value in values:
                data = ast.literal_eval(value) if _data(value) else None
                literals.update(data if isinstance(data, tuple) else (data,))
    for stmt in tree.body:
        assert isinstance(stmt, (ast.Expr, ast.ImportFrom, ast.Assign, ast.FunctionDef))
        if isinstance(stmt, ast.Expr):  # the module docstring only
            assert isinstance(stmt.value, ast.Constant)
        if isinstance(stmt, ast.Assign):
            assert _data(stmt.value), ast.dump(stmt)
        if isinstance(stmt, ast.ImportFrom):
            assert stmt.module == "alembic" and [a.name for a in stmt.names] == ["op"]
    for name in names:  # each name is there, as data (in the SQL a step runs)
        assert any(isinstance(v, str) and sql.ident(name) in v for v in literals)


@given(names=st.lists(NAMES, min_size=1, max_size=3), message=TEXT)
@settings(max_examples=150, deadline=None)
def test_a_revision_file_holds_names_only_as_data(names: list[str], message: str) -> None:
    _assert_only_data(_revision_for(names, message), names)


@given(value=TEXT)
@settings(max_examples=150, deadline=None)
def test_python_literals_and_comments_round_trip(value: str) -> None:
    assert ast.literal_eval(py.string(value)) == value
    line = py.comment(value)
    assert line.startswith("# ") and len(line.splitlines()) == 1
    assert ast.parse(f"x = 1  {line}\n").body[0].value.value == 1  # type: ignore[attr-defined]


def test_loading_a_revision_with_a_code_shaped_name_runs_nothing(tmp_path, monkeypatch) -> None:
    payload = "x\n    __import__('os').system('touch pwned.txt')#"
    path = tmp_path / "rev.py"
    path.write_text(_revision_for([payload], payload + '"""'), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    import importlib.util

    spec = importlib.util.spec_from_file_location("rev_under_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert not (tmp_path / "pwned.txt").exists()
    assert module.revision == "20990101_000000_test"
    _assert_only_data(path.read_text(encoding="utf-8"), [payload])
