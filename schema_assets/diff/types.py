"""Enum and domain types.

Adding enum labels is `ALTER TYPE … ADD VALUE`, outside a transaction because a new value
cannot be used in the transaction that adds it. Any other enum change recreates the type:
rename the old one, create the new one, retype the columns through text, drop the old.
"""

from __future__ import annotations

from schema_assets import plan as hz
from schema_assets.catalog.model import Domain, Enum
from schema_assets.diff import phases
from schema_assets.diff.change import NO_LOCK, Change, alter, create, display, drop
from schema_assets.diff.context import Context
from schema_assets.diff.loop import compare_objects
from schema_assets.diff.sqltext import ident, literal, qualified, type_name


def _create_enum(e: Enum) -> str:
    labels = ", ".join(literal(label) for label in e.labels)
    return f"CREATE TYPE {qualified(e.schema, e.name)} AS ENUM ({labels})"


def _add_values(old: Enum, new: Enum) -> list[Change]:
    out = []
    q = qualified(new.schema, new.name)
    present = set(old.labels)
    for i, label in enumerate(new.labels):
        if label in present:
            continue
        before = [x for x in new.labels[:i] if x in present]
        after = [x for x in new.labels[i + 1 :] if x in present]
        where = f" AFTER {literal(before[-1])}" if before else f" BEFORE {literal(after[0])}"
        present.add(label)
        out.append(
            Change(
                "enum",
                "alter",
                display(new.schema, new.name),
                (f"ALTER TYPE {q} ADD VALUE {literal(label)}{where}",),
                None,
                phases.ALTER_TYPE,
                rank=i,
                transactional=False,
                lock=NO_LOCK,
                notes=(f"adds value {label!r}; usable once committed",),
                irreversible_reason="PostgreSQL cannot remove a value from an enum type",
            )  # fmt: skip
        )
    return out


def _recreate_enum(ctx: Context, old: Enum, new: Enum) -> list[Change]:
    q = qualified(new.schema, new.name)
    old_name = f"{new.name}__old"
    removed = [label for label in old.labels if label not in new.labels]
    tname = type_name(new.schema, new.name)
    reason = "enum recreation is not reversed automatically"
    name = display(new.schema, new.name)
    out = [
        Change(
            "enum",
            "replace",
            name,
            (f"ALTER TYPE {q} RENAME TO {ident(old_name)}", _create_enum(new)),
            None,
            phases.RECREATE_TYPE,
            rank=0,
            irreversible_reason=reason,
        )  # fmt: skip
    ]
    for key, table in sorted(ctx.source.tables.items()):
        cols = [c for c in table.columns if c.is_local and c.type in (tname, tname + "[]")]
        if not cols:
            continue
        target_table = ctx.target.tables.get(key)
        stmts = []
        for c in cols:
            cast = "text[]" if c.type.endswith("[]") else "text"
            alter = f"ALTER TABLE {qualified(*key)} ALTER COLUMN {ident(c.name)}"
            if c.default_expr is not None:
                stmts.append(f"{alter} DROP DEFAULT")
            stmts.append(f"{alter} TYPE {c.type} USING {ident(c.name)}::{cast}::{c.type}")
            new_col = target_table.column(c.name) if target_table else None
            if new_col is not None and new_col.default_expr is not None:
                stmts.append(f"{alter} SET DEFAULT {new_col.default_expr}")
        hazards = (hz.REWRITES_TABLE, hz.NARROWS_TYPE) if removed else (hz.REWRITES_TABLE,)
        out.append(
            Change(
                "column",
                "alter",
                display(*key, *(c.name for c in cols)),
                tuple(stmts),
                None,
                phases.RECREATE_TYPE,
                rank=1,
                hazards=hazards,
                irreversible_reason=reason,
                notes=(f"retypes to the recreated enum {name}",),
                archive={
                    "table": list(key),
                    "columns": [c.name for c in cols],
                    "key": _primary_key(ctx, key),
                }
                if removed
                else None,
            )  # fmt: skip
        )
    out.append(
        Change(
            "enum",
            "drop",
            f"{name} (old)",
            (f"DROP TYPE {qualified(new.schema, old_name)}",),
            None,
            phases.RECREATE_TYPE,
            rank=2,
            irreversible_reason=reason,
            notes=(f"removes values {removed}",) if removed else (),
        )  # fmt: skip
    )
    return out


def _primary_key(ctx: Context, key: tuple[str, str]) -> list[str]:
    for c in ctx.source_constraints_of(key):
        if c.type == "p":
            return list(c.columns)
    return []


