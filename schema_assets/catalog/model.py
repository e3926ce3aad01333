"""Immutable, typed picture of a database schema.

Definitions come from PostgreSQL's own deparsers (pg_get_indexdef, pg_get_constraintdef, ...),
so two databases holding the same object produce equal values here. Keys are tuples of raw
(unquoted) names; SQL is always rendered with quoting from the fields, never from keys.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any

Name = tuple[str, str]  # (schema, name)


@dataclass(frozen=True)
class Schema:
    name: str
    comment: str | None = None
    acl: tuple[str, ...] = ()


@dataclass(frozen=True)
class Extension:
    name: str
    schema: str
    version: str


@dataclass(frozen=True)
class Enum:
    schema: str
    name: str
    labels: tuple[str, ...]
    comment: str | None = None


@dataclass(frozen=True)
class Domain:
    schema: str
    name: str
    base_type: str
    not_null: bool = False
    default_expr: str | None = None
    collation: str | None = None
    checks: tuple[tuple[str, str], ...] = ()  # (name, definition)
    comment: str | None = None


@dataclass(frozen=True)
class Sequence:
    schema: str
    name: str
    data_type: str
    start: int
    increment: int
    min_value: int
    max_value: int
    cache: int
    cycle: bool
    owned_by: tuple[str, str, str] | None = None  # (schema, table, column)
    identity: bool = False  # belongs to an identity column: managed through the column
    acl: tuple[str, ...] = ()
    comment: str | None = None


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    not_null: bool = False
    default_expr: str | None = None
    identity: str = ""  # '' | 'a' (ALWAYS) | 'd' (BY DEFAULT)
    generated: str = ""  # '' | 's' (STORED) | 'v' (VIRTUAL, PG 18)
    generation_expr: str | None = None
    collation: str | None = None
    is_local: bool = True
    inherited_count: int = 0
    acl: tuple[str, ...] = ()
    comment: str | None = None
    position: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True)
class Table:
    schema: str
    name: str
    kind: str  # 'r' ordinary, 'p' partitioned
    columns: tuple[Column, ...] = field(default=(), compare=False, repr=False)
    is_partition: bool = False
    partition_key: str | None = None  # e.g. "RANGE (bar_time)"
    partition_bound: str | None = None  # e.g. "FOR VALUES FROM (...) TO (...)"
    parents: tuple[Name, ...] = ()  # partition parent or inheritance parents
    persistence: str = "p"  # 'p' permanent, 'u' unlogged
    rls_enabled: bool = False
    rls_forced: bool = False
    options: tuple[str, ...] = ()
    acl: tuple[str, ...] = ()
    comment: str | None = None
    # Columns by name: what equality, hashing and repr use, so column order never matters.
    sorted_columns: tuple[Column, ...] = field(init=False, compare=True, repr=True)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "sorted_columns", tuple(sorted(self.columns, key=lambda c: c.name))
        )

    @property
    def key(self) -> Name:
        return (self.schema, self.name)

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)

    @property
    def parent(self) -> Name | None:
        return self.parents[0] if self.is_partition and self.parents else None


@dataclass(frozen=True)
class Constraint:
    schema: str
    table: str
    name: str
    type: str  # 'p' primary key, 'u' unique, 'f' foreign key, 'c' check, 'x' exclusion
    definition: str
    columns: tuple[str, ...] = ()
    ref_table: Name | None = None
    ref_columns: tuple[str, ...] = ()
    deferrable: bool = False
    deferred: bool = False
    validated: bool = True
    is_local: bool = True
    inherited_count: int = 0
    has_parent: bool = False  # cloned from a partitioned parent's constraint
    index_name: str | None = None
    comment: str | None = None


@dataclass(frozen=True)
class Index:
    schema: str
    name: str
    table: str
    definition: str
    is_unique: bool = False
    is_primary: bool = False
    is_valid: bool = True
    method: str = "btree"
    is_partitioned: bool = False
    constraint_name: str | None = None  # set when the index backs a PK/unique/exclusion
    parent_index: Name | None = None  # set on a partition's index attached to a parent index
    key_columns: tuple[str, ...] = ()  # column names or expressions, in order
    include_columns: tuple[str, ...] = ()
    predicate: str | None = None
    comment: str | None = None


@dataclass(frozen=True)
class View:
    schema: str
    name: str
    kind: str  # 'v' view, 'm' materialized view
    definition: str
    columns: tuple[Column, ...] = ()
    options: tuple[str, ...] = ()
    acl: tuple[str, ...] = ()
    comment: str | None = None

    @property
    def key(self) -> Name:
        return (self.schema, self.name)


@dataclass(frozen=True)
class Function:
    schema: str
    name: str
    identity_args: str
    result: str | None
    kind: str  # 'f' function, 'p' procedure, 'w' window
    definition: str
    language: str
    acl: tuple[str, ...] = ()
    comment: str | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.schema, self.name, self.identity_args)


@dataclass(frozen=True)
class Trigger:
    schema: str
    table: str
    name: str
    definition: str
    enabled: str = "O"
    function: Name = ("", "")
    comment: str | None = None


@dataclass(frozen=True)
class Policy:
    schema: str
    table: str
    name: str
    command: str
    permissive: bool
    roles: tuple[str, ...]
    using_expr: str | None
    check_expr: str | None


@dataclass(frozen=True)
class Dependency:
    """A view or materialized view reading a relation (column) or calling a function."""

    schema: str
    name: str
    ref_kind: str  # 'relation' | 'function'
    ref_schema: str
    ref_name: str
    ref_column: str | None = None


def _tuplify(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_tuplify(v) for v in value)
    return value


def _build(klass: type, item: dict[str, Any]) -> Any:
    """Dataclass from its asdict() form: lists back to tuples, nested columns rebuilt."""
    values: dict[str, Any] = {}
    for f in fields(klass):
        if f.name not in item or not f.init:
            continue
        value = item[f.name]
        if f.name == "columns" and klass in (Table, View):
            value = tuple(_build(Column, c) for c in value)
        elif isinstance(value, dict):
            value = dict(value)
        else:
            value = _tuplify(value)
        values[f.name] = value
    return klass(**values)


_COMPARED_FIELDS: dict[type, tuple[str, ...]] = {}


def _compared_fields(klass: type) -> tuple[str, ...]:
    names = _COMPARED_FIELDS.get(klass)
    if names is None:
        names = tuple(f.name for f in fields(klass) if f.compare)
        _COMPARED_FIELDS[klass] = names
    return names


def _plain(value: Any) -> Any:
    if isinstance(value, (str, int, bool, float)) or value is None:
        return value  # the common case first: most leaves are scalars
    if isinstance(value, dict):
        return [
            [_plain(k), _plain(v)] for k, v in sorted(value.items(), key=lambda kv: repr(kv[0]))
        ]
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {name: _plain(getattr(value, name)) for name in _compared_fields(type(value))}
    return value


@dataclass(frozen=True, eq=False)
class Snapshot:
    """Everything the planner and the validation rules look at, keyed for lookup."""

    schemas: dict[str, Schema] = field(default_factory=dict)
    extensions: dict[str, Extension] = field(default_factory=dict)
    enums: dict[Name, Enum] = field(default_factory=dict)
    domains: dict[Name, Domain] = field(default_factory=dict)
    sequences: dict[Name, Sequence] = field(default_factory=dict)
    tables: dict[Name, Table] = field(default_factory=dict)
    constraints: dict[tuple[str, str, str], Constraint] = field(default_factory=dict)
    indexes: dict[Name, Index] = field(default_factory=dict)
    views: dict[Name, View] = field(default_factory=dict)
    functions: dict[tuple[str, str, str], Function] = field(default_factory=dict)
    triggers: dict[tuple[str, str, str], Trigger] = field(default_factory=dict)
    policies: dict[tuple[str, str, str], Policy] = field(default_factory=dict)
    dependencies: tuple[Dependency, ...] = ()
    server_version: int = field(default=0, compare=False)

    def canonical(self) -> dict[str, Any]:
        """JSON-able, order-independent form: column order and row order do not matter."""
        out: dict[str, Any] = {}
        for f in fields(self):
            if not f.compare:
                continue
            value = getattr(self, f.name)
            if f.name == "tables":
                value = {
                    k: {
                        **{n: v for n, v in _plain(t).items() if n != "sorted_columns"},
                        "columns": _plain(t.sorted_columns),
                    }
                    for k, t in value.items()
                }
                out[f.name] = _plain(value)
            elif f.name == "dependencies":
                out[f.name] = sorted(_plain(value), key=json.dumps)
            else:
                out[f.name] = _plain(value)
        return out

    def _compared(self) -> list[str]:
        return [f.name for f in fields(self) if f.compare]

    def fingerprint(self) -> str:
        """sha256 over the sorted reprs (dataclass reprs are deterministic and order-free
        where equality is): tens of milliseconds at 2,000 tables, unlike JSON."""
        digest = hashlib.sha256()
        for name in self._compared():
            value = getattr(self, name)
            items = sorted(value.items()) if isinstance(value, dict) else sorted(map(repr, value))
            digest.update(name.encode())
            digest.update(repr(items).encode())
        return digest.hexdigest()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Snapshot):
            return False
        for name in self._compared():
            mine, theirs = getattr(self, name), getattr(other, name)
            if name == "dependencies":
                mine, theirs = set(mine), set(theirs)
            if mine != theirs:
                return False
        return True

    def __hash__(self) -> int:
        return hash(self.fingerprint())

    def to_dict(self) -> dict[str, Any]:
        """Lossless JSON-able form (object lists per kind); inverse of `from_dict`."""
        data = asdict(self)
        for name, value in data.items():
            if isinstance(value, dict):
                data[name] = list(value.values())
        for table in data["tables"]:
            del table["sorted_columns"]  # derived from columns
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Snapshot:
        """Rebuild a snapshot stored by `to_dict` (e.g. the last applied state, for drift)."""
        kinds: dict[str, tuple[type, Any]] = {
            "schemas": (Schema, lambda o: o.name),
            "extensions": (Extension, lambda o: o.name),
            "enums": (Enum, lambda o: (o.schema, o.name)),
            "domains": (Domain, lambda o: (o.schema, o.name)),
            "sequences": (Sequence, lambda o: (o.schema, o.name)),
            "tables": (Table, lambda o: (o.schema, o.name)),
            "constraints": (Constraint, lambda o: (o.schema, o.table, o.name)),
            "indexes": (Index, lambda o: (o.schema, o.name)),
            "views": (View, lambda o: (o.schema, o.name)),
            "functions": (Function, lambda o: o.key),
            "triggers": (Trigger, lambda o: (o.schema, o.table, o.name)),
            "policies": (Policy, lambda o: (o.schema, o.table, o.name)),
        }
        kwargs: dict[str, Any] = {}
        for name, (klass, key) in kinds.items():
            objects = [_build(klass, item) for item in data.get(name, [])]
            kwargs[name] = {key(o): o for o in objects}
        kwargs["dependencies"] = tuple(_build(Dependency, d) for d in data.get("dependencies", []))
        kwargs["server_version"] = data.get("server_version", 0)
        return cls(**kwargs)

    @classmethod
    def from_json(cls, text: str) -> Snapshot:
        return cls.from_dict(json.loads(text))

    # --- lookups used by diff and validation
    def table_constraints(self, key: Name) -> list[Constraint]:
        return [c for c in self.constraints.values() if (c.schema, c.table) == key]

    def table_indexes(self, key: Name) -> list[Index]:
        return [i for i in self.indexes.values() if (i.schema, i.table) == key]

    def partitions_of(self, key: Name) -> list[Table]:
        return [t for t in self.tables.values() if t.parent == key]

    def relation_columns(self, key: Name) -> tuple[Column, ...]:
        if key in self.tables:
            return self.tables[key].columns
        if key in self.views:
            return self.views[key].columns
        return ()
