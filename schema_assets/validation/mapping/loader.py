"""Read `mappings/*.yaml` into `Mapping` objects; every error names the file and line."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from schema_assets.config import MAPPINGS_DIR
from schema_assets.errors import BadInputError
from schema_assets.validation.mapping.model import FIELD_TYPES, FieldMap, Lookup, Mapping, Transform
from schema_assets.validation.mapping.transforms import SIMPLE_TRANSFORMS

SAMPLES_DIR = MAPPINGS_DIR / "samples"
_QUALIFIED = re.compile(r"^[^.\s]+\.[^.\s]+$")
_TOP_KEYS = {"source", "title", "endpoint", "target", "fields", "ignore", "samples"}
_FIELD_KEYS = {"field", "constant", "column", "type", "required", "default", "transform"}


class _LineDict(dict):
    """A YAML mapping that remembers where it and each of its keys start."""

    line: int = 0
    key_lines: dict[str, int]


class _Loader(yaml.SafeLoader):
    pass


def _construct_map(loader: _Loader, node: yaml.MappingNode):
    data = _LineDict()
    data.line = node.start_mark.line + 1
    data.key_lines = {
        str(k.value): k.start_mark.line + 1 for k, _ in node.value if isinstance(k, yaml.ScalarNode)
    }
    yield data
    data.update(loader.construct_mapping(node))


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)


def _line(node: Any, key: str | None = None) -> int:
    if isinstance(node, _LineDict):
        return node.key_lines.get(key, node.line) if key else node.line
    return 0


def _fail(path: Path, line: int, message: str) -> BadInputError:
    return BadInputError(f"{path}:{line}: {message}")


def _parse_transform(path: Path, spec: Any, line: int) -> Transform:
    if isinstance(spec, str):
        if spec not in SIMPLE_TRANSFORMS:
            known = ", ".join(sorted({*SIMPLE_TRANSFORMS, "scale", "enum", "lookup"}))
            raise _fail(path, line, f"unknown transform {spec!r} (known: {known})")
        return Transform(kind=spec)
    if not isinstance(spec, dict) or len(spec) != 1:
        raise _fail(path, _line(spec) or line, "a transform is a name or a one-key mapping")
    ((kind, arg),) = spec.items()
    line = _line(spec, kind) or line
    if kind == "scale":
        try:
            Decimal(str(arg))
        except Exception as exc:
            raise _fail(path, line, f"scale must be a number, got {arg!r}") from exc
        return Transform(kind="scale", scale=str(arg))
    if kind == "enum":
        if not isinstance(arg, dict) or not isinstance(arg.get("map"), dict):
            raise _fail(path, line, "enum needs `map: {payload value: label}`")
        values = tuple((str(k), str(v)) for k, v in arg["map"].items())
        default = arg.get("default")
        return Transform(
            kind="enum", values=values, default=None if default is None else str(default)
        )
    if kind == "lookup":
        if not isinstance(arg, dict) or not all(
            isinstance(arg.get(k), str) for k in ("table", "match", "returns")
        ):
            raise _fail(
                path, line, "lookup needs `table: schema.table`, `match: column`, `returns: column`"
            )
        if not _QUALIFIED.match(arg["table"]):
            raise _fail(path, line, f"lookup table must be schema.table, got {arg['table']!r}")
        return Transform(kind="lookup", lookup=Lookup(arg["table"], arg["match"], arg["returns"]))
    raise _fail(path, line, f"unknown transform {kind!r}")


def _parse_field(path: Path, entry: Any, index: int) -> FieldMap:
    if not isinstance(entry, dict):
        raise _fail(path, _line(entry), f"fields[{index}] must be a mapping")
    line = _line(entry)
    unknown = set(entry) - _FIELD_KEYS
    if unknown:
        key = sorted(unknown)[0]
        raise _fail(
            path,
            _line(entry, key),
            f"unknown key {key!r} (allowed: {', '.join(sorted(_FIELD_KEYS))})",
        )
    column = entry.get("column")
    if not isinstance(column, str) or not column:
        raise _fail(path, line, f"fields[{index}] needs a `column`")
    if ("field" in entry) == ("constant" in entry):
        raise _fail(
            path, line, f"fields[{index}] ({column}) needs exactly one of `field` or `constant`"
        )
    field_name = entry.get("field")
    if field_name is not None and not isinstance(field_name, str):
        raise _fail(path, _line(entry, "field"), "`field` must be a string")
    declared = entry.get("type")
    if declared is not None and declared not in FIELD_TYPES:
        raise _fail(
            path, _line(entry, "type"), f"type {declared!r} is not one of {', '.join(FIELD_TYPES)}"
        )
    required = entry.get("required", True)
    if not isinstance(required, bool):
        raise _fail(path, _line(entry, "required"), "`required` must be true or false")
    spec = entry.get("transform")
    specs = spec if isinstance(spec, list) else ([] if spec is None else [spec])
    transforms = tuple(_parse_transform(path, s, _line(entry, "transform")) for s in specs)
    return FieldMap(
        column=column,
        field=field_name,
        constant=entry.get("constant"),
        type=declared,
        required=required,
        default=entry.get("default"),
        transforms=transforms,
        line=line,
    )


def parse_mapping(text: str, path: Path) -> Mapping:
    """Parse one mapping file's text; `path` is only used in messages and to find samples."""
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else 0
        problem = getattr(exc, "problem", None) or str(exc)
        context, context_mark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
        if context and context_mark is not None and context_mark is not mark:
            problem += f" ({context} at line {context_mark.line + 1})"
        raise _fail(path, line, f"YAML error: {problem}") from exc
    if not isinstance(data, dict):
        raise _fail(path, 1, "a mapping file is a YAML mapping with source, target and fields")
    unknown = set(data) - _TOP_KEYS
    if unknown:
        key = sorted(unknown)[0]
        raise _fail(
            path, _line(data, key), f"unknown key {key!r} (allowed: {', '.join(sorted(_TOP_KEYS))})"
        )
    for key in ("source", "target"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise _fail(path, _line(data, key), f"`{key}` is required and must be a string")
    if not _QUALIFIED.match(data["target"]):
        raise _fail(
            path, _line(data, "target"), f"target must be schema.table, got {data['target']!r}"
        )
    entries = data.get("fields")
    if not isinstance(entries, list) or not entries:
        raise _fail(path, _line(data, "fields"), "`fields` must be a non-empty list")
    fields = tuple(_parse_field(path, e, i) for i, e in enumerate(entries))
    seen: dict[str, int] = {}
    for f in fields:
        if f.column in seen:
            raise _fail(
                path,
                f.line,
                f"column {f.column!r} is mapped twice (first at line {seen[f.column]})",
            )
        seen[f.column] = f.line
    ignore = data.get("ignore") or []
    if not isinstance(ignore, list) or not all(isinstance(i, str) for i in ignore):
        raise _fail(path, _line(data, "ignore"), "`ignore` must be a list of payload field names")
    return Mapping(
        source=data["source"],
        target=data["target"],
        fields=fields,
        path=path,
        title=str(data.get("title") or ""),
        endpoint=str(data.get("endpoint") or ""),
        ignore=tuple(ignore),
        samples=data.get("samples"),
        target_line=_line(data, "target"),
    )


def load_mapping_file(path: Path | str) -> Mapping:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BadInputError(f"{path}: cannot read mapping file ({exc.strerror or exc})") from exc
    return parse_mapping(text, path)


def load_mappings(
    names: list[str] | tuple[str, ...] | None = None, directory: Path | None = None
) -> list[Mapping]:
    """The shipped mappings (or those of `directory`), optionally only the named sources."""
    directory = directory or MAPPINGS_DIR
    mappings = [load_mapping_file(p) for p in sorted(directory.glob("*.yaml"))]
    if names:
        by_name = {m.source: m for m in mappings}
        missing = [n for n in names if n not in by_name]
        if missing:
            raise BadInputError(
                f"unknown mapping source(s): {', '.join(missing)} (known: {', '.join(sorted(by_name))})"
            )
        return [by_name[n] for n in names]
    return mappings


def samples_path(mapping: Mapping) -> Path:
    name = mapping.samples or f"{mapping.source}.json"
    return mapping.path.parent / "samples" / name


def load_samples(mapping: Mapping) -> list[dict[str, Any]]:
    """The sample payload records of a source: a JSON list of objects."""
    path = samples_path(mapping)
    try:
        data = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    except OSError as exc:
        raise BadInputError(f"{path}: cannot read samples ({exc.strerror or exc})") from exc
    except json.JSONDecodeError as exc:
        raise BadInputError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from exc
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise BadInputError(f"{path}: samples must be a JSON list of objects")
    return data
