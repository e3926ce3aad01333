"""Appliers: Alembic (primary) and direct (fallback), both fed by the same `Plan`.

Entry points: `choose.select_backend`, `choose.migrate`, `choose.rollback`.
"""
