"""Declarative automation of the table assets: eager, but never past a failed schema check.

A table asset is requested when a table it reads was updated, when its own code version
(its table's catalog fingerprint) changed, when it becomes missing, or when it is missing
and the schema was just proven (a fresh warehouse, a new table) — and only while every
blocking check of its dependencies passes. Every table asset depends on `validated_schema`,
which carries the post-apply blocking checks, so no table runs while the schema it sits on
failed them. Otherwise updates of `validated_schema` trigger nothing: a migration re-runs
only the tables whose definition it changed (through their code version). A loader is one
step, so a table also waits for the inputs of the other tables its step writes.
"""

from __future__ import annotations

import dagster as dg

from schema_assets.defs.text import one_line

VALIDATED_SCHEMA = dg.AssetKey("validated_schema")
LABEL = "eager once the schema is proven"


def _ready(skipped: dg.AssetSelection) -> dg.AutomationCondition:
    """Every table read, apart from `skipped` (those its own step writes, and those no loader
    of this project writes: Dagster never sees them materialized), has its latest data (its
    latest month, for a monthly table) and is not being written. Older months missing do not
    block: automation loads the latest month, older ones come from a backfill."""
    latest_missing = (
        dg.AutomationCondition.missing()
        & dg.AutomationCondition.in_latest_time_window()
        & ~dg.AutomationCondition.will_be_requested()
    )
    inputs_missing = dg.AutomationCondition.any_deps_match(latest_missing).ignore(skipped)
    inputs_in_progress = dg.AutomationCondition.any_deps_in_progress().ignore(skipped)
    return (~inputs_missing & ~inputs_in_progress).with_label("inputs ready")


def table_condition(
    key: dg.AssetKey, step: tuple[dg.AssetKey, ...], external: tuple[dg.AssetKey, ...]
) -> dg.AutomationCondition:
    """The condition of table asset `key`; `step` lists every table its loader writes,
    `external` the tables no loader writes.

    A loader is one step: when one of its tables is requested, all of them run, reading the
    inputs of every one. So a table is requested only while the other tables of its step are
    ready too: otherwise `ml/models`, whose own inputs were there, ran the training step on a
    fresh warehouse before `staging/bars`, which `ml/training_examples` reads, was loaded.
    """
    schema = dg.AssetSelection.assets(VALIDATED_SCHEMA)
    ready = _ready(dg.AssetSelection.assets(*step, *external))
    triggered = (
        dg.AutomationCondition.newly_missing()
        | dg.AutomationCondition.any_deps_updated().ignore(schema)
        | dg.AutomationCondition.code_version_changed()
        | (
            dg.AutomationCondition.missing()
            & dg.AutomationCondition.any_deps_updated().allow(schema)
        )
    ).since_last_handled()  # type: ignore[misc]  # dagster's self type: AssetKey | AssetCheckKey
    condition = (
        dg.AutomationCondition.in_latest_time_window()
        & triggered
        & ready
        & ~dg.AutomationCondition.in_progress()
        & dg.AutomationCondition.all_deps_blocking_checks_passed()
    )
    for sibling in step:
        if sibling != key:
            label = f"{one_line(sibling.to_user_string())} (same step) ready"  # a table name
            condition = condition & dg.AutomationCondition.asset_matches(sibling, ready).with_label(
                label
            )
    return condition.with_label(LABEL)


def table_automation_sensor(selection: dg.AssetSelection) -> dg.AutomationConditionSensorDefinition:
    """The sensor that evaluates the table conditions (on by default; the daemon runs it)."""
    return dg.AutomationConditionSensorDefinition(
        "table_automation",
        target=selection,
        default_status=dg.DefaultSensorStatus.RUNNING,
        minimum_interval_seconds=30,
        description="Materializes table assets per their automation condition: " + LABEL + ".",
    )
