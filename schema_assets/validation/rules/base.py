"""What a rule is: an id, a title, a default severity, a fix hint and a check function."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from schema_assets.catalog.model import Column, Constraint, Index, Snapshot, Table
from schema_assets.validation.config import ValidationConfig


@dataclass(frozen=True)
class Hit:
    """A rule's raw result: what is wrong where; the engine adds id, severity and exceptions."""

    object: str
    message: str
    hint: str | None = None  # more specific than the rule's hint


@dataclass(frozen=True)
class RuleContext:
    snapshot: Snapshot
    now: dt.datetime
    config: ValidationConfig

    def tables(self) -> Iterator[Table]:
        """Tables that declare things themselves: partitions inherit from their parent."""
        for key in sorted(self.snapshot.tables):
            table = self.snapshot.tables[key]
            if not table.is_partition:
                yield table

    def constraints(self, table: Table, kind: str | None = None) -> list[Constraint]:
        return [
            c for c in self.snapshot.table_constraints(table.key) if kind is None or c.type == kind
        ]

    def indexes(self, table: Table) -> list[Index]:
        return self.snapshot.table_indexes(table.key)


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    severity: str  # default; config may override
    hint: str
    check: Callable[[RuleContext], Iterable[Hit]]


def rule(id: str, title: str, severity: str, hint: str):
    """Decorator turning a check function into a `Rule`."""

    def wrap(fn: Callable[[RuleContext], Iterable[Hit]]) -> Rule:
        return Rule(id, title, severity, hint, fn)

    return wrap


def qname(*parts: str) -> str:
    return ".".join(parts)


def column_name(table: Table, column: Column) -> str:
    return qname(table.schema, table.name, column.name)


SNAKE_CASE = re.compile(r"^[a-z][a-z0-9_]*$")
