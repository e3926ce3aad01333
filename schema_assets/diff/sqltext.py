"""Quoting for the SQL the planner renders: the SQL part of the rendering layer.

Kept as the planner's import point; the functions live in `schema_assets.render.sql`.
"""

from schema_assets.render.sql import comment, ident, idents, literal, qualified, type_name

__all__ = ["comment", "ident", "idents", "literal", "qualified", "type_name"]
