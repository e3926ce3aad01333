"""The `schema-assets` command. Each subcommand lives in its own module and registers here.

Exit codes (stable): 0 ok, 1 findings (validation, drift, mapping), 2 usage or input error,
3 plan refused (destructive steps not allowed), 4 a migration step failed, 5 another run holds
the migration lock.
"""

from __future__ import annotations

import sys

import click

from schema_assets import logs
from schema_assets.errors import SchemaAssetsError


class _Group(click.Group):
    """Turns expected errors into a one-paragraph message and a stable exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except SchemaAssetsError as exc:
            from schema_assets.database import mask_secrets

            click.echo(f"error: {mask_secrets(str(exc))}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:  # pragma: no cover - interactive only
            click.echo("interrupted", err=True)
            sys.exit(130)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
@click.version_option(package_name="schema-assets")
def main(verbose: int) -> None:
    """Manage the trading warehouse schema: plan, apply, validate, materialize.

    The database is DATABASE_URL, or an embedded PostgreSQL under .schema_assets/pg when
    that is unset. Exit codes: 0 ok, 1 findings, 2 bad input, 3 plan refused, 4 step failed,
    5 migration lock busy.
    """
    logs.configure(verbose)


def _register() -> None:
    from schema_assets.cli import apply_cmd, db_cmd, plan_cmd, run_cmd, safety_cmd, validate_cmd

    for module in (db_cmd, run_cmd, safety_cmd, apply_cmd, plan_cmd, validate_cmd):
        module.register(main)


_register()
