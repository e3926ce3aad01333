"""Run squawk over a plan's SQL and attach its findings to the plan.

Each step goes into its own file, so a finding names its step and statement without guessing
from line numbers. Transactional steps are linted as running inside a transaction (they do),
non-transactional ones as running outside. Every file starts with the `SET lock_timeout` the
appliers really issue, so squawk judges the SQL that actually runs.

Findings are warnings unless `[tool.schema-assets.lint] errors = [...]` names their rule;
`exclude = [...]` silences rules (default: `DEFAULT_EXCLUDE`).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import shutil
import subprocess
import sys
import tempfile
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
    def from_settings(cls, settings: Settings | None = None) -> LintConfig:
        settings = settings or Settings.from_env()
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


def _file_text(step: Step, lock_timeout: str, prelude: Sequence[str] = ()) -> tuple[str, list[int]]:
    """SQL of one step and the first line (0-based) of each of its statements."""
    header = sql.SQL("SET lock_timeout = {};").format(sql.Literal(lock_timeout)).as_string(None)
    lines = [header, *prelude]
    starts: list[int] = []
    for stmt in step.up:
        starts.append(len(lines))
        lines.extend((stmt.rstrip().rstrip(";") + ";").splitlines())
    return "\n".join(lines) + "\n", starts


def _statement_of(line: int, starts: Sequence[int]) -> int | None:
    """1-based index of the statement holding `line`; None for the SET header."""
    index = None
    for i, start in enumerate(starts):
        if line >= start:
            index = i + 1
    return index


def _run_squawk(
    binary: Path, files: Sequence[Path], config: LintConfig, in_transaction: bool
) -> list[dict[str, Any]]:
    if not files:
        return []
    cmd = [str(binary), "--reporter", "json", "--no-error-on-unmatched-pattern"]
    if config.exclude:
        cmd.append("--exclude=" + ",".join(config.exclude))
    if config.pg_version:
        cmd.append(f"--pg-version={config.pg_version}")
    cmd.append("--assume-in-transaction" if in_transaction else "--no-assume-in-transaction")
    cmd.extend(str(f) for f in files)
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=SQUAWK_TIMEOUT_S)
    out = proc.stdout.strip()
    if not out:
        if proc.returncode not in (0, 1):
            raise RuntimeError(proc.stderr.strip() or f"squawk exited with {proc.returncode}")
        return []
    return json.loads(out)


def lint_plan(plan: Plan, settings: Settings | None = None, *, binary: Path | None = None) -> Plan:
    """The plan with squawk's findings in `plan.lint`; a missing squawk becomes a warning."""
    settings = settings or Settings.from_env()
    config = LintConfig.from_settings(settings)
    if plan.is_empty:
        return dataclasses.replace(plan, lint=())
    binary = binary or squawk_binary()
    if binary is None or not binary.is_file():
        message = "lint skipped: the squawk binary was not found (pip install squawk-cli)"
        log.warning(message)
        return dataclasses.replace(plan, lint=(), warnings=(*plan.warnings, message))
    findings: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="sa_lint_") as tmp:
        by_file: dict[str, tuple[int, Step, list[int]]] = {}
        groups: dict[bool, list[Path]] = {True: [], False: []}
        created: set[str] = set()
        for number, step in enumerate(plan.steps, 1):
            if not step.up:
                continue
            # squawk tracks tables created in the same file but not materialized views, so
            # the step's own creations are declared too.
            created.update(_created_tables(step))
            text, starts = _file_text(step, settings.lock_timeout, _prelude(step, created))
            path = Path(tmp) / f"step_{number:05d}.sql"
            path.write_text(text, encoding="utf-8")
            by_file[str(path)] = (number, step, starts)
            groups[step.transactional].append(path)
        try:
            raw = [
                item
                for in_tx, files in groups.items()
                for item in _run_squawk(binary, files, config, in_tx)
            ]
        except (OSError, RuntimeError, ValueError, subprocess.TimeoutExpired) as exc:
            message = f"lint skipped: squawk failed: {exc}"
            log.warning(message)
            return dataclasses.replace(plan, lint=(), warnings=(*plan.warnings, message))
    for item in raw:
        located = by_file.get(item.get("file", ""))
        step_number: int | None = located[0] if located else None
        step_of: Step | None = located[1] if located else None
        starts = located[2] if located else []
        if starts and int(item.get("line") or 0) < starts[0]:
            continue  # about the header or the prelude, not the step
        rule = item.get("rule_name") or "unknown"
        finding: dict[str, Any] = {
            "rule": rule,
            "level": "error" if rule in config.errors else "warning",
            "message": item.get("message") or "",
            "help": item.get("help"),
            "step": step_number,
            "object": f"{step_of.action} {step_of.kind} {step_of.object}" if step_of else None,
            "statement": _statement_of(int(item.get("line") or 0), starts),
        }
        findings.append(finding)
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
