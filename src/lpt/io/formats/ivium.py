"""Ivium IviumSoft ``.idf`` (one data set) and ``.ids`` (several data sets).

Both are text files that begin with a few binary bytes. Settings are ``key=value``
lines (``Method=Impedance``, ``starttime=``, ``Title=``); each data set's values
follow a ``primary_data`` line, then the number of columns, the number of points,
and one row per point. For an impedance data set the columns are Z' (ohm), Z''
(ohm, physical sign) and frequency (Hz); the number of columns is checked.
"""

from __future__ import annotations

import re

import numpy as np

from lpt.errors import LptError
from lpt.io.spectrum import Spectrum, build_spectra


def is_ivium(head: bytes) -> bool:
    return b"primary_data" in head or (b"Corrosion=" in head[:300] and b"Peaks=" in head[:300])


def read_ivium(raw: bytes, name: str) -> list[Spectrum]:
    text = raw.decode("latin-1")
    lines = text.splitlines()
    meta: dict = {"instrument": "Ivium", "file": name}
    marks = [k for k, ln in enumerate(lines) if ln.strip() == "primary_data"]
    if not marks:
        raise LptError(f"{name}: no primary_data block; is this an IviumSoft .idf/.ids file?")
    methods = [ln.split("=", 1)[1].strip() for ln in lines if ln.startswith("Method=")]
    m = next((ln.split("=", 1)[1].strip() for ln in lines if ln.startswith("starttime=")), "")
    if m:
        meta["acquisition_start"] = m
    spectra: list[Spectrum] = []
    skipped = 0
    for i, k in enumerate(marks):
        try:
            n_cols, n_points = int(lines[k + 1]), int(lines[k + 2])
        except (IndexError, ValueError):
            raise LptError(f"{name} line {k + 2}: expected the column and point counts after primary_data.") from None
        method = methods[i] if i < len(methods) else (methods[-1] if methods else "")
        if method and method != "Impedance":
            skipped += 1
            continue
        if n_cols < 3:
            raise LptError(f"{name} line {k + 2}: an impedance data set needs 3 columns (Z', Z'', f), "
                           f"this one has {n_cols}.")
        rows = lines[k + 3:k + 3 + n_points]
        if len(rows) < n_points:
            raise LptError(f"{name}: data set {i + 1} announces {n_points} points, the file ends after "
                           f"{len(rows)}.")
        try:
            values = np.array([[float(t) for t in re.split(r"\s+", r.strip())[:n_cols]] for r in rows])
        except ValueError:
            bad = next(j for j, r in enumerate(rows) if not _numeric(r, n_cols))
            raise LptError(f"{name} line {k + 4 + bad}: cannot read the numbers of this data row.") from None
        if values.ndim != 2 or values.shape[1] != n_cols:
            raise LptError(f"{name} line {k + 4}: rows of data set {i + 1} do not have {n_cols} values.")
        notes = ["Ivium columns: Z' (ohm), Z'' (ohm, physical), frequency (Hz)"]
        md = dict(meta, data_set=i + 1)
        spectra += build_spectra(values[:, 2], values[:, 0] + 1j * values[:, 1], name, md, notes,
                                 lines=np.arange(k + 4, k + 4 + n_points))
    if not spectra:
        raise LptError(f"{name}: no impedance data set (methods: {', '.join(methods) or 'none stated'}).")
    if skipped:
        for s in spectra:
            s.notes.append(f"{skipped} data sets of other methods skipped")
    if len(spectra) > 1:
        for j, s in enumerate(spectra, 1):
            s.source, s.metadata["sweep"] = f"{name}#sweep{j}", j
    return spectra


def _numeric(row: str, n: int) -> bool:
    try:
        [float(t) for t in row.split()[:n]]
        return len(row.split()) >= n
    except ValueError:
        return False
