"""Revision files: a `Migration` as a readable Alembic revision, and back (without importing it).

One `op.step(label, up=..., down=...)` per step, the SQL that does it beside the SQL that
undoes it, its lock and hazards in a one-line comment; `downgrade()` is `op.undo(upgrade)`.
A baseline runs the schema files frozen beside it (`op.sql_file`). Names and SQL appear only
inside literals made by `render.python.string` and comments made by `render.python.comment`.

Files are read with `ast`, never imported: the direct applier runs them without Alembic, and
the checksum covers the code of `upgrade()` and `downgrade()` (hand edits included) plus the
SQL files they run, so an edit made after applying is caught.
"""

from __future__ import annotations

import ast
import hashlib
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from schema_assets.apply.desired import resolve
from schema_assets.apply.migration import ExecStep, Migration, down_steps
from schema_assets.errors import BadInputError
from schema_assets.render import python as py
from schema_assets.render.text import one_line, visible

#: Alembic creates its version table with VARCHAR(32) (offline scripts too): ids fit in it.
MAX_ID_LENGTH = 32
_REVISION_ID = re.compile(rf"[A-Za-z0-9_]{{1,{MAX_ID_LENGTH}}}\Z")
#: Rendered lines stay under this width (long SQL lines are split into concatenated literals).
MAX_LINE = 190
INDENT = "    "
#: `kind` of a step read from a hand-written `op.execute("...")`.
HAND = "sql"


class RevisionEditedError(BadInputError):
    """An applied revision file no longer matches what was applied (checksum mismatch)."""


# ----------------------------------------------------------------------------- rendering


