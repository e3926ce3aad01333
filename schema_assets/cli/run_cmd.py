"""`schema-assets run`: the main job a new user runs first."""

from __future__ import annotations

import time

import click


@click.command("run")
def run() -> None:
    """Start the database (embedded by default) and bring the warehouse schema into place."""
    from schema_assets.config import Settings
    from schema_assets.database import connect, mask_url, server_url
    from schema_assets.sqlfiles import apply_sql_files

    settings = Settings.from_env()
    started = time.perf_counter()
    url = server_url(settings)
    click.echo(f"database: {mask_url(url)}")
    with connect(url) as conn:
        present = conn.execute(
            "SELECT count(*) FROM pg_namespace WHERE nspname IN ('ref','raw','staging','features','ml')"
        ).fetchone()[0]
    if present:
        click.echo("warehouse schema already in place")
    else:
        count = apply_sql_files(url, settings.schema_files)
        click.echo(f"applied {count} statements from {len(settings.schema_files)} schema files")
    with connect(url) as conn:
        tables = conn.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r','p') AND NOT c.relispartition "
            "AND n.nspname IN ('ref','raw','staging','features','ml')"
        ).fetchone()[0]
    click.echo(f"{tables} warehouse tables; done in {time.perf_counter() - started:.1f}s")


def register(group: click.Group) -> None:
    group.add_command(run)
