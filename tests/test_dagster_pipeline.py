"""The whole Dagster pipeline on real PostgreSQL: prove, migrate, prove, materialize — and the gates.

A fresh database ends with every asset materialized and every check passed. A desired state
that fails validation stops the run before anything is applied: the warehouse is unchanged.
A failing migration stops the tables. A destructive step needs this run's permission, which
is recorded. Data loaded by the table assets survives a migration to the next version.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dagster as dg
import pytest
import test_dagster_definitions as support
from apply_support import make_home, version_files
from helpers import execute, scalar, table_fingerprint
from test_dagster_definitions import (
    MONTH,
    check_results,
    copy_schema_files,
    defs_of,
    desired_of,
    materialized,
    resources_for,
)

from schema_assets.catalog import take_snapshot
from schema_assets.defs.alerts.sensors import run_failure_alerts
from schema_assets.defs.project import DagsterConfig
from schema_assets.defs.tables import LOADERS, build_table_assets

dagster_home = support.dagster_home
instance = support.instance
shipped_defs = support.shipped_defs

PRE_APPLY = {"desired_state_valid", "desired_mappings_aligned", "plan_allowed"}
POST_APPLY = {"plan_converged", "no_drift", "validation_has_no_errors", "mappings_aligned"}


def _table_keys(defs: dg.Definitions) -> set[str]:
    graph = defs.resolve_asset_graph()
    return {
        k.to_user_string()
        for k in graph.get_all_asset_keys()
        if graph.get(k).is_executable and graph.get(k).group_name != "schema"
    }


def _run(defs, instance, url, files=None, job="full_pipeline", tags=None, **kw):
    job_def = defs.resolve_job_def(job)
    return job_def.execute_in_process(
        instance=instance,
        resources=resources_for(url, files, **kw),
        partition_key=MONTH if job_def.partitions_def else None,
        tags=tags,
        raise_on_error=False,
    )


def _failed_steps(result) -> list[str]:
    return [e.step_key for e in result.all_events if e.event_type_value == "STEP_FAILURE"]


def _warehouse_fingerprint(url: str) -> dict:
    """Row counts + checksums of the warehouse tables (the tool's own bookkeeping excluded)."""
    return {t: v for t, v in table_fingerprint(url).items() if not t.startswith("schema_assets.")}


def _alerts(home: Path) -> list[dict]:
    path = home / "alerts.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def _alert_run_failure(instance, result) -> None:
    failure = instance.all_logs(result.run_id, of_type=dg.DagsterEventType.RUN_FAILURE)
    run_failure_alerts(
        dg.build_run_status_sensor_context(
            sensor_name="run_failure_alerts",
            dagster_instance=instance,
            dagster_run=result.dagster_run,
            dagster_event=failure[0].dagster_event,
        ).for_run_failure(),
        alerts=resources_for("postgresql://unused")["alerts"],
    )


@pytest.fixture
def secret_url(pg_server: str, empty_db: str):
    """The empty test database reached as a user whose password must never be shown."""
    execute(
        pg_server,
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'sa_dagster') THEN "
        "CREATE ROLE sa_dagster LOGIN SUPERUSER PASSWORD 'hunter2-secret'; END IF; END $$",
    )
    parts = urlsplit(empty_db)
    netloc = "sa_dagster:hunter2-secret@" + (parts.hostname or "")
    url = urlunsplit(parts._replace(netloc=netloc))
    assert "hunter2-secret" in url
    return url


