"""`schema-assets revision | apply | rollback | status | adopt`: the migration workflow."""

from __future__ import annotations

import dataclasses
import json

import click

from schema_assets.config import BACKENDS, Settings
from schema_assets.render.text import one_line


def _settings(backend: str | None = None) -> Settings:
    settings = Settings.from_env()
    if backend:
        settings = dataclasses.replace(settings, backend=backend, disable_alembic=False)
    return settings


def _url(settings: Settings) -> str:
    from schema_assets.database import server_url

    return server_url(settings)


@click.command("revision")
@click.option("-m", "--message", default="auto", show_default=True, help="Revision message.")
@click.option(
    "--repair",
    is_flag=True,
    help="Accept applied revision files that were edited: record their new checksums.",
)
def revision(message: str, repair: bool) -> None:
    """Write the next revision: head's recorded desired state -> the schema files.

    Computed on shadow databases from the history in migrations/versions, never from a live
    database: the same files give the same revision (byte for byte) on any machine. The same
    as `alembic revision --autogenerate -m MESSAGE`. Nothing is applied.
    """
    from schema_assets.apply import choose

    settings = _settings()
    if repair:
        from schema_assets.apply.integrity import repair_checksums

        repaired = repair_checksums(_url(settings), settings)
        click.echo(
            f"recorded new checksums for: {', '.join(repaired)}"
            if repaired
            else "every applied revision file matches its recorded checksum"
        )
        return
    server = settings.shadow_server(_url(settings))
    plan, path = choose.write_new_revision(settings, server, message=message)
    if path is None:
        click.echo("no changes: the schema files match the desired state recorded at head")
        return
    click.echo(
        f"new revision file: {one_line(path)} ({plan.summary()}); "
        f"commit it with {one_line(path.stem)}/"
    )


@click.command("apply")
@click.option(
    "--allow-destructive",
    is_flag=True,
    default=None,
    help="Apply destructive steps (their data is archived first). Also "
    "SCHEMA_ASSETS_ALLOW_DESTRUCTIVE=1.",
)
@click.option(
    "--backend",
    type=click.Choice(BACKENDS),
    default=None,
    help="Override SCHEMA_ASSETS_BACKEND for this run.",
)
@click.option("-m", "--message", default="auto", show_default=True, help="Revision message.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option(
    "--dry-run", is_flag=True, help="Print the plan with hazards and lint; change nothing."
)
@click.option(
    "--rehearse", is_flag=True, help="Run the plan on a copy of the database and report on it."
)
@click.option(
    "--repair-drift",
    is_flag=True,
    help="When the database differs from the desired state its history leads to, undo the "
    "difference first (recorded as a repair in schema_version, never as a revision file).",
)
def apply(
    allow_destructive: bool | None,
    backend: str | None,
    message: str,
    fmt: str,
    dry_run: bool = False,
    rehearse: bool = False,
    repair_drift: bool = False,
) -> None:
    """Bring the database to the schema files through history.

    Declarative mode (default): a schema-file change becomes a new revision file (reported:
    commit it), then every pending revision is applied. Versioned mode
    (SCHEMA_ASSETS_MODE=versioned): committed revisions only; changed files without a
    revision stop the run (exit 1) before anything is touched. A database that drifted from
    its history is refused (exit 1) unless --repair-drift.
    """
    if dry_run or rehearse:
        from schema_assets.cli.safety_cmd import preview

        preview(_settings(backend), rehearse=rehearse, allow_destructive=allow_destructive, fmt=fmt)
        return
    from schema_assets.cli.safety_cmd import enforce_lint

    enforce_lint(_settings(backend))
    run_apply(
        _settings(backend), allow_destructive=allow_destructive, message=message, fmt=fmt,
        repair_drift=repair_drift,
    )  # fmt: skip


def run_apply(
    settings: Settings,
    *,
    allow_destructive: bool | None = None,
    message: str = "auto",
    fmt: str = "text",
    repair_drift: bool = False,
) -> None:
    """Body of `apply` (a real one: `--dry-run` and `--rehearse` are `preview`)."""
    from schema_assets.apply import choose

    result = choose.migrate(
        _url(settings), settings, allow_destructive=allow_destructive, message=message,
        repair_drift=repair_drift,
    )  # fmt: skip
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2))
        return
    click.echo(f"backend: {result.backend} ({result.reason})")
    if result.skipped:
        click.echo("no changes: the database already matches the schema files")
        return
    if result.repaired:
        click.echo("drift repaired first (recorded as a repair in schema_assets.schema_version)")
    if result.revision_file:
        click.echo(f"new revision file: {one_line(result.revision_file)} (commit it)")
    for obj, action, ms in result.steps:
        click.echo(f"  {ms:>7} ms  {one_line(action):<8} {one_line(obj, 120)}")
    click.echo(f"applied {one_line(', '.join(result.applied))} in {result.total_ms} ms")


