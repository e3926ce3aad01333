"""The UI's view, through the webserver's GraphQL API (headless, 127.0.0.1, stopped by PID).

One webserver over `workspace.yaml` with its own DAGSTER_HOME, pointed at a test database
and edited schema files: the lineage with its blocking checks, precise staleness after one
table's migration, the launchpad's `allow_destructive` field, and a UI-launched run whose
destructive step is allowed by a run tag (and recorded).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
from helpers import scalar
from test_dagster_definitions import MONTH, copy_schema_files, defs_of, desired_of, resources_for

from schema_assets.defs.project import DagsterConfig
from schema_assets.defs.tables import LOADERS, build_table_assets

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

# --------------------------------------------------------------------------- process helpers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(url: str, body: dict | None = None, timeout: float = 60) -> bytes:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"} if data else {}
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - local
            return response.read()
    except urllib.error.HTTPError as exc:  # GraphQL errors come back as HTTP 500 with a body
        raise AssertionError(f"{exc}: {exc.read()[:2000]!r}") from None


def graphql(base: str, query: str, **variables) -> dict:
    data = json.loads(http(f"{base}/graphql", {"query": query, "variables": variables}))
    assert "errors" not in data, data.get("errors")
    return data["data"]


@contextlib.contextmanager
def dagster_process(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    """A Dagster CLI process in its own session, stopped by its PID (then its group)."""
    with log.open("w") as out:
        process = subprocess.Popen(
            args, cwd=PROJECT_ROOT, env={**os.environ, **env}, stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        try:
            yield process
        finally:
            os.kill(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


@contextlib.contextmanager
def webserver(home: Path, env: dict[str, str], workspace: Path) -> Iterator[str]:
    port = free_port()
    args = [
        str(BIN / "dagster-webserver"),
        "-w",
        str(workspace),
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
    ]
    log = home / "webserver.log"
    with dagster_process(args, {**env, "DAGSTER_HOME": str(home)}, log) as process:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 180
        while True:
            try:
                http(f"{base}/server_info", timeout=5)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(log.read_text()[-3000:]) from None
                time.sleep(0.5)
        yield base


def location(base: str) -> dict[str, str]:
    data = graphql(
        base,
        "{ workspaceOrError { ... on Workspace { locationEntries { name "
        "locationOrLoadError { __typename ... on RepositoryLocation { repositories { name } } "
        "... on PythonError { message } } } } } }",
    )
    [entry] = data["workspaceOrError"]["locationEntries"]
    loaded = entry["locationOrLoadError"]
    assert loaded["__typename"] == "RepositoryLocation", loaded
    return {
        "repositoryLocationName": entry["name"],
        "repositoryName": loaded["repositories"][0]["name"],
    }


LAUNCH = """
mutation($selector: JobOrPipelineSelector!, $tags: [ExecutionTag!]) {
  launchRun(executionParams: {selector: $selector, executionMetadata: {tags: $tags}}) {
    __typename ... on LaunchRunSuccess { run { runId } } ... on PythonError { message }
    ... on RunConfigValidationInvalid { errors { message } } ... on InvalidSubsetError { message }
  }
}"""


def launch(base: str, job: str, tags: dict[str, str] | None = None, **selector) -> str:
    """What the launchpad's Launch button sends."""
    data = graphql(
        base, LAUNCH,
        selector={**location(base), "jobName": job, **selector},
        tags=[{"key": k, "value": v} for k, v in (tags or {}).items()],
    )  # fmt: skip
    result = data["launchRun"]
    assert result["__typename"] == "LaunchRunSuccess", result.get("message", result)
    return result["run"]["runId"]


def wait_for_run(base: str, run_id: str, timeout: float = 300) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = graphql(
            base, "query($id: ID!) { runOrError(runId: $id) { ... on Run { status } } }", id=run_id
        )["runOrError"]["status"]
        if status in ("SUCCESS", "FAILURE", "CANCELED"):
            return status
        time.sleep(1)
    raise AssertionError(f"run {run_id} still {status} after {timeout} s")


# --------------------------------------------------------------------------- the test

NODES = """
{ assetNodes { assetKey { path } groupName isPartitioned staleStatus
    assetChecksOrError { ... on AssetChecks { checks { name blocking } } } } }
"""
STALE = """
query($keys: [AssetKeyInput!], $partition: String) { assetNodes(assetKeys: $keys) {
    assetKey { path } staleStatus(partition: $partition) } }
"""
RESOURCE = """
query($selector: ResourceSelector!) { topLevelResourceDetailsOrError(resourceSelector: $selector) {
    ... on ResourceDetails { configFields { name description } } } }
"""


def _loaders(files, pg_server: str, *names: str) -> list[dg.AssetsDefinition]:
    assets, _ = build_table_assets(LOADERS, desired_of(files, pg_server), DagsterConfig())
    return [a for a in assets if a.node_def.name in names]


def _stale(base: str) -> set[str]:
    """Assets the UI shows as stale (partitioned ones: in the loaded month)."""
    nodes = graphql(base, "{ assetNodes { assetKey { path } isPartitioned } }")["assetNodes"]
    stale = set()
    for partitioned, partition in ((False, None), (True, MONTH)):
        keys = [n["assetKey"] for n in nodes if n["isPartitioned"] == partitioned]
        for node in graphql(base, STALE, keys=keys, partition=partition)["assetNodes"]:
            if node["staleStatus"] == "STALE":
                stale.add("/".join(node["assetKey"]["path"]))
    return stale


