"""SQL text from names and values: identifiers as quote_ident would, literals safe under either
`standard_conforming_strings` setting, and comments that stay on their line.

Statements are built from these parts, never by editing already rendered SQL.
"""

from __future__ import annotations

import re

from pglast.keywords import (
    COL_NAME_KEYWORDS,
    RESERVED_KEYWORDS,
    TYPE_FUNC_NAME_KEYWORDS,
)

from schema_assets.render.text import visible

_PLAIN = re.compile(r"[a-z_][a-z0-9_]*\Z")
_KEYWORDS = (
    frozenset(RESERVED_KEYWORDS) | frozenset(COL_NAME_KEYWORDS) | frozenset(TYPE_FUNC_NAME_KEYWORDS)
)


class UnrenderableError(ValueError):
    """A value PostgreSQL cannot hold (a NUL character) was about to be rendered."""


def _no_nul(value: str) -> None:
    if "\x00" in value:
        raise UnrenderableError(f"PostgreSQL text cannot contain NUL: {visible(value)}")


def ident(name: str) -> str:
    """`name` quoted when PostgreSQL's quote_ident would quote it (capitals, spaces, keywords)."""
    if _PLAIN.match(name) and name not in _KEYWORDS:
        return name
    _no_nul(name)
    return '"' + name.replace('"', '""') + '"'


def qualified(schema: str, name: str) -> str:
    return f"{ident(schema)}.{ident(name)}"


def type_name(schema: str, name: str) -> str:
    """A user type as `format_type` shows it in snapshots (taken with an empty search_path)."""
    return qualified(schema, name)


def idents(names: tuple[str, ...] | list[str]) -> str:
    return ", ".join(ident(n) for n in names)


def literal(value: str) -> str:
    """A string literal that means `value` whatever `standard_conforming_strings` says.

    A plain '...' literal treats backslashes as escapes when the setting is off, so a value
    holding a backslash is written as an escape string (E'...'), which reads backslashes the
    same way under both settings.
    """
    _no_nul(value)
    quoted = value.replace("'", "''")
    if "\\" in value:
        return "E'" + quoted.replace("\\", "\\\\") + "'"
    return "'" + quoted + "'"


def comment(text: object) -> str:
    """A `-- ` line comment holding `text` on exactly one line."""
    return "-- " + visible(text)
