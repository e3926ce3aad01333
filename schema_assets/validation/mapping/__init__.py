"""API payload → table field mappings: load, map, and check them against the catalog."""

from schema_assets.validation.mapping.checker import (
    MappingFinding,
    MappingReport,
    check_mapping,
    check_mappings,
)
from schema_assets.validation.mapping.loader import load_mapping_file, load_mappings, load_samples
from schema_assets.validation.mapping.mapper import (
    LOOKUP_SUFFIX,
    lookup_column,
    map_records,
    resolve_lookups,
)
from schema_assets.validation.mapping.model import FieldMap, Lookup, Mapping, Transform
from schema_assets.validation.mapping.pandera_schema import derive_schema
from schema_assets.validation.mapping.transforms import dumps_json

__all__ = [
    "MappingFinding",
    "MappingReport",
    "check_mapping",
    "check_mappings",
    "derive_schema",
    "LOOKUP_SUFFIX",
    "FieldMap",
    "Lookup",
    "Mapping",
    "Transform",
    "dumps_json",
    "load_mapping_file",
    "load_mappings",
    "load_samples",
    "lookup_column",
    "map_records",
    "resolve_lookups",
]
