"""Plan → migration (the exact statements both backends run) → a readable Alembic revision file.

A `Migration` is the unit both appliers execute and record: the plan's steps, with the safety
archive statements placed right before each destructive step, in up and down order. The Alembic
file is rendered from it and its checksum is recomputed from the file's own `upgrade()` calls,
so an edit made after applying is caught (Flyway's "validate").
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from schema_assets.errors import BadInputError
from schema_assets.plan import Plan, Step
from schema_assets.render import python as py
from schema_assets.render.text import visible

#: Name of the helper revision files call for each step (see `schema_assets.apply.alembic`).
RUN = "run"


class RevisionEditedError(BadInputError):
    """An applied revision file no longer matches what was applied (checksum mismatch)."""


@dataclass(frozen=True)
class ExecStep:
    """Statements executed together: one plan step (or its archive prelude)."""

    number: int
    kind: str
    action: str
    object: str
    statements: tuple[str, ...]
    transactional: bool = True
    #: What undoes the step (compensation after a later step fails); None: irreversible.
    down: tuple[str, ...] | None = ()

    @property
    def label(self) -> str:
        return " ".join(p for p in (self.action, self.kind, self.object) if p)

    def to_dict(self) -> dict[str, Any]:
        return {
            "step": self.number,
            "kind": self.kind,
            "action": self.action,
            "object": self.object,
            "statements": list(self.statements),
            "transactional": self.transactional,
            "down": None if self.down is None else list(self.down),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ExecStep:
        return cls(
            number=int(d["step"]),
            kind=d.get("kind", ""),
            action=d["action"],
            object=d["object"],
            statements=tuple(s.strip() for s in d["statements"]),
            transactional=bool(d.get("transactional", True)),
            down=None if d.get("down", ()) is None else tuple(d.get("down", ())),
        )


@dataclass(frozen=True)
class Migration:
    """What a revision does, independent of the backend that runs it."""

    revision: str
    message: str
    up: tuple[ExecStep, ...]
    down: tuple[ExecStep, ...] | None  # None: irreversible
    irreversible_reason: str | None = None
    plan: dict[str, Any] | None = None  # Plan.to_dict() it came from

    @property
    def checksum(self) -> str:
        return sql_checksum(s for step in self.up for s in step.statements)

    @property
    def up_sql(self) -> str:
        return join_sql(s for step in self.up for s in step.statements)

    @property
    def down_sql(self) -> str | None:
        if self.down is None:
            return None
        return join_sql(s for step in self.down for s in step.statements)

    @property
    def target_fingerprint(self) -> str | None:
        return (self.plan or {}).get("target_fingerprint") or None

    @property
    def destructive_objects(self) -> list[str]:
        steps = (self.plan or {}).get("steps", [])
        return [f"{s['action']} {s['kind']} {s['object']}" for s in steps if s.get("destructive")]

    def to_dict(self) -> dict[str, Any]:
        return {
            "revision": self.revision,
            "message": self.message,
            "up": [s.to_dict() for s in self.up],
            "down": None if self.down is None else [s.to_dict() for s in self.down],
            "irreversible_reason": self.irreversible_reason,
            "plan": self.plan,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Migration:
        return cls(
            revision=d["revision"],
            message=d.get("message", ""),
            up=tuple(ExecStep.from_dict(s) for s in d["up"]),
            down=None if d.get("down") is None else tuple(ExecStep.from_dict(s) for s in d["down"]),
            irreversible_reason=d.get("irreversible_reason"),
            plan=d.get("plan"),
        )


def sql_checksum(statements: Iterable[str]) -> str:
    """sha256 of the statements joined by newlines (same formula as `Plan.checksum`)."""
    return hashlib.sha256("\n".join(statements).encode()).hexdigest()


def join_sql(statements: Iterable[str]) -> str:
    return "\n\n".join(s.rstrip().rstrip(";") + ";" for s in statements)


# ----------------------------------------------------------------------------- building


def _archive(step: Step, revision: str) -> tuple[str, ...]:
    from schema_assets.safety.archive import archive_statements  # owned by the safety layer

    return tuple(archive_statements(step, revision))


def _strip(statements: Iterable[str] | None) -> tuple[str, ...]:
    return tuple(s.strip() for s in statements or () if s.strip())


def build_migration(plan: Plan, revision: str, message: str, *, archive: bool = True) -> Migration:
    """The statements to run for `plan`; destructive steps are preceded by their archive SQL.

    Refusing destructive plans is the caller's job (`choose.refuse_destructive`): by the time a
    migration is built, destruction has been allowed. `archive=False` is for undoing
    revisions, whose objects' data goes away exactly as with their down SQL.
    """
    up: list[ExecStep] = []
    for i, step in enumerate(plan.steps, 1):
        if step.destructive and archive:
            archived = _archive(step, revision)
            if archived:  # the archive copy stays when the migration is undone: data is kept
                up.append(ExecStep(i, step.kind, "archive", step.object, _strip(archived)))
        up.append(
            ExecStep(i, step.kind, step.action, step.object, _strip(step.up), step.transactional,
                     down=None if step.down is None else _strip(step.down))
        )  # fmt: skip
    irreversible = [s for s in plan.steps if s.down is None]
    down: tuple[ExecStep, ...] | None = None
    reason = None
    if irreversible:
        reason = "; ".join(
            f"{s.action} {s.kind} {s.object}: {s.irreversible_reason or 'irreversible'}"
            for s in irreversible
        )
    else:
        down = tuple(
            ExecStep(
                i, s.kind, f"revert {s.action}", s.object, tuple(s.down or ()), s.transactional
            )
            for i, s in reversed(list(enumerate(plan.steps, 1)))
            if s.down
        )
    return Migration(revision, message, tuple(up), down, reason, plan.to_dict())


def slugify(message: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", message.lower()).strip("_")
    return (slug or "auto")[:40].rstrip("_")


def new_revision_id(message: str, existing: Iterable[str] = (), now: datetime | None = None) -> str:
    """`YYYYMMDD_HHMMSS_<slug>`: sorts by time, and always after every existing revision."""
    now = now or datetime.now(UTC)
    stamps = [e[:15] for e in existing if re.match(r"^\d{8}_\d{6}", e)]
    stamp = now.strftime("%Y%m%d_%H%M%S")
    latest = max(stamps, default="")
    if stamp <= latest:
        bumped = datetime.strptime(latest, "%Y%m%d_%H%M%S").replace(tzinfo=UTC)
        stamp = datetime.fromtimestamp(bumped.timestamp() + 1, UTC).strftime("%Y%m%d_%H%M%S")
    return f"{stamp}_{slugify(message)}"


# ----------------------------------------------------------------------------- rendering


def _render_steps(steps: Sequence[ExecStep], indent: str = "    ") -> list[str]:
    """One `run(label, *sql)` call per step. Labels and SQL hold names from catalogs and
    schema files: they appear only as literals made by `render.python.string`, and in comments
    made by `render.python.comment` (one line, control characters escaped)."""
    lines: list[str] = []
    for step in steps:
        lines.append(indent + py.comment(f"step {step.number}: {step.label}"))
        args = ", ".join([py.string(step.label), *(py.string(s.strip()) for s in step.statements)])
        if step.transactional:
            lines.append(f"{indent}{RUN}({args})")
        else:
            lines.append(f"{indent}with op.get_context().autocommit_block():")
            lines.append(f"{indent}    {RUN}({args}, transactional=False)")
    return lines


def _docstring_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')


def render_revision(
    migration: Migration, down_revision: str | None, create_date: datetime | None = None
) -> str:
    """Text of a readable Alembic revision file for `migration`."""
    create_date = create_date or datetime.now(UTC)
    plan = Plan.from_dict(migration.plan) if migration.plan else None
    summary = plan.to_markdown() if plan else ""
    body: list[str] = [
        f'"""{_docstring_text(visible(migration.message))}',
        "",
        f"Revision ID: {migration.revision}",
        f"Revises: {down_revision or ''}",
        f"Create Date: {create_date.strftime('%Y-%m-%d %H:%M:%S')} UTC",
        "Generated by schema-assets: do not edit after applying (the checksum is verified).",
        "",
        _docstring_text(summary.rstrip()),
        '"""',
        "",
        "from alembic import op",
        "",
        f"from schema_assets.apply.alembic import irreversible, {RUN}",
        "",
        f"revision = {py.string(migration.revision)}",
        f"down_revision = {'None' if down_revision is None else py.string(down_revision)}",
        "branch_labels = None",
        "depends_on = None",
        "",
        "#: sha256 of the upgrade SQL, recorded in schema_assets.schema_version when applied.",
        f"CHECKSUM = {py.string(migration.checksum)}",
        "",
        "",
        "def upgrade() -> None:",
    ]
    body.extend(_render_steps(migration.up) or ["    pass"])
    body += ["", "", "def downgrade() -> None:"]
    if migration.down is None:
        reason = migration.irreversible_reason
        body.append(
            f"    irreversible({py.string(migration.revision)}, "
            f"{'None' if reason is None else py.string(reason)})"
        )
    else:
        body.extend(_render_steps(migration.down) or ["    pass"])
    body += [
        "",
        "",
        "#: The plan this revision was generated from (schema-assets plan JSON).",
        "PLAN_JSON = " + py.string(json.dumps(migration.plan, indent=1, default=str)),
        "",
    ]
    return "\n".join(body)


