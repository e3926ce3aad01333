"""Schema group: plan, prove on the shadow, apply, prove on the warehouse; the state sensor."""

from schema_assets.defs.schema.assets import ASSETS
from schema_assets.defs.schema.sensor import desired_state_sensor

__all__ = ["ASSETS", "desired_state_sensor"]