def _pieces(line: str, width: int = 100) -> list[str]:
    """A long line cut at spaces into pieces of about `width` (concatenated back exactly)."""
    out: list[str] = []
    while len(line) > width:
        cut = line.rfind(" ", width // 2, width)
        cut = width if cut == -1 else cut + 1
        out.append(line[:cut])
        line = line[cut:]
    return out + ([line] if line else [])


def _literal(value: str, indent: str) -> str:
    """`value` as one Python literal; parenthesised concatenated pieces if a line would be long."""
    text = py.string(value)
    if all(len(indent) + len(line) <= MAX_LINE for line in text.splitlines()):
        return text
    pieces = [p for line in value.splitlines(keepends=True) for p in _pieces(line)]
    inner = indent + INDENT
    return "(\n" + "".join(f"{inner}{py.string(p)}\n" for p in pieces) + f"{indent})"


def _sql(statements: Sequence[str], indent: str) -> str:
    if len(statements) == 1:
        return _literal(statements[0], indent)
    inner = indent + INDENT
    return "(\n" + "".join(f"{inner}{_literal(s, inner)},\n" for s in statements) + f"{indent})"


def _comment(position: int, step: ExecStep) -> str:
    parts = [f"{position}. {step.label}"]
    if step.lock and step.lock != "none":
        parts.append(step.lock)
    if not step.transactional:
        parts.append("outside a transaction")
    parts.extend(step.hazards)
    return py.comment(one_line(" · ".join(parts), MAX_LINE - 8))


def _arguments(step: ExecStep, indent: str) -> list[str]:
    args = [py.string(step.label), f"up={_sql(step.statements, indent)}"]
    if step.down is None:
        args.append("down=None")
        args.append(f"irreversible={py.string(step.irreversible_reason or 'irreversible')}")
    elif not step.down:
        args.append("down=()")
    else:
        args.append(f"down={_sql(step.down, indent)}")
    if not step.transactional:
        args.append("transactional=False")
    if step.destructive:
        args.append("destructive=True")
    return args


def _render_step(position: int, step: ExecStep) -> list[str]:
    ind = INDENT
    if step.source is not None:
        return [
            ind + py.comment(f"{position}. the desired state itself, from the frozen file:"),
            f"{ind}op.sql_file({py.string(step.source)})",
        ]
    lines = [ind + _comment(position, step)]
    one = f"{ind}op.step({', '.join(_arguments(step, ind))})"
    if "\n" not in one and len(one) <= MAX_LINE:
        return [*lines, one]
    inline = _arguments(step, ind)
    if len(step.statements) == 1 and all("\n" not in a for a in inline[2:]):
        # one multi-line statement (a CREATE TABLE, a view): up from the first line, down after
        text = f"{ind}op.step({', '.join(inline)})"
        if all(len(line) <= MAX_LINE for line in text.splitlines()):
            return [*lines, *text.splitlines()]
    arg = ind + INDENT
    args = _arguments(step, arg)
    return [*lines, f"{ind}op.step({args[0]},", *(f"{arg}{a}," for a in args[1:-1]),
            f"{arg}{args[-1]})"]  # fmt: skip


def render_revision(
    migration: Migration,
    down_revision: str | None,
    *,
    desired: Sequence[str] = (),
    desired_sha256: str | None = None,
    summary: str = "",
    irreversible_baseline: str | None = None,
) -> str:
    """Text of the revision file for `migration` (deterministic: no dates, no paths)."""
    doc = [
        visible(migration.message),
        "",
        f"Revision ID: {migration.revision}",
        f"Revises: {down_revision or '-'}",
    ]
    if summary:
        doc += textwrap.wrap(f"Plan: {visible(summary)}", 96, subsequent_indent="  ")
    if desired:
        doc.append(f"Desired state: the schema files frozen in {migration.revision}/ (in order).")
    doc.append("")
    doc += (
        [
            "Generated by `schema-assets revision` or `alembic revision --autogenerate`: the",
            "baseline runs the frozen schema files on an empty database (an existing database",
            "is adopted with `schema-assets adopt`: recorded, nothing run).",
        ]
        if irreversible_baseline is not None
        else [
            "Generated by `schema-assets revision` or `alembic revision --autogenerate`. One",
            "op.step per step: its SQL, and beside it the SQL that undoes it; downgrade() runs",
            "those in reverse. Hand edits (more op.* calls, data migrations) run, are recorded",
            "with their durations, and count in the checksum that catches edits after applying.",
        ]
    )
    body = [
        py.string("\n".join(doc) + "\n"),
        "",
        "from alembic import op",
        "",
        f"revision = {py.string(migration.revision)}",
        f"down_revision = {'None' if down_revision is None else py.string(down_revision)}",
        "branch_labels = None",
        "depends_on = None",
    ]
    if desired:
        body += [
            "",
            "#: The schema files this revision leads to, frozen beside it (in order), and their sha256.",
            "desired_state = (",
            *(f"{INDENT}{py.string(path)}," for path in desired),
            ")",
            f"desired_sha256 = {py.string(desired_sha256 or '')}",
        ]
    body += ["", "", "def upgrade() -> None:"]
    for position, step in enumerate(migration.up, 1):
        body += _render_step(position, step)
    if not migration.up:
        body.append(f"{INDENT}pass")
    body += ["", "", "def downgrade() -> None:"]
    if irreversible_baseline is not None:
        body.append(f"{INDENT}op.irreversible({py.string(irreversible_baseline)})")
    else:
        body.append(f"{INDENT}op.undo(upgrade)  # the down SQL of upgrade()'s steps, last first")
    return "\n".join(body) + "\n"


def write_revision(
    versions_dir: Path, migration: Migration, down_revision: str | None, **render: Any
) -> Path:
    """Write `<revision>.py` (the revision id names the file: no path parts, at most 32 chars)."""
    for rev in (migration.revision, down_revision):
        if rev is not None and not _REVISION_ID.match(rev):
            raise BadInputError(
                f"not a valid revision id (letters, digits, _; at most {MAX_ID_LENGTH}): "
                f"{visible(rev)}"
            )
    versions_dir.mkdir(parents=True, exist_ok=True)
    path = versions_dir / f"{migration.revision}.py"
    path.write_text(render_revision(migration, down_revision, **render), encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class RevisionFile:
    path: Path
    revision: str
    down_revisions: tuple[str, ...]
    message: str
    desired: tuple[str, ...] | None  # frozen schema files (relative to the versions dir)
    desired_sha256: str | None
    up: tuple[ExecStep, ...]
    down: tuple[ExecStep, ...] | None
    irreversible_reason: str | None
    opaque: tuple[str, ...]  # code the direct applier cannot run ("line N: ...")
    checksum: str

    @property
    def down_revision(self) -> str | None:
        return self.down_revisions[0] if len(self.down_revisions) == 1 else None

    def migration(self) -> Migration:
        return Migration(
            self.revision, self.message, self.up, self.down, self.irreversible_reason,
            self.checksum,
        )  # fmt: skip


def _is_op_call(node: ast.AST, name: str | None = None) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "op"
        and (name is None or node.func.attr == name)
    )


def _is_autocommit_block(node: ast.AST) -> bool:
    """`with op.get_context().autocommit_block():`"""
    if not isinstance(node, ast.With) or len(node.items) != 1:
        return False
    call = node.items[0].context_expr
    return (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == "autocommit_block"
        and _is_op_call(call.func.value, "get_context")
    )


def _literal_value(node: ast.AST) -> Any:
    return ast.literal_eval(node)


def _statements(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value.strip(),)
    if isinstance(value, (tuple, list)) and all(isinstance(v, str) for v in value):
        return tuple(v.strip() for v in value)
    raise ValueError("SQL must be a string or a tuple of strings")


def _step_call(call: ast.Call, position: int, transactional: bool) -> ExecStep:
    args = [_literal_value(a) for a in call.args]
    kw = {k.arg: _literal_value(k.value) for k in call.keywords if k.arg}
    label = str(args[0] if args else kw["label"])
    up = _statements(args[1] if len(args) > 1 else kw["up"])
    down_value = args[2] if len(args) > 2 else kw.get("down", ())
    action, _, obj = label.partition(" ")
    return ExecStep(
        position, "", action, obj, up,
        transactional=transactional and bool(kw.get("transactional", True)),
        down=None if down_value is None else _statements(down_value) if down_value else (),
        destructive=bool(kw.get("destructive", False)),
        irreversible_reason=kw.get("irreversible") if down_value is None else None,
    )  # fmt: skip


@dataclass
class _Body:
    steps: list[ExecStep]
    opaque: list[str]
    undo_at: int | None = None  # downgrade() calls op.undo(upgrade) after this many steps
    irreversible: str | None = None
    files: list[Path] | None = None


def _read_body(
    nodes: Sequence[ast.stmt], versions_dir: Path, out: _Body, transactional: bool = True
) -> None:
    for node in nodes:
        if isinstance(node, ast.Pass) or (
            isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        ):
            continue
        if _is_autocommit_block(node):
            _read_body(node.body, versions_dir, out, transactional=False)  # type: ignore[attr-defined]
            continue
        call = (
            node.value if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) else None
        )
        try:
            if call is not None and _is_op_call(call, "step"):
                out.steps.append(_step_call(call, len(out.steps) + 1, transactional))
                continue
            if call is not None and _is_op_call(call, "sql_file"):
                rel = str(_literal_value(call.args[0]))
                path = resolve(versions_dir, rel)
                out.files = (out.files or []) + [path]
                out.steps.append(_file_step(path, rel, len(out.steps) + 1))
                continue
            if call is not None and _is_op_call(call, "execute") and call.args:
                sql = _literal_value(call.args[0])
                if isinstance(sql, str) and len(call.args) == 1 and not call.keywords:
                    head = one_line(sql.strip().splitlines()[0] if sql.strip() else "", 60)
                    out.steps.append(ExecStep(len(out.steps) + 1, HAND, "execute", head,
                                              (sql.strip(),), transactional, down=None,
                                              irreversible_reason="a statement written by hand"))  # fmt: skip
                    continue
            if call is not None and _is_op_call(call, "undo"):
                out.undo_at = len(out.steps)
                continue
            if call is not None and _is_op_call(call, "irreversible"):
                out.irreversible = str(_literal_value(call.args[0]) if call.args else "")
                continue
        except (ValueError, TypeError, SyntaxError, KeyError, IndexError):
            pass  # not literal: code only Alembic can run
        out.opaque.append(f"line {node.lineno}: {one_line(ast.unparse(node), 120)}")


