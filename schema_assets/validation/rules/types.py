"""Allowed data types per column role: money-like numbers, instants, ids."""

from __future__ import annotations

from collections.abc import Iterator

from schema_assets.validation.rules import roles
from schema_assets.validation.rules.base import Hit, RuleContext, column_name, rule


@rule(
    "TYP001",
    "price/size column not numeric(p,s)",
    "error",
    "use numeric(p,s) (e.g. numeric(20,8) for prices, numeric(28,8) for sizes): floats round",
)
def typ001(ctx: RuleContext) -> Iterator[Hit]:
    for table in ctx.tables():
        for col in table.columns:
            role = (
                "price" if roles.is_price(col.name) else "size" if roles.is_size(col.name) else None
            )
            if role and not roles.is_numeric_ps(col.type):
                yield Hit(column_name(table, col), f"{role} column is {col.type}, not numeric(p,s)")


@rule(
    "TYP002",
    "time column not timestamptz",
    "error",
    "use timestamptz: a timestamp without time zone loses the instant's offset",
)
def typ002(ctx: RuleContext) -> Iterator[Hit]:
    for table in ctx.tables():
        for col in table.columns:
            naive = col.type.startswith("timestamp without time zone")
            if naive or (
                roles.is_time(col.name) and not col.type.startswith("timestamp with time zone")
            ):
                yield Hit(column_name(table, col), f"time column is {col.type}, not timestamptz")


@rule(
    "TYP003",
    "id column not bigint",
    "error",
    "use bigint for *_id columns (integer ids run out; text ids need a configured exception)",
)
def typ003(ctx: RuleContext) -> Iterator[Hit]:
    for table in ctx.tables():
        for col in table.columns:
            if roles.is_id(col.name) and col.type != "bigint":
                yield Hit(column_name(table, col), f"id column is {col.type}, not bigint")
