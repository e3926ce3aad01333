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
#: Workflows, named like Atlas's: `declarative` plans a schema-file change and applies it,
#: writing the revision file for the developer to commit; `versioned` applies committed
#: revisions only and never writes into the code tree.
MODES = ("declarative", "versioned")


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


def _choice(name: str, value: object, allowed: tuple[str, ...], default: str) -> str:
    chosen = str(value or default).strip().lower()
    if chosen not in allowed:
        from schema_assets.errors import BadInputError

        raise BadInputError(f"{name}={chosen!r} is not one of {', '.join(allowed)}")
    return chosen


def _seconds(name: str, value: str | None, default: float) -> float:
    if not value:
        return default
    try:
        return float(value)
    except ValueError:
        from schema_assets.errors import BadInputError

        raise BadInputError(f"{name}={value!r} is not a number of seconds") from None


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
    #: Seconds a run waits for another run's migration lock (SCHEMA_ASSETS_LOCK_WAIT).
    lock_wait: float = 30.0
    #: `declarative` or `versioned` (SCHEMA_ASSETS_MODE, else `mode` in [tool.schema-assets]).
    mode: str = "declarative"
    dagster_home: Path | None = None
    alert_webhook: str | None = None
    #: Server for shadow databases (SCHEMA_ASSETS_SHADOW_URL); None: the warehouse's server.
    shadow_url: str | None = None
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

    def shadow_server(self, warehouse_url: str) -> str:
        """Where desired-state shadows are built: SCHEMA_ASSETS_SHADOW_URL, else the warehouse's
        own server (same PostgreSQL version and extensions; see docs/SAFETY.md)."""
        return self.shadow_url or warehouse_url

    @property
    def renames(self) -> dict[str, str]:
        return {str(k): str(v) for k, v in (self.tool.get("renames") or {}).items()}

    @property
    def using(self) -> dict[str, str]:
        """`[tool.schema-assets.using]`: "schema.table.column" = USING expression for type
        changes PostgreSQL has no cast for."""
        return {str(k): str(v) for k, v in (self.tool.get("using") or {}).items()}

    @property
    def managed_partition_pattern(self) -> str | None:
        return self.tool.get("managed_partition_pattern")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        root = find_project_root()
        backend = _choice(
            "SCHEMA_ASSETS_BACKEND", env.get("SCHEMA_ASSETS_BACKEND"), BACKENDS, "auto"
        )
        home = env.get("DAGSTER_HOME")
        tool = _pyproject_tool_config(root)
        return cls(
            project_root=root,
            database_url=env.get("DATABASE_URL") or None,
            backend=backend,
            disable_alembic=_truthy(env.get("SCHEMA_ASSETS_DISABLE_ALEMBIC")),
            allow_destructive=_truthy(env.get("SCHEMA_ASSETS_ALLOW_DESTRUCTIVE")),
            lock_timeout=env.get("SCHEMA_ASSETS_LOCK_TIMEOUT") or "5s",
            lock_wait=_seconds("SCHEMA_ASSETS_LOCK_WAIT", env.get("SCHEMA_ASSETS_LOCK_WAIT"), 30.0),
            mode=_choice(
                "SCHEMA_ASSETS_MODE",
                env.get("SCHEMA_ASSETS_MODE") or tool.get("mode"),
                MODES,
                "declarative",
            ),
            dagster_home=Path(home) if home else None,
            alert_webhook=env.get("SCHEMA_ASSETS_ALERT_WEBHOOK") or None,
            shadow_url=env.get("SCHEMA_ASSETS_SHADOW_URL") or None,
            dagster_url=env.get("SCHEMA_ASSETS_DAGSTER_URL") or None,
            schema_files=_schema_files(env.get("SCHEMA_ASSETS_SCHEMA_FILES")),
            tool=tool,
        )
