"""Names from the catalog and the schema files, made safe for text that leaves the process.

Table, column and rule names are hostile input: a newline breaks a one-line alert, a `|`
breaks a markdown table, a backtick ends a code span. Everything the Dagster layer writes
into metadata, check descriptions and alerts goes through these helpers, which escape such
characters *visibly* (a reader sees `\\n`, not a line break) and mask passwords.

This is the Dagster layer's single place for that; it is meant to be pointed at the
project's shared rendering layer once that exists.
"""

from __future__ import annotations

import unicodedata

from schema_assets.database import mask_secrets

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _visible(ch: str) -> str:
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def one_line(value: object) -> str:
    """`value` as one line: control and format characters escaped visibly, secrets masked."""
    text = mask_secrets(str(value))
    return "".join(
        _visible(ch) if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in text
    )


def lines(value: object) -> str:
    """Multi-line text kept as lines, each made safe like `one_line`."""
    return "\n".join(one_line(line) for line in str(value).splitlines())


_MD_SPECIAL = set("\\`*_[]<>|#~!")


def md_text(value: object) -> str:
    """Plain markdown text (e.g. a table cell): one line, markdown syntax escaped."""
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in one_line(value))


def md_code(value: object) -> str:
    """An inline code span that no name can end early or split a table cell with."""
    return "`" + one_line(value).replace("`", "\\x60").replace("|", "\\|") + "`"


def md_table(header: list[str], rows: list[list[str]]) -> str:
    """A markdown table from already-escaped cells."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
