"""Cathode open-circuit voltage: the knowledge base's curves, their practical window and
the one interpolation every voltage evaluation of the cycling engine goes through.

Each cathode's OCV table (``materials/data/ocv/*.csv``) is ``potential_V`` against the
lithiation fraction ``y`` of the host (0 = delithiated/charged, 1 = fully lithiated).
For speed every table is resampled once onto a uniform grid of :data:`OCV_GRID` points
(Δy = 2.5e-4), and a batch's tables are laid end to end (:class:`OcvTables`), so one
``take`` serves designs with different cathodes.

Public functions: :func:`ocv_curve` (a cathode's resampled curve) and
:func:`practical_window` (the lithiation range between the KB cut-off voltages).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from lpt import materials
from lpt.errors import LptError

OCV_GRID = 4001          # uniform resampling of every OCV table (Δy = 2.5e-4)
_TOP = OCV_GRID - 1


@functools.cache
def _ocv_row(material_id: str) -> np.ndarray:
    elec = materials.get(material_id, "electrode")
    if elec.ocv_file is None:
        raise LptError(f"cathode material '{material_id}' has no OCV curve (ocv_file) in the knowledge base.")
    return np.asarray(elec.ocv(np.linspace(0.0, 1.0, OCV_GRID)), float)


def ocv_curve(material_id: str) -> tuple[np.ndarray, np.ndarray]:
    """A cathode's OCV on the uniform grid the cycling model uses.

    Returns ``(y, volts)``: the lithiation fraction of the host (0 → 1, :data:`OCV_GRID`
    points) and the OCV in V against Li/Li⁺ (falling with ``y``).  Raises
    :class:`~lpt.errors.LptError` when the material has no OCV table.  The arrays are
    fresh copies (the cached table is not exposed).
    """
    return np.linspace(0.0, 1.0, OCV_GRID), _ocv_row(material_id).copy()


@functools.cache
def practical_window(material_id: str) -> tuple[float, float]:
    """Lithiation at the charged and discharged ends of a cathode's practical window.

    The charged end is where the OCV falls to ``upper_cutoff_V`` (or the table's
    delithiated end if the OCV never reaches it), the discharged end where it falls to
    ``lower_cutoff_V`` (or the table's lithiated end).  ``specific_capacity_mAh_g`` is the
    charge of this window.
    """
    elec = materials.get(material_id, "electrode")
    x, u = materials.ocv_table(elec.ocv_file)
    if not np.all(np.diff(u) < 0):
        raise LptError(f"the OCV table of '{material_id}' must fall strictly with lithiation.")
    hi = elec.upper_cutoff_V if elec.upper_cutoff_V is not None else u[0]
    lo = elec.lower_cutoff_V if elec.lower_cutoff_V is not None else u[-1]
    y_ch = float(np.interp(-hi, -u, x)) if u[0] > hi else float(x[0])
    y_dis = float(np.interp(-lo, -u, x)) if u[-1] < lo else float(x[-1])
    if not y_dis > y_ch:
        raise LptError(f"cathode '{material_id}': its OCV window between {lo:g} and {hi:g} V is empty.")
    return y_ch, y_dis


@dataclass(frozen=True)
class OcvTables:
    """Every cathode OCV of a batch resampled onto one uniform grid (fast batched lookup).

    A design's table starts at ``base = index * OCV_GRID`` in ``flat``; ``rise`` holds the
    rise to the next grid point.  The interpolation is linear in ``y`` (clipped to
    [0, 1]); :meth:`lookup` evaluates it on arrays, :meth:`lookup_float` on one Python
    float (the one-design paths, where a NumPy call costs more than the arithmetic), with
    the same operations in the same order.
    """

    ids: tuple[str, ...]
    table: np.ndarray  # (n_materials, OCV_GRID)

    @functools.cached_property
    def flat(self) -> np.ndarray:
        return self.table.ravel()

    @functools.cached_property
    def rise(self) -> np.ndarray:
        d = np.diff(self.table, axis=1)
        return np.concatenate([d, d[:, -1:]], axis=1).ravel()

    @functools.cached_property
    def _flat_list(self) -> list[float]:
        return self.flat.tolist()

    @functools.cached_property
    def _rise_list(self) -> list[float]:
        return self.rise.tolist()

    @functools.cached_property
    def _grid(self) -> np.ndarray:
        return np.linspace(0.0, 1.0, OCV_GRID)

    def potential(self, index: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """OCV and its slope dU/dy at lithiation ``y`` for materials ``index`` (broadcast)."""
        return self.lookup(np.asarray(index) * OCV_GRID, y)

    def lookup(self, base: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """OCV and dU/dy at ``y`` for the tables starting at ``base`` (arrays, broadcast)."""
        pos = np.minimum(np.maximum(y, 0.0), 1.0) * _TOP
        k = pos.astype(np.intp)
        flat = base + k
        rise = self.rise.take(flat)
        return self.flat.take(flat) + (pos - k) * rise, rise * _TOP

    def lookup_float(self, base: int, y: float) -> tuple[float, float]:
        """:meth:`lookup` for one design, in plain floats."""
        pos = min(max(y, 0.0), 1.0) * _TOP
        k = int(pos)
        rise = self._rise_list[base + k]
        return self._flat_list[base + k] + (pos - k) * rise, rise * _TOP

    def value(self, base: np.ndarray, y: np.ndarray) -> np.ndarray:
        """The OCV alone (no slope): the hot path of every voltage evaluation.  With one
        material in the batch, ``np.interp`` on the same uniform grid (one C loop)."""
        if len(self.ids) == 1:
            return np.interp(y, self._grid, self.table[0])
        return self.lookup(base, y)[0]


@functools.cache
def ocv_tables(ids: tuple[str, ...]) -> OcvTables:
    """The :class:`OcvTables` of the cathodes ``ids`` (cached per tuple of ids)."""
    return OcvTables(ids, np.stack([_ocv_row(i) for i in ids]))

