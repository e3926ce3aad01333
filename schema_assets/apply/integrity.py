"""Flyway-style validation: applied revision files must still say what was applied.

Each applied revision's checksum (of the code of its upgrade() and downgrade(), and the SQL
files it runs) is in `schema_version`; a file edited afterwards no longer matches, and
`apply` refuses until it is restored or the edit is accepted with `revision --repair`.
"""

from __future__ import annotations

import psycopg

from schema_assets.apply import history
from schema_assets.apply.chain import History
from schema_assets.apply.lock import migration_lock
from schema_assets.apply.revision import RevisionEditedError
from schema_assets.config import Settings


def verify_integrity(conn: psycopg.Connection, chain: History) -> list[str]:
    """Problems with applied revision files: edited after being applied (checksum mismatch)."""
    problems = []
    for row in history.applied(conn):
        rf = chain.files.get(row.version)
        if rf is not None and rf.checksum != row.checksum:
            problems.append(
                f"{rf.path}: edited after it was applied (recorded checksum {row.checksum[:12]}, "
                f"file now {rf.checksum[:12]})"
            )
    return problems


def check_integrity(conn: psycopg.Connection, chain: History) -> None:
    problems = verify_integrity(conn, chain)
    if problems:
        raise RevisionEditedError(
            "applied revision files were changed:\n  "
            + "\n  ".join(problems)
            + "\nRestore them (e.g. `git checkout -- <file>`), or accept the edits with "
            "`schema-assets revision --repair` if the database already matches them."
        )


def repair_checksums(url: str, settings: Settings) -> list[str]:
    """Accept edited applied revision files: record their current checksums. Returns versions."""
    from schema_assets.database import connect

    chain = History.read(settings.migrations_dir / "versions")
    repaired = []
    with connect(url, autocommit=True) as conn, migration_lock(conn, settings.lock_wait):
        for row in history.applied(conn):
            rf = chain.files.get(row.version)
            if rf is not None and rf.checksum != row.checksum:
                history.set_checksum(conn, row.version, rf.checksum)
                repaired.append(row.version)
    return repaired
