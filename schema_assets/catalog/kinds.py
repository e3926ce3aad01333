"""The registry of object kinds: everything the snapshot reads and the diff compares.

Order matters twice: it is the order of the comparators, and kinds read by another
kind's comparator come first. `ASPECTS` are comparators spanning every kind (comments,
grants). A new kind is one module defining its `Kind` (see `catalog/publications.py`),
one query file and one line here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable
from typing import Any

from schema_assets.catalog.kind import Kind, Rows, restore, row_builder
from schema_assets.catalog.model import (
    Column,
    Constraint,
    Dependency,
    Domain,
    Enum,
    Extension,
    Function,
    Index,
    Policy,
    Schema,
    Sequence,
    Table,
    Trigger,
    View,
)
from schema_assets.catalog.publications import PUBLICATIONS
from schema_assets.diff.columns import compare_columns
from schema_assets.diff.comments import compare_comments
from schema_assets.diff.constraints import compare_constraints
from schema_assets.diff.functions import compare_functions
from schema_assets.diff.indexes import compare_indexes
from schema_assets.diff.partitions import compare_partitions
from schema_assets.diff.privileges import compare_privileges
from schema_assets.diff.schemas import compare_extensions, compare_schemas
from schema_assets.diff.sequences import compare_sequences
from schema_assets.diff.tables import compare_tables
from schema_assets.diff.triggers import compare_policies, compare_triggers
from schema_assets.diff.types import compare_domains, compare_enums
from schema_assets.diff.views import compare_views

_column = row_builder(Column, tuples=("acl",), drop=("schema", "relation", "relation_kind"))


def _columns(rows: Rows, relation_kinds: str) -> dict[tuple[str, str], list[Column]]:
    out: dict[tuple[str, str], list[Column]] = {}
    wanted = set(relation_kinds)
    for r in rows["columns"]:
        if r.get("relation_kind") in wanted:  # rows already built lost the key: skipped
            out.setdefault((r["schema"], r["relation"]), []).append(_column(r))
    return out


def _with_columns(relation_kinds: str, build: Any) -> Any:
    """Tables and views: rows of their own query plus their columns, grouped once."""

    def assemble(kind: Kind, rows: Rows) -> dict[Hashable, Any]:
        columns = _columns(rows, relation_kinds)
        out = {}
        for r in rows[kind.name]:
            r["columns"] = tuple(columns.get((r["schema"], r["name"]), ()))
            obj = build(r)
            out[kind.key(obj)] = obj
        return out

    return assemble


def _table(r: dict[str, Any]) -> Table:
    if r["is_partition"]:
        # A table attached as a partition keeps attislocal on its columns, one created
        # PARTITION OF does not: nothing else (pg_dump included) can tell them apart, and
        # DETACH makes every column local again. Partition columns count as inherited.
        r["columns"] = tuple(
            c if not c.is_local else dataclasses.replace(c, is_local=False) for c in r["columns"]
        )
    r["parents"] = tuple(tuple(p) for p in (r["parents"] or ()))
    r["options"] = tuple(r["options"] or ())
    r["acl"] = tuple(r["acl"] or ())
    return Table(**r)


def _domain(r: dict[str, Any]) -> Domain:
    r["checks"] = tuple((c[0], c[1]) for c in (r["checks"] or ()))
    return Domain(**r)


def _name_key(o: Any) -> tuple[str, str]:
    return (o.schema, o.name)


def _table_key(o: Any) -> tuple[str, str, str]:
    return (o.schema, o.table, o.name)


KINDS: tuple[Kind, ...] = (
    Kind("schemas", Schema, key=lambda o: o.name, connection=0,
         build=row_builder(Schema, tuples=("acl",)), compare=(compare_schemas,)),
    Kind("extensions", Extension, key=lambda o: o.name, connection=0,
         compare=(compare_extensions,)),
    Kind("enums", Enum, key=_name_key, connection=0,
         build=row_builder(Enum, tuples=("labels",)), compare=(compare_enums,)),
    Kind("domains", Domain, key=_name_key, connection=0, build=_domain,
         compare=(compare_domains,)),
    Kind("sequences", Sequence, key=_name_key, connection=0,
         build=row_builder(Sequence, tuples=("acl",), pairs=("owned_by",)),
         compare=(compare_sequences,)),
    Kind("tables", Table, key=_name_key, reads=("columns",), connection=1,
         assemble=_with_columns("rp", _table),
         restore=lambda item: restore(Table, item, {"columns": Column}),
         compare=(compare_tables, compare_columns, compare_partitions)),
    Kind("constraints", Constraint, key=_table_key, connection=1,
         build=row_builder(Constraint, tuples=("columns", "ref_columns"), pairs=("ref_table",)),
         compare=(compare_constraints,)),
    Kind("indexes", Index, key=_name_key, connection=0,
         build=row_builder(
             Index, tuples=("key_columns", "include_columns"), pairs=("parent_index",)
         ),
         compare=(compare_indexes,)),
    Kind("views", View, key=_name_key, reads=("columns",), connection=1,
         assemble=_with_columns("vm", row_builder(View, tuples=("options", "acl"))),
         restore=lambda item: restore(View, item, {"columns": Column}),
         compare=(compare_views,)),
    Kind("functions", Function, key=lambda o: o.key, connection=1,
         build=row_builder(Function, tuples=("acl",)), compare=(compare_functions,)),
    Kind("triggers", Trigger, key=_table_key, connection=1,
         build=row_builder(Trigger, pairs=("function",)), compare=(compare_triggers,)),
    Kind("policies", Policy, key=_table_key, connection=1,
         build=row_builder(Policy, tuples=("roles",)), compare=(compare_policies,)),
    Kind("dependencies", Dependency, key=lambda o: o.key, connection=1),
    PUBLICATIONS,
)  # fmt: skip

#: Comparators spanning every kind, run after the kinds' own.
ASPECTS = (compare_comments, compare_privileges)


def comparators() -> list[Any]:
    return [compare for kind in KINDS for compare in kind.compare] + list(ASPECTS)
