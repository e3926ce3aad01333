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
from schema_assets.diff.change import NO_LOCK, Change, display
from schema_assets.diff.context import Context, function_signature
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


def fresh_functions(ctx: Context) -> set[tuple[str, str, str]]:
    """Target functions created by this plan (new or recreated): comments/grants included."""
    if "fresh_functions" not in ctx._cache:
        recreated_sigs = {
            function_signature(ctx.source.functions[k]) for k in ctx.recreated_functions
        }
        ctx._cache["fresh_functions"] = {
            k
            for k, f in ctx.target.functions.items()
            if k not in ctx.source.functions or function_signature(f) in recreated_sigs
        }
    return ctx._cache["fresh_functions"]


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
        out.append(
            Change(
                f.kind == "p" and "procedure" or "function",
                "drop",
                display(f.schema, f.name),
                (drop_function_sql(f),),
                tuple(create_function_sql(f)),
                phases.DROP_FUNCTION_FOR_RECREATE if recreated else phases.DROP_FUNCTION,
                lock=NO_LOCK,
                notes=("result type or argument names change: dropped and created again",)
                if recreated
                else (),
            )  # fmt: skip
        )
    for key, f in sorted(dst.items()):
        kind = "procedure" if f.kind == "p" else "function"
        if key in fresh:
            out.append(
                Change(
                    kind,
                    "create",
                    display(f.schema, f.name),
                    tuple(create_function_sql(f)),
                    (drop_function_sql(f),),
                    _create_phase(f),
                    lock=NO_LOCK,
                )  # fmt: skip
            )
        elif src[key].definition != f.definition:
            out.append(
                Change(
                    kind,
                    "replace",
                    display(f.schema, f.name),
                    (f.definition.strip(),),
                    (src[key].definition.strip(),),
                    _create_phase(f),
                    lock=NO_LOCK,
                )  # fmt: skip
            )
    return out
