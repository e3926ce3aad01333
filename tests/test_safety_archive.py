"""Archive before a destructive step, restore afterwards: the data comes back unchanged."""

from __future__ import annotations

import pytest
from helpers import execute, query, scalar, table_fingerprint

from schema_assets.errors import BadInputError
from schema_assets.plan import DELETES_DATA, NARROWS_TYPE, Step
from schema_assets.safety.archive import (
    ARCHIVE_SCHEMA,
    archive_name,
    archive_statements,
    list_archives,
    restore,
)

TRADES_DDL = """
CREATE SCHEMA raw;
CREATE TABLE raw.trades (
    trade_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    symbol text NOT NULL,
    price numeric(18, 6) NOT NULL,
    note text,
    traded_at timestamptz NOT NULL
);
INSERT INTO raw.trades (symbol, price, note, traded_at)
SELECT 'SYM' || (i % 97), (i * 1.25)::numeric, CASE WHEN i % 3 = 0 THEN NULL ELSE 'n' || i END,
       timestamptz '2024-01-01' + i * interval '1 second'
FROM generate_series(1, 5000) AS i;
"""


def drop_table_step(schema: str = "raw", table: str = "trades") -> Step:
    return Step(
        kind="table",
        action="drop",
        object=f"{schema}.{table}",
        up=(f'DROP TABLE "{schema}"."{table}"',),
        down=None,
        hazards=(DELETES_DATA,),
        archive={"table": [schema, table]},
    )


def drop_column_step(column: str = "note") -> Step:
    return Step(
        kind="column",
        action="drop",
        object=f"raw.trades.{column}",
        up=(f'ALTER TABLE "raw"."trades" DROP COLUMN "{column}"',),
        hazards=(DELETES_DATA,),
        archive={"table": ["raw", "trades"], "columns": [column], "key": ["trade_id"]},
    )


def run_step(url: str, step: Step, revision: str) -> None:
    """Archive + destructive SQL in one transaction, as the appliers run them."""
    execute(url, ";\n".join((*archive_statements(step, revision), *step.up)))


def column_checksum(url: str, column: str) -> tuple[int, str]:
    return query(
        url,
        f"SELECT count(*), md5(string_agg(trade_id || ':' || coalesce({column}::text, '<null>'), ',' ORDER BY trade_id)) FROM raw.trades",  # noqa: S608 - fixed test column
    )[0]


def test_step_without_archive_hint_needs_no_statements():
    step = Step(kind="index", action="drop", object="raw.ix", up=("DROP INDEX raw.ix",))
    assert archive_statements(step, "r1") == ()


def test_archive_name_is_revision_schema_table_and_columns():
    assert archive_name("r1", "raw", "trades", ["note"]) == "r1__raw__trades__note"


def test_long_archive_names_are_cut_to_63_bytes_deterministically_and_stay_distinct():
    a = archive_name("20260101_rev", "features", "é" * 40, ["column_a"])
    b = archive_name("20260101_rev", "features", "é" * 40, ["column_b"])
    assert len(a.encode()) <= 63 and len(b.encode()) <= 63
    assert a == archive_name("20260101_rev", "features", "é" * 40, ["column_a"])
    assert a != b


def test_dropped_table_round_trips_through_archive_and_restore(empty_db):
    execute(empty_db, TRADES_DDL)
    before = table_fingerprint(empty_db)["raw.trades"]

    run_step(empty_db, drop_table_step(), "r1")
    assert scalar(empty_db, "SELECT to_regclass('raw.trades') IS NULL")

    result = restore(empty_db, "r1__raw__trades")
    assert result.created_table
    assert table_fingerprint(empty_db)["raw.trades"] == before


