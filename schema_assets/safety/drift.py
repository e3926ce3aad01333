"""Has someone changed the live database by hand? Compare it with what was last applied.

Two comparisons, both reported as plans so a reviewer reads them like any migration:
- `by_hand`: recorded state (the snapshot `schema_version` keeps after each apply) → live.
  These are the changes nobody applied through this tool.
- `pending`: live → schema files, i.e. what `apply` would do now (`plan_database`).
Drift exists when either is non-empty: the live database is then neither what was applied
nor what the files describe.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from schema_assets.config import Settings
from schema_assets.database import connect, mask_url
from schema_assets.plan import Plan

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DriftReport:
    database: str  # masked URL
    recorded_version: str | None  # latest applied migration, None when none was recorded
    by_hand: Plan | None  # recorded state -> live; None without a recorded state
    pending: Plan  # live -> schema files

    @property
    def drifted(self) -> bool:
        return bool(self.by_hand and not self.by_hand.is_empty) or not self.pending.is_empty

    def to_dict(self) -> dict[str, Any]:
        return {
            "database": self.database,
            "drift": self.drifted,
            "recorded_version": self.recorded_version,
            "by_hand": self.by_hand.to_dict() if self.by_hand is not None else None,
            "pending": self.pending.to_dict(),
        }

    def _headline(self) -> str:
        if not self.drifted:
            return f"no drift: {self.database} matches the last applied state and the schema files"
        return f"DRIFT in {self.database}"

    def _by_hand_line(self) -> str:
        if self.by_hand is None:
            if self.recorded_version:
                return f"{self.recorded_version} recorded no snapshot: compared with the files only"
            return "no applied migration is recorded: compared with the schema files only"
        if self.by_hand.is_empty:
            return f"no change by hand since {self.recorded_version}"
        return f"changed by hand since {self.recorded_version}: {self.by_hand.summary()}"

    def _pending_line(self) -> str:
        if self.pending.is_empty:
            return "the schema files match the live database"
        return f"differs from the schema files (apply would run): {self.pending.summary()}"

    def to_text(self) -> str:
        out = [self._headline(), f"- {self._by_hand_line()}", f"- {self._pending_line()}"]
        if self.by_hand is not None and not self.by_hand.is_empty:
            out += ["", "-- changes made by hand (recorded -> live):", self.by_hand.to_sql()]
        if not self.pending.is_empty:
            out += ["", "-- what apply would run (live -> schema files):", self.pending.to_sql()]
        return "\n".join(out).rstrip() + "\n"

    def to_markdown(self) -> str:
        out = [
            f"## {self._headline()}",
            "",
            f"- {self._by_hand_line()}",
            f"- {self._pending_line()}",
        ]
        if self.by_hand is not None and not self.by_hand.is_empty:
            out += ["", "### Changed by hand", "", self.by_hand.to_markdown()]
        if not self.pending.is_empty:
            out += ["", "### Pending (live → schema files)", "", self.pending.to_markdown()]
        return "\n".join(out).rstrip() + "\n"


def recorded_state(url: str) -> tuple[str | None, dict[str, Any] | None]:
    """(version, snapshot dict) of the latest applied migration, or (None, None)."""
    from schema_assets.apply import history

    with connect(url) as conn:
        current = history.applied(conn)
        if not current:
            return None, None
        return current[-1].version, history.last_snapshot(conn)


def detect_drift(url: str, settings: Settings) -> DriftReport:
    """Compare the live database with its recorded state and with the schema files."""
    from schema_assets.catalog import Snapshot, take_snapshot
    from schema_assets.diff import diff_snapshots
    from schema_assets.planner import plan_database

    version, recorded = recorded_state(url)
    by_hand = None
    if recorded is not None:
        live = take_snapshot(url)
        by_hand = diff_snapshots(
            Snapshot.from_dict(recorded),
            live,
            managed_partition_pattern=settings.managed_partition_pattern,
            using=settings.using,
            source_label=f"recorded state after {version}",
            target_label=mask_url(url),
        )
    pending = plan_database(url, settings.schema_files, settings)
    report = DriftReport(mask_url(url), version, by_hand, pending)
    log.info("drift check of %s: %s", report.database, "drift" if report.drifted else "none")
    return report
