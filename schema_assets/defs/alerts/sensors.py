"""Alert sensors: failed runs (run_failure_sensor) and failed asset checks.

Dagster has no decorator for failed checks, so `failed_check_alerts` reads the latest
execution of each check from the event log and alerts once per failed execution (the cursor
keeps the last alerted record id per check).
"""

import json
import os

import dagster as dg

from schema_assets.config import Settings
from schema_assets.defs.alerts.sinks import Alert, deliver
from schema_assets.defs.schema.checks import CHECKS


def _home(instance: dg.DagsterInstance) -> str | None:
    return os.environ.get("DAGSTER_HOME") or getattr(instance, "root_directory", None)


def _webhook() -> str | None:
    return Settings.from_env().alert_webhook


_WRAPPERS = ("DagsterExecutionStepExecutionError", "DagsterUserCodeExecutionError")


def _root_cause(event: dg.DagsterEvent) -> str:
    """The step's own error, unwrapped from Dagster's execution wrapper (never deeper: a
    `dg.Failure` raised by our assets already says what went wrong in the product's words)."""
    error = getattr(event.event_specific_data, "error", None)
    while error is not None and error.cls_name in _WRAPPERS and error.cause is not None:
        error = error.cause
    return error.message.strip() if error is not None else ""


@dg.run_failure_sensor(
    name="run_failure_alerts",
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Log, append to alerts.jsonl and POST to the webhook when a run fails.",
)
def run_failure_alerts(context: dg.RunFailureSensorContext):
    run = context.dagster_run
    lines = [context.failure_event.message or "run failed"]
    for event in context.get_step_failure_events():
        lines.append(f"step {event.step_key}: {_root_cause(event)}".rstrip(": "))
    alert = Alert(
        kind="run_failure",
        title=f"run of {run.job_name} failed",
        message="\n".join(lines),
        run_id=run.run_id,
        job=run.job_name,
    )
    delivery = deliver(alert, _home(context.instance), _webhook())
    context.log.info(f"alert delivered: {delivery}")


#: Execution record states that carry an evaluation (others: planned, skipped, errored).
_FINISHED = ("SUCCEEDED", "FAILED")


def check_keys() -> list[dg.AssetCheckKey]:
    return [key for check in CHECKS for key in check.check_keys]


@dg.sensor(
    name="failed_check_alerts",
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Alert once per failed execution of any schema asset check.",
)
def failed_check_alerts(context: dg.SensorEvaluationContext):
    seen: dict[str, int] = json.loads(context.cursor) if context.cursor else {}
    records = context.instance.event_log_storage.get_latest_asset_check_execution_by_key(
        check_keys()
    )
    sent = 0
    for key, record in records.items():
        name = key.to_user_string()
        if record.id <= seen.get(name, 0):
            continue
        if record.status.value not in _FINISHED:  # planned, running or never ran: not an evaluation
            continue
        seen[name] = record.id
        evaluation = record.evaluation
        if evaluation is None or evaluation.passed:
            continue
        severity = "warning" if evaluation.severity == dg.AssetCheckSeverity.WARN else "error"
        alert = Alert(
            kind="check_failed",
            title=f"check {key.name} on {key.asset_key.to_user_string()} failed",
            message=evaluation.description or f"{key.name} did not pass",
            severity=severity,
            run_id=record.run_id,
            asset=key.asset_key.to_user_string(),
            check=key.name,
        )
        deliver(alert, _home(context.instance), _webhook())
        sent += 1
    context.update_cursor(json.dumps(seen, sort_keys=True))
    return dg.SkipReason(f"{sent} alert(s) sent" if sent else "no new failed checks")
