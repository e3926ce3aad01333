"""Run squawk over a plan's SQL and attach its findings to the plan.

The plan goes to one squawk process as one script on stdin, shaped the way the appliers run
it: the `SET lock_timeout` they issue first, consecutive transactional steps inside
BEGIN/COMMIT, non-transactional ones outside. Each statement's line span maps a finding back
to its step and statement.

Findings are warnings unless `[tool.schema-assets.lint] errors = [...]` names their rule;
`exclude = [...]` silences rules (default: `DEFAULT_EXCLUDE`).
"""

from __future__ import annotations

import bisect
import dataclasses
import json
import logging
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from psycopg import sql

from schema_assets.config import Settings
from schema_assets.errors import PlanRefusedError
from schema_assets.plan import Plan, Step

log = logging.getLogger(__name__)

#: Rules that do not fit how this tool applies plans. `prefer-robust-stmts`: finished steps
#: are recorded and never re-run (transactional ones commit together), so IF NOT EXISTS buys
#: nothing. `require-statement-timeout`: the appliers bound waiting with `lock_timeout`;
#: a statement timeout would abort legitimate long validations on big tables.
DEFAULT_EXCLUDE = ("prefer-robust-stmts", "require-statement-timeout")
SQUAWK_TIMEOUT_S = 120


@dataclass(frozen=True)
class LintConfig:
    errors: frozenset[str] = frozenset()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    pg_version: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> LintConfig:
        raw = dict(settings.tool.get("lint") or {})
        errors = frozenset(str(r) for r in raw.get("errors") or ())
        exclude = tuple(str(r) for r in raw.get("exclude", DEFAULT_EXCLUDE) or ())
        # A rule configured as an error is never silenced by the default excludes.
        exclude = tuple(r for r in exclude if r not in errors)
        version = raw.get("pg_version")
        return cls(errors=errors, exclude=exclude, pg_version=str(version) if version else None)


def squawk_binary() -> Path | None:
    """The squawk executable shipped by `squawk-cli`: on PATH or next to this Python."""
    found = shutil.which("squawk")
    if found:
        return Path(found)
    beside = Path(sys.executable).parent / "squawk"
    return beside if beside.is_file() else None


_QNAME = r'(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)\.(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)'
_CREATED_TABLE = re.compile(
    r"^\s*CREATE\s+(?:UNLOGGED\s+TABLE|TABLE|MATERIALIZED\s+VIEW)\s+(" + _QNAME + ")", re.I
)
_MENTION = re.compile(_QNAME)


def _created_tables(step: Step) -> list[str]:
    return [m.group(1) for stmt in step.up if (m := _CREATED_TABLE.match(stmt))]


def _prelude(step: Step, created: set[str]) -> list[str]:
    """Declares the tables this plan created earlier that the step touches: squawk then knows,
    as it does within one file, that nobody else can be locked out of them."""
    seen = {m.group(0) for stmt in step.up for m in _MENTION.finditer(stmt)}
    return [f"CREATE TABLE {name} ();" for name in sorted(seen & created)]


@dataclass(frozen=True)
class _Span:
    """Lines [first, last] of the script holding statement `statement` of step `step`."""

    first: int
    last: int
    step: int
    statement: int


def _script(plan: Plan, lock_timeout: str) -> tuple[str, list[_Span]]:
    """The whole plan as one script, shaped the way the appliers run it: `SET lock_timeout`
    first, consecutive transactional steps inside BEGIN/COMMIT, others outside. Tables and
    materialized views created earlier in the plan are declared before a step that mentions
    them (squawk tracks tables created in the file, not materialized views)."""
    header = sql.SQL("SET lock_timeout = {};").format(sql.Literal(lock_timeout)).as_string(None)
    lines = [header]
    spans: list[_Span] = []
    created: set[str] = set()
    in_tx = False
    for number, step in enumerate(plan.steps, 1):
        if not step.up:
            continue
        if step.transactional != in_tx:
            lines.append("BEGIN;" if step.transactional else "COMMIT;")
            in_tx = step.transactional
        created.update(_created_tables(step))
        lines.extend(_prelude(step, created))
        for index, stmt in enumerate(step.up, 1):
            first = len(lines)
            lines.extend((stmt.rstrip().rstrip(";") + ";").splitlines())
            spans.append(_Span(first, len(lines) - 1, number, index))
    if in_tx:
        lines.append("COMMIT;")
    return "\n".join(lines) + "\n", spans


