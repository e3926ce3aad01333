"""Required columns per layer, and `updated_at` kept up to date by its trigger."""

from __future__ import annotations

import re
from collections.abc import Iterator

from schema_assets.diff.sqltext import ident, qualified
from schema_assets.validation.rules.base import Hit, RuleContext, qname, rule

_BEFORE_UPDATE = re.compile(r"\bBEFORE\s+(?:[A-Z]+\s+OR\s+)*UPDATE\b.*\bFOR EACH ROW\b", re.S)


@rule(
    "REQ001",
    "required column missing for the table's layer",
    "error",
    "add the column (created_at timestamptz NOT NULL DEFAULT now(); raw tables also "
    "source_id bigint and ingested_at timestamptz)",
)
def req001(ctx: RuleContext) -> Iterator[Hit]:
    required = ctx.config.required_columns
    for table in ctx.tables():
        needed = dict.fromkeys([*required.get("*", ()), *required.get(table.schema, ())])
        present = {c.name for c in table.columns}
        for column in needed:
            if column not in present:
                layer = table.schema if column in required.get(table.schema, ()) else "every"
                yield Hit(
                    qname(table.schema, table.name),
                    f"missing column {column} (required in {layer} layer tables)",
                )


@rule(
    "REQ002",
    "updated_at without its BEFORE UPDATE trigger",
    "error",
    "CREATE TRIGGER <table>_set_updated_at BEFORE UPDATE ON <table> FOR EACH ROW "
    "EXECUTE FUNCTION util.set_updated_at()",
)
def req002(ctx: RuleContext) -> Iterator[Hit]:
    triggers = ctx.snapshot.triggers.values()
    for table in ctx.tables():
        if table.column("updated_at") is None:
            continue
        mine = [t for t in triggers if (t.schema, t.table) == table.key]
        if not any(_BEFORE_UPDATE.search(t.definition) for t in mine):
            yield Hit(
                qname(table.schema, table.name),
                "has updated_at but no BEFORE UPDATE ... FOR EACH ROW trigger maintaining it",
                f"CREATE TRIGGER {ident(table.name + '_set_updated_at')} BEFORE UPDATE ON "
                f"{qualified(table.schema, table.name)} FOR EACH ROW "
                "EXECUTE FUNCTION util.set_updated_at()",
            )
