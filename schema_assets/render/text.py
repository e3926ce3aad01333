"""One-line, visible text: control characters in names can neither break a line nor hide.

A name such as ``"x\\n    __import__('os')"`` must never start a new line in a SQL comment, a
log line, an alert or a Python comment. `visible` escapes every character that is not a
printable glyph (C0/C1 controls, DEL, line and paragraph separators, bidi and other format
characters) as a Python-style escape, and doubles backslashes so the escaping stays
unambiguous.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\"}
#: Unicode categories that are not printable glyphs: controls, format characters
#: (bidi overrides, zero-width joiners), line/paragraph separators, surrogates, unassigned.
_HIDDEN = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


@lru_cache(maxsize=4096)
def _escape_char(ch: str) -> str:
    short = _SHORT.get(ch)
    if short is not None:
        return short
    if unicodedata.category(ch) not in _HIDDEN:
        return ch
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _plain(text: str) -> bool:
    return text.isprintable() and "\\" not in text


def visible(text: object) -> str:
    """`text` on one line with every invisible or line-breaking character escaped."""
    s = str(text)
    if s.isascii() and _plain(s):
        return s
    return "".join(_escape_char(ch) for ch in s)


def unbroken(text: object) -> str:
    """`text` on one line like `visible`, but backslashes kept as they are: for a sink (the
    log) that receives both raw text and text already made `visible` by its caller, which
    escaping again would double. Nothing can break the line either way."""
    s = str(text)
    if s.isprintable():
        return s
    return "".join(ch if ch == "\\" else _escape_char(ch) for ch in s)


def one_line(text: object, limit: int | None = None) -> str:
    """`visible(text)`, cut to `limit` characters with an ellipsis when longer."""
    s = visible(text)
    if limit is not None and len(s) > limit:
        return s[: max(limit - 1, 0)] + "…"
    return s
