"""Gamry Framework ``.DTA`` (EISPOT, EISGALV, and the impedance curves of a
sequence): every ``ZCURVE TABLE`` block.

Layout: ``EXPLAIN`` first, then ``KEY<TAB>TYPE<TAB>VALUE<TAB>label`` lines, then
tables: ``ZCURVE<TAB>TABLE``, a line of column names (Pt, Time, Freq, Zreal, Zimag,
Zsig, Zmod, Zphz, Idc, Vdc, IERange ...), a line of units (Hz, ohm, °), then one row
per point. Zimag is the physical Z'' (not negated). Rows are split on any white
space: Gamry writes tabs, but edited or re-exported files carry spaces, and a row
is never dropped for that. A row that does not fit the columns ends the table with
a note (``EXPERIMENTABORTED`` follows a stopped sweep). Files from Windows with a
German or French locale write decimal commas; they are read as such.
"""

from __future__ import annotations

import re

import numpy as np

from lpt.errors import LptError
from lpt.io.columns import impedance_from_columns
from lpt.io.spectrum import Spectrum, build_spectra
from lpt.io.text import decode

_NUM = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


def is_gamry(head: bytes) -> bool:
    return head.lstrip(b"\xef\xbb\xbf").startswith(b"EXPLAIN") or b"ZCURVE\tTABLE" in head


def read_gamry(raw: bytes, name: str) -> list[Spectrum]:
    text = decode(raw, name)
    lines = text.splitlines()
    meta: dict = {"instrument": "Gamry", "file": name}
    starts = [k for k, ln in enumerate(lines) if re.match(r"^ZCURVE\s+TABLE", ln)]
    if not starts:
        tables = sorted({ln.split()[0] for ln in lines if re.match(r"^\w+\s+TABLE", ln)})
        what = f" (its tables: {', '.join(tables)})" if tables else ""
        raise LptError(f"{name}: no ZCURVE table{what}; the file holds no impedance sweep.")
    comma = False
    for ln in lines[: starts[0]]:
        parts = ln.split("\t")
        if len(parts) >= 3:
            key, value = parts[0].strip(), parts[2].strip()
            if key in ("TAG", "TITLE", "DATE", "TIME", "PSTAT", "NOTES"):
                meta[key.lower()] = value
            if key in ("VDC", "AREA", "VAC", "FREQINIT", "FREQFINAL") and re.match(r"^[+-]?\d+,\d", value):
                comma = True
            if key.upper() in ("TEMP", "TEMPERATURE", "CELLTEMP"):
                try:
                    meta["temperature_C"] = float(value.replace(",", "."))
                except ValueError:
                    pass
    spectra: list[Spectrum] = []
    for start in starts:
        spectra += _zcurve(lines, start, name, meta, comma)
    if len(spectra) > 1:
        for k, s in enumerate(spectra, 1):
            s.source, s.metadata["sweep"] = f"{name}#sweep{k}", k
    return spectra


def _zcurve(lines: list[str], start: int, name: str, meta: dict, comma: bool) -> list[Spectrum]:
    if start + 2 >= len(lines):
        raise LptError(f"{name} line {start + 1}: the ZCURVE table is cut off before its column names.")
    names = lines[start + 1].split()
    units = lines[start + 2].split()
    if "Freq" not in names or not ({"Zreal", "Zimag"} <= set(names) or {"Zmod", "Zphz"} <= set(names)):
        raise LptError(f"{name} line {start + 2}: the ZCURVE columns ({', '.join(names)}) lack Freq, "
                       "Zreal and Zimag.")
    headers = [f"{n} ({u})" if len(units) == len(names) and u not in ("#",) else n
               for n, u in zip(names, units if len(units) == len(names) else names)]
    rows, numbers = [], []
    notes: list[str] = []
    k = start + 3
    while k < len(lines):
        tokens = lines[k].split()
        if not tokens:
            k += 1
            break
        if len(tokens) != len(names) or not all(_NUM.match(t) for t in tokens):
            break
        if not comma and any("," in t for t in tokens):
            comma = True
        rows.append(tokens)
        numbers.append(k + 1)
        k += 1
    if k < len(lines) and lines[k].strip():
        word = lines[k].split()[0]
        if word == "EXPERIMENTABORTED":
            notes.append(f"the experiment was aborted after {len(rows)} points (EXPERIMENTABORTED)")
        elif not re.match(r"^\w+\s+(TABLE|LABEL|QUANT|TOGGLE|POTEN|IQUANT|SELECTOR|TWOPARAM)", lines[k]):
            raise LptError(f"{name} line {k + 1}: a row of the ZCURVE table does not fit its "
                           f"{len(names)} columns.")
    if not rows:
        raise LptError(f"{name} line {start + 1}: the ZCURVE table has no rows.")
    values = np.array([[float(t.replace(",", ".")) for t in r] for r in rows])
    table = {i: values[:, i] for i in range(len(names))}
    # Gamry's Zimag is the physical Z'' and its "Zphz" is the phase of Z; the
    # column names say so without a sign, which classify() reads as physical.
    f, z, col_notes, per_row = impedance_from_columns(headers, table, name)
    per_row.pop("cycle", None)
    col_notes = [n for n in col_notes if "states no unit" not in n]
    if comma:
        col_notes.append("decimal comma")
    return build_spectra(f, z, name, dict(meta), col_notes + ["Gamry Zimag is physical Z'' (not negated)"] + notes,
                         lines=np.array(numbers), per_row=per_row)
