"""Schema group: assets, blocking checks and the schema-file sensor."""

import dagster as dg

from schema_assets.defs.schema.assets import ASSETS
from schema_assets.defs.schema.checks import CHECKS
from schema_assets.defs.schema.sensor import schema_file_sensor

defs = dg.Definitions(assets=list(ASSETS), asset_checks=list(CHECKS), sensors=[schema_file_sensor])
