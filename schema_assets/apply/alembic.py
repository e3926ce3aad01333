"""The Alembic backend: programmatic commands and the body of `migrations/env.py`.

env.py registers the operations revisions call (`apply.ops`), keeps `schema_version`
truthful (`on_version_apply`), undoes a revision whose step failed, and hooks the planner into
`alembic revision --autogenerate` / `alembic check` (`process_revision_directives`). Alembic
is imported lazily: this module must import even where Alembic cannot.
"""

from __future__ import annotations

import contextlib
import json
import logging
from pathlib import Path
from typing import Any, cast

import psycopg

from schema_assets.apply import history
from schema_assets.apply.lock import migration_lock, set_lock_timeout
from schema_assets.apply.revision import op_steps, read_revision_file
from schema_assets.apply.steps import undo_failed
from schema_assets.config import Settings
from schema_assets.errors import ApplyError, BadInputError, SchemaAssetsError, server_message
from schema_assets.render import sql as sqltext

log = logging.getLogger(__name__)

VERSION_TABLE_SCHEMA = "schema_assets"
#: Alembic's own table, created by us first (wider than Alembic's VARCHAR(32), for ids of
#: older schema-assets versions; new ids fit in 32).
VERSION_TABLE_DDL = (
    "CREATE TABLE IF NOT EXISTS schema_assets.alembic_version ("
    "version_num varchar(128) NOT NULL, "
    "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
)


class AlembicUnavailable(SchemaAssetsError):
    """Alembic cannot be used here (not importable, alembic.ini missing, env.py broken)."""

    exit_code = 2


# ----------------------------------------------------------------- env.py


def run_env(context: Any) -> None:
    """Everything `migrations/env.py` does, kept here so it is importable and tested."""
    from schema_assets.apply import ops  # noqa: F401 - registers op.step & co.

    config = context.config
    if config.attributes.get("probe"):
        return  # `backend.select_backend` only checks that the environment loads
    settings: Settings = config.attributes.get("settings") or Settings.from_env()
    if context.is_offline_mode():
        _run_offline(context)
        return
    _run_online(context, settings)


def _run_offline(context: Any) -> None:
    """`--sql`: a script that applies from an empty database with `psql -v ON_ERROR_STOP=1`."""
    context.configure(
        dialect_name="postgresql",
        literal_binds=True,
        version_table_schema=VERSION_TABLE_SCHEMA,
        transaction_per_migration=True,
        on_version_apply=on_version_apply,
    )
    impl = context.get_context().impl
    for stmt in history.DDL:  # the bookkeeping schema exists before Alembic's version table
        impl.static_output(" ".join(stmt.split()) + ";\n")
    with context.begin_transaction():
        context.run_migrations()


def _run_online(context: Any, settings: Settings) -> None:
    from sqlalchemy import MetaData, create_engine, pool

    from schema_assets.apply import ops
    from schema_assets.database import server_url, sqlalchemy_url

    config = context.config
    url = config.attributes.get("url") or server_url(settings)
    engine = create_engine(sqlalchemy_url(url), poolclass=pool.NullPool)
    ops.Recorder(engine)
    try:
        with contextlib.ExitStack() as stack:
            if not config.attributes.get("lock_held"):
                stack.enter_context(migration_lock(url, settings.lock_wait))
            connection = stack.enter_context(engine.connect())
            pg = cast(psycopg.Connection, connection.connection.driver_connection)
            history.ensure(pg)
            pg.execute(VERSION_TABLE_DDL)
            set_lock_timeout(pg, settings.lock_timeout)
            pg.commit()  # bookkeeping tables exist before Alembic looks at its version table
            context.configure(
                connection=connection,
                version_table_schema=VERSION_TABLE_SCHEMA,
                transaction_per_migration=True,
                on_version_apply=on_version_apply,
                # autogenerate: the planner, not SQLAlchemy's reflection, makes revisions
                target_metadata=MetaData(),
                include_name=lambda *args: False,
                process_revision_directives=_revision_directives(settings, url),
            )
            try:
                with context.begin_transaction():
                    context.run_migrations()
            except ops.StepFailed as failed:
                raise _undo_failed_revision(url, settings, failed) from failed
            finally:
                ops.drain()
    finally:
        engine.dispose()


def _undo_failed_revision(url: str, settings: Settings, failed: Any) -> ApplyError:
    """After Alembic rolled back the failed revision's transaction: undo what had committed,
    record the failure in `schema_version`, and return the error to raise."""
    from schema_assets.database import connect

    rf = read_revision_file(failed.path)
    with connect(url, autocommit=True) as conn:
        set_lock_timeout(conn, settings.lock_timeout)
        undo = undo_failed(conn, op_steps(rf.up), failed.key, failed.position)
        message = f"{failed}\n{undo.describe()}"
        _record(conn, rf, success=False, error=message)
    return ApplyError(message)


def _record(conn: psycopg.Connection, rf: Any, **outcome: Any) -> None:
    migration = rf.migration()
    history.record(
        conn,
        version=rf.revision,
        description=rf.message,
        checksum=rf.checksum,
        up_sql=migration.up_sql,
        down_sql=migration.down_sql,
        backend="alembic",
        target_fingerprint=rf.desired_sha256,
        migration=migration.to_dict(),
        **outcome,
    )


