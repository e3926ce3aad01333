"""SQL text from names and values: identifiers as quote_ident would, literals safe under either
`standard_conforming_strings` setting, and comments that stay on their line.

Statements are built from these parts, never by editing already rendered SQL.
"""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from pathlib import Path

from schema_assets.render.text import visible

_PLAIN = re.compile(r"[a-z_][a-z0-9_]*\Z")


@cache
def _keywords() -> frozenset[str]:
    """The keywords quote_ident quotes: pglast's copy of PostgreSQL's kwlist.h.

    Read from pglast's data module alone: importing `pglast.keywords` runs `pglast/__init__`,
    which loads the C parser and its node classes (about 0.05 s, a tenth of a no-change
    `plan`, which parses nothing)."""
    package = importlib.util.find_spec("pglast")  # locates, does not import
    assert package is not None and package.submodule_search_locations
    path = Path(next(iter(package.submodule_search_locations))) / "keywords.py"
    spec = importlib.util.spec_from_file_location("_pglast_keywords", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return (
        frozenset(module.RESERVED_KEYWORDS)
        | frozenset(module.COL_NAME_KEYWORDS)
        | frozenset(module.TYPE_FUNC_NAME_KEYWORDS)
    )


class UnrenderableError(ValueError):
    """A value PostgreSQL cannot hold (a NUL character) was about to be rendered."""


def _no_nul(value: str) -> None:
    if "\x00" in value:
        raise UnrenderableError(f"PostgreSQL text cannot contain NUL: {visible(value)}")


def ident(name: str) -> str:
    """`name` quoted when PostgreSQL's quote_ident would quote it (capitals, spaces, keywords)."""
    if _PLAIN.match(name) and name not in _keywords():
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
