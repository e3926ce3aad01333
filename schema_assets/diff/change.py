"""What a comparator produces: one change with its SQL both ways, lock, hazards and phase.

Comparators never order their output; `order.py` does, from `phase` (which kind of
operation must come first) and `rank` (dependency depth inside a phase).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from schema_assets.plan import Step

ACCESS_EXCLUSIVE_LOCK = "ACCESS EXCLUSIVE"
SHARE_ROW_EXCLUSIVE = "SHARE ROW EXCLUSIVE"
SHARE = "SHARE"
SHARE_UPDATE_EXCLUSIVE = "SHARE UPDATE EXCLUSIVE"
ROW_EXCLUSIVE = "ROW EXCLUSIVE"
NO_LOCK = "none"


@dataclass(frozen=True)
class Change:
    kind: str
    action: str
    object: str
    up: tuple[str, ...]
    down: tuple[str, ...] | None
    phase: int
    rank: int = 0
    transactional: bool = True
    lock: str = ACCESS_EXCLUSIVE_LOCK
    hazards: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    irreversible_reason: str | None = None
    archive: dict[str, Any] | None = None
    # Relation names (schema, name) this change creates or frees: a name dropped and
    # created again in one plan is dropped first (order.py).
    creates: tuple[tuple[str, str], ...] = ()
    drops: tuple[tuple[str, str], ...] = ()

    def to_step(self) -> Step:
        return Step(
            kind=self.kind,
            action=self.action,
            object=self.object,
            up=self.up,
            down=self.down,
            transactional=self.transactional,
            lock=self.lock,
            hazards=self.hazards,
            notes=self.notes,
            irreversible_reason=self.irreversible_reason if self.down is None else None,
            archive=self.archive,
        )


def display(*parts: str) -> str:
    """Object name for humans (plans, reviews): dotted, unquoted."""
    return ".".join(p for p in parts if p)


#: One statement, or several in order.
Sql = str | Iterable[str]


def _statements(sql: Sql) -> tuple[str, ...]:
    return (sql,) if isinstance(sql, str) else tuple(sql)


def change(
    kind: str, action: str, name: str, *, up: Sql, down: Sql | None, phase: int, **extra: Any
) -> Change:
    """A `Change` by keyword: `up`/`down` take one statement or several; `down=None` is an
    irreversible step (say why in `irreversible_reason`)."""
    return Change(
        kind, action, name, _statements(up), None if down is None else _statements(down),
        phase, **extra,
    )  # fmt: skip


def create(kind: str, name: str, *, up: Sql, down: Sql | None, phase: int, **extra: Any) -> Change:
    return change(kind, "create", name, up=up, down=down, phase=phase, **extra)


def drop(kind: str, name: str, *, up: Sql, down: Sql | None, phase: int, **extra: Any) -> Change:
    return change(kind, "drop", name, up=up, down=down, phase=phase, **extra)


def alter(kind: str, name: str, *, up: Sql, down: Sql | None, phase: int, **extra: Any) -> Change:
    return change(kind, "alter", name, up=up, down=down, phase=phase, **extra)
