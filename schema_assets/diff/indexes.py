"""Indexes that are not backing a constraint, plus what every index carries: its name under
a partitioned parent, and CLUSTER ON.

On an existing table, indexes are built and dropped CONCURRENTLY (outside a transaction,
SHARE UPDATE EXCLUSIVE). PostgreSQL cannot do that on a partitioned parent: there the index
is created ON ONLY the parent, built concurrently on each partition and attached, or, when
that is impossible, with the plain statement (the step says it blocks writes). Partition
indexes get the target's names: created under them, or renamed when PostgreSQL named them.
SQL is rendered from the index's name, table and body, never by editing its definition.
"""

from __future__ import annotations

from schema_assets import plan as hz
from schema_assets.catalog.model import Index, Name
from schema_assets.diff import phases
from schema_assets.diff.change import (
    ACCESS_EXCLUSIVE_LOCK,
    SHARE,
    SHARE_UPDATE_EXCLUSIVE,
    Change,
    alter,
    change,
    create,
    display,
    drop,
)
from schema_assets.diff.context import Context, per_diff
from schema_assets.diff.partitions import adopted_indexes, kept_by_membership
from schema_assets.diff.promote import promoted_indexes
from schema_assets.diff.sqltext import ident, literal, qualified


def own(i: Index) -> bool:
    return i.constraint_name is None and i.parent_index is None


def index_sql(i: Index, *, concurrently: bool = False, only: bool = False) -> str:
    """CREATE [UNIQUE] INDEX [CONCURRENTLY] name ON [ONLY] schema.table <body>."""
    return (
        f"CREATE {'UNIQUE ' if i.is_unique else ''}INDEX {'CONCURRENTLY ' if concurrently else ''}"
        f"{ident(i.name)} ON {'ONLY ' if only else ''}{qualified(i.schema, i.table)} {i.body}"
    )


@per_diff
def children_of(ctx: Context) -> dict[Name, list[Index]]:
    """Target indexes by the partitioned index they are attached to (sorted by name)."""
    out: dict[Name, list[Index]] = {}
    for i in ctx.target.indexes.values():
        if i.parent_index:
            out.setdefault(i.parent_index, []).append(i)
    for items in out.values():
        items.sort(key=lambda i: i.name)
    return out


def with_children_sql(ctx: Context, i: Index) -> list[str]:
    """A partitioned index with the target's names all the way down: partitions' indexes
    first (deepest first), then the parent, which attaches them instead of naming its own."""
    out: list[str] = []
    for child in children_of(ctx).get((i.schema, i.name), []):
        out.extend(with_children_sql(ctx, child))
    out.append(index_sql(i))
    return out


@per_diff
def recreated_indexes(ctx: Context) -> set[Name]:
    src, dst = ctx.source.indexes, ctx.target.indexes
    kept = kept_by_membership(ctx)[1]
    unstable = ctx.new_relations | ctx.dropped_relations | ctx.recreated_views  # fresh or gone
    rebound = ctx.rebound_indexes
    out: set[Name] = set()
    for key in src.keys() & dst.keys():
        a, b = src[key], dst[key]
        if a.definition == b.definition and a.is_valid and (a.schema, a.table) not in unstable:
            same_role = (a.constraint_name is None) == (b.constraint_name is None) and (
                a.parent_index is None
            ) == (b.parent_index is None)
            if (same_role or key in kept) and key not in rebound:
                continue  # the common case, checked first: unchanged
        out.add(key)
    return out


def _is_view(ctx: Context, rel: Name) -> bool:
    return rel in ctx.target.views or rel in ctx.source.views


