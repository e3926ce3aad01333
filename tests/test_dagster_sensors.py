"""Schema-file sensor, alert sensors (JSONL + webhook on 127.0.0.1) and the partition schedule."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import dagster as dg
import pytest
import test_dagster_definitions as support
from helpers import scalar
from test_dagster_definitions import copy_schema_files, resources_for

from schema_assets.defs.alerts.sensors import failed_check_alerts, run_failure_alerts
from schema_assets.defs.alerts.sinks import Alert, deliver
from schema_assets.defs.resources import WarehouseResource
from schema_assets.defs.schedules import partition_maintenance, partition_schedule
from schema_assets.defs.schema.sensor import schema_file_sensor

dagster_home = support.dagster_home
instance = support.instance


# --------------------------------------------------------------------------- schema file sensor


def _tick(instance: dg.DagsterInstance, files: list[Path], cursor: str | None):
    context = dg.build_sensor_context(
        instance=instance,
        cursor=cursor,
        resources={"warehouse": WarehouseResource(schema_files=[str(f) for f in files])},
    )
    return schema_file_sensor.evaluate_tick(context)


def test_first_tick_requests_a_run_for_a_never_materialized_schema(tmp_path, instance):
    files = copy_schema_files(tmp_path / "sql")
    result = _tick(instance, files, cursor=None)
    assert len(result.run_requests) == 1
    assert result.cursor == result.run_requests[0].run_key


def test_unchanged_files_request_no_run(tmp_path, instance):
    files = copy_schema_files(tmp_path / "sql")
    cursor = _tick(instance, files, None).cursor
    result = _tick(instance, files, cursor)
    assert result.run_requests == []
    assert result.skip_message and "unchanged" in result.skip_message


def test_changed_file_requests_exactly_one_run_keyed_by_its_hash(tmp_path, instance):
    files = copy_schema_files(tmp_path / "sql")
    cursor = _tick(instance, files, None).cursor
    with files[-1].open("a") as fh:
        fh.write("\nCOMMENT ON SCHEMA raw IS 'edited';\n")
    changed = _tick(instance, files, cursor)
    assert len(changed.run_requests) == 1
    request = changed.run_requests[0]
    assert request.run_key == changed.cursor != cursor
    assert request.tags["schema_assets/content_hash"] == request.run_key


def test_same_hash_again_requests_nothing(tmp_path, instance):
    files = copy_schema_files(tmp_path / "sql")
    cursor = _tick(instance, files, None).cursor
    with files[-1].open("a") as fh:
        fh.write("\n-- a comment changes the bytes\n")
    cursor = _tick(instance, files, cursor).cursor
    assert _tick(instance, files, cursor).run_requests == []


def test_unreadable_schema_file_is_a_skip_not_a_crash(tmp_path, instance):
    files = copy_schema_files(tmp_path / "sql")
    files[0].unlink()
    result = _tick(instance, files, None)
    assert result.run_requests == []
    assert "cannot read" in result.skip_message


def test_last_materialized_hash_is_the_baseline_without_a_cursor(tmp_path, instance):
    files = copy_schema_files(tmp_path / "sql")
    digest = _tick(instance, files, None).cursor
    instance.report_runless_asset_event(
        dg.AssetMaterialization("schema_source", metadata={"content_hash": digest})
    )
    assert _tick(instance, files, None).run_requests == []


# --------------------------------------------------------------------------- alerts


class _Recorder(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self):  # noqa: N802 - http.server API
        length = int(self.headers["Content-Length"])
        type(self).received.append(json.loads(self.rfile.read(length)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):  # keep test output quiet
        pass


@pytest.fixture
def webhook(monkeypatch: pytest.MonkeyPatch):
    """A local HTTP server on 127.0.0.1 recording POSTed alerts; its URL is configured."""
    handler = type("Recorder", (_Recorder,), {"received": []})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/alerts"
    monkeypatch.setenv("SCHEMA_ASSETS_ALERT_WEBHOOK", url)
    yield handler.received
    server.shutdown()
    server.server_close()


def _alerts(home: Path) -> list[dict]:
    path = home / "alerts.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


@dg.op
def _boom():
    raise RuntimeError("cannot reach postgresql://trader:hunter2@db.example.com/warehouse")


@dg.job
def _failing_job():
    _boom()


def _failure_context(instance: dg.DagsterInstance):
    result = _failing_job.execute_in_process(instance=instance, raise_on_error=False)
    assert not result.success
    records = instance.all_logs(result.run_id, of_type=dg.DagsterEventType.RUN_FAILURE)
    failure = records[0].dagster_event
    return dg.build_run_status_sensor_context(
        sensor_name="run_failure_alerts",
        dagster_instance=instance,
        dagster_run=result.dagster_run,
        dagster_event=failure,
    ).for_run_failure()


def test_run_failure_appends_one_alert_line(dagster_home, instance):
    run_failure_alerts(_failure_context(instance))
    alerts = _alerts(dagster_home)
    assert len(alerts) == 1
    assert alerts[0]["kind"] == "run_failure"
    assert alerts[0]["job"] == "_failing_job"
    assert "step _boom: RuntimeError: cannot reach" in alerts[0]["message"]
    assert "hunter2" not in alerts[0]["message"]


def test_run_failure_alert_is_posted_to_the_webhook(dagster_home, instance, webhook):
    run_failure_alerts(_failure_context(instance))
    assert len(webhook) == 1
    assert webhook[0]["kind"] == "run_failure"
    assert webhook[0] == _alerts(dagster_home)[0]


def test_alerts_never_carry_a_password(dagster_home, instance):
    deliver(Alert("run_failure", "t", "postgresql://u:hunter2@h/db unreachable"))
    text = (dagster_home / "alerts.jsonl").read_text()
    assert "hunter2" not in text
    assert "***" in text


def test_unreachable_webhook_still_writes_the_jsonl_line(dagster_home):
    delivery = deliver(Alert("run_failure", "t", "m"), webhook="http://127.0.0.1:9/nothing")
    assert delivery.webhook_error
    assert len(_alerts(dagster_home)) == 1


def _record_check(instance: dg.DagsterInstance, name: str, passed: bool, severity):
    asset = "validation_report" if name == "validation_has_no_errors" else "schema_plan"

    @dg.asset(name=asset)
    def _asset():
        return 1

    @dg.asset_check(asset=_asset, name=name)
    def _check():
        return dg.AssetCheckResult(passed=passed, severity=severity, description="2 FK001 errors")

    dg.materialize([_asset, _check], instance=instance)


def test_failed_blocking_check_is_alerted_once(dagster_home, instance, webhook):
    _record_check(instance, "validation_has_no_errors", False, dg.AssetCheckSeverity.ERROR)
    context = dg.build_sensor_context(instance=instance)
    failed_check_alerts.evaluate_tick(context)
    again = failed_check_alerts.evaluate_tick(
        dg.build_sensor_context(instance=instance, cursor=context.cursor)
    )
    alerts = _alerts(dagster_home)
    assert [(a["kind"], a["check"], a["severity"]) for a in alerts] == [
        ("check_failed", "validation_has_no_errors", "error")
    ]
    assert "FK001" in alerts[0]["message"]
    assert len(webhook) == 1
    assert "no new failed checks" in again.skip_message


def test_failed_lint_check_is_alerted_as_a_warning(dagster_home, instance):
    _record_check(instance, "plan_lint_clean", False, dg.AssetCheckSeverity.WARN)
    failed_check_alerts.evaluate_tick(dg.build_sensor_context(instance=instance))
    assert [a["severity"] for a in _alerts(dagster_home)] == ["warning"]


def test_passing_check_is_not_alerted(dagster_home, instance):
    _record_check(instance, "validation_has_no_errors", True, dg.AssetCheckSeverity.ERROR)
    failed_check_alerts.evaluate_tick(dg.build_sensor_context(instance=instance))
    assert _alerts(dagster_home) == []


# --------------------------------------------------------------------------- partition schedule


def _maintain(url: str, instance: dg.DagsterInstance, months_ahead: int):
    return partition_maintenance.execute_in_process(
        instance=instance,
        resources=resources_for(url),
        run_config={
            "ops": {"create_future_partitions": {"config": {"months_ahead": months_ahead}}}
        },
    )


def test_partition_job_creates_the_missing_future_months_and_reports_them(warehouse_db, instance):
    result = _maintain(warehouse_db, instance, months_ahead=6)
    created = result.output_for_node("create_future_partitions")
    # Shipped partitions end in Feb 2027; today (Nov 2026) + 6 months reaches May 2027.
    assert "raw.ohlcv_bars_p202705" in created
    assert "ml.predictions_p202703" in created
    assert scalar(warehouse_db, "SELECT to_regclass('raw.trades_p202704') IS NOT NULL")
    event = next(e for e in result.all_events if e.event_type_value == "STEP_OUTPUT")
    metadata = event.event_specific_data.metadata
    assert metadata["created_count"].value == len(created)


def test_partition_job_creates_nothing_the_second_time(warehouse_db, instance):
    _maintain(warehouse_db, instance, months_ahead=6)
    assert (
        _maintain(warehouse_db, instance, months_ahead=6).output_for_node(
            "create_future_partitions"
        )
        == []
    )


def test_schedule_runs_the_partition_job_daily():
    assert partition_schedule.cron_schedule == "0 2 * * *"
    assert partition_schedule.job_name == "partition_maintenance"
