"""Schema assets: desired state → plan (proven on the shadow) → applied revision → proven schema.

Each asset does one step of the product's data flow and records what a reviewer needs as
metadata. Nothing is passed between steps through an IO manager: every asset recomputes or
re-reads what it needs from the database, and reports live in metadata, so runs work the
same in one process, in several, or on several machines.

- `schema_source`: the desired state's identity (content hash of the schema files + window).
- `schema_plan`: live → desired plan, with the pre-apply blocking checks evaluated on the
  shadow (the desired state) in the same step: a failing one stops the run before anything
  touches the warehouse.
- `schema_revision`: the plan applied (Alembic, or the direct fallback), destructive steps
  only when this run allows them; who allowed them is recorded.
- `validated_schema`: the post-apply blocking checks; every table asset depends on it.
"""

import time
from collections.abc import Iterable

import dagster as dg

from schema_assets.database import mask_url
from schema_assets.defs.alerts.content import run_label
from schema_assets.defs.alerts.sinks import Alert
from schema_assets.defs.resources import AlertsResource, MigrationResource, WarehouseResource
from schema_assets.defs.schema import checks, render
from schema_assets.defs.schema.planning import (
    Target,
    by_hand_changes,
    desired_snapshot,
    destructive_permission,
    failure,
    plan_desired,
    target,
)
from schema_assets.defs.text import one_line
from schema_assets.errors import PlanRefusedError, SchemaAssetsError
from schema_assets.sqlfiles import read_sql_file, split_statements

GROUP = "schema"
#: validated_schema's data version: constant, so a migration does not make every table
#: stale; each table asset's code version carries its own table's catalog fingerprint.
PROVEN = dg.DataVersion("schema-proven")


def _ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)


def _alert_failed(
    context: dg.AssetExecutionContext, alerts: AlertsResource, verdicts: Iterable[checks.Verdict]
) -> None:
    """One alert per failed check, with every finding's rule, meaning, object and fix."""
    sink = alerts.sink()
    for verdict in verdicts:
        if not verdict.failed:
            continue
        result = verdict.result
        warn = result.severity == dg.AssetCheckSeverity.WARN
        label = run_label(context.run)
        sink.deliver(
            Alert(
                kind="check_failed",
                title=f"check {result.check_name} failed on {context.asset_key.to_user_string()}"
                f" in run {label}" + (" (warning)" if warn else ""),
                message=result.description or "",
                severity="warning" if warn else "error",
                run_id=context.run.run_id,
                run_url=sink.run_url(context.run.run_id),
                job=label,
                asset=context.asset_key.to_user_string(),
                check=result.check_name,
                findings=verdict.findings,
            )
        )


@dg.asset(group_name=GROUP, kinds={"sql"})
def schema_source(warehouse: WarehouseResource) -> dg.MaterializeResult:
    """The desired state: schema files + generated partition window, hashed together."""
    try:
        t = target(warehouse)
        files = t.settings.schema_files
        counts = {f.name: len(split_statements(read_sql_file(f), str(f))) for f in files}
        digest = t.content_hash
    except SchemaAssetsError as exc:
        raise failure(exc, "schema files cannot be read") from exc
    except OSError as exc:
        raise dg.Failure(f"schema files cannot be read: {exc}") from exc
    return dg.MaterializeResult(
        metadata={
            "content_hash": digest,
            "files": dg.MetadataValue.json([str(f) for f in files]),
            "statements_per_file": dg.MetadataValue.json(counts),
            "statements": sum(counts.values()),
        },
        data_version=dg.DataVersion(digest),
    )


@dg.asset(group_name=GROUP, deps=[schema_source], kinds={"postgres"}, check_specs=checks.PRE_APPLY)
def schema_plan(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    migration: MigrationResource,
    alerts: AlertsResource,
):
    """What applying the desired state would do, linted, and proven on the shadow first."""
    from schema_assets.safety.lint import lint_plan
    from schema_assets.validation.engine import load_config, validate
    from schema_assets.validation.mapping import check_mappings

    t = target(warehouse, migration)
    started = time.perf_counter()
    try:
        plan = lint_plan(plan_desired(t), t.settings)
        desired = desired_snapshot(t)
        validation = validate(desired, load_config(t.settings.tool))
        mapping = check_mappings(desired)
    except SchemaAssetsError as exc:
        raise failure(exc, "planning failed") from exc
    permission = destructive_permission(context, t)
    context.log.info(f"plan for {mask_url(t.url)}: {render.plan_summary(plan)}")
    hazards = sorted({h for s in plan.steps for h in s.hazards})
    yield dg.MaterializeResult(
        metadata={
            "plan": dg.MetadataValue.md(render.plan_markdown(plan)),
            "summary": render.plan_summary(plan),
            "steps": len(plan.steps),
            "destructive_steps": len(plan.destructive_steps),
            "hazards": dg.MetadataValue.json(hazards),
            "lint_findings": len(plan.lint),
            "checksum": plan.checksum(),
            "desired_state": t.content_hash,
            "shadow_server": mask_url(t.shadow_server),
            "duration_ms": _ms(started),
        }
    )
    verdicts = [
        checks.validation_verdict("desired_state_valid", validation),
        checks.mapping_verdict("desired_mappings_aligned", mapping),
        checks.plan_allowed_verdict(plan, permission.allowed, permission.by),
        checks.lint_verdict(plan),
    ]
    _alert_failed(context, alerts, verdicts)
    for verdict in verdicts:
        yield verdict.result


