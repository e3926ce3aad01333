"""The Dagster code location loads, and its shape is what the product promises.

Also home of the small helpers the other `test_dagster_*` files share (resources pointed at
a test database, a throw-away DAGSTER_HOME), so that every test file stays readable.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from schema_assets.config import SCHEMA_FILES
from schema_assets.database import create_database, drop_database, scratch_name
from schema_assets.defs import defs
from schema_assets.defs.resources import MigrationResource, WarehouseResource

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TABLE_GROUPS = ("raw", "staging", "features", "ml")


# --------------------------------------------------------------------------- shared helpers


def copy_schema_files(dest: Path, source: tuple[Path, ...] = SCHEMA_FILES) -> list[Path]:
    """Copies of the schema files in `dest`, so a test may edit them freely."""
    dest.mkdir(parents=True, exist_ok=True)
    out = []
    for f in source:
        target = dest / f.name
        shutil.copyfile(f, target)
        out.append(target)
    return out


def resources_for(url: str, files: list[Path] | None = None, **migration) -> dict[str, object]:
    """Resources pointing at a test database (and optionally at copied schema files)."""
    return {
        "warehouse": WarehouseResource(
            database_url=url, schema_files=[str(f) for f in files] if files else None
        ),
        "migration": MigrationResource(**migration),
    }


@contextlib.contextmanager
def fresh_database(pg_server: str, template: str | None) -> Iterator[str]:
    """A database of its own (optionally a copy of a template), dropped afterwards."""
    name = scratch_name("dagster")
    url = create_database(pg_server, name, template=template)
    try:
        yield url
    finally:
        drop_database(pg_server, name)


@contextlib.contextmanager
def private_instance(home: Path) -> Iterator[dg.DagsterInstance]:
    """DAGSTER_HOME=home for the duration, with a Dagster instance stored there."""
    home.mkdir(parents=True, exist_ok=True)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DAGSTER_HOME", str(home))
        mp.delenv("SCHEMA_ASSETS_ALERT_WEBHOOK", raising=False)
        with dg.instance_for_test(temp_dir=str(home)) as inst:
            yield inst


@pytest.fixture
def dagster_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private DAGSTER_HOME: runs, event logs and alerts.jsonl of this test only."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.delenv("SCHEMA_ASSETS_ALERT_WEBHOOK", raising=False)
    yield home


@pytest.fixture
def instance(dagster_home: Path) -> Iterator[dg.DagsterInstance]:
    with dg.instance_for_test(temp_dir=str(dagster_home)) as inst:
        yield inst


def materialized(result) -> dict[str, dict]:
    """asset key (user string) → metadata values of its materializations in a run."""
    out: dict[str, dict] = {}
    for event in result.get_asset_materialization_events():
        m = event.materialization
        out[m.asset_key.to_user_string()] = {k: v.value for k, v in m.metadata.items()}
    return out


def check_results(result) -> dict[str, bool]:
    return {
        f"{e.asset_key.to_user_string()}:{e.check_name}": e.passed
        for e in result.get_asset_check_evaluations()
    }


# --------------------------------------------------------------------------- tests

REPO = defs.get_repository_def()
GRAPH = REPO.asset_graph


def _keys_in_group(group: str) -> set[dg.AssetKey]:
    return {k for k in GRAPH.get_all_asset_keys() if GRAPH.get(k).group_name == group}


def test_definitions_load_without_touching_a_database():
    dg.Definitions.validate_loadable(defs)


def test_schema_group_holds_the_six_schema_assets():
    names = {k.to_user_string() for k in _keys_in_group("schema")}
    assert names == {
        "schema_source", "schema_plan", "schema_revision", "validation_report",
        "field_mapping_report", "validated_schema",
    }  # fmt: skip


def test_every_table_group_has_assets():
    for group in TABLE_GROUPS:
        assert _keys_in_group(group), f"group {group} is empty"


def test_every_table_asset_depends_on_the_validated_schema():
    downstream = dg.AssetSelection.assets("validated_schema").downstream().resolve(GRAPH)
    for group in TABLE_GROUPS:
        for key in _keys_in_group(group):
            assert key in downstream, key.to_user_string()


def test_gating_checks_are_blocking_and_lint_is_not():
    blocking = {key.name: GRAPH.get_check_spec(key).blocking for key in GRAPH.asset_check_keys}
    assert blocking == {
        "plan_converged": True,
        "no_drift": True,
        "validation_has_no_errors": True,
        "mappings_aligned": True,
        "plan_lint_clean": False,
    }


def test_jobs_select_schema_tables_and_everything():
    migrate = REPO.get_job("migrate_schema").asset_layer.executable_asset_keys
    refresh = REPO.get_job("refresh_tables").asset_layer.executable_asset_keys
    full = REPO.get_job("full_pipeline").asset_layer.executable_asset_keys
    assert migrate == _keys_in_group("schema")
    assert refresh == set().union(*(_keys_in_group(g) for g in TABLE_GROUPS))
    assert full == migrate | refresh


def test_sensors_and_schedule_are_registered_and_on_by_default():
    sensors = {s.name: s for s in REPO.sensor_defs}
    assert set(sensors) == {"schema_file_sensor", "run_failure_alerts", "failed_check_alerts"}
    for sensor in sensors.values():
        assert sensor.default_status == dg.DefaultSensorStatus.RUNNING
    schedule = REPO.get_schedule_def("partition_schedule")
    assert schedule.job_name == "partition_maintenance"


def test_workspace_yaml_points_at_the_defs_module():
    text = (PROJECT_ROOT / "workspace.yaml").read_text()
    assert "schema_assets.defs" in text


def test_lint_check_warns_with_findings_counted_by_rule():
    from schema_assets.defs.schema.checks import plan_lint_clean
    from schema_assets.plan import Plan

    lint = ({"rule": "ban-char-field", "step": 1}, {"rule": "ban-char-field", "step": 2})
    result = plan_lint_clean(Plan(lint=lint))
    assert result.passed is False
    assert result.severity == dg.AssetCheckSeverity.WARN
    assert result.description == "2 × ban-char-field"


def test_lint_check_passes_on_a_clean_plan():
    from schema_assets.defs.schema.checks import plan_lint_clean
    from schema_assets.plan import Plan

    assert plan_lint_clean(Plan()).passed is True


def test_mapping_check_fails_with_error_findings_named():
    from schema_assets.defs.schema.checks import mappings_aligned
    from schema_assets.validation.mapping.checker import MappingFinding, MappingReport

    finding = MappingFinding(
        "mapped_column_missing", "error", "rest_ohlcv", "o", "raw.ohlcv_bars.open",
        "column does not exist", "rest_ohlcv.yaml:22",
    )  # fmt: skip
    result = mappings_aligned(MappingReport(findings=(finding,)))
    assert result.passed is False
    assert result.severity == dg.AssetCheckSeverity.ERROR
    assert "raw.ohlcv_bars.open" in result.description


def test_mapping_check_ignores_warnings():
    from schema_assets.defs.schema.checks import mappings_aligned
    from schema_assets.validation.mapping.checker import MappingFinding, MappingReport

    warning = MappingFinding("unknown_field", "warning", "s", "x", "raw.t.c", "unknown", "f:1")
    assert mappings_aligned(MappingReport(findings=(warning,))).passed is True
