"""Run the catalog rules over a snapshot: `validate(snapshot, config, now=...)`."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from schema_assets.catalog.model import Snapshot
from schema_assets.validation.config import ValidationConfig
from schema_assets.validation.findings import Finding, Suppressed, ValidationReport
from schema_assets.validation.rules import RULE_IDS, RULES, RuleContext


def load_config(tool: dict) -> ValidationConfig:
    """The validation config from the project's `[tool.schema-assets]` table."""
    return ValidationConfig.from_tool(tool, RULE_IDS)


def _utc(now: dt.datetime | None) -> dt.datetime:
    now = now or dt.datetime.now(dt.UTC)
    return now.replace(tzinfo=dt.UTC) if now.tzinfo is None else now.astimezone(dt.UTC)


def validate(
    snapshot: Snapshot, config: ValidationConfig, *, now: dt.datetime | None = None
) -> ValidationReport:
    """Findings of every enabled rule; `now` decides which partitions must exist."""
    ctx = RuleContext(snapshot=snapshot, now=_utc(now), config=config)
    findings: list[Finding] = []
    suppressed: list[Suppressed] = []
    used: set[int] = set()
    run: list[str] = []
    for rule in RULES:
        if not config.is_enabled(rule.id):
            continue
        run.append(rule.id)
        severity = config.severity_of(rule.id, rule.severity)
        for hit in rule.check(ctx):
            finding = Finding(
                rule=rule.id,
                title=rule.title,
                severity=severity,
                object=hit.object,
                message=hit.message,
                hint=hit.hint or rule.hint,
            )
            exception = config.exception_for(rule.id, hit.object)
            if exception is None:
                findings.append(finding)
            else:
                used.add(config.exceptions.index(exception))
                suppressed.append(Suppressed(finding, exception.reason))
    unused = tuple(f"{e.rule} {e.object}" for i, e in enumerate(config.exceptions) if i not in used)
    counts = Counter(f.severity for f in findings)
    return ValidationReport(
        findings=tuple(findings),
        suppressed=tuple(suppressed),
        rules_run=tuple(run),
        unused_exceptions=unused,
        now=ctx.now.isoformat(),
        counts={"error": counts.get("error", 0), "warning": counts.get("warning", 0)},
    )
