"""The desired-state statement policy: schema objects pass, anything acting on the server is
refused before a single statement runs, with file, line and the reason."""

from __future__ import annotations

import pytest

from schema_assets.config import SCHEMA_FILES
from schema_assets.policy import (
    EmptyDesiredStateError,
    StatementPolicyError,
    check_statements,
    scan_body,
)
from schema_assets.sqlfiles import load_desired_state, split_statements


def _check(text: str) -> None:
    check_statements(split_statements(text, "desired.sql"))


def _refusal(text: str) -> str:
    with pytest.raises(StatementPolicyError) as info:
        _check(text)
    return str(info.value)


def test_the_shipped_warehouse_passes() -> None:
    assert len(load_desired_state(SCHEMA_FILES)) > 100


def test_a_pg_dump_preamble_passes() -> None:
    _check(
        "SET statement_timeout = 0;\nSET lock_timeout = 0;\nSET client_encoding = 'UTF8';\n"
        "SET standard_conforming_strings = on;\n"
        "SELECT pg_catalog.set_config('search_path', '', false);\n"
        "SET check_function_bodies = false;\nSET client_min_messages = warning;\n"
        "CREATE TABLE public.t (id integer);\n"
    )


def test_idempotent_do_blocks_that_only_create_objects_pass() -> None:
    _check("DO $$ BEGIN CREATE TYPE public.side AS ENUM ('buy', 'sell'); "
           "EXCEPTION WHEN duplicate_object THEN NULL; END $$;")  # fmt: skip


@pytest.mark.parametrize(
    ("statement", "reason"),
    [
        ("CREATE ROLE evil SUPERUSER", "roles are cluster-wide"),
        ("ALTER ROLE postgres PASSWORD 'x'", "roles are cluster-wide"),
        ("GRANT pg_read_server_files TO analyst", "role membership is cluster-wide"),
        ("CREATE DATABASE other", "databases are cluster-wide"),
        ("ALTER DATABASE warehouse SET work_mem = '1GB'", "database settings"),
        ("CREATE TABLESPACE ts LOCATION '/tmp'", "tablespaces are cluster-wide"),
        ("ALTER SYSTEM SET fsync = off", "server's configuration"),
        ("COPY (SELECT 1) TO PROGRAM 'id'", "COPY reads or writes files"),
        ("VACUUM", "maintenance commands"),
        ("CREATE SUBSCRIPTION s CONNECTION 'host=x' PUBLICATION p", "other servers"),
        ("SET ROLE postgres", "SET/RESET of role"),
        ("SET SESSION AUTHORIZATION postgres", "SET/RESET of session_authorization"),
        ("RESET ALL", "SET/RESET of ALL"),
        ("LOAD 'auto_explain'", "shared library"),
        ("INSERT INTO t VALUES (1)", "data statements"),
        ("COMMENT ON DATABASE warehouse IS 'x'", "a database is shared"),
        ("GRANT CONNECT ON DATABASE warehouse TO public", "a database is shared"),
        ("ALTER DATABASE warehouse OWNER TO evil", "a database is shared"),
        ("SELECT pg_terminate_backend(pid) FROM pg_stat_activity", "pg_terminate_backend()"),
        ("SELECT pg_catalog.pg_reload_conf()", "pg_reload_conf()"),
        ("SELECT lo_export(1, '/tmp/x')", "lo_export()"),
        ("SELECT set_config('role', 'postgres', false)", "set_config()"),
        ("CREATE TABLE t AS SELECT pg_read_file('/etc/passwd') AS x", "pg_read_file()"),
        ("CREATE FUNCTION f() RETURNS int LANGUAGE c AS 'lib', 'f'", "language c"),
        ("CREATE FUNCTION f() RETURNS int LANGUAGE plpython3u AS 'return 1'", "plpython3u"),
    ],
)
def test_statements_acting_on_the_server_are_refused(statement: str, reason: str) -> None:
    message = _refusal(f"CREATE TABLE public.ok (id int);\n{statement};\n")
    assert "desired.sql:2:" in message and reason in message


@pytest.mark.parametrize(
    "body",
    [
        "BEGIN EXECUTE 'CREATE ROLE x SUPERUSER'; END",
        "BEGIN EXECUTE $q$ALTER SYSTEM SET fsync = off$q$; END",
        "BEGIN PERFORM pg_terminate_backend(1); END",
        "BEGIN RESET SESSION AUTHORIZATION; END",
        "BEGIN COPY t TO '/tmp/t'; END",
        "BEGIN EXECUTE 'SELECT ' || 'pg_sleep(1)'; END",
    ],
)
def test_function_bodies_are_scanned_including_their_string_constants(body: str) -> None:
    assert scan_body(body)
    message = _refusal(f"CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ {body} $$;")
    assert "desired.sql:1:" in message


def test_a_harmless_partition_helper_body_passes() -> None:
    assert (
        scan_body(
            "BEGIN EXECUTE format('CREATE TABLE IF NOT EXISTS %s PARTITION OF %s "
            "FOR VALUES FROM (%L) TO (%L)', part, parent, lo, hi); END"
        )
        == []
    )


def test_every_refused_statement_is_listed_at_once() -> None:
    message = _refusal("CREATE ROLE a;\nCOMMIT;\nCREATE TABLE t (id int);\nVACUUM;\n")
    assert all(f"desired.sql:{line}:" in message for line in (1, 2, 4))
    assert "3 statement(s) refused" in message


@pytest.mark.parametrize("text", ["", "-- nothing\n", "/* nothing */"])
def test_an_empty_desired_state_is_refused(text: str) -> None:
    with pytest.raises(EmptyDesiredStateError):
        _check(text)


def test_names_in_messages_cannot_break_the_line() -> None:
    message = _refusal('SELECT "pg_sleep"(1), 1 AS "a\nb";')
    assert all(line.startswith(("the desired", "  ", "    ")) for line in message.splitlines())


def test_a_language_name_holding_a_newline_stays_on_the_refusals_line() -> None:
    message = _refusal(
        'CREATE FUNCTION f() RETURNS int LANGUAGE "c\nDROP TABLE x" AS $$ SELECT 1 $$'
    )
    assert "functions in language c\\ndrop table x are not allowed" in message, message
    assert not any(line.lstrip().startswith("drop table") for line in message.splitlines())
