"""Identifier quoting follows PostgreSQL's quote_ident (checked against the server itself)."""

from __future__ import annotations

import pytest
from helpers import scalar

from schema_assets.diff.sqltext import ident, literal, qualified, type_name

NAMES = ["trades", "Trades", "order", "user", "my table", 'say "hi"', "a$b", "_x1", "1abc", "name"]


@pytest.mark.parametrize("name", NAMES)
def test_ident_matches_postgres_quote_ident(empty_db: str, name: str) -> None:
    assert ident(name) == scalar(empty_db, "SELECT quote_ident(%s)", (name,))


def test_qualified_quotes_each_part_separately() -> None:
    assert qualified("Raw", "my.table") == '"Raw"."my.table"'


def test_type_name_is_qualified_like_format_type_in_snapshots() -> None:
    assert type_name("public", "side") == "public.side"
    assert type_name("ref", "Side") == 'ref."Side"'


def test_literal_doubles_single_quotes() -> None:
    assert literal("it's") == "'it''s'"
