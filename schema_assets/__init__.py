"""schema-assets: a PostgreSQL warehouse schema managed as Dagster assets."""

__version__ = "0.1.0"
