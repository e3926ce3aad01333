"""The Alembic backend: programmatic commands, `env.py`'s body, and the helpers revisions call.

Revision files call `run(label, *sql)` for each step (statements go to psycopg verbatim,
so `:name` or `%` in SQL are never taken for parameters; a lock timeout is retried); the
`on_version_apply` hook then writes the same `schema_version` row the direct backend writes.
Alembic is imported lazily: this module must import even where Alembic cannot.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import sys
from pathlib import Path
from typing import Any

import psycopg

from schema_assets.apply import history
from schema_assets.apply.lock import migration_lock, set_lock_timeout
from schema_assets.apply.revision import (
    ExecStep,
    RevisionFile,
    build_migration,
    join_sql,
    read_revision_file,
)
from schema_assets.apply.steps import StepResult, run_step, undo_failed
from schema_assets.config import Settings
from schema_assets.database import mask_secrets
from schema_assets.errors import ApplyError, BadInputError, SchemaAssetsError, server_message
from schema_assets.plan import Plan

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


class StepFailed(ApplyError):
    """A step of a revision failed inside Alembic; `run_env` compensates and records it."""

    def __init__(self, message: str, path: Path, key: str, position: int) -> None:
        super().__init__(message)
        self.path, self.key, self.position = path, key, position


def _caller() -> tuple[Path, str] | None:
    """(file, progress key) of the revision whose upgrade()/downgrade() called `run`:
    `<revision>`, or `<revision>:down` for a downgrade."""
    frame = sys._getframe(2)
    revision = frame.f_globals.get("revision")
    path = frame.f_globals.get("__file__")
    if not isinstance(revision, str) or not isinstance(path, str):
        return None
    return Path(path), revision + (":down" if frame.f_code.co_name == "downgrade" else "")


def run(label: str, *statements: str, transactional: bool = True) -> None:
    """Execute one step of a revision through the shared step runner, timed for the history.

    Each finished step is recorded in `schema_version_steps` (in its own transaction, so it
    commits or vanishes with the step). A revision interrupted after some steps committed
    (non-transactional ones, or those before an autocommit block) resumes after them when
    run again. A failing step raises StepFailed: `run_env` then undoes the revision.
    """
    from alembic import op

    ctx = op.get_context()
    number = len(_TIMINGS) + 1
    if ctx.as_sql:  # offline `--sql`: print the statements verbatim
        for stmt in statements:
            ctx.impl.static_output(stmt.rstrip().rstrip(";") + ";\n")
        return
    # Straight to psycopg, without parameters: `%` and `:name` in SQL stay literal text.
    driver: psycopg.Connection = op.get_bind().connection.driver_connection
    caller = _caller()
    key = caller[1] if caller else None
    done = history.finished_steps(driver, key) if key else {}
    action = label.split(" ")[0]
    if number in done:
        log.info("step %d: %s already done by an interrupted run: skipped", number, label)
        _TIMINGS.append(StepResult(number, label, action, done[number], resumed=True).to_dict())
        return
    obj = label[len(action) :].strip()
    step = ExecStep(number, "", action, obj, tuple(statements), transactional)
    try:
        result = run_step(driver, step, number, key=key)
    except ApplyError as exc:
        if caller is None or key is None or key.endswith(":down"):
            raise
        raise StepFailed(str(exc), caller[0], key, number) from exc
    _TIMINGS.append({**result.to_dict(), "object": label})


def _revision_steps(path: Path) -> tuple[RevisionFile, tuple[ExecStep, ...]]:
    """The steps of a revision file with the down SQL of each (for compensation).

    Generated files carry their plan: the migration rebuilt from it has the same statements
    as the file's `run` calls, each with its down SQL. A file edited by hand, whose calls no
    longer match, has steps without known down SQL: compensation stops at the first.
    """
    rf = read_revision_file(path)
    if rf.plan:
        migration = build_migration(Plan.from_dict(rf.plan), rf.revision, rf.message)
        if [s.statements for s in migration.up] == [s.statements for s in rf.up]:
            return rf, migration.up
    return rf, tuple(dataclasses.replace(s, down=None) for s in rf.up)


def _undo_failed_revision(url: str, settings: Settings, failed: StepFailed) -> ApplyError:
    """After Alembic rolled back the failed revision's transaction: undo what had committed,
    record the failure in `schema_version`, and return the error to raise."""
    from schema_assets.database import connect

    _TIMINGS.clear()
    rf, steps = _revision_steps(failed.path)
    with connect(url, autocommit=True) as conn:
        set_lock_timeout(conn, settings.lock_timeout)
        undo = undo_failed(conn, steps, failed.key, failed.position)
        message = f"{failed}\n{undo.describe()}"
        history.record(
            conn,
            version=rf.revision,
            description=rf.message,
            checksum=rf.checksum,
            up_sql=join_sql(s for st in rf.up for s in st.statements),
            down_sql=None
            if rf.down is None
            else join_sql(s for st in rf.down for s in st.statements),
            backend="alembic",
            success=False,
            error=message,
            migration=rf.migration().to_dict(),
        )
    return ApplyError(message)


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
        try:
            with context.begin_transaction():
                context.run_migrations()
        except StepFailed as failed:
            raise _undo_failed_revision(url, settings, failed) from failed
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
        raise ApplyError(f"alembic {name} failed: {server_message(exc)}") from exc
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
