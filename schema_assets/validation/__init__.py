"""Validation of the warehouse: catalog rules (`engine.validate`) and API field mappings
(`mapping.check_mappings`). Both read a catalog `Snapshot`, never SQL text."""
