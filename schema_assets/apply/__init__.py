"""Appliers: Alembic (primary) and direct (fallback), both fed by the same `Plan`.

Entry points: `choose.select_backend`, `choose.migrate`, `rollback.rollback`, `status.status`,
`adopt.adopt`. Modules: revision (plan → file), alembic and direct (the backends), history
(`schema_version`), lock, sync (direct → Alembic), integrity (edited revisions).
"""
