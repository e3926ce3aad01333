"""The Dagster layer's project settings: `[tool.schema-assets.dagster]` in pyproject.toml.

Owners and tags of the table assets live next to the rest of the project's configuration, so
a new schema gets its owners without touching code. Errors say which key to fix and how.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from schema_assets.errors import BadInputError

#: Dagster accepts an email address or `team:<name>` as an owner.
_OWNER = re.compile(r"^(team:[A-Za-z0-9_.-]+|[^@\s]+@[^@\s]+\.[^@\s]+)$")
_TAG_KEY = re.compile(r"^([A-Za-z0-9_.-]{1,63}/)?[A-Za-z0-9_.-]{1,63}$")
_TAG_VALUE = re.compile(r"^[A-Za-z0-9_.-]{0,63}$")
ALL = "*"


def _where(key: str) -> str:
    return f"[tool.schema-assets.dagster.{key}] in pyproject.toml"


@dataclass(frozen=True)
class DagsterConfig:
    """Partition window and per-schema owners and tags (`"*"` applies to every schema)."""

    months_back: int = 1
    months_ahead: int = 3
    owners: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    tags: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def owners_for(self, schema: str) -> list[str]:
        found = [*self.owners.get(ALL, ()), *self.owners.get(schema, ())]
        return list(dict.fromkeys(found))

    def tags_for(self, schema: str) -> dict[str, str]:
        return {**self.tags.get(ALL, {}), **self.tags.get(schema, {})}

    @classmethod
    def from_tool(cls, tool: Mapping[str, Any] | None) -> DagsterConfig:
        data = dict((tool or {}).get("dagster") or {})
        owners = {str(k): _owners(k, v) for k, v in (data.get("owners") or {}).items()}
        tags = {str(k): _tags(k, v) for k, v in (data.get("tags") or {}).items()}
        back = _months(data, "partition_months_back", 1)
        ahead = _months(data, "partition_months_ahead", 3)
        return cls(months_back=back, months_ahead=ahead, owners=owners, tags=tags)


def _months(data: Mapping[str, Any], key: str, default: int) -> int:
    value = data.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 24:
        raise BadInputError(
            f"{key} = {value!r} in [tool.schema-assets.dagster]: expected a whole number 0-24"
        )
    return value


def _owners(schema: str, value: Any) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else list(value or [])
    for owner in items:
        if not isinstance(owner, str) or not _OWNER.match(owner):
            raise BadInputError(
                f"owner {owner!r} for {schema!r} in {_where('owners')}: "
                "use an email address or team:<name>"
            )
    return tuple(items)


def _tags(schema: str, value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise BadInputError(f"tags for {schema!r} in {_where('tags')}: expected a table of strings")
    out: dict[str, str] = {}
    for key, tag in value.items():
        if not _TAG_KEY.match(str(key)) or not isinstance(tag, str) or not _TAG_VALUE.match(tag):
            raise BadInputError(
                f"tag {key!r} = {tag!r} for {schema!r} in {_where('tags')}: keys and values are "
                "letters, digits, '_', '.', '-' (at most 63 characters)"
            )
        out[str(key)] = tag
    return out
