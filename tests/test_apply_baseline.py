"""The shipped revisions build the shipped schema: migrations/versions and schema.sql agree."""

from __future__ import annotations

import shutil
from pathlib import Path

from apply_support import PROJECT_ROOT, VERSIONS_FIXTURES, make_home, settings_for

from schema_assets.apply import choose
from schema_assets.catalog import take_snapshot
from schema_assets.config import SCHEMA_FILES
from schema_assets.shadow import shadow_snapshot


def test_shipped_revisions_build_the_shipped_schema_on_an_empty_database(
    tmp_path: Path, empty_db: str
) -> None:
    home = make_home(tmp_path)
    shutil.rmtree(home / "migrations" / "versions")
    shutil.copytree(PROJECT_ROOT / "migrations" / "versions", home / "migrations" / "versions")

    result = choose.migrate(empty_db, settings_for(home, empty_db, backend="alembic"))

    assert result.revision is not None  # the shipped revisions ran...
    assert result.revision_file is None  # ...and nothing was left to generate
    assert take_snapshot(empty_db) == shadow_snapshot(SCHEMA_FILES, empty_db)


def test_newest_fixture_version_is_the_shipped_schema() -> None:
    for shipped in SCHEMA_FILES:
        assert (VERSIONS_FIXTURES / "v3" / shipped.name).read_bytes() == shipped.read_bytes()
