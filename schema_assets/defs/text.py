"""Text the Dagster layer writes (metadata, check descriptions, alerts): the shared rendering
layer (`schema_assets.render`) with passwords masked first.

Names from the catalog and the schema files are hostile input; nothing in `defs/` escapes
them by hand.
"""

from __future__ import annotations

from schema_assets.conninfo import mask_secrets
from schema_assets.render import markdown
from schema_assets.render.text import visible


def one_line(value: object) -> str:
    """`value` as one line: control and format characters escaped visibly, secrets masked."""
    return visible(mask_secrets(str(value)))


def lines(value: object) -> str:
    """Multi-line text kept as lines, each made safe like `one_line`."""
    return "\n".join(one_line(line) for line in mask_secrets(str(value)).splitlines())


def md_text(value: object) -> str:
    """Plain markdown text (e.g. a table cell): one line, markdown syntax escaped."""
    return markdown.text(mask_secrets(str(value)))


def md_code(value: object) -> str:
    """An inline code span that no name can end early or split a table cell with."""
    return markdown.code(mask_secrets(str(value)))


def md_table(header: list[str], rows: list[list[str]]) -> str:
    """A markdown table from already-escaped cells."""
    return markdown.table(header, rows)
