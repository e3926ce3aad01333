"""Views and materialized views: created in dependency order, dropped in reverse.

A view whose definition changes, or that reads a column changing type, a function being
recreated, or another view being recreated, is dropped before the change and created
again after it, together with its indexes, comments and grants (they go with the drop).
"""

from __future__ import annotations

from schema_assets.catalog.model import Snapshot, View
from schema_assets.diff import phases
from schema_assets.diff.change import Change, create, display, drop
from schema_assets.diff.context import Context, view_depth
from schema_assets.diff.indexes import index_sql
from schema_assets.diff.privileges import grant_statements
from schema_assets.diff.sqltext import ident, literal, qualified


def _keyword(v: View) -> str:
    return "MATERIALIZED VIEW" if v.kind == "m" else "VIEW"


def create_view_sql(v: View, snap: Snapshot) -> list[str]:
    """The view and everything that is lost when it is dropped."""
    q = qualified(v.schema, v.name)
    options = f" WITH ({', '.join(v.options)})" if v.options else ""
    body = v.definition.strip().rstrip(";")
    out = [f"CREATE {_keyword(v)} {q}{options} AS\n{body}"]
    if v.kind == "m":
        out.extend(
            index_sql(i)
            for _, i in sorted(snap.indexes.items())
            if (i.schema, i.table) == (v.schema, v.name)
        )
        out.extend(
            f"COMMENT ON INDEX {qualified(i.schema, i.name)} IS {literal(i.comment)}"
            for _, i in sorted(snap.indexes.items())
            if (i.schema, i.table) == (v.schema, v.name) and i.comment is not None
        )
    if v.comment is not None:
        out.append(f"COMMENT ON {_keyword(v)} {q} IS {literal(v.comment)}")
    for c in v.columns:
        if c.comment is not None:
            out.append(f"COMMENT ON COLUMN {q}.{ident(c.name)} IS {literal(c.comment)}")
    out.extend(grant_statements("TABLE", q, (), v.acl))
    for c in v.columns:
        out.extend(grant_statements("TABLE", q, (), c.acl, column=c.name))
    return out


def drop_view_sql(v: View) -> str:
    return f"DROP {_keyword(v)} {qualified(v.schema, v.name)}"


def compare_views(ctx: Context) -> list[Change]:
    out: list[Change] = []
    src_depth = view_depth(ctx.source)
    dst_depth = view_depth(ctx.target)
    for key, v in sorted(ctx.source.views.items()):
        if key in ctx.dropped_relations or key in ctx.recreated_views:
            recreated = key in ctx.recreated_views
            out.append(
                drop("view", display(*key), up=drop_view_sql(v),
                     down=create_view_sql(v, ctx.source), phase=phases.DROP_VIEW,
                     rank=-src_depth.get(key, 0), drops=(key,),
                     notes=("dropped to be recreated",) if recreated else ())
            )  # fmt: skip
    for key, v in sorted(ctx.target.views.items()):
        if key in ctx.new_relations or key in ctx.recreated_views:
            out.append(
                create("view", display(*key), up=create_view_sql(v, ctx.target),
                       down=drop_view_sql(v), phase=phases.CREATE_VIEW,
                       rank=dst_depth.get(key, 0), creates=(key,),
                       notes=("recreated",) if key in ctx.recreated_views else ())
            )  # fmt: skip
    return out
