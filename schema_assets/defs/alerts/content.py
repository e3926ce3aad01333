"""What an alert says: findings with meaning and fix, and runs named for what they did."""

from __future__ import annotations

from collections.abc import Iterable

import dagster as dg

from schema_assets.defs.alerts.sinks import Finding

#: Field-mapping finding kinds: what each means and how to fix it.
MAPPING_KINDS: dict[str, tuple[str, str]] = {
    "missing_column": (
        "a mapped or looked-up column does not exist in the table",
        "add the column to schema.sql, or correct `column:` in the mapping file",
    ),
    "unmapped_required": (
        "a NOT NULL column without a default is filled by no mapped field",
        "map a payload field or a constant to it, or give the column a default",
    ),
    "type_incompatible": (
        "the field's values cannot be stored in the column's type",
        "change the column type, or the field's type/transform in the mapping file",
    ),
    "nullability": (
        "an optional field (or nulls in the samples) feeds a NOT NULL column",
        "make the field required, give the column a default, or allow NULL",
    ),
    "check_violation": (
        "sample values break a CHECK constraint of the column",
        "fix the field's transform, or the constraint if the values are legitimate",
    ),
    "unknown_field": (
        "a payload field is neither mapped nor ignored",
        "map it, or list it under `ignore:` in the mapping file",
    ),
}


def validation_findings(findings: Iterable) -> tuple[Finding, ...]:
    """Catalog-rule findings (`validation.findings.Finding`) as alert lines."""
    return tuple(Finding(f.rule, f.title, f.object, f.message, f.hint) for f in findings)


def mapping_findings(findings: Iterable) -> tuple[Finding, ...]:
    """Field-mapping findings (`MappingFinding`) as alert lines."""
    out = []
    for f in findings:
        meaning, fix = MAPPING_KINDS.get(f.kind, (f.kind.replace("_", " "), "see the mapping file"))
        where = f"{f.column} (source {f.source}" + (f", field {f.field}" if f.field else "")
        out.append(Finding(f.kind, meaning, f"{where}, {f.where})", f.message, fix))
    return tuple(out)


def run_label(run: dg.DagsterRun) -> str:
    """A run named for what it did: its job, or the assets of an ad-hoc/automation run."""
    if not run.job_name.startswith("__"):
        label = run.job_name
    else:
        keys = sorted(k.to_user_string() for k in (run.asset_selection or ()))
        shown = ", ".join(keys[:3]) + (f" and {len(keys) - 3} more" if len(keys) > 3 else "")
        label = f"materialize {shown}" if keys else "ad-hoc asset run"
    partition = run.tags.get("dagster/partition")
    if partition:
        label += f" (partition {partition})"
    elif run.tags.get("dagster/asset_partition_range_start"):
        label += (
            f" (partitions {run.tags['dagster/asset_partition_range_start']}"
            f"..{run.tags.get('dagster/asset_partition_range_end', '')})"
        )
    return label
