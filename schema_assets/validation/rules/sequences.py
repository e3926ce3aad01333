"""Sequences belong to a column, so they follow it (drop, dump, ownership)."""

from __future__ import annotations

from collections.abc import Iterator

from schema_assets.validation.rules.base import Hit, RuleContext, qname, rule


@rule(
    "SEQ001",
    "sequence not owned by a column",
    "warning",
    "ALTER SEQUENCE ... OWNED BY <table>.<column> (or use an identity column)",
)
def seq001(ctx: RuleContext) -> Iterator[Hit]:
    for key in sorted(ctx.snapshot.sequences):
        seq = ctx.snapshot.sequences[key]
        if seq.owned_by is None and not seq.identity:
            yield Hit(qname(seq.schema, seq.name), "is not owned by any column")
