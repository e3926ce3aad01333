"""The create/drop/alter loop every comparator shares.

Objects only in the source are dropped, objects only in the target are created, objects
on both sides that differ are altered in place, or dropped and created again when no
in-place change exists (or when the plan forces it, e.g. a dependency is recreated).
Keys are visited in sorted order so that plans are deterministic; each side is a dict,
so the loop is linear in the number of objects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, TypeVar

from schema_assets.diff.change import Change

if TYPE_CHECKING:
    from _typeshed import SupportsRichComparison

# Keys are names or tuples of names: sortable, so that plans are deterministic.
K = TypeVar("K", bound="SupportsRichComparison")
T = TypeVar("T")


def compare_objects(
    source: Mapping[K, T],
    target: Mapping[K, T],
    *,
    create: Callable[[T], Iterable[Change]],
    drop: Callable[[T], Iterable[Change]],
    alter: Callable[[T, T], Iterable[Change]] | None = None,
    recreate: Callable[[K], bool] | None = None,
    keep: Callable[[K, T], bool] | None = None,
) -> list[Change]:
    """Changes turning `source`'s objects into `target`'s.

    `alter(old, new)` handles objects that differ; without it they are recreated.
    `recreate(key)` forces a drop and create of an object that may even be equal.
    `keep(key, obj)` leaves a source-only object alone (it goes with something else).
    """
    out: list[Change] = []
    for key in sorted(source.keys() - target.keys()):
        if keep is None or not keep(key, source[key]):
            out.extend(drop(source[key]))
    for key in sorted(target.keys() - source.keys()):
        out.extend(create(target[key]))
    for key in sorted(source.keys() & target.keys()):
        old, new = source[key], target[key]
        if recreate is not None and recreate(key):
            out.extend(drop(old))
            out.extend(create(new))
        elif old != new:
            if alter is None:
                out.extend(drop(old))
                out.extend(create(new))
            else:
                out.extend(alter(old, new))
    return out
