"""Flyway-style validation: applied revision files must still say what was applied.

Each applied migration's checksum (sha256 of its upgrade SQL) is in `schema_version`; a file
edited afterwards no longer matches, and `apply` refuses until it is restored or the edit is
accepted with `schema-assets revision --repair`.
"""

from __future__ import annotations

from pathlib import Path

import psycopg

from schema_assets.apply import history
from schema_assets.apply.lock import migration_lock
from schema_assets.apply.revision import RevisionEditedError, revision_files
from schema_assets.config import Settings
from schema_assets.database import connect, server_url


def verify_integrity(conn: psycopg.Connection, versions: Path) -> list[str]:
    """Problems with applied revision files: edited after being applied (checksum mismatch)."""
    files = revision_files(versions)
    problems = []
    for row in history.applied(conn):
        rf = files.get(row.version)
        if rf is not None and rf.checksum != row.checksum:
            problems.append(
                f"{rf.path}: edited after it was applied (recorded checksum {row.checksum[:12]}, "
                f"file now {rf.checksum[:12]})"
            )
    return problems


def check_integrity(conn: psycopg.Connection, versions: Path) -> None:
    problems = verify_integrity(conn, versions)
    if problems:
        raise RevisionEditedError(
            "applied revision files were changed:\n  "
            + "\n  ".join(problems)
            + "\nRestore them (e.g. `git checkout -- <file>`), or accept the edits with "
            "`schema-assets revision --repair` if the database already matches them."
        )


def repair_checksums(url: str | None = None, settings: Settings | None = None) -> list[str]:
    """Accept edited applied revision files: record their current checksums. Returns versions."""
    settings = settings or Settings.from_env()
    url = url or server_url(settings)
    versions = settings.migrations_dir / "versions"
    files = revision_files(versions)
    repaired = []
    with connect(url, autocommit=True) as conn, migration_lock(conn):
        for row in history.applied(conn):
            rf = files.get(row.version)
            if rf is not None and rf.checksum != row.checksum:
                history.set_checksum(conn, row.version, rf.checksum)
                repaired.append(row.version)
    return repaired
