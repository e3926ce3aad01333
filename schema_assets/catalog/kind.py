"""What an object kind is to the tool: one record holding its query, model, key and comparators.

The snapshot reader, the snapshot's equality, fingerprint and JSON form, and the diff's
list of comparators are all derived from the registered kinds (`catalog/kinds.py`), so
a new kind is one module that builds one `Kind`, plus its query file and its corpus file.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

Row = dict[str, Any]
Rows = Mapping[str, Sequence[Row]]
#: A comparator takes the diff `Context` and returns `Change`s (typed loosely: catalog
#: does not import diff).
Comparator = Callable[[Any], list[Any]]


@dataclass(frozen=True)
class Kind:
    """One object kind: read by `query` into `model` objects, stored under `name` by `key`."""

    name: str  # the snapshot attribute and the section of its JSON form
    model: type  # a frozen dataclass
    key: Callable[[Any], Hashable]
    query: str = ""  # file stem in catalog/queries/ (default: the name)
    reads: tuple[str, ...] = ()  # further queries whose rows `assemble` needs
    build: Callable[[Row], Any] | None = None  # one row → one object (default: `row_builder`)
    assemble: Callable[[Kind, Rows], dict[Hashable, Any]] | None = None  # whole-kind building
    restore: Callable[[dict[str, Any]], Any] | None = None  # stored form → object
    connection: int = 0  # which of the snapshot's two connections runs the query
    compare: tuple[Comparator, ...] = ()  # comparators, run in registry order

    @property
    def queries(self) -> tuple[str, ...]:
        return (self.query or self.name, *self.reads)

    def objects(self, rows: Rows) -> dict[Hashable, Any]:
        """The kind's objects from the query rows, keyed."""
        if self.assemble is not None:
            return self.assemble(self, rows)
        build = self.build or row_builder(self.model)
        key = self.key
        out = {}
        for row in rows[self.query or self.name]:
            obj = build(row)
            out[key(obj)] = obj
        return out

    def from_stored(self, item: dict[str, Any]) -> Any:
        return self.restore(item) if self.restore else restore(self.model, item)


def row_builder(
    model: type,
    *,
    tuples: Sequence[str] = (),
    pairs: Sequence[str] = (),
    drop: Sequence[str] = (),
) -> Callable[[Row], Any]:
    """Row → model, rows aliased like the model's fields: arrays become tuples, JSON
    `[schema, name]` pairs become tuples, helper columns in `drop` are left out."""

    names = frozenset(f.name for f in fields(model) if f.init)
    plain = not hasattr(model, "__post_init__")
    new = object.__new__

    def build(row: Row) -> Any:
        for name in drop:
            row.pop(name, None)
        for name in tuples:
            row[name] = tuple(row[name] or ())
        for name in pairs:
            value = row[name]
            row[name] = tuple(value) if value else None
        if plain and row.keys() == names:
            # Every field is in the row: fill the instance directly. Frozen dataclasses set
            # each field through object.__setattr__, which makes __init__ the largest cost
            # of a 2,000-table snapshot; the result is the same object.
            obj: object = new(model)
            obj.__dict__.update(row)
            return obj
        return model(**row)

    return build


def _tuplify(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_tuplify(v) for v in value)
    return value


_INIT_FIELDS: dict[type, tuple[str, ...]] = {}


def restore(model: type, item: dict[str, Any], nested: Mapping[str, type] | None = None) -> Any:
    """A dataclass from its `asdict()` form: lists back to tuples, `nested` lists rebuilt."""
    names = _INIT_FIELDS.get(model)
    if names is None:
        names = tuple(f.name for f in fields(model) if f.init)
        _INIT_FIELDS[model] = names
    values: dict[str, Any] = {}
    for name in names:
        if name not in item:
            continue
        value = item[name]
        if nested and name in nested:
            value = tuple(restore(nested[name], v) for v in value)
        else:
            value = _tuplify(value)
        values[name] = value
    return model(**values)