def on_version_apply(*, ctx: Any, step: Any, heads: Any, run_args: Any) -> None:
    """Alembic hook (inside the revision's transaction): keep `schema_version` truthful."""
    from schema_assets.apply import ops

    run = ops.drain()
    if step.is_stamp:
        return
    script = step.revision_map.get_revision(step.up_revision_id)
    if ctx.as_sql:
        ctx.impl.static_output(_offline_record(script, step.is_upgrade))
        return
    conn: psycopg.Connection = ctx.connection.connection.driver_connection
    if not step.is_upgrade:
        history.mark_rolled_back(conn, script.revision)
        history.clear_steps(conn, f"{script.revision}:down")
        return
    from schema_assets.catalog import take_snapshot

    timings = run.timings if run else []
    _record(
        conn,
        read_revision_file(Path(script.path)),
        success=True,
        duration_ms=sum(t["duration_ms"] for t in timings),
        steps=timings,
        snapshot=take_snapshot(conn).to_dict(),
    )
    history.clear_steps(conn, script.revision)


def _offline_record(script: Any, upgrade: bool) -> str:
    """The history row an offline script writes (or marks rolled back), as SQL."""
    lit = sqltext.literal  # every value below is rendered by render.sql.literal
    if not upgrade:
        where = f"WHERE version = {lit(script.revision)} AND success AND rolled_back_at IS NULL"
        return f"UPDATE schema_assets.schema_version SET rolled_back_at = now() {where};\n"  # noqa: S608
    rf = read_revision_file(Path(script.path))
    migration = rf.migration()
    values = [
        lit(rf.revision), lit(rf.message), lit(rf.checksum), lit(migration.up_sql),
        "NULL" if migration.down_sql is None else lit(migration.down_sql), "'alembic'", "true",
        "NULL" if rf.desired_sha256 is None else lit(rf.desired_sha256),
        lit(json.dumps(migration.to_dict())) + "::jsonb",
    ]  # fmt: skip
    columns = (
        "version, description, checksum, up_sql, down_sql, backend, success, "
        "target_fingerprint, migration"
    )
    return f"INSERT INTO schema_assets.schema_version ({columns}) VALUES ({', '.join(values)});\n"  # noqa: S608


# ----------------------------------------------------------------- autogenerate


def _check_only(context: Any, script: Any) -> bool:
    """`alembic check` (list what is pending) rather than `alembic revision` (write it)."""
    cmd = getattr(context.config.cmd_opts, "cmd", None)
    if cmd:
        return getattr(cmd[0], "__name__", "") == "check"
    return script.message is None


def _revision_directives(settings: Settings, url: str) -> Any:
    def hook(context: Any, revision: Any, directives: list) -> None:
        from schema_assets.apply import ops
        from schema_assets.apply.autogen import compute
        from schema_assets.apply.chain import History

        script = directives[0]
        opts = context.opts.get("revision_context")
        if opts is not None and not opts.command_args.get("autogenerate"):
            return  # plain `alembic revision`: a hand-written revision from script.py.mako
        versions = versions_dir_of(context.config)
        new = compute(
            History.read(versions), settings.schema_files, settings.shadow_server(url),
            settings, script.message or "auto",
        )  # fmt: skip
        if _check_only(context, script):
            steps = new.migration.up if new else ()
            script.upgrade_ops.ops[:] = [
                ops.StepOp(s.label, s.statements) for s in steps
            ]  # `alembic check` lists them and exits non-zero
            return
        directives[:] = []  # schema-assets writes the file (and its frozen schema files)
        if new is None:
            print("No changes: the schema files match the desired state recorded at head.")
            return
        path = new.write(versions)
        print(f"  Generating {path} ...  done ({new.plan.summary()})")

    return hook


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


def versions_dir_of(cfg: Any) -> Path:
    from alembic.script import ScriptDirectory

    return Path(ScriptDirectory.from_config(cfg).versions)


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

    from schema_assets.database import mask_secrets

    try:
        getattr(command, name)(cfg, *args, **kwargs)
    except SchemaAssetsError:
        raise
    except CommandError as exc:
        raise BadInputError(f"alembic {name}: {mask_secrets(str(exc))}") from exc
    except Exception as exc:
        raise ApplyError(f"alembic {name} failed: {server_message(exc)}") from exc


def upgrade(cfg: Any, target: str = "head") -> None:
    _command("upgrade", cfg, target)


def downgrade(cfg: Any, target: str) -> None:
    _command("downgrade", cfg, target)


def current_revision(conn: psycopg.Connection) -> str | None:
    """Alembic's current revision, read straight from its version table (no Alembic needed)."""
    if history.scalar(conn, "SELECT to_regclass('schema_assets.alembic_version')") is None:
        return None
    return history.scalar(conn, "SELECT version_num FROM schema_assets.alembic_version")


def set_current(conn: psycopg.Connection, revision: str | None) -> None:
    """Point Alembic's version table at `revision` (creating it): the direct backend keeps
    Alembic in step with what it applied, so either backend can carry on. Only the schema is
    created here: `history.ensure` (whose `ALTER TABLE … IF NOT EXISTS` takes an ACCESS
    EXCLUSIVE lock on `schema_version`) is run once per command by every caller."""
    conn.execute(history.DDL[0])  # CREATE SCHEMA IF NOT EXISTS schema_assets
    conn.execute(VERSION_TABLE_DDL)
    conn.execute("DELETE FROM schema_assets.alembic_version")
    if revision is not None:
        conn.execute(
            "INSERT INTO schema_assets.alembic_version (version_num) VALUES (%s)", (revision,)
        )
