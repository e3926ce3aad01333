"""`schema-assets diff` and `schema-assets plan`: print the migration, refuse destructive ones."""

from __future__ import annotations

import click

from schema_assets.config import Settings
from schema_assets.errors import BadInputError, PlanRefusedError
from schema_assets.render.sql import comment

FORMATS = ("sql", "md", "json")


def parse_renames(values: tuple[str, ...]) -> dict[str, str]:
    """`--rename OLD=NEW` options into the hint mapping the diff understands."""
    out: dict[str, str] = {}
    for value in values:
        old, sep, new = value.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise BadInputError(
                f"--rename {value!r} is not OLD=NEW: use schema.table=new_table or "
                "schema.table.column=new_column"
            )
        out[old.strip()] = new.strip()
    return out


def parse_using(values: tuple[str, ...]) -> dict[str, str]:
    """`--using SCHEMA.TABLE.COLUMN=EXPRESSION` options (expressions may contain '=')."""
    out: dict[str, str] = {}
    for value in values:
        column, sep, expression = value.partition("=")
        if not sep or not column.strip() or not expression.strip():
            raise BadInputError(
                f"--using {value!r} is not COLUMN=EXPRESSION: use "
                "schema.table.column='<expression of column>'"
            )
        out[column.strip()] = expression.strip()
    return out


def _allowed(flag: bool, settings: Settings) -> bool:
    return flag or settings.allow_destructive


#: Destructive steps named in the refusal; the plan printed before it lists them all.
LISTED = 10


def emit(plan, fmt: str, allow_destructive: bool, settings: Settings) -> None:
    """Print the plan; exit 3 (after printing) when destructive steps are not allowed."""
    from schema_assets.safety.lint import check_lint, format_findings, lint_plan

    # squawk findings: in md/json output, as comments after the SQL
    plan = lint_plan(plan, settings)
    text = {"sql": plan.to_sql, "md": plan.to_markdown, "json": plan.to_json}[fmt]()
    click.echo(text.rstrip("\n"))
    if fmt == "sql" and plan.lint:
        click.echo("\n".join(comment(line) for line in format_findings(plan.lint).splitlines()))
    if plan.is_empty:
        click.echo("no changes", err=True)
        return
    destructive = plan.destructive_steps
    if destructive and not _allowed(allow_destructive, settings):
        shown = [f"{s.action} {s.kind} {s.object} ({', '.join(s.hazards)})" for s in destructive]
        more = len(shown) - LISTED
        listing = "; ".join(shown[:LISTED]) + (
            f"; and {more} more (see the plan)" if more > 0 else ""
        )
        raise PlanRefusedError(
            f"the plan has {len(destructive)} destructive step(s) and they are not allowed: "
            f"{listing}. Re-run with --allow-destructive (or SCHEMA_ASSETS_ALLOW_DESTRUCTIVE=1) "
            "once the data is archived or not needed."
        )
    check_lint(plan)  # rules configured as errors in [tool.schema-assets.lint]: exit 3


_format_option = click.option(
    "--format", "fmt", type=click.Choice(FORMATS), default="sql", show_default=True,
    help="sql: the migration script; md: a review table; json: the full plan.",
)  # fmt: skip
_destructive_option = click.option(
    "--allow-destructive", is_flag=True,
    help="Accept steps that delete data or narrow types (else exit 3). "
    "Also SCHEMA_ASSETS_ALLOW_DESTRUCTIVE=1.",
)  # fmt: skip
_rename_option = click.option(
    "--rename", "renames", multiple=True, metavar="OLD=NEW",
    help="Rename hint, repeatable: schema.table=new_table or schema.table.column=new_column.",
)  # fmt: skip
_using_option = click.option(
    "--using", "using", multiple=True, metavar="COLUMN=EXPR",
    help="How to convert a column whose type changes without a cast, repeatable: "
    "schema.table.column='<expression of column>'. Also [tool.schema-assets.using].",
)  # fmt: skip


@click.command("diff")
@click.option(
    "--from", "from_", multiple=True, required=True, metavar="SQL_FILE|URL",
    help="Schema to migrate from: a postgresql:// URL or .sql files (repeat the option).",
)  # fmt: skip
@click.option(
    "--to", "to", multiple=True, required=True, metavar="SQL_FILE|URL",
    help="Schema to migrate to: a postgresql:// URL or .sql files (repeat the option).",
)  # fmt: skip
@_format_option
@_destructive_option
@_rename_option
@_using_option
def diff(
    from_: tuple[str, ...], to: tuple[str, ...], fmt: str, allow_destructive: bool,
    renames: tuple[str, ...], using: tuple[str, ...],
) -> None:  # fmt: skip
    """Print the migration turning one schema into another (like migra or Atlas).

    Each side is a postgresql:// URL or one or more .sql files, applied to a cached shadow
    database on SCHEMA_ASSETS_SHADOW_URL's server, else on DATABASE_URL's (or the embedded
    one). URLs are printed with
    the password masked. Exit codes: 0 plan printed (also when there are no changes),
    2 bad input (also a type change without a cast and no --using), 3 destructive steps
    not allowed.
    """
    from schema_assets.planner import plan_between

    hints = parse_renames(renames)
    settings = Settings.from_env()
    expressions = {**settings.using, **parse_using(using)}
    plan = plan_between(
        list(from_), list(to), renames=hints, using=expressions, server_url=settings.shadow_url,
        fingerprints=fmt == "json",  # only the JSON form prints them
    )  # fmt: skip
    emit(plan, fmt, allow_destructive, settings)


@click.command("plan")
@_format_option
@_destructive_option
@_rename_option
@_using_option
def plan(
    fmt: str, allow_destructive: bool, renames: tuple[str, ...], using: tuple[str, ...]
) -> None:
    """Print the migration bringing the live database to the project's schema files.

    The live database is DATABASE_URL, or the embedded server when unset; rename hints come
    from [tool.schema-assets.renames] in pyproject.toml plus --rename. Exit codes: 0 plan
    printed (also "no changes"), 2 bad input (also a type change without a cast and no
    USING expression from [tool.schema-assets.using] or --using), 3 destructive steps not
    allowed.
    """
    from schema_assets.database import server_url
    from schema_assets.planner import plan_database

    settings = Settings.from_env()
    hints = {**settings.renames, **parse_renames(renames)}
    expressions = {**settings.using, **parse_using(using)}
    result = plan_database(
        server_url(settings), settings.schema_files, settings, renames=hints, using=expressions,
        fingerprints=fmt == "json",
    )  # fmt: skip
    emit(result, fmt, allow_destructive, settings)


def register(group: click.Group) -> None:
    group.add_command(diff)
    group.add_command(plan)
