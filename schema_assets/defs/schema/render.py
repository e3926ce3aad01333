"""Markdown for the schema assets' metadata: plans (up and down SQL), applied steps, findings.

Every name from the catalog goes through `defs.text` (escaped visibly, secrets masked).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from schema_assets.defs.alerts.content import MAPPING_KINDS
from schema_assets.defs.text import md_code, md_table, md_text
from schema_assets.plan import Plan, Step
from schema_assets.render import markdown


def change_label(step: Step) -> str:
    """`create index`, `comment on column`, `drop table`: the action said once."""
    if step.kind == "comment":
        what = step.object.split(" ", 1)[0] if " " in step.object else ""
        return f"comment on {what}".strip()
    return step.action if step.action == step.kind else f"{step.action} {step.kind}"


def object_label(step: Step) -> str:
    """The object without a kind prefix that `change_label` already says."""
    if step.kind == "comment" and " " in step.object:
        return step.object.split(" ", 1)[1]
    return step.object


def plan_summary(plan: Plan) -> str:
    if plan.is_empty:
        return "no changes"
    counts = Counter(change_label(s) for s in plan.steps)
    parts = ", ".join(f"{n} {label}" for label, n in sorted(counts.items()))
    extra = f"; {len(plan.destructive_steps)} destructive" if plan.destructive_steps else ""
    return f"{len(plan.steps)} steps: {parts}{extra}"


def _sql_block(title: str, script: str) -> list[str]:
    return [f"<details><summary>{title}</summary>", "", markdown.block(script, "sql"), "</details>"]


def plan_markdown(plan: Plan, limit: int = 200) -> str:
    """The plan for review: summary, one row per step, up SQL, down SQL, lint."""
    if plan.is_empty:
        return "**No changes**: the warehouse already matches the desired state."
    out = [f"### Plan: {md_text(plan_summary(plan))}", ""]
    out += [f"From {md_code(plan.source)} to {md_code(plan.target)}.", ""]
    out += [f"> **Warning:** {md_text(w)}" for w in plan.warnings]
    rows = []
    for i, s in enumerate(plan.steps[:limit], 1):
        hazards = ", ".join(s.hazards) or "–"
        rows.append([
            str(i), md_text(change_label(s)), md_code(object_label(s)), md_text(s.lock),
            "yes" if s.transactional else "no",
            f"**{md_text(hazards)}**" if s.destructive else md_text(hazards),
            "yes" if s.reversible else "no: " + md_text(s.irreversible_reason or ""),
        ])  # fmt: skip
    out.append(md_table(["#", "change", "object", "lock", "tx", "hazards", "reversible"], rows))
    if len(plan.steps) > limit:
        out.append(f"\n… and {len(plan.steps) - limit} more steps (see the SQL below).")
    out.append("")
    out += _sql_block("Up SQL (applied in this order)", plan.to_sql())
    out.append("")
    out += _sql_block("Down SQL (undo, in this order)", plan.to_sql(down=True))
    if plan.lint:
        out += ["", "#### Lint"]
        out += [
            f"- {md_code(f.get('rule', '?'))} ({md_text(f.get('level', 'warning'))}, step "
            f"{md_text(f.get('step', '?'))}): {md_text(f.get('message', ''))}"
            for f in plan.lint[:limit]
        ]
    return "\n".join(out)


def applied_steps_markdown(steps: Sequence[tuple[str, str, int]], plan: Plan | None) -> str:
    """Applied steps with their durations; labels from the plan when it lines up."""
    if not steps:
        return "No steps: the warehouse already matched the desired state."
    aligned = plan.steps if plan is not None and len(plan.steps) == len(steps) else None
    rows = []
    for i, (obj, action, ms) in enumerate(steps, 1):
        if aligned is not None:
            step = aligned[i - 1]
            change, name = change_label(step), object_label(step)
        else:
            change = action
            name = obj[len(action) + 1 :] if obj.startswith(action + " ") else obj
        rows.append([str(i), md_text(change), md_code(name), str(ms)])
    return md_table(["#", "change", "object", "ms"], rows)


def validation_markdown(findings: Sequence, limit: int = 50) -> str:
    if not findings:
        return "No findings."
    rows = [
        [md_text(f.severity), md_code(f.rule), md_text(f.title), md_code(f.object),
         md_text(f.message), md_text(f.hint)]
        for f in findings[:limit]
    ]  # fmt: skip
    out = md_table(["severity", "rule", "meaning", "object", "finding", "fix"], rows)
    if len(findings) > limit:
        out += f"\n\n… and {len(findings) - limit} more."
    return out


def mapping_markdown(findings: Sequence, limit: int = 50) -> str:
    if not findings:
        return "No findings."
    rows = []
    for f in findings[:limit]:
        meaning, fix = MAPPING_KINDS.get(f.kind, (f.kind, ""))
        rows.append([
            md_text(f.severity), md_code(f.kind), md_text(meaning), md_code(f.source),
            md_code(f.field), md_code(f.column), md_text(f.message), md_text(fix),
        ])  # fmt: skip
    out = md_table(
        ["severity", "kind", "meaning", "source", "field", "column", "finding", "fix"], rows
    )
    if len(findings) > limit:
        out += f"\n\n… and {len(findings) - limit} more."
    return out
