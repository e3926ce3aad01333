"""A run's outcome in a few lines: per-asset status and row counts, checks, duration.

Built from Dagster's own events (materializations, check evaluations, step failures), so
what `schema-assets run` prints is exactly what the UI will show for that run.
"""

from dataclasses import dataclass, field

import dagster as dg

from schema_assets.defs.text import one_line


@dataclass(frozen=True)
class AssetLine:
    key: str
    materialized: bool
    rows: int | None = None


@dataclass(frozen=True)
class CheckLine:
    key: str
    passed: bool
    severity: str  # error | warning


@dataclass(frozen=True)
class RunSummary:
    job: str
    run_id: str
    success: bool
    seconds: float
    assets: tuple[AssetLine, ...]
    checks: tuple[CheckLine, ...]
    failures: tuple[tuple[str, str], ...] = field(default=())  # (step, message)

    @property
    def failed_checks(self) -> tuple[CheckLine, ...]:
        return tuple(c for c in self.checks if not c.passed and c.severity == "error")

    @property
    def exit_code(self) -> int:
        """0 ok; 1 a gating check failed (findings); 4 a step failed (e.g. the migration)."""
        if self.failed_checks:
            return 1
        return 0 if self.success else 4

    def to_text(self) -> str:
        status = "SUCCESS" if self.success else "FAILED"
        out = [f"job {self.job}: {status} in {self.seconds:.1f}s (run {self.run_id[:8]})", ""]
        width = max((len(a.key) for a in self.assets), default=10) + 2
        out.append("assets")
        for a in self.assets:
            state = "materialized" if a.materialized else "NOT materialized"
            rows = f"{a.rows:>10,} rows" if a.rows is not None else ""
            out.append(f"  {a.key:<{width}}{state:<18}{rows}".rstrip())
        if self.checks:
            out.append("checks")
            cw = max(len(c.key) for c in self.checks) + 2
            for c in self.checks:
                state = "passed" if c.passed else f"FAILED ({c.severity})"
                out.append(f"  {c.key:<{cw}}{state}")
        if self.failures:
            out.append("failed steps")
            for step, message in self.failures:
                out.append(f"  {step}: {message}")
        return "\n".join(out) + "\n"


def _error_message(event: dg.DagsterEvent) -> str:
    error = getattr(event.event_specific_data, "error", None)
    while error is not None and error.cls_name.startswith("Dagster") and error.cause is not None:
        error = error.cause
    text = error.message.strip() if error is not None else ""
    if error is not None and error.cls_name == "DagsterAssetCheckFailedError":
        text = "stopped by blocking check(s): " + ", ".join(
            line.strip() for line in text.splitlines()[1:] if line.strip()
        )
    return one_line(text.splitlines()[0] if text else "failed")


def summarize(
    result: dg.ExecuteInProcessResult, asset_keys: list[dg.AssetKey], seconds: float
) -> RunSummary:
    materialized: dict[dg.AssetKey, int | None] = {}
    for event in result.get_asset_materialization_events():
        m = event.materialization
        # Partitioned assets of a multi-month run report the rows of the run's window.
        rows = m.metadata.get("dagster/row_count") or m.metadata.get("rows_in_window")
        value = rows.value if rows is not None else None
        materialized[m.asset_key] = value if isinstance(value, int) else None  # always int
    assets = tuple(
        AssetLine(k.to_user_string(), k in materialized, materialized.get(k)) for k in asset_keys
    )
    checks = tuple(
        CheckLine(
            f"{e.asset_key.to_user_string()}:{e.check_name}",
            e.passed,
            "warning" if e.severity == dg.AssetCheckSeverity.WARN else "error",
        )
        for e in result.get_asset_check_evaluations()
    )
    failures = tuple(
        (e.step_key or "?", _error_message(e))
        for e in result.all_events
        if e.event_type_value == "STEP_FAILURE"
    )
    return RunSummary(
        result.job_def.name, result.run_id, result.success, seconds, assets, checks, failures
    )
