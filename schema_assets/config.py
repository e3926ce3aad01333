"""Settings from environment variables and `[tool.schema-assets]`, read in one place."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

PACKAGE_DIR = Path(__file__).resolve().parent
SQL_DIR = PACKAGE_DIR / "sql"
MAPPINGS_DIR = PACKAGE_DIR / "mappings"

#: Desired-state files in the order they must be applied.
SCHEMA_FILES: tuple[Path, ...] = (
    SQL_DIR / "setup_schema_functions.sql",
    SQL_DIR / "schema.sql",
)

BACKENDS = ("auto", "alembic", "direct")


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def find_project_root(start: Path | None = None) -> Path:
    """The checkout holding pyproject.toml + alembic.ini; falls back to the package's parent."""
    env = os.environ.get("SCHEMA_ASSETS_HOME")
    if env:
        return Path(env).resolve()
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "pyproject.toml").is_file() and (candidate / "schema_assets").is_dir():
            return candidate
    return PACKAGE_DIR.parent


def _schema_files(value: str | None) -> tuple[Path, ...]:
    """`SCHEMA_ASSETS_SCHEMA_FILES`: other desired-state files (os.pathsep-separated, in order)."""
    if not value or not value.strip():
        return SCHEMA_FILES
    return tuple(Path(p).resolve() for p in value.split(os.pathsep) if p.strip())


@lru_cache(maxsize=8)
def _pyproject_tool_config(root: Path) -> dict[str, Any]:
    path = root / "pyproject.toml"
    if not path.is_file():
        return {}
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    return dict(data.get("tool", {}).get("schema-assets", {}))


@dataclass(frozen=True)
class Settings:
    """Everything configurable; build with `Settings.from_env()`."""

    project_root: Path
    database_url: str | None = None
    backend: str = "auto"
    disable_alembic: bool = False
    allow_destructive: bool = False
    lock_timeout: str = "5s"
    dagster_home: Path | None = None
    alert_webhook: str | None = None
    shadow_url: str | None = None  # server for shadow databases (default: the warehouse's)
    dagster_url: str | None = None  # Dagster UI base URL, for run links in alerts
    schema_files: tuple[Path, ...] = SCHEMA_FILES
    tool: dict[str, Any] = field(default_factory=dict)

    @property
    def embedded_pgdata(self) -> Path:
        return self.project_root / ".schema_assets" / "pg"

    @property
    def migrations_dir(self) -> Path:
        return self.project_root / "migrations"

    @property
    def alembic_ini(self) -> Path:
        return self.project_root / "alembic.ini"

    @property
    def renames(self) -> dict[str, str]:
        return {str(k): str(v) for k, v in (self.tool.get("renames") or {}).items()}

    @property
    def managed_partition_pattern(self) -> str | None:
        return self.tool.get("managed_partition_pattern")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        root = find_project_root()
        backend = (env.get("SCHEMA_ASSETS_BACKEND") or "auto").strip().lower()
        if backend not in BACKENDS:
            from schema_assets.errors import BadInputError

            raise BadInputError(
                f"SCHEMA_ASSETS_BACKEND={backend!r} is not one of {', '.join(BACKENDS)}"
            )
        home = env.get("DAGSTER_HOME")
        return cls(
            project_root=root,
            database_url=env.get("DATABASE_URL") or None,
            backend=backend,
            disable_alembic=_truthy(env.get("SCHEMA_ASSETS_DISABLE_ALEMBIC")),
            allow_destructive=_truthy(env.get("SCHEMA_ASSETS_ALLOW_DESTRUCTIVE")),
            lock_timeout=env.get("SCHEMA_ASSETS_LOCK_TIMEOUT") or "5s",
            dagster_home=Path(home) if home else None,
            alert_webhook=env.get("SCHEMA_ASSETS_ALERT_WEBHOOK") or None,
            shadow_url=env.get("SCHEMA_ASSETS_SHADOW_URL") or None,
            dagster_url=env.get("SCHEMA_ASSETS_DAGSTER_URL") or None,
            schema_files=_schema_files(env.get("SCHEMA_ASSETS_SCHEMA_FILES")),
            tool=_pyproject_tool_config(root),
        )
