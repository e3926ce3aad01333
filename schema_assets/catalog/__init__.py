"""Catalog snapshots: what a database's schema is, as comparable dataclasses."""

from schema_assets.catalog.model import Snapshot
from schema_assets.catalog.snapshot import take_snapshot

__all__ = ["Snapshot", "take_snapshot"]
