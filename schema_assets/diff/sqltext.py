"""Quoting for SQL we render: identifiers follow PostgreSQL's quote_ident rules.

Names come from catalogs and schema files; none is ever pasted raw into a statement.
"""

from __future__ import annotations

import re

from pglast.keywords import (
    COL_NAME_KEYWORDS,
    RESERVED_KEYWORDS,
    TYPE_FUNC_NAME_KEYWORDS,
)

_PLAIN = re.compile(r"[a-z_][a-z0-9_]*\Z")
_KEYWORDS = (
    frozenset(RESERVED_KEYWORDS) | frozenset(COL_NAME_KEYWORDS) | frozenset(TYPE_FUNC_NAME_KEYWORDS)
)


def ident(name: str) -> str:
    """`name` quoted when PostgreSQL's quote_ident would quote it (capitals, spaces, keywords)."""
    if _PLAIN.match(name) and name not in _KEYWORDS:
        return name
    return '"' + name.replace('"', '""') + '"'


def qualified(schema: str, name: str) -> str:
    return f"{ident(schema)}.{ident(name)}"


def type_name(schema: str, name: str) -> str:
    """A user type as `format_type` shows it in snapshots (taken with an empty search_path)."""
    return qualified(schema, name)


def literal(value: str) -> str:
    """A string literal (standard_conforming_strings on, the default since 9.1)."""
    return "'" + value.replace("'", "''") + "'"


def idents(names: tuple[str, ...] | list[str]) -> str:
    return ", ".join(ident(n) for n in names)
