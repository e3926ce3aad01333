"""Cross-backend continuity: Alembic takes over what the direct backend applied.

Planning is state-based, so the direct backend can always continue after Alembic. The other
way needs revision files: each applied migration without one gets it, written from the SQL
recorded in `schema_version`, and Alembic is stamped there (nothing runs twice).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import psycopg

from schema_assets.apply import history
from schema_assets.apply.revision import Migration, revision_files, write_revision

log = logging.getLogger(__name__)


def sync_revision_files(conn: psycopg.Connection, cfg: Any, versions: Path) -> list[Path]:
    """Give Alembic every migration the direct backend applied: write files, then stamp.

    Applied `schema_version` rows without a revision file get one, written from the recorded
    statements (nothing is re-executed); Alembic's version table then points at the last
    applied migration. Returns the files written.
    """
    from schema_assets.apply import alembic as alembic_backend

    applied = history.applied(conn)
    files = revision_files(versions)
    written: list[Path] = []
    previous = None
    for row in applied:
        if row.version not in files and row.migration is not None:
            migration = Migration.from_dict(row.migration)
            path = write_revision(versions, migration, previous)
            written.append(path)
            log.info("wrote %s for migration applied by the %s backend", path.name, row.backend)
        previous = row.version
    _set_aside_stale(versions, [r.version for r in applied])
    current = alembic_backend.current_revision(conn)
    target = applied[-1].version if applied else None
    if target and current != target:
        alembic_backend.stamp(cfg, target)
        log.info("stamped Alembic at %s (was %s)", target, current or "empty")
    return written


def _set_aside_stale(versions: Path, applied: list[str]) -> list[Path]:
    """Rename unapplied revision files that branch off the applied chain to `*.py.stale`.

    They were rolled back (or written but never applied) before another backend moved the
    database on; keeping them would give Alembic two heads. Their changes are not lost: the
    next plan is computed from the live state, and the file stays beside the others.
    """
    files = revision_files(versions)
    position = {v: i for i, v in enumerate(applied)}
    stale: set[str] = set()
    changed = True
    while changed:
        changed = False
        for rf in files.values():
            if rf.revision in position or rf.revision in stale:
                continue
            parent = rf.down_revision
            branches_off = (parent is None and applied) or (
                parent in position and position[parent] < len(applied) - 1
            )
            if branches_off or parent in stale:
                stale.add(rf.revision)
                changed = True
    moved = []
    for revision in sorted(stale):
        path = files[revision].path
        target = path.with_name(path.name + ".stale")
        path.rename(target)
        log.warning("set aside %s: it is not applied and branches off the applied chain", path.name)
        moved.append(target)
    return moved
