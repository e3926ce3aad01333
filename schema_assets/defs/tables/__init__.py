"""Table assets, one multi-asset per layer: raw → staging → features → ml."""

import dagster as dg

from schema_assets.defs.tables.features import features_layer
from schema_assets.defs.tables.ml import ml_layer
from schema_assets.defs.tables.raw import raw_layer
from schema_assets.defs.tables.staging import staging_layer

LAYERS = (raw_layer, staging_layer, features_layer, ml_layer)
GROUPS = ("raw", "staging", "features", "ml")

defs = dg.Definitions(assets=list(LAYERS))