def test_fresh_database_materializes_every_asset_with_every_check_passed(
    tmp_path, secret_url, shipped_defs, dagster_home, instance
):
    home = make_home(tmp_path)  # Alembic writes its revision files here, not into the repo
    result = _run(shipped_defs, instance, secret_url, home=home, backend="alembic")
    assert result.success, _failed_steps(result)
    meta = materialized(result)
    tables = _table_keys(shipped_defs)
    assert (
        set(meta)
        == {"schema_source", "schema_plan", "schema_revision", "validated_schema"} | tables
    )
    assert [k for k in tables if meta[k]["dagster/row_count"] <= 0] == []
    checks = check_results(result)
    assert {k.split(":")[1] for k in checks} == PRE_APPLY | POST_APPLY | {"plan_lint_clean"}
    assert all(checks.values()), checks  # the lint warning too: the shipped plan is clean
    revision = meta["schema_revision"]
    assert revision["backend"] == "alembic"
    assert any((home / "migrations" / "versions").glob(f"{revision['revision']}*.py"))
    assert revision["destructive_allowed"] is False
    # The plan is reviewable: summary said once per change, up and down SQL.
    plan = meta["schema_plan"]
    assert "comment comment" not in plan["summary"] and "comment on column" in plan["summary"]
    assert "Down SQL" in plan["plan"] and "DROP TABLE" in plan["plan"]
    # No secret anywhere, and nothing stored through an IO manager on the local disk.
    logged = " ".join(
        (r.user_message or "") + str(r.dagster_event.event_specific_data if r.dagster_event else "")
        for r in instance.all_logs(result.run_id)
    )
    assert "hunter2-secret" not in logged + repr(meta)
    assert "***" in meta["schema_revision"]["database"]
    stored = [
        p for p in (dagster_home / "storage").rglob("*")
        if p.is_file() and "compute_logs" not in p.parts
    ]  # fmt: skip
    assert stored == []


def test_a_desired_state_failing_validation_never_reaches_the_warehouse(
    tmp_path, warehouse_db, pg_server, dagster_home, instance
):
    files = copy_schema_files(tmp_path / "sql")
    with files[-1].open("a") as fh:  # an FK without an index: rule FK001 (error)
        fh.write(
            "\nCREATE TABLE staging.bar_notes (note_id bigint PRIMARY KEY, instrument_id bigint "
            "NOT NULL REFERENCES ref.instruments (instrument_id), note text NOT NULL, "
            "created_at timestamptz NOT NULL DEFAULT now());\n"
        )
    defs = defs_of(files, pg_server)
    before = take_snapshot(warehouse_db).fingerprint()
    result = _run(defs, instance, warehouse_db, files, backend="direct")
    assert not result.success
    assert check_results(result)["schema_plan:desired_state_valid"] is False
    assert set(materialized(result)) == {"schema_source", "schema_plan"}  # nothing applied
    assert take_snapshot(warehouse_db).fingerprint() == before
    assert scalar(warehouse_db, "SELECT to_regclass('staging.bar_notes')") is None

    _alert_run_failure(instance, result)
    alerts = _alerts(dagster_home)
    check = next(a for a in alerts if a["kind"] == "check_failed")
    assert check["check"] == "desired_state_valid"
    fk = next(f for f in check["findings"] if f["rule"] == "FK001")
    assert fk["object"].startswith("staging.bar_notes")
    assert fk["meaning"] and fk["fix"]  # what the rule means and how to fix it
    assert check["run_url"].endswith(f"/runs/{result.run_id}")
    assert "FK001" in check["text"] and "Fix:" in check["text"]
    run = next(a for a in alerts if a["kind"] == "run_failure")
    assert run["job"].startswith("full_pipeline")
    assert "blocking check(s) schema_plan: desired_state_valid" in run["message"]


@pytest.fixture
def loaded_db(warehouse_db):
    """The shipped schema with the v3 fixture rows (v3 is a copy of the shipped files)."""
    execute(warehouse_db, (Path(version_files("v3")[0]).parent / "data.sql").read_text())
    return warehouse_db


def test_failed_migration_blocks_every_table_asset_and_keeps_the_data(
    tmp_path, loaded_db, pg_server, dagster_home, instance
):
    files = copy_schema_files(tmp_path / "sql")
    before = _warehouse_fingerprint(loaded_db)
    # A constraint the loaded quotes violate (no mapping, so the plan is proven): applying fails.
    text = files[-1].read_text()
    files[-1].write_text(
        text.replace("CHECK (bid_size >= 0),", "CHECK (bid_size > 1000000),", 1)  # raw.quotes
    )
    defs = defs_of(files, pg_server)
    result = _run(defs, instance, loaded_db, files, backend="direct")
    assert not result.success
    assert "schema_revision" in _failed_steps(result)
    assert set(materialized(result)) & (_table_keys(defs) | {"validated_schema"}) == set()
    assert _warehouse_fingerprint(loaded_db) == before
    _alert_run_failure(instance, result)
    failures = [a for a in _alerts(dagster_home) if a["kind"] == "run_failure"]
    assert len(failures) == 1
    assert "migration failed" in failures[0]["message"]


