"""Findings of the catalog rules and the report that collects them."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from schema_assets.render.text import one_line

SEVERITIES = ("error", "warning")


@dataclass(frozen=True)
class Finding:
    """One broken rule on one object (`schema.table`, `schema.table.column`, ...)."""

    rule: str
    title: str
    severity: str
    object: str
    message: str
    hint: str

    def as_text(self) -> str:
        v = one_line
        return (
            f"{self.severity.upper():7} {v(self.rule)} {v(self.object)}: {v(self.message)}\n"
            f"        fix: {v(self.hint)}"
        )


@dataclass(frozen=True)
class Suppressed:
    """A finding silenced by a configured exception, kept with the exception's reason."""

    finding: Finding
    reason: str


@dataclass(frozen=True)
class ValidationReport:
    findings: tuple[Finding, ...] = ()
    suppressed: tuple[Suppressed, ...] = ()
    rules_run: tuple[str, ...] = ()
    unused_exceptions: tuple[str, ...] = ()  # "RULE object" patterns that matched nothing
    now: str = ""
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)

    def by_rule(self, rule: str) -> list[Finding]:
        return [f for f in self.findings if f.rule == rule]

    def to_dict(self) -> dict[str, Any]:
        return {
            "has_errors": self.has_errors,
            "counts": dict(self.counts),
            "now": self.now,
            "rules_run": list(self.rules_run),
            "findings": [asdict(f) for f in self.findings],
            "suppressed": [{**asdict(s.finding), "reason": s.reason} for s in self.suppressed],
            "unused_exceptions": list(self.unused_exceptions),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True)

    def to_text(self) -> str:
        lines = [f.as_text() for f in self.findings]
        for s in self.suppressed:
            f = s.finding
            lines.append(f"allowed {one_line(f.rule)} {one_line(f.object)}: {one_line(s.reason)}")
        for pattern in self.unused_exceptions:
            lines.append(f"note    exception matches nothing: {one_line(pattern)}")
        errors, warnings = self.counts.get("error", 0), self.counts.get("warning", 0)
        lines.append(
            f"{len(self.rules_run)} rules: {errors} error(s), {warnings} warning(s), "
            f"{len(self.suppressed)} allowed by exceptions"
        )
        return "\n".join(lines)
