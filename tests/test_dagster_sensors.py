"""The desired-state sensor (reverts, hand changes, unchanged state) and the alerts."""

from __future__ import annotations

import dataclasses
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import dagster as dg
import pytest
import test_dagster_definitions as support
from helpers import execute, scalar
from test_dagster_definitions import copy_schema_files

from schema_assets.defs.alerts.content import run_label
from schema_assets.defs.alerts.sensors import failure_alert, run_failure_alerts
from schema_assets.defs.alerts.sinks import Alert, AlertSink, Finding
from schema_assets.defs.resources import AlertsResource, WarehouseResource
from schema_assets.defs.schema.planning import target
from schema_assets.defs.schema.sensor import TARGET_JOB, desired_state_sensor

dagster_home = support.dagster_home
instance = support.instance

# --------------------------------------------------------------------------- desired-state sensor


def _tick(instance, url: str, files: list[Path]):
    context = dg.build_sensor_context(
        instance=instance,
        resources={
            "warehouse": WarehouseResource(database_url=url, schema_files=[str(f) for f in files])
        },
    )
    return desired_state_sensor.evaluate_tick(context)


def _apply(url: str, files: list[Path]) -> None:
    """What the requested migrate_schema run does to the warehouse (direct backend)."""
    from schema_assets.apply.choose import migrate

    t = target(WarehouseResource(database_url=url, schema_files=[str(f) for f in files]))
    migrate(url, dataclasses.replace(t.settings, backend="direct"))


def _comment(url: str) -> str:
    return scalar(url, "SELECT obj_description('raw.trades'::regclass)")


def test_unchanged_state_launches_nothing_and_a_new_state_one_run(tmp_path, empty_db, instance):
    files = copy_schema_files(tmp_path / "sql")
    first = _tick(instance, empty_db, files)
    assert len(first.run_requests) == 1  # an empty warehouse differs from the desired state
    assert desired_state_sensor.job_name == TARGET_JOB == "migrate_schema"
    again = _tick(instance, empty_db, files)
    assert again.run_requests[0].run_key == first.run_requests[0].run_key  # deduplicated

    _apply(empty_db, files)
    settled = _tick(instance, empty_db, files)
    assert settled.run_requests == []
    assert "matches the desired state" in settled.skip_message


def test_a_revert_and_a_change_by_hand_each_request_a_run(tmp_path, warehouse_db, instance):
    files = copy_schema_files(tmp_path / "sql")
    original = files[-1].read_text()
    _apply(warehouse_db, files)  # A recorded as applied
    assert _tick(instance, warehouse_db, files).run_requests == []
    comment = _comment(warehouse_db)

    files[-1].write_text(original + "\nCOMMENT ON TABLE raw.trades IS 'edited';\n")  # B
    to_b = _tick(instance, warehouse_db, files).run_requests
    assert len(to_b) == 1
    _apply(warehouse_db, files)
    assert _comment(warehouse_db) == "edited"

    files[-1].write_text(original)  # back to A: the same files as before, a new request
    revert = _tick(instance, warehouse_db, files).run_requests
    assert len(revert) == 1
    assert revert[0].run_key != to_b[0].run_key
    assert revert[0].tags["schema_assets/applied_revision"] != "none"
    _apply(warehouse_db, files)
    assert _comment(warehouse_db) == comment
    assert _tick(instance, warehouse_db, files).run_requests == []

    execute(warehouse_db, "COMMENT ON TABLE raw.trades IS 'by hand'")
    by_hand = _tick(instance, warehouse_db, files).run_requests
    assert len(by_hand) == 1
    assert by_hand[0].run_key not in {revert[0].run_key, to_b[0].run_key}


def test_unreadable_schema_file_is_a_skip_not_a_crash(tmp_path, empty_db, instance):
    files = copy_schema_files(tmp_path / "sql")
    files[0].unlink()
    result = _tick(instance, empty_db, files)
    assert result.run_requests == []
    assert "cannot plan the desired state" in result.skip_message


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
def webhook():
    """A local HTTP server on 127.0.0.1 recording POSTed alerts; yields (url, received)."""
    handler = type("Recorder", (_Recorder,), {"received": []})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/alerts", handler.received
    server.shutdown()
    server.server_close()


def _alerts(home: Path) -> list[dict]:
    path = home / "alerts.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


@dg.op
def _boom():
    raise RuntimeError("cannot reach postgresql://trader:hunter2@db.example.com/warehouse")


@dg.job
def refresh_quotes():
    _boom()


def _failure_context(instance: dg.DagsterInstance, job=refresh_quotes, **kw):
    result = job.execute_in_process(instance=instance, raise_on_error=False, **kw)
    assert not result.success
    records = instance.all_logs(result.run_id, of_type=dg.DagsterEventType.RUN_FAILURE)
    return dg.build_run_status_sensor_context(
        sensor_name="run_failure_alerts",
        dagster_instance=instance,
        dagster_run=result.dagster_run,
        dagster_event=records[0].dagster_event,
    ).for_run_failure()


