"""The embedded server starts, is reused, and URLs never leak passwords."""

from __future__ import annotations

from pathlib import Path

from helpers import run_cli, scalar

from schema_assets.database import (
    create_database,
    database_name,
    drop_database,
    mask_secrets,
    mask_url,
    start_embedded_server,
    stop_embedded_server,
    with_database,
)


def test_mask_url_hides_password_but_keeps_the_rest() -> None:
    url = "postgresql://trader:s3cr%40t@db.example:5432/warehouse?sslmode=require"
    assert mask_url(url) == "postgresql://trader:***@db.example:5432/warehouse?sslmode=require"
    assert "s3cr" not in mask_secrets(f"could not connect to {url}: timeout")
    assert mask_url("postgresql://u@h/db?password=pw") == "postgresql://u:***@h/db"


def test_with_database_keeps_socket_host() -> None:
    url = "postgresql://postgres:@/postgres?host=/tmp/x"
    assert with_database(url, "other") == "postgresql://postgres:@/other?host=/tmp/x"
    assert database_name(with_database(url, "other")) == "other"


def test_scratch_database_from_template_copies_objects(pg_server: str) -> None:
    src = create_database(pg_server, "tpl_copy_src")
    try:
        import psycopg

        with psycopg.connect(src, autocommit=True) as conn:
            conn.execute("CREATE TABLE t (x int); INSERT INTO t VALUES (1), (2)")
        copy = create_database(pg_server, "tpl_copy_dst", template="tpl_copy_src")
        assert scalar(copy, "SELECT count(*) FROM t") == 2
    finally:
        drop_database(pg_server, "tpl_copy_dst")
        drop_database(pg_server, "tpl_copy_src")


def test_second_start_reuses_the_running_server(tmp_path: Path) -> None:
    pgdata = tmp_path / "pg"
    first = start_embedded_server(pgdata)
    try:
        pid = scalar(first, "SELECT pg_backend_pid()") and (pgdata / "postmaster.pid").read_text()
        second = start_embedded_server(pgdata)
        assert second == first
        assert (pgdata / "postmaster.pid").read_text() == pid  # same postmaster, not a restart
    finally:
        stop_embedded_server(pgdata)


def test_db_url_command_starts_embedded_server_and_prints_url(tmp_path: Path) -> None:
    env = {"SCHEMA_ASSETS_HOME": str(tmp_path), "DATABASE_URL": ""}
    try:
        first = run_cli("db", "url", env=env)
        assert first.returncode == 0, first.stderr
        url = first.stdout.strip()
        assert url.startswith("postgresql://") and url.split("?")[0].endswith("/warehouse")
        assert scalar(url, "SELECT current_database()") == "warehouse"
        second = run_cli("db", "url", env=env)
        assert second.stdout.strip() == url
    finally:
        stop_embedded_server(tmp_path / ".schema_assets" / "pg")


def test_db_stop_command_stops_the_embedded_server_and_the_next_command_restarts_it(
    tmp_path: Path,
) -> None:
    env = {"SCHEMA_ASSETS_HOME": str(tmp_path), "DATABASE_URL": ""}
    pgdata = tmp_path / ".schema_assets" / "pg"
    try:
        url = run_cli("db", "url", env=env).stdout.strip()
        assert (pgdata / "postmaster.pid").exists()
        stopped = run_cli("db", "stop", env=env)
        assert stopped.returncode == 0, stopped.stderr
        assert not (pgdata / "postmaster.pid").exists()
        assert "stopped" in stopped.stderr
        again = run_cli("db", "stop", env=env)
        assert again.returncode == 0 and "not running" in again.stderr
        assert run_cli("db", "url", env=env).stdout.strip() == url
        assert scalar(url, "SELECT current_database()") == "warehouse"
    finally:
        stop_embedded_server(pgdata)


def test_db_url_command_masks_password_of_database_url() -> None:
    env = {"DATABASE_URL": "postgresql://u:hunter2@127.0.0.1:1/x"}
    result = run_cli("db", "url", env=env)
    assert result.returncode == 0
    assert "hunter2" not in result.stdout + result.stderr
    assert result.stdout.strip() == "postgresql://u:***@127.0.0.1:1/x"


def test_threads_starting_the_embedded_server_at_once_share_it(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    pgdata = tmp_path / "pg"
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            urls = list(pool.map(start_embedded_server, [pgdata] * 4))
        assert len(set(urls)) == 1
        assert scalar(urls[0], "SELECT 1") == 1
    finally:
        stop_embedded_server(pgdata)
