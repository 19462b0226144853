"""Parameter values set by the user (a calibration file, ``--parameters``), by dotted name.

A leaf module: :mod:`lpt.parameters` and :mod:`lpt.materials` read the current overrides
when they build their (cached) records, so every model sees one consistent set. Names
are checked against the catalogue in :mod:`lpt.calibrate.names` before they get here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

_CURRENT: tuple[tuple[str, float], ...] = ()


def current() -> tuple[tuple[str, float], ...]:
    """The overrides in force, as a sorted tuple of (name, value) (hashable: a cache key)."""
    return _CURRENT


def set_overrides(values: Mapping[str, float]) -> None:
    """Replace the overrides in force (an empty mapping restores the shipped values)."""
    global _CURRENT
    _CURRENT = tuple(sorted((str(k), float(v)) for k, v in values.items()))


@contextmanager
def applied(values: Mapping[str, float]) -> Iterator[None]:
    """Overrides in force inside the block (added to those already set), restored after it."""
    before = dict(_CURRENT)
    set_overrides({**before, **values})
    try:
        yield
    finally:
        set_overrides(before)
