"""Settings and URL for the schema assets, from the two resources, with secrets masked."""

from dataclasses import dataclass

import dagster as dg

from schema_assets.config import Settings
from schema_assets.database import mask_secrets
from schema_assets.defs.resources import MigrationResource, WarehouseResource
from schema_assets.errors import SchemaAssetsError


@dataclass(frozen=True)
class Target:
    settings: Settings
    url: str


def target(warehouse: WarehouseResource, migration: MigrationResource | None = None) -> Target:
    settings = warehouse.base_settings()
    if migration is not None:
        settings = migration.apply_to(settings)
    return Target(settings, warehouse.url())


def failure(exc: SchemaAssetsError, what: str) -> dg.Failure:
    """A Dagster step failure carrying the product's own message (never a password)."""
    message = mask_secrets(str(exc))
    return dg.Failure(
        description=f"{what}: {message}",
        metadata={"error": type(exc).__name__, "exit_code": exc.exit_code},
    )


def findings_markdown(findings, limit: int = 50) -> str:
    """A markdown table of findings with `rule`, `severity`, `object`, `message` attributes."""
    findings = list(findings)
    if not findings:
        return "No findings."
    lines = ["| severity | rule | object | message |", "|---|---|---|---|"]
    for f in findings[:limit]:
        message = str(getattr(f, "message", "")).replace("|", "\\|").replace("\n", " ")
        lines.append(
            f"| {getattr(f, 'severity', '')} | {getattr(f, 'rule', getattr(f, 'kind', ''))} | "
            f"`{getattr(f, 'object', '')}` | {message} |"
        )
    if len(findings) > limit:
        lines.append(f"\n… and {len(findings) - limit} more.")
    return "\n".join(lines)


def mapping_findings_markdown(findings, limit: int = 50) -> str:
    """A markdown table of field-mapping findings (source, field, column, kind, message)."""
    findings = list(findings)
    if not findings:
        return "No findings."
    lines = ["| severity | kind | source | field | column | message |", "|---|---|---|---|---|---|"]
    for f in findings[:limit]:
        message = f.message.replace("|", "\\|").replace("\n", " ")
        lines.append(
            f"| {f.severity} | {f.kind} | {f.source} | `{f.field}` | `{f.column}` | {message} |"
        )
    if len(findings) > limit:
        lines.append(f"\n… and {len(findings) - limit} more.")
    return "\n".join(lines)