def undoable(steps: Sequence[ExecStep]) -> list[ExecStep]:
    """The steps `op.undo(upgrade)` undoes: the op.step calls (hand-written op.execute calls
    need their own reverse in downgrade(); a frozen file is only ever run by a baseline)."""
    return [s for s in steps if s.source is None and s.kind != HAND]


def op_steps(steps: Sequence[ExecStep]) -> list[ExecStep]:
    """The steps Alembic runs through `op.step`/`op.sql_file` (numbered by the step runner;
    hand-written `op.execute` calls are timed, not numbered)."""
    return [s for s in steps if s.kind != HAND]


def _file_step(path: Path, rel: str, position: int) -> ExecStep:
    from schema_assets.sqlfiles import load_statements

    statements = tuple(s.text for s in load_statements([path]))
    return ExecStep(position, "file", "run", rel, statements, True, down=None,
                    irreversible_reason="it builds the desired state from nothing",
                    source=rel)  # fmt: skip


def file_checksum(upgrade: ast.AST | None, downgrade: ast.AST | None, files: Sequence[Path]) -> str:
    """sha256 of the code of upgrade() and downgrade() (not comments or formatting) and of
    the SQL files they run: any edit that changes what runs changes it."""
    digest = hashlib.sha256()
    for fn in (upgrade, downgrade):
        digest.update(ast.dump(fn).encode() if fn is not None else b"-")
        digest.update(b"\0")
    for path in files:
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def _down_revisions(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


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
            if isinstance(target, ast.Name):
                try:
                    assigns[target.id] = ast.literal_eval(node.value)
                except ValueError:
                    pass
        elif isinstance(node, ast.FunctionDef):
            funcs[node.name] = node
    if not isinstance(assigns.get("revision"), str):
        raise BadInputError(f"{path}: not an Alembic revision file (no `revision = ...`)")
    versions_dir = path.parent
    up = _Body([], [])
    if "upgrade" in funcs:
        _read_body(funcs["upgrade"].body, versions_dir, up)
    down = _Body([], [])
    if "downgrade" in funcs:
        _read_body(funcs["downgrade"].body, versions_dir, down)
    down_list: tuple[ExecStep, ...] | None = tuple(down.steps)
    reason: str | None = None
    if down.irreversible is not None:
        down_list, reason = None, down.irreversible or "irreversible"
    elif down.undo_at is not None:
        undone, reason = down_steps(undoable(up.steps))
        at = down.undo_at
        down_list = None if undone is None else (*down.steps[:at], *undone, *down.steps[at:])
    doc = ast.get_docstring(tree) or ""
    desired = assigns.get("desired_state")
    return RevisionFile(
        path=path,
        revision=assigns["revision"],
        down_revisions=_down_revisions(assigns.get("down_revision")),
        message=doc.splitlines()[0] if doc else "",
        desired=tuple(desired) if isinstance(desired, (tuple, list)) else None,
        desired_sha256=assigns.get("desired_sha256"),
        up=tuple(up.steps),
        down=down_list,
        irreversible_reason=reason,
        opaque=tuple(up.opaque + down.opaque),
        checksum=file_checksum(funcs.get("upgrade"), funcs.get("downgrade"), up.files or []),
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
