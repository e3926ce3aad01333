"""What `schema-assets status` reports: it must never lie about which state is applied."""

from __future__ import annotations

from typing import Any

from schema_assets.apply import history
from schema_assets.apply.integrity import verify_integrity
from schema_assets.apply.revision import chain_head, revision_files
from schema_assets.config import Settings
from schema_assets.errors import BadInputError


def status(url: str | None = None, settings: Settings | None = None) -> dict[str, Any]:
    """What `schema-assets status` shows: backend and why, revisions, history, pending plan."""
    from schema_assets.apply import alembic as alembic_backend
    from schema_assets.apply.choose import _connect, _plan, _server_url, select_backend
    from schema_assets.database import mask_url

    settings = settings or Settings.from_env()
    url = url or _server_url(settings)
    out: dict[str, Any] = {"database": mask_url(url)}
    try:
        choice = select_backend(settings)
        out["backend"] = {"name": choice.name, "reason": choice.reason, "forced": choice.forced}
    except Exception as exc:  # strict mode with Alembic broken: report, don't hide the rest
        out["backend"] = {"name": None, "reason": str(exc), "forced": True}
    versions = settings.migrations_dir / "versions"
    with _connect(url) as conn:
        out["alembic_current"] = alembic_backend.current_revision(conn)
        rows = history.rows(conn, limit=10)
        applied = history.applied(conn)
        out["applied_version"] = applied[-1].version if applied else None
        out["applied_count"] = len(applied)
        out["history"] = [r.to_dict() for r in rows]
        try:
            files = revision_files(versions)
            out["integrity"] = verify_integrity(conn, versions) or "ok"
            head = chain_head(files)
            out["revision_files"] = len(files)
            out["head"] = head
            applied_ids = {r.version for r in applied}
            out["unapplied_revision_files"] = sorted(r for r in files if r not in applied_ids)
        except BadInputError as exc:
            out["integrity"] = [str(exc)]
    try:
        plan = _plan(url, settings)
        out["pending"] = {
            "summary": plan.summary(),
            "steps": len(plan.steps),
            "destructive": len(plan.destructive_steps),
        }
    except Exception as exc:  # the planner failing must not hide what is applied
        out["pending"] = {"error": str(exc)}
    return out
