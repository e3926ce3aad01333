"""The desired state as a snapshot: schema files applied to a cached shadow database.

The shadow is named after the files' content hash (`sa_shadow_<hash16>`) and kept, so an
unchanged schema is never applied twice; it is loaded under a temporary name and renamed
when complete, so a failed or interrupted load never leaves a half-built shadow behind.
Shadows of the same files with an older hash are dropped.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import pickle
import secrets
import time
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path

import psycopg
from psycopg import sql

from schema_assets.catalog import Snapshot, take_snapshot
from schema_assets.config import Settings
from schema_assets.database import (
    connect,
    create_database,
    drop_database,
    mask_url,
    scratch_database,
    with_database,
)
from schema_assets.errors import BadInputError
from schema_assets.policy import POLICY_VERSION
from schema_assets.sqlfiles import content_hash, execute_statements, load_desired_state

log = logging.getLogger(__name__)

PREFIX = "sa_shadow_"
_MEMO: dict[tuple[str, str], Snapshot] = {}


def shadow_name(files: Sequence[Path | str]) -> str:
    """Named after the files' content and the statement policy that admitted them: a shadow
    exists only for a desired state that passed the policy of this version."""
    digest = hashlib.sha256(f"{content_hash(files)}:{POLICY_VERSION}".encode()).hexdigest()
    return PREFIX + digest[:16]


def _files_label(files: Sequence[Path | str]) -> str:
    """Identifies the set of files (not their content) in the shadow database's comment."""
    return "schema-assets shadow of: " + ", ".join(str(Path(f).resolve()) for f in files)


def _server(server_url: str | None) -> str:
    if server_url is None:  # a caller with no server of its own: the project's (DATABASE_URL)
        from schema_assets.database import server_url as default_server

        server_url = default_server(Settings.from_env())
    return with_database(server_url, "postgres")


def _existing_shadows(admin: psycopg.Connection) -> dict[str, str | None]:
    rows = admin.execute(
        "SELECT datname, shobj_description(oid, 'pg_database') FROM pg_database "
        "WHERE datname LIKE %s",
        (PREFIX.replace("_", r"\_") + "%",),
    ).fetchall()
    return {name: comment for name, comment in rows}


def ensure_shadow(files: Sequence[Path | str], server_url: str | None = None, *,
                  chunk_size: int = 200) -> tuple[str, str]:  # fmt: skip
    """(server admin URL, shadow database name), loading the shadow if it is not cached."""
    paths = [Path(f) for f in files]
    if not paths:
        raise BadInputError("no schema files given")
    for f in paths:
        if not f.is_file():
            raise BadInputError(f"{f}: no such file")
    server = _server(server_url)
    name = shadow_name(files)
    label = _files_label(files)
    with connect(server, autocommit=True) as admin:
        existing = _existing_shadows(admin)
    if name in existing:
        log.debug("shadow %s reused", name)
    else:
        statements = load_desired_state(files)  # syntax and policy before any database exists
        _load(server, name, label, statements, chunk_size)
    for other, comment in existing.items():
        if other != name and comment == label:
            log.info("dropping stale shadow %s", other)
            drop_database(server, other)
    return server, name


def _load(server: str, name: str, label: str, statements, chunk_size: int) -> None:
    loading = f"{name}_loading_{secrets.token_hex(3)}"
    started = time.perf_counter()
    url = create_database(server, loading)
    try:
        with connect(url) as conn:
            execute_statements(conn, statements, chunk_size=chunk_size)
        with connect(server, autocommit=True) as admin:
            admin.execute(
                sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                    sql.Identifier(loading), sql.Literal(label)
                )
            )
            try:
                admin.execute(
                    sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                        sql.Identifier(loading), sql.Identifier(name)
                    )
                )
            except psycopg.errors.DuplicateDatabase:  # another process finished first
                drop_database(server, loading)
    except BaseException:
        drop_database(server, loading)
        raise
    log.info(
        "loaded shadow %s (%d statements) in %.2f s on %s",
        name, len(statements), time.perf_counter() - started, mask_url(server),
    )  # fmt: skip


@cache
def _code_version() -> str:
    """Changes whenever the catalog queries or the snapshot model change (cache invalidation)."""
    from schema_assets import catalog

    digest = hashlib.sha256()
    root = Path(catalog.__file__).parent
    for path in sorted([*root.glob("*.py"), *root.glob("queries/*.sql")]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _cache_file(server: str, name: str) -> Path | None:
    """Where the shadow's snapshot is kept between processes; None if the db is gone."""
    with connect(server, autocommit=True) as admin:
        row = admin.execute(
            "SELECT oid, current_setting('server_version_num') FROM pg_database WHERE datname = %s",
            (name,),
        ).fetchone()
    if row is None:
        return None
    root = Settings.from_env().project_root / ".schema_assets" / "shadow-cache"
    return root / f"{name}-{row[0]}-{row[1]}-{_code_version()}.pickle"


def _read_cached(path: Path | None) -> Snapshot | None:
    if path is None or not path.is_file():
        return None
    try:
        # Written by this tool into the project's own .schema_assets directory.
        snap = pickle.loads(path.read_bytes())  # noqa: S301
    except Exception:  # stale or truncated: rebuild it
        log.debug("ignoring unreadable shadow cache %s", path)
        return None
    return snap if isinstance(snap, Snapshot) else None


def _write_cached(path: Path | None, snap: Snapshot) -> None:
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob(path.name.split("-")[0] + "-*.pickle"):
            old.unlink(missing_ok=True)
        tmp = path.with_suffix(f".{secrets.token_hex(3)}.tmp")
        tmp.write_bytes(pickle.dumps(snap, protocol=pickle.HIGHEST_PROTOCOL))
        tmp.replace(path)  # atomic: readers never see half a file
    except OSError as exc:  # a read-only checkout still plans, just slower
        log.debug("could not write shadow cache %s: %s", path, exc)


def shadow_snapshot(
    files: Sequence[Path], server_url: str | None = None, *, chunk_size: int = 200
) -> Snapshot:
    """Snapshot of the schema the files describe.

    Cached three ways, all keyed by the files' content hash: the shadow database itself, the
    snapshot in this process, and the snapshot on disk (valid for that shadow database, server
    version and catalog code), so a new `plan` process only has to snapshot the live side.
    """
    server, name = ensure_shadow(files, server_url, chunk_size=chunk_size)
    memo_key = (server, name)
    if memo_key not in _MEMO:
        cache_file = _cache_file(server, name)
        snap = _read_cached(cache_file)
        if snap is None:
            snap = take_snapshot(with_database(server, name))
            _write_cached(cache_file, snap)
        _MEMO[memo_key] = snap
    return _MEMO[memo_key]


@contextlib.contextmanager
def shadow_database(files: Sequence[Path], server_url: str | None = None) -> Iterator[str]:
    """URL of a throw-away copy of the shadow (CREATE DATABASE … TEMPLATE), dropped on exit."""
    server, name = ensure_shadow(files, server_url)
    with scratch_database(server, prefix="sa_shadow_copy", template=name) as url:
        yield url
