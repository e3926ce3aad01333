"""`schema-assets run`: the main command — the Dagster pipeline, in-process.

Embedded database (or DATABASE_URL) → plan → prove on the shadow → migrate → prove the
warehouse → raw, staging, features, ml for last month and this month (`--all-months`: every
monthly partition); then a summary. Runs are
recorded in DAGSTER_HOME (default `.schema_assets/dagster`), so `make ui` shows them.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import click

JOBS = ("full_pipeline", "migrate_schema")
#: Summary order: the lineage, schema first.
GROUP_ORDER = ("schema", "ref", "raw", "staging", "features", "ml")
ALLOW_DESTRUCTIVE_TAG = "schema_assets/allow_destructive"


def dagster_home(project_root: Path) -> Path:
    """DAGSTER_HOME, or `.schema_assets/dagster` with the project's dagster.yaml copied in."""
    home = Path(os.environ.get("DAGSTER_HOME") or project_root / ".schema_assets" / "dagster")
    home.mkdir(parents=True, exist_ok=True)
    config = project_root / "dagster.yaml"
    if not (home / "dagster.yaml").exists() and config.is_file():
        shutil.copyfile(config, home / "dagster.yaml")
    os.environ["DAGSTER_HOME"] = str(home.resolve())
    return home.resolve()


def _order(graph, key) -> tuple[int, str]:
    group = graph.get(key).group_name
    return (
        GROUP_ORDER.index(group) if group in GROUP_ORDER else len(GROUP_ORDER),
        key.to_user_string(),
    )


def partition_tags(job_def, months: int | None) -> dict[str, str]:
    """The last `months` monthly partitions (None: all of them), as one run."""
    partitions = job_def.partitions_def
    if partitions is None:
        return {}
    keys = partitions.get_partition_keys()
    keys = keys[-months:] if months else keys
    if not keys:
        return {}
    return {
        "dagster/asset_partition_range_start": keys[0],
        "dagster/asset_partition_range_end": keys[-1],
    }


@click.command("run")
@click.option("--job", type=click.Choice(JOBS), default="full_pipeline", show_default=True,
              help="full_pipeline: migrate, prove, then every table; migrate_schema: the schema only.")  # fmt: skip
@click.option("--allow-destructive", is_flag=True,
              help="Apply destructive steps in this run (archived first; recorded in metadata).")  # fmt: skip
@click.option("--all-months", is_flag=True,
              help="Load every monthly partition since the first one, not only last month and "
                   "this month (partition_months_back + 1 months).")  # fmt: skip
def run(job: str, allow_destructive: bool, all_months: bool) -> None:
    """Migrate the warehouse, prove it, and materialize every table (Dagster, in-process).

    Exit codes: 0 ok, 1 a gating check failed, 2 bad input, 4 a step failed (e.g. the migration).
    """
    import dagster as dg

    from schema_assets.config import Settings
    from schema_assets.database import connect, mask_url, server_url
    from schema_assets.defs import build_defs, desired_state
    from schema_assets.defs.project import DagsterConfig
    from schema_assets.defs.summary import summarize

    settings = Settings.from_env()
    home = dagster_home(settings.project_root)
    url = server_url(settings)
    with connect(url):  # unreachable: a clear error (exit 2) before any run is recorded
        pass
    click.echo(f"database: {mask_url(url)}")
    click.echo(f"dagster home: {home}")
    config = DagsterConfig.from_tool(settings.tool)
    defs = build_defs(desired_state(settings), config)
    job_def = defs.resolve_job_def(job)
    graph = defs.resolve_asset_graph()
    keys = sorted(job_def.asset_layer.executable_asset_keys, key=lambda k: _order(graph, k))
    tags = partition_tags(job_def, None if all_months else config.months_back + 1)
    if allow_destructive:
        tags[ALLOW_DESTRUCTIVE_TAG] = "true"
    started = time.perf_counter()
    with dg.DagsterInstance.get() as instance:
        result = job_def.execute_in_process(
            instance=instance,
            tags=tags,
            run_config={"loggers": {"console": {"config": {"log_level": "ERROR"}}}},
            raise_on_error=False,
        )
    summary = summarize(result, keys, time.perf_counter() - started)
    click.echo(summary.to_text(), nl=False)
    if summary.exit_code:
        raise SystemExit(summary.exit_code)
    click.echo(f"next: make ui (DAGSTER_HOME={home} dg dev)")


def register(group: click.Group) -> None:
    group.add_command(run)
