"""Appliers: Alembic (primary) and direct (fallback), both running the same revision files.

Entry points: `choose.migrate` / `migrate.migrate` (apply), `choose.select_backend`
(`backend`), `rollback.rollback`, `status.status`, `adopt.adopt`, `migrate.write_new_revision`.
Modules: migration (steps of a revision), revision (the file format), chain (the history
graph), desired (frozen desired states), autogen (new revisions from history), gate
(versioned check, drift), steps (the one step runner), alembic + ops (the Alembic backend and
its operations), direct (the fallback backend), history (`schema_version`), lock, integrity.
"""
