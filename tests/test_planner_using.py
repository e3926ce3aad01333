"""Type changes without a cast path: through text, the user's USING expression, or exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run_cli
from roundtrip import assert_roundtrip

from schema_assets.catalog.model import Column, Snapshot, Table
from schema_assets.diff import diff_snapshots
from schema_assets.errors import BadInputError

EPOCH = "CREATE TABLE t (id int PRIMARY KEY, at bigint);"
STAMP = "CREATE TABLE t (id int PRIMARY KEY, at timestamp with time zone);"
ROWS = "INSERT INTO t SELECT g, 1700000000 + g FROM generate_series(1, 2000) g;"


def _snapshot(column_type: str) -> Snapshot:
    cols = (Column("id", "integer", True), Column("at", column_type))
    return Snapshot(tables={("public", "t"): Table("public", "t", "r", cols)})


def test_no_cast_path_refuses_naming_the_column_and_both_ways_to_supply_it() -> None:
    with pytest.raises(BadInputError) as raised:
        diff_snapshots(_snapshot("bigint"), _snapshot("timestamp with time zone"))
    message = str(raised.value)
    assert "public.t.at" in message and "bigint" in message
    assert "[tool.schema-assets.using]" in message and "--using" in message


def test_a_using_expression_converts_every_row(pg_server: str) -> None:
    plan = assert_roundtrip(
        pg_server, EPOCH, STAMP, data_sql=ROWS, using={"public.t.at": "to_timestamp(at)"}
    )
    (step,) = plan.steps
    assert step.up == (
        "ALTER TABLE public.t ALTER COLUMN at TYPE timestamp with time zone USING to_timestamp(at)",
    )
    assert step.down is None and "back" in step.irreversible_reason  # no cast back either


def test_enum_to_an_enum_with_every_label_goes_through_text(pg_server: str) -> None:
    before = "CREATE TYPE a AS ENUM ('x', 'y'); CREATE TYPE b AS ENUM ('x', 'y', 'z');"
    plan = assert_roundtrip(
        pg_server,
        before + "CREATE TABLE t (v a);",
        before + "CREATE TABLE t (v b);",
        data_sql="INSERT INTO t SELECT (ARRAY['x','y'])[1 + g % 2]::a FROM generate_series(1, 500) g;",
    )
    (step,) = plan.steps
    assert step.up == ("ALTER TABLE public.t ALTER COLUMN v TYPE public.b USING v::text::public.b",)


def test_malformed_using_hint_is_bad_input() -> None:
    with pytest.raises(BadInputError, match="schema.table.column"):
        diff_snapshots(Snapshot(), Snapshot(), using={"t.at": "x"})


@pytest.fixture
def sides(tmp_path: Path) -> tuple[str, str]:
    (tmp_path / "a.sql").write_text(EPOCH)
    (tmp_path / "b.sql").write_text(STAMP)
    return str(tmp_path / "a.sql"), str(tmp_path / "b.sql")


def test_cli_diff_without_using_exits_2_naming_the_column(empty_db: str, sides) -> None:
    result = run_cli("diff", "--from", sides[0], "--to", sides[1], env={"DATABASE_URL": empty_db})
    assert result.returncode == 2, result.stdout + result.stderr
    assert "public.t.at" in result.stderr and "--using" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_diff_with_using_prints_the_conversion(empty_db: str, sides) -> None:
    result = run_cli(
        "diff", "--from", sides[0], "--to", sides[1], "--using", "public.t.at=to_timestamp(at)",
        env={"DATABASE_URL": empty_db},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "USING to_timestamp(at);" in result.stdout
