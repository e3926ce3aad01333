"""Planner glue: live database or files or URLs in, a plan out; the trading schema end to end."""

from __future__ import annotations

from pathlib import Path

import pytest
from roundtrip import apply_plan, snapshot_difference

from schema_assets.catalog import take_snapshot
from schema_assets.config import SCHEMA_FILES, Settings
from schema_assets.database import with_database
from schema_assets.errors import BadInputError
from schema_assets.planner import load_source, plan_between, plan_database
from schema_assets.shadow import shadow_snapshot

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def settings() -> Settings:
    return Settings(project_root=PROJECT_ROOT, tool={"managed_partition_pattern": "_p[0-9]{6}$"})


def test_trading_schema_planned_against_itself_is_empty(
    warehouse_db: str, settings: Settings
) -> None:
    plan = plan_database(warehouse_db, settings.schema_files, settings, fingerprints=True)
    assert plan.is_empty, plan.to_sql()
    assert plan.source_fingerprint == plan.target_fingerprint
    unstored = plan_database(
        warehouse_db, settings.schema_files, settings
    )  # printing needs no fingerprint
    assert unstored.is_empty and unstored.source_fingerprint == unstored.target_fingerprint == ""


def test_trading_schema_against_an_empty_database_creates_it_fully(
    empty_db: str, pg_server: str, settings: Settings
) -> None:
    plan = plan_database(empty_db, settings.schema_files, settings)
    assert not plan.destructive_steps
    assert {"schema", "table", "index", "view", "function", "trigger"} <= {
        s.kind for s in plan.steps
    }
    apply_plan(empty_db, plan)
    difference = snapshot_difference(
        take_snapshot(empty_db), shadow_snapshot(SCHEMA_FILES, pg_server)
    )
    assert not difference, difference
    assert plan_database(empty_db, settings.schema_files, settings).is_empty


def test_extra_managed_partition_in_the_live_database_is_kept(
    warehouse_db: str, settings: Settings
) -> None:
    from helpers import execute

    execute(
        warehouse_db,
        "SELECT util.create_monthly_partitions('raw.trades'::regclass, DATE '2027-03-01', 1)",
    )
    assert plan_database(warehouse_db, settings.schema_files, settings).is_empty


def test_hand_made_drift_is_planned_back(warehouse_db: str, settings: Settings) -> None:
    from helpers import execute

    execute(warehouse_db, "DROP INDEX ref.instruments_lower_symbol_idx")
    plan = plan_database(warehouse_db, settings.schema_files, settings)
    assert [(s.action, s.kind, s.object) for s in plan.steps] == [
        ("create", "index", "ref.instruments_lower_symbol_idx")
    ]


def test_load_source_reads_files_through_a_shadow(pg_server: str, tmp_path: Path) -> None:
    path = tmp_path / "a.sql"
    path.write_text("CREATE TABLE a (id int);")
    snap, label = load_source([str(path)], pg_server)
    assert ("public", "a") in snap.tables and label == str(path)


def test_load_source_masks_the_password_of_a_url(empty_db: str, pg_server: str) -> None:
    url = empty_db.replace("postgres:@", "postgres:s3cret@")
    _, label = load_source(url, pg_server)
    assert "s3cret" not in label and "***" in label


def test_load_source_refuses_url_mixed_with_files(pg_server: str, empty_db: str) -> None:
    with pytest.raises(BadInputError, match="not both"):
        load_source([empty_db, "a.sql"], pg_server)


def test_load_source_refuses_a_missing_file(pg_server: str) -> None:
    with pytest.raises(BadInputError, match="no such file"):
        load_source(["/nonexistent/schema.sql"], pg_server)


def test_plan_between_files_and_a_database(pg_server: str, empty_db: str, tmp_path: Path) -> None:
    path = tmp_path / "b.sql"
    path.write_text("CREATE TABLE b (id int);")
    plan = plan_between(empty_db, [str(path)], server_url=with_database(pg_server, "postgres"))
    assert [s.up for s in plan.steps] == [("CREATE TABLE public.b (\n    id integer\n)",)]
