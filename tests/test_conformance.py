"""Conformance corpus: every (before, after) pair in tests/conformance/ migrates exactly.

Each case goes through `assert_roundtrip`: the plan applied to "before" yields a snapshot
equal to "after", planning again is empty, and a reversible plan's down SQL restores
"before". The case format is described in tests/conformance/README.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from roundtrip import assert_roundtrip

CORPUS = Path(__file__).parent / "conformance"

#: One file per object kind of design section 3 (plus quoting, renames, interactions).
KIND_FILES = (
    "schemas", "extensions", "enums", "domains", "sequences", "tables", "columns",
    "constraints", "indexes", "partitions", "views", "functions", "triggers", "comments",
    "privileges", "policies", "renames", "names", "interactions", "publications",
)  # fmt: skip

#: Issue 11's families: partitioned tables in every form, and the other failure classes.
FAMILIES = {
    "partition": (
        "partitions", "partition_indexes", "partition_constraints", "partition_attach",
        "conversions", "subpartitions",
    ),
    "other classes": (
        "blindspots", "reused_names", "identity", "casts", "inheritance", "function_dependents",
    ),
}  # fmt: skip
MINIMUM = {"partition": 80, "other classes": 40}


@dataclass(frozen=True)
class Case:
    file: str
    title: str
    line: int
    before: str
    after: str
    renames: dict[str, str] = field(default_factory=dict)
    data: str = ""  # run on "before" only: its rows must survive the plan and the down SQL
    using: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.file}:{self.title}"


class CorpusError(ValueError):
    """A corpus file does not follow the documented format."""


def _marker(line: str, name: str) -> str | None:
    prefix = f"-- {name}:"
    return line[len(prefix) :].strip() if line.startswith(prefix) else None


def parse_cases(text: str, file: str) -> list[Case]:
    """Split one corpus file into cases; format errors name the file and line."""
    cases: list[Case] = []
    current: dict | None = None
    section: str | None = None

    def finish() -> None:
        if current is None:
            return
        if "before" not in current or "after" not in current:
            raise CorpusError(f"{file}:{current['line']}: case {current['title']!r} needs "
                              "both '-- before:' and '-- after:'")  # fmt: skip
        cases.append(
            Case(
                file,
                current["title"],
                current["line"],
                "\n".join(current["before"]).strip(),
                "\n".join(current["after"]).strip(),
                current["renames"],
                "\n".join(current.get("data", [])).strip(),
                current["using"],
            )
        )

    for number, line in enumerate(text.splitlines(), 1):
        title = _marker(line, "case")
        if title is not None:
            finish()
            if not title:
                raise CorpusError(f"{file}:{number}: case without a title")
            current, section = {"title": title, "line": number, "renames": {}, "using": {}}, None
            continue
        if current is None:
            continue  # file header comments
        for hint_kind in ("renames", "using"):
            hint = _marker(line, hint_kind)
            if hint is not None and section is None:
                old, sep, new = hint.partition("=")
                if not sep or not old.strip() or not new.strip():
                    raise CorpusError(f"{file}:{number}: {hint_kind} hint must be a=b: {hint!r}")
                current[hint_kind][old.strip()] = new.strip()
                break
        else:
            hint = None
        if hint is not None:
            continue
        if line.strip() in ("-- before:", "-- after:", "-- data:"):
            section = line.strip()[3:-1]
            if section in current:
                raise CorpusError(f"{file}:{number}: second '-- {section}:' in one case")
            current[section] = []
            continue
        if section is None:
            if line.strip() and not line.startswith("--"):
                raise CorpusError(f"{file}:{number}: SQL before '-- before:'")
            continue
        current[section].append(line)
    finish()
    titles = [c.title for c in cases]
    duplicates = sorted({t for t in titles if titles.count(t) > 1})
    if duplicates:
        raise CorpusError(f"{file}: duplicate case titles {duplicates}")
    return cases


def load_corpus(directory: Path = CORPUS) -> list[Case]:
    cases: list[Case] = []
    for path in sorted(directory.glob("*.sql")):
        cases.extend(parse_cases(path.read_text(encoding="utf-8"), path.stem))
    return cases


CASES = load_corpus()


def test_corpus_has_a_file_with_cases_for_every_object_kind() -> None:
    counts = {kind: sum(c.file == kind for c in CASES) for kind in KIND_FILES}
    assert all(counts.values()), f"kinds without cases: {[k for k, n in counts.items() if not n]}"
    assert len(CASES) >= 60


def test_corpus_holds_320_cases_with_the_partition_and_other_families_covered() -> None:
    counts = {family: sum(c.file in files for c in CASES) for family, files in FAMILIES.items()}
    assert len(CASES) >= 320, len(CASES)
    assert all(counts[f] >= n for f, n in MINIMUM.items()), counts
    assert all(any(c.file == f for c in CASES) for files in FAMILIES.values() for f in files)


def test_conversion_cases_carry_thousands_of_rows() -> None:
    conversions = [c for c in CASES if c.file == "conversions"]
    with_rows = [c for c in conversions if c.data]
    assert len(with_rows) >= len(conversions) - 1  # one case converts an empty table
    for case in with_rows:
        bounds = [int(n) for n in re.findall(r"generate_series\(\d+, (\d+)\)", case.data)]
        assert max(bounds) >= 1000, case.id


def test_parser_reads_title_hints_and_both_sides() -> None:
    text = (
        "-- header comment\n-- case: rename it\n-- renames: s.t.a=b\n-- before:\n"
        "CREATE TABLE s.t (a int);\n-- after:\nCREATE TABLE s.t (b int);\n"
    )
    (case,) = parse_cases(text, "demo")
    assert (case.id, case.renames) == ("demo:rename it", {"s.t.a": "b"})
    assert (case.before, case.after) == ("CREATE TABLE s.t (a int);", "CREATE TABLE s.t (b int);")


def test_parser_reads_data_and_using_hints() -> None:
    text = (
        "-- case: c\n-- using: s.t.at=to_timestamp(at)\n-- data:\nINSERT INTO s.t VALUES (1);\n"
        "-- before:\nSELECT 1;\n-- after:\nSELECT 2;\n"
    )
    (case,) = parse_cases(text, "demo")
    assert case.using == {"s.t.at": "to_timestamp(at)"}
    assert case.data == "INSERT INTO s.t VALUES (1);"


def test_parser_rejects_a_case_without_after() -> None:
    with pytest.raises(CorpusError, match=r"demo:1: case 'x' needs both"):
        parse_cases("-- case: x\n-- before:\nSELECT 1;\n", "demo")


def test_parser_rejects_duplicate_titles() -> None:
    case = "-- case: x\n-- before:\n-- after:\n"
    with pytest.raises(CorpusError, match="duplicate case titles"):
        parse_cases(case + case, "demo")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case_round_trips(pg_server: str, case: Case) -> None:
    assert_roundtrip(
        pg_server,
        case.before,
        case.after,
        renames=case.renames or None,
        data_sql=case.data,
        using=case.using or None,
    )
