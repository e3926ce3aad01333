"""Markdown from names and values: nothing a name holds can open a table cell, a link, an HTML
tag or leave a code span or fenced block.
"""

from __future__ import annotations

import re

from schema_assets.render.text import visible

_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~&])")
_BACKTICKS = re.compile(r"`+")


def text(value: object) -> str:
    """Plain inline text: markdown punctuation backslash-escaped, on one line."""
    return _SPECIAL.sub(r"\\\1", visible(value))


def code(value: object) -> str:
    """An inline code span holding `value` (one line); safe inside a table cell."""
    s = visible(value).replace("|", "¦")  # a pipe ends a table cell even inside a code span
    longest = max((len(m) for m in _BACKTICKS.findall(s)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if s.startswith("`") or s.endswith("`") or not s.strip() else ""
    return f"{fence}{pad}{s}{pad}{fence}"


def cell(value: object) -> str:
    """Text for a table cell."""
    return text(value)


def block(body: str, language: str = "") -> str:
    """A fenced code block whose fence is longer than any backtick run inside `body`."""
    longest = max((len(m) for m in _BACKTICKS.findall(body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{body}\n{fence}"


def table(header: list[str], rows: list[list[str]]) -> str:
    """A markdown table from cells already rendered with `cell`, `code` or `text`."""
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(out)