@click.command("rollback")
@click.option("--to", "to", default=None, help="Roll back every revision after REV ('base': all).")
@click.option("--steps", default=1, show_default=True, type=int, help="How many revisions.")
@click.option(
    "--revert-irreversible",
    is_flag=True,
    help="For revisions without down SQL: bring the structure back to the snapshot recorded "
    "before them (deleted data stays in the archive: use `restore`).",
)
@click.option("--backend", type=click.Choice(BACKENDS), default=None)
def rollback(to: str | None, steps: int, revert_irreversible: bool, backend: str | None) -> None:
    """Undo applied revisions with their down SQL (either backend)."""
    from schema_assets.apply import rollback as rollback_

    settings = _settings(backend)
    undone = rollback_.rollback(
        _url(settings), settings, to=to, steps=steps, revert_irreversible=revert_irreversible
    )
    if not undone:
        click.echo("nothing to roll back")
    for version in undone:
        click.echo(f"rolled back {version}")
        kept = sorted((settings.migrations_dir / "versions").glob(f"{version}*.py"))
        if kept:
            click.echo(
                f"  its revision file {kept[0].name} is kept (as Alembic does): the next "
                "`apply` upgrades to it again; delete it (and its folder) and revert the schema "
                "files if you no longer want it"
            )


#: Steps listed per migration in the text status (a baseline has hundreds).
STATUS_STEPS = 8


def _status_text(data: dict) -> str:
    """Human status; every value from the database or files is shown on one line (`v`)."""
    v = one_line
    backend = data["backend"]
    lines = [
        f"database:        {v(data['database'])}",
        f"mode:            {data.get('mode', '-')}",
        f"backend:         {backend['name'] or 'unusable'} ({v(backend['reason'])})",
        f"alembic current: {v(data['alembic_current'] or '-')}",
        f"applied version: {v(data['applied_version'] or '-')} ({data['applied_count']} applied)",
    ]
    integrity = data.get("integrity")
    if integrity == "ok":
        lines.append("integrity:       ok (applied revision files match their checksums)")
    else:
        lines.append("integrity:       PROBLEMS")
        lines += [f"  - {v(p)}" for p in integrity or []]
    if data.get("unapplied_revision_files"):
        lines.append(f"unapplied files: {v(', '.join(data['unapplied_revision_files']))}")
    pending = data["pending"]
    lines.append(
        f"pending plan:    {v(pending.get('summary') or 'error: ' + pending.get('error', ''))}"
    )
    lines.append("history (latest last):")
    if not data["history"]:
        lines.append("  (none)")
    for row in data["history"]:
        state = "ok" if row["success"] else "FAILED"
        if row["rolled_back_at"]:
            state = "rolled back"
        lines.append(
            f"  {v(row['version'])}  {row['backend']:<7} {state:<11} {row['duration_ms'] or 0} ms"
            f"  {row['applied_at'][:19]}  {v(row['description'])}"
        )
        steps = row["steps"] or []
        for step in steps[:STATUS_STEPS]:
            lines.append(f"      {step.get('duration_ms') or 0:>7} ms  {v(step.get('object'))}")
        if len(steps) > STATUS_STEPS:
            slowest = max(steps, key=lambda st: st.get("duration_ms") or 0)
            lines.append(
                f"      ... {len(steps) - STATUS_STEPS} more steps (slowest: "
                f"{v(slowest.get('object'))}, {slowest.get('duration_ms') or 0} ms; "
                "--format json lists all)"
            )
    return "\n".join(lines)


@click.command("status")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def status(fmt: str) -> None:
    """Backend in use and why, current revision, applied history, pending plan, integrity."""
    from schema_assets.apply import status as status_

    settings = _settings()
    data = status_.status(_url(settings), settings)
    click.echo(json.dumps(data, indent=2, default=str) if fmt == "json" else _status_text(data))


@click.command("adopt")
@click.option("--force", is_flag=True, help="Baseline the live state even if it differs.")
@click.option("-m", "--message", default="baseline", show_default=True)
def adopt(force: bool, message: str) -> None:
    """Take over an existing database: baseline revision + stamp, no data touched.

    Exits 1 and prints the plan when the database differs from the schema files (unless
    --force, which baselines the live state and leaves the difference for `apply`).
    """
    from schema_assets.apply.adopt import adopt as do_adopt

    settings = _settings()
    result = do_adopt(_url(settings), settings, force=force, message=message)
    if not result.adopted:
        click.echo("the database differs from the schema files; this plan would make it match:")
        click.echo(result.plan.to_sql(), nl=False)
        click.echo("not adopted: fix the difference, or run `schema-assets adopt --force`.")
        raise SystemExit(1)
    click.echo(result.describe())


def register(group: click.Group) -> None:
    for command in (revision, apply, rollback, status, adopt):
        group.add_command(command)