# ----------------------------------------------------------------------------- reading files


@dataclass(frozen=True)
class RevisionFile:
    path: Path
    revision: str
    down_revision: str | None
    up: tuple[ExecStep, ...]
    down: tuple[ExecStep, ...] | None
    plan: dict[str, Any] | None
    message: str
    irreversible_reason: str | None = None

    @property
    def checksum(self) -> str:
        return sql_checksum(s for step in self.up for s in step.statements)

    def migration(self) -> Migration:
        return Migration(
            self.revision, self.message, self.up, self.down, self.irreversible_reason, self.plan
        )


def _calls(func: ast.FunctionDef) -> tuple[tuple[ExecStep, ...], str | None]:
    """The `run(label, *sql)` calls of a function in source order, and the reason given to
    `irreversible(revision, reason)` if it calls that."""
    steps: list[ExecStep] = []
    irreversible: str | None = None
    calls = sorted(
        (n for n in ast.walk(func) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)),
        key=lambda n: (n.lineno, n.col_offset),
    )
    for call in calls:
        if call.func.id == "irreversible":
            reason = call.args[1] if len(call.args) > 1 else None
            text = reason.value if isinstance(reason, ast.Constant) else None
            irreversible = str(text or "it has an irreversible step")
        if call.func.id != RUN or not call.args:
            continue
        values = [a.value for a in call.args if isinstance(a, ast.Constant)]
        if len(values) != len(call.args) or not all(isinstance(v, str) for v in values):
            continue
        transactional = not any(
            k.arg == "transactional" and isinstance(k.value, ast.Constant) and not k.value.value
            for k in call.keywords
        )
        statements = tuple(v.strip() for v in values[1:])
        steps.append(ExecStep(len(steps) + 1, "", values[0], "", statements, transactional))
    return tuple(steps), irreversible


