"""Table assets raw → staging → features → ml, derived from the desired state.

`LOADERS` are the hand-written loaders, each attached to the tables it writes; every other
table of the desired state becomes an external asset (see `loader.build_table_assets`).
"""

from schema_assets.defs.tables import features, ml, raw, staging
from schema_assets.defs.tables.loader import Loader, build_table_assets

LOADERS: tuple[Loader, ...] = (*raw.LOADERS, *staging.LOADERS, *features.LOADERS, *ml.LOADERS)

__all__ = ["LOADERS", "Loader", "build_table_assets"]
