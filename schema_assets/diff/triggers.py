"""Triggers (clones on partitions are the parent's) and row-level security policies."""

from __future__ import annotations

import re

from schema_assets.catalog.model import Policy, Trigger
from schema_assets.diff import phases
from schema_assets.diff.change import SHARE_ROW_EXCLUSIVE, Change, alter, create, display, drop
from schema_assets.diff.context import Context
from schema_assets.diff.loop import compare_objects
from schema_assets.diff.sqltext import ident, literal, qualified

_ENABLE = {"O": "ENABLE", "D": "DISABLE", "R": "ENABLE REPLICA", "A": "ENABLE ALWAYS"}


def _create_trigger(t: Trigger) -> list[str]:
    q = qualified(t.schema, t.table)
    out = [t.definition]
    if t.enabled != "O":
        out.append(f"ALTER TABLE {q} {_ENABLE[t.enabled]} TRIGGER {ident(t.name)}")
    if t.comment is not None:
        out.append(f"COMMENT ON TRIGGER {ident(t.name)} ON {q} IS {literal(t.comment)}")
    return out


def _drop_trigger(t: Trigger) -> str:
    return f"DROP TRIGGER {ident(t.name)} ON {qualified(t.schema, t.table)}"


def _reads_retyped_column(ctx: Context, t: Trigger) -> bool:
    """PostgreSQL refuses to retype a column named in a trigger's WHEN or UPDATE OF: such a
    trigger is dropped and recreated around the change. Matched on the deparsed text, so a
    false positive only costs a needless (transactional) recreate."""
    head = t.definition.split(" EXECUTE ", 1)[0]
    return any(
        re.search(rf"(?<![\w\"]){re.escape(ident(col))}(?![\w\"])", head)
        for schema, table, col in ctx.retyped_columns
        if (schema, table) == (t.schema, t.table)
    )


def recreated_triggers(ctx: Context) -> set[tuple[str, str, str]]:
    recreated_fns = {(k[0], k[1]) for k in ctx.recreated_functions}
    out = set()
    for key in ctx.source.triggers.keys() & ctx.target.triggers.keys():
        a, b = ctx.source.triggers[key], ctx.target.triggers[key]
        rel = (a.schema, a.table)
        if (
            a.definition != b.definition
            or a.function in recreated_fns
            or ctx.gone(rel)
            or ctx.fresh(rel)
            or _reads_retyped_column(ctx, a)
            or key in ctx.rebound_triggers
        ):
            out.add(key)
    return out


def compare_triggers(ctx: Context) -> list[Change]:
    recreated = recreated_triggers(ctx)

    def created(t: Trigger) -> list[Change]:
        return [
            create("trigger", display(t.schema, t.table, t.name), up=_create_trigger(t),
                   down=_drop_trigger(t), phase=phases.CREATE_TRIGGER, lock=SHARE_ROW_EXCLUSIVE)
        ]  # fmt: skip

    def dropped(t: Trigger) -> list[Change]:
        if ctx.gone((t.schema, t.table)):
            return []  # goes with its table
        return [
            drop("trigger", display(t.schema, t.table, t.name), up=_drop_trigger(t),
                 down=_create_trigger(t), phase=phases.DROP_TRIGGER)
        ]  # fmt: skip

    def altered(a: Trigger, b: Trigger) -> list[Change]:
        if a.enabled == b.enabled:
            return []  # only the comment differs (comments.py)
        q = qualified(b.schema, b.table)
        return [
            alter("trigger", display(b.schema, b.table, b.name),
                  up=f"ALTER TABLE {q} {_ENABLE[b.enabled]} TRIGGER {ident(b.name)}",
                  down=f"ALTER TABLE {q} {_ENABLE[a.enabled]} TRIGGER {ident(b.name)}",
                  phase=phases.CREATE_TRIGGER, lock=SHARE_ROW_EXCLUSIVE)
        ]  # fmt: skip

    return compare_objects(
        ctx.source.triggers, ctx.target.triggers, create=created, drop=dropped, alter=altered,
        recreate=recreated.__contains__,
    )  # fmt: skip


_COMMANDS = {"r": "SELECT", "a": "INSERT", "w": "UPDATE", "d": "DELETE", "*": "ALL"}


def _create_policy(p: Policy) -> str:
    roles = ", ".join("PUBLIC" if r == "public" else ident(r) for r in p.roles) or "PUBLIC"
    sql = (
        f"CREATE POLICY {ident(p.name)} ON {qualified(p.schema, p.table)} "
        f"AS {'PERMISSIVE' if p.permissive else 'RESTRICTIVE'} FOR {_COMMANDS[p.command]} "
        f"TO {roles}"
    )
    if p.using_expr is not None:
        sql += f" USING ({p.using_expr})"
    if p.check_expr is not None:
        sql += f" WITH CHECK ({p.check_expr})"
    return sql


def _drop_policy(p: Policy) -> str:
    return f"DROP POLICY {ident(p.name)} ON {qualified(p.schema, p.table)}"


def compare_policies(ctx: Context) -> list[Change]:
    def created(p: Policy) -> list[Change]:
        return [
            create("policy", display(p.schema, p.table, p.name), up=_create_policy(p),
                   down=_drop_policy(p), phase=phases.CREATE_POLICY)
        ]  # fmt: skip

    def dropped(p: Policy) -> list[Change]:
        if ctx.gone((p.schema, p.table)):
            return []  # goes with its table
        return [
            drop("policy", display(p.schema, p.table, p.name), up=_drop_policy(p),
                 down=_create_policy(p), phase=phases.DROP_POLICY)
        ]  # fmt: skip

    return compare_objects(
        ctx.source.policies, ctx.target.policies, create=created, drop=dropped,
        recreate=lambda key: ctx.fresh((key[0], key[1]))
        or ctx.gone((key[0], key[1]))
        or key in ctx.rebound_policies,
    )  # fmt: skip