def test_a_destructive_step_needs_this_runs_permission_which_is_recorded(
    tmp_path, loaded_db, pg_server, instance
):
    files = copy_schema_files(tmp_path / "sql")
    text = files[-1].read_text()
    dropped = text.replace(
        "    sequence_number bigint,\n    best_bid_price", "    best_bid_price", 1
    )
    files[-1].write_text(dropped)  # raw.order_book_snapshots.sequence_number goes
    defs = defs_of(files, pg_server)
    column = (
        "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'raw' "
        "AND table_name = 'order_book_snapshots' AND column_name = 'sequence_number'"
    )

    refused = _run(defs, instance, loaded_db, files, job="migrate_schema", backend="direct")
    assert not refused.success
    assert check_results(refused)["schema_plan:plan_allowed"] is False
    assert scalar(loaded_db, column) == 1

    tag = {"schema_assets/allow_destructive": "true"}  # what the launchpad's tags set
    allowed = _run(
        defs, instance, loaded_db, files, job="migrate_schema", tags=tag, backend="direct"
    )
    assert allowed.success, _failed_steps(allowed)
    revision = materialized(allowed)["schema_revision"]
    assert revision["destructive_allowed"] is True
    assert revision["destructive_allowed_by"] == "run tag schema_assets/allow_destructive=true"
    assert revision["destructive_steps_applied"] == 1
    assert scalar(loaded_db, column) == 0


def test_rows_survive_a_migration_to_the_next_schema_version(empty_db, pg_server, instance):
    from schema_assets.sqlfiles import apply_sql_files

    v2, v3 = version_files("v2"), version_files("v3")
    apply_sql_files(empty_db, v2)
    execute(empty_db, (Path(v2[0]).parent / "data.sql").read_text())
    # v2 has no ml layer: its loaders are left out of v2's table assets.
    table_assets, _ = build_table_assets(LOADERS, desired_of(v2, pg_server), DagsterConfig())
    loaded = dg.materialize(
        table_assets, instance=instance, resources=resources_for(empty_db), partition_key=MONTH
    )
    assert loaded.success
    before = {t: count for t, (count, _) in table_fingerprint(empty_db).items()}
    assert sum(n for t, n in before.items() if t.startswith("raw.trades_p")) > 0

    # v3 drops a column (archived first), adds the ml layer; then everything re-materializes.
    tag = {"schema_assets/allow_destructive": "true"}
    result = _run(defs_of(v3, pg_server), instance, empty_db, list(v3), tags=tag, backend="direct")
    assert result.success, _failed_steps(result)
    after = {t: count for t, (count, _) in table_fingerprint(empty_db).items()}
    lost = {t: (n, after.get(t)) for t, n in before.items() if after.get(t, 0) < n}
    assert lost == {}
    assert scalar(empty_db, "SELECT count(*) FROM ml.predictions") > 0


def test_schema_revision_alone_applies_nothing_unproven(tmp_path, warehouse_db, instance):
    from schema_assets.defs import schema

    files = copy_schema_files(tmp_path / "sql")
    with files[-1].open("a") as fh:
        fh.write("\nCOMMENT ON TABLE raw.trades IS 'never proven';\n")
    result = dg.materialize(
        list(schema.ASSETS), selection=["schema_revision"], instance=instance,
        resources=resources_for(warehouse_db, files, backend="direct"), raise_on_error=False,
    )  # fmt: skip
    assert not result.success
    assert scalar(warehouse_db, "SELECT obj_description('raw.trades'::regclass)") != "never proven"