def test_restore_into_a_recreated_table_inserts_rows_and_keeps_its_keys(empty_db):
    execute(empty_db, TRADES_DDL)
    before = table_fingerprint(empty_db)["raw.trades"]
    run_step(empty_db, drop_table_step(), "r1")
    # A downgrade recreates the table empty, with its identity and primary key.
    execute(empty_db, TRADES_DDL.split("INSERT")[0].replace("CREATE SCHEMA raw;", ""))

    result = restore(empty_db, "r1__raw__trades")

    assert not result.created_table and result.rows == 5000
    assert table_fingerprint(empty_db)["raw.trades"] == before
    assert scalar(
        empty_db,
        "SELECT count(*) FROM pg_constraint WHERE conrelid = 'raw.trades'::regclass AND contype = 'p'",
    )


def test_dropped_column_round_trips_by_key(empty_db):
    execute(empty_db, TRADES_DDL)
    before = column_checksum(empty_db, "note")

    run_step(empty_db, drop_column_step("note"), "r2")
    assert not scalar(
        empty_db,
        "SELECT count(*) FROM information_schema.columns WHERE table_name='trades' AND column_name='note'",
    )

    result = restore(empty_db, "r2__raw__trades__note")
    assert result.added_columns == ("note",) and result.rows == 5000
    assert column_checksum(empty_db, "note") == before


def test_archive_index_records_revision_source_and_row_count(empty_db):
    execute(empty_db, TRADES_DDL)
    run_step(empty_db, drop_column_step("note"), "r2")

    [info] = list_archives(empty_db)
    assert (info.name, info.revision, info.source) == (
        "r2__raw__trades__note",
        "r2",
        ("raw", "trades"),
    )
    assert info.columns == ("note",) and info.key == ("trade_id",)
    assert info.row_count == 5000


def test_list_archives_is_empty_before_anything_was_archived(empty_db):
    assert list_archives(empty_db) == []


def test_rerunning_a_revision_appends_a_batch_and_restore_uses_the_latest(empty_db):
    execute(empty_db, TRADES_DDL)
    run_step(empty_db, drop_column_step("note"), "r3")
    execute(
        empty_db, "ALTER TABLE raw.trades ADD COLUMN note text; UPDATE raw.trades SET note = 'v2'"
    )
    run_step(empty_db, drop_column_step("note"), "r3")

    batches = list_archives(empty_db)
    assert [b.row_count for b in batches] == [5000, 5000]
    restore(empty_db, "r3__raw__trades__note")
    assert query(empty_db, "SELECT DISTINCT note FROM raw.trades") == [("v2",)]

    restore(empty_db, "r3__raw__trades__note", at=batches[0].created_at)
    assert scalar(empty_db, "SELECT count(*) FROM raw.trades WHERE note IS NULL") == 1666


def test_injection_looking_identifiers_are_quoted(empty_db):
    schema, table = 'we"ird', 'x"; DROP TABLE raw.keep; --'
    execute(empty_db, "CREATE SCHEMA raw; CREATE TABLE raw.keep (id int)")
    execute(
        empty_db,
        f'CREATE SCHEMA "we""ird"; CREATE TABLE "we""ird"."{table.replace(chr(34), chr(34) * 2)}" (id int PRIMARY KEY, v text);'  # noqa: S608
        f'INSERT INTO "we""ird"."{table.replace(chr(34), chr(34) * 2)}" SELECT i, i::text FROM generate_series(1, 10) i',  # noqa: S608
    )
    step = Step(
        kind="table",
        action="drop",
        object=f"{schema}.{table}",
        up=(),
        hazards=(DELETES_DATA,),
        archive={"table": [schema, table]},
    )
    run_step(empty_db, step, "r'4")

    assert scalar(empty_db, "SELECT to_regclass('raw.keep') IS NOT NULL")
    [info] = list_archives(empty_db)
    assert info.source == (schema, table) and info.row_count == 10 and info.revision == "r'4"


def test_restoring_an_unknown_archive_is_bad_input(empty_db):
    with pytest.raises(BadInputError, match="no archive named"):
        restore(empty_db, "nope")


