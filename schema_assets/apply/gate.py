"""Before anything is applied: the files must be history, and the database where history says.

- Versioned mode: the schema files must be what head recorded; otherwise the run stops before
  opening any connection to the warehouse ("run `schema-assets revision`").
- Drift: the live database must equal the desired state recorded at the revision it is at.
  Otherwise `apply` stops (exit 1) listing the difference, unless `--repair-drift`: the
  difference is then undone directly and recorded as a repair in `schema_version`, never as
  a revision file, so one database's drift never becomes everyone's history.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from schema_assets.apply import direct
from schema_assets.apply.chain import History, desired_snapshot
from schema_assets.apply.desired import DesiredState
from schema_assets.apply.migration import build_migration
from schema_assets.apply.steps import StepResult
from schema_assets.config import Settings
from schema_assets.errors import DriftError, UncommittedChangeError
from schema_assets.plan import Plan
from schema_assets.render.text import one_line

log = logging.getLogger(__name__)


def require_committed(
    history: History, files: Sequence[Path], server_url: str, settings: Settings
) -> None:
    """Versioned mode: refuse schema files that no committed revision leads to.

    Equal bytes (the usual case) need no database at all; otherwise both states are compared
    as catalogs on shadows (`server_url`), so a comment-only edit is not a change.
    """
    from schema_assets.apply.autogen import compute

    head = history.head
    recorded = history.recorded(head) if head else None
    if recorded is not None and recorded.sha256 == DesiredState.of(files).sha256:
        return
    new = compute(history, files, server_url, settings, "pending")
    if new is None:
        return
    raise UncommittedChangeError(
        f"schema files changed without a revision ({new.plan.summary()} since "
        f"{head or 'an empty history'}): run `schema-assets revision -m MESSAGE` (or `alembic "
        "revision --autogenerate -m MESSAGE`) and commit it. Versioned mode applies committed "
        "revisions only; nothing was changed."
    )


def drift(
    conn: psycopg.Connection,
    history: History,
    current: str | None,
    server_url: str,
    settings: Settings,
    label: str,
) -> Plan:
    """The plan from the live database to the desired state at `current` (empty: no drift)."""
    from schema_assets.catalog import take_snapshot
    from schema_assets.diff import diff_snapshots

    return diff_snapshots(
        take_snapshot(conn),
        desired_snapshot(history, current, server_url),
        using=settings.using,
        managed_partition_pattern=settings.managed_partition_pattern,
        source_label=label,
        target_label=f"desired state at {current}" if current else "empty database",
    )


def refuse(plan: Plan, current: str | None) -> DriftError:
    steps = "\n".join(f"  - {one_line(f'{s.action} {s.kind} {s.object}')}" for s in plan.steps[:20])
    more = f"\n  ... {len(plan.steps) - 20} more" if len(plan.steps) > 20 else ""
    return DriftError(
        f"the database has drifted from the desired state at {current or 'an empty history'} "
        f"(changed by hand, or by a failed tool): bringing it back takes {plan.summary()}:\n"
        f"{steps}{more}\nNothing was applied. Undo the change by hand, or run `schema-assets "
        "apply --repair-drift` (recorded as a repair; add --allow-destructive if it drops "
        "something); `schema-assets drift` shows the SQL."
    )


def repair(conn: psycopg.Connection, plan: Plan, current: str | None) -> list[StepResult]:
    """Apply `plan` (live → desired) directly and record it as a repair, not a revision."""
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
    name = f"repair_{stamp}"
    migration = build_migration(plan, name, f"repair drift back to {current or 'empty'}")
    log.warning("repairing drift back to %s: %s", current or "an empty database", plan.summary())
    return direct.apply_migration(conn, migration, kind="repair")
