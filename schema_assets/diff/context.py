"""Facts every comparator needs about the whole diff, computed once up front.

Which relations are created or dropped by the plan, which columns change type, which
views must be dropped and recreated around those changes, which functions and enum
types are recreated. Dependents of a relation that is created in this plan are compared
against nothing (plain CREATE); dependents of one that is dropped need no DROP of their own.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar, cast

from schema_assets.catalog.model import (
    Constraint,
    Enum,
    Function,
    Name,
    Sequence,
    Snapshot,
    Table,
)
from schema_assets.diff.sqltext import type_name


@dataclass
class Context:
    source: Snapshot
    target: Snapshot
    managed_partition: re.Pattern[str] | None = None
    new_relations: set[Name] = field(default_factory=set)
    dropped_relations: set[Name] = field(default_factory=set)
    recreated_views: set[Name] = field(default_factory=set)
    retyped_columns: set[tuple[str, str, str]] = field(default_factory=set)
    recreated_enums: set[Name] = field(default_factory=set)
    recreated_functions: set[tuple[str, str, str]] = field(default_factory=set)
    kept_partitions: set[Name] = field(default_factory=set)
    # Tables whose kind or partition key changes: rebuilt with their rows (tables.py).
    rebuilt: set[Name] = field(default_factory=set)
    # Source partitions set aside with a rebuilt ancestor (they go with it, data copied).
    aside: set[Name] = field(default_factory=set)
    # Dependents of functions the plan drops or recreates: they let go first and bind again
    # to the new function afterwards (defaults by column, constraints/triggers/policies by
    # (schema, table, name), indexes by (schema, name), functions by key).
    rebound_defaults: set[tuple[str, str, str]] = field(default_factory=set)
    rebound_constraints: set[tuple[str, str, str]] = field(default_factory=set)
    rebound_indexes: set[Name] = field(default_factory=set)
    rebound_triggers: set[tuple[str, str, str]] = field(default_factory=set)
    rebound_policies: set[tuple[str, str, str]] = field(default_factory=set)
    rebound_functions: set[tuple[str, str, str]] = field(default_factory=set)
    # Dropped functions with dependents or a new overload: dropped before any creation.
    early_dropped_functions: set[tuple[str, str, str]] = field(default_factory=set)
    # USING expressions for type changes, by (schema, table, column).
    using: dict[tuple[str, str, str], str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    # Partition indexes (indexes.py) and partitions' constraint indexes (constraints.py)
    # created explicitly under their target names, by (schema, index name): not renamed.
    explicit_partition_indexes: set[Name] = field(default_factory=set)
    explicit_parents: set[Name] = field(default_factory=set)
    # Values computed once per diff: by @per_diff function, and by side (True = source).
    _memo: dict[Callable[[Context], object], object] = field(default_factory=dict, repr=False)
    _unchanged_tables: set[Name] | None = field(default=None, repr=False)
    _constraints_by_table: dict[bool, dict[Name, list[Constraint]]] = field(
        default_factory=dict, repr=False
    )
    _identity_sequences: dict[bool, dict[tuple[str, str, str], Sequence]] = field(
        default_factory=dict, repr=False
    )
    _children: dict[bool, dict[Name, list[Name]]] = field(default_factory=dict, repr=False)

    @property
    def server_version(self) -> int:
        return self.source.server_version or self.target.server_version or 180000

    def fresh(self, rel: Name) -> bool:
        """Created (or recreated) by this plan: dependents are created without online tricks."""
        return rel in self.new_relations or rel in self.recreated_views

    def gone(self, rel: Name) -> bool:
        """Dropped (or dropped for recreation) by this plan: dependents go with it."""
        return rel in self.dropped_relations or rel in self.recreated_views

    def source_constraints_of(self, rel: Name) -> list[Constraint]:
        return self._by_table(self.source).get(rel, [])

    def target_constraints_of(self, rel: Name) -> list[Constraint]:
        return self._by_table(self.target).get(rel, [])

    def _by_table(self, snap: Snapshot) -> dict[Name, list[Constraint]]:
        side = snap is self.source
        if side not in self._constraints_by_table:
            index: dict[Name, list[Constraint]] = {}
            for o in snap.constraints.values():
                index.setdefault((o.schema, o.table), []).append(o)
            self._constraints_by_table[side] = index
        return self._constraints_by_table[side]

    def is_partitioned(self, snap: Snapshot, rel: Name) -> bool:
        t = snap.tables.get(rel)
        return bool(t and t.kind == "p")

    def unchanged_table(self, key: Name) -> bool:
        """On both sides and equal (compared once per diff: tables are the costly compare)."""
        if self._unchanged_tables is None:
            src, dst = self.source.tables, self.target.tables
            self._unchanged_tables = {k for k in src.keys() & dst.keys() if src[k] == dst[k]}
        return key in self._unchanged_tables

    def identity_sequences(self, snap: Snapshot) -> dict[tuple[str, str, str], Sequence]:
        """Identity sequences of `snap` by owning column (built once per side)."""
        side = snap is self.source
        if side not in self._identity_sequences:
            self._identity_sequences[side] = {
                s.owned_by: s for s in snap.sequences.values() if s.identity and s.owned_by
            }
        return self._identity_sequences[side]

    def children(self, snap: Snapshot, rel: Name) -> list[Name]:
        """Direct partitions of `rel` in `snap` (sorted), from an index built once."""
        side = snap is self.source
        if side not in self._children:
            index: dict[Name, list[Name]] = {}
            for key, t in snap.tables.items():
                if t.parent:
                    index.setdefault(t.parent, []).append(key)
            for keys in index.values():
                keys.sort()
            self._children[side] = index
        return self._children[side].get(rel, [])

    def descendants(self, snap: Snapshot, rel: Name) -> list[Name]:
        """All partitions below `rel`, parents before their own partitions."""
        out: list[Name] = []
        todo = list(self.children(snap, rel))
        while todo:
            key = todo.pop(0)
            out.append(key)
            todo.extend(self.children(snap, key))
        return out


T = TypeVar("T")


def per_diff(build: Callable[[Context], T]) -> Callable[[Context], T]:
    """`build(ctx)` computed once per diff: later calls return the value kept on `ctx`."""

    @functools.wraps(build)
    def cached(ctx: Context) -> T:
        if build not in ctx._memo:
            ctx._memo[build] = build(ctx)
        return cast(T, ctx._memo[build])

    return cached


def function_signature(f: Function) -> tuple[str, str, str]:
    """(schema, name, argument types): what PostgreSQL identifies a function by."""
    return (f.schema, f.name, _arg_types(f.identity_args))


_MODES = ("in ", "out ", "inout ", "variadic ")


def _split_args(args: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in args:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    if "".join(current).strip():
        parts.append("".join(current).strip())
    return parts


# Multi-word type names that must not be mistaken for "name type".
_MULTIWORD = (
    "double precision", "character varying", "bit varying", "timestamp without time zone",
    "timestamp with time zone", "time without time zone", "time with time zone", "character",
    "timestamp", "time", "interval",
)  # fmt: skip


def _arg_types(identity_args: str) -> str:
    """Drop argument names from pg_get_function_identity_arguments' output."""
    out = []
    for arg in _split_args(identity_args):
        low = arg.lower()
        for mode in _MODES:
            if low.startswith(mode):
                arg, low = arg[len(mode) :], low[len(mode) :]
                break
        if not any(low == m or low.startswith((m + " ", m + "(")) for m in _MULTIWORD) and (
            " " in arg
        ):
            head, rest = arg.split(" ", 1)
            if not head.startswith('"') or head.endswith('"'):
                arg = rest
        out.append(arg.strip())
    return ", ".join(out)


