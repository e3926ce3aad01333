"""Comments on every kind that has one. Objects created in this plan are compared with none.

Views and functions created (or recreated) by the plan carry their comments in their own
create step, so they are skipped here.
"""

from __future__ import annotations

from schema_assets.diff import phases
from schema_assets.diff.change import NO_LOCK, SHARE_UPDATE_EXCLUSIVE, Change, display
from schema_assets.diff.constraints import own as own_constraint
from schema_assets.diff.constraints import recreated_constraints
from schema_assets.diff.context import Context
from schema_assets.diff.functions import fresh_functions, function_ref
from schema_assets.diff.indexes import recreated_indexes
from schema_assets.diff.sqltext import ident, literal, qualified
from schema_assets.diff.triggers import recreated_triggers


def _text(value: str | None) -> str:
    return "NULL" if value is None else literal(value)


def _comment(kind: str, name: str, target: str, old, new, lock: str = NO_LOCK) -> list[Change]:
    if old == new:
        return []
    return [
        Change(
            "comment",
            "comment",
            f"{kind} {name}",
            (f"COMMENT ON {target} IS {_text(new)}",),
            (f"COMMENT ON {target} IS {_text(old)}",),
            phases.COMMENT,
            lock=lock,
        )  # fmt: skip
    ]


def compare_comments(ctx: Context) -> list[Change]:
    src, dst = ctx.source, ctx.target
    out: list[Change] = []
    for name, s in sorted(dst.schemas.items()):
        old = src.schemas[name].comment if name in src.schemas else None
        out += _comment("schema", name, f"SCHEMA {ident(name)}", old, s.comment)
    for key, e in sorted(dst.enums.items()):
        old = (
            src.enums[key].comment if key in src.enums and key not in ctx.recreated_enums else None
        )
        out += _comment("type", display(*key), f"TYPE {qualified(*key)}", old, e.comment)
    for key, d in sorted(dst.domains.items()):
        old = src.domains[key].comment if key in src.domains else None
        out += _comment("domain", display(*key), f"DOMAIN {qualified(*key)}", old, d.comment)
    for key, seq in sorted(dst.sequences.items()):
        old = src.sequences[key].comment if key in src.sequences else None
        out += _comment("sequence", display(*key), f"SEQUENCE {qualified(*key)}", old, seq.comment)
    for key, t in sorted(dst.tables.items()):
        if ctx.unchanged_table(key) and not ctx.fresh(key):
            continue  # unchanged table: no comment to compare (the common case, kept cheap)
        old_t = None if ctx.fresh(key) else src.tables.get(key)
        if old_t == t:
            continue  # unchanged table: no comment to compare (the common case, kept cheap)
        q = qualified(*key)
        lock = SHARE_UPDATE_EXCLUSIVE
        out += _comment(
            "table", display(*key), f"TABLE {q}", old_t and old_t.comment, t.comment, lock
        )
        for c in t.columns:
            oc = old_t.column(c.name) if old_t else None
            out += _comment(
                "column", display(*key, c.name), f"COLUMN {q}.{ident(c.name)}",
                oc.comment if oc else None, c.comment, lock,
            )  # fmt: skip
    for key, v in sorted(dst.views.items()):
        if ctx.fresh(key):
            continue
        old_v = src.views[key]
        q = qualified(*key)
        kw = "MATERIALIZED VIEW" if v.kind == "m" else "VIEW"
        out += _comment("view", display(*key), f"{kw} {q}", old_v.comment, v.comment)
        old_cols = {c.name: c for c in old_v.columns}
        for c in v.columns:
            oc = old_cols.get(c.name)
            out += _comment(
                "column", display(*key, c.name), f"COLUMN {q}.{ident(c.name)}",
                oc.comment if oc else None, c.comment,
            )  # fmt: skip
    recreated_con = recreated_constraints(ctx)
    for con_key, con in sorted(dst.constraints.items()):
        if not own_constraint(con):
            continue
        old = (
            src.constraints[con_key].comment
            if con_key in src.constraints and con_key not in recreated_con
            else None
        )
        if old == con.comment:
            continue
        target = f"CONSTRAINT {ident(con.name)} ON {qualified(con.schema, con.table)}"
        out += _comment("constraint", display(*con_key), target, old, con.comment)
    recreated_idx = recreated_indexes(ctx)
    for key, i in sorted(dst.indexes.items()):
        rel = (i.schema, i.table)
        if rel in dst.views and ctx.fresh(rel):
            continue
        old = src.indexes[key].comment if key in src.indexes and key not in recreated_idx else None
        if old == i.comment:
            continue
        out += _comment("index", display(*key), f"INDEX {qualified(*key)}", old, i.comment)
    recreated_trg = recreated_triggers(ctx)
    for trg_key, trg in sorted(dst.triggers.items()):
        if trg_key in src.triggers and trg_key not in recreated_trg:
            target = f"TRIGGER {ident(trg.name)} ON {qualified(trg.schema, trg.table)}"
            old = src.triggers[trg_key].comment
            out += _comment("trigger", display(*trg_key), target, old, trg.comment)
    fresh = fresh_functions(ctx)
    for fn_key, f in sorted(dst.functions.items()):
        if fn_key in fresh:
            continue
        kw = "PROCEDURE" if f.kind == "p" else "FUNCTION"
        out += _comment(
            kw.lower(), display(f.schema, f.name), f"{kw} {function_ref(f)}",
            src.functions[fn_key].comment, f.comment,
        )  # fmt: skip
    return out
