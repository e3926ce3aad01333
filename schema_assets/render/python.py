"""Python source from names and values, for generated Alembic revision files.

Every value becomes a string literal that `ast.literal_eval` turns back into exactly that
value; every comment is one `#` line. A name can therefore never become code.
"""

from __future__ import annotations

import ast

from schema_assets.render.text import visible

#: Characters a readable triple-quoted literal may hold as they are (besides printables).
_KEEP = frozenset("\n")


def _triple_quoted(value: str) -> str:
    out = []
    for ch in value:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch in _KEEP or ch.isprintable():
            out.append(ch)
        else:
            out.append(visible(ch))
    return '"""' + "".join(out) + '"""'


def string(value: str) -> str:
    """A Python string literal for `value`: readable (triple-quoted) for multi-line SQL.

    The literal is checked by parsing it back, so a mistake here cannot become code: when the
    readable form does not round-trip exactly, `repr` is used.
    """
    if "\n" not in value:
        return repr(value)
    rendered = _triple_quoted(value)
    try:
        if ast.literal_eval(rendered) == value:
            return rendered
    except (SyntaxError, ValueError):  # pragma: no cover - guarded by the property tests
        pass
    return repr(value)


def comment(text: object) -> str:
    """A `# ` comment line holding `text` (control characters escaped: one line, always)."""
    return "# " + visible(text)