def _span_of(line: int, spans: Sequence[_Span], firsts: Sequence[int]) -> _Span | None:
    i = bisect.bisect_right(firsts, line) - 1
    return spans[i] if i >= 0 and spans[i].first <= line <= spans[i].last else None


def _run_squawk(binary: Path, script: str, config: LintConfig) -> list[dict[str, Any]]:
    """One squawk process over the whole script, read from stdin (no file per step)."""
    cmd = [str(binary), "--reporter", "json", "--stdin-filepath", "plan.sql"]
    if config.exclude:
        cmd.append("--exclude=" + ",".join(config.exclude))
    if config.pg_version:
        cmd.append(f"--pg-version={config.pg_version}")
    cmd.append("--no-assume-in-transaction")  # the script says where transactions are
    proc = subprocess.run(
        cmd, input=script, capture_output=True, text=True, timeout=SQUAWK_TIMEOUT_S
    )
    out = proc.stdout.strip()
    if not out:
        if proc.returncode not in (0, 1):
            raise RuntimeError(proc.stderr.strip() or f"squawk exited with {proc.returncode}")
        return []
    return json.loads(out)


def lint_plan(plan: Plan, settings: Settings, *, binary: Path | None = None) -> Plan:
    """The plan with squawk's findings in `plan.lint`; a missing squawk becomes a warning."""
    config = LintConfig.from_settings(settings)
    if plan.is_empty:
        return dataclasses.replace(plan, lint=())
    binary = binary or squawk_binary()
    if binary is None or not binary.is_file():
        message = "lint skipped: the squawk binary was not found (pip install squawk-cli)"
        log.warning(message)
        return dataclasses.replace(plan, lint=(), warnings=(*plan.warnings, message))
    script, spans = _script(plan, settings.lock_timeout)
    try:
        raw = _run_squawk(binary, script, config)
    except (OSError, RuntimeError, ValueError, subprocess.TimeoutExpired) as exc:
        message = f"lint skipped: squawk failed: {exc}"
        log.warning(message)
        return dataclasses.replace(plan, lint=(), warnings=(*plan.warnings, message))
    firsts = [span.first for span in spans]
    findings: list[dict[str, Any]] = []
    for item in raw:
        span = _span_of(int(item.get("line") or 0), spans, firsts)
        if span is None:
            continue  # about the header, a prelude or BEGIN/COMMIT, not a step
        step = plan.steps[span.step - 1]
        rule = item.get("rule_name") or "unknown"
        findings.append(
            {
                "rule": rule,
                "level": "error" if rule in config.errors else "warning",
                "message": item.get("message") or "",
                "help": item.get("help"),
                "step": span.step,
                "object": f"{step.action} {step.kind} {step.object}",
                "statement": span.statement,
            }
        )
    findings.sort(key=lambda f: (f["step"] or 0, f["statement"] or 0, f["rule"]))
    return dataclasses.replace(plan, lint=tuple(findings))


def lint_errors(plan: Plan) -> tuple[dict[str, Any], ...]:
    return tuple(f for f in plan.lint if f.get("level") == "error")


def check_lint(plan: Plan) -> None:
    """Refuse a plan whose lint findings include rules configured as errors."""
    errors = lint_errors(plan)
    if errors:
        lines = [
            f"step {f['step']} ({f['object']}): {f['rule']}: {f['message']}" for f in errors[:10]
        ]
        more = f"\n  ... and {len(errors) - 10} more" if len(errors) > 10 else ""
        raise PlanRefusedError(
            "lint findings configured as errors ([tool.schema-assets.lint] errors):\n  "
            + "\n  ".join(lines)
            + more
        )


def format_findings(findings: Sequence[dict[str, Any]]) -> str:
    """One line per finding, for terminals."""
    if not findings:
        return "lint: no findings"
    out = [f"lint: {len(findings)} finding(s)"]
    for f in findings:
        where = f"step {f['step']}" + (f", statement {f['statement']}" if f["statement"] else "")
        out.append(f"  [{f['level']}] {f['rule']} ({where}: {f['object']}): {f['message']}")
    return "\n".join(out)
