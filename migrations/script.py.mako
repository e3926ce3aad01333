"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}
Written by hand (`alembic revision`): use run(label, sql, ...) so that schema-assets records
each step's duration and checksum in schema_assets.schema_version.
"""

from alembic import op

from schema_assets.apply.alembic import irreversible, run

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}


def upgrade() -> None:
    ${upgrades if upgrades else 'pass'}


def downgrade() -> None:
    ${downgrades if downgrades else 'pass'}
