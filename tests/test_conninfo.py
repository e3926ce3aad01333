"""Connection strings are parsed, not pattern-matched: a password is found wherever libpq
would take it from, and masked in every rendering and in any text that quotes it."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schema_assets.conninfo import mask_secrets, mask_url, parse
from schema_assets.database import sqlalchemy_url, with_database

#: Every printable ASCII character, plus some beyond: what a generated password may hold.
PASSWORDS = st.text(
    st.characters(min_codepoint=0x21, max_codepoint=0x7E) | st.sampled_from("é€ "),
    min_size=8,
    max_size=24,
).filter(lambda p: p not in SKELETON)
#: The text around the password in every URL and message below: a "password" such as
#: `postgres` or `db.example` is visible there whether or not it is masked.
SKELETON = (
    "postgresql+psycopg://trader:***@db.example:5432/wh?sslmode=require&password=***"
    " postgres:// host=db.example user=trader password='***' dbname=wh other"
    " could not connect to : refused error: is down"
)


def _forms(password: str) -> dict[str, str]:
    """The same credentials written every way libpq accepts them."""
    kv = password.replace("\\", "\\\\").replace("'", "\\'")
    return {
        "uri-encoded": f"postgresql://trader:{quote(password, safe='')}@db.example:5432/wh",
        "postgres-scheme": f"postgres://trader:{quote(password, safe='')}@db.example/wh",
        "query-param": f"postgresql://trader@db.example/wh?password={quote(password, safe='')}",
        "keyword": f"host=db.example user=trader password='{kv}' dbname=wh",
        "driver-suffix": f"postgresql+psycopg://trader:{quote(password, safe='')}@db.example/wh",
    }


@given(password=PASSWORDS)
@settings(max_examples=200, deadline=None)
def test_every_form_yields_the_password_and_masks_it(password: str) -> None:
    for form, url in _forms(password).items():
        info = parse(url)
        assert info.password == password, form
        assert info.get("host") == "db.example" and info.dbname == "wh", form
        for shown in (mask_url(url), mask_secrets(f"could not connect to {url}: refused")):
            assert password not in shown, (form, shown)
        assert parse(with_database(url, "other")).password == password
        assert password not in mask_url(with_database(url, "other"))


@given(password=PASSWORDS.filter(lambda p: "@" not in p[-1:]))
@settings(max_examples=150, deadline=None)
def test_unencoded_specials_in_the_userinfo_are_still_the_password(password: str) -> None:
    url = f"postgresql://trader:{password}@db.example:5432/wh?sslmode=require"
    info = parse(url)
    if "%" not in password:  # an unencoded % reads as a percent-escape, as in libpq
        assert info.password == password
        assert info.get("port") == "5432" and info.get("sslmode") == "require"
    assert password not in mask_url(url)
    assert password not in mask_secrets(f"error: {url} is down")


def test_a_password_is_masked_wherever_a_message_repeats_it() -> None:
    parse("postgresql://u:Tr0ub4dor&3@h/db")
    assert mask_secrets('invalid port "Tr0ub4dor&3" in connection string') == (
        'invalid port "***" in connection string'
    )


def test_sqlalchemy_url_round_trips_a_password_with_specials() -> None:
    from sqlalchemy.engine import make_url

    url = "postgresql://u:p#a?s/s@w@h:5432/db"
    assert make_url(sqlalchemy_url(url)).password == "p#a?s/s@w"


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("postgresql://u:pw@h/db", "postgresql://u:***@h/db"),
        ("postgresql://u@h/db", "postgresql://u@h/db"),
        ("postgresql:///db?host=/run/pg", "postgresql:///db?host=/run/pg"),
        ("host=h password=pw dbname=db", "host=h password=*** dbname=db"),
    ],
)
def test_masked_forms_read_naturally(url: str, masked: str) -> None:
    assert mask_url(url) == masked


def test_an_at_then_a_query_inside_the_password_is_still_the_password() -> None:
    info = parse("postgresql://trader:0000@?0=@db.example:5432/wh?sslmode=require")
    assert info.password == "0000@?0="
    assert info.get("host") == "db.example" and info.get("sslmode") == "require"
