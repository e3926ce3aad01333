"""New revisions from history: the plan from head's recorded desired state to the schema files.

Both sides are shadows of schema files (or a replay, see `chain`), never a live database, so
the same files and history give byte-identical revisions on every machine: the id is derived
from the parent, the message and the files' sha256, and the text has no dates or paths.
`schema-assets revision`, `alembic revision --autogenerate` (through env.py's
`process_revision_directives`) and a declarative `apply` all call `compute` and `write`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from schema_assets.apply.chain import History, desired_snapshot
from schema_assets.apply.desired import DesiredState, freeze
from schema_assets.apply.migration import ExecStep, Migration, build_migration
from schema_assets.apply.revision import MAX_ID_LENGTH, write_revision
from schema_assets.config import Settings
from schema_assets.plan import Plan

#: A baseline builds the whole schema: undoing it would drop everything.
BASELINE_IRREVERSIBLE = "it is a baseline: undoing it would drop the whole warehouse"


@dataclass(frozen=True)
class NewRevision:
    revision: str
    down_revision: str | None
    plan: Plan  # what it changes (a baseline: everything, from an empty database)
    migration: Migration
    desired: DesiredState

    @property
    def baseline(self) -> bool:
        return self.down_revision is None

    def _relative(self) -> tuple[str, ...]:
        return tuple(f"{self.revision}/{p.name}" for p in self.desired.files)

    def write(self, versions_dir: Path) -> Path:
        """Freeze the schema files beside the revision, then write it."""
        freeze(self.desired, versions_dir, self.revision)
        return write_revision(
            versions_dir, self.migration, self.down_revision, desired=self._relative(),
            desired_sha256=self.desired.sha256, summary=self.plan.summary(),
            irreversible_baseline=BASELINE_IRREVERSIBLE if self.baseline else None,
        )  # fmt: skip


def slugify(message: str, limit: int) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", message.lower()).strip("_")
    return (slug or "auto")[:limit].rstrip("_") or "auto"


def revision_id(message: str, parents: Sequence[str], desired_sha256: str, depth: int) -> str:
    """`NNNN_<slug>_<hash8>`: position in history, message, and a digest of what it is."""
    digest = hashlib.sha256(
        "\0".join(["+".join(parents), message, desired_sha256]).encode()
    ).hexdigest()[:8]
    head = f"{depth:04d}_"
    slug = slugify(message, MAX_ID_LENGTH - len(head) - 9)
    return f"{head}{slug}_{digest}"


def _baseline_steps(desired: DesiredState, revision: str) -> tuple[ExecStep, ...]:
    from schema_assets.sqlfiles import load_statements

    out = []
    for position, path in enumerate(desired.files, 1):
        rel = f"{revision}/{path.name}"
        statements = tuple(s.text for s in load_statements([path]))
        out.append(
            ExecStep(
                position,
                "file",
                "run",
                rel,
                statements,
                True,
                down=None,
                irreversible_reason=BASELINE_IRREVERSIBLE,
                source=rel,
            )  # fmt: skip
        )
    return tuple(out)


def compute(
    history: History,
    files: Sequence[Path],
    server_url: str,
    settings: Settings,
    message: str,
) -> NewRevision | None:
    """The next revision (None: the files describe exactly head's desired state).

    `server_url` is where shadows are built (`Settings.shadow_server`). The schema files pass
    the statement policy before anything runs on any server.
    """
    from schema_assets.diff import diff_snapshots
    from schema_assets.shadow import shadow_snapshot
    from schema_assets.sqlfiles import load_desired_state

    load_desired_state(files)
    desired = DesiredState.of(files)
    head = history.head
    plan = diff_snapshots(
        desired_snapshot(history, head, server_url),
        shadow_snapshot(list(files), server_url),
        renames=settings.renames,
        using=settings.using,
        managed_partition_pattern=settings.managed_partition_pattern,
        source_label=f"desired state at {head}" if head else "empty database",
        target_label=", ".join(p.name for p in desired.files),
    )
    if plan.is_empty:
        return None
    parents = (head,) if head else ()
    revision = revision_id(message, parents, desired.sha256, history.depth(head) + 1)
    if head is None:
        up = _baseline_steps(desired, revision)
        migration = Migration(revision, message, up, None, BASELINE_IRREVERSIBLE)
    else:
        migration = build_migration(plan, revision, message)
    return NewRevision(revision, head, plan, migration, desired)
