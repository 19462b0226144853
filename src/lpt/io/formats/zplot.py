"""Scribner ZPlot/ZView ``.z`` (``ZPLOT2 ASCII``) and the ZPlotW/Z60W text format
(``"ZPlotW Data File"``, ``"Z60W Data File"`` — impedance.py calls the latter its
Autolab example).

ZPLOT2: comment lines, ``End Comments``, then tab- or comma-separated rows.
ZPlotW/Z60W: quoted header lines, a line of sweep settings, the point count, the
quoted column line ``Freq(Hz) Ampl Bias Time(Sec) Z'(a) Z''(b) GD Err Range``, rows.
Columns are fixed: frequency, amplitude, bias, time, Z', Z'' (physical), ...
"""

from __future__ import annotations

import re

import numpy as np

from lpt.errors import LptError
from lpt.io.spectrum import Spectrum, build_spectra
from lpt.io.text import decode, to_float


def is_zplot(head: bytes) -> bool:
    h = head[:200].lstrip(b"\xef\xbb\xbf")
    return h.startswith(b"ZPLOT") or b"ZPlotW Data File" in h or b"Z60W Data File" in h


def read_zplot(raw: bytes, name: str) -> list[Spectrum]:
    text = decode(raw, name)
    lines = text.splitlines()
    meta: dict = {"instrument": "Scribner ZPlot", "file": name}
    start = next((k + 1 for k, ln in enumerate(lines) if ln.strip().startswith("End Comments")), None)
    count = None
    if start is None:
        start = next((k + 1 for k, ln in enumerate(lines) if re.search(r"Freq\s*\(Hz\)", ln)), None)
        if start is not None and start >= 2 and lines[start - 2].strip().isdigit():
            count = int(lines[start - 2].strip())
    if start is None:
        raise LptError(f'{name}: no "End Comments" or "Freq(Hz)" line; is this a ZPlot .z file?')
    for ln in lines[:start]:
        key, _, val = ln.strip().strip('"').partition(":")
        if key.strip() in ("Date", "Time"):
            meta[key.strip().lower()] = val.strip()
        if "temperature" in key.lower():
            m = re.search(r"[-+]?\d+(\.\d+)?", val)
            if m:
                meta["temperature_C"] = float(m.group(0))
    f, z, t, numbers = [], [], [], []
    for k in range(start, len(lines)):
        if not lines[k].strip():
            continue
        tokens = [x for x in re.split(r"\t|,\s*", lines[k].strip()) if x != ""]
        if len(tokens) < 6:
            raise LptError(f"{name} line {k + 1}: expected at least 6 columns (Freq, Ampl, Bias, Time, Z', "
                           f"Z''), found {len(tokens)}.")
        f.append(to_float(tokens[0], name, k + 1))
        t.append(to_float(tokens[3], name, k + 1))
        z.append(complex(to_float(tokens[4], name, k + 1), to_float(tokens[5], name, k + 1)))
        numbers.append(k + 1)
    notes = ["columns: Freq(Hz), Z'(a), Z''(b) (fixed ZPlot layout)", "ZPlot Z'' is physical (not negated)"]
    if count is not None and count != len(f):
        notes.append(f"the header announces {count} points, the file holds {len(f)}")
    return build_spectra(f, z, name, meta, notes, lines=np.array(numbers), per_row={"time_s": t})
