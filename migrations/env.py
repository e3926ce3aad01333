"""Alembic environment of schema-assets.

The URL comes from the project (DATABASE_URL, else the embedded PostgreSQL), or from
`config.attributes["url"]` when schema-assets calls Alembic itself. Bookkeeping lives in schema
`schema_assets` (`alembic_version`, `schema_version`); each revision runs in its own
transaction under the migration advisory lock and `lock_timeout`. It registers the operations
revisions call (`op.step`, `op.sql_file`, `op.undo`, `op.irreversible`) and makes
`alembic revision --autogenerate` / `alembic check` use schema-assets' planner. The body is in
`schema_assets.apply.alembic.run_env`, so it is shared with `schema-assets apply`.
"""

from logging.config import fileConfig

from alembic import context

from schema_assets.apply.alembic import run_env
from schema_assets.logs import MaskSecretsFilter

config = context.config
if config.config_file_name and not config.attributes.get("programmatic"):
    fileConfig(config.config_file_name, disable_existing_loggers=False)
    import logging

    for handler in logging.getLogger().handlers:
        handler.addFilter(MaskSecretsFilter())

run_env(context)