def enum_needs_recreate(old: Enum, new: Enum) -> bool:
    """True unless `new` only adds labels to `old` (kept in the same relative order)."""
    it = iter(new.labels)
    return not all(label in it for label in old.labels)


def build_context(
    source: Snapshot,
    target: Snapshot,
    managed_pattern: str | None,
    using: dict[tuple[str, str, str], str] | None = None,
) -> Context:
    ctx = Context(source, target, re.compile(managed_pattern) if managed_pattern else None)
    ctx.using = dict(using or {})
    src_rel = set(source.tables) | set(source.views)
    dst_rel = set(target.tables) | set(target.views)
    if ctx.managed_partition:
        ctx.kept_partitions = {
            k
            for k, t in source.tables.items()
            if k not in target.tables
            and t.is_partition
            and t.parent in target.tables
            and ctx.managed_partition.search(t.name)
        }
    ctx.new_relations = dst_rel - src_rel
    ctx.dropped_relations = src_rel - dst_rel - ctx.kept_partitions
    # Relations of another kind on the two sides (table <-> view) are both new and dropped.
    for k in set(source.tables) & set(target.views):
        ctx.new_relations.add(k)
        ctx.dropped_relations.add(k)
    for k in set(source.views) & set(target.tables):
        ctx.new_relations.add(k)
        ctx.dropped_relations.add(k)
    # Plain <-> partitioned, or another partition key: rebuilt with the rows (tables.py).
    src_t, dst_t = source.tables, target.tables
    changed = {
        k for k in src_t.keys() & dst_t.keys()
        if src_t[k].parents != dst_t[k].parents  # cheap filters first
        or src_t[k].kind != dst_t[k].kind
        or src_t[k].partition_key != dst_t[k].partition_key
        if needs_rebuild(src_t[k], dst_t[k])
    }  # fmt: skip
    for k in sorted(changed):
        if _has_ancestor_in(source, k, changed):
            continue  # set aside and recreated with its rebuilt ancestor
        ctx.rebuilt.add(k)
        ctx.new_relations.add(k)
        ctx.dropped_relations.add(k)
        for d in ctx.descendants(source, k):
            ctx.aside.add(d)
            ctx.dropped_relations.add(d)
        ctx.new_relations.update(ctx.descendants(target, k))
    ctx.kept_partitions -= ctx.aside

    for key, old in source.enums.items():
        new = target.enums.get(key)
        if new and enum_needs_recreate(old, new):
            ctx.recreated_enums.add(key)
    enum_types = {type_name(*k) for k in ctx.recreated_enums}
    enum_types |= {t + "[]" for t in enum_types}

    for key, t in source.tables.items():
        dst = target.tables.get(key)
        if dst is None or (dst.columns == t.columns and not enum_types):
            continue
        dst_cols = {c.name: c for c in dst.columns}
        for col in t.columns:
            other = dst_cols.get(col.name)
            if other is None or other.type != col.type or other.collation != col.collation:
                ctx.retyped_columns.add((*key, col.name))
            elif col.type in enum_types or other.generation_expr != col.generation_expr:
                ctx.retyped_columns.add((*key, col.name))

    src_sigs = {function_signature(f): f for f in source.functions.values()}
    dst_sigs = {function_signature(f): f for f in target.functions.values()}
    for sig, f in src_sigs.items():
        g = dst_sigs.get(sig)
        if g is None:
            continue
        if g.identity_args != f.identity_args or g.result != f.result or g.kind != f.kind:
            ctx.recreated_functions.add(f.key)
    _rebind_function_dependents(ctx, dst_sigs)
    gone_functions = {
        (f.schema, f.name)
        for f in source.functions.values()
        if f.key in ctx.recreated_functions or function_signature(f) not in dst_sigs
    }

    # Views to drop and recreate: changed themselves, or reading something that changes.
    for key, v in source.views.items():
        w = target.views.get(key)
        if w is not None and (
            w.kind != v.kind
            or w.definition != v.definition
            or w.options != v.options
            or [(c.name, c.type, c.collation) for c in w.columns]
            != [(c.name, c.type, c.collation) for c in v.columns]
        ):
            ctx.recreated_views.add(key)
    readers: dict[tuple, set[Name]] = {}
    for dep in source.dependencies.values():
        view = (dep.schema, dep.name)
        if dep.ref_kind == "function":
            readers.setdefault(("f", dep.ref_schema, dep.ref_name), set()).add(view)
        else:
            readers.setdefault(("r", dep.ref_schema, dep.ref_name), set()).add(view)
            if dep.ref_column:
                readers.setdefault(("c", dep.ref_schema, dep.ref_name, dep.ref_column), set()).add(
                    view
                )
    todo: list[Name] = list(ctx.recreated_views)
    for retyped in ctx.retyped_columns:
        todo.extend(readers.get(("c", *retyped), ()))
    for fn in gone_functions:
        todo.extend(readers.get(("f", *fn), ()))
    for rel in ctx.dropped_relations:
        todo.extend(readers.get(("r", *rel), ()))
    seen: set[Name] = set()
    while todo:
        view = todo.pop()
        if view in seen or view not in source.views:
            continue
        seen.add(view)
        if view in target.views:
            ctx.recreated_views.add(view)
        else:
            ctx.dropped_relations.add(view)
        todo.extend(readers.get(("r", *view), ()))
    return ctx


