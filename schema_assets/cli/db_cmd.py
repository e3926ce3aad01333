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


@db.command("stop")
def stop() -> None:
    """Stop the embedded server (the data stays in .schema_assets/pg; any command restarts it).

    Does nothing when DATABASE_URL is set: that server is not this project's to stop."""
    from schema_assets.config import Settings
    from schema_assets.database import stop_embedded_server

    settings = Settings.from_env()
    if settings.database_url:
        click.echo("DATABASE_URL is set: no embedded server to stop", err=True)
        return
    pgdata = settings.embedded_pgdata
    if not (pgdata / "postmaster.pid").exists():
        click.echo(f"the embedded server in {pgdata} is not running", err=True)
        return
    stop_embedded_server(pgdata)
    click.echo(f"stopped the embedded server in {pgdata}", err=True)


def register(group: click.Group) -> None:
    group.add_command(db)