def test_the_ui_shows_checks_precise_staleness_and_runs_a_destructive_change_by_tag(
    tmp_path, pg_server, warehouse_db, monkeypatch
):
    home = tmp_path / "dagster_home"
    home.mkdir()
    # The shipped instance config, but runs launch at once: no daemon here (no sensor or
    # automation runs racing the assertions); the queue + daemon are tested in test_dagster_deploy.
    config = (PROJECT_ROOT / "dagster.yaml").read_text() + (
        "\nrun_coordinator:\n  module: dagster.core.run_coordinator\n"
        "  class: DefaultRunCoordinator\n"
    )
    (home / "dagster.yaml").write_text(config)
    files = copy_schema_files(tmp_path / "sql")
    monkeypatch.setenv("DAGSTER_HOME", str(home))  # the instance's storage reads it
    with dg.DagsterInstance.from_config(str(home)) as instance:
        # The schema proven, then the tables this test watches materialized (empty
        # market data is enough: staleness is about versions, not rows).
        migrate = defs_of(files, pg_server).resolve_job_def("migrate_schema")
        resources = resources_for(warehouse_db, files, backend="direct")
        assert migrate.execute_in_process(instance=instance, resources=resources).success
        assert dg.materialize(
            _loaders(files, pg_server, "raw_reference", "staging_daily", "features_derived"),
            instance=instance, resources=resources,
        ).success  # fmt: skip
        # A migration that touches staging.instrument_daily only.
        text = files[-1].read_text()
        files[-1].write_text(text.replace(
            "CREATE TABLE staging.instrument_daily (",
            "CREATE TABLE staging.instrument_daily (\n    session_note  text,", 1,
        ))  # fmt: skip
        migrate = defs_of(files, pg_server).resolve_job_def("migrate_schema")
        assert migrate.execute_in_process(instance=instance, resources=resources).success

    env = {"DATABASE_URL": warehouse_db, "SCHEMA_ASSETS_SCHEMA_FILES": os.pathsep.join(map(str, files)),
           "SCHEMA_ASSETS_BACKEND": "direct"}  # fmt: skip
    with webserver(home, env, PROJECT_ROOT / "workspace.yaml") as base:
        nodes = {"/".join(n["assetKey"]["path"]): n for n in graphql(base, NODES)["assetNodes"]}
        assert {"schema", "ref", "raw", "staging", "features", "ml"} <= {
            n["groupName"] for n in nodes.values()
        }
        assert "staging/instrument_daily" in nodes and nodes["raw/trades"]["isPartitioned"]
        checks = {
            c["name"]: c["blocking"]
            for n in nodes.values()
            for c in (n["assetChecksOrError"] or {}).get("checks", [])
        }
        assert checks["desired_state_valid"] and checks["validation_has_no_errors"]
        assert checks["plan_lint_clean"] is False

        # Only the migrated table is stale: its code version is its catalog fingerprint.
        assert _stale(base) == {"staging/instrument_daily"}
        assert graphql(base, '{ assetNodes(assetKeys: [{path: ["ref", "exchanges"]}]) '
                             '{ staleStatus } }')["assetNodes"][0]["staleStatus"] == "FRESH"  # fmt: skip

        # Re-materialized, it is fresh; what reads it is now stale, nothing else.
        os.environ["DAGSTER_HOME"] = str(home)
        try:
            with dg.DagsterInstance.from_config(str(home)) as instance:
                assets, _ = build_table_assets(
                    LOADERS, desired_of(files, pg_server), DagsterConfig()
                )
                daily = [a for a in assets if a.node_def.name == "staging_daily"]
                assert dg.materialize(
                    daily, instance=instance, resources=resources_for(warehouse_db)
                ).success
        finally:
            del os.environ["DAGSTER_HOME"]
        # (features/technical_indicators, written by the same loader, reads staging.bars: fresh)
        assert _stale(base) == {"features/rolling_volatility", "features/daily_summary"}

        # The launchpad offers allow_destructive on the migration resource ...
        fields = graphql(base, RESOURCE, selector={**location(base), "resourceName": "migration"})
        names = {f["name"] for f in fields["topLevelResourceDetailsOrError"]["configFields"]}
        assert "allow_destructive" in names
        # ... and a run launched with the tag applies a destructive step and records why.
        # (The schema file drops the column again; a column added by hand would be drift,
        # which a migration refuses whatever the tag says.)
        files[-1].write_text(text)
        column = ("SELECT count(*) FROM information_schema.columns WHERE table_schema = "
                  "'staging' AND table_name = 'instrument_daily' AND column_name = 'session_note'")  # fmt: skip
        refused = launch(base, "migrate_schema")
        assert wait_for_run(base, refused) == "FAILURE"
        assert scalar(warehouse_db, column) == 1
        allowed = launch(base, "migrate_schema", {"schema_assets/allow_destructive": "true"})
        assert wait_for_run(base, allowed) == "SUCCESS"
        assert scalar(warehouse_db, column) == 0
        meta = graphql(
            base,
            '{ assetOrError(assetKey: {path: ["schema_revision"]}) { ... on Asset { '
            "assetMaterializations(limit: 1) { runId metadataEntries { label "
            "... on TextMetadataEntry { text } ... on BoolMetadataEntry { boolValue } } } } } }",
        )["assetOrError"]["assetMaterializations"][0]
        assert meta["runId"] == allowed
        entries = {e["label"]: e.get("text", e.get("boolValue")) for e in meta["metadataEntries"]}
        assert entries["destructive_allowed_by"] == "run tag schema_assets/allow_destructive=true"
