"""One comparator per object kind. Adding a kind = one module, one entry here, one test file."""

from __future__ import annotations

from collections.abc import Callable

from schema_assets.diff.change import Change
from schema_assets.diff.columns import compare_columns
from schema_assets.diff.comments import compare_comments
from schema_assets.diff.constraints import compare_constraints
from schema_assets.diff.context import Context
from schema_assets.diff.functions import compare_functions
from schema_assets.diff.indexes import compare_indexes
from schema_assets.diff.partitions import compare_partitions
from schema_assets.diff.privileges import compare_privileges
from schema_assets.diff.schemas import compare_extensions, compare_schemas
from schema_assets.diff.sequences import compare_sequences
from schema_assets.diff.tables import compare_tables
from schema_assets.diff.triggers import compare_policies, compare_triggers
from schema_assets.diff.types import compare_domains, compare_enums
from schema_assets.diff.views import compare_views

Comparator = Callable[[Context], list[Change]]

COMPARATORS: tuple[tuple[str, Comparator], ...] = (
    ("schemas", compare_schemas),
    ("extensions", compare_extensions),
    ("enums", compare_enums),
    ("domains", compare_domains),
    ("sequences", compare_sequences),
    ("tables", compare_tables),
    ("columns", compare_columns),
    ("partitions", compare_partitions),
    ("constraints", compare_constraints),
    ("indexes", compare_indexes),
    ("views", compare_views),
    ("functions", compare_functions),
    ("triggers", compare_triggers),
    ("policies", compare_policies),
    ("comments", compare_comments),
    ("privileges", compare_privileges),
)
