"""Property: whatever is wrong with a schema file, `apply` exits 2 with a clear message,
prints no traceback, and leaves the database exactly as it was (schema, rows, databases).

Broken files come from a valid base schema mutated in the ways real edits go wrong:
truncated statements, random edits that break the syntax, unknown types, duplicate names,
circular foreign keys, invalid partition bounds and injection-looking identifiers. The CLI runs
in-process (click's CliRunner) against one scratch database shared by all examples, which is
itself the strongest check: after hundreds of broken applies it must still be unchanged.

`SAFETY_FUZZ_EXAMPLES` sets the number of examples (default 200, derandomized: the same
examples every run, about 30 per kind of breakage; 500 or more for a deeper run).
"""

from __future__ import annotations

import os
import re

import pytest
from apply_support import make_home
from click.testing import CliRunner
from helpers import execute, query, table_fingerprint
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pglast import parser as pg_parser

from schema_assets.catalog import take_snapshot
from schema_assets.cli import main
from schema_assets.database import create_database, database_name, drop_database, scratch_name

pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("SAFETY_FUZZ_EXAMPLES", "200"))

BASE = """\
CREATE SCHEMA ref;
CREATE SCHEMA raw;
CREATE TYPE ref.side AS ENUM ('buy', 'sell');
CREATE TABLE ref.instruments (
    instrument_id bigint PRIMARY KEY,
    symbol text NOT NULL UNIQUE
);
CREATE TABLE raw.trades (
    trade_id bigint NOT NULL,
    instrument_id bigint NOT NULL REFERENCES ref.instruments (instrument_id),
    side ref.side NOT NULL,
    price numeric(18, 6) NOT NULL,
    traded_at timestamptz NOT NULL,
    PRIMARY KEY (trade_id, traded_at)
) PARTITION BY RANGE (traded_at);
CREATE TABLE raw.trades_2024 PARTITION OF raw.trades
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE INDEX trades_instrument_idx ON raw.trades (instrument_id);
"""
DATA = """
INSERT INTO ref.instruments SELECT i, 'SYM' || i FROM generate_series(1, 20) i;
INSERT INTO raw.trades
SELECT i, 1 + i % 20, CASE WHEN i % 2 = 0 THEN 'buy' ELSE 'sell' END::ref.side, i * 0.5,
       timestamptz '2024-03-01' + i * interval '1 minute'
FROM generate_series(1, 2000) i;
"""
STATEMENTS = [s.strip() + ";" for s in BASE.split(";") if s.strip()]
TYPES = ("bigint", "text", "numeric(18, 6)", "timestamptz")
PAYLOADS = (
    'x"; DROP TABLE raw.trades; --',
    "x'; DROP SCHEMA raw CASCADE; --",
    'a" (id int); DELETE FROM ref.instruments; --',
    "Robert'); DROP TABLE ref.instruments;--",
    '"; TRUNCATE raw.trades_2024; --',
)


def parses(text: str) -> bool:
    try:
        pg_parser.parse_sql(text)
    except pg_parser.ParseError:
        return False
    return True


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# --------------------------------------------------------------------------- strategies

names = st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True)


@st.composite
def truncated(draw) -> str:
    """The base cut inside a statement: the file ends mid-sentence."""
    cut = draw(st.integers(min_value=1, max_value=len(BASE) - 2))
    text = BASE[:cut]
    if parses(text):  # cut on a boundary or into a valid prefix: cut the last token too
        text = text.rstrip().rstrip(";") + " ("
    return text


@st.composite
def random_edit(draw) -> str:
    """Insert, delete or replace a random span so that the text no longer parses."""
    start = draw(st.integers(min_value=0, max_value=len(BASE) - 1))
    end = draw(st.integers(min_value=start, max_value=min(len(BASE), start + 40)))
    junk = draw(st.text(alphabet="();,'\"$-*/ abcdefghijklmnopqrstuvwxyz0123456789\n", max_size=8))
    text = BASE[:start] + junk + BASE[end:]
    if parses(text):
        text += "\nCREATE TABLE ("  # the edit happened to stay valid: make it a dangling one
    return text


@st.composite
def unknown_type(draw) -> str:
    old = draw(st.sampled_from(TYPES))
    new = draw(st.sampled_from(("zz_", "money_", "ref."))) + draw(names) + "_t"
    return BASE.replace(old, new, 1)


@st.composite
def duplicate_name(draw) -> str:
    kind = draw(st.sampled_from(("statement", "column", "constraint", "index")))
    if kind == "statement":
        stmt = draw(st.sampled_from(STATEMENTS))
        return BASE + "\n" + stmt + "\n"
    if kind == "column":
        return BASE.replace("symbol text NOT NULL UNIQUE", "symbol text NOT NULL, symbol text", 1)
    if kind == "constraint":
        name = draw(names)
        return BASE.replace(
            "symbol text NOT NULL UNIQUE",
            f"symbol text NOT NULL, CONSTRAINT {name} UNIQUE (symbol), "
            f"CONSTRAINT {name} CHECK (instrument_id > 0)",
            1,
        )
    name = draw(names)
    return BASE + (
        f"CREATE INDEX {name} ON ref.instruments (symbol);\n"
        f"CREATE INDEX {name} ON ref.instruments (instrument_id);\n"
    )


