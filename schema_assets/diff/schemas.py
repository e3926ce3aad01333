"""Schemas and extensions: created first, dropped last; extensions move schema or update."""

from __future__ import annotations

from schema_assets.catalog.model import Extension, Schema
from schema_assets.diff import phases
from schema_assets.diff.change import NO_LOCK, Change, alter, create, drop
from schema_assets.diff.context import Context
from schema_assets.diff.loop import compare_objects
from schema_assets.diff.sqltext import ident, literal


def compare_schemas(ctx: Context) -> list[Change]:
    def created(s: Schema) -> list[Change]:
        return [
            create("schema", s.name, up=f"CREATE SCHEMA {ident(s.name)}",
                   down=f"DROP SCHEMA {ident(s.name)}", phase=phases.CREATE_SCHEMA, lock=NO_LOCK)
        ]  # fmt: skip

    def dropped(s: Schema) -> list[Change]:
        return [
            drop("schema", s.name, up=f"DROP SCHEMA {ident(s.name)}",
                 down=f"CREATE SCHEMA {ident(s.name)}", phase=phases.DROP_SCHEMA, lock=NO_LOCK)
        ]  # fmt: skip

    # Comments and grants of schemas are aspects (comments.py, privileges.py).
    return compare_objects(
        ctx.source.schemas, ctx.target.schemas, create=created, drop=dropped,
        alter=lambda a, b: [],
    )  # fmt: skip


def _create_extension(e: Extension) -> str:
    return (
        f"CREATE EXTENSION IF NOT EXISTS {ident(e.name)} WITH SCHEMA {ident(e.schema)} "
        f"VERSION {literal(e.version)}"
    )


def compare_extensions(ctx: Context) -> list[Change]:
    def created(e: Extension) -> list[Change]:
        return [
            create("extension", e.name, up=_create_extension(e),
                   down=f"DROP EXTENSION {ident(e.name)}", phase=phases.CREATE_EXTENSION,
                   lock=NO_LOCK)
        ]  # fmt: skip

    def dropped(e: Extension) -> list[Change]:
        return [
            drop("extension", e.name, up=f"DROP EXTENSION {ident(e.name)}",
                 down=_create_extension(e), phase=phases.DROP_EXTENSION, lock=NO_LOCK)
        ]  # fmt: skip

    def altered(a: Extension, b: Extension) -> list[Change]:
        out = []
        if a.schema != b.schema:
            out.append(
                alter("extension", b.name,
                      up=f"ALTER EXTENSION {ident(b.name)} SET SCHEMA {ident(b.schema)}",
                      down=f"ALTER EXTENSION {ident(b.name)} SET SCHEMA {ident(a.schema)}",
                      phase=phases.CREATE_EXTENSION, rank=1, lock=NO_LOCK)
            )  # fmt: skip
        if a.version != b.version:
            out.append(
                alter("extension", b.name,
                      up=f"ALTER EXTENSION {ident(b.name)} UPDATE TO {literal(b.version)}",
                      down=None, phase=phases.CREATE_EXTENSION, rank=2, lock=NO_LOCK,
                      irreversible_reason="extension downgrade scripts are rarely shipped")
            )  # fmt: skip
        return out

    return compare_objects(
        ctx.source.extensions, ctx.target.extensions, create=created, drop=dropped, alter=altered
    )
