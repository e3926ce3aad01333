"""Declarative automation: no table run is requested while a blocking schema check fails.

Evaluated the way the `table_automation` sensor does (`dg.evaluate_automation_conditions`),
on the shipped definitions, with `validated_schema`'s checks really run on a live database.
"""

from __future__ import annotations

import dataclasses

import dagster as dg
import test_dagster_definitions as support
from helpers import execute
from test_dagster_definitions import check_results, resources_for

from schema_assets.defs import schema
from schema_assets.defs.resources import WarehouseResource
from schema_assets.defs.schema.planning import target

instance = support.instance
dagster_home = support.dagster_home
shipped_defs = support.shipped_defs

BAD_TABLE = "CREATE TABLE raw.hand_made (x integer)"  # no PK, not in the files: checks fail


def _prove(instance, url):
    """Materialize validated_schema alone: its post-apply checks run on the live catalog."""
    return dg.materialize(
        list(schema.ASSETS),
        selection=["validated_schema"],
        instance=instance,
        resources=resources_for(url),
        raise_on_error=False,
    )


def _requested(defs, instance, cursor=None):
    result = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=cursor)
    keys = {
        r.key.to_user_string()
        for r in result.results
        if r.true_subset.size > 0 and r.key.to_user_string() != "validated_schema"
    }
    return keys, result.cursor


def _migrate(url: str) -> None:
    """Bring the warehouse to the desired state (the partition window depends on the date)."""
    from schema_assets.apply.choose import migrate

    t = target(WarehouseResource(database_url=url))
    migrate(url, dataclasses.replace(t.settings, backend="direct"))


def test_no_table_run_while_a_blocking_check_fails_then_tables_follow(
    shipped_defs, warehouse_db, instance
):
    _migrate(warehouse_db)
    execute(warehouse_db, BAD_TABLE)
    failing = _prove(instance, warehouse_db)
    checks = check_results(failing)
    assert checks["validated_schema:validation_has_no_errors"] is False
    assert checks["validated_schema:plan_converged"] is False
    requested, cursor = _requested(shipped_defs, instance)
    assert requested == set()

    execute(warehouse_db, "DROP TABLE raw.hand_made")
    passing = _prove(instance, warehouse_db)
    assert all(check_results(passing).values()), check_results(passing)
    requested, _ = _requested(shipped_defs, instance, cursor)
    # The roots first; every table asset depends on validated_schema and now may run.
    assert {"ref/exchanges", "ref/instruments", "raw/ingest_log"} <= requested
    assert all(not key.startswith("schema") for key in requested)


def _unready_inputs(defs: dg.Definitions, instance, requested: set[str]) -> dict[str, list[str]]:
    """Requested assets whose *step* reads a table (one a loader writes) that is neither
    materialized nor requested into the same run. A loader's multi-asset is one step: when any of its tables is
    requested, all of them run, reading the inputs of every one of them."""
    graph = defs.resolve_asset_graph()
    running = {
        k.to_user_string()
        for user_key in requested
        for k in defs.get_assets_def(dg.AssetKey.from_user_string(user_key)).keys
    }
    out: dict[str, list[str]] = {}
    for user_key in sorted(requested):
        key = dg.AssetKey.from_user_string(user_key)
        step = defs.get_assets_def(key)
        for output in step.keys:
            for dep in graph.get(output).parent_keys:
                if dep in step.keys or dep == dg.AssetKey("validated_schema"):
                    continue
                if not graph.get(dep).is_materializable:
                    continue  # no loader writes it: Dagster never sees it materialized
                materialized = instance.get_latest_materialization_event(dep) is not None
                same_run = dep.to_user_string() in running and (
                    graph.get(dep).partitions_def == step.partitions_def
                )
                if not (materialized or same_run):
                    out.setdefault(user_key, []).append(dep.to_user_string())
    return out


