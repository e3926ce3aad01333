"""The one rendering layer: every name or value from a schema file or a database leaves the
process as text only through these functions.

Names and values are hostile input. `sql` quotes them for statements, `text` makes them
visible on one line (logs, SQL comments, alerts), `markdown` keeps them inside their cell or
code span, `python` turns them into literals of generated revision files. Nothing else in the
code base quotes or escapes by hand.
"""
