"""The publication kind (logical replication), the whole unit: model, key, builder, comparator
and phases. Its query is queries/publications.sql, its corpus tests/conformance/publications.sql,
and one line in catalog/kinds.py registers it.

A publication's members (tables with their column lists and row filters, whole schemas) and
options are altered in place (`ALTER PUBLICATION … SET`); FOR ALL TABLES cannot be switched
and is recreated. A member table the plan recreates (rebuild, table turned view) loses its
membership with the old table, so the member list is set again once the new one exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from schema_assets.catalog.kind import Kind
from schema_assets.diff import phases
from schema_assets.diff.change import NO_LOCK, SHARE_UPDATE_EXCLUSIVE, Change, alter, create, drop
from schema_assets.diff.context import Context
from schema_assets.diff.loop import compare_objects
from schema_assets.diff.sqltext import ident, idents, literal, qualified

#: Member: (schema, table, column list or None, row filter or None).
Member = tuple[str, str, tuple[str, ...] | None, str | None]

CREATE_PUBLICATION = phases.CREATE_TRIGGER + 2  # members exist, and their columns
DROP_PUBLICATION = phases.DROP_POLICY + 2  # before anything it names goes
_GENERATED = {"n": "none", "s": "stored"}


@dataclass(frozen=True)
class Publication:
    name: str
    all_tables: bool = False
    publish: tuple[str, ...] = ("insert", "update", "delete", "truncate")
    via_root: bool = False
    generated_columns: str = "n"  # PG 18 publish_generated_columns: 'n' none, 's' stored
    tables: tuple[Member, ...] = ()
    schemas: tuple[str, ...] = ()
    comment: str | None = None


def _build(row: dict[str, Any]) -> Publication:
    row["publish"] = tuple(row["publish"] or ())
    row["schemas"] = tuple(row["schemas"] or ())
    row["tables"] = tuple(
        (t[0], t[1], tuple(t[2]) if t[2] else None, t[3]) for t in (row["tables"] or ())
    )
    return Publication(**row)


def _restore(item: dict[str, Any]) -> Publication:
    return _build(dict(item))


def _objects(p: Publication) -> list[str]:
    """Publication objects: `TABLE s.t (cols) WHERE (filter)`, `TABLES IN SCHEMA s`."""
    out = []
    for schema, table, columns, where in p.tables:
        item = f"TABLE {qualified(schema, table)}"
        if columns:
            item += f" ({idents(columns)})"
        if where:
            item += f" WHERE ({where})"
        out.append(item)
    out.extend(f"TABLES IN SCHEMA {ident(s)}" for s in p.schemas)
    return out


def _options(p: Publication) -> str:
    return (
        f"publish = {literal(', '.join(p.publish))}, "
        f"publish_via_partition_root = {'true' if p.via_root else 'false'}, "
        f"publish_generated_columns = {_GENERATED.get(p.generated_columns, 'none')}"
    )


def _comment_sql(p: Publication) -> str:
    text = "NULL" if p.comment is None else literal(p.comment)
    return f"COMMENT ON PUBLICATION {ident(p.name)} IS {text}"


def create_sql(p: Publication) -> list[str]:
    head = f"CREATE PUBLICATION {ident(p.name)}"
    if p.all_tables:
        head += " FOR ALL TABLES"
    elif p.tables or p.schemas:
        head += " FOR " + ", ".join(_objects(p))
    out = [f"{head} WITH ({_options(p)})"]
    if p.comment is not None:
        out.append(_comment_sql(p))
    return out


def _members_sql(p: Publication, old: Publication) -> str:
    """Set the member list to `p`'s (or drop `old`'s members when `p` has none)."""
    q = ident(p.name)
    if p.tables or p.schemas:
        return f"ALTER PUBLICATION {q} SET {', '.join(_objects(p))}"
    return f"ALTER PUBLICATION {q} DROP {', '.join(_objects(old))}"


def compare_publications(ctx: Context) -> list[Change]:
    recreated_members = {
        p.name
        for p in ctx.target.objects("publications").values()
        if any(ctx.fresh((m[0], m[1])) for m in p.tables)
    }

    def created(p: Publication) -> list[Change]:
        return [
            create("publication", p.name, up=create_sql(p), down=f"DROP PUBLICATION {ident(p.name)}",
                   phase=CREATE_PUBLICATION, lock=SHARE_UPDATE_EXCLUSIVE)
        ]  # fmt: skip

    def dropped(p: Publication) -> list[Change]:
        return [
            drop("publication", p.name, up=f"DROP PUBLICATION {ident(p.name)}", down=create_sql(p),
                 phase=DROP_PUBLICATION, lock=NO_LOCK)
        ]  # fmt: skip

    def altered(a: Publication, b: Publication) -> list[Change]:
        if a.all_tables != b.all_tables:
            return dropped(a) + created(b)
        q = ident(b.name)
        up: list[str] = []
        down: list[str] = []
        if (a.tables, a.schemas) != (b.tables, b.schemas) or b.name in recreated_members:
            if a.tables or a.schemas or b.tables or b.schemas:
                up.append(_members_sql(b, a))
                down.append(_members_sql(a, b))
        if _options(a) != _options(b):
            up.append(f"ALTER PUBLICATION {q} SET ({_options(b)})")
            down.append(f"ALTER PUBLICATION {q} SET ({_options(a)})")
        if a.comment != b.comment:
            up.append(_comment_sql(b))
            down.append(_comment_sql(a))
        if not up:
            return []
        return [
            alter("publication", b.name, up=up, down=list(reversed(down)),
                  phase=CREATE_PUBLICATION, lock=SHARE_UPDATE_EXCLUSIVE)
        ]  # fmt: skip

    source: dict[str, Publication] = ctx.source.objects("publications")
    target: dict[str, Publication] = ctx.target.objects("publications")
    out = compare_objects(source, target, create=created, drop=dropped, alter=altered)
    for name in sorted(recreated_members & source.keys() & target.keys()):
        if source[name] == target[name]:  # unchanged, but a member table is created again
            out.extend(altered(source[name], target[name]))
    return out


PUBLICATIONS = Kind(
    "publications",
    Publication,
    key=lambda p: p.name,
    build=_build,
    restore=_restore,
    connection=0,
    compare=(compare_publications,),
)