def compare_indexes(ctx: Context) -> list[Change]:
    out: list[Change] = []
    src, dst = ctx.source.indexes, ctx.target.indexes
    recreated = recreated_indexes(ctx)
    consumed = set(promoted_indexes(ctx).values()) | set(adopted_indexes(ctx).values())
    for key in sorted(src):
        i = src[key]
        rel = (i.schema, i.table)
        if not own(i) or ctx.gone(rel) or key in consumed:
            continue
        if key in dst and key not in recreated:
            continue
        out.append(_drop(ctx, i))
    for key in sorted(dst):
        i = dst[key]
        rel = (i.schema, i.table)
        if not own(i) or (key in src and key not in recreated):
            continue
        if _is_view(ctx, rel) and ctx.fresh(rel):
            continue  # created together with its (re)created materialized view
        online = _online_partitioned(ctx, i)
        out.extend(online if online is not None else [_create(ctx, i)])
    out.extend(_partition_index_names(ctx))
    out.extend(_clustered(ctx))
    return out


def _drop(ctx: Context, i: Index) -> Change:
    key = (i.schema, i.name)
    q = qualified(*key)
    if ctx.is_partitioned(ctx.source, (i.schema, i.table)):
        return drop("index", display(*key), up=f"DROP INDEX {q}", down=with_children_sql_src(ctx, i),
                    phase=phases.DROP_INDEX, lock=ACCESS_EXCLUSIVE_LOCK, drops=(key,))  # fmt: skip
    return drop("index", display(*key), up=f"DROP INDEX CONCURRENTLY {q}",
                down=index_sql(i, concurrently=True), phase=phases.DROP_INDEX,
                transactional=False, lock=SHARE_UPDATE_EXCLUSIVE, drops=(key,))  # fmt: skip


def with_children_sql_src(ctx: Context, i: Index) -> list[str]:
    """The source's partitioned index with its partitions' names (for down SQL)."""
    out: list[str] = []
    for child in sorted(ctx.source.indexes.values(), key=lambda c: c.name):
        if child.parent_index == (i.schema, i.name):
            out.extend(with_children_sql_src(ctx, child))
    out.append(index_sql(i))
    return out


@per_diff
def _partitions(ctx: Context) -> dict[Name, set[Name]]:
    """Partitions per parent once the plan ran: the target's plus the kept managed ones."""
    out: dict[Name, set[Name]] = {}
    for t in ctx.target.tables.values():
        if t.parent:
            out.setdefault(t.parent, set()).add(t.key)
    for key in ctx.kept_partitions:
        parent = ctx.source.tables[key].parent
        if parent is not None:  # kept partitions are partitions: always set
            out.setdefault(parent, set()).add(key)
    return out


def _online_partitioned(ctx: Context, i: Index) -> list[Change] | None:
    """New index on an existing partitioned table without blocking writes for the build:
    CREATE INDEX ON ONLY the parent (instant, invalid), CREATE INDEX CONCURRENTLY on each
    partition, then ATTACH each one (the parent index turns valid with the last).
    None when that is not possible (sub-partitions, partitions without a matching index)."""
    rel = (i.schema, i.table)
    if ctx.fresh(rel) or not ctx.is_partitioned(ctx.target, rel):
        return None
    children = children_of(ctx).get((i.schema, i.name), [])
    covered = {(c.schema, c.table) for c in children}
    if not children or covered != _partitions(ctx).get(rel, set()):
        return None
    if any(c.is_partitioned or ctx.fresh((c.schema, c.table)) for c in children):
        return None
    q = qualified(i.schema, i.name)
    name = display(i.schema, i.name)
    explicit = ctx.explicit_partition_indexes
    out = [
        create("index", name, up=index_sql(i, only=True), down=f"DROP INDEX {q}",
               phase=phases.CREATE_INDEX, rank=0, lock=SHARE, creates=((i.schema, i.name),),
               notes=("ON ONLY the parent: instant, valid once all partitions are attached",))
    ]  # fmt: skip
    for c in children:
        cq = qualified(c.schema, c.name)
        explicit.add((c.schema, c.name))
        out.append(
            create("index", display(c.schema, c.name), up=index_sql(c, concurrently=True),
                   down=(), phase=phases.CREATE_INDEX, rank=1, transactional=False,
                   lock=SHARE_UPDATE_EXCLUSIVE, hazards=(hz.INDEX_BUILD,),
                   creates=((c.schema, c.name),),
                   notes=(f"partition index of {name}, built concurrently",))
        )  # fmt: skip
        out.append(
            change("index", "attach", display(c.schema, c.name),
                   up=f"ALTER INDEX {q} ATTACH PARTITION {cq}", down=(),
                   phase=phases.CREATE_INDEX, rank=2, lock=SHARE_UPDATE_EXCLUSIVE,
                   notes=(f"attached to {name}",))
        )  # fmt: skip
    return out


