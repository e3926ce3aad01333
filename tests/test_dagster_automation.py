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
