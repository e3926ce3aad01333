"""Asset checks on the schema assets.

The gating ones are `blocking=True` with ERROR severity: when one fails, the run stops
before `validated_schema`, so no table asset is written on an unproven schema. Lint is a
warning: it informs the reviewer and never blocks.
"""

from collections import Counter

import dagster as dg

from schema_assets.defs.resources import MigrationResource, WarehouseResource
from schema_assets.defs.schema.assets import (
    field_mapping_report,
    schema_plan,
    schema_revision,
    validation_report,
)
from schema_assets.defs.schema.common import (
    failure,
    findings_markdown,
    mapping_findings_markdown,
    target,
)
from schema_assets.errors import SchemaAssetsError
from schema_assets.plan import Plan
from schema_assets.validation.findings import ValidationReport
from schema_assets.validation.mapping.checker import MappingReport

ERROR = dg.AssetCheckSeverity.ERROR
WARN = dg.AssetCheckSeverity.WARN


@dg.asset_check(
    asset=schema_revision,
    blocking=True,
    description="Re-planning after apply gives an empty plan: the database matches the files.",
)
def plan_converged(
    warehouse: WarehouseResource, migration: MigrationResource
) -> dg.AssetCheckResult:
    from schema_assets.planner import plan_database

    t = target(warehouse, migration)
    try:
        plan = plan_database(t.url, t.settings.schema_files, t.settings)
    except SchemaAssetsError as exc:
        raise failure(exc, "re-planning failed") from exc
    return dg.AssetCheckResult(
        passed=plan.is_empty,
        severity=ERROR,
        description=None if plan.is_empty else f"still pending after apply: {plan.summary()}",
        metadata={"remaining": plan.summary(), "plan": dg.MetadataValue.md(plan.to_markdown())},
    )


@dg.asset_check(
    asset=schema_revision,
    blocking=True,
    description="No change by hand since the last applied state, none pending from the files.",
)
def no_drift(warehouse: WarehouseResource, migration: MigrationResource) -> dg.AssetCheckResult:
    from schema_assets.safety.drift import detect_drift

    t = target(warehouse, migration)
    try:
        report = detect_drift(t.url, t.settings)
    except SchemaAssetsError as exc:
        raise failure(exc, "drift detection failed") from exc
    return dg.AssetCheckResult(
        passed=not report.drifted,
        severity=ERROR,
        metadata={
            "report": dg.MetadataValue.md(report.to_markdown()),
            "recorded_version": report.recorded_version or "",
        },
    )


@dg.asset_check(
    asset=validation_report,
    blocking=True,
    description="The catalog rules report no error findings.",
)
def validation_has_no_errors(validation_report: ValidationReport) -> dg.AssetCheckResult:
    errors = [f for f in validation_report.findings if f.severity == "error"]
    return dg.AssetCheckResult(
        passed=not errors,
        severity=ERROR,
        description="; ".join(f"{f.rule} {f.object}" for f in errors[:10]) or None,
        metadata={
            "errors": len(errors),
            "findings": dg.MetadataValue.md(findings_markdown(errors)),
        },
    )


@dg.asset_check(
    asset=field_mapping_report,
    blocking=True,
    description="Every source's fields map onto existing columns with compatible types.",
)
def mappings_aligned(field_mapping_report: MappingReport) -> dg.AssetCheckResult:
    errors = [f for f in field_mapping_report.findings if f.severity == "error"]
    return dg.AssetCheckResult(
        passed=not errors,
        severity=ERROR,
        description="; ".join(f"{f.source}: {f.column}: {f.message}" for f in errors[:5]) or None,
        metadata={
            "errors": len(errors),
            "findings": dg.MetadataValue.md(mapping_findings_markdown(errors)),
        },
    )


@dg.asset_check(
    asset=schema_plan,
    blocking=False,
    description="squawk finds nothing to warn about in the plan's SQL (warning only).",
)
def plan_lint_clean(schema_plan: Plan) -> dg.AssetCheckResult:
    findings = list(schema_plan.lint)
    lines = [
        f"- step {f.get('step', '?')}: `{f.get('rule', '?')}` {f.get('message', '')}"
        for f in findings
    ]
    by_rule = Counter(str(f.get("rule", "?")) for f in findings)
    return dg.AssetCheckResult(
        passed=not findings,
        severity=WARN,
        description=", ".join(f"{n} × {rule}" for rule, n in by_rule.most_common()) or None,
        metadata={
            "findings": len(findings),
            "by_rule": dg.MetadataValue.json(dict(by_rule)),
            "lint": dg.MetadataValue.md("\n".join(lines[:200]) or "clean"),
        },
    )


CHECKS = (plan_converged, no_drift, validation_has_no_errors, mappings_aligned, plan_lint_clean)