def _rebind_function_dependents(ctx: Context, dst_sigs: dict) -> None:
    """What calls a function that goes (dropped, or dropped and created again) is detached
    from it first and bound to the new one after; the old one is dropped before anything
    is created, so that nothing binds to it again (an old overload would win)."""
    source, target = ctx.source, ctx.target
    gone = {
        f.key
        for f in source.functions.values()
        if f.key in ctx.recreated_functions or function_signature(f) not in dst_sigs
    }
    if not gone:
        return
    sets = {
        "default": ctx.rebound_defaults, "constraint": ctx.rebound_constraints,
        "trigger": ctx.rebound_triggers, "policy": ctx.rebound_policies,
        "function": ctx.rebound_functions,
    }  # fmt: skip
    called: set[tuple[str, str, str]] = set()
    for d in source.dependencies.values():
        ref = (d.ref_schema, d.ref_name, d.ref_args or "")
        if d.ref_kind != "function" or ref not in gone or d.kind == "view":
            continue
        called.add(ref)
        if d.kind == "index":
            ctx.rebound_indexes.add((d.schema, d.name))
        elif d.kind in sets:
            sets[d.kind].add((d.schema, d.name, d.part))
    ctx.rebound_functions &= set(source.functions) & set(target.functions)
    ctx.recreated_functions |= ctx.rebound_functions
    created_names = {
        (f.schema, f.name) for f in target.functions.values() if f.key not in source.functions
    }
    ctx.early_dropped_functions = {k for k in gone if k in called or (k[0], k[1]) in created_names}


