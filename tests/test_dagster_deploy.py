"""Past one machine, as docs/DEPLOY.md sets it up, on the embedded test server.

`docs/dagster-postgres.yaml` as shipped (storage in PostgreSQL, the queued run coordinator
with a tag concurrency limit of one for migrations), a standalone code server, the webserver
and the daemon as separate processes, shadows on SCHEMA_ASSETS_SHADOW_URL. Two migration
runs launched through GraphQL run one after the other, while a table run launched after them
does not wait; a monthly backfill launched from the UI's API is run by the daemon.
"""

from __future__ import annotations

import contextlib
import shutil
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dagster as dg
from helpers import query
from test_dagster_webserver import (
    BIN,
    PROJECT_ROOT,
    dagster_process,
    free_port,
    graphql,
    launch,
    location,
    wait_for_run,
    webserver,
)

from schema_assets.database import create_database, drop_database, scratch_name

BACKFILL = """
mutation($params: LaunchBackfillParams!) { launchPartitionBackfill(backfillParams: $params) {
    __typename ... on LaunchBackfillSuccess { backfillId } ... on PythonError { message } } }
"""
BACKFILL_RUNS = """
query($tags: [ExecutionTag!]) { runsOrError(filter: {tags: $tags}) {
    ... on Runs { results { runId status } } } }
"""


#: The tables of the raw_reference loader (a multi-asset: selected together).
REFERENCE = [
    {"path": key.split("/")}
    for key in ("ref/exchanges", "ref/data_sources", "ref/instruments", "raw/ingest_log",
                "raw/instrument_payloads", "raw/corporate_action_events")
]  # fmt: skip


MARKET_DATA = [{"path": ["raw", name]} for name in ("ohlcv_bars", "trades", "quotes")]


def _psycopg2(url: str) -> str:
    return urlunsplit(("postgresql+psycopg2", *urlsplit(url)[1:]))


@contextlib.contextmanager
def _code_server(home: Path, env: dict[str, str]):
    """`dagster code-server start`: the user-code container of DEPLOY.md, on a local port."""
    port = free_port()
    args = [str(BIN / "dagster"), "code-server", "start", "-m", "schema_assets.defs",
            "-h", "127.0.0.1", "-p", str(port)]  # fmt: skip
    log = home / "code-server.log"
    with dagster_process(args, env, log) as process:
        deadline = time.monotonic() + 180
        while "Started Dagster code server" not in log.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(log.read_text()[-3000:])
            time.sleep(0.5)
        workspace = home / "workspace.yaml"
        workspace.write_text(
            "load_from:\n  - grpc_server:\n      host: 127.0.0.1\n"
            f"      port: {port}\n      location_name: schema_assets\n"
        )
        yield workspace


SENSOR = """
query($selector: SensorSelector!) { sensorOrError(sensorSelector: $selector) {
    ... on Sensor { sensorState { id } } } }
"""
STOP = """
mutation($id: String!) { stopSensor(id: $id) { __typename
    ... on StopSensorMutationResult { instigationState { status } } } }
"""


def _stop_sensor(base: str, name: str) -> None:
    selector = {**location(base), "sensorName": name}
    state = graphql(base, SENSOR, selector=selector)["sensorOrError"]["sensorState"]
    stopped = graphql(base, STOP, id=state["id"])["stopSensor"]
    assert stopped["instigationState"]["status"] == "STOPPED", stopped


def _backfill_run(base: str, backfill_id: str, timeout: float = 300) -> str:
    """The run the daemon launches for a single-run backfill, once it has finished."""
    tags = [{"key": "dagster/backfill", "value": backfill_id}]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runs = graphql(base, BACKFILL_RUNS, tags=tags)["runsOrError"]["results"]
        if runs and runs[0]["status"] in ("SUCCESS", "FAILURE", "CANCELED"):
            assert len(runs) == 1  # one run for both months (BackfillPolicy.single_run)
            return runs[0]["status"]
        time.sleep(1)
    raise AssertionError(f"backfill {backfill_id} has no finished run after {timeout} s")


def test_migrations_queue_one_at_a_time_while_table_runs_proceed(
    tmp_path, pg_server, warehouse_db, monkeypatch
):
    dagster_db = scratch_name("dagster_deploy")
    storage_url = create_database(pg_server, dagster_db)
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copyfile(PROJECT_ROOT / "docs" / "dagster-postgres.yaml", home / "dagster.yaml")
    env = {
        "DAGSTER_HOME": str(home),
        "DAGSTER_PG_URL": _psycopg2(storage_url),
        "DATABASE_URL": warehouse_db,
        "SCHEMA_ASSETS_SHADOW_URL": pg_server,
        "SCHEMA_ASSETS_BACKEND": "direct",
    }
    try:
        with contextlib.ExitStack() as stack:
            workspace = stack.enter_context(_code_server(home, env))
            base = stack.enter_context(webserver(home, env, workspace))
            # Sensors stay off here (they are tested elsewhere): only the runs below happen.
            for sensor in ("table_automation", "desired_state_sensor"):
                _stop_sensor(base, sensor)
            daemon = [str(BIN / "dagster-daemon"), "run", "-w", str(workspace)]
            stack.enter_context(dagster_process(daemon, env, home / "daemon.log"))
            # Two migrations and then a table run, as the UI (or the sensors) would submit them.
            first = launch(base, "migrate_schema")
            second = launch(base, "migrate_schema")
            table = launch(base, "__ASSET_JOB", assetSelection=REFERENCE)
            assert {wait_for_run(base, r) for r in (first, second, table)} == {"SUCCESS"}

            # From the UI's API: a backfill of two months of market data, run by the daemon.
            params = {
                "partitionNames": ["2026-09-01", "2026-10-01"],
                "assetSelection": MARKET_DATA,
                "fromFailure": False,
            }
            launched = graphql(base, BACKFILL, params=params)["launchPartitionBackfill"]
            assert launched["__typename"] == "LaunchBackfillSuccess", launched
            assert _backfill_run(base, launched["backfillId"]) == "SUCCESS"
            assert location(base)["repositoryLocationName"] == "schema_assets"

        months = {
            name
            for (name,) in query(
                warehouse_db, "SELECT DISTINCT tableoid::regclass::text FROM raw.trades"
            )
        }
        assert months == {"raw.trades_p202609", "raw.trades_p202610"}

        monkeypatch.setenv("DAGSTER_PG_URL", env["DAGSTER_PG_URL"])
        with dg.DagsterInstance.from_config(str(home)) as instance:
            records = {r.dagster_run.run_id: r for r in instance.get_run_records()}
        migrations = sorted((records[first], records[second]), key=lambda r: r.start_time)
        assert migrations[0].end_time <= migrations[1].start_time  # never two at once
        assert records[table].start_time < migrations[1].start_time  # the table run did not wait
        assert all(r.dagster_run.tags.get("schema_assets/migration") == "true" for r in migrations)
    finally:
        drop_database(pg_server, dagster_db)