def test_a_loader_step_is_requested_only_once_every_table_it_reads_can_be_there(
    shipped_defs, warehouse_db, instance
):
    # Seen in the UI on a fresh clone: the first tick requested the monthly tables (one run
    # per partition) and ml/models, whose own inputs were there; its step also writes
    # ml/training_examples, which reads staging/bars, so the step ran before any bar existed
    # and failed ("only 0 complete training examples").
    _migrate(warehouse_db)
    _, cursor = _requested(shipped_defs, instance)  # the sensor's first tick: nothing proven
    assert all(check_results(_prove(instance, warehouse_db)).values())
    requested, _ = _requested(shipped_defs, instance, cursor)
    assert requested, "the proven, empty warehouse requests its root tables"
    assert _unready_inputs(shipped_defs, instance, requested) == {}


def test_a_waiting_step_runs_once_the_latest_month_of_its_inputs_is_loaded(
    shipped_defs, warehouse_db, instance
):
    # Older months missing must not hold the step back for ever: automation loads only the
    # latest month; older ones come from a backfill.
    _migrate(warehouse_db)
    _, cursor = _requested(shipped_defs, instance)
    assert all(check_results(_prove(instance, warehouse_db)).values())
    requested, cursor = _requested(shipped_defs, instance, cursor)
    assert "ml/models" not in requested
    graph = shipped_defs.resolve_asset_graph()
    training = shipped_defs.get_assets_def(dg.AssetKey.from_user_string("ml/models")).keys
    for key in graph.materializable_asset_keys:
        node = graph.get(key)
        if key in training or key == dg.AssetKey("validated_schema") or node.group_name == "schema":
            continue
        partitions = node.partitions_def
        latest = partitions.get_last_partition_key() if partitions else None
        instance.report_runless_asset_event(dg.AssetMaterialization(key, partition=latest))
    requested, _ = _requested(shipped_defs, instance, cursor)
    assert {key.to_user_string() for key in training} <= requested
    assert _unready_inputs(shipped_defs, instance, requested) == {}


def _requested_partitions(defs, instance, cursor):
    """What one tick runs: asset key → partition keys (None for an unpartitioned asset)."""
    result = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=cursor)
    out: dict[dg.AssetKey, list[str | None]] = {}
    for r in result.results:
        if r.true_subset.size == 0 or r.key == dg.AssetKey("validated_schema"):
            continue
        partitioned = r.true_subset.is_partitioned
        keys = list(r.true_subset.expensively_compute_partition_keys()) if partitioned else [None]
        for key in defs.get_assets_def(r.key).keys:  # a step runs all of its tables
            out[key] = keys
    return out, result.cursor


def test_automation_fills_a_fresh_warehouse_step_by_step_and_never_early(
    shipped_defs, warehouse_db, instance
):
    # The daemon's loop, with each requested run reported as done: every table a loader
    # writes is reached (tables no loader writes, which Dagster never sees materialized, hold
    # nothing back), and no tick requests a step before the tables it reads are there.
    _migrate(warehouse_db)
    _, cursor = _requested(shipped_defs, instance)
    assert all(check_results(_prove(instance, warehouse_db)).values())
    reached: set[str] = set()
    for _tick in range(12):
        requested, cursor = _requested_partitions(shipped_defs, instance, cursor)
        if not requested:
            break
        names = {key.to_user_string() for key in requested}
        assert _unready_inputs(shipped_defs, instance, names) == {}, " ".join(sorted(names))
        for key, partitions in requested.items():
            for partition in partitions:
                instance.report_runless_asset_event(
                    dg.AssetMaterialization(key, partition=partition)
                )
        reached |= names
    graph = shipped_defs.resolve_asset_graph()
    loaded = {
        key.to_user_string()
        for key in graph.materializable_asset_keys
        if graph.get(key).group_name != "schema" and key != dg.AssetKey("validated_schema")
    }
    assert reached == loaded


def test_a_table_name_holding_a_newline_stays_on_one_line_in_the_condition_labels() -> None:
    from schema_assets.defs.automation import table_condition

    own, hostile = dg.AssetKey(["s", "t"]), dg.AssetKey(["s", "x\ny\u202e"])
    condition = table_condition(own, (own, hostile), ())
    labels = [child.get_label() or "" for child in condition.children]
    assert any("(same step) ready" in label for label in labels)
    assert all(label.isprintable() for label in labels), labels
