"""Alerting: failed runs and failed checks → log, alerts.jsonl, webhook."""

import dagster as dg

from schema_assets.defs.alerts.sensors import failed_check_alerts, run_failure_alerts

defs = dg.Definitions(sensors=[run_failure_alerts, failed_check_alerts])
