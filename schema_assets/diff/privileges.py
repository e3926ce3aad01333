"""Grants: GRANT/REVOKE per grantee from the difference of two ACLs (aclitem[] text).

The owner's own entry is ignored (owners hold every privilege implicitly); an empty ACL
means the defaults, which for functions include EXECUTE for PUBLIC.
"""

from __future__ import annotations

import re

from schema_assets.diff import phases
from schema_assets.diff.change import NO_LOCK, Change, display
from schema_assets.diff.context import Context
from schema_assets.diff.sqltext import ident, qualified

PRIVILEGES = {
    "r": "SELECT", "w": "UPDATE", "a": "INSERT", "d": "DELETE", "D": "TRUNCATE",
    "x": "REFERENCES", "t": "TRIGGER", "X": "EXECUTE", "U": "USAGE", "C": "CREATE",
    "c": "CONNECT", "T": "TEMPORARY", "m": "MAINTAIN", "s": "SET", "A": "ALTER SYSTEM",
}  # fmt: skip
_ITEM = re.compile(r'^(?P<grantee>"(?:[^"]|"")*"|[^=]*)=(?P<privs>[A-Za-z*]*)/(?P<grantor>.*)$')


def _unquote(name: str) -> str:
    if name.startswith('"') and name.endswith('"'):
        return name[1:-1].replace('""', '"')
    return name


def parse_acl(acl: tuple[str, ...], default_public: str = "") -> dict[str, set[tuple[str, bool]]]:
    """grantee ('' = PUBLIC) → {(privilege letter, with grant option)}, owner left out."""
    if not acl:
        return {"": {(p, False) for p in default_public}} if default_public else {}
    out: dict[str, set[tuple[str, bool]]] = {}
    owners = set()
    for item in acl:
        m = _ITEM.match(item)
        if not m:
            continue
        grantee, grantor = _unquote(m.group("grantee")), _unquote(m.group("grantor"))
        if grantee == grantor:
            owners.add(grantee)
        privs = m.group("privs")
        entries = out.setdefault(grantee, set())
        for i, ch in enumerate(privs):
            if ch != "*":
                entries.add((ch, i + 1 < len(privs) and privs[i + 1] == "*"))
    for owner in owners:
        out.pop(owner, None)
    return out


def _who(grantee: str) -> str:
    return "PUBLIC" if grantee == "" else ident(grantee)


def grant_statements(
    objtype: str,
    q: str,
    old: tuple[str, ...],
    new: tuple[str, ...],
    *,
    column: str | None = None,
    default_public: str = "",
) -> list[str]:
    """Statements turning ACL `old` into `new` on one object (or one column of it)."""
    a, b = parse_acl(old, default_public), parse_acl(new, default_public)
    cols = f" ({ident(column)})" if column else ""
    out: list[str] = []
    for grantee in sorted(a.keys() | b.keys()):
        before, after = a.get(grantee, set()), b.get(grantee, set())
        revoke = sorted(
            p for p, _ in before - after if (p, False) not in after and (p, True) not in after
        )
        revoke_option = sorted(p for p, g in before - after if g and (p, False) in after)
        grant = sorted(p for p, g in after - before if not g)
        grant_option = sorted(p for p, g in after - before if g)
        if revoke:
            privs = ", ".join(PRIVILEGES[p] + cols for p in revoke)
            out.append(f"REVOKE {privs} ON {objtype} {q} FROM {_who(grantee)} CASCADE")
        if revoke_option:
            privs = ", ".join(PRIVILEGES[p] + cols for p in revoke_option)
            out.append(f"REVOKE GRANT OPTION FOR {privs} ON {objtype} {q} FROM {_who(grantee)}")
        if grant:
            privs = ", ".join(PRIVILEGES[p] + cols for p in grant)
            out.append(f"GRANT {privs} ON {objtype} {q} TO {_who(grantee)}")
        if grant_option:
            privs = ", ".join(PRIVILEGES[p] + cols for p in grant_option)
            out.append(f"GRANT {privs} ON {objtype} {q} TO {_who(grantee)} WITH GRANT OPTION")
    return out


def _change(name: str, objtype: str, q: str, old, new, **kw) -> list[Change]:
    if tuple(old) == tuple(new):
        return []
    up = grant_statements(objtype, q, old, new, **kw)
    if not up:
        return []
    down = grant_statements(objtype, q, new, old, **kw)
    return [
        Change("privilege", "grant", name, tuple(up), tuple(down), phases.PRIVILEGE, lock=NO_LOCK)
    ]


def compare_privileges(ctx: Context) -> list[Change]:
    from schema_assets.diff.functions import fresh_functions, function_ref

    out: list[Change] = []
    src, dst = ctx.source, ctx.target
    for name, s in sorted(dst.schemas.items()):
        old = src.schemas[name].acl if name in src.schemas else ()
        out += _change(name, "SCHEMA", ident(name), old, s.acl)
    for key, seq in sorted(dst.sequences.items()):
        if seq.identity:
            continue
        old = src.sequences[key].acl if key in src.sequences else ()
        out += _change(display(*key), "SEQUENCE", qualified(*key), old, seq.acl)
    for key, t in sorted(dst.tables.items()):
        if ctx.unchanged_table(key) and not ctx.fresh(key):
            continue  # unchanged table: no ACL to compare (the common case, kept cheap)
        old_t = None if ctx.fresh(key) else src.tables.get(key)
        if old_t == t:
            continue  # unchanged table: no ACL to compare (the common case, kept cheap)
        q = qualified(*key)
        out += _change(display(*key), "TABLE", q, old_t.acl if old_t else (), t.acl)
        for c in t.columns:
            oc = old_t.column(c.name) if old_t else None
            out += _change(
                display(*key, c.name), "TABLE", q, oc.acl if oc else (), c.acl, column=c.name
            )
    for key, v in sorted(dst.views.items()):
        if ctx.fresh(key):
            continue  # granted by the view's creation
        old_v = src.views[key]
        q = qualified(*key)
        out += _change(display(*key), "TABLE", q, old_v.acl, v.acl)
        for c in v.columns:
            oc = next((x for x in old_v.columns if x.name == c.name), None)
            out += _change(
                display(*key, c.name), "TABLE", q, oc.acl if oc else (), c.acl, column=c.name
            )
    fresh = fresh_functions(ctx)
    for fn_key, f in sorted(dst.functions.items()):
        if fn_key in fresh:
            continue  # granted by the function's creation
        objtype = "PROCEDURE" if f.kind == "p" else "FUNCTION"
        out += _change(
            display(f.schema, f.name),
            objtype,
            function_ref(f),
            src.functions[fn_key].acl,
            f.acl,
            default_public="X",
        )
    return out