def _proven_state(context: dg.AssetExecutionContext) -> str | None:
    """The desired-state hash `schema_plan` proved in this run (None if it did not run here)."""
    records = context.instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=schema_plan.key), limit=1
    ).records
    if not records or records[0].run_id != context.run.run_id:
        return None
    value = records[0].asset_materialization.metadata.get("desired_state")
    return str(value.value) if value is not None else None


def _apply(t: Target, allowed: bool):
    from schema_assets.apply.choose import migrate

    # The applier plans its revision from history on Settings.shadow_server (the separate
    # shadow server when SCHEMA_ASSETS_SHADOW_URL is set), as the CLI's `apply` does.
    try:
        return migrate(t.url, t.settings, allow_destructive=allowed)
    except PlanRefusedError as exc:
        raise failure(
            exc,
            "plan refused (from the UI: launch with the run tag "
            "schema_assets/allow_destructive=true to allow destructive steps)",
        ) from exc
    except SchemaAssetsError as exc:
        raise failure(exc, "migration failed") from exc


@dg.asset(group_name=GROUP, deps=[schema_plan], kinds={"postgres"})
def schema_revision(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, migration: MigrationResource
) -> dg.MaterializeResult:
    """The plan applied through the chosen backend (Alembic, or the direct fallback)."""
    t = target(warehouse, migration)
    proven = _proven_state(context)
    if proven is None:
        raise dg.Failure(
            "nothing applied: schema_revision applies only a desired state that schema_plan "
            "proved in the same run; materialize the schema group (job migrate_schema)"
        )
    if proven != t.content_hash:
        raise dg.Failure(
            f"the desired state changed after it was proven ({proven[:12]} → "
            f"{t.content_hash[:12]}): nothing applied; the next run proves the new state"
        )
    permission = destructive_permission(context, t)
    result = _apply(t, permission.allowed)
    context.log.info(
        f"{result.backend} ({result.reason}): "
        + ("nothing to apply" if result.skipped else f"revision {result.revision}")
        + f" in {result.total_ms} ms"
    )
    destructive = len(result.plan.destructive_steps) if not result.skipped else 0
    return dg.MaterializeResult(
        metadata={
            "revision": result.revision or "",
            "applied_revisions": dg.MetadataValue.json(list(result.applied)),
            # declarative mode writes the new revision into migrations/versions: commit it
            "new_revision_file": one_line(result.revision_file or ""),
            "backend": result.backend,
            "backend_reason": result.reason,
            "skipped": result.skipped,
            "summary": render.plan_summary(result.plan),
            "steps": dg.MetadataValue.md(render.applied_steps_markdown(result.steps, result.plan)),
            "step_durations_ms": dg.MetadataValue.json(
                [{"object": o, "action": a, "ms": ms} for o, a, ms in result.steps]
            ),
            "total_ms": result.total_ms,
            "destructive_steps_applied": destructive,
            "destructive_allowed": permission.allowed,
            "destructive_allowed_by": permission.by,
            "database": mask_url(t.url),
        }
    )


@dg.asset(
    group_name=GROUP, deps=[schema_revision], kinds={"postgres"}, check_specs=checks.POST_APPLY
)
def validated_schema(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    migration: MigrationResource,
    alerts: AlertsResource,
):
    """The live schema once migrated and proven: what every table asset depends on."""
    from schema_assets.catalog import take_snapshot
    from schema_assets.validation.engine import load_config, validate
    from schema_assets.validation.mapping import check_mappings

    t = target(warehouse, migration)
    started = time.perf_counter()
    try:
        live = take_snapshot(t.url)
        remaining = plan_desired(t, live)
        version, by_hand = by_hand_changes(t, live)
        validation = validate(live, load_config(t.settings.tool))
        mapping = check_mappings(live)
    except SchemaAssetsError as exc:
        raise failure(exc, "verification could not run") from exc
    tables = [k for k, tb in live.tables.items() if not tb.is_partition]
    yield dg.MaterializeResult(
        metadata={
            "fingerprint": live.fingerprint(),
            "desired_state": t.content_hash,
            "recorded_version": version or "",
            "tables": len(tables),
            "partitions": len(live.tables) - len(tables),
            "views": len(live.views),
            "database": mask_url(t.url),
            "duration_ms": _ms(started),
        },
        data_version=PROVEN,
    )
    verdicts = [
        checks.converged_verdict(remaining),
        checks.drift_verdict(version, by_hand),
        checks.validation_verdict("validation_has_no_errors", validation),
        checks.mapping_verdict("mappings_aligned", mapping),
    ]
    _alert_failed(context, alerts, verdicts)
    for verdict in verdicts:
        yield verdict.result


ASSETS = (schema_source, schema_plan, schema_revision, validated_schema)
