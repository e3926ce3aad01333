"""The reviewable result of a diff: ordered steps with up/down SQL, locks and hazards.

Both appliers (Alembic and direct) consume a `Plan`; nothing downstream re-derives SQL.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from schema_assets.render import markdown as md
from schema_assets.render import sql
from schema_assets.render.text import visible

# Hazards a reviewer must see. A step carrying DELETES_DATA is "destructive".
DELETES_DATA = "deletes_data"
REWRITES_TABLE = "rewrites_table"
ACCESS_EXCLUSIVE = "access_exclusive_lock"
INDEX_BUILD = "index_build"
VALIDATES_CONSTRAINT = "validates_constraint"
POSSIBLE_RENAME = "possible_rename"
NARROWS_TYPE = "narrows_type"
HAZARDS = (
    DELETES_DATA, REWRITES_TABLE, ACCESS_EXCLUSIVE, INDEX_BUILD, VALIDATES_CONSTRAINT,
    POSSIBLE_RENAME, NARROWS_TYPE,
)  # fmt: skip

DESTRUCTIVE_HAZARDS = frozenset({DELETES_DATA, NARROWS_TYPE})


@dataclass(frozen=True)
class Step:
    """One reviewable change. `down is None` means irreversible (see `irreversible_reason`)."""

    kind: str  # object kind: table, column, index, constraint, view, ...
    action: str  # create, drop, alter, rename, replace, attach, detach, comment, grant
    object: str  # display name, e.g. raw.trades.price
    up: tuple[str, ...]
    down: tuple[str, ...] | None = ()
    transactional: bool = True
    lock: str = "ACCESS EXCLUSIVE"
    hazards: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    irreversible_reason: str | None = None
    # Data-preservation hint for destructive steps: what to archive first, e.g.
    # {"table": ["raw", "trades"], "columns": ["price"]} (None: nothing to archive).
    archive: dict[str, Any] | None = None

    @property
    def destructive(self) -> bool:
        return bool(DESTRUCTIVE_HAZARDS.intersection(self.hazards))

    @property
    def reversible(self) -> bool:
        return self.down is not None


@dataclass(frozen=True)
class Plan:
    steps: tuple[Step, ...] = ()
    source: str = ""  # masked description of where we come from (live db, file)
    target: str = ""  # masked description of the desired state
    source_fingerprint: str = ""
    target_fingerprint: str = ""
    warnings: tuple[str, ...] = ()
    lint: tuple[dict[str, Any], ...] = field(default=())

    @property
    def is_empty(self) -> bool:
        return not self.steps

    @property
    def destructive_steps(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.destructive)

    @property
    def reversible(self) -> bool:
        return all(s.reversible for s in self.steps)

    def up_sql(self) -> list[str]:
        return [stmt for s in self.steps for stmt in s.up]

    def down_sql(self) -> list[str]:
        """Reverse order of steps; raises if any step is irreversible."""
        out: list[str] = []
        for s in reversed(self.steps):
            if s.down is None:
                raise ValueError(
                    f"step {s.action} {s.object} is irreversible: {s.irreversible_reason}"
                )
            out.extend(s.down)
        return out

    def checksum(self) -> str:
        """sha256 of the up SQL: identifies what a revision applies."""
        return hashlib.sha256("\n".join(self.up_sql()).encode()).hexdigest()

    def summary(self) -> str:
        """One line: step count by action and kind (`3 × add column, 2 × comment`)."""
        if self.is_empty:
            return "no changes"
        kinds: dict[str, int] = {}
        for s in self.steps:
            label = s.action if s.action == s.kind else f"{s.action} {s.kind}"
            kinds[label] = kinds.get(label, 0) + 1
        parts = ", ".join(f"{n} × {k}" for k, n in sorted(kinds.items()))
        extra = f"; {len(self.destructive_steps)} destructive" if self.destructive_steps else ""
        return visible(f"{len(self.steps)} steps ({parts}){extra}")

    # ------------------------------------------------------------------ output
    # Every name in a step (object, notes, warnings, labels) is hostile: it reaches text only
    # through schema_assets.render (one line per item, control characters escaped).

    @staticmethod
    def _flags(s: Step) -> str:
        flags = [s.lock]
        if not s.transactional:
            flags.append("non-transactional")
        flags.extend(s.hazards)
        return ", ".join(flags)

    def to_sql(self, *, down: bool = False) -> str:
        """The plan as a SQL script (`down=True`: the down SQL, steps in reverse)."""
        if self.is_empty:
            return "-- no changes: the database already matches the desired state\n"
        lines = [sql.comment(f"plan: {self.source} -> {self.target}"), sql.comment(self.summary())]
        lines.extend(sql.comment(f"WARNING: {w}") for w in self.warnings)
        numbered = list(enumerate(self.steps, 1))
        for i, s in reversed(numbered) if down else numbered:
            lines.append("")
            lines.append(
                sql.comment(f"step {i}: {s.action} {s.kind} {s.object} [{self._flags(s)}]")
            )
            lines.extend(sql.comment(f"note: {n}") for n in s.notes)
            if down:
                if s.down is None:
                    lines.append(sql.comment(f"irreversible: {s.irreversible_reason or ''}"))
                    continue
                statements = s.down
            else:
                statements = s.up
            lines.extend(stmt.rstrip().rstrip(";") + ";" for stmt in statements)
        return "\n".join(lines) + "\n"

    def to_markdown(self) -> str:
        if self.is_empty:
            return "**No changes**: the database already matches the desired state.\n"
        out = [
            f"### Plan: {md.text(self.summary())}",
            "",
            f"From {md.code(self.source)} to {md.code(self.target)}.",
            "",
        ]
        out.extend(f"> **Warning:** {md.text(w)}" for w in self.warnings)
        if self.warnings:
            out.append("")
        out.append("| # | action | object | lock | tx | hazards | reversible |")
        out.append("|---|---|---|---|---|---|---|")
        for i, s in enumerate(self.steps, 1):
            hazards = md.cell(", ".join(s.hazards)) or "–"
            if s.destructive:
                hazards = f"**{hazards}**"
            action = s.action if s.action == s.kind else f"{s.action} {s.kind}"
            reversible = "yes" if s.reversible else "no: " + md.cell(s.irreversible_reason or "")
            out.append(
                f"| {i} | {md.cell(action)} | {md.code(s.object)} | {md.cell(s.lock)} | "
                f"{'yes' if s.transactional else 'no'} | {hazards} | {reversible} |"
            )
        out.append("")
        out.append("<details><summary>Up SQL</summary>\n")
        out.append(md.block(self.to_sql().rstrip(), "sql"))
        out.append("</details>")
        if self.reversible:
            out.append("")
            out.append("<details><summary>Down SQL</summary>\n")
            out.append(md.block(self.to_sql(down=True).rstrip(), "sql"))
            out.append("</details>")
        if self.lint:
            out.append("")
            out.append("#### Lint")
            for finding in self.lint:
                out.append(
                    f"- {md.code(finding.get('rule', '?'))} "
                    f"({md.text(finding.get('level', 'warning'))}): "
                    f"{md.text(finding.get('message', ''))}"
                )
        return "\n".join(out) + "\n"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for s, d in zip(self.steps, data["steps"], strict=True):
            d["destructive"] = s.destructive
        data["summary"] = self.summary()
        data["checksum"] = self.checksum()
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, default=str)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Plan:
        steps = []
        for d in data.get("steps", []):
            d = {k: v for k, v in d.items() if k in Step.__dataclass_fields__}
            d["up"] = tuple(d.get("up", ()))
            d["down"] = None if d.get("down") is None else tuple(d["down"])
            d["hazards"] = tuple(d.get("hazards", ()))
            d["notes"] = tuple(d.get("notes", ()))
            steps.append(Step(**d))
        kwargs = {
            k: data[k]
            for k in ("source", "target", "source_fingerprint", "target_fingerprint")
            if k in data
        }
        return cls(
            steps=tuple(steps),
            warnings=tuple(data.get("warnings", ())),
            lint=tuple(data.get("lint", ())),
            **kwargs,
        )
