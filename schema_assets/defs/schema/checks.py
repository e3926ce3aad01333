"""The schema group's asset checks, evaluated in the step of the asset they guard.

Before applying (on `schema_plan`, against the shadow = the desired state): the catalog
rules, the field mappings, and whether the plan may be applied at all (destructive steps,
lint errors) — all blocking, so a desired state that fails them never reaches the
warehouse. Lint warnings only warn. After applying (on `validated_schema`, which every table
asset depends on): convergence, no change by hand, the rules and mappings on the live
catalog — blocking, so no table is written on an unproven schema.

Each check is a pure function of its report: `Verdict` = the check result plus the findings
an alert needs (rule id, meaning, object, fix).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import dagster as dg

from schema_assets.defs.alerts.content import mapping_findings, validation_findings
from schema_assets.defs.alerts.sinks import Finding
from schema_assets.defs.schema import render
from schema_assets.defs.text import md_code, md_text, one_line
from schema_assets.plan import Plan

ERROR = dg.AssetCheckSeverity.ERROR
WARN = dg.AssetCheckSeverity.WARN

PLAN, VALIDATED = "schema_plan", "validated_schema"

PRE_APPLY = (
    dg.AssetCheckSpec(
        "desired_state_valid", asset=PLAN, blocking=True,
        description="The catalog rules report no error on the desired state (the shadow), "
        "before anything is applied.",
    ),
    dg.AssetCheckSpec(
        "desired_mappings_aligned", asset=PLAN, blocking=True,
        description="Every source's fields map onto the desired state's columns, before "
        "anything is applied.",
    ),
    dg.AssetCheckSpec(
        "plan_allowed", asset=PLAN, blocking=True,
        description="No destructive step unless this run allows it (run tag "
        "schema_assets/allow_destructive=true), no lint finding configured as an error.",
    ),
    dg.AssetCheckSpec(
        "plan_lint_clean", asset=PLAN, blocking=False,
        description="squawk finds nothing to warn about in the plan's SQL (warning only).",
    ),
)  # fmt: skip

POST_APPLY = (
    dg.AssetCheckSpec(
        "plan_converged", asset=VALIDATED, blocking=True,
        description="Re-planning after apply gives an empty plan: the warehouse is the "
        "desired state.",
    ),
    dg.AssetCheckSpec(
        "no_drift", asset=VALIDATED, blocking=True,
        description="The live catalog is what the last migration recorded: nothing was "
        "changed by hand.",
    ),
    dg.AssetCheckSpec(
        "validation_has_no_errors", asset=VALIDATED, blocking=True,
        description="The catalog rules report no error on the live warehouse.",
    ),
    dg.AssetCheckSpec(
        "mappings_aligned", asset=VALIDATED, blocking=True,
        description="Every source's fields map onto the live columns with compatible types.",
    ),
)  # fmt: skip


@dataclass(frozen=True)
class Verdict:
    result: dg.AssetCheckResult
    findings: tuple[Finding, ...] = ()

    @property
    def failed(self) -> bool:
        return not self.result.passed


def _summary(findings: tuple[Finding, ...], limit: int = 5) -> str | None:
    if not findings:
        return None
    text = "; ".join(f"{one_line(f.rule)} {one_line(f.object)}" for f in findings[:limit])
    return text + (f"; and {len(findings) - limit} more" if len(findings) > limit else "")


def validation_verdict(name: str, report) -> Verdict:
    errors = [f for f in report.findings if f.severity == "error"]
    findings = validation_findings(errors)
    return Verdict(
        dg.AssetCheckResult(
            check_name=name,
            passed=not errors,
            severity=ERROR,
            description=_summary(findings),
            metadata={
                "errors": len(errors),
                "warnings": report.counts.get("warning", 0),
                "rules_run": len(report.rules_run),
                "allowed_by_exceptions": len(report.suppressed),
                "findings": dg.MetadataValue.md(render.validation_markdown(report.findings)),
            },
        ),
        findings,
    )


def mapping_verdict(name: str, report) -> Verdict:
    errors = [f for f in report.findings if f.severity == "error"]
    findings = mapping_findings(errors)
    return Verdict(
        dg.AssetCheckResult(
            check_name=name,
            passed=not errors,
            severity=ERROR,
            description=_summary(findings),
            metadata={
                "errors": len(errors),
                "warnings": report.counts.get("warning", 0),
                "sources": dg.MetadataValue.json(list(report.sources)),
                "sample_records": dg.MetadataValue.json(dict(report.records)),
                "findings": dg.MetadataValue.md(render.mapping_markdown(report.findings)),
            },
        ),
        findings,
    )


def plan_allowed_verdict(plan: Plan, allowed: bool, allowed_by: str) -> Verdict:
    from schema_assets.safety.lint import lint_errors

    findings: list[Finding] = []
    if not allowed:
        findings += [
            Finding(
                "destructive_step",
                "the step deletes or narrows data (" + ", ".join(s.hazards) + ")",
                f"{render.change_label(s)} {s.object}",
                "not allowed in this run",
                "launch the run with the tag schema_assets/allow_destructive=true (launchpad → "
                "tags) or resources.migration.config.allow_destructive: true; the data is "
                "archived first (CLI: --allow-destructive)",
            )
            for s in plan.destructive_steps
        ]
    findings += [
        Finding(
            str(f.get("rule", "?")),
            "a squawk rule configured as an error in [tool.schema-assets.lint] errors",
            f"step {f.get('step', '?')} ({f.get('object', '')})",
            str(f.get("message", "")),
            "change the schema so the plan avoids it, or take the rule out of `errors`",
        )
        for f in lint_errors(plan)
    ]
    return Verdict(
        dg.AssetCheckResult(
            check_name="plan_allowed",
            passed=not findings,
            severity=ERROR,
            description=_summary(tuple(findings)),
            metadata={
                "destructive_steps": len(plan.destructive_steps),
                "destructive_allowed": allowed,
                "destructive_allowed_by": allowed_by,
                "lint_errors": len(lint_errors(plan)),
            },
        ),
        tuple(findings),
    )


def lint_verdict(plan: Plan) -> Verdict:
    findings = list(plan.lint)
    by_rule = Counter(str(f.get("rule", "?")) for f in findings)
    lines = [
        f"- step {md_text(f.get('step', '?'))}: {md_code(f.get('rule', '?'))} "
        f"{md_text(f.get('message', ''))}"
        for f in findings[:200]
    ]
    return Verdict(
        dg.AssetCheckResult(
            check_name="plan_lint_clean",
            passed=not findings,
            severity=WARN,
            description=", ".join(f"{n} × {rule}" for rule, n in by_rule.most_common()) or None,
            metadata={
                "findings": len(findings),
                "by_rule": dg.MetadataValue.json(dict(by_rule)),
                "lint": dg.MetadataValue.md("\n".join(lines) or "clean"),
            },
        ),
        tuple(
            Finding(
                str(f.get("rule", "?")),
                "squawk migration lint",
                f"step {f.get('step', '?')}",
                str(f.get("message", "")),
                "see the squawk rule's documentation",
            )
            for f in findings
        ),  # fmt: skip
    )


def converged_verdict(plan: Plan) -> Verdict:
    findings = tuple(
        Finding("pending_step", "the warehouse still differs from the desired state",
                f"{render.change_label(s)} {s.object}", "still pending after apply",
                "look at the step's SQL in the metadata; the planner or applier missed it")
        for s in plan.steps
    )  # fmt: skip
    return Verdict(
        dg.AssetCheckResult(
            check_name="plan_converged",
            passed=plan.is_empty,
            severity=ERROR,
            description=None if plan.is_empty else f"still pending: {render.plan_summary(plan)}",
            metadata={
                "remaining": render.plan_summary(plan),
                "plan": dg.MetadataValue.md(render.plan_markdown(plan)),
            },
        ),
        findings,
    )


def drift_verdict(version: str | None, by_hand: Plan | None) -> Verdict:
    drift = by_hand if by_hand is not None and not by_hand.is_empty else None
    findings = tuple(
        Finding("changed_by_hand", "the live catalog differs from what the last migration "
                "recorded", f"{render.change_label(s)} {s.object}", "changed outside schema-assets",
                "put the change into schema.sql (or revert it by hand); the next run plans it")
        for s in (drift.steps if drift is not None else ())
    )  # fmt: skip
    report = (
        "No migration recorded yet."
        if by_hand is None
        else render.plan_markdown(by_hand)
        if drift is not None
        else "No change by hand."
    )
    return Verdict(
        dg.AssetCheckResult(
            check_name="no_drift",
            passed=drift is None,
            severity=ERROR,
            description=f"changed by hand: {render.plan_summary(drift)}"
            if drift is not None
            else None,
            metadata={
                "recorded_version": version or "",
                "report": dg.MetadataValue.md(report),
            },
        ),
        findings,
    )
