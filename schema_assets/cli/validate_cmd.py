"""`schema-assets validate` and `schema-assets check-mapping`: findings on the catalog.

Both read the live database (DATABASE_URL or the embedded server) or, with `--schema`, the
state the given schema files describe (applied to a shadow database). Exit 0 when no
finding is an error, 1 when one is, 2 on bad input.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from schema_assets.config import Settings
from schema_assets.errors import BadInputError

_format_option = click.option(
    "--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True,
    help="text for people, json for tools.",
)  # fmt: skip
_schema_option = click.option(
    "--schema", "schema_files", multiple=True, type=click.Path(path_type=Path),
    help="Check these schema files (applied in order to a shadow database) instead of the "
    "live database. Repeat for several files.",
)  # fmt: skip


def _snapshot(schema_files: tuple[Path, ...], settings: Settings):
    """Snapshot of the files' schema (via the shadow) or of the live database."""
    from schema_assets.database import server_url

    if schema_files:
        missing = [str(p) for p in schema_files if not p.is_file()]
        if missing:
            raise BadInputError(f"no such schema file: {', '.join(missing)}")
        from schema_assets.shadow import shadow_snapshot

        return shadow_snapshot(list(schema_files), settings.shadow_server(server_url(settings)))
    from schema_assets.catalog import take_snapshot

    return take_snapshot(server_url(settings))


def _parse_now(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise BadInputError(f"--now {value!r} is not an ISO 8601 date or instant") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _finish(report, fmt: str) -> None:
    click.echo(report.to_json() if fmt == "json" else report.to_text())
    sys.exit(1 if report.has_errors else 0)


@click.command("validate")
@_format_option
@_schema_option
@click.option(
    "--now", "now", metavar="ISO",
    help="Instant the partition rules treat as now (default: the current time).",
)  # fmt: skip
def validate_command(fmt: str, schema_files: tuple[Path, ...], now: str | None) -> None:
    """Check the schema against the validation rules (FK indexes, types, naming, partitions...).

    Rules, severities and exceptions come from [tool.schema-assets.validation] in
    pyproject.toml. Exit 0 clean (warnings allowed), 1 error findings, 2 bad input.
    """
    from schema_assets.validation.engine import load_config, validate

    settings = Settings.from_env()
    config = load_config(settings.tool)  # bad configuration fails before touching the database
    moment = _parse_now(now)
    _finish(validate(_snapshot(schema_files, settings), config, now=moment), fmt)


@click.command("check-mapping")
@click.option(
    "--source", "sources", multiple=True, metavar="NAME",
    help="Only this mapping source (repeatable); default: every schema_assets/mappings/*.yaml.",
)  # fmt: skip
@_format_option
@_schema_option
def check_mapping_command(
    sources: tuple[str, ...], fmt: str, schema_files: tuple[Path, ...]
) -> None:
    """Check API field mappings and their sample payloads against the schema.

    Pandera schemas are derived from the catalog; the samples are mapped and validated.
    Exit 0 aligned (warnings allowed), 1 error findings, 2 bad input (e.g. a broken
    mapping file, named with its line).
    """
    from schema_assets.validation.mapping import check_mappings, load_mappings

    mappings = load_mappings(list(sources) or None)
    _finish(check_mappings(_snapshot(schema_files, Settings.from_env()), mappings), fmt)


def register(group: click.Group) -> None:
    group.add_command(validate_command)
    group.add_command(check_mapping_command)