def _create(ctx: Context, i: Index) -> Change:
    rel = (i.schema, i.table)
    key = (i.schema, i.name)
    name = display(*key)
    q = qualified(*key)
    phase = phases.CREATE_VIEW_INDEX if _is_view(ctx, rel) else phases.CREATE_INDEX
    if ctx.is_partitioned(ctx.target, rel):
        ctx.explicit_partition_indexes.update(_descendant_keys(ctx, i))
        fresh = ctx.fresh(rel)
        return create(
            "index", name, up=with_children_sql(ctx, i), down=f"DROP INDEX {q}", phase=phase,
            lock=ACCESS_EXCLUSIVE_LOCK if fresh else SHARE, creates=(key,),
            hazards=() if fresh else (hz.INDEX_BUILD,),
            notes=() if fresh else
            ("partitioned table: CONCURRENTLY is impossible, writes wait for the build",),
        )  # fmt: skip
    if ctx.fresh(rel):
        return create("index", name, up=index_sql(i), down=f"DROP INDEX {q}", phase=phase,
                      creates=(key,))  # fmt: skip
    return create(
        "index", name, up=index_sql(i, concurrently=True), down=f"DROP INDEX CONCURRENTLY {q}",
        phase=phase, transactional=False, lock=SHARE_UPDATE_EXCLUSIVE, hazards=(hz.INDEX_BUILD,),
        creates=(key,),
        notes=("a failed concurrent build leaves an INVALID index: drop it and retry",),
    )  # fmt: skip


def _descendant_keys(ctx: Context, i: Index) -> set[Name]:
    out: set[Name] = set()
    for child in children_of(ctx).get((i.schema, i.name), []):
        out.add((child.schema, child.name))
        out |= _descendant_keys(ctx, child)
    return out


def dollar_quoted(body: str) -> str:
    """`body` between dollar quotes whose tag it does not contain (names are hostile)."""
    n = 0
    while f"$sa{n}$" in body:
        n += 1
    return f"$sa{n}${body}$sa{n}$"


def rename_attached_sql(parent: Name, partition: Name, name: str) -> str:
    """Rename the index of `partition` attached to index `parent`, whatever PostgreSQL named
    it when it created or attached it, to `name` (a guarded no-op when already so named)."""
    # Every name is a quoted literal; the rename itself goes through format('%I').
    parent_index, table = literal(qualified(*parent)), literal(qualified(*partition))
    schema, wanted = literal(partition[0]), literal(name)
    links = "pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid JOIN pg_index x ON x.indexrelid = c.oid"
    where = f"h.inhparent = to_regclass({parent_index}) AND x.indrelid = to_regclass({table})"
    find = f"SELECT c.relname INTO current FROM {links} WHERE {where}"  # noqa: S608
    rename = f"format('ALTER INDEX %I.%I RENAME TO %I', {schema}, current, {wanted})"
    body = (
        f"DECLARE current name; BEGIN {find}; "
        f"IF current IS NOT NULL AND current <> {wanted} THEN EXECUTE {rename}; END IF; END"
    )
    return f"DO {dollar_quoted(body)}"


