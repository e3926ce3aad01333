"""Declarative automation of the table assets: eager, but never past a failed schema check.

A table asset is requested when a table it reads was updated, when its own code version
(its table's catalog fingerprint) changed, when it becomes missing, or when it is missing
and the schema was just proven (a fresh warehouse, a new table) — and only while every
blocking check of its dependencies passes. Every table asset depends on `validated_schema`,
which carries the post-apply blocking checks, so no table runs while the schema it sits on
failed them. Otherwise updates of `validated_schema` trigger nothing: a migration re-runs
only the tables whose definition it changed (through their code version).
"""

from __future__ import annotations

import dagster as dg

VALIDATED_SCHEMA = dg.AssetKey("validated_schema")
LABEL = "eager once the schema is proven"


def table_condition() -> dg.AutomationCondition:
    schema = dg.AssetSelection.assets(VALIDATED_SCHEMA)
    triggered = (
        dg.AutomationCondition.newly_missing()
        | dg.AutomationCondition.any_deps_updated().ignore(schema)
        | dg.AutomationCondition.code_version_changed()
        | (
            dg.AutomationCondition.missing()
            & dg.AutomationCondition.any_deps_updated().allow(schema)
        )
    ).since_last_handled()  # type: ignore[misc]  # dagster's self type: AssetKey | AssetCheckKey
    return (
        dg.AutomationCondition.in_latest_time_window()
        & triggered
        & ~dg.AutomationCondition.any_deps_missing()
        & ~dg.AutomationCondition.any_deps_in_progress()
        & ~dg.AutomationCondition.in_progress()
        & dg.AutomationCondition.all_deps_blocking_checks_passed()
    ).with_label(LABEL)


def table_automation_sensor(selection: dg.AssetSelection) -> dg.AutomationConditionSensorDefinition:
    """The sensor that evaluates the table conditions (on by default; the daemon runs it)."""
    return dg.AutomationConditionSensorDefinition(
        "table_automation",
        target=selection,
        default_status=dg.DefaultSensorStatus.RUNNING,
        minimum_interval_seconds=30,
        description="Materializes table assets per their automation condition: " + LABEL + ".",
    )
