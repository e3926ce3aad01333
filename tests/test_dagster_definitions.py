"""The Dagster code location: definitions derived from the desired state, and their shape.

Also home of the small helpers the other `test_dagster_*` files share (the desired state of
some schema files on the test server, definitions built from it, resources pointed at a test
database, a throw-away DAGSTER_HOME), so that every test file stays readable.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import dagster as dg
import pytest

from schema_assets.catalog import take_snapshot
from schema_assets.config import SCHEMA_FILES, Settings
from schema_assets.database import create_database, drop_database, scratch_name
from schema_assets.defs import build_defs
from schema_assets.defs.desired import DesiredState, describe, desired_files
from schema_assets.defs.project import DagsterConfig
from schema_assets.defs.resources import AlertsResource, MigrationResource, WarehouseResource
from schema_assets.errors import BadInputError
from schema_assets.shadow import shadow_snapshot
from schema_assets.sqlfiles import content_hash

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TABLE_GROUPS = ("ref", "raw", "staging", "features", "ml")
#: The monthly partition the tests load (the shipped schema has partitions Sep 2026 - Feb 2027).
MONTH = "2026-11-01"

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


def with_window(files, today: date | None = None) -> tuple[Path, ...]:
    """`files` followed by the generated partition window: the Dagster layer's desired state."""
    settings = dataclasses.replace(Settings.from_env(), schema_files=tuple(Path(f) for f in files))
    return desired_files(settings, today=today)


def desired_of(files, server_url: str, today: date | None = None) -> DesiredState:
    """The desired state of `files` (+ the partition window) as a code location derives it."""
    all_files = with_window(files, today)
    return describe(shadow_snapshot(list(all_files), server_url), content_hash(all_files))


def defs_of(files, server_url: str, config: DagsterConfig | None = None) -> dg.Definitions:
    settings = Settings.from_env()
    return build_defs(
        desired_of(files, server_url), config or DagsterConfig.from_tool(settings.tool)
    )


