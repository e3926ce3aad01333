"""Schema assets: source files → plan → applied revision → validation → validated schema.

Each asset does one step of the product's data flow and records what a reviewer needs as
metadata (plan markdown, hazards, per-step durations, findings). `validated_schema` is the
single gate every table asset depends on; the blocking checks in `checks.py` stop it (and so
every table) from materializing in a run where migration or verification failed.
"""

import time

import dagster as dg

from schema_assets.database import mask_url
from schema_assets.defs.resources import MigrationResource, WarehouseResource
from schema_assets.defs.schema.common import (
    failure,
    findings_markdown,
    mapping_findings_markdown,
    target,
)
from schema_assets.errors import SchemaAssetsError
from schema_assets.plan import Plan
from schema_assets.sqlfiles import content_hash, read_sql_file, split_statements

GROUP = "schema"


def _ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)


@dg.asset(group_name=GROUP, kinds={"sql"})
def schema_source(warehouse: WarehouseResource) -> dg.MaterializeResult:
    """The desired state: the schema files' content hash and statement counts per file."""
    files = warehouse.files()
    try:
        digest = content_hash(files)
        counts = {f.name: len(split_statements(read_sql_file(f), str(f))) for f in files}
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


def plan_metadata(plan: Plan) -> dict[str, object]:
    hazards = sorted({h for s in plan.steps for h in s.hazards})
    return {
        "plan": dg.MetadataValue.md(plan.to_markdown()),
        "summary": plan.summary(),
        "steps": len(plan.steps),
        "destructive_steps": len(plan.destructive_steps),
        "hazards": dg.MetadataValue.json(hazards),
        "lint_findings": len(plan.lint),
        "checksum": plan.checksum(),
    }


@dg.asset(group_name=GROUP, deps=[schema_source], kinds={"postgres"})
def schema_plan(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    migration: MigrationResource,
) -> dg.Output[Plan]:
    """What applying the schema files to the live database would do, linted by squawk."""
    from schema_assets.planner import plan_database
    from schema_assets.safety.lint import lint_plan

    t = target(warehouse, migration)
    started = time.perf_counter()
    try:
        plan = lint_plan(plan_database(t.url, t.settings.schema_files, t.settings), t.settings)
    except SchemaAssetsError as exc:
        raise failure(exc, "planning failed") from exc
    context.log.info(f"plan for {mask_url(t.url)}: {plan.summary()}")
    return dg.Output(plan, metadata={**plan_metadata(plan), "duration_ms": _ms(started)})


def _steps_markdown(steps: list[tuple[str, str, int]]) -> str:
    if not steps:
        return "No steps: the database already matched the schema files."
    lines = ["| # | action | object | ms |", "|---|---|---|---|"]
    lines += [f"| {i} | {a} | `{o}` | {ms} |" for i, (o, a, ms) in enumerate(steps, 1)]
    return "\n".join(lines)


@dg.asset(group_name=GROUP, deps=[schema_plan], kinds={"postgres"})
def schema_revision(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    migration: MigrationResource,
) -> dg.MaterializeResult:
    """The plan applied through the chosen backend (Alembic, or the direct fallback)."""
    from schema_assets.apply.choose import migrate

    t = target(warehouse, migration)
    try:
        result = migrate(t.url, t.settings)
    except SchemaAssetsError as exc:
        raise failure(exc, "migration failed") from exc
    context.log.info(
        f"{result.backend} ({result.reason}): "
        + ("nothing to apply" if result.skipped else f"revision {result.revision}")
        + f" in {result.total_ms} ms"
    )
    return dg.MaterializeResult(
        metadata={
            "revision": result.revision or "",
            "backend": result.backend,
            "backend_reason": result.reason,
            "skipped": result.skipped,
            "steps": dg.MetadataValue.md(_steps_markdown(result.steps)),
            "step_durations_ms": dg.MetadataValue.json(
                [{"object": o, "action": a, "ms": ms} for o, a, ms in result.steps]
            ),
            "total_ms": result.total_ms,
            "database": mask_url(t.url),
        }
    )


@dg.asset(group_name=GROUP, deps=[schema_revision], kinds={"postgres"})
def validation_report(warehouse: WarehouseResource):
    """The catalog rules run over the live (just migrated) database."""
    from schema_assets.catalog import take_snapshot
    from schema_assets.validation.engine import load_config, validate

    t = target(warehouse)
    started = time.perf_counter()
    try:
        report = validate(take_snapshot(t.url), load_config(t.settings.tool))
    except SchemaAssetsError as exc:
        raise failure(exc, "validation could not run") from exc
    return dg.Output(
        report,
        metadata={
            "errors": report.counts.get("error", 0),
            "warnings": report.counts.get("warning", 0),
            "rules_run": len(report.rules_run),
            "allowed_by_exceptions": len(report.suppressed),
            "findings": dg.MetadataValue.md(findings_markdown(report.findings)),
            "duration_ms": _ms(started),
        },
    )


@dg.asset(group_name=GROUP, deps=[schema_revision], kinds={"postgres"})
def field_mapping_report(warehouse: WarehouseResource):
    """Every source's field mapping checked against the live catalog and its samples."""
    from schema_assets.catalog import take_snapshot
    from schema_assets.validation.mapping import check_mappings

    t = target(warehouse)
    started = time.perf_counter()
    try:
        report = check_mappings(take_snapshot(t.url))
    except SchemaAssetsError as exc:
        raise failure(exc, "field mappings could not be checked") from exc
    return dg.Output(
        report,
        metadata={
            "errors": report.counts["error"],
            "warnings": report.counts["warning"],
            "sources": dg.MetadataValue.json(list(report.sources)),
            "sample_records": dg.MetadataValue.json(dict(report.records)),
            "findings": dg.MetadataValue.md(mapping_findings_markdown(report.findings)),
            "duration_ms": _ms(started),
        },
    )


@dg.asset(
    group_name=GROUP,
    deps=[schema_revision, validation_report, field_mapping_report],
    kinds={"postgres"},
)
def validated_schema(warehouse: WarehouseResource) -> dg.MaterializeResult:
    """The live schema once migrated and proven: what every table asset depends on."""
    from schema_assets.catalog import take_snapshot

    t = target(warehouse)
    snapshot = take_snapshot(t.url)
    tables = [k for k, tb in snapshot.tables.items() if not tb.is_partition]
    return dg.MaterializeResult(
        metadata={
            "fingerprint": snapshot.fingerprint(),
            "source_hash": content_hash(t.settings.schema_files),
            "tables": len(tables),
            "partitions": len(snapshot.tables) - len(tables),
            "views": len(snapshot.views),
            "database": mask_url(t.url),
        },
        data_version=dg.DataVersion(snapshot.fingerprint()),
    )


ASSETS = (
    schema_source,
    schema_plan,
    schema_revision,
    validation_report,
    field_mapping_report,
    validated_schema,
)
