"""What `schema-assets status` reports: it must never lie about which state is applied."""

from __future__ import annotations

from typing import Any

from schema_assets.apply import history
from schema_assets.apply.chain import History
from schema_assets.apply.integrity import verify_integrity
from schema_assets.config import Settings
from schema_assets.errors import SchemaAssetsError


def status(url: str, settings: Settings) -> dict[str, Any]:
    """Backend and why, mode, revisions, history, pending plan, integrity."""
    from schema_assets.apply import alembic as alembic_backend
    from schema_assets.apply.backend import select_backend
    from schema_assets.database import connect, mask_url
    from schema_assets.planner import plan_database

    out: dict[str, Any] = {"database": mask_url(url), "mode": settings.mode}
    try:
        choice = select_backend(settings)
        out["backend"] = {"name": choice.name, "reason": choice.reason, "forced": choice.forced}
    except Exception as exc:  # strict mode with Alembic broken: report, don't hide the rest
        out["backend"] = {"name": None, "reason": str(exc), "forced": True}
    with connect(url, autocommit=True) as conn:
        out["alembic_current"] = alembic_backend.current_revision(conn)
        rows = history.rows(conn, limit=10)
        applied = history.applied(conn)
        out["applied_version"] = applied[-1].version if applied else None
        out["applied_count"] = len(applied)
        out["history"] = [r.to_dict() for r in rows]
        try:
            chain = History.read(settings.migrations_dir / "versions")
            out["integrity"] = verify_integrity(conn, chain) or "ok"
            out["revision_files"] = len(chain.files)
            out["head"] = chain.head
            applied_ids = {r.version for r in applied}
            out["unapplied_revision_files"] = sorted(r for r in chain.files if r not in applied_ids)
        except SchemaAssetsError as exc:
            out["integrity"] = [str(exc)]
    try:
        plan = plan_database(url, settings.schema_files, settings)
        out["pending"] = {
            "summary": plan.summary(),
            "steps": len(plan.steps),
            "destructive": len(plan.destructive_steps),
        }
    except Exception as exc:  # the planner failing must not hide what is applied
        out["pending"] = {"error": str(exc)}
    return out