@st.composite
def circular_fks(draw) -> str:
    """Tables referencing each other inline: the first names one that does not exist yet."""
    a, b = draw(st.lists(names, min_size=2, max_size=2, unique=True))
    return BASE + (
        f"CREATE TABLE raw.{a} (id bigint PRIMARY KEY, {b}_id bigint REFERENCES raw.{b} (id));\n"
        f"CREATE TABLE raw.{b} (id bigint PRIMARY KEY, {a}_id bigint REFERENCES raw.{a} (id));\n"
    )


@st.composite
def bad_partition_bound(draw) -> str:
    name = draw(names)
    year = draw(st.integers(min_value=2000, max_value=2030))
    kind = draw(st.sampled_from(("empty", "overlap", "not_a_date", "list_on_range", "default2")))
    bound = {
        "empty": f"FOR VALUES FROM ('{year}-06-01') TO ('{year}-01-01')",
        "overlap": f"FOR VALUES FROM ('2024-0{draw(st.integers(1, 9))}-01') TO ('{max(year, 2025)}-01-01')",
        "not_a_date": f"FOR VALUES FROM ('not a date {name}') TO ('{year}-01-01')",
        "list_on_range": f"FOR VALUES IN ('{year}-01-01')",
        "default2": "DEFAULT",
    }[kind]
    extra = ""
    if kind == "default2":
        extra = f"CREATE TABLE raw.{name}_other PARTITION OF raw.trades DEFAULT;\n"
    return BASE + f"CREATE TABLE raw.{name}_p PARTITION OF raw.trades {bound};\n" + extra


@st.composite
def injection_identifier(draw) -> str:
    payload = draw(st.sampled_from(PAYLOADS)) + draw(names)
    where = draw(st.sampled_from(("bare_table", "bare_column", "quoted_bad_type", "quoted_dup")))
    if where == "bare_table":
        return BASE + f"CREATE TABLE raw.{payload} (id bigint);\n"
    if where == "bare_column":
        return BASE.replace("symbol text NOT NULL UNIQUE", f"{payload} text", 1)
    if where == "quoted_bad_type":
        return BASE + f"CREATE TABLE raw.{quoted(payload)} (id {quoted(payload)});\n"
    return BASE + (
        f"CREATE TABLE raw.{quoted(payload)} (id bigint);\n"
        f"CREATE TABLE raw.{quoted(payload)} (id bigint);\n"
    )


broken_schemas = st.one_of(
    truncated(),
    random_edit(),
    unknown_type(),
    duplicate_name(),
    circular_fks(),
    bad_partition_bound(),
    injection_identifier(),
)


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def live(pg_server, tmp_path_factory):
    """A database at the base schema with rows, the file the CLI reads, the CLI's env."""
    name = scratch_name("fuzz")
    url = create_database(pg_server, name)
    execute(url, BASE + DATA)
    schema = tmp_path_factory.mktemp("fuzz") / "schema.sql"
    env = {
        "DATABASE_URL": url,
        # one project home (history) for the module's database, across its tests
        "SCHEMA_ASSETS_HOME": str(make_home(tmp_path_factory.mktemp("fuzz_home"))),
        "SCHEMA_ASSETS_SCHEMA_FILES": str(schema),
        "SCHEMA_ASSETS_BACKEND": "direct",
        "SCHEMA_ASSETS_ALLOW_DESTRUCTIVE": "1",  # even allowed, nothing may be destroyed
    }
    yield url, schema, env
    drop_database(pg_server, database_name(url))


def observed(url: str, pg_server: str):
    """Everything that must not change: schema, every row, the server's database list."""
    rows = {k: v for k, v in table_fingerprint(url).items() if not k.startswith("schema_assets")}
    databases = query(pg_server, "SELECT datname FROM pg_database ORDER BY 1")
    return take_snapshot(url), rows, databases


@pytest.fixture(scope="module")
def baseline(live, pg_server):
    url, _, _ = live
    return observed(url, pg_server)


def run_apply(env: dict[str, str]):
    return CliRunner().invoke(main, ["apply"], env=env, catch_exceptions=True)


def test_the_base_schema_itself_applies_cleanly(live):
    url, schema, env = live
    schema.write_text(BASE)
    result = run_apply(env)
    assert result.exit_code == 0, (result.output, result.exception)
    assert "no changes" in result.output


@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(text=broken_schemas)
def test_broken_schema_file_exits_2_with_a_message_and_changes_nothing(
    live, baseline, pg_server, text
):
    url, schema, env = live
    schema.write_text(text)

    result = run_apply(env)

    assert result.exit_code == 2, (text, result.output, result.exception)
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output + result.stderr
    message = result.stderr
    assert message.startswith("error: "), message
    # The message says where: the file and line of the failing statement.
    assert re.search(re.escape(str(schema)) + r":\d+: ", message), message
    assert observed(url, pg_server) == baseline


def test_injection_looking_identifiers_in_a_valid_file_are_created_verbatim(live, pg_server):
    """The other half of the property: quoted, such names are just names."""
    url, schema, env = live
    payload = PAYLOADS[0]
    schema.write_text(BASE + f"CREATE TABLE raw.{quoted(payload)} (id bigint PRIMARY KEY);\n")
    before = observed(url, pg_server)[1]
    result = run_apply(env)
    assert result.exit_code == 0, (result.output, result.stderr)
    names = [
        r[0] for r in query(url, "SELECT relname FROM pg_class WHERE relname = %s", (payload,))
    ]
    assert names == [payload]
    assert {k: v for k, v in observed(url, pg_server)[1].items() if k in before} == before
    # Back to the base: drop the odd table again so later tests see the base state.
    schema.write_text(BASE)
    assert run_apply(env).exit_code == 0