def compare_enums(ctx: Context) -> list[Change]:
    def created(e: Enum) -> list[Change]:
        return [
            create("enum", display(e.schema, e.name), up=_create_enum(e),
                   down=f"DROP TYPE {qualified(e.schema, e.name)}", phase=phases.CREATE_TYPE,
                   lock=NO_LOCK)
        ]  # fmt: skip

    def dropped(e: Enum) -> list[Change]:
        return [
            drop("enum", display(e.schema, e.name), up=f"DROP TYPE {qualified(e.schema, e.name)}",
                 down=_create_enum(e), phase=phases.DROP_TYPE, rank=1, lock=NO_LOCK)
        ]  # fmt: skip

    def altered(old: Enum, new: Enum) -> list[Change]:
        if old.labels == new.labels:
            return []  # only the comment differs (comments.py)
        if (new.schema, new.name) in ctx.recreated_enums:
            return _recreate_enum(ctx, old, new)
        return _add_values(old, new)

    return compare_objects(
        ctx.source.enums, ctx.target.enums, create=created, drop=dropped, alter=altered
    )


def _create_domain(d: Domain) -> str:
    parts = [f"CREATE DOMAIN {qualified(d.schema, d.name)} AS {d.base_type}"]
    if d.collation:
        parts.append(f"COLLATE {d.collation}")
    if d.default_expr is not None:
        parts.append(f"DEFAULT {d.default_expr}")
    if d.not_null:
        parts.append("NOT NULL")
    parts.extend(f"CONSTRAINT {ident(n)} {definition}" for n, definition in d.checks)
    return " ".join(parts)


def compare_domains(ctx: Context) -> list[Change]:
    def created(d: Domain) -> list[Change]:
        return [
            create("domain", display(d.schema, d.name), up=_create_domain(d),
                   down=f"DROP DOMAIN {qualified(d.schema, d.name)}", phase=phases.CREATE_TYPE,
                   rank=1, lock=NO_LOCK)
        ]  # fmt: skip

    def dropped(d: Domain) -> list[Change]:
        return [
            drop("domain", display(d.schema, d.name),
                 up=f"DROP DOMAIN {qualified(d.schema, d.name)}", down=_create_domain(d),
                 phase=phases.DROP_TYPE, rank=0, lock=NO_LOCK)
        ]  # fmt: skip

    return compare_objects(
        ctx.source.domains, ctx.target.domains, create=created, drop=dropped,
        alter=lambda a, b: _alter_domain(ctx, a, b),
    )  # fmt: skip


def _alter_domain(ctx: Context, a: Domain, b: Domain) -> list[Change]:
    q = qualified(b.schema, b.name)
    name = display(b.schema, b.name)
    if a.base_type != b.base_type or a.collation != b.collation:
        ctx.warnings.append(
            f"domain {name} changes its base type or collation: not planned automatically; "
            "create a new domain and retype the columns in a hand-written step"
        )
        return []
    pairs: list[tuple[str, str]] = []  # (up, down) per statement
    if a.default_expr != b.default_expr:
        pairs.append((_domain_default(q, b.default_expr), _domain_default(q, a.default_expr)))
    if a.not_null != b.not_null:
        pairs.append(
            (
                f"ALTER DOMAIN {q} {'SET' if b.not_null else 'DROP'} NOT NULL",
                f"ALTER DOMAIN {q} {'SET' if a.not_null else 'DROP'} NOT NULL",
            )
        )
    old_checks, new_checks = dict(a.checks), dict(b.checks)
    for n, definition in sorted(old_checks.items()):
        if new_checks.get(n) != definition:
            pairs.append(
                (
                    f"ALTER DOMAIN {q} DROP CONSTRAINT {ident(n)}",
                    f"ALTER DOMAIN {q} ADD CONSTRAINT {ident(n)} {definition}",
                )
            )
    for n, definition in sorted(new_checks.items()):
        if old_checks.get(n) != definition:
            pairs.append(
                (
                    f"ALTER DOMAIN {q} ADD CONSTRAINT {ident(n)} {definition}",
                    f"ALTER DOMAIN {q} DROP CONSTRAINT {ident(n)}",
                )
            )
    if not pairs:
        return []
    return [
        alter("domain", name, up=[u for u, _ in pairs], down=[d for _, d in reversed(pairs)],
              phase=phases.CREATE_TYPE, rank=2, lock=NO_LOCK)
    ]  # fmt: skip


def _domain_default(q: str, expr: str | None) -> str:
    if expr is None:
        return f"ALTER DOMAIN {q} DROP DEFAULT"
    return f"ALTER DOMAIN {q} SET DEFAULT {expr}"
