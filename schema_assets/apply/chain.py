"""The history in `migrations/versions`: revisions as a graph, and the desired state at each.

Alembic orders revisions by `down_revision`; so does this module, without importing them.
One head is required (several: merge them with `alembic merge heads`). The desired state at
a revision is what it recorded (its frozen schema files); a revision that recorded none (a
merge, or one written by hand with plain `alembic revision`) is replayed: its steps, and those
of every branch it merges, run on a scratch copy of the nearest recorded state.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from schema_assets.apply.desired import DesiredState, frozen, snapshot
from schema_assets.apply.revision import RevisionFile, revision_files
from schema_assets.catalog import Snapshot, take_snapshot
from schema_assets.errors import BadInputError
from schema_assets.render.text import visible

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class History:
    versions_dir: Path
    files: dict[str, RevisionFile]

    @classmethod
    def read(cls, versions_dir: Path) -> History:
        history = cls(versions_dir, revision_files(versions_dir))
        for rf in history.files.values():
            missing = [p for p in rf.down_revisions if p not in history.files]
            if missing:
                raise BadInputError(
                    f"{rf.path}: revises {', '.join(missing)}, which is not in {versions_dir}"
                )
        return history

    def heads(self) -> list[str]:
        parents = {p for rf in self.files.values() for p in rf.down_revisions}
        return sorted(r for r in self.files if r not in parents)

    @property
    def head(self) -> str | None:
        """The single head (None without revisions); several heads are refused."""
        heads = self.heads()
        if len(heads) > 1:
            raise BadInputError(
                f"{self.versions_dir} has several heads ({', '.join(heads)}): two branches of "
                "history were committed. Merge them with `alembic merge heads -m MESSAGE` (its "
                "desired state is computed by replaying both branches), then apply again."
            )
        return heads[0] if heads else None

    def ancestors(self, revision: str | None) -> set[str]:
        """`revision` and everything it revises, transitively."""
        out: set[str] = set()
        todo = [revision] if revision else []
        while todo:
            node = todo.pop()
            if node in out:
                continue
            out.add(node)
            todo.extend(self.files[node].down_revisions)
        return out

    def ordered(self, revisions: Iterable[str]) -> list[RevisionFile]:
        """`revisions` parents first (ties by id, so every machine agrees)."""
        wanted = set(revisions)
        done: set[str] = set()
        out: list[RevisionFile] = []
        while len(done) < len(wanted):
            ready = sorted(
                r for r in wanted - done
                if all(p in done or p not in wanted for p in self.files[r].down_revisions)
            )  # fmt: skip
            if not ready:
                raise BadInputError(f"{self.versions_dir}: revisions revise each other in a cycle")
            done.add(ready[0])
            out.append(self.files[ready[0]])
        return out

    def pending(self, applied: set[str]) -> list[RevisionFile]:
        """Revisions up to head that are not applied, in the order to apply them."""
        return self.ordered(self.ancestors(self.head) - applied)

    def depth(self, revision: str | None) -> int:
        return len(self.ancestors(revision))

    def recorded(self, revision: str) -> DesiredState | None:
        rf = self.files[revision]
        if rf.desired is None:
            return None
        state = frozen(self.versions_dir, rf.desired)
        if rf.desired_sha256 and state.sha256 != rf.desired_sha256:
            raise BadInputError(
                f"{rf.path}: the frozen desired state in {self.versions_dir / rf.revision} was "
                "edited (its sha256 no longer matches the revision); restore it from git"
            )
        return state


_REPLAYED: dict[tuple[str, str, tuple[str, ...]], Snapshot] = {}


def desired_snapshot(history: History, revision: str | None, server_url: str) -> Snapshot:
    """The catalog the history leads to at `revision` (None: an empty database)."""
    if revision is None:
        return snapshot(None, server_url)
    state = history.recorded(revision)
    if state is not None:
        return snapshot(state, server_url)
    return _replay(history, revision, server_url)


def _replay(history: History, revision: str, server_url: str) -> Snapshot:
    """Run the revisions after the nearest recorded state on a scratch copy of it."""
    from schema_assets.apply.steps import run_step
    from schema_assets.database import connect, scratch_database
    from schema_assets.shadow import ensure_shadow

    wanted = history.ancestors(revision)
    recorded = [r for r in wanted if history.files[r].desired is not None]
    base = max(recorded, key=lambda r: (len(history.ancestors(r)), r), default=None)
    replay = history.ordered(wanted - history.ancestors(base))
    key = (server_url, revision, tuple(rf.checksum for rf in replay))
    if key in _REPLAYED:
        return _REPLAYED[key]
    state = history.recorded(base) if base else None
    template = ensure_shadow(list(state.files), server_url)[1] if state else None
    log.info("replaying %s on a copy of the state at %s", ", ".join(r.revision for r in replay),
             base or "an empty database")  # fmt: skip
    with scratch_database(server_url, "sa_replay", template=template) as url:
        with connect(url, autocommit=True) as conn:
            for rf in replay:
                if rf.opaque:
                    raise BadInputError(
                        f"{rf.path}: records no desired state and has code only Alembic can run "
                        f"({visible(rf.opaque[0])}), so the state it leads to cannot be computed"
                    )
                for position, step in enumerate(rf.up, 1):
                    with conn.transaction() if step.transactional else _nothing():
                        run_step(conn, step, position, key=None)
            _REPLAYED[key] = take_snapshot(conn)
    return _REPLAYED[key]


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None
