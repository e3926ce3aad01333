"""The desired state a revision leads to: the schema files, frozen beside the revision file.

A generated revision records the schema files it was computed to reach, copied into
`migrations/versions/<revision>/` under their own names and listed in order in the file, with
their sha256. That record is the history: the next revision is planned from it (never from a
live database), and a live database is compared with it to find drift. Copies keep the names
and bytes of the files they froze, so they share their shadow database (shadows are named
after names + bytes): comparing head's state with unchanged files costs nothing extra.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from schema_assets.catalog import Snapshot, take_snapshot
from schema_assets.errors import BadInputError
from schema_assets.sqlfiles import content_hash


@dataclass(frozen=True)
class DesiredState:
    """Schema files in the order they apply, and their identity (names + bytes)."""

    files: tuple[Path, ...]
    sha256: str

    @classmethod
    def of(cls, files: Sequence[Path]) -> DesiredState:
        paths = tuple(Path(f) for f in files)
        names = [p.name for p in paths]
        duplicated = sorted({n for n in names if names.count(n) > 1})
        if duplicated:
            raise BadInputError(
                "schema files must have distinct names to be frozen in a revision: "
                + ", ".join(duplicated)
            )
        for path in paths:
            if not path.is_file():
                raise BadInputError(f"{path}: no such file")
        return cls(paths, content_hash(paths))


def freeze(state: DesiredState, versions_dir: Path, revision: str) -> tuple[str, ...]:
    """Copy the files into `versions_dir/<revision>/`; their paths relative to `versions_dir`."""
    folder = versions_dir / revision
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for path in state.files:
        shutil.copyfile(path, folder / path.name)
        out.append(f"{revision}/{path.name}")
    return tuple(out)


def resolve(versions_dir: Path, relative: str) -> Path:
    """A file a revision names (relative to the versions directory, never outside it)."""
    root = versions_dir.resolve()
    path = (root / relative).resolve()
    if root not in path.parents:
        raise BadInputError(f"{relative}: revision files may only name files under {root}")
    if not path.is_file():
        raise BadInputError(f"{path}: missing (it is part of a revision's recorded desired state)")
    return path


def frozen(versions_dir: Path, relative: Sequence[str]) -> DesiredState:
    return DesiredState.of([resolve(versions_dir, r) for r in relative])


_EMPTY: dict[str, Snapshot] = {}


def empty_snapshot(server_url: str) -> Snapshot:
    """What a brand-new database on this server looks like (it has `public`, for one)."""
    from schema_assets.database import scratch_database, with_database

    key = with_database(server_url, "postgres")
    if key not in _EMPTY:
        with scratch_database(server_url, "sa_empty") as url:
            _EMPTY[key] = take_snapshot(url)
    return _EMPTY[key]


def snapshot(state: DesiredState | None, server_url: str) -> Snapshot:
    """The catalog `state` describes (None: an empty database), built on shadows of `server_url`."""
    from schema_assets.shadow import shadow_snapshot

    if state is None:
        return empty_snapshot(server_url)
    return shadow_snapshot(list(state.files), server_url)
