"""Schemas and extensions: the containers everything else is created in."""

from __future__ import annotations

from schema_assets.diff import phases
from schema_assets.diff.change import NO_LOCK, Change
from schema_assets.diff.context import Context
from schema_assets.diff.sqltext import ident, literal


def compare_schemas(ctx: Context) -> list[Change]:
    out: list[Change] = []
    src, dst = ctx.source.schemas, ctx.target.schemas
    for name in sorted(dst.keys() - src.keys()):
        out.append(
            Change(
                "schema",
                "create",
                name,
                (f"CREATE SCHEMA {ident(name)}",),
                (f"DROP SCHEMA {ident(name)}",),
                phases.CREATE_SCHEMA,
                lock=NO_LOCK,
            )  # fmt: skip
        )
    for name in sorted(src.keys() - dst.keys()):
        out.append(
            Change(
                "schema",
                "drop",
                name,
                (f"DROP SCHEMA {ident(name)}",),
                (f"CREATE SCHEMA {ident(name)}",),
                phases.DROP_SCHEMA,
                lock=NO_LOCK,
            )  # fmt: skip
        )
    return out


def _create_extension(name: str, schema: str, version: str) -> str:
    return (
        f"CREATE EXTENSION IF NOT EXISTS {ident(name)} WITH SCHEMA {ident(schema)} "
        f"VERSION {literal(version)}"
    )


def compare_extensions(ctx: Context) -> list[Change]:
    out: list[Change] = []
    src, dst = ctx.source.extensions, ctx.target.extensions
    for name in sorted(dst.keys() - src.keys()):
        e = dst[name]
        out.append(
            Change(
                "extension",
                "create",
                name,
                (_create_extension(name, e.schema, e.version),),
                (f"DROP EXTENSION {ident(name)}",),
                phases.CREATE_EXTENSION,
                lock=NO_LOCK,
            )  # fmt: skip
        )
    for name in sorted(src.keys() - dst.keys()):
        e = src[name]
        out.append(
            Change(
                "extension",
                "drop",
                name,
                (f"DROP EXTENSION {ident(name)}",),
                (_create_extension(name, e.schema, e.version),),
                phases.DROP_EXTENSION,
                lock=NO_LOCK,
            )  # fmt: skip
        )
    for name in sorted(src.keys() & dst.keys()):
        a, b = src[name], dst[name]
        if a.schema != b.schema:
            out.append(
                Change(
                    "extension",
                    "alter",
                    name,
                    (f"ALTER EXTENSION {ident(name)} SET SCHEMA {ident(b.schema)}",),
                    (f"ALTER EXTENSION {ident(name)} SET SCHEMA {ident(a.schema)}",),
                    phases.CREATE_EXTENSION,
                    rank=1,
                    lock=NO_LOCK,
                )  # fmt: skip
            )
        if a.version != b.version:
            out.append(
                Change(
                    "extension",
                    "alter",
                    name,
                    (f"ALTER EXTENSION {ident(name)} UPDATE TO {literal(b.version)}",),
                    None,
                    phases.CREATE_EXTENSION,
                    rank=2,
                    lock=NO_LOCK,
                    irreversible_reason="extension downgrade scripts are rarely shipped",
                )  # fmt: skip
            )
    return out
