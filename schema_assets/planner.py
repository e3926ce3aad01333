"""Glue from what the user names (live database, schema files, URLs) to a `Plan`."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from schema_assets.catalog import Snapshot, take_snapshot
from schema_assets.config import Settings
from schema_assets.database import mask_url
from schema_assets.diff import diff_snapshots
from schema_assets.errors import BadInputError
from schema_assets.plan import Plan
from schema_assets.shadow import shadow_snapshot

URL_PREFIXES = ("postgresql://", "postgres://", "postgresql+psycopg://")


def is_url(spec: str) -> bool:
    return spec.startswith(URL_PREFIXES)


def _files_label(files: Sequence[Path]) -> str:
    return ", ".join(str(f) for f in files)


def load_source(
    spec: str | Sequence[str], server_url: str | None, *, split: bool = True
) -> tuple[Snapshot, str]:
    """A spec is one `postgresql://` URL or one or more `.sql` files: snapshot + masked label
    (`split` as in `take_snapshot`)."""
    specs = [spec] if isinstance(spec, (str, Path)) else list(spec)
    specs = [str(s) for s in specs]
    if not specs:
        raise BadInputError("no schema given: pass a postgresql:// URL or .sql files")
    urls = [s for s in specs if is_url(s)]
    if urls:
        if len(specs) > 1:
            raise BadInputError(
                "a schema is either one postgresql:// URL or one or more .sql files, "
                f"not both: {', '.join(mask_url(s) for s in specs)}"
            )
        return take_snapshot(urls[0], split=split), mask_url(urls[0])
    files = [Path(s) for s in specs]
    for f in files:
        if not f.is_file():
            raise BadInputError(f"{f}: no such file (expected a .sql file or a postgresql:// URL)")
    return shadow_snapshot(files, server_url), _files_label(files)


# Fingerprints cost about a tenth of a second per 1,000 tables: they are computed only for a
# caller that prints them (`fingerprints=True`: the JSON form), never to print a diff.
# Shadow snapshots are memoised per process; so are their fingerprints.
_FINGERPRINTS: dict[int, tuple[Snapshot, str]] = {}


def _fingerprint(snap: Snapshot, *, keep: bool) -> str:
    cached = _FINGERPRINTS.get(id(snap))
    if cached is not None and cached[0] is snap:
        return cached[1]
    value = snap.fingerprint()
    if keep:
        _FINGERPRINTS[id(snap)] = (snap, value)
    return value


def _with_fingerprints(plan: Plan, source: Snapshot, target: Snapshot, *, shadow: bool) -> Plan:
    return dataclasses.replace(
        plan,
        source_fingerprint=_fingerprint(source, keep=False),
        target_fingerprint=_fingerprint(target, keep=shadow),
    )


def plan_between(
    from_spec: str | Sequence[str],
    to_spec: str | Sequence[str],
    *,
    server_url: str | None = None,
    renames: dict[str, str] | None = None,
    managed_partition_pattern: str | None = None,
    using: dict[str, str] | None = None,
    fingerprints: bool = False,
) -> Plan:
    """Migration from one schema (URL or files) to another.

    Shadows of files live on `server_url`, by default DATABASE_URL's server or the embedded
    one: never on a server merely named as a side of the diff. `fingerprints`: fill
    `Plan.source_fingerprint`/`target_fingerprint` (for a caller that stores the plan).
    """
    # Both sides at once, one connection each: the catalog queries are server-bound.
    with ThreadPoolExecutor(max_workers=2) as pool:
        source_job = pool.submit(load_source, from_spec, server_url, split=False)
        target_job = pool.submit(load_source, to_spec, server_url, split=False)
        (source, source_label), (target, target_label) = source_job.result(), target_job.result()
    plan = diff_snapshots(
        source, target, renames=renames, managed_partition_pattern=managed_partition_pattern,
        source_label=source_label, target_label=target_label, using=using,
    )  # fmt: skip
    if not fingerprints:
        return plan
    return _with_fingerprints(plan, source, target, shadow=not is_url(target_label))


def plan_database(
    url: str,
    files: Sequence[Path] | None,
    settings: Settings,
    *,
    renames: dict[str, str] | None = None,
    using: dict[str, str] | None = None,
    fingerprints: bool = False,
    live: Snapshot | None = None,
) -> Plan:
    """Migration bringing the live database at `url` to the state the schema files describe.

    Rename hints and USING expressions default to the project's settings; `fingerprints` as
    in `plan_between`; `live`: a snapshot of `url` the caller already took."""
    files = list(files) if files is not None else list(settings.schema_files)
    renames = settings.renames if renames is None else renames
    using = settings.using if using is None else using
    with ThreadPoolExecutor(max_workers=2) as pool:
        target_job = pool.submit(shadow_snapshot, files, settings.shadow_server(url))
        if live is None:
            live = take_snapshot(url)  # meanwhile the shadow side is read on the other thread
        target = target_job.result()
    plan = diff_snapshots(
        live, target, renames=renames,
        managed_partition_pattern=settings.managed_partition_pattern,
        source_label=mask_url(url), target_label=_files_label(files), using=using,
    )  # fmt: skip
    return _with_fingerprints(plan, live, target, shadow=True) if fingerprints else plan
