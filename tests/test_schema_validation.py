"""Catalog validation rules: each rule catches a schema that breaks it and passes one that
satisfies it (real PostgreSQL), the shipped schema passes, and configuration works."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from helpers import execute, run_cli
from hypothesis import given, settings
from hypothesis import strategies as st

from schema_assets.catalog import take_snapshot
from schema_assets.config import Settings
from schema_assets.errors import BadInputError
from schema_assets.validation.config import ValidationConfig
from schema_assets.validation.engine import load_config, validate
from schema_assets.validation.rules import RULE_IDS
from schema_assets.validation.rules.partitions import first_uncovered

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)

#: A small schema that every rule accepts; each case adds what it needs on top of it.
BASE = """
CREATE TABLE venues (
    venue_id   bigint GENERATED ALWAYS AS IDENTITY,
    name       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT venues_pkey PRIMARY KEY (venue_id)
);
CREATE TABLE fills (
    fill_id    bigint GENERATED ALWAYS AS IDENTITY,
    venue_id   bigint        NOT NULL,
    price      numeric(20,8) NOT NULL,
    size       numeric(28,8) NOT NULL,
    filled_at  timestamptz   NOT NULL,
    created_at timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT fills_pkey PRIMARY KEY (fill_id),
    CONSTRAINT fills_venue_id_fkey FOREIGN KEY (venue_id) REFERENCES venues (venue_id),
    CONSTRAINT fills_price_check CHECK (price > 0)
);
CREATE INDEX fills_venue_id_idx ON fills (venue_id);
"""

CREATED = "created_at timestamptz NOT NULL DEFAULT now()"

PRINTS = f"""
CREATE TABLE prints (
    print_id   bigint      NOT NULL,
    printed_at timestamptz NOT NULL,
    {CREATED},
    CONSTRAINT prints_pkey PRIMARY KEY (print_id, printed_at)
) PARTITION BY RANGE (printed_at);
CREATE TABLE prints_p202610 PARTITION OF prints FOR VALUES FROM ('2026-10-01 00:00+00') TO ('2026-11-01 00:00+00');
CREATE TABLE prints_p202611 PARTITION OF prints FOR VALUES FROM ('2026-11-01 00:00+00') TO ('2026-12-01 00:00+00');
"""
DECEMBER = "CREATE TABLE prints_p202612 PARTITION OF prints FOR VALUES FROM ('2026-12-01 00:00+00') TO ('2027-01-01 00:00+00');"
DEFAULT = "CREATE TABLE prints_default PARTITION OF prints DEFAULT;"

TOUCH = """
CREATE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql
AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
"""
ACCOUNTS = f"""
CREATE TABLE accounts (
    account_id bigint PRIMARY KEY,
    {CREATED},
    updated_at timestamptz NOT NULL DEFAULT now()
);
"""
CANDLES = f"""
CREATE TABLE candles (
    candle_id bigint PRIMARY KEY,
    open  numeric(20,8) NOT NULL,
    high  numeric(20,8) NOT NULL,
    low   numeric(20,8) NOT NULL,
    close numeric(20,8) NOT NULL,
    {CREATED},
    CONSTRAINT candles_prices_check CHECK (open > 0 AND high > 0 AND low > 0 AND close > 0)
);
"""

#: rule, SQL that breaks it (on top of BASE), the one finding's object, SQL that satisfies it.
CASES = [
    pytest.param(
        "PK001",
        f"CREATE TABLE notes (note text, {CREATED});",
        "public.notes",
        f"CREATE TABLE notes (note_id bigint PRIMARY KEY, note text, {CREATED});",
        id="PK001-every-table-has-a-primary-key",
    ),
    pytest.param(
        "FK001",
        f"CREATE TABLE orders (order_id bigint PRIMARY KEY, venue_id bigint NOT NULL"
        f" CONSTRAINT orders_venue_id_fkey REFERENCES venues, {CREATED});"
        " CREATE INDEX orders_created_at_venue_id_idx ON orders (created_at, venue_id);",
        "public.orders.orders_venue_id_fkey",
        f"CREATE TABLE orders (order_id bigint PRIMARY KEY, venue_id bigint NOT NULL"
        f" CONSTRAINT orders_venue_id_fkey REFERENCES venues, {CREATED});"
        " CREATE INDEX orders_venue_id_created_at_idx ON orders (venue_id, created_at);",
        id="FK001-foreign-keys-have-a-leading-index",
    ),
    pytest.param(
        "TYP001",
        f"CREATE TABLE marks (mark_id bigint PRIMARY KEY, mark_price double precision"
        f" CHECK (mark_price > 0), {CREATED});",
        "public.marks.mark_price",
        f"CREATE TABLE marks (mark_id bigint PRIMARY KEY, mark_price numeric(20,8)"
        f" CHECK (mark_price > 0), {CREATED});",
        id="TYP001-prices-and-sizes-are-numeric",
    ),
    pytest.param(
        "TYP002",
        f"CREATE TABLE events (event_id bigint PRIMARY KEY, happened_at timestamp NOT NULL, {CREATED});",
        "public.events.happened_at",
        f"CREATE TABLE events (event_id bigint PRIMARY KEY, happened_at timestamptz NOT NULL, {CREATED});",
        id="TYP002-times-are-timestamptz",
    ),
    pytest.param(
        "TYP003",
        f"CREATE TABLE tags (tag_id integer PRIMARY KEY, {CREATED});",
        "public.tags.tag_id",
        f"CREATE TABLE tags (tag_id bigint PRIMARY KEY, {CREATED});",
        id="TYP003-ids-are-bigint",
    ),
    pytest.param(
        "NAM001",
        f'CREATE TABLE venue_aliases (venue_alias_id bigint PRIMARY KEY, "Alias" text, {CREATED});',
        "public.venue_aliases.Alias",
        f"CREATE TABLE venue_aliases (venue_alias_id bigint PRIMARY KEY, alias text, {CREATED});",
        id="NAM001-names-are-snake-case",
    ),
    pytest.param(
        "NAM002",
        "CREATE INDEX fills_by_time ON fills (filled_at);",
        "public.fills_by_time",
        "CREATE INDEX fills_filled_at_idx ON fills (filled_at);",
        id="NAM002-indexes-end-with-idx",
    ),
    pytest.param(
        "REQ001",
        "CREATE SCHEMA raw; CREATE TABLE raw.ticks (tick_id bigint PRIMARY KEY,"
        f" source_id bigint NOT NULL, {CREATED});",
        "raw.ticks",
        "CREATE SCHEMA raw; CREATE TABLE raw.ticks (tick_id bigint PRIMARY KEY,"
        f" source_id bigint NOT NULL, ingested_at timestamptz NOT NULL DEFAULT now(), {CREATED});",
        id="REQ001-raw-tables-have-ingested-at",
    ),
    pytest.param(
        "REQ002",
        ACCOUNTS,
        "public.accounts",
        TOUCH + ACCOUNTS + "CREATE TRIGGER accounts_set_updated_at BEFORE UPDATE ON accounts"
        " FOR EACH ROW EXECUTE FUNCTION set_updated_at();",
        id="REQ002-updated-at-has-its-trigger",
    ),
    pytest.param(
        "PAR001",
        PRINTS + DEFAULT,
        "public.prints",
        PRINTS + DECEMBER + DEFAULT,
        id="PAR001-partitions-cover-now-and-next-month",
    ),
    pytest.param(
        "PAR002",
        PRINTS + DECEMBER,
        "public.prints",
        PRINTS + DECEMBER + DEFAULT,
        id="PAR002-partitioned-tables-have-a-default",
    ),
    pytest.param(
        "PAR003",
        PRINTS + DECEMBER + DEFAULT + "ALTER TABLE prints DETACH PARTITION prints_p202610;",
        "public.prints_p202610",
        PRINTS + DECEMBER + DEFAULT,
        id="PAR003-no-detached-partitions",
    ),
    pytest.param(
        "CHK001",
        f"CREATE TABLE marks (mark_id bigint PRIMARY KEY, mark_price numeric(20,8), {CREATED});",
        "public.marks.mark_price",
        f"CREATE TABLE marks (mark_id bigint PRIMARY KEY, mark_price numeric(20,8), {CREATED},"
        " CONSTRAINT marks_mark_price_check CHECK (mark_price > 0));",
        id="CHK001-prices-are-checked-positive",
    ),
    pytest.param(
        "CHK002",
        CANDLES,
        "public.candles",
        CANDLES + "ALTER TABLE candles ADD CONSTRAINT candles_high_low_check CHECK (low <= high);",
        id="CHK002-ohlc-tables-check-high-above-low",
    ),
    pytest.param(
        "SEQ001",
        "CREATE SEQUENCE batch_seq;",
        "public.batch_seq",
        f"CREATE TABLE batches (batch_id bigserial PRIMARY KEY, {CREATED});",
        id="SEQ001-sequences-are-owned-by-a-column",
    ),
]


def report_for(url: str, *statements: str, config: ValidationConfig | None = None, now=NOW):
    for sql in statements:
        execute(url, sql)
    return validate(take_snapshot(url), config or ValidationConfig(), now=now)


def found(report) -> list[tuple[str, str]]:
    return [(f.rule, f.object) for f in report.findings]


def test_every_rule_has_a_case():
    assert sorted(p.values[0] for p in CASES) == sorted(RULE_IDS)


def test_the_base_schema_passes_every_rule(empty_db):
    report = report_for(empty_db, BASE)
    assert report.findings == ()
    assert report.rules_run == RULE_IDS


@pytest.mark.parametrize(("rule", "broken", "obj", "fixed"), CASES)
def test_a_schema_breaking_the_rule_gets_exactly_its_finding(empty_db, rule, broken, obj, fixed):
    report = report_for(empty_db, BASE, broken)
    assert found(report) == [(rule, obj)]
    finding = report.findings[0]
    assert finding.title and finding.hint and finding.message
    assert finding.severity in ("error", "warning")


@pytest.mark.parametrize(("rule", "broken", "obj", "fixed"), CASES)
def test_a_schema_satisfying_the_rule_has_no_findings(empty_db, rule, broken, obj, fixed):
    assert found(report_for(empty_db, BASE, fixed)) == []


# --------------------------------------------------------------------------- rule details


def test_an_index_on_the_fk_columns_in_second_place_does_not_support_the_fk(empty_db):
    report = report_for(
        empty_db,
        BASE,
        "DROP INDEX fills_venue_id_idx; CREATE INDEX fills_filled_at_venue_id_idx ON fills (filled_at, venue_id);",
    )
    assert found(report) == [("FK001", "public.fills.fills_venue_id_fkey")]
    assert report.findings[0].hint == "CREATE INDEX fills_venue_id_idx ON public.fills (venue_id)"


def test_created_at_is_required_in_every_layer(empty_db):
    report = report_for(empty_db, BASE, "CREATE TABLE notes (note_id bigint PRIMARY KEY);")
    assert found(report) == [("REQ001", "public.notes")]
    assert "created_at" in report.findings[0].message


def test_an_after_update_trigger_does_not_maintain_updated_at(empty_db):
    report = report_for(
        empty_db,
        BASE,
        TOUCH,
        ACCOUNTS,
        "CREATE TRIGGER accounts_touch AFTER UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION set_updated_at();",
    )
    assert found(report) == [("REQ002", "public.accounts")]


def test_a_constraint_without_its_suffix_is_reported(empty_db):
    report = report_for(
        empty_db, BASE, "ALTER TABLE fills ADD CONSTRAINT fills_size_positive CHECK (size >= 0);"
    )
    assert found(report) == [("NAM002", "public.fills.fills_size_positive")]


def test_an_index_on_a_materialized_view_follows_the_same_naming(empty_db):
    report = report_for(
        empty_db,
        BASE,
        "CREATE MATERIALIZED VIEW venue_names AS SELECT venue_id, name FROM venues;"
        " CREATE UNIQUE INDEX venue_names_unique ON venue_names (venue_id);",
    )
    assert found(report) == [("NAM002", "public.venue_names_unique")]


def test_an_index_created_on_one_partition_is_checked_too(empty_db):
    report = report_for(
        empty_db,
        BASE,
        PRINTS + DECEMBER + DEFAULT,
        "CREATE INDEX nov_prints ON prints_p202611 (created_at);",
    )
    assert found(report) == [("NAM002", "public.nov_prints")]


def test_quoted_names_with_capitals_and_spaces_are_read_and_reported(empty_db):
    report = report_for(
        empty_db,
        BASE,
        f'CREATE TABLE "Odd Table" ("odd id" bigint CONSTRAINT "Odd Table_pkey" PRIMARY KEY, {CREATED});',
    )
    assert sorted(found(report)) == [
        ("NAM001", "public.Odd Table"),
        ("NAM001", "public.Odd Table.Odd Table_pkey"),
        ("NAM001", "public.Odd Table.odd id"),
    ]


def test_fix_hints_quote_identifiers_that_need_it(empty_db):
    report = report_for(
        empty_db,
        BASE,
        'CREATE TABLE "Order Lines" (line_id bigint CONSTRAINT "Order Lines_pkey" PRIMARY KEY,'
        ' venue_id bigint CONSTRAINT "Order Lines_venue_id_fkey" REFERENCES venues,'
        f" {CREATED});",
        config=config_of(enable=["FK001"]),
    )
    assert [f.hint for f in report.findings] == [
        'CREATE INDEX "Order Lines_venue_id_idx" ON public."Order Lines" (venue_id)'
    ]


def test_partitions_inherit_findings_from_their_parent_and_are_not_reported_again(empty_db):
    report = report_for(
        empty_db,
        BASE,
        PRINTS + DECEMBER + DEFAULT,
        "ALTER TABLE prints ADD COLUMN print_price double precision CHECK (print_price > 0);",
    )
    assert found(report) == [("TYP001", "public.prints.print_price")]


def test_partition_coverage_follows_the_injected_now(empty_db):
    execute(empty_db, BASE)
    execute(empty_db, PRINTS + DECEMBER + DEFAULT)
    snapshot = take_snapshot(empty_db)
    assert validate(snapshot, ValidationConfig(), now=NOW).findings == ()
    late = validate(snapshot, ValidationConfig(), now=dt.datetime(2026, 12, 3, tzinfo=dt.UTC))
    assert found(late) == [("PAR001", "public.prints")]
    assert "2027-01-01" in late.findings[0].message
    early = validate(snapshot, ValidationConfig(), now=dt.datetime(2026, 9, 30, tzinfo=dt.UTC))
    assert found(early) == [("PAR001", "public.prints")]


@settings(max_examples=200, deadline=None)
@given(
    months=st.sets(st.integers(0, 11)),
    start=st.integers(0, 11 * 24),
    length=st.integers(1, 4 * 24),
)
def test_coverage_agrees_with_checking_every_hour(months, start, length):
    """Monthly ranges of 2026 (any subset): the first uncovered instant is the first gap."""
    origin = pd.Timestamp("2026-01-01T00:00Z")
    ranges = [
        (origin + pd.DateOffset(months=m), origin + pd.DateOffset(months=m + 1)) for m in months
    ]
    begin = origin + pd.Timedelta(days=start)
    end = begin + pd.Timedelta(days=length)
    hours = pd.date_range(begin, end, freq="h", inclusive="left")
    gaps = [h for h in hours if not any(low <= h < high for low, high in ranges)]
    gap = first_uncovered(ranges, begin, end)
    if not gaps:
        assert gap is None
    else:
        assert gap is not None and gap <= gaps[0] and gaps[0] - gap < pd.Timedelta(hours=1)


def test_a_list_partitioned_table_needs_a_default_but_no_time_coverage(empty_db):
    report = report_for(
        empty_db,
        BASE,
        f"CREATE TABLE listings (listing_id bigint NOT NULL, region text NOT NULL, {CREATED},"
        " CONSTRAINT listings_pkey PRIMARY KEY (listing_id, region)) PARTITION BY LIST (region);"
        " CREATE TABLE listings_eu PARTITION OF listings FOR VALUES IN ('eu');",
    )
    assert found(report) == [("PAR002", "public.listings")]


def test_minvalue_and_maxvalue_bounds_cover_everything_on_their_side():
    jan, mar = pd.Timestamp("2026-01-01T00:00Z"), pd.Timestamp("2026-03-01T00:00Z")
    assert first_uncovered([(None, mar)], jan, mar) is None
    assert first_uncovered([(jan, None)], jan, pd.Timestamp("2030-01-01T00:00Z")) is None
    assert first_uncovered([(None, jan)], jan, mar) == jan


def test_a_table_named_like_a_partition_of_a_missing_parent_is_an_orphan(empty_db):
    report = report_for(
        empty_db, BASE, f"CREATE TABLE trades_p202611 (trade_key bigint PRIMARY KEY, {CREATED});"
    )
    assert found(report) == [("PAR003", "public.trades_p202611")]


# --------------------------------------------------------------------------- shipped schema


def test_the_shipped_schema_passes_with_the_project_configuration(warehouse_db):
    report = validate(take_snapshot(warehouse_db), load_config(Settings.from_env().tool), now=NOW)
    assert not report.has_errors
    assert report.findings == ()
    assert {(s.finding.rule, s.finding.object) for s in report.suppressed} == {
        ("TYP003", "raw.trades.trade_id"),
        ("TYP003", "staging.trades.trade_id"),
    }
    assert all(s.reason for s in report.suppressed)


def test_without_exceptions_the_shipped_text_trade_ids_are_the_only_findings(warehouse_db):
    report = validate(take_snapshot(warehouse_db), ValidationConfig(), now=NOW)
    assert found(report) == [
        ("TYP003", "raw.trades.trade_id"),
        ("TYP003", "staging.trades.trade_id"),
    ]


def test_the_shipped_partitions_run_out_after_february_2027(warehouse_db):
    report = validate(
        take_snapshot(warehouse_db),
        load_config(Settings.from_env().tool),
        now=dt.datetime(2027, 2, 1, tzinfo=dt.UTC),
    )
    assert {f.rule for f in report.findings} == {"PAR001"}
    assert len(report.findings) == 8  # one per partitioned table, none per partition


# --------------------------------------------------------------------------- configuration


def config_of(**section) -> ValidationConfig:
    return ValidationConfig.from_dict(section, RULE_IDS)


@pytest.fixture
def broken_db(empty_db: str) -> str:
    """BASE plus one FK001 error and one NAM002 warning."""
    execute(empty_db, BASE)
    execute(
        empty_db, "DROP INDEX fills_venue_id_idx; CREATE INDEX fills_by_time ON fills (filled_at);"
    )
    return empty_db


def test_a_disabled_rule_does_not_run(broken_db):
    report = report_for(broken_db, config=config_of(disable=["FK001"]))
    assert found(report) == [("NAM002", "public.fills_by_time")]
    assert "FK001" not in report.rules_run


def test_enable_runs_only_the_listed_rules(broken_db):
    report = report_for(broken_db, config=config_of(enable=["FK001"]))
    assert report.rules_run == ("FK001",)
    assert found(report) == [("FK001", "public.fills.fills_venue_id_fkey")]


def test_a_severity_override_changes_whether_the_report_has_errors(broken_db):
    default = report_for(broken_db)
    assert default.has_errors and default.counts == {"error": 1, "warning": 1}
    relaxed = report_for(broken_db, config=config_of(severity={"FK001": "warning"}))
    assert not relaxed.has_errors and relaxed.counts == {"error": 0, "warning": 2}


def test_an_exception_silences_one_object_and_keeps_its_reason(broken_db):
    config = config_of(
        exceptions=[
            {"rule": "FK001", "object": "public.fills.*", "reason": "fills are never deleted"}
        ]
    )
    report = report_for(broken_db, config=config)
    assert found(report) == [("NAM002", "public.fills_by_time")]
    assert [(s.finding.object, s.reason) for s in report.suppressed] == [
        ("public.fills.fills_venue_id_fkey", "fills are never deleted")
    ]


def test_an_exception_that_matches_nothing_is_noted(empty_db):
    config = config_of(
        exceptions=[{"rule": "TYP003", "object": "public.gone.gone_id", "reason": "legacy"}]
    )
    report = report_for(empty_db, BASE, config=config)
    assert report.unused_exceptions == ("TYP003 public.gone.gone_id",)


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"exceptions": [{"rule": "FK001", "object": "x.y"}]}, "needs a reason"),
        ({"disable": ["XYZ999"]}, "unknown rule 'XYZ999'"),
        ({"severity": {"FK001": "fatal"}}, "must be one of error, warning"),
        ({"ignore": ["FK001"]}, "unknown key 'ignore'"),
    ],
    ids=["exception-without-reason", "unknown-rule", "bad-severity", "unknown-key"],
)
def test_bad_configuration_is_bad_input(section, message):
    with pytest.raises(BadInputError, match=message):
        config_of(**section)


def test_the_project_configuration_is_read_from_pyproject():
    config = load_config(Settings.from_env().tool)
    assert config.exception_for("TYP003", "raw.trades.trade_id") is not None
    assert config.required_columns["raw"] == ("ingested_at", "source_id")


# --------------------------------------------------------------------------- command line


def test_validate_exits_0_on_the_shipped_schema(warehouse_db):
    result = run_cli("validate", "--now", "2026-11-25", env={"DATABASE_URL": warehouse_db})
    assert result.returncode == 0, result.stderr
    assert "0 error(s)" in result.stdout


def test_validate_exits_1_with_error_findings_and_prints_json(broken_db):
    result = run_cli("validate", "--format", "json", env={"DATABASE_URL": broken_db})
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert data["has_errors"] is True
    assert {(f["rule"], f["severity"]) for f in data["findings"]} == {
        ("FK001", "error"),
        ("NAM002", "warning"),
    }


def test_validate_checks_schema_files_through_the_shadow(pg_server, tmp_path):
    schema = tmp_path / "schema.sql"
    schema.write_text(
        BASE + "CREATE TABLE notes (note text, created_at timestamptz NOT NULL DEFAULT now());"
    )
    result = run_cli("validate", "--schema", str(schema), env={"DATABASE_URL": pg_server})
    assert result.returncode == 1, result.stderr
    assert "PK001 public.notes" in result.stdout


def test_validate_exits_2_on_a_missing_schema_file(pg_server, tmp_path):
    result = run_cli(
        "validate", "--schema", str(tmp_path / "nope.sql"), env={"DATABASE_URL": pg_server}
    )
    assert result.returncode == 2
    assert "no such schema file" in result.stderr and "Traceback" not in result.stderr


def test_validate_exits_2_on_a_bad_now(pg_server):
    result = run_cli("validate", "--now", "next tuesday", env={"DATABASE_URL": pg_server})
    assert result.returncode == 2
    assert "--now" in result.stderr and "Traceback" not in result.stderr