def _partition_index_names(ctx: Context) -> list[Change]:
    """Partition indexes under the target's names: renamed by name when the attachment
    existed before, through the catalog when the plan let PostgreSQL choose the name
    (a new partition cloning its parent's indexes, a table attached as a partition)."""
    out: list[Change] = []
    explicit = ctx.explicit_partition_indexes
    adopted = adopted_indexes(ctx)
    src_by_link = {
        (i.parent_index, (i.schema, i.table)): i
        for i in ctx.source.indexes.values()
        if i.parent_index
    }
    for key, i in ctx.target.indexes.items():  # changes are ordered later (order.py)
        if not i.parent_index or key in explicit:
            continue
        part = (i.schema, i.table)
        parent_rel = ctx.target.indexes.get(i.parent_index)
        if parent_rel is None or _made_with_parent(ctx, parent_rel):
            continue
        old = src_by_link.get((i.parent_index, part))
        if key in adopted:
            old = ctx.source.indexes[adopted[key]]  # attached with the table, under its name
        if old is not None and not ctx.fresh(part) and not ctx.gone(part):
            if old.name == i.name:
                continue
            out.append(
                alter("index", display(*key),
                      up=f"ALTER INDEX {qualified(old.schema, old.name)} RENAME TO {ident(i.name)}",
                      down=f"ALTER INDEX {qualified(*key)} RENAME TO {ident(old.name)}",
                      phase=phases.NAME_PARTITION_INDEX, notes=("partition index name",))
            )  # fmt: skip
        elif not _auto_named(ctx, i):
            out.append(
                alter("index", display(*key),
                      up=rename_attached_sql(i.parent_index, part, i.name), down=(),
                      phase=phases.NAME_PARTITION_INDEX,
                      notes=("names the index PostgreSQL created for the partition",))
            )  # fmt: skip
    return out


NAMEDATALEN = 64


def auto_index_name(i: Index) -> str | None:
    """The name PostgreSQL gives the index it creates for partition `i.table` (indexcmds.c
    ChooseIndexName: `<table>_pkey`, or `<table>_<columns>_key|excl|idx`), when that is
    certain: plain distinct column names, no truncation to NAMEDATALEN. Else None."""
    if i.is_primary:
        name = f"{i.table}_pkey"
    else:
        columns = (*i.key_columns, *i.include_columns)
        # A key column as pg_get_indexdef shows it: a name it did not need to quote is the
        # name itself; expressions, quoted names and repeats are named by other rules.
        if any(ident(c) != c for c in columns) or len(set(columns)) < len(columns):
            return None
        suffix = "idx" if not i.constraint_name else "key" if i.is_unique else "excl"
        name = "_".join((i.table, *columns, suffix))
    return name if len(name.encode()) < NAMEDATALEN else None


def _auto_named(ctx: Context, i: Index) -> bool:
    """True when PostgreSQL will itself choose the target's name: it is the predicted name
    and no relation of the source holds it (a collision makes PostgreSQL add a number)."""
    if auto_index_name(i) != i.name:
        return False
    return (i.schema, i.name) not in _source_relation_names(ctx)


@per_diff
def _source_relation_names(ctx: Context) -> set[Name]:
    src = ctx.source
    return {*src.tables, *src.indexes, *src.sequences, *src.views}


def _made_with_parent(ctx: Context, parent: Index) -> bool:
    """Created explicitly under its name with its parent index or constraint (fresh tables);
    `parent` is the target's index the partition index is attached to."""
    if ctx.fresh((parent.schema, parent.table)):
        return True
    return (parent.schema, parent.name) in ctx.explicit_parents


def _clustered(ctx: Context) -> list[Change]:
    """ALTER TABLE … CLUSTER ON / SET WITHOUT CLUSTER, once the index exists."""
    out: list[Change] = []
    old = {(i.schema, i.table): i.name for i in ctx.source.indexes.values() if i.clustered}
    new = {(i.schema, i.table): i.name for i in ctx.target.indexes.values() if i.clustered}
    for rel in sorted(old.keys() | new.keys()):
        before = None if ctx.fresh(rel) or ctx.gone(rel) else old.get(rel)
        after = new.get(rel)
        if before == after or (after is None and ctx.gone(rel)):
            continue
        q = qualified(*rel)
        out.append(
            alter("table", display(*rel), up=_cluster_sql(q, after),
                  down=() if ctx.fresh(rel) else _cluster_sql(q, before),
                  phase=phases.REPLICA_IDENTITY, notes=("CLUSTER ON",))
        )  # fmt: skip
    return out


def _cluster_sql(q: str, index: str | None) -> str:
    if index is None:
        return f"ALTER TABLE {q} SET WITHOUT CLUSTER"
    return f"ALTER TABLE {q} CLUSTER ON {ident(index)}"
