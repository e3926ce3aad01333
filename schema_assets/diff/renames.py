"""Renames are never guessed: hints turn drop+add into RENAME, look-alikes are only flagged.

A hint is `"schema.table" = "new_table"` or `"schema.table.column" = "new_column"`. Hints
that no longer apply (the object was renamed already) are ignored, so they can stay in
pyproject.toml after the migration ran.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from schema_assets import plan as hz
from schema_assets.catalog.model import Column, Name, Snapshot, Table
from schema_assets.diff import phases
from schema_assets.diff.change import ACCESS_EXCLUSIVE_LOCK, Change, display
from schema_assets.diff.sqltext import ident, qualified
from schema_assets.diff.tabledef import default_not_null_name
from schema_assets.errors import BadInputError


@dataclass(frozen=True)
class RenameHints:
    tables: dict[Name, str]
    columns: dict[tuple[str, str, str], str]


def parse_hints(renames: dict[str, str] | None) -> RenameHints:
    tables: dict[Name, str] = {}
    columns: dict[tuple[str, str, str], str] = {}
    for old, new in (renames or {}).items():
        parts = old.split(".")
        if not new or "." in new or len(parts) not in (2, 3) or not all(parts):
            raise BadInputError(
                f"rename hint {old!r} = {new!r} is not understood: use "
                '"schema.table" = "new_table" or "schema.table.column" = "new_column"'
            )
        if len(parts) == 2:
            tables[(parts[0], parts[1])] = new
        else:
            columns[(parts[0], parts[1], parts[2])] = new
    return RenameHints(tables, columns)


def _swap_word(text: str, old: str, new: str) -> str:
    """Replace identifier token `old` (already quoted as SQL shows it) by `new`."""
    return re.sub(r'(?<![\w"$])' + re.escape(old) + r'(?![\w"$])', lambda _: new, text)


def _swap_table_name(text: str, old: Name, new: Name) -> str:
    """Definitions name a table qualified, or bare after REFERENCES when it is in public."""
    text = _swap_word(text, qualified(*old), qualified(*new))
    if old[0] == "public":
        text = re.sub(
            r"REFERENCES " + re.escape(ident(old[1])) + r"\(",
            lambda _: f"REFERENCES {ident(new[1])}(",
            text,
        )
    return text


def _named_not_nulls(t: Table, table: str, column: str | None = None) -> tuple[Column, ...]:
    """A rename keeps the NOT NULL constraints' names, default ones included: after it they
    are no longer the default names, so the snapshot spells them out."""
    return tuple(
        dataclasses.replace(c, not_null_name=default_not_null_name(table, c.name))
        if c.not_null and c.not_null_name is None and column in (None, c.name)
        else c
        for c in t.columns
    )


def _rename_table(snap: Snapshot, old: Name, new: Name) -> Snapshot:
    def moved(key: Name) -> Name:
        return new if key == old else key

    tables = {}
    for key, t in snap.tables.items():
        t = dataclasses.replace(t, parents=tuple(moved(p) for p in t.parents))
        if key == old:
            t = dataclasses.replace(t, name=new[1], columns=_named_not_nulls(t, old[1]))
        tables[moved(key)] = t
    constraints = {}
    for (s, tbl, n), c in snap.constraints.items():
        ref = moved(c.ref_table) if c.ref_table else None
        c = dataclasses.replace(
            c,
            table=moved((s, tbl))[1],
            ref_table=ref,
            definition=_swap_table_name(c.definition, old, new),
        )
        constraints[(s, c.table, n)] = c
    indexes = {
        k: dataclasses.replace(
            i,
            table=moved((i.schema, i.table))[1],
            definition=_swap_table_name(i.definition, old, new),
        )
        for k, i in snap.indexes.items()
    }
    triggers = {}
    for (s, tbl, n), tr in snap.triggers.items():
        tr = dataclasses.replace(
            tr, table=moved((s, tbl))[1], definition=_swap_table_name(tr.definition, old, new)
        )
        triggers[(s, tr.table, n)] = tr
    policies = {}
    for (s, tbl, n), p in snap.policies.items():
        p = dataclasses.replace(p, table=moved((s, tbl))[1])
        policies[(s, p.table, n)] = p
    sequences = {}
    for k, seq in snap.sequences.items():
        if seq.owned_by and (seq.owned_by[0], seq.owned_by[1]) == old:
            seq = dataclasses.replace(seq, owned_by=(new[0], new[1], seq.owned_by[2]))
        sequences[k] = seq
    deps = {
        d.key: d
        for d in (
            dataclasses.replace(d, ref_name=new[1])
            if d.ref_kind == "relation" and (d.ref_schema, d.ref_name) == old
            else d
            for d in snap.dependencies.values()
        )
    }
    return snap.replace(
        tables=tables,
        constraints=constraints,
        indexes=indexes,
        triggers=triggers,
        policies=policies,
        sequences=sequences,
        dependencies=deps,
    )


def _rename_column(snap: Snapshot, table: Name, old: str, new: str) -> Snapshot:
    def col(name: str) -> str:
        return new if name == old else name

    t = snap.tables[table]
    tables = dict(snap.tables)
    tables[table] = dataclasses.replace(
        t,
        columns=tuple(
            dataclasses.replace(c, name=col(c.name)) for c in _named_not_nulls(t, t.name, old)
        ),
    )
    q_old, q_new = ident(old), ident(new)
    constraints = {}
    for ck, c in snap.constraints.items():
        if (c.schema, c.table) == table:
            head, sep, tail = c.definition.partition(" REFERENCES ")
            c = dataclasses.replace(
                c,
                columns=tuple(col(x) for x in c.columns),
                definition=_swap_word(head, q_old, q_new) + sep + tail,
            )
        if c.ref_table == table:
            head, sep, tail = c.definition.partition(" REFERENCES ")
            target, paren, rest = tail.partition("(")
            cols, close, after = rest.partition(")")
            c = dataclasses.replace(
                c,
                ref_columns=tuple(col(x) for x in c.ref_columns),
                definition=head + sep + target + paren + _swap_word(cols, q_old, q_new)
                + close + after,
            )  # fmt: skip
        constraints[ck] = c
    indexes = {}
    for ik, i in snap.indexes.items():
        if (i.schema, i.table) == table:
            head, sep, tail = i.definition.partition(" USING ")
            i = dataclasses.replace(
                i,
                definition=head + sep + _swap_word(tail, q_old, q_new),
                body=_swap_word(i.body, q_old, q_new),
                key_columns=tuple(_swap_word(x, q_old, q_new) for x in i.key_columns),
                include_columns=tuple(_swap_word(x, q_old, q_new) for x in i.include_columns),
                predicate=_swap_word(i.predicate, q_old, q_new) if i.predicate else None,
            )
        indexes[ik] = i
    sequences = {}
    for sk, seq in snap.sequences.items():
        if seq.owned_by and (seq.owned_by[0], seq.owned_by[1]) == table:
            seq = dataclasses.replace(seq, owned_by=(*table, col(seq.owned_by[2])))
        sequences[sk] = seq
    deps = {
        d.key: d
        for d in (
            dataclasses.replace(d, ref_column=col(d.ref_column))
            if (d.ref_schema, d.ref_name) == table and d.ref_column
            else d
            for d in snap.dependencies.values()
        )
    }
    return snap.replace(
        tables=tables,
        constraints=constraints,
        indexes=indexes,
        sequences=sequences,
        dependencies=deps,
    )


def apply_hints(
    source: Snapshot, target: Snapshot, hints: RenameHints
) -> tuple[Snapshot, list[Change]]:
    """Source as it will be after the hinted renames, plus the RENAME changes."""
    changes: list[Change] = []
    table_map: dict[Name, Name] = {}
    for old, new_name in sorted(hints.tables.items()):
        new = (old[0], new_name)
        if old in source.tables and new in target.tables and new not in source.tables:
            source = _rename_table(source, old, new)
            table_map[old] = new
            changes.append(
                Change(
                    "table",
                    "rename",
                    display(*old),
                    (f"ALTER TABLE {qualified(*old)} RENAME TO {ident(new_name)}",),
                    (f"ALTER TABLE {qualified(*new)} RENAME TO {ident(old[1])}",),
                    phases.RENAME,
                    lock=ACCESS_EXCLUSIVE_LOCK,
                    notes=(f"renamed to {display(*new)} by hint",),
                )  # fmt: skip
            )
    for (schema, table, old_col), new_col in sorted(hints.columns.items()):
        key = table_map.get((schema, table), (schema, table))
        src, dst = source.tables.get(key), target.tables.get(key)
        if not src or not dst or not src.column(old_col) or src.column(new_col):
            continue
        if not dst.column(new_col) or dst.column(old_col):
            continue
        source = _rename_column(source, key, old_col, new_col)
        q = qualified(*key)
        changes.append(
            Change(
                "column",
                "rename",
                display(*key, old_col),
                (f"ALTER TABLE {q} RENAME COLUMN {ident(old_col)} TO {ident(new_col)}",),
                (f"ALTER TABLE {q} RENAME COLUMN {ident(new_col)} TO {ident(old_col)}",),
                phases.RENAME,
                rank=1,
                notes=(f"renamed to {new_col} by hint",),
            )  # fmt: skip
        )
    return source, changes


def flag_possible_renames(
    changes: list[Change], source: Snapshot, target: Snapshot
) -> tuple[list[Change], list[str]]:
    """Mark drop+add pairs that look like renames (same type / same columns); warn how to hint."""
    warnings: list[str] = []
    flagged: set[tuple[str, str]] = set()
    dropped_cols = [c for c in changes if c.kind == "column" and c.action == "drop"]
    added_cols = [c for c in changes if c.kind == "column" and c.action == "create"]
    by_table: dict[str, list[Change]] = {}
    for c in added_cols:
        by_table.setdefault(c.object.rsplit(".", 1)[0], []).append(c)
    for d in dropped_cols:
        table_display, old = d.object.rsplit(".", 1)
        for a in by_table.get(table_display, []):
            new = a.object.rsplit(".", 1)[1]
            if new != old and _column_type(source, d.object) == _column_type(target, a.object):
                flagged.update({("column", d.object), ("column", a.object)})
                warnings.append(
                    f"column {d.object} is dropped and {a.object} added with the same type: if "
                    f"this is a rename, pass --rename {d.object}={new} or add "
                    f'"{d.object}" = "{new}" under [tool.schema-assets.renames]'
                )
    dropped_tables = {
        k: t for k, t in source.tables.items() if k not in target.tables and not t.is_partition
    }
    added_tables = {
        k: t for k, t in target.tables.items() if k not in source.tables and not t.is_partition
    }
    shapes: dict[tuple, list[Name]] = {}
    for k, t in added_tables.items():
        shapes.setdefault(tuple(sorted((c.name, c.type) for c in t.columns)), []).append(k)
    for k, t in dropped_tables.items():
        for new_key in shapes.get(tuple(sorted((c.name, c.type) for c in t.columns)), []):
            if new_key[0] != k[0]:
                continue
            flagged.update({("table", display(*k)), ("table", display(*new_key))})
            warnings.append(
                f"table {display(*k)} is dropped and {display(*new_key)} added with the same "
                f"columns: if this is a rename, pass --rename {display(*k)}={new_key[1]} or add "
                f'"{display(*k)}" = "{new_key[1]}" under [tool.schema-assets.renames]'
            )
    if not flagged:
        return changes, warnings
    out = []
    for c in changes:
        if (c.kind, c.object) in flagged and c.action in ("drop", "create"):
            c = dataclasses.replace(c, hazards=(*c.hazards, hz.POSSIBLE_RENAME))
        out.append(c)
    return out, warnings


def _column_type(snap: Snapshot, dotted: str) -> str | None:
    schema, rest = dotted.split(".", 1)
    table, column = rest.rsplit(".", 1)
    t = snap.tables.get((schema, table))
    col = t.column(column) if t else None
    return col.type if col else None
