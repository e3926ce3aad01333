"""`schema-assets run`: the README's main command, end to end in a real subprocess."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from helpers import query, run_cli

from schema_assets.defs.summary import AssetLine, CheckLine, RunSummary

TABLE_LINES = (
    "ref/instruments",
    "raw/trades",
    "staging/bars",
    "features/returns",
    "ml/predictions",
)


def test_run_migrates_checks_and_materializes_everything(empty_db: str, tmp_path: Path):
    home = tmp_path / "dagster_home"
    result = run_cli(
        "run",
        env={
            "DATABASE_URL": empty_db,
            "DAGSTER_HOME": str(home),
            "SCHEMA_ASSETS_BACKEND": "direct",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "job full_pipeline: SUCCESS" in out
    for key in TABLE_LINES:
        line = next(line for line in out.splitlines() if line.strip().startswith(key + " "))
        assert "materialized" in line and "rows" in line
    assert "validated_schema:validation_has_no_errors  passed" in out
    assert "schema_plan:desired_state_valid" in out
    assert "NOT materialized" not in out
    listed = [line.split()[0] for line in out.splitlines() if line.startswith("  ")]
    assert listed[:4] == ["schema_plan", "schema_revision", "schema_source", "validated_schema"]
    # Last month and this month were loaded, each into its own PostgreSQL partition.
    months = {name for (name,) in query(empty_db, "SELECT DISTINCT tableoid::regclass::text "
                                                  "FROM raw.trades")}  # fmt: skip
    today = datetime.now(UTC).date()
    last = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    assert months == {f"raw.trades_p{last:%Y%m}", f"raw.trades_p{today:%Y%m}"}
    # The run is recorded where `dagster dev` will look for it.
    assert (home / "history" / "runs.db").is_file()
    assert (home / "dagster.yaml").is_file()


def test_unreachable_database_is_a_clear_error_without_password(tmp_path: Path):
    result = run_cli(
        "run",
        env={
            "DATABASE_URL": "postgresql://trader:hunter2@/nowhere?host=/nonexistent/socket",
            "DAGSTER_HOME": str(tmp_path),
        },
    )
    assert result.returncode == 2
    assert result.stderr.startswith("error: cannot connect to")
    assert "hunter2" not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def _summary(success: bool, checks: tuple[CheckLine, ...]) -> RunSummary:
    return RunSummary("full_pipeline", "0" * 32, success, 1.0, (AssetLine("a", True, 3),), checks)


def test_exit_code_is_1_when_a_gating_check_failed():
    failed = (CheckLine("validation_report:validation_has_no_errors", False, "error"),)
    assert _summary(False, failed).exit_code == 1


def test_exit_code_is_4_when_a_step_failed_without_check_findings():
    assert _summary(False, ()).exit_code == 4


def test_exit_code_is_0_when_only_a_warning_check_failed():
    warned = (CheckLine("schema_plan:plan_lint_clean", False, "warning"),)
    assert _summary(True, warned).exit_code == 0