def read_revision_file(path: Path) -> RevisionFile:
    """Parse a revision file without importing it (no side effects, works without Alembic)."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (OSError, SyntaxError, UnicodeDecodeError) as exc:
        raise BadInputError(f"{path}: cannot read revision file ({exc})") from exc
    assigns: dict[str, Any] = {}
    funcs: dict[str, ast.FunctionDef] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name) and isinstance(node.value, ast.Constant):
                assigns[target.id] = node.value.value
        elif isinstance(node, ast.FunctionDef):
            funcs[node.name] = node
    if "revision" not in assigns:
        raise BadInputError(f"{path}: not an Alembic revision file (no `revision = ...`)")
    up, _ = _calls(funcs["upgrade"]) if "upgrade" in funcs else ((), None)
    down, irreversible = _calls(funcs["downgrade"]) if "downgrade" in funcs else ((), None)
    plan = json.loads(assigns["PLAN_JSON"]) if assigns.get("PLAN_JSON") else None
    doc = ast.get_docstring(tree) or ""
    return RevisionFile(
        path=path,
        revision=str(assigns["revision"]),
        down_revision=assigns.get("down_revision"),
        up=up,
        down=None if irreversible else down,
        plan=plan,
        message=doc.splitlines()[0] if doc else "",
        irreversible_reason=irreversible,
    )


def revision_files(versions_dir: Path) -> dict[str, RevisionFile]:
    """Every revision file in a versions directory, by revision id."""
    if not versions_dir.is_dir():
        return {}
    out: dict[str, RevisionFile] = {}
    for path in sorted(versions_dir.glob("*.py")):
        if path.name.startswith("_"):
            continue
        rf = read_revision_file(path)
        out[rf.revision] = rf
    return out


_REVISION_ID = re.compile(r"[A-Za-z0-9_]{1,128}\Z")


def write_revision(versions_dir: Path, migration: Migration, down_revision: str | None) -> Path:
    for rev in (migration.revision, down_revision):
        if rev is not None and not _REVISION_ID.match(rev):  # it names a file: no path parts
            raise BadInputError(f"not a valid revision id: {visible(rev)}")
    versions_dir.mkdir(parents=True, exist_ok=True)
    path = versions_dir / f"{migration.revision}.py"
    path.write_text(render_revision(migration, down_revision), encoding="utf-8")
    return path


def chain_head(files: dict[str, RevisionFile]) -> str | None:
    """The single head of a linear chain of revision files (None when there are none)."""
    parents = {f.down_revision for f in files.values()}
    heads = sorted(r for r in files if r not in parents)
    if len(heads) > 1:
        raise BadInputError(
            f"migrations/versions has several heads ({', '.join(heads)}); merge them with "
            "`alembic merge heads` or delete the stale revision file"
        )
    return heads[0] if heads else None
