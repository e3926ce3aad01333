"""Keys: every table has a primary key; every foreign key has an index to back it."""

from __future__ import annotations

from collections.abc import Iterator

from schema_assets.diff.sqltext import ident, idents, qualified
from schema_assets.validation.rules.base import Hit, RuleContext, qname, rule


@rule(
    "PK001",
    "table without a primary key",
    "error",
    "add a PRIMARY KEY (a natural key, or a bigint identity column)",
)
def pk001(ctx: RuleContext) -> Iterator[Hit]:
    for table in ctx.tables():
        if not ctx.constraints(table, "p"):
            yield Hit(qname(table.schema, table.name), "has no primary key")


@rule(
    "FK001",
    "foreign key without a supporting index",
    "error",
    "create an index whose leading columns are the foreign key columns",
)
def fk001(ctx: RuleContext) -> Iterator[Hit]:
    for table in ctx.tables():
        indexes = [i for i in ctx.indexes(table) if i.is_valid and not i.predicate]
        for fk in ctx.constraints(table, "f"):
            cols = set(fk.columns)
            if any(set(i.key_columns[: len(cols)]) == cols for i in indexes):
                continue
            listed = ", ".join(fk.columns)
            index_name = ident(f"{table.name}_{'_'.join(fk.columns)}_idx")
            yield Hit(
                qname(table.schema, table.name, fk.name),
                f"foreign key ({listed}) has no index with these leading columns: "
                "deletes and updates on the referenced table scan this one",
                f"CREATE INDEX {index_name} ON {qualified(table.schema, table.name)} "
                f"({idents(fk.columns)})",
            )
