"""The whole Dagster pipeline on real PostgreSQL: migrate, verify, materialize — and the gate.

A fresh database ends with every asset materialized and every gating check passed. A schema
that fails validation, or whose migration fails, stops the run before `validated_schema`:
no table asset materializes in that run, and the alert sensors write their lines. Data
loaded by the table assets survives a migration to the next schema version.
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
    check_results,
    copy_schema_files,
    materialized,
    resources_for,
)

from schema_assets.defs import defs
from schema_assets.defs.alerts.sensors import failed_check_alerts, run_failure_alerts
from schema_assets.defs.resources import MigrationResource, WarehouseResource
from schema_assets.defs.schema.sensor import TARGET_JOB, schema_file_sensor
from schema_assets.defs.tables import LAYERS

dagster_home = support.dagster_home
instance = support.instance

SCHEMA_KEYS = {"schema_source", "schema_plan", "schema_revision", "validation_report",
               "field_mapping_report", "validated_schema"}  # fmt: skip
TABLE_KEYS = {spec.key.to_user_string() for layer in LAYERS for spec in layer.specs}
GATING = {
    "schema_revision:plan_converged", "schema_revision:no_drift",
    "validation_report:validation_has_no_errors", "field_mapping_report:mappings_aligned",
}  # fmt: skip

FULL = defs.resolve_job_def("full_pipeline")


def _run(instance, url, files=None, backend="direct", **migration):
    return FULL.execute_in_process(
        instance=instance,
        resources=resources_for(url, files, backend=backend, **migration),
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


def _run_alert_sensors(instance, result) -> None:
    failure = instance.all_logs(result.run_id, of_type=dg.DagsterEventType.RUN_FAILURE)
    if failure:
        run_failure_alerts(
            dg.build_run_status_sensor_context(
                sensor_name="run_failure_alerts",
                dagster_instance=instance,
                dagster_run=result.dagster_run,
                dagster_event=failure[0].dagster_event,
            ).for_run_failure()
        )
    failed_check_alerts.evaluate_tick(dg.build_sensor_context(instance=instance))


@pytest.fixture
def secret_url(pg_server: str, empty_db: str):
    """The empty test database reached as a user whose password must never be shown."""
    execute(
        pg_server,
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'sa_dagster') THEN "
        "CREATE ROLE sa_dagster LOGIN SUPERUSER PASSWORD 'hunter2-secret'; END IF; END $$",
    )
    parts = urlsplit(empty_db)
    url = urlunsplit(
        parts._replace(
            netloc="sa_dagster:hunter2-secret@" + parts.hostname
            if parts.hostname
            else "sa_dagster:hunter2-secret@"
        )
    )
    assert "hunter2-secret" in url
    return url


def test_fresh_database_materializes_every_asset_with_every_check_passed(
    tmp_path, secret_url, instance
):
    home = make_home(tmp_path)  # Alembic writes its revision files here, not into the repo
    result = FULL.execute_in_process(
        instance=instance,
        resources={
            "warehouse": WarehouseResource(database_url=secret_url, project_root=str(home)),
            "migration": MigrationResource(backend="alembic"),
        },
        raise_on_error=False,
    )
    assert result.success, _failed_steps(result)
    meta = materialized(result)
    assert set(meta) == SCHEMA_KEYS | TABLE_KEYS
    assert [k for k in TABLE_KEYS if meta[k]["dagster/row_count"] <= 0] == []
    checks = check_results(result)
    assert {k: checks[k] for k in GATING} == dict.fromkeys(GATING, True)
    assert all(checks.values()), checks  # the lint warning too: the shipped plan is clean
    revision = meta["schema_revision"]
    assert revision["backend"] == "alembic"
    assert revision["revision"]
    assert any((home / "migrations" / "versions").glob(f"{revision['revision']}*.py"))
    assert revision["total_ms"] > 0


def test_no_metadata_or_log_line_carries_the_password(tmp_path, secret_url, instance):
    result = _run(instance, secret_url)
    assert result.success
    logged = " ".join(
        (r.user_message or "") + json.dumps(str(r.dagster_event.event_specific_data))
        if r.dagster_event else (r.user_message or "")
        for r in instance.all_logs(result.run_id)
    )  # fmt: skip
    assert "hunter2-secret" not in logged
    assert "***" in json.dumps(materialized(result)["schema_revision"]["database"])


def test_plan_metadata_is_markdown_with_hazards(empty_db, instance):
    result = defs.resolve_job_def("migrate_schema").execute_in_process(
        instance=instance, resources=resources_for(empty_db, backend="direct")
    )
    plan = materialized(result)["schema_plan"]
    assert plan["plan"].startswith("### Plan:")
    assert plan["steps"] > 0
    assert isinstance(plan["hazards"], list)


def test_schema_failing_validation_blocks_every_table_asset(
    tmp_path, empty_db, dagster_home, instance
):
    files = copy_schema_files(tmp_path / "sql")
    with files[-1].open("a") as fh:  # a raw table without a primary key: rule PK001 (error)
        fh.write(
            "\nCREATE TABLE raw.vendor_ticks (source_id bigint NOT NULL, "
            "price numeric(20,8) NOT NULL, ingested_at timestamptz NOT NULL DEFAULT now(), "
            "created_at timestamptz NOT NULL DEFAULT now());\n"
        )
    result = _run(instance, empty_db, files)
    assert not result.success
    checks = check_results(result)
    assert checks["validation_report:validation_has_no_errors"] is False
    assert set(materialized(result)) & (TABLE_KEYS | {"validated_schema"}) == set()
    _run_alert_sensors(instance, result)
    kinds = {(a["kind"], a.get("check")) for a in _alerts(dagster_home)}
    assert ("check_failed", "validation_has_no_errors") in kinds
    assert ("run_failure", None) in kinds


def test_failed_migration_blocks_every_table_asset_and_keeps_the_data(
    tmp_path, empty_db, dagster_home, instance
):
    files = copy_schema_files(tmp_path / "sql")
    assert _run(instance, empty_db, files).success
    before = _warehouse_fingerprint(empty_db)
    # A constraint the loaded trades violate: the plan is valid, applying it fails.
    text = (
        files[-1]
        .read_text()
        .replace(
            "CONSTRAINT trades_price_check CHECK (price > 0),",
            "CONSTRAINT trades_price_check CHECK (price > 1000000),",
            1,
        )
    )
    files[-1].write_text(text)
    result = _run(instance, empty_db, files)
    assert not result.success
    assert "schema_revision" in _failed_steps(result)
    assert set(materialized(result)) & (TABLE_KEYS | {"validated_schema"}) == set()
    assert _warehouse_fingerprint(empty_db) == before
    _run_alert_sensors(instance, result)
    failures = [a for a in _alerts(dagster_home) if a["kind"] == "run_failure"]
    assert len(failures) == 1
    assert "migration failed" in failures[0]["message"]


def test_rows_survive_a_migration_to_the_next_schema_version(pg_server, empty_db, instance):
    # v2 with its fixture data, then every table layer v2 has (v2 has no ml schema yet).
    from schema_assets.sqlfiles import apply_sql_files

    apply_sql_files(empty_db, version_files("v2"))
    execute(empty_db, (Path(version_files("v2")[0]).parent / "data.sql").read_text())
    layers = [layer for layer in LAYERS if layer.op.name != "ml_layer"]
    assert dg.materialize(layers, instance=instance, resources=resources_for(empty_db)).success
    before = {t: count for t, (count, _) in table_fingerprint(empty_db).items()}
    assert sum(n for t, n in before.items() if t.startswith("raw.trades_p")) > 0

    # v3 drops a column (archived first), adds the ml layer; then everything re-materializes.
    result = _run(instance, empty_db, list(version_files("v3")), allow_destructive=True)
    assert result.success, _failed_steps(result)
    after = {t: count for t, (count, _) in table_fingerprint(empty_db).items()}
    lost = {t: (n, after.get(t)) for t, n in before.items() if after.get(t, 0) < n}
    assert lost == {}
    assert scalar(empty_db, "SELECT count(*) FROM ml.predictions") > 0


def test_edited_schema_file_is_migrated_by_the_run_the_sensor_requests(
    tmp_path, empty_db, instance
):
    files = copy_schema_files(tmp_path / "sql")
    assert _run(instance, empty_db, files).success
    sensor_resources = {"warehouse": WarehouseResource(schema_files=[str(f) for f in files])}
    tick = schema_file_sensor.evaluate_tick(
        dg.build_sensor_context(instance=instance, resources=sensor_resources)
    )
    assert tick.run_requests == []  # the materialized hash is the baseline: nothing new

    text = (
        files[-1]
        .read_text()
        .replace(
            "    conditions    text[],\n", "    conditions    text[],\n    venue_code    text,\n", 1
        )
    )
    files[-1].write_text(text)
    tick = schema_file_sensor.evaluate_tick(
        dg.build_sensor_context(instance=instance, cursor=tick.cursor, resources=sensor_resources)
    )
    assert len(tick.run_requests) == 1
    assert schema_file_sensor.job_name == TARGET_JOB == FULL.name
    result = _run(instance, empty_db, files)
    assert result.success
    assert (
        scalar(
            empty_db,
            "SELECT count(*) FROM information_schema.columns "
            "WHERE table_schema = 'raw' AND table_name = 'trades' AND column_name = 'venue_code'",
        )
        == 1
    )
    assert TABLE_KEYS <= set(materialized(result))
