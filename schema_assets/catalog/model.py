"""Immutable, typed picture of a database schema.

Definitions come from PostgreSQL's own deparsers (pg_get_indexdef, pg_get_constraintdef, ...),
so two databases holding the same object produce equal values here. Keys are tuples of raw
(unquoted) names; SQL is always rendered with quoting from the fields, never from keys.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Hashable, Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from schema_assets.catalog.kind import Kind

Name = tuple[str, str]  # (schema, name)


def _compared(obj: Any) -> tuple[Any, ...]:
    return tuple(getattr(obj, f.name) for f in fields(obj) if f.compare)


def _same_fields(self: Any, other: object) -> bool:
    """Dataclass equality, with a C-speed shortcut: equal attribute dicts are equal objects.
    Tables and columns are compared by the thousand in every diff; only when the dicts
    differ (possibly only in a field excluded from comparison) are the fields compared."""
    if other.__class__ is not self.__class__:
        return NotImplemented
    return self.__dict__ == other.__dict__ or _compared(self) == _compared(other)


def _fields_hash(self: Any) -> int:
    return hash(_compared(self))


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


@dataclass(frozen=True, eq=False)
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
    # PG 18 NOT NULL constraint: its name when not the default `<table>_<column>_not_null`
    # (pg_dump shows exactly those), and NO INHERIT.
    not_null_name: str | None = None
    not_null_no_inherit: bool = False
    statistics: int | None = None  # SET STATISTICS (None: the default)
    storage: str | None = None  # SET STORAGE when not the type's default ('p', 'e', 'm', 'x')
    compression: str = ""  # SET COMPRESSION ('p' pglz, 'l' lz4; '': the default)
    position: int = field(default=0, compare=False, repr=False)

    __eq__ = _same_fields
    __hash__ = _fields_hash


_RANGE_KEY = re.compile(r"^RANGE \((\w+)\)$")


@dataclass(frozen=True, eq=False)
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
    replica_identity: str = "d"  # 'd' default, 'n' nothing, 'f' full, 'i' index
    replica_index: str | None = None  # the index when replica_identity is 'i'
    # Columns by name: what equality, hashing and repr use, so column order never matters.
    sorted_columns: tuple[Column, ...] = field(init=False, compare=True, repr=True)

    __eq__ = _same_fields
    __hash__ = _fields_hash

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

    @property
    def range_column(self) -> str | None:
        """The column of a one-column `RANGE (col)` partition key, else None."""
        match = _RANGE_KEY.match(self.partition_key or "")
        return match.group(1) if match else None


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
    clustered: bool = False  # ALTER TABLE ... CLUSTER ON this index
    # The definition after "ON [ONLY] schema.table " ("USING btree (a) WHERE ..."): SQL is
    # rendered from name, table and body, never by editing `definition`.
    body: str = field(default="", compare=False, repr=False)


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
    """Something reading a relation (column) or calling a function: a view (relations and
    functions), or a default, check constraint, index, trigger, policy or function body
    (functions only)."""

    schema: str
    name: str  # the view, table (default, constraint, trigger, policy), index or function
    ref_kind: str  # 'relation' | 'function'
    ref_schema: str
    ref_name: str
    ref_column: str | None = None
    kind: str = "view"  # view | default | constraint | index | trigger | policy | function
    part: str = ""  # column, constraint, trigger or policy name; a function's arguments
    ref_args: str | None = None  # the called function's identity arguments

    @property
    def key(self) -> tuple[str, ...]:
        return (self.schema, self.name, self.kind, self.part, self.ref_kind, self.ref_schema,
                self.ref_name, self.ref_column or "", self.ref_args or "")  # fmt: skip


_COMPARED_FIELDS: dict[type, tuple[str, ...]] = {}


def _compared_fields(klass: type) -> tuple[str, ...]:
    names = _COMPARED_FIELDS.get(klass)
    if names is None:
        names = tuple(f.name for f in fields(klass) if f.compare and f.name != "sorted_columns")
        if klass is Table:
            names = (*names, "sorted_columns")
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
        out = {name: _plain(getattr(value, name)) for name in _compared_fields(type(value))}
        if "sorted_columns" in out:
            out["columns"] = out.pop("sorted_columns")
        return out
    return value


def _kinds() -> tuple[Kind, ...]:
    from schema_assets.catalog.kinds import KINDS

    return KINDS


class Snapshot:
    """Everything the planner and the validation rules look at: one dict per registered kind
    (`catalog/kinds.py`), keyed for lookup, e.g. `snap.tables[("raw", "trades")]`."""

    # Typed views of the built-in kinds; every registered kind is an attribute the same way.
    schemas: dict[str, Schema]
    extensions: dict[str, Extension]
    enums: dict[Name, Enum]
    domains: dict[Name, Domain]
    sequences: dict[Name, Sequence]
    tables: dict[Name, Table]
    constraints: dict[tuple[str, str, str], Constraint]
    indexes: dict[Name, Index]
    views: dict[Name, View]
    functions: dict[tuple[str, str, str], Function]
    triggers: dict[tuple[str, str, str], Trigger]
    policies: dict[tuple[str, str, str], Policy]
    dependencies: dict[tuple[str, ...], Dependency]
    server_version: int

    # `objects` are one dict per kind; the key type differs by kind, hence Any for the key.
    def __init__(self, server_version: int = 0, **objects: Mapping[Any, object]) -> None:
        for kind in _kinds():
            given = objects.pop(kind.name, None)
            setattr(self, kind.name, dict(given or {}))
        if objects:
            raise TypeError(f"unknown object kinds: {', '.join(sorted(objects))}")
        self.server_version = server_version

    def objects(self, kind: str) -> dict[Any, Any]:
        """The objects of one kind by name (new kinds need no typed attribute above); the
        caller knows the kind's key and object types, e.g. `dict[str, Publication]`."""
        return getattr(self, kind)

    def replace(self, **objects: Mapping[Any, object]) -> Snapshot:
        """A copy with some kinds replaced (the others shared, not copied)."""
        current = {k.name: getattr(self, k.name) for k in _kinds()}
        return Snapshot(self.server_version, **{**current, **objects})

    def __repr__(self) -> str:
        counts = ", ".join(f"{k.name}={len(getattr(self, k.name))}" for k in _kinds())
        return f"Snapshot({counts})"

    def __getstate__(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        for kind in _kinds():  # a kind registered after the pickle was written: none of it
            self.__dict__.setdefault(kind.name, {})

    def canonical(self) -> dict[str, Any]:
        """JSON-able, order-independent form: column order and row order do not matter."""
        return {k.name: _plain(getattr(self, k.name)) for k in _kinds()}

    def fingerprint(self) -> str:
        """sha256 over the sorted reprs (dataclass reprs are deterministic and order-free
        where equality is): tens of milliseconds at 2,000 tables, unlike JSON."""
        digest = hashlib.sha256()
        for kind in _kinds():
            digest.update(kind.name.encode())
            digest.update(repr(sorted(getattr(self, kind.name).items())).encode())
        return digest.hexdigest()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Snapshot):
            return NotImplemented
        return all(getattr(self, k.name) == getattr(other, k.name) for k in _kinds())

    def __hash__(self) -> int:
        return hash(self.fingerprint())

    def to_dict(self) -> dict[str, Any]:
        """Lossless JSON-able form (object lists per kind); inverse of `from_dict`."""
        data: dict[str, Any] = {"server_version": self.server_version}
        for kind in _kinds():
            items = [asdict(o) for o in getattr(self, kind.name).values()]
            for item in items:
                item.pop("sorted_columns", None)  # derived from columns
            data[kind.name] = items
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Snapshot:
        """Rebuild a snapshot stored by `to_dict` (e.g. the last applied state, for drift)."""
        objects: dict[str, dict[Hashable, Any]] = {}
        for kind in _kinds():
            built = (kind.from_stored(item) for item in data.get(kind.name, []))
            objects[kind.name] = {kind.key(o): o for o in built}
        return cls(data.get("server_version", 0), **objects)

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
