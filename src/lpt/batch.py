"""Designs as a batch: their numbers as arrays, their materials grouped — the one path
from designs to the arrays every vectorized model reads.

A :class:`DesignBatch` holds ``n`` designs as

* ``numbers``: every numeric design key (dotted, as in the design file, defaults
  filled in) → an array of length ``n``;
* ``groups``: the designs that share every text-valued key (materials, therapies,
  liquids …), each as one representative :class:`~lpt.design.Design` and the rows it
  stands for.

A model's inputs are then built group by group — knowledge-base look-ups once per
group — with the numbers of the group's rows as arrays (:meth:`DesignBatch.assemble`).
One design, a list of designs (:meth:`from_designs`) and a sweep chunk (built by
:mod:`lpt.sweep.chunk` from its table of varied keys) all go through this path.

The struct-of-arrays helpers at the end (``take``, ``concatenate``, ``where``) work on
any (nested) dataclass whose array fields hold one entry per design.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from lpt.design import Design


def _is_number_field(f: dataclasses.Field) -> bool:
    kind = str(f.type)
    return ("float" in kind or "int" in kind) and "str" not in kind


_SECTIONS = {"anode_interface": "interfaces.anode.", "cathode_interface": "interfaces.cathode."}


def _walk(obj: Any, prefix: str, numbers: dict[str, float], texts: list) -> None:
    for f in dataclasses.fields(obj):
        v = getattr(obj, f.name)
        if dataclasses.is_dataclass(v):
            _walk(v, _SECTIONS.get(f.name, f"{prefix}{f.name}."), numbers, texts)
        elif _is_number_field(f):
            numbers[prefix + f.name] = np.nan if v is None else float(v)
        elif v is None or isinstance(v, (str, bool)):
            texts.append((prefix + f.name, v))


def design_numbers(design: Design) -> dict[str, float]:
    """Every numeric field of a design under its dotted design-file key (NaN when unset)."""
    numbers: dict[str, float] = {}
    _walk(design, "", numbers, [])
    return numbers


# text that names or describes a design but selects nothing in the knowledge base
_LABELS = frozenset({"name", "description", "source", "cycling.protocol"})


def _categories(design: Design) -> tuple:
    """The text-valued content of a design (what a knowledge-base look-up depends on)."""
    texts: list = []
    _walk(design, "", {}, texts)
    return tuple(t for t in texts if t[0] not in _LABELS)


@dataclass(frozen=True)
class Group:
    """Designs that share every text-valued key: one representative and its rows."""

    design: Design
    rows: np.ndarray


@dataclass(frozen=True)
class DesignBatch:
    n: int
    numbers: Mapping[str, np.ndarray]
    groups: tuple[Group, ...]

    @staticmethod
    def from_designs(designs: Sequence[Design]) -> "DesignBatch":
        designs = list(designs)
        by_cat: dict[tuple, list[int]] = {}
        for i, d in enumerate(designs):
            by_cat.setdefault(_categories(d), []).append(i)
        groups = tuple(Group(designs[idx[0]], np.asarray(idx, dtype=np.intp)) for idx in by_cat.values())
        per = [design_numbers(d) for d in designs]
        keys = per[0].keys() if per else ()
        numbers = {k: np.array([p[k] for p in per], dtype=float) for k in keys}
        return DesignBatch(len(designs), numbers, groups)

    def untreated(self) -> "DesignBatch":
        """The same designs with their therapies removed (the "without liquid" arm)."""
        return DesignBatch(self.n, self.numbers,
                           tuple(Group(g.design.untreated(), g.rows) for g in self.groups))

    def number(self, key: str, rows: np.ndarray | None = None) -> np.ndarray:
        v = self.numbers[key]
        return v if rows is None else v[rows]

    def assemble(self, build: Callable[[Design, Mapping[str, np.ndarray]], dict[str, Any]]) -> dict[str, np.ndarray]:
        """Arrays of length ``n`` from ``build(representative, numbers_of_its_rows)``.

        ``build`` returns, per group, a dict of values (scalars, or arrays over the
        group's rows); they are written into the rows of the group.
        """
        out: dict[str, np.ndarray] = {}
        for g in self.groups:
            nums = _RowView(self.numbers, g.rows)
            for key, val in build(g.design, nums).items():
                val = np.asarray(val)
                if key not in out:
                    out[key] = np.empty(self.n, dtype=val.dtype if val.dtype.kind != "U" else object)
                elif out[key].dtype != val.dtype and val.dtype.kind in "fc" and out[key].dtype.kind in "biu":
                    out[key] = out[key].astype(val.dtype)
                out[key][g.rows] = val
        return out


class _RowView(Mapping[str, np.ndarray]):
    """``numbers`` restricted to some rows, sliced on access."""

    def __init__(self, numbers: Mapping[str, np.ndarray], rows: np.ndarray) -> None:
        self._numbers, self._rows = numbers, rows

    def __getitem__(self, key: str) -> np.ndarray:
        return self._numbers[key][self._rows]

    def __iter__(self):
        return iter(self._numbers)

    def __len__(self) -> int:
        return len(self._numbers)


# --- struct-of-arrays batches ---------------------------------------------------------

def _array_fields(batch: Any) -> Iterable[tuple[str, Any]]:
    for f in dataclasses.fields(batch):
        yield f.name, getattr(batch, f.name)


def take(batch: Any, idx: np.ndarray | slice) -> Any:
    """Rows ``idx`` of a (nested) struct-of-arrays dataclass; ``n`` follows."""
    kw = {}
    rows = None
    for name, v in _array_fields(batch):
        if dataclasses.is_dataclass(v):
            kw[name] = take(v, idx)
        elif isinstance(v, np.ndarray):
            kw[name] = v[idx]
            rows = len(kw[name])
        elif isinstance(v, dict):
            kw[name] = {k: a[idx] for k, a in v.items()}
        else:
            kw[name] = v
    if "n" in kw:
        kw["n"] = rows
    return type(batch)(**kw)


def concatenate(parts: Sequence[Any]) -> Any:
    """One batch from several of the same type, rows in order."""
    first = parts[0]
    kw = {}
    for name, v in _array_fields(first):
        vals = [getattr(p, name) for p in parts]
        if dataclasses.is_dataclass(v):
            kw[name] = concatenate(vals)
        elif isinstance(v, np.ndarray):
            kw[name] = np.concatenate(vals)
        elif isinstance(v, dict):
            kw[name] = {k: np.concatenate([x[k] for x in vals]) for k in v}
        else:
            kw[name] = v
    if "n" in kw:
        kw["n"] = sum(p.n for p in parts)
    return type(first)(**kw)


def where(due: np.ndarray, new: Any, old: Any) -> Any:
    """``new`` in the rows where ``due``, else ``old`` (nested dataclasses of arrays)."""
    if isinstance(old, np.ndarray):
        return np.where(due, new, old)
    if isinstance(old, dict):
        return {k: np.where(due, new[k], old[k]) for k in old}
    return type(old)(**{name: where(due, getattr(new, name), v) for name, v in _array_fields(old)})