def resources_for(url: str, files=None, home: Path | None = None, **migration) -> dict[str, object]:
    """Resources pointing at a test database (and optionally at copied files / a project home)."""
    return {
        "warehouse": WarehouseResource(
            database_url=url,
            schema_files=[str(f) for f in files] if files else None,
            project_root=str(home) if home else None,
        ),
        "migration": MigrationResource(**migration),
        "alerts": AlertsResource(),
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


@pytest.fixture(scope="session")
def shipped_defs(pg_server: str) -> dg.Definitions:
    """Definitions of the shipped schema files, derived on the test server."""
    return defs_of(SCHEMA_FILES, pg_server)


def materialized(result) -> dict[str, dict]:
    """asset key (user string) → metadata values of its (last) materialization in a run."""
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


def keys_in_group(defs: dg.Definitions, group: str, executable: bool = True) -> set[str]:
    graph = defs.resolve_asset_graph()
    return {
        k.to_user_string()
        for k in graph.get_all_asset_keys()
        if graph.get(k).group_name == group and graph.get(k).is_executable == executable
    }


# --------------------------------------------------------------------------- tests


def test_importing_the_code_location_touches_nothing():
    from schema_assets.defs import defs

    assert callable(defs)  # @dg.definitions: loaded by Dagster's tools, not at import


def test_definitions_load(shipped_defs):
    dg.Definitions.validate_loadable(shipped_defs)


def test_every_table_of_the_schema_is_an_asset_in_its_schemas_group(shipped_defs, pg_server):
    snapshot = shadow_snapshot(list(SCHEMA_FILES), pg_server)
    expected = {
        f"{schema}/{name}" for (schema, name), t in snapshot.tables.items() if not t.is_partition
    } | {f"{s}/{n}" for (s, n), v in snapshot.views.items() if v.kind == "m"}
    graph = shipped_defs.resolve_asset_graph()
    tables = {
        k.to_user_string(): graph.get(k).group_name
        for k in graph.get_all_asset_keys()
        if graph.get(k).group_name != "schema"
    }
    assert set(tables) == expected
    assert all(group == key.split("/")[0] for key, group in tables.items())


def test_tables_without_a_loader_are_external_and_the_rest_are_loaded(shipped_defs):
    external = set().union(
        *(keys_in_group(shipped_defs, g, executable=False) for g in TABLE_GROUPS)
    )
    assert external == {
        "ref/trading_sessions", "ref/corporate_actions", "raw/order_book_snapshots",
        "staging/adjustment_factors",
    }  # fmt: skip


def test_a_new_table_in_the_schema_file_becomes_an_asset(tmp_path, pg_server):
    files = copy_schema_files(tmp_path / "sql")
    with files[-1].open("a") as fh:
        fh.write(
            "\nCREATE TABLE raw.vendor_ticks (tick_id bigint PRIMARY KEY, instrument_id bigint "
            "NOT NULL REFERENCES ref.instruments (instrument_id), price numeric(20,8) NOT NULL);\n"
            "COMMENT ON TABLE raw.vendor_ticks IS 'Ticks from a new vendor';\n"
        )
    graph = defs_of(files, pg_server).resolve_asset_graph()
    node = graph.get(dg.AssetKey(["raw", "vendor_ticks"]))
    assert node.group_name == "raw"
    assert node.description.startswith("Ticks from a new vendor")
    assert dg.AssetKey(["ref", "instruments"]) in node.parent_keys  # lineage from its FK
    columns = node.metadata["dagster/column_schema"].columns
    assert [(c.name, c.type) for c in columns] == [
        ("tick_id", "bigint"), ("instrument_id", "bigint"), ("price", "numeric(20,8)"),
    ]  # fmt: skip


def test_the_eight_range_partitioned_tables_are_monthly_assets_matching_postgres(
    shipped_defs, pg_server
):
    snapshot = shadow_snapshot(list(with_window(SCHEMA_FILES)), pg_server)
    graph = shipped_defs.resolve_asset_graph()
    partitioned = {
        k.to_user_string(): graph.get(k).partitions_def
        for k in graph.get_all_asset_keys()
        if graph.get(k).partitions_def is not None
    }
    assert set(partitioned) == {
        "raw/ohlcv_bars", "raw/trades", "raw/quotes", "raw/order_book_snapshots",
        "staging/bars", "staging/trades", "features/returns", "ml/predictions",
    }  # fmt: skip
    for key, partitions in partitioned.items():
        assert isinstance(partitions, dg.MonthlyPartitionsDefinition), key
        schema, name = key.split("/")
        months = {
            t.name.rsplit("_p", 1)[1]
            for t in snapshot.partitions_of((schema, name))
            if not t.name.endswith("_default")
        }
        keys = partitions.get_partition_keys(current_time=None)
        assert keys[0] == "2026-09-01"  # the first partition the schema creates
        # Every Dagster month up to now has its PostgreSQL partition.
        assert {k[:7].replace("-", "") for k in keys} <= months, key


def test_each_table_assets_code_version_is_its_own_catalog_fingerprint(tmp_path, pg_server):
    files = copy_schema_files(tmp_path / "sql")
    before = defs_of(files, pg_server).resolve_asset_graph()
    text = files[-1].read_text()
    files[-1].write_text(
        text.replace(
            "CREATE TABLE staging.bars (", "CREATE TABLE staging.bars (\n    note text,", 1
        )
    )
    after = defs_of(files, pg_server).resolve_asset_graph()
    changed = {
        k.to_user_string()
        for k in after.get_all_asset_keys()
        if after.get(k).is_executable and after.get(k).code_version != before.get(k).code_version
    }
    assert changed == {"staging/bars"}


def test_owners_and_tags_come_from_pyproject(pg_server):
    settings = Settings.from_env()
    config = DagsterConfig.from_tool(settings.tool)
    assert config.owners, "pyproject.toml declares owners"
    defs = defs_of(SCHEMA_FILES, pg_server, config)
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        if node.group_name == "schema":
            continue
        assert node.owners == config.owners_for(node.group_name), key
        assert config.tags_for(node.group_name).items() <= node.tags.items(), key


def test_bad_owner_in_pyproject_says_what_to_fix():
    with pytest.raises(BadInputError, match="email address or team:<name>"):
        DagsterConfig.from_tool({"dagster": {"owners": {"raw": ["nobody"]}}})


def test_every_table_asset_depends_on_the_validated_schema_and_carries_the_gate(shipped_defs):
    graph = shipped_defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        if node.group_name == "schema" or not node.is_executable:
            continue
        assert dg.AssetKey("validated_schema") in node.parent_keys, key
        label = node.automation_condition.get_label()
        assert label == "eager once the schema is proven", key


def test_blocking_checks_prove_the_plan_before_apply_and_the_schema_after(shipped_defs):
    graph = shipped_defs.resolve_asset_graph()
    checks = {
        (k.asset_key.to_user_string(), k.name): graph.get_check_spec(k).blocking
        for k in graph.asset_check_keys
    }
    assert checks == {
        ("schema_plan", "desired_state_valid"): True,
        ("schema_plan", "desired_mappings_aligned"): True,
        ("schema_plan", "plan_allowed"): True,
        ("schema_plan", "plan_lint_clean"): False,
        ("validated_schema", "plan_converged"): True,
        ("validated_schema", "no_drift"): True,
        ("validated_schema", "validation_has_no_errors"): True,
        ("validated_schema", "mappings_aligned"): True,
    }


def test_no_job_runs_table_assets_without_the_schema_checks(shipped_defs):
    repo = shipped_defs.get_repository_def()
    schema = keys_in_group(shipped_defs, "schema")
    jobs = {j.name: j for j in repo.get_all_jobs() if not j.name.startswith("__")}
    assert set(jobs) == {"migrate_schema", "full_pipeline"}
    for job in jobs.values():
        keys = {k.to_user_string() for k in job.asset_layer.executable_asset_keys}
        if keys - schema:  # the job writes tables: then it proves the schema first
            assert schema <= keys, job.name
            checks = {k.name for k in job.asset_layer.asset_graph.asset_check_keys}
            assert {"plan_converged", "validation_has_no_errors"} <= checks
    assert {
        k.to_user_string() for k in jobs["migrate_schema"].asset_layer.executable_asset_keys
    } == schema
    for job in jobs.values():
        assert job.tags.get("schema_assets/migration") == "true"


def test_runs_execute_in_one_process(shipped_defs):
    job = shipped_defs.resolve_job_def("full_pipeline")
    assert job.executor_def.name == "in_process"


def test_sensors_are_on_by_default(shipped_defs):
    sensors = {s.name: s for s in shipped_defs.get_repository_def().sensor_defs}
    assert set(sensors) == {"desired_state_sensor", "run_failure_alerts", "table_automation"}
    assert all(s.default_status == dg.DefaultSensorStatus.RUNNING for s in sensors.values())


def test_sql_built_feature_tables_declare_column_lineage_that_exists_in_the_catalog(
    warehouse_db,
):
    from schema_assets.defs.tables import features

    snapshot = take_snapshot(warehouse_db)
    lineage = {
        table: columns
        for loader in features.LOADERS
        for table, columns in loader.column_lineage.items()
    }
    assert set(lineage) == {
        "features.returns", "features.technical_indicators", "features.rolling_volatility",
        "features.daily_summary",
    }  # fmt: skip
    for table, columns in lineage.items():
        own = {c.name for c in snapshot.relation_columns(tuple(table.split(".")))}
        assert set(columns) <= own, table
        for sources in columns.values():
            for source in sources:
                schema, name, column = source.split(".")
                assert column in {c.name for c in snapshot.relation_columns((schema, name))}


def test_workspace_and_dg_point_at_the_defs_module():
    assert "schema_assets.defs" in (PROJECT_ROOT / "workspace.yaml").read_text()
    assert (
        'code_location_target_module = "schema_assets.defs"'
        in (PROJECT_ROOT / "pyproject.toml").read_text()
    )


def test_plan_markdown_says_each_change_once_escapes_names_and_shows_down_sql():
    from schema_assets.defs.schema.render import plan_markdown, plan_summary
    from schema_assets.plan import Plan, Step

    hostile = "raw.x|y\nz`w"
    plan = Plan(
        steps=(
            Step("comment", "comment", f"table {hostile}", up=("COMMENT ON TABLE t IS 'a'",),
                 down=("COMMENT ON TABLE t IS NULL",)),
            Step("table", "create", "raw.t", up=("CREATE TABLE raw.t ()",),
                 down=("DROP TABLE raw.t",)),
        )
    )  # fmt: skip
    assert plan_summary(plan) == "2 steps: 1 comment on table, 1 create table"
    md = plan_markdown(plan)
    row = next(line for line in md.splitlines() if line.startswith("| 1 |"))
    from schema_assets.render import markdown

    assert markdown.code("raw.x|y\nz`w") in row  # one row, the name shown, nothing broken out
    header = next(line for line in md.splitlines() if line.startswith("| # |"))
    assert len(re.split(r"(?<!\\)\|", row)) == len(re.split(r"(?<!\\)\|", header))
    assert md.index("Down SQL") < md.index("DROP TABLE raw.t")


def test_plan_markdown_ends_every_statement_of_a_step_with_a_semicolon():
    from schema_assets.defs.schema.render import plan_markdown
    from schema_assets.plan import Plan, Step

    plan = Plan(
        steps=(
            Step("column", "add", "raw.t.c", up=("ALTER TABLE raw.t ADD c int", "UPDATE raw.t SET c = 1"),
                 down=("ALTER TABLE raw.t DROP c",)),
        )
    )  # fmt: skip
    md = plan_markdown(plan)
    assert "ALTER TABLE raw.t ADD c int;\n" in md and "UPDATE raw.t SET c = 1;\n" in md
    assert "ALTER TABLE raw.t DROP c;\n" in md