def needs_rebuild(a: Table, b: Table) -> bool:
    """PostgreSQL cannot turn `a` into `b` in place: another kind or partition key, or an
    inheritance child whose columns must become inherited-only (attislocal cannot be unset)."""
    if (a.kind, a.partition_key) != (b.kind, b.partition_key):
        return True
    if a.parents == b.parents or a.is_partition or b.is_partition:
        return False
    for col in b.columns:
        old = a.column(col.name)
        if not col.is_local and (old is None or old.is_local):
            return True
    return False


def _has_ancestor_in(snap: Snapshot, key: Name, keys: set[Name]) -> bool:
    seen: set[Name] = set()
    parent = snap.tables[key].parent
    while parent and parent not in seen:
        if parent in keys:
            return True
        seen.add(parent)
        t = snap.tables.get(parent)
        parent = t.parent if t else None
    return False


def view_depth(snap: Snapshot) -> dict[Name, int]:
    """Depth of each view in the view-on-view graph (0: reads only tables)."""
    reads: dict[Name, set[Name]] = {}
    for d in snap.dependencies.values():
        if d.ref_kind == "relation" and (d.ref_schema, d.ref_name) in snap.views:
            reads.setdefault((d.schema, d.name), set()).add((d.ref_schema, d.ref_name))
    depth: dict[Name, int] = {}

    def visit(v: Name, seen: frozenset[Name]) -> int:
        if v in depth:
            return depth[v]
        if v in seen:
            return 0
        d = 1 + max((visit(r, seen | {v}) for r in reads.get(v, ())), default=-1)
        depth[v] = d
        return d

    for v in snap.views:
        visit(v, frozenset())
    return depth
