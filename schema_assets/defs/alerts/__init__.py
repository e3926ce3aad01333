"""Alerting: failed checks (from the step that evaluates them) and failed runs (a sensor)."""

from schema_assets.defs.alerts.sensors import run_failure_alerts

__all__ = ["run_failure_alerts"]
