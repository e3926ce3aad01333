"""Monthly partitions: a month materializes that month only; upkeep is a planned schema change."""

from __future__ import annotations

import dataclasses
from datetime import date

import dagster as dg
import pytest
import test_dagster_definitions as support
from helpers import query, scalar
from test_dagster_definitions import desired_of, resources_for

from schema_assets.config import SCHEMA_FILES, Settings
from schema_assets.defs.desired import desired_files
from schema_assets.defs.project import DagsterConfig
from schema_assets.defs.schema.planning import Target, plan_desired
from schema_assets.defs.schema.render import change_label
from schema_assets.defs.tables import LOADERS, build_table_assets

instance = support.instance
dagster_home = support.dagster_home

MARKET = ("raw.ohlcv_bars", "raw.trades", "raw.quotes", "staging.bars", "staging.trades")


@pytest.fixture(scope="module")
def assets(pg_server):
    table_assets, _ = build_table_assets(
        LOADERS, desired_of(SCHEMA_FILES, pg_server), DagsterConfig()
    )
    wanted = {"raw_reference", "raw_market_data", "staging_market_data"}
    return [a for a in table_assets if a.node_def.name in wanted]


def _rows_by_partition(url: str, table: str) -> dict[str, int]:
    rows = query(url, f"SELECT tableoid::regclass::text, count(*) FROM {table} GROUP BY 1")  # noqa: S608 - fixed names
    return {name.rsplit(".", 1)[-1]: n for name, n in rows}


def _month(assets, instance, url, key: str):
    result = dg.materialize(
        assets, instance=instance, resources=resources_for(url), partition_key=key
    )
    assert result.success
    return result


def test_a_month_materializes_only_that_month(assets, warehouse_db, instance):
    october = _month(assets, instance, warehouse_db, "2026-10-01")
    for table in MARKET:
        assert set(_rows_by_partition(warehouse_db, table)) == {table.split(".")[1] + "_p202610"}, (
            table
        )
    counts = {
        e.materialization.asset_key.to_user_string(): e.materialization.metadata
        for e in october.get_asset_materialization_events()
        if e.materialization.partition == "2026-10-01"
    }
    assert counts["raw/trades"]["dagster/row_count"].value == scalar(
        warehouse_db, "SELECT count(*) FROM raw.trades_p202610"
    )
    first = {table: _rows_by_partition(warehouse_db, table) for table in MARKET}

    _month(assets, instance, warehouse_db, "2026-11-01")
    for table in MARKET:
        now = _rows_by_partition(warehouse_db, table)
        name = table.split(".")[1]
        assert now[name + "_p202610"] == first[table][name + "_p202610"], table  # untouched
        assert now[name + "_p202611"] > 0, table
    status = instance.get_status_by_partition(
        dg.AssetKey(["raw", "trades"]),
        partition_keys=["2026-09-01", "2026-10-01", "2026-11-01"],
        partitions_def=dg.MonthlyPartitionsDefinition("2026-09-01", end_offset=1),
    )
    assert status == {
        "2026-09-01": None,
        "2026-10-01": dg.AssetPartitionStatus.MATERIALIZED,
        "2026-11-01": dg.AssetPartitionStatus.MATERIALIZED,
    }


def test_next_months_partitions_are_planned_and_linted_like_any_schema_change(
    warehouse_db, tmp_path
):
    from schema_assets.apply.choose import migrate
    from schema_assets.safety.lint import lint_plan

    # A project home of its own: the window file of another date must not be shared.
    settings = dataclasses.replace(
        Settings.from_env(), database_url=warehouse_db, project_root=tmp_path
    )
    files = desired_files(settings, today=date(2027, 3, 10))  # window: Feb .. Jun 2027
    window = (files[-1]).read_text()
    assert "through 2027-06" in window
    t = Target(dataclasses.replace(settings, schema_files=files), warehouse_db)
    plan = lint_plan(plan_desired(t), t.settings)
    created = {s.object for s in plan.steps if change_label(s) == "create table"}
    months = ("202703", "202704", "202705", "202706")  # the shipped schema ends in Feb 2027
    assert created == {f"{table}_p{m}" for table in (*MARKET, "raw.order_book_snapshots",
                                                     "features.returns", "ml.predictions")
                       for m in months}  # fmt: skip
    assert {change_label(s) for s in plan.steps} == {"create table"}
    assert plan.lint == () and not plan.destructive_steps

    result = migrate(warehouse_db, dataclasses.replace(t.settings, backend="direct"))
    assert len(result.steps) == 32
    assert (
        scalar(warehouse_db, "SELECT to_regclass('raw.trades_p202706')::text")
        == "raw.trades_p202706"
    )
    assert plan_desired(t).is_empty
