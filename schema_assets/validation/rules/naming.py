"""Naming conventions: snake_case everywhere, PostgreSQL's suffixes for constraints and indexes."""

from __future__ import annotations

from collections.abc import Iterator

from schema_assets.validation.rules.base import SNAKE_CASE, Hit, RuleContext, qname, rule

CONSTRAINT_SUFFIX = {"p": "_pkey", "u": "_key", "f": "_fkey", "c": "_check", "x": "_excl"}
INDEX_SUFFIXES = ("_idx",)


@rule(
    "NAM001",
    "name not snake_case",
    "warning",
    "rename to lower snake_case ([a-z][a-z0-9_]*): other names need quoting everywhere",
)
def nam001(ctx: RuleContext) -> Iterator[Hit]:
    snap = ctx.snapshot
    named: list[tuple[str, str, str]] = [("schema", s, s) for s in snap.schemas]
    for table in ctx.tables():
        named.append(("table", table.name, qname(table.schema, table.name)))
        named += [
            ("column", c.name, qname(table.schema, table.name, c.name)) for c in table.columns
        ]
        named += [
            ("constraint", c.name, qname(table.schema, table.name, c.name))
            for c in ctx.constraints(table)
        ]
        named += [
            ("index", i.name, qname(i.schema, i.name))
            for i in ctx.indexes(table)
            if i.parent_index is None and not i.constraint_name  # else named by its constraint
        ]
    for view in snap.views.values():
        named.append(("view", view.name, qname(view.schema, view.name)))
        named += [("column", c.name, qname(view.schema, view.name, c.name)) for c in view.columns]
    named += [("type", e.name, qname(e.schema, e.name)) for e in snap.enums.values()]
    named += [("domain", d.name, qname(d.schema, d.name)) for d in snap.domains.values()]
    named += [("sequence", s.name, qname(s.schema, s.name)) for s in snap.sequences.values()]
    named += [("function", f.name, qname(f.schema, f.name)) for f in snap.functions.values()]
    for kind, name, obj in sorted(set(named), key=lambda n: n[2]):
        if not SNAKE_CASE.match(name):
            yield Hit(obj, f"{kind} name {name!r} is not snake_case")


@rule(
    "NAM002",
    "constraint or index name without its conventional suffix",
    "warning",
    "name constraints <table>_<columns>_{pkey|key|fkey|check|excl} and indexes <table>_<columns>_idx",
)
def nam002(ctx: RuleContext) -> Iterator[Hit]:
    for table in ctx.tables():
        for con in ctx.constraints(table):
            suffix = CONSTRAINT_SUFFIX.get(con.type)
            if suffix and not con.name.endswith(suffix):
                yield Hit(
                    qname(table.schema, table.name, con.name),
                    f"constraint name should end with {suffix}",
                )
    for key in sorted(ctx.snapshot.tables) + sorted(ctx.snapshot.views):  # matviews have indexes
        for index in ctx.snapshot.table_indexes(key):
            if index.constraint_name or index.parent_index is not None:
                continue  # named by its constraint, or attached to a parent index
            if not index.name.endswith(INDEX_SUFFIXES):
                yield Hit(qname(index.schema, index.name), "index name should end with _idx")
