"""`schema-assets drift | archives | restore`: the safety net around migrations."""

from __future__ import annotations

import json
from datetime import datetime

import click

from schema_assets.config import Settings

FORMATS = click.Choice(["text", "md", "json"])


@click.command("drift")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
def drift(fmt: str) -> None:
    """Report changes made to the live database outside this tool; exit 1 when there are any."""
    from schema_assets.database import server_url
    from schema_assets.safety.drift import detect_drift

    settings = Settings.from_env()
    report = detect_drift(server_url(settings), settings)
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), indent=2, default=str))
    elif fmt == "md":
        click.echo(report.to_markdown(), nl=False)
    else:
        click.echo(report.to_text(), nl=False)
    raise SystemExit(1 if report.drifted else 0)


@click.command("archives")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def archives(fmt: str) -> None:
    """List the data archived before destructive steps (restore it with `restore NAME`)."""
    from schema_assets.database import server_url
    from schema_assets.safety.archive import list_archives

    items = list_archives(server_url(Settings.from_env()))
    if fmt == "json":
        click.echo(json.dumps([a.to_dict() for a in items], indent=2))
        return
    if not items:
        click.echo("no archives")
        return
    for a in items:
        what = "whole table" if a.columns is None else "columns " + ", ".join(a.columns)
        click.echo(
            f"{a.name}  {'.'.join(a.source)} ({what}): {a.row_count} rows, "
            f"revision {a.revision}, {a.created_at.isoformat(timespec='seconds')}"
        )


def _timestamp(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError as exc:
        from schema_assets.errors import BadInputError

        raise BadInputError(f"--at {value!r} is not an ISO timestamp") from exc


@click.command("restore")
@click.argument("name")
@click.option("--at", "at", help="Batch to restore (created_at from `archives --format json`).")
def restore(name: str, at: str | None) -> None:
    """Bring back data archived under NAME (latest batch unless --at picks another)."""
    from schema_assets.database import server_url
    from schema_assets.safety.archive import restore as restore_archive

    result = restore_archive(server_url(Settings.from_env()), name, at=_timestamp(at))
    click.echo(result.summary())


def preview(settings, *, rehearse: bool, allow_destructive: bool | None, fmt: str = "text") -> None:
    """`apply --dry-run` / `apply --rehearse`: show the plan with hazards and lint, and
    optionally run it on a copy; the live database is never changed.

    Exits 3 (after printing) when a real apply would refuse the plan (destructive steps not
    allowed, lint rules configured as errors), 4 when the rehearsal failed.
    """
    from schema_assets.apply.choose import irreversible_notice, refuse_destructive
    from schema_assets.database import server_url
    from schema_assets.errors import ApplyError
    from schema_assets.planner import plan_database
    from schema_assets.safety.lint import check_lint, format_findings, lint_plan

    url = server_url(settings)
    plan = lint_plan(plan_database(url, settings.schema_files, settings), settings)
    report = None
    if rehearse and not plan.is_empty:
        from schema_assets.safety.rehearsal import rehearse as run_rehearsal

        report = run_rehearsal(url, plan, settings=settings)
    if fmt == "json":
        data = {"plan": plan.to_dict(), "rehearsal": report.to_dict() if report else None}
        click.echo(json.dumps(data, indent=2, default=str))
    else:
        click.echo(plan.to_sql(), nl=False)
        if not plan.is_empty:
            click.echo(format_findings(plan.lint))
        if report is not None:
            click.echo(report.to_text())
        click.echo("dry run: nothing was changed" if not rehearse else "live database untouched")
        for line in irreversible_notice(plan):  # its irreversible steps, where a failure stops
            click.echo(line)
    if report is not None and not report.ok:
        raise ApplyError(f"the rehearsal failed, a real apply would too: {report.error}")
    allow = settings.allow_destructive if allow_destructive is None else allow_destructive
    refuse_destructive(plan, allow)
    check_lint(plan)


def enforce_lint(settings) -> None:
    """Before a real apply: refuse (exit 3) when lint rules configured as errors fire.

    A no-op unless `[tool.schema-assets.lint] errors` lists rules, so an ordinary apply does
    not plan twice.
    """
    from schema_assets.database import server_url
    from schema_assets.planner import plan_database
    from schema_assets.safety.lint import LintConfig, check_lint, lint_plan

    if not LintConfig.from_settings(settings).errors:
        return
    url = server_url(settings)
    check_lint(lint_plan(plan_database(url, settings.schema_files, settings), settings))


def register(group: click.Group) -> None:
    for command in (drift, archives, restore):
        group.add_command(command)
