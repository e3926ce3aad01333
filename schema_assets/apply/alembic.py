"""The Alembic backend: programmatic commands, `env.py`'s body, and the helpers revisions call.

Revision files call `run(label, *sql)` for each step (statements go to psycopg verbatim,
so `:name` or `%` in SQL are never taken for parameters; a lock timeout is retried); the
`on_version_apply` hook then writes the same `schema_version` row the direct backend writes.
Alembic is imported lazily: this module must import even where Alembic cannot.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import time
from pathlib import Path
from typing import Any

import psycopg

from schema_assets.apply import history
from schema_assets.apply.direct import already_applied, drop_invalid_index
from schema_assets.apply.lock import (
    RETRY_DELAYS_S,
    is_lock_timeout,
    migration_lock,
    set_lock_timeout,
)
from schema_assets.apply.revision import join_sql, read_revision_file
from schema_assets.config import Settings
from schema_assets.database import mask_secrets
from schema_assets.errors import ApplyError, BadInputError, SchemaAssetsError

log = logging.getLogger(__name__)

VERSION_TABLE_SCHEMA = "schema_assets"
#: Alembic's own table, created by us first so readable ids (`YYYYMMDD_HHMMSS_<slug>`) fit.
VERSION_TABLE_DDL = (
    "CREATE TABLE IF NOT EXISTS schema_assets.alembic_version ("
    "version_num varchar(128) NOT NULL, "
    "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
)

#: Steps timed by `run` during the current revision; drained by `on_version_apply`.
_TIMINGS: list[dict[str, Any]] = []


class AlembicUnavailable(SchemaAssetsError):
    """Alembic cannot be used here (not importable, alembic.ini missing, env.py broken)."""

    exit_code = 2


# ----------------------------------------------------------------- helpers used by revisions


def _server_message(exc: BaseException) -> str:
    orig = getattr(exc, "orig", exc)
    diag = getattr(orig, "diag", None)
    message = getattr(diag, "message_primary", None) or str(orig)
    sqlstate = getattr(orig, "sqlstate", None)
    return mask_secrets(f"{message.strip()}" + (f" [SQLSTATE {sqlstate}]" if sqlstate else ""))


def _progress_key() -> str | None:
    """`<revision>` (or `<revision>:down`) of the revision file whose function called `run`."""
    frame = sys._getframe(2)
    revision = frame.f_globals.get("revision")
    if not isinstance(revision, str):
        return None
    return revision + (":down" if frame.f_code.co_name == "downgrade" else "")


def run(label: str, *statements: str, transactional: bool = True) -> None:
    """Execute one step's statements (retrying lock timeouts) and time it for the history.

    Each finished step is recorded in `schema_version_steps` (in its own transaction, so it
    commits or vanishes with the step). A revision interrupted after some steps committed
    (non-transactional ones, or those before an autocommit block) resumes after them when
    run again, instead of failing on objects that already exist.
    """
    from alembic import op

    ctx = op.get_context()
    number = len(_TIMINGS) + 1
    if ctx.as_sql:  # offline `--sql`: print the statements verbatim
        for stmt in statements:
            ctx.impl.static_output(stmt.rstrip().rstrip(";") + ";\n")
        return
    bind = op.get_bind()
    # Straight to psycopg, without parameters: `%` and `:name` in SQL stay literal text.
    driver: psycopg.Connection = bind.connection.driver_connection
    key = _progress_key()
    done = history.finished_steps(driver, key) if key else {}
    if number in done:
        log.info("step %d: %s already done by an interrupted run: skipped", number, label)
        _TIMINGS.append(
            {"step": number, "object": label, "action": label.split(" ")[0],
             "duration_ms": done[number], "resumed": True}
        )  # fmt: skip
        return
    started = time.perf_counter()
    for stmt in statements:
        if not transactional:
            drop_invalid_index(driver, stmt)
        for attempt, delay in enumerate((*RETRY_DELAYS_S, None)):
            try:
                if transactional:
                    with bind.begin_nested():  # savepoint: a lock timeout is retried in place
                        driver.execute(stmt.encode(), prepare=False)
                else:
                    driver.execute(stmt.encode(), prepare=False)
                break
            except Exception as exc:
                if not transactional and already_applied(stmt, exc):
                    log.warning(
                        "step %d (%s): already applied by an interrupted run", number, label
                    )
                    break
                if delay is not None and is_lock_timeout(exc):
                    log.warning(
                        "step %d (%s): lock timeout, retry %d in %.1fs",
                        number, label, attempt + 1, delay,
                    )  # fmt: skip
                    time.sleep(delay)
                    continue
                raise ApplyError(
                    f"step {number} ({label}) failed: {_server_message(exc)}\n"
                    f"  statement: {stmt.strip().splitlines()[0][:160]}"
                ) from exc
    ms = round((time.perf_counter() - started) * 1000)
    if key:
        history.record_step(driver, key, number, label, label.split(" ")[0], ms)
    log.info("step %d: %s (%d ms)", number, label, ms)
    _TIMINGS.append(
        {"step": number, "object": label, "action": label.split(" ")[0], "duration_ms": ms}
    )


def irreversible(revision: str, reason: str | None) -> None:
    """Body of `downgrade()` for revisions that cannot be undone."""
    raise ApplyError(
        f"revision {revision} cannot be rolled back: {reason or 'it is irreversible'}. "
        "Restore from a backup or write a new forward revision instead."
    )


def on_version_apply(*, ctx: Any, step: Any, heads: Any, run_args: Any) -> None:
    """Alembic hook (inside the revision's transaction): keep `schema_version` truthful."""
    timings = list(_TIMINGS)
    _TIMINGS.clear()
    if ctx.as_sql or step.is_stamp:
        return
    conn: psycopg.Connection = ctx.connection.connection.driver_connection
    script = step.revision_map.get_revision(step.up_revision_id)
    if not step.is_upgrade:
        history.mark_rolled_back(conn, script.revision)
        history.clear_steps(conn, f"{script.revision}:down")
        return
    from schema_assets.catalog import take_snapshot

    rf = read_revision_file(Path(script.path))
    history.record(
        conn,
        version=rf.revision,
        description=rf.message or (script.doc or ""),
        checksum=rf.checksum,
        up_sql=join_sql(s for st in rf.up for s in st.statements),
        down_sql=None if rf.down is None else join_sql(s for st in rf.down for s in st.statements),
        backend="alembic",
        success=True,
        duration_ms=sum(t["duration_ms"] for t in timings),
        steps=timings,
        snapshot=take_snapshot(conn).to_dict(),
        target_fingerprint=(rf.plan or {}).get("target_fingerprint"),
        migration=rf.migration().to_dict(),
    )
    history.clear_steps(conn, rf.revision)


# ----------------------------------------------------------------- env.py


def run_env(context: Any) -> None:
    """Everything `migrations/env.py` does, kept here so it is importable and tested."""
    config = context.config
    if config.attributes.get("probe"):
        return  # `choose.select_backend` only checks that the environment loads
    if context.is_offline_mode():
        url = config.attributes.get("url") or _default_url()
        context.configure(
            url=_sa_url(url),
            literal_binds=True,
            version_table_schema=VERSION_TABLE_SCHEMA,
            transaction_per_migration=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    _run_online(context)


def _default_url() -> str:
    from schema_assets.database import server_url

    return server_url()


def _sa_url(url: str) -> str:
    from schema_assets.database import sqlalchemy_url

    return sqlalchemy_url(url)


def _run_online(context: Any) -> None:
    from sqlalchemy import create_engine, pool

    config = context.config
    url = config.attributes.get("url") or _default_url()
    settings: Settings = config.attributes.get("settings") or Settings.from_env()
    engine = create_engine(_sa_url(url), poolclass=pool.NullPool)
    with contextlib.ExitStack() as stack:
        if not config.attributes.get("lock_held"):
            stack.enter_context(migration_lock(url, config.attributes.get("lock_wait")))
        connection = stack.enter_context(engine.connect())
        pg = connection.connection.driver_connection
        history.ensure(pg)
        pg.execute(VERSION_TABLE_DDL)  # before Alembic would create it with varchar(32)
        set_lock_timeout(pg, settings.lock_timeout)
        pg.commit()  # bookkeeping tables exist before Alembic looks at its version table
        context.configure(
            connection=connection,
            version_table_schema=VERSION_TABLE_SCHEMA,
            transaction_per_migration=True,
            on_version_apply=on_version_apply,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


# ----------------------------------------------------------------- programmatic commands


def make_config(settings: Settings, url: str, *, lock_held: bool = False) -> Any:
    """An Alembic `Config` for the project's alembic.ini, pointed at `url`."""
    try:
        from alembic.config import Config
    except ImportError as exc:
        raise AlembicUnavailable(f"alembic cannot be imported: {exc}") from exc
    if not settings.alembic_ini.is_file():
        raise AlembicUnavailable(f"{settings.alembic_ini} is missing")
    cfg = Config(str(settings.alembic_ini))
    cfg.attributes.update(url=url, lock_held=lock_held, settings=settings, programmatic=True)
    return cfg


def versions_dir(cfg: Any) -> Path:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(cfg)
    return Path(script.versions)


def probe(settings: Settings) -> str | None:
    """Why Alembic cannot be used (None when it can): import, alembic.ini, env.py loading."""
    try:
        from alembic.runtime.environment import EnvironmentContext
        from alembic.script import ScriptDirectory
    except Exception as exc:  # ImportError, or a broken installation raising anything
        return f"alembic cannot be imported ({type(exc).__name__}: {exc})"
    try:
        cfg = make_config(settings, "postgresql:///probe")
        cfg.attributes["probe"] = True
        script = ScriptDirectory.from_config(cfg)
        with EnvironmentContext(cfg, script):
            script.run_env()
    except AlembicUnavailable as exc:
        return str(exc)
    except Exception as exc:
        return f"the Alembic environment failed to load ({type(exc).__name__}: {exc})"
    return None


def _command(name: str, cfg: Any, *args: Any, **kwargs: Any) -> None:
    from alembic import command
    from alembic.util import CommandError

    try:
        getattr(command, name)(cfg, *args, **kwargs)
    except SchemaAssetsError:
        raise
    except CommandError as exc:
        raise BadInputError(f"alembic {name}: {mask_secrets(str(exc))}") from exc
    except Exception as exc:
        raise ApplyError(f"alembic {name} failed: {_server_message(exc)}") from exc
    finally:
        _TIMINGS.clear()


def upgrade(cfg: Any, target: str = "head") -> None:
    _command("upgrade", cfg, target)


def downgrade(cfg: Any, target: str) -> None:
    _command("downgrade", cfg, target)


def stamp(cfg: Any, target: str) -> None:
    _command("stamp", cfg, target)


def current_revision(conn: psycopg.Connection) -> str | None:
    """Alembic's current revision, read straight from its version table (no Alembic needed)."""
    if conn.execute("SELECT to_regclass('schema_assets.alembic_version')").fetchone()[0] is None:
        return None
    row = conn.execute("SELECT version_num FROM schema_assets.alembic_version").fetchone()
    return row[0] if row else None
