"""Functions and procedures.

A changed body is `CREATE OR REPLACE`. A changed result type, argument names or kind
cannot be replaced: DROP + CREATE, with the views and triggers using it recreated around.
SQL-language bodies are created unchecked (as pg_dump does) so that they may read tables
created later in the plan; SQL-standard bodies (BEGIN ATOMIC) are parsed anyway and are
created after the tables.
"""

from __future__ import annotations

from schema_assets.catalog.model import Function
from schema_assets.diff import phases
from schema_assets.diff.change import NO_LOCK, Change, change, create, display, drop
from schema_assets.diff.context import Context, function_signature, per_diff
from schema_assets.diff.privileges import grant_statements
from schema_assets.diff.sqltext import literal, qualified


def function_ref(f: Function) -> str:
    return f"{qualified(f.schema, f.name)}({f.identity_args})"


def _keyword(f: Function) -> str:
    return "PROCEDURE" if f.kind == "p" else "FUNCTION"


def _body_checked_at_creation(f: Function) -> bool:
    """SQL-standard bodies (BEGIN ATOMIC / RETURN) are parsed at CREATE whatever the settings."""
    return f.language == "sql" and ("BEGIN ATOMIC" in f.definition or "\n RETURN " in f.definition)


def _definition_sql(f: Function) -> list[str]:
    """CREATE OR REPLACE; SQL bodies unchecked (like pg_dump) so tables may come later."""
    if f.language == "sql" and not _body_checked_at_creation(f):
        return [
            "SET check_function_bodies = off",
            f.definition.strip(),
            "RESET check_function_bodies",
        ]
    return [f.definition.strip()]


def create_function_sql(f: Function) -> list[str]:
    out = _definition_sql(f)
    if f.comment is not None:
        out.append(f"COMMENT ON {_keyword(f)} {function_ref(f)} IS {literal(f.comment)}")
    out.extend(grant_statements(_keyword(f), function_ref(f), (), f.acl, default_public="X"))
    return out


def drop_function_sql(f: Function) -> str:
    return f"DROP {_keyword(f)} {function_ref(f)}"


@per_diff
def fresh_functions(ctx: Context) -> set[tuple[str, str, str]]:
    """Target functions created by this plan (new or recreated): comments/grants included."""
    recreated_sigs = {function_signature(ctx.source.functions[k]) for k in ctx.recreated_functions}
    return {
        k
        for k, f in ctx.target.functions.items()
        if k not in ctx.source.functions or function_signature(f) in recreated_sigs
    }


def _create_phase(f: Function) -> int:
    return phases.CREATE_SQL_FUNCTION if _body_checked_at_creation(f) else phases.CREATE_FUNCTION


def compare_functions(ctx: Context) -> list[Change]:
    out: list[Change] = []
    src, dst = ctx.source.functions, ctx.target.functions
    fresh = fresh_functions(ctx)
    dst_sigs = {function_signature(f) for f in dst.values()}
    for key, f in sorted(src.items()):
        recreated = key in ctx.recreated_functions
        if not recreated and (key in dst or function_signature(f) in dst_sigs):
            continue
        early = recreated or key in ctx.early_dropped_functions
        if key in ctx.rebound_functions:
            note: tuple[str, ...] = (
                "calls a function that is dropped: dropped first, created again after",
            )
        elif recreated:
            note = ("result type or argument names change: dropped and created again",)
        else:
            note = ()
        out.append(
            drop(_kind(f), display(f.schema, f.name), up=drop_function_sql(f),
                 down=create_function_sql(f),
                 phase=phases.DROP_FUNCTION_FOR_RECREATE if early else phases.DROP_FUNCTION,
                 rank=-1 if key in ctx.rebound_functions else 0, lock=NO_LOCK, notes=note)
        )  # fmt: skip
    for key, f in sorted(dst.items()):
        if key in fresh:
            out.append(
                create(_kind(f), display(f.schema, f.name), up=create_function_sql(f),
                       down=drop_function_sql(f), phase=_create_phase(f), lock=NO_LOCK)
            )  # fmt: skip
        elif src[key].definition != f.definition:
            out.append(
                change(_kind(f), "replace", display(f.schema, f.name), up=f.definition.strip(),
                       down=src[key].definition.strip(), phase=_create_phase(f), lock=NO_LOCK)
            )  # fmt: skip
    return out


def _kind(f: Function) -> str:
    return "procedure" if f.kind == "p" else "function"
