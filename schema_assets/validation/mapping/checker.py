"""Check field mappings against the catalog and their sample payloads against derived schemas."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

import pandera.errors
import pandera.pandas as pa

from schema_assets.catalog.model import Snapshot, Table
from schema_assets.errors import BadInputError
from schema_assets.render.text import one_line
from schema_assets.validation.mapping import columns as coltypes
from schema_assets.validation.mapping.loader import load_mappings, load_samples
from schema_assets.validation.mapping.mapper import first_value, map_records, surrogate_lookups
from schema_assets.validation.mapping.model import FieldMap, Mapping
from schema_assets.validation.mapping.pandera_schema import TYPE_CHECK_PREFIX, derive_schema
from schema_assets.validation.mapping.transforms import output_kind

#: Finding kinds and their severity.
KINDS = {
    "missing_column": "error",  # a mapped (or looked-up) column is not in the table
    "unmapped_required": "error",  # NOT NULL column without default that nothing fills
    "type_incompatible": "error",  # value kind cannot be stored in the column type
    "nullability": "error",  # optional field into NOT NULL column, or nulls in samples
    "check_violation": "error",  # sample values break a derived check
    "unknown_field": "warning",  # payload field neither mapped nor ignored
}


@dataclass(frozen=True)
class MappingFinding:
    kind: str
    severity: str
    source: str
    field: str  # payload field, `=constant`, or "" for table-level findings
    column: str  # schema.table.column
    message: str
    where: str  # mapping file:line

    def as_text(self) -> str:
        v = one_line
        field_part = f" field {v(self.field)}" if self.field else ""
        return (
            f"{self.severity.upper():7} {self.kind} {v(self.source)}{field_part} -> "
            f"{v(self.column)}: {v(self.message)} ({v(self.where)})"
        )


@dataclass(frozen=True)
class MappingReport:
    findings: tuple[MappingFinding, ...] = ()
    sources: tuple[str, ...] = ()
    records: dict[str, int] = field(default_factory=dict)  # sample records checked per source

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)

    @property
    def counts(self) -> dict[str, int]:
        c = Counter(f.severity for f in self.findings)
        return {"error": c.get("error", 0), "warning": c.get("warning", 0)}

    def of_kind(self, kind: str) -> list[MappingFinding]:
        return [f for f in self.findings if f.kind == kind]

    def to_dict(self) -> dict[str, Any]:
        return {
            "has_errors": self.has_errors,
            "counts": self.counts,
            "sources": list(self.sources),
            "records": dict(self.records),
            "findings": [asdict(f) for f in self.findings],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True)

    def to_text(self) -> str:
        lines = [f.as_text() for f in self.findings]
        checked = ", ".join(f"{s} ({self.records.get(s, 0)} records)" for s in self.sources)
        lines.append(
            f"{len(self.sources)} source(s) checked: {checked}; "
            f"{self.counts['error']} error(s), {self.counts['warning']} warning(s)"
        )
        return "\n".join(lines)


class _Collector:
    def __init__(self, mapping: Mapping) -> None:
        self.mapping = mapping
        self.findings: list[MappingFinding] = []
        self.flagged: set[str] = set()  # columns with a static finding: not sample-validated

    def add(
        self, kind: str, fm: FieldMap | None, column: str, message: str, line: int | None = None
    ) -> None:
        schema, table = self.mapping.target_key
        qualified = column if "." in column else f"{schema}.{table}.{column}"
        self.findings.append(
            MappingFinding(
                kind=kind,
                severity=KINDS[kind],
                source=self.mapping.source,
                field=fm.name if fm else "",
                column=qualified,
                message=message,
                where=self.mapping.where(line if line is not None else (fm.line if fm else None)),
            )
        )
        if fm is not None:
            self.flagged.add(fm.column)


def _target(snapshot: Snapshot, mapping: Mapping) -> Table:
    table = snapshot.tables.get(mapping.target_key)
    if table is None:
        raise BadInputError(
            f"{mapping.where()}: target table {mapping.target} does not exist in the database"
        )
    return table


def _check_lookup(out: _Collector, snapshot: Snapshot, fm: FieldMap) -> None:
    lookup = fm.lookup
    if lookup is None:
        return
    schema, _, name = lookup.table.partition(".")
    table = snapshot.tables.get((schema, name))
    for column in (lookup.match, lookup.returns):
        if table is None or table.column(column) is None:
            out.add(
                "missing_column",
                fm,
                f"{lookup.table}.{column}",
                f"lookup {lookup.table}.{lookup.match} -> {lookup.returns}: "
                f"{'table' if table is None else 'column'} does not exist",
            )
            return


def _field_checks(
    out: _Collector, snapshot: Snapshot, table: Table, records: list[dict[str, Any]]
) -> None:
    """Each mapped field: its column exists, its value kind fits, its nullability fits."""
    for fm in out.mapping.fields:
        col = table.column(fm.column)
        if col is None:
            message = f"column {fm.column} does not exist in {out.mapping.target}"
            out.add("missing_column", fm, fm.column, message)
            continue
        if fm.lookup is not None:
            _check_lookup(out, snapshot, fm)
        kind = output_kind(fm, first_value(fm, records))
        cat = coltypes.category(col.type, snapshot)
        if kind is not None and cat != "other" and cat not in coltypes.COMPATIBLE.get(kind, ()):
            after = f" (after {fm.transforms[-1].kind})" if fm.transforms else ""
            message = f"a {kind} value{after} cannot be stored in {col.type}"
            out.add("type_incompatible", fm, fm.column, message)
            continue
        if col.not_null and not fm.required and fm.default is None:
            message = (
                f"optional field feeds NOT NULL column {fm.column}: "
                "declare `default:` or make it required"
            )
            out.add("nullability", fm, fm.column, message)


def _required_checks(out: _Collector, table: Table) -> None:
    """NOT NULL columns the database cannot fill itself must be mapped."""
    mapped = {fm.column for fm in out.mapping.fields}
    for col in table.columns:
        fillable = col.default_expr is not None or col.identity or col.generated
        if col.not_null and not fillable and col.name not in mapped:
            message = (
                f"NOT NULL column without default is filled by no field of {out.mapping.source}"
            )
            out.add("unmapped_required", None, col.name, message, out.mapping.target_line)


def _unknown_fields(out: _Collector, records: list[dict[str, Any]]) -> None:
    """Payload fields nobody decided about: mapped, or listed under `ignore`."""
    mapping = out.mapping
    if mapping.keeps_whole_record:
        return
    known = set(mapping.payload_fields) | set(mapping.ignore)
    for name in dict.fromkeys(k for r in records for k in r):
        if name not in known:
            out.findings.append(
                MappingFinding(
                    kind="unknown_field",
                    severity=KINDS["unknown_field"],
                    source=mapping.source,
                    field=name,
                    column=mapping.target,
                    message="payload field is neither mapped nor listed under `ignore`",
                    where=mapping.where(),
                )
            )


def _kind_of_failure(check: str) -> str:
    if check == "not_nullable":
        return "nullability"
    if check.startswith(TYPE_CHECK_PREFIX) or check.startswith("dtype("):
        return "type_incompatible"
    return "check_violation"


def _sample_checks(
    out: _Collector, snapshot: Snapshot, table: Table, records: list[dict[str, Any]]
) -> None:
    mapping = out.mapping
    usable = [
        fm
        for fm in mapping.fields
        if table.column(fm.column) is not None and fm.column not in out.flagged
    ]
    if not usable or not records:
        return
    frame = surrogate_lookups(map_records(mapping, records), mapping)
    names = [fm.column for fm in usable]
    schema = derive_schema(snapshot, table.key, names)
    try:
        schema.validate(frame[names], lazy=True)
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        by_field = {fm.column: fm for fm in usable}
        grouped: dict[tuple[str, str], list[Any]] = {}
        for row in cases.itertuples(index=False):
            column = str(row.column) if row.column is not None else ""
            grouped.setdefault((str(row.check), column), []).append((row.failure_case, row.index))
        seen_checks: set[tuple[str, str]] = set()
        for (check, column), failures in grouped.items():
            kind = _kind_of_failure(check)
            if kind == "check_violation" and not _is_column_check(schema, column, check):
                column = ""  # a row check lists every column of a failing row: report it once
            if (check, column) in seen_checks:
                continue
            seen_checks.add((check, column))
            rows = sorted({int(i) for _, i in failures if i is not None and i == i})
            examples = ", ".join(repr(v) for v, _ in failures[:3])
            what = {
                "nullability": "null values in samples",
                "type_incompatible": f"values not of type {check.removeprefix(TYPE_CHECK_PREFIX)}",
                "check_violation": f"violates {check}",
            }[kind]
            out.add(
                kind,
                by_field.get(column),
                column or mapping.target,
                f"{what}: {len(rows) or len(failures)} record(s) (e.g. record {rows[:3]}, values {examples})",
            )


def _is_column_check(schema: pa.DataFrameSchema, column: str, check: str) -> bool:
    col = schema.columns.get(column)
    return col is not None and any(c.name == check for c in col.checks)


def check_mapping(
    snapshot: Snapshot, mapping: Mapping, records: list[dict[str, Any]] | None = None
) -> list[MappingFinding]:
    """Findings of one mapping; its shipped samples are used unless `records` is given."""
    table = _target(snapshot, mapping)
    records = load_samples(mapping) if records is None else list(records)
    out = _Collector(mapping)
    _field_checks(out, snapshot, table, records)
    _required_checks(out, table)
    _unknown_fields(out, records)
    _sample_checks(out, snapshot, table, records)
    return out.findings


def check_mappings(snapshot: Snapshot, mappings: list[Mapping] | None = None) -> MappingReport:
    """Align every mapping (default: the shipped ones) with the catalog and its samples."""
    mappings = load_mappings() if mappings is None else mappings
    findings: list[MappingFinding] = []
    records: dict[str, int] = {}
    for mapping in mappings:
        samples = load_samples(mapping)
        records[mapping.source] = len(samples)
        findings += check_mapping(snapshot, mapping, samples)
    return MappingReport(tuple(findings), tuple(m.source for m in mappings), records)
