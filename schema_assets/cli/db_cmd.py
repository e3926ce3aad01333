"""`schema-assets db ...`: where the database is."""

from __future__ import annotations

import click


@click.group("db")
def db() -> None:
    """The warehouse database connection (DATABASE_URL or the embedded server)."""


@db.command("url")
@click.option("--show-password", is_flag=True, help="Print the password instead of ***.")
def url(show_password: bool) -> None:
    """Print the database URL in use, starting the embedded server when needed."""
    from schema_assets.config import Settings
    from schema_assets.database import mask_url, server_url

    value = server_url(Settings.from_env())
    click.echo(value if show_password else mask_url(value))


def register(group: click.Group) -> None:
    group.add_command(db)
