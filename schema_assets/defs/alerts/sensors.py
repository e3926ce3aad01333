"""Run failure alerts: one alert per failed run, named for what the run did, with its link.

Failed checks are alerted by the step that evaluates them (it holds every finding with its
rule, meaning and fix; Dagster gives a sensor no public way to read a run's check results),
so a run stopped by a blocking check produces the check's detailed alert and this short
run alert that says which checks stopped it.
"""

import dagster as dg

from schema_assets.defs.alerts.content import run_label
from schema_assets.defs.alerts.sinks import Alert
from schema_assets.defs.resources import AlertsResource
from schema_assets.defs.text import one_line

_WRAPPERS = ("DagsterExecutionStepExecutionError", "DagsterUserCodeExecutionError")
CHECK_FAILED = "DagsterAssetCheckFailedError"


def _root_cause(event: dg.DagsterEvent) -> str:
    """The step's own error, unwrapped from Dagster's execution wrapper (never deeper: a
    `dg.Failure` raised by our assets already says what went wrong in the product's words)."""
    error = getattr(event.event_specific_data, "error", None)
    while error is not None and error.cls_name in _WRAPPERS and error.cause is not None:
        error = error.cause
    if error is None:
        return ""
    if error.cls_name == CHECK_FAILED:  # "1 blocking asset check failed ...:\nasset: check"
        checks = [line.strip() for line in error.message.splitlines()[1:] if line.strip()]
        return "stopped by failed blocking check(s) " + ", ".join(checks) + " (see the check alert)"
    return error.message.strip()


def failure_alert(context: dg.RunFailureSensorContext, dagster_url_of) -> Alert:
    run = context.dagster_run
    label = run_label(run)
    lines = []
    for event in context.get_step_failure_events():
        cause = _root_cause(event).splitlines()
        lines.append(f"step {event.step_key}: {cause[0] if cause else 'failed'}")
        lines += [f"  {line}" for line in cause[1:6]]
    if not lines:
        lines.append(one_line(context.failure_event.message or "run failed"))
    return Alert(
        kind="run_failure",
        title=f"run failed: {label}",
        message="\n".join(lines),
        run_id=run.run_id,
        run_url=dagster_url_of(run.run_id),
        job=label,
    )


@dg.run_failure_sensor(
    name="run_failure_alerts",
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Alert (log, alerts.jsonl, webhook) when a run fails: what it did, which step "
    "failed and why, and a link to the run.",
)
def run_failure_alerts(context: dg.RunFailureSensorContext, alerts: AlertsResource):
    sink = alerts.sink()
    delivery = sink.deliver(failure_alert(context, sink.run_url))
    context.log.info(f"alert delivered: {delivery}")