def test_run_failure_alert_names_the_run_the_step_and_links_to_it(dagster_home, instance, webhook):
    url, received = webhook
    alerts = AlertsResource(webhook_url=url, dagster_url="http://dagster.example:3000/")
    context = _failure_context(instance)
    run_failure_alerts(context, alerts=alerts)
    [alert] = _alerts(dagster_home)
    assert alert["kind"] == "run_failure"
    assert alert["title"] == "run failed: refresh_quotes"
    assert "step _boom: RuntimeError: cannot reach" in alert["message"]
    assert alert["run_url"] == f"http://dagster.example:3000/runs/{context.dagster_run.run_id}"
    assert "hunter2" not in json.dumps(alert)
    assert received == [alert]  # the webhook gets the same JSON, with a chat-ready `text`
    assert alert["text"].startswith("[ERROR] run failed: refresh_quotes")


def test_ad_hoc_asset_runs_are_named_for_the_assets_they_materialize(instance):
    @dg.asset(key=["raw", "quotes"], partitions_def=dg.MonthlyPartitionsDefinition("2026-09-01"))
    def quotes():
        raise RuntimeError("no quotes")

    # What "Materialize selected" in the asset graph launches: the implicit asset job.
    job = dg.Definitions(assets=[quotes]).resolve_implicit_global_asset_job_def()
    result = job.execute_in_process(
        instance=instance,
        asset_selection=[quotes.key],
        partition_key="2026-10-01",
        raise_on_error=False,
    )
    assert result.dagster_run.job_name == "__ASSET_JOB"
    assert run_label(result.dagster_run) == "materialize raw/quotes (partition 2026-10-01)"


def test_an_unreachable_webhook_still_writes_the_jsonl_line(tmp_path):
    sink = AlertSink(jsonl=tmp_path / "alerts.jsonl", webhook="http://127.0.0.1:9/nothing")
    delivery = sink.deliver(Alert("run_failure", "t", "m"))
    assert delivery.webhook_error
    assert len(_alerts(tmp_path)) == 1


def test_names_from_the_catalog_cannot_break_alert_lines():
    hostile = "raw.x\nFAKE ALERT | `evil`\x1b[31m"
    alert = Alert(
        "check_failed",
        f"check failed on {hostile}",
        findings=(Finding("FK001", "FKs have an index", hostile, "no index\r\n", "add one"),),
        run_url="http://localhost:3000/runs/1",
    )
    text = alert.to_text()
    assert "FAKE ALERT" in text and "\nFAKE ALERT" not in text  # newline shown as \n
    assert "\\x1b" in text and "\x1b" not in text
    data = json.loads(alert.to_json())
    assert "\n" not in data["title"] and "\n" not in data["findings"][0]["object"]


def test_failed_check_alert_says_rule_meaning_object_fix_and_run(tmp_path):
    from schema_assets.defs.schema.checks import validation_verdict
    from schema_assets.validation.findings import Finding as RuleFinding
    from schema_assets.validation.findings import ValidationReport

    finding = RuleFinding(
        "FK001", "Foreign keys have an index", "error", "staging.bar_notes.bar_notes_fkey",
        "no index covers (instrument_id)", "CREATE INDEX ON staging.bar_notes (instrument_id)",
    )  # fmt: skip
    verdict = validation_verdict("validation_has_no_errors", ValidationReport(findings=(finding,)))
    assert verdict.failed
    assert verdict.result.description == "FK001 staging.bar_notes.bar_notes_fkey"
    [line] = verdict.findings
    text = line.to_text()
    assert text == (
        "FK001 (Foreign keys have an index) on staging.bar_notes.bar_notes_fkey: no index "
        "covers (instrument_id) Fix: CREATE INDEX ON staging.bar_notes (instrument_id)"
    )
    md = verdict.result.metadata["findings"].value
    assert "| `FK001` |" in md and "CREATE INDEX ON staging.bar\\_notes" in md


def test_failure_alert_of_a_blocked_run_points_at_the_check(instance):
    @dg.asset(check_specs=[dg.AssetCheckSpec("validation_has_no_errors", asset="validated_schema",
                                             blocking=True)])  # fmt: skip
    def validated_schema():
        yield dg.MaterializeResult()
        yield dg.AssetCheckResult(check_name="validation_has_no_errors", passed=False)

    job = dg.define_asset_job("migrate_schema").resolve(
        asset_graph=dg.Definitions(assets=[validated_schema]).resolve_asset_graph()
    )
    alert = failure_alert(_failure_context(instance, job), lambda run_id: f"u/{run_id}")
    assert alert.title == "run failed: migrate_schema"
    assert "stopped by failed blocking check(s) validated_schema: validation_has_no_errors" in (
        alert.message
    )
