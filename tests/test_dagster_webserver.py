"""`dagster-webserver` starts headless on 127.0.0.1 against workspace.yaml and serves the
lineage: its GraphQL API lists every asset with its checks (then it is stopped by its PID)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
QUERY = """
{ assetNodes { assetKey { path } groupName
    assetChecksOrError { ... on AssetChecks { checks { name blocking } } } } }
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, body: bytes | None = None) -> bytes:
    headers = {"Content-Type": "application/json"} if body else {}
    request = urllib.request.Request(url, data=body, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - local server
        return response.read()


@pytest.fixture(scope="module")
def webserver(tmp_path_factory: pytest.TempPathFactory):
    home = tmp_path_factory.mktemp("dagster_home")
    shutil.copyfile(PROJECT_ROOT / "dagster.yaml", home / "dagster.yaml")
    port = _free_port()
    exe = Path(sys.executable).with_name("dagster-webserver")
    log = (home / "webserver.log").open("w")
    process = subprocess.Popen(
        [str(exe), "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DAGSTER_HOME": str(home)},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                _get(f"{base}/server_info")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail((home / "webserver.log").read_text()[-3000:])
                time.sleep(0.5)
        yield base
    finally:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        log.close()


def _asset_nodes(base: str) -> dict[str, dict]:
    data = json.loads(_get(f"{base}/graphql", json.dumps({"query": QUERY}).encode()))
    assert "errors" not in data, data.get("errors")
    return {"/".join(n["assetKey"]["path"]): n for n in data["data"]["assetNodes"]}


def test_graphql_lists_every_layer_of_the_lineage(webserver):
    nodes = _asset_nodes(webserver)
    groups = {n["groupName"] for n in nodes.values()}
    assert {"schema", "raw", "staging", "features", "ml"} <= groups
    assert {"schema_source", "validated_schema", "raw/trades", "ml/predictions"} <= set(nodes)


def test_graphql_lists_the_checks_with_their_blocking_flag(webserver):
    nodes = _asset_nodes(webserver)
    checks = {
        c["name"]: c["blocking"]
        for n in nodes.values()
        for c in (n["assetChecksOrError"] or {}).get("checks", [])
    }
    assert checks == {
        "plan_converged": True,
        "no_drift": True,
        "validation_has_no_errors": True,
        "mappings_aligned": True,
        "plan_lint_clean": False,
    }
