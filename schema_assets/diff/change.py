"""What a comparator produces: one change with its SQL both ways, lock, hazards and phase.

Comparators never order their output; `order.py` does, from `phase` (which kind of
operation must come first) and `rank` (dependency depth inside a phase).
"""

from __future__ import annotations

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
