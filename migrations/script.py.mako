"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}

Written by hand (`alembic revision` / `alembic merge`). op.step(label, up=SQL, down=SQL) is a
step schema-assets times, resumes after a kill and undoes when a later step fails; op.execute
and the other op.* operations run too and are timed in schema_assets.schema_version. With no
`desired_state`, the state this revision leads to is computed by replaying it.
"""

from alembic import op

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}


def upgrade() -> None:
    ${upgrades if upgrades else 'pass'}


def downgrade() -> None:
    ${downgrades if downgrades else 'pass'}
