"""A migration: the exact statements a revision runs, independent of the backend that runs it.

Both appliers execute a `Migration` step by step through `apply.steps`; a revision file is
its readable form (`apply.revision`). Each step carries its own down SQL, which is both what
`downgrade()` runs (in reverse) and what compensation runs when a later step fails.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from schema_assets.plan import Plan, Step


@dataclass(frozen=True)
class ExecStep:
    """Statements executed together: one plan step (or its archive prelude, or a hand edit)."""

    number: int
    kind: str
    action: str
    object: str
    statements: tuple[str, ...]
    transactional: bool = True
    #: What undoes the step (rollback, compensation after a later step fails); None: nothing can.
    down: tuple[str, ...] | None = ()
    destructive: bool = False
    irreversible_reason: str | None = None
    #: The frozen SQL file this step runs (relative to the versions directory), if any.
    source: str | None = None
    #: Lock and hazards, for the revision file's comment (not executed, not checksummed).
    lock: str = ""
    hazards: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        kind = "" if self.kind == self.action else self.kind  # "comment", not "comment comment"
        return " ".join(p for p in (self.action, kind, self.object) if p)

    def to_dict(self) -> dict[str, Any]:
        return {
            "step": self.number,
            "kind": self.kind,
            "action": self.action,
            "object": self.object,
            "statements": list(self.statements),
            "transactional": self.transactional,
            "down": None if self.down is None else list(self.down),
            "destructive": self.destructive,
            "irreversible_reason": self.irreversible_reason,
            "source": self.source,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ExecStep:
        down = d.get("down", ())
        return cls(
            number=int(d["step"]),
            kind=d.get("kind", ""),
            action=d["action"],
            object=d["object"],
            statements=tuple(s.strip() for s in d["statements"]),
            transactional=bool(d.get("transactional", True)),
            down=None if down is None else tuple(down),
            destructive=bool(d.get("destructive", False)),
            irreversible_reason=d.get("irreversible_reason"),
            source=d.get("source"),
        )


@dataclass(frozen=True)
class Migration:
    """What a revision does: its up steps in order; `down` in the order they are undone."""

    revision: str
    message: str
    up: tuple[ExecStep, ...]
    down: tuple[ExecStep, ...] | None  # None: irreversible
    irreversible_reason: str | None = None
    checksum: str = ""  # of the revision file's code (see revision.file_checksum)

    @property
    def up_sql(self) -> str:
        return join_sql(s for step in self.up for s in step.statements)

    @property
    def down_sql(self) -> str | None:
        if self.down is None:
            return None
        return join_sql(s for step in self.down for s in step.statements)

    def to_dict(self) -> dict[str, Any]:
        return {
            "revision": self.revision,
            "message": self.message,
            "up": [s.to_dict() for s in self.up],
            "down": None if self.down is None else [s.to_dict() for s in self.down],
            "irreversible_reason": self.irreversible_reason,
            "checksum": self.checksum,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Migration:
        down = d.get("down")
        return cls(
            revision=d["revision"],
            message=d.get("message", ""),
            up=tuple(ExecStep.from_dict(s) for s in d["up"]),
            down=None if down is None else tuple(ExecStep.from_dict(s) for s in down),
            irreversible_reason=d.get("irreversible_reason"),
            checksum=d.get("checksum", ""),
        )


def sql_checksum(statements: Iterable[str]) -> str:
    """sha256 of the statements joined by newlines (same formula as `Plan.checksum`)."""
    return hashlib.sha256("\n".join(statements).encode()).hexdigest()


def join_sql(statements: Iterable[str]) -> str:
    return "\n\n".join(s.rstrip().rstrip(";") + ";" for s in statements)


def down_steps(up: Iterable[ExecStep]) -> tuple[tuple[ExecStep, ...] | None, str | None]:
    """The steps undoing `up` (last first), or (None, reason) when one of them cannot be."""
    steps = list(up)
    blocked = [s for s in steps if s.down is None]
    if blocked:
        reason = "; ".join(f"{s.label}: {s.irreversible_reason or 'irreversible'}" for s in blocked)
        return None, reason
    return (
        tuple(
            ExecStep(
                s.number, s.kind, f"revert {s.action}", s.object, s.down or (), s.transactional
            )  # fmt: skip
            for s in reversed(steps)
            if s.down
        ),
        None,
    )


def _archive(step: Step, revision: str) -> tuple[str, ...]:
    from schema_assets.safety.archive import archive_statements  # owned by the safety layer

    return tuple(archive_statements(step, revision))


def _strip(statements: Iterable[str] | None) -> tuple[str, ...]:
    return tuple(s.strip() for s in statements or () if s.strip())


def plan_steps(plan: Plan, revision: str, *, archive: bool = True) -> tuple[ExecStep, ...]:
    """The steps that run `plan`; a destructive step is preceded by its archive statements.

    Refusing destructive plans is the caller's job (`migrate.refuse_destructive`): by the
    time steps are built, destruction has been allowed. `archive=False` is for undoing
    revisions, whose objects' data goes away exactly as with their down SQL.
    """
    up: list[ExecStep] = []
    for i, step in enumerate(plan.steps, 1):
        if step.destructive and archive:
            archived = _archive(step, revision)
            if archived:  # the archive copy stays when the migration is undone: data is kept
                up.append(ExecStep(i, step.kind, "archive", step.object, _strip(archived)))
        up.append(
            ExecStep(
                i, step.kind, step.action, step.object, _strip(step.up), step.transactional,
                down=None if step.down is None else _strip(step.down),
                destructive=step.destructive, lock=step.lock, hazards=step.hazards,
                irreversible_reason=None if step.down is not None else (
                    step.irreversible_reason or "irreversible"
                ),
            )
        )  # fmt: skip
    return tuple(up)


def build_migration(plan: Plan, revision: str, message: str, *, archive: bool = True) -> Migration:
    """The migration running `plan` (see `plan_steps`), its down steps derived from them."""
    up = plan_steps(plan, revision, archive=archive)
    down, reason = down_steps(up)
    return Migration(
        revision, message, up, down, reason, sql_checksum(s for st in up for s in st.statements)
    )
