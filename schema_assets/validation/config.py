"""`[tool.schema-assets.validation]`: which rules run, their severity, allowed exceptions."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from typing import Any

from schema_assets.errors import BadInputError
from schema_assets.validation.findings import SEVERITIES

SECTION = "[tool.schema-assets.validation]"

#: Columns every table of a schema must have; "*" applies to every schema.
DEFAULT_REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "*": ("created_at",),
    "raw": ("ingested_at", "source_id"),
}


@dataclass(frozen=True)
class RuleException:
    """Rule `rule` does not apply to objects matching `object` (fnmatch pattern), because `reason`."""

    rule: str
    object: str
    reason: str

    def matches(self, rule: str, obj: str) -> bool:
        return fnmatch.fnmatchcase(rule, self.rule) and fnmatch.fnmatchcase(obj, self.object)


@dataclass(frozen=True)
class ValidationConfig:
    enable: tuple[str, ...] = ()  # when set, only these rules run
    disable: tuple[str, ...] = ()
    severity: dict[str, str] = field(default_factory=dict)
    exceptions: tuple[RuleException, ...] = ()
    required_columns: dict[str, tuple[str, ...]] = field(
        default_factory=lambda: dict(DEFAULT_REQUIRED_COLUMNS)
    )

    def is_enabled(self, rule: str) -> bool:
        if self.enable and rule not in self.enable:
            return False
        return rule not in self.disable

    def severity_of(self, rule: str, default: str) -> str:
        return self.severity.get(rule, default)

    def exception_for(self, rule: str, obj: str) -> RuleException | None:
        return next((e for e in self.exceptions if e.matches(rule, obj)), None)

    @classmethod
    def from_tool(
        cls, tool: dict[str, Any] | None, known_rules: tuple[str, ...]
    ) -> ValidationConfig:
        """Build from the `[tool.schema-assets]` table; unknown keys and rule ids are errors."""
        section = dict((tool or {}).get("validation") or {})
        return cls.from_dict(section, known_rules)

    @classmethod
    def from_dict(cls, section: dict[str, Any], known_rules: tuple[str, ...]) -> ValidationConfig:
        allowed = {"enable", "disable", "severity", "exceptions", "required_columns"}
        unknown = sorted(set(section) - allowed)
        if unknown:
            raise BadInputError(
                f"{SECTION}: unknown key {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})"
            )

        def rule_list(key: str) -> tuple[str, ...]:
            value = section.get(key) or []
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise BadInputError(f"{SECTION}: `{key}` must be a list of rule ids")
            for rule in value:
                _check_rule(rule, known_rules, key)
            return tuple(value)

        severity = section.get("severity") or {}
        if not isinstance(severity, dict):
            raise BadInputError(f'{SECTION}: `severity` must be a table of RULE = "error|warning"')
        for rule, level in severity.items():
            _check_rule(rule, known_rules, "severity")
            if level not in SEVERITIES:
                raise BadInputError(
                    f"{SECTION}: severity of {rule} must be one of {', '.join(SEVERITIES)}, got {level!r}"
                )
        exceptions = []
        for i, item in enumerate(section.get("exceptions") or []):
            where = f"{SECTION} exceptions[{i}]"
            if not isinstance(item, dict):
                raise BadInputError(f"{where}: must be a table with rule, object and reason")
            missing = [
                k for k in ("rule", "object", "reason") if not str(item.get(k) or "").strip()
            ]
            if missing:
                raise BadInputError(
                    f"{where}: `{missing[0]}` is required (every exception needs a reason)"
                )
            if not any(fnmatch.fnmatchcase(r, item["rule"]) for r in known_rules):
                raise BadInputError(f"{where}: rule {item['rule']!r} matches no known rule")
            exceptions.append(
                RuleException(str(item["rule"]), str(item["object"]), str(item["reason"]))
            )
        required = dict(DEFAULT_REQUIRED_COLUMNS)
        raw_required = section.get("required_columns") or {}
        if not isinstance(raw_required, dict):
            raise BadInputError(
                f"{SECTION}: `required_columns` must be a table of schema = [columns]"
            )
        for schema, columns in raw_required.items():
            if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
                raise BadInputError(
                    f"{SECTION}: required_columns.{schema} must be a list of column names"
                )
            required[str(schema)] = tuple(columns)
        return cls(
            enable=rule_list("enable"),
            disable=rule_list("disable"),
            severity=dict(severity),
            exceptions=tuple(exceptions),
            required_columns=required,
        )


def _check_rule(rule: str, known_rules: tuple[str, ...], key: str) -> None:
    if rule not in known_rules:
        raise BadInputError(
            f"{SECTION}: unknown rule {rule!r} in `{key}` (known: {', '.join(known_rules)})"
        )
