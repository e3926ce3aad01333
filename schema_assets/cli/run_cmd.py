"""`schema-assets run`: the main command — the whole Dagster pipeline, in-process.

Embedded database (or DATABASE_URL) → plan → migrate → gating checks → raw, staging,
features, ml; then a summary. Runs are recorded in DAGSTER_HOME (default
`.schema_assets/dagster`), so `dagster dev` shows them afterwards.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import click

JOBS = ("full_pipeline", "migrate_schema", "refresh_tables")
#: Summary order: the lineage, schema first.
GROUP_ORDER = ("schema", "raw", "staging", "features", "ml")


def dagster_home(project_root: Path) -> Path:
    """DAGSTER_HOME, or `.schema_assets/dagster` with the project's dagster.yaml copied in."""
    home = Path(os.environ.get("DAGSTER_HOME") or project_root / ".schema_assets" / "dagster")
    home.mkdir(parents=True, exist_ok=True)
    config = project_root / "dagster.yaml"
    if not (home / "dagster.yaml").exists() and config.is_file():
        shutil.copyfile(config, home / "dagster.yaml")
    os.environ["DAGSTER_HOME"] = str(home.resolve())
    return home.resolve()


@click.command("run")
@click.option("--job", type=click.Choice(JOBS), default="full_pipeline", show_default=True,
              help="Which Dagster job to run.")  # fmt: skip
@click.option("--allow-destructive", is_flag=True, help="Apply destructive steps (archived first).")
def run(job: str, allow_destructive: bool) -> None:
    """Migrate the warehouse, verify it, and materialize every table (Dagster, in-process).

    Exit codes: 0 ok, 1 a gating check failed, 4 a step failed (e.g. the migration).
    """
    import dagster as dg

    from schema_assets.config import Settings
    from schema_assets.database import connect, mask_url, server_url
    from schema_assets.defs import defs
    from schema_assets.defs.resources import MigrationResource, WarehouseResource
    from schema_assets.defs.summary import summarize

    settings = Settings.from_env()
    home = dagster_home(settings.project_root)
    url = server_url(settings)
    with connect(url):  # unreachable: a clear error (exit 2) before any run is recorded
        pass
    click.echo(f"database: {mask_url(url)}")
    click.echo(f"dagster home: {home}")
    job_def = defs.resolve_job_def(job)
    graph = defs.resolve_asset_graph()
    keys = sorted(
        job_def.asset_layer.executable_asset_keys,
        key=lambda k: (GROUP_ORDER.index(graph.get(k).group_name), k.to_user_string()),
    )
    started = time.perf_counter()
    with dg.DagsterInstance.get() as instance:
        result = job_def.execute_in_process(
            instance=instance,
            resources={
                "warehouse": WarehouseResource(),
                "migration": MigrationResource(allow_destructive=allow_destructive or None),
            },
            run_config={"loggers": {"console": {"config": {"log_level": "ERROR"}}}},
            raise_on_error=False,
        )
    summary = summarize(result, keys, time.perf_counter() - started)
    click.echo(summary.to_text(), nl=False)
    if summary.exit_code:
        raise SystemExit(summary.exit_code)
    click.echo("next: DAGSTER_HOME=" + str(home) + " dagster dev -w workspace.yaml")


def register(group: click.Group) -> None:
    group.add_command(run)
