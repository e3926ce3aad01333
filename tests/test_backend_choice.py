"""Backend choice: forced by configuration, automatic fallback with a loud warning, strict mode."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from apply_support import make_home, schema_settings, settings_for
from helpers import query, run_cli

from schema_assets.apply import choose
from schema_assets.apply.alembic import AlembicUnavailable
from schema_assets.config import Settings


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return make_home(tmp_path)


def test_emergency_switch_forces_the_direct_backend(home: Path) -> None:
    choice = choose.select_backend(settings_for(home, "postgresql:///x", disable_alembic=True))
    assert (choice.name, choice.forced) == ("direct", True)
    assert "SCHEMA_ASSETS_DISABLE_ALEMBIC=1" in choice.reason


def test_backend_direct_forces_the_direct_backend(home: Path) -> None:
    choice = choose.select_backend(settings_for(home, "postgresql:///x", backend="direct"))
    assert (choice.name, choice.forced, choice.reason) == (
        "direct", True, "SCHEMA_ASSETS_BACKEND=direct",
    )  # fmt: skip


def test_environment_variables_reach_the_choice(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCHEMA_ASSETS_HOME", str(home))
    monkeypatch.setenv("SCHEMA_ASSETS_DISABLE_ALEMBIC", "1")
    assert choose.select_backend(Settings.from_env()).name == "direct"
    monkeypatch.setenv("SCHEMA_ASSETS_DISABLE_ALEMBIC", "0")
    monkeypatch.setenv("SCHEMA_ASSETS_BACKEND", "direct")
    assert choose.select_backend(Settings.from_env()).name == "direct"


def test_auto_uses_alembic_when_it_loads(home: Path) -> None:
    choice = choose.select_backend(settings_for(home, "postgresql:///x"))
    assert (choice.name, choice.forced) == ("alembic", False)


def test_auto_falls_back_loudly_when_alembic_ini_is_missing(
    home: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (home / "alembic.ini").unlink()
    with caplog.at_level(logging.WARNING, logger="schema_assets"):
        choice = choose.select_backend(settings_for(home, "postgresql:///x"))
    assert (choice.name, choice.forced) == ("direct", False)
    assert "alembic.ini is missing" in choice.reason
    assert "FALLING BACK TO THE DIRECT APPLIER" in caplog.text


def _break_env(home: Path) -> None:
    (home / "migrations" / "env.py").write_text("import this_module_does_not_exist\n")


def _schema(home: Path) -> Path:
    path = home / "schema.sql"
    path.write_text("CREATE TABLE public.t1 (id bigint PRIMARY KEY);\n")
    return path


def test_auto_falls_back_when_env_py_is_broken_and_still_applies(home: Path, empty_db: str) -> None:
    _break_env(home)
    result = choose.migrate(empty_db, schema_settings(home, empty_db, _schema(home)))
    assert result.backend == "direct"
    assert "environment failed to load" in result.reason
    assert "this_module_does_not_exist" in result.reason
    assert query(empty_db, "SELECT backend FROM schema_assets.schema_version") == [("direct",)]


def test_strict_alembic_mode_fails_clearly_instead_of_falling_back(
    home: Path, empty_db: str
) -> None:
    _break_env(home)
    with pytest.raises(AlembicUnavailable, match="SCHEMA_ASSETS_BACKEND=alembic but") as info:
        choose.migrate(empty_db, schema_settings(home, empty_db, _schema(home), "alembic"))
    assert info.value.exit_code == 2
    assert query(empty_db, "SELECT to_regclass('schema_assets.schema_version')") == [(None,)]


def _unimportable_alembic(tmp_path: Path) -> Path:
    """A directory that, first on PYTHONPATH, makes `import alembic` fail."""
    shadow = tmp_path / "shadow"
    (shadow / "alembic").mkdir(parents=True)
    (shadow / "alembic" / "__init__.py").write_text(
        "raise ImportError('alembic is blocked for this test')\n"
    )
    return shadow


def test_cli_falls_back_when_alembic_cannot_be_imported(
    home: Path, tmp_path: Path, empty_db: str
) -> None:
    env = {
        "DATABASE_URL": empty_db,
        "SCHEMA_ASSETS_HOME": str(home),
        "PYTHONPATH": str(_unimportable_alembic(tmp_path)),
    }
    result = run_cli("apply", "--format", "json", env=env)
    assert result.returncode == 0, result.stderr
    assert "FALLING BACK TO THE DIRECT APPLIER" in result.stderr
    assert "alembic cannot be imported" in result.stderr
    payload = json.loads(result.stdout)
    assert payload["backend"] == "direct" and payload["revision"]
    status = run_cli("status", "--format", "json", env=env)
    assert json.loads(status.stdout)["backend"]["name"] == "direct"


def test_cli_strict_mode_with_unimportable_alembic_exits_2_without_traceback(
    home: Path, tmp_path: Path, empty_db: str
) -> None:
    env = {
        "DATABASE_URL": empty_db,
        "SCHEMA_ASSETS_HOME": str(home),
        "SCHEMA_ASSETS_BACKEND": "alembic",
        "PYTHONPATH": str(_unimportable_alembic(tmp_path)),
    }
    result = run_cli("apply", env=env)
    assert result.returncode == 2
    assert "SCHEMA_ASSETS_BACKEND=alembic but Alembic cannot be used" in result.stderr
    assert "Traceback" not in result.stderr
