"""Declared CHECK constraints the data depends on: positive prices, high >= low."""

from __future__ import annotations

from collections.abc import Iterator

from schema_assets.catalog.model import Table
from schema_assets.diff.sqltext import ident, qualified
from schema_assets.validation.checkexpr import (
    Condition,
    parse_check,
    states_at_least,
    states_positive,
)
from schema_assets.validation.rules import roles
from schema_assets.validation.rules.base import Hit, RuleContext, column_name, qname, rule


def _conditions(ctx: RuleContext, table: Table) -> Iterator[Condition]:
    for con in ctx.constraints(table, "c"):
        yield from parse_check(con.definition).conditions


@rule(
    "CHK001",
    "price column without CHECK (price > 0)",
    "error",
    "ALTER TABLE ... ADD CONSTRAINT <table>_<column>_check CHECK (<column> > 0)",
)
def chk001(ctx: RuleContext) -> Iterator[Hit]:
    for table in ctx.tables():
        conditions = list(_conditions(ctx, table))
        for col in table.columns:
            if roles.is_price(col.name) and roles.is_number(col.type):
                if not any(states_positive(c, col.name) for c in conditions):
                    yield Hit(
                        column_name(table, col),
                        "price column has no CHECK stating it is > 0",
                        f"ALTER TABLE {qualified(table.schema, table.name)} ADD CONSTRAINT "
                        f"{ident(f'{table.name}_{col.name}_check')} CHECK ({ident(col.name)} > 0)",
                    )


@rule(
    "CHK002",
    "OHLC table without CHECK (high >= low)",
    "error",
    "ALTER TABLE ... ADD CONSTRAINT <table>_high_low_check CHECK (high >= low)",
)
def chk002(ctx: RuleContext) -> Iterator[Hit]:
    for table in ctx.tables():
        if not all(table.column(c) for c in roles.OHLC):
            continue
        if not any(states_at_least(c, "high", "low") for c in _conditions(ctx, table)):
            yield Hit(
                qname(table.schema, table.name),
                "has open/high/low/close columns but no CHECK (high >= low)",
                f"ALTER TABLE {qualified(table.schema, table.name)} ADD CONSTRAINT "
                f"{ident(f'{table.name}_high_low_check')} CHECK (high >= low)",
            )
