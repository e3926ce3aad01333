"""The Alembic backend as an Alembic user meets it: plain `alembic` commands on the project."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from apply_support import (
    alembic,
    create_table_plan,
    env_for,
    make_home,
    psql_binary,
    revision_paths,
    schema_settings,
    settings_for,
    version_files,
)
from click.testing import CliRunner
from helpers import execute, query, scalar

from schema_assets.apply import choose
from schema_assets.apply.integrity import repair_checksums
from schema_assets.apply.migration import build_migration
from schema_assets.apply.revision import RevisionEditedError, read_revision_file, write_revision
from schema_assets.cli import main
from schema_assets.database import libpq_conninfo

BASE = "CREATE TABLE public.t1 (id bigint PRIMARY KEY, note text);\n"
SECOND = (
    BASE
    + "ALTER TABLE public.t1 ADD COLUMN qty integer;\nCREATE INDEX t1_note_idx ON public.t1 (note);\n"
)
THIRD = SECOND + "ALTER TABLE public.t1 ADD COLUMN extra text;\n"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return make_home(tmp_path)


def _cli(env: dict[str, str], *args: str):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=True)


def test_an_alembic_users_first_commands_work(home: Path, empty_db: str, tmp_path: Path) -> None:
    schema = tmp_path / "schema.sql"
    env = env_for(home, empty_db, schema)
    schema.write_text(BASE)
    first = alembic(home, env, "revision", "--autogenerate", "-m", "base")
    assert first.returncode == 0, first.stderr
    assert alembic(home, env, "upgrade", "head").returncode == 0

    twin = make_home(tmp_path / "twin")  # the same history on another machine
    shutil.copytree(home / "migrations" / "versions", twin / "migrations" / "versions",
                    dirs_exist_ok=True)  # fmt: skip
    schema.write_text(SECOND)
    generated = alembic(home, env, "revision", "--autogenerate", "-m", "second")
    assert generated.returncode == 0, generated.stderr
    assert _cli(env_for(twin, empty_db, schema), "revision", "-m", "second").exit_code == 0
    assert revision_paths(home) == revision_paths(twin)
    [second] = [p for p in revision_paths(home) if p.startswith("0002_") and p.endswith(".py")]
    versions = Path("migrations") / "versions" / second
    assert (home / versions).read_bytes() == (twin / versions).read_bytes()

    upgrade = alembic(home, env, "upgrade", "head")
    assert upgrade.returncode == 0, upgrade.stderr
    assert scalar(empty_db, "SELECT to_regclass('public.t1_note_idx') IS NOT NULL")
    assert f"{second[:-3]} (head)" in alembic(home, env, "current").stdout
    check = alembic(home, env, "check")
    assert check.returncode == 0 and "No new upgrade operations detected" in check.stdout
    schema.write_text(THIRD)
    pending = alembic(home, env, "check")
    assert pending.returncode != 0 and "create column public.t1.extra" in pending.stderr
    schema.write_text(SECOND)

    down = alembic(home, env, "downgrade", "-1")
    assert down.returncode == 0, down.stderr
    assert scalar(empty_db, "SELECT to_regclass('public.t1_note_idx') IS NULL")
    assert query(empty_db, "SELECT version, rolled_back_at IS NOT NULL FROM "
                 "schema_assets.schema_version ORDER BY id")[-1] == (second[:-3], True)  # fmt: skip
    offline = alembic(home, env, "upgrade", "head", "--sql")
    assert offline.returncode == 0, offline.stderr
    assert "CREATE INDEX CONCURRENTLY t1_note_idx" in offline.stdout


def test_offline_script_from_empty_applies_with_psql_and_converges(
    home: Path, empty_db: str
) -> None:
    for version in ("v1", "v2"):
        files = version_files(version)
        env = env_for(
            home, empty_db, files[0], SCHEMA_ASSETS_SCHEMA_FILES=":".join(map(str, files))
        )
        assert _cli(env, "revision", "-m", f"to {version}").exit_code == 0
    script = alembic(home, env, "upgrade", "head", "--sql")
    assert script.returncode == 0, script.stderr
    assert query(empty_db, "SELECT to_regnamespace('schema_assets')") == [(None,)]  # untouched

    run = subprocess.run(
        [str(psql_binary()), "-v", "ON_ERROR_STOP=1", "-q", "-d", libpq_conninfo(empty_db)],
        input=script.stdout, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr

    plan = _cli(env, "plan")
    assert plan.exit_code == 0 and "no changes" in plan.output, plan.output
    revisions = sorted(p[:-3] for p in revision_paths(home) if p.endswith(".py"))
    assert [r for (r,) in query(empty_db, "SELECT version FROM schema_assets.schema_version "
                                "WHERE success ORDER BY id")] == revisions  # fmt: skip
    assert alembic(home, env, "current").stdout.strip().endswith("(head)")


def test_sql_with_percent_signs_and_colons_runs_verbatim(
    home: Path, empty_db: str, tmp_path: Path
) -> None:
    schema = tmp_path / "schema.sql"
    schema.write_text("CREATE VIEW public.v AS SELECT format('%s:%s', ':name', 100) || '%' AS x;")
    choose.migrate(empty_db, schema_settings(home, empty_db, schema, "alembic"))
    assert scalar(empty_db, "SELECT x FROM public.v") == ":name:100%"


def _two_revisions(home: Path, url: str, tmp_path: Path, backend: str = "alembic"):
    schema = tmp_path / "schema.sql"
    schema.write_text(BASE)
    choose.migrate(url, schema_settings(home, url, schema, backend), message="base")
    schema.write_text(SECOND)
    result = choose.migrate(url, schema_settings(home, url, schema, backend), message="second")
    return schema, result


def test_edited_applied_revision_is_refused_until_repaired(
    home: Path, empty_db: str, tmp_path: Path
) -> None:
    schema, result = _two_revisions(home, empty_db, tmp_path)
    path = result.revision_file
    text = path.read_text()
    path.write_text(
        text.replace("def downgrade", "    op.execute('ANALYZE public.t1')\n\n\ndef downgrade")
    )
    settings = schema_settings(home, empty_db, schema, "alembic")
    with pytest.raises(RevisionEditedError) as info:
        choose.migrate(empty_db, settings)
    assert str(path) in str(info.value) and info.value.exit_code == 2
    assert repair_checksums(empty_db, settings) == [result.revision]
    assert choose.migrate(empty_db, settings).skipped


def test_pending_destructive_revision_is_refused_without_permission(
    home: Path, empty_db: str, tmp_path: Path
) -> None:
    schema, _ = _two_revisions(home, empty_db, tmp_path)
    schema.write_text(BASE)  # drops the column qty (and its data)
    env = env_for(home, empty_db, schema)
    assert _cli(env, "revision", "-m", "drop qty").exit_code == 0
    refused = _cli(env, "apply")
    assert refused.exit_code == 3 and "drop column public.t1.qty" in refused.stderr
    assert scalar(empty_db, "SELECT count(*) FROM information_schema.columns "
                  "WHERE table_name = 't1' AND column_name = 'qty'") == 1  # fmt: skip
    assert _cli(env, "apply", "--allow-destructive").exit_code == 0


def test_interrupted_revision_resumes_after_the_steps_that_committed(
    home: Path, empty_db: str
) -> None:
    from schema_assets.apply import alembic as alembic_backend
    from schema_assets.apply import history
    from schema_assets.database import connect

    migration = build_migration(create_table_plan(), "0001_r_0000abcd", "r")
    write_revision(home / "migrations" / "versions", migration, None)
    with connect(empty_db, autocommit=True) as conn:  # what a run killed after step 1 leaves
        history.ensure(conn)
        conn.execute(migration.up[0].statements[0])
        history.record_step(conn, migration.revision, 1, "t1", "create", 1)

    alembic_backend.upgrade(alembic_backend.make_config(settings_for(home, empty_db), empty_db))

    [steps] = query(empty_db, "SELECT steps FROM schema_assets.schema_version WHERE success")[0]
    assert [s.get("resumed", False) for s in steps] == [True, False]
    assert scalar(empty_db, "SELECT to_regclass('public.t1_note_idx') IS NOT NULL")
    assert scalar(empty_db, "SELECT count(*) FROM schema_assets.schema_version_steps") == 0


DATA_UP = "    op.execute('UPDATE public.t1 SET qty = length(note)')\n"
DATA_DOWN = "    op.execute('UPDATE public.t1 SET qty = NULL')\n"


@pytest.mark.parametrize("backend", ["alembic", "direct"])
def test_hand_edited_revision_with_a_data_migration_is_applied_recorded_and_rolled_back(
    backend: str, home: Path, empty_db: str, tmp_path: Path
) -> None:
    schema = tmp_path / "schema.sql"
    schema.write_text(BASE)
    settings = schema_settings(home, empty_db, schema, backend)
    choose.migrate(empty_db, settings, message="base")
    execute(empty_db, "INSERT INTO public.t1 VALUES (1, 'abc'), (2, 'hello')")
    schema.write_text(SECOND)
    env = env_for(home, empty_db, schema, SCHEMA_ASSETS_BACKEND=backend)
    assert _cli(env, "revision", "-m", "qty from note").exit_code == 0
    [path] = (home / "migrations" / "versions").glob("0002_*.py")
    up, down = path.read_text().split("def downgrade() -> None:\n")
    path.write_text(
        up.rstrip() + "\n" + DATA_UP + "\n\ndef downgrade() -> None:\n" + DATA_DOWN + down
    )

    applied = choose.migrate(empty_db, settings)

    assert applied.applied == (path.stem,)
    assert query(empty_db, "SELECT id, qty FROM public.t1 ORDER BY id") == [(1, 3), (2, 5)]
    [(steps, checksum)] = query(empty_db, "SELECT steps, checksum FROM schema_assets.schema_version "
                                "WHERE version = %s", (path.stem,))  # fmt: skip
    assert checksum == read_revision_file(path).checksum
    hand = [s for s in steps if "UPDATE public.t1 SET qty = length(note)" in s["object"]]
    assert len(hand) == 1 and isinstance(hand[0]["duration_ms"], int)

    rolled = _cli(env, "rollback")
    assert rolled.exit_code == 0, rolled.output
    assert query(empty_db, "SELECT count(*) FROM information_schema.columns "
                 "WHERE table_name = 't1' AND column_name = 'qty'") == [(0,)]  # fmt: skip