def test_restoring_columns_of_a_missing_table_is_bad_input_and_changes_nothing(empty_db):
    execute(empty_db, TRADES_DDL)
    run_step(empty_db, drop_column_step("note"), "r5")
    execute(empty_db, "DROP TABLE raw.trades")

    with pytest.raises(BadInputError, match="does not exist"):
        restore(empty_db, "r5__raw__trades__note")
    assert scalar(empty_db, f"SELECT count(*) FROM {ARCHIVE_SCHEMA}.r5__raw__trades__note") == 5000  # noqa: S608


def test_narrowed_column_is_archived_and_restore_refuses_the_narrow_type(empty_db):
    execute(empty_db, TRADES_DDL)
    before = column_checksum(empty_db, "price")
    narrow = Step(
        kind="column",
        action="alter",
        object="raw.trades.price",
        up=('ALTER TABLE "raw"."trades" ALTER COLUMN "price" TYPE numeric(10, 1)',),
        hazards=(NARROWS_TYPE,),
        archive={"table": ["raw", "trades"], "columns": ["price"], "key": ["trade_id"]},
    )
    run_step(empty_db, narrow, "r6")
    assert column_checksum(empty_db, "price") != before  # the narrowing rounded values

    with pytest.raises(
        BadInputError, match=r"price is numeric\(10,1\), archived as numeric\(18,6\)"
    ):
        restore(empty_db, "r6__raw__trades__price")

    execute(empty_db, "ALTER TABLE raw.trades ALTER COLUMN price TYPE numeric(18, 6)")
    restore(empty_db, "r6__raw__trades__price")
    assert column_checksum(empty_db, "price") == before


ENUM_DDL = """
CREATE SCHEMA ml;
CREATE TYPE ml.run_status AS ENUM ('queued', 'running', 'done');
CREATE TABLE ml.runs (
    run_id bigint PRIMARY KEY,
    status ml.run_status NOT NULL,
    statuses ml.run_status[]
);
"""
ENUM_ROWS = """
INSERT INTO ml.runs
SELECT i, (ARRAY['queued','running','done']::ml.run_status[])[1 + i % 3],
       ARRAY['queued', 'done']::ml.run_status[]
FROM generate_series(1, 300) AS i;
"""


def test_archive_of_enum_columns_does_not_block_dropping_the_enum(empty_db):
    execute(empty_db, ENUM_DDL + ENUM_ROWS)
    before = table_fingerprint(empty_db)["ml.runs"]
    step = drop_table_step("ml", "runs")

    # The plan drops the table, then its enum type: the archive must not depend on the type.
    execute(empty_db, ";\n".join((*archive_statements(step, "r9"), *step.up)))
    execute(empty_db, "DROP TYPE ml.run_status")

    # Structure back (e.g. a downgrade), then the data from the archive, enum values intact.
    execute(empty_db, ENUM_DDL.replace("CREATE SCHEMA ml;", ""))
    result = restore(empty_db, "r9__ml__runs")
    assert result.rows == 300
    assert table_fingerprint(empty_db)["ml.runs"] == before


def test_dropped_enum_column_is_restored_by_key_with_its_type(empty_db):
    execute(empty_db, ENUM_DDL + ENUM_ROWS)
    before = query(empty_db, "SELECT run_id, status FROM ml.runs ORDER BY run_id")
    step = Step(
        kind="column",
        action="drop",
        object="ml.runs.status",
        up=('ALTER TABLE "ml"."runs" DROP COLUMN "status"',),
        hazards=(DELETES_DATA,),
        archive={"table": ["ml", "runs"], "columns": ["status"], "key": ["run_id"]},
    )
    execute(empty_db, ";\n".join((*archive_statements(step, "r10"), *step.up)))
    execute(empty_db, "ALTER TABLE ml.runs ADD COLUMN status ml.run_status")

    restore(empty_db, "r10__ml__runs__status")

    assert query(empty_db, "SELECT run_id, status FROM ml.runs ORDER BY run_id") == before
    assert (
        scalar(
            empty_db,
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
            "WHERE attrelid = 'ml.runs'::regclass AND attname = 'status'",
        )
        == "ml.run_status"
    )
