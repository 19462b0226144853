"""Novocontrol WinDETA ASCII exports (``.TXT``).

Layout, as WinDETA writes it: a title line (sample, date, time); a geometry line
``Diameter[mm] 4.000e+01  Thickness[mm] 1.070e+00  Spacer Capacity[pF] …``; a line of
fixed values (``AC Volt [Vrms]=1.0``, ``Temp. [K]=…``); a tab-separated header
(`` Freq. [Hz]``, ``Temp. [°C]``, ``Eps'``, ``Eps''``, ``Sig' [S/cm]``, ``Z' [Ohm]`` …)
and the rows.

Where the export has impedance columns (``Z'``, ``Z''``, ``|Z|``) they are read as
any table's. Most exports carry the permittivity only; then the impedance follows
from the sample capacitor, as WinDETA itself defines ε:

    ε* = ε' − j ε'' ,   C₀ = ε₀ · π (D/2)² / d ,   Z = 1 / (j ω C₀ ε*)

with the diameter D and thickness d of the geometry line. WinDETA's edge and spacer
corrections, where it applied them, are folded into its ε and are not undone (noted).
A temperature column splits the file into one spectrum per temperature.
"""

from __future__ import annotations

import re

import numpy as np

from lpt.constants import EPSILON_0_F_CM
from lpt.errors import LptError
from lpt.io.columns import impedance_from_columns
from lpt.io.spectrum import Spectrum, build_spectra
from lpt.io.text import decode, numeric_table

MM_PER_CM = 10.0
_GEOMETRY = re.compile(r"Diameter\s*\[mm\]\s*(?P<d>\S+)\s+Thickness\s*\[mm\]\s*(?P<t>\S+)")


def is_windeta(head: bytes) -> bool:
    top = head[:1024]
    return b"Diameter[mm]" in top and b"Thickness[mm]" in top and b"Freq. [Hz]" in top


def read_windeta(raw: bytes, name: str) -> list[Spectrum]:
    lines = decode(raw, name).splitlines()
    k = next((i for i, ln in enumerate(lines[:20]) if "Freq. [Hz]" in ln), None)
    geometry = next((_GEOMETRY.search(ln) for ln in lines[:k] if _GEOMETRY.search(ln)), None) if k else None
    if k is None or geometry is None:
        raise LptError(f"{name}: a WinDETA export needs its geometry line (Diameter[mm] … Thickness[mm]) "
                       "and a header line with Freq. [Hz] in its first 20 lines.")
    headers = [h.strip() for h in lines[k].split("\t")]
    while headers and not headers[-1]:
        headers.pop()
    data = [ln for ln in lines[k + 1:] if ln.strip()]
    if not data:
        raise LptError(f"{name}: no data rows under the header (line {k + 1}).")
    table = numeric_table(data, k + 2, name, delimiter="\t", comma=False, columns=[str(i) for i in range(len(headers))])
    values = {i: table[str(i)].to_numpy(float) for i in range(len(headers))}
    index = {h.split("[")[0].strip().lower(): i for i, h in enumerate(headers)}
    meta: dict = {"instrument": "Novocontrol", "file": name, "format": "windeta", "title": lines[0].strip()}
    notes: list[str] = []
    try:
        diameter_mm, thickness_mm = float(geometry["d"]), float(geometry["t"])
    except ValueError:
        raise LptError(f"{name}: the geometry line does not give numbers for Diameter[mm] and Thickness[mm].") from None
    meta.update(diameter_mm=diameter_mm, thickness_mm=thickness_mm)
    if any(h.lower().startswith(("z'", "z''", "|z|")) for h in headers):
        frequency_Hz, z, more, per_row = impedance_from_columns(headers, values, name)
        notes += more
    elif "eps'" in index and "eps''" in index:
        if not (diameter_mm > 0 and thickness_mm > 0):
            raise LptError(f"{name}: Diameter[mm] {diameter_mm:g} and Thickness[mm] {thickness_mm:g} must be "
                           "positive to turn the permittivity into an impedance.")
        frequency_Hz = values[index["freq."]]
        area_cm2 = np.pi * (diameter_mm / MM_PER_CM / 2.0) ** 2
        c0_F = EPSILON_0_F_CM * area_cm2 / (thickness_mm / MM_PER_CM)
        eps = values[index["eps'"]] - 1j * values[index["eps''"]]
        with np.errstate(divide="ignore", invalid="ignore"):
            z = 1.0 / (1j * 2.0 * np.pi * frequency_Hz * c0_F * eps)
        notes.append(f"impedance from the permittivity: Z = 1/(j 2π f C0 (Eps' - j Eps'')), C0 = {c0_F:.6g} F "
                     f"(eps0 x pi (D/2)^2 / d, D = {diameter_mm:g} mm, d = {thickness_mm:g} mm); WinDETA's edge "
                     "and spacer corrections are not undone")
        per_row = {}
    else:
        raise LptError(f"{name}: neither impedance (Z', Z'') nor permittivity (Eps', Eps'') columns among "
                       f"{', '.join(headers)[:150]}.")
    groups = None
    if "temp." in index:
        temperature = values[index["temp."]]
        per_row = dict(per_row, temperature_C=temperature)
        groups = temperature
    return build_spectra(frequency_Hz, z, name, meta, notes, lines=np.arange(k + 2, k + 2 + len(data)),
                         groups=groups, per_row=per_row)
