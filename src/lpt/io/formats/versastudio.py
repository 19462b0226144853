"""AMETEK (Princeton Applied Research / Solartron) VersaStudio ``.par``.

An INI-like text file: ``<Application>``, ``<Instrument>``, ``<Experiment>`` and
``<ActionN>`` sections of ``key=value`` lines, and ``<SegmentN>`` sections whose
``Definition=`` line names the comma-separated columns (``Frequency(Hz)``,
``Z Real``, ``Z Imag`` in ohm, physical sign; the line ends with ``, 0``, which
names no column: the rows have one cell fewer). Segments without a frequency column
(the DC steps of a sequence) are skipped with a note.
"""

from __future__ import annotations

import re

import numpy as np

from lpt.errors import LptError
from lpt.io.columns import impedance_from_columns
from lpt.io.spectrum import Spectrum, build_spectra
from lpt.io.text import decode, numeric_table


def is_par(head: bytes) -> bool:
    return head.lstrip(b"\xef\xbb\xbf").startswith(b"<Application>") and b"VersaStudio" in head[:200]


def read_par(raw: bytes, name: str) -> list[Spectrum]:
    text = decode(raw, name)
    lines = text.splitlines()
    meta: dict = {"instrument": "VersaStudio", "file": name}
    m = re.search(r"<Instrument>.*?Type=([^\n]*)", text, re.S)
    if m:
        meta["device"] = m.group(1).strip()
    m = re.search(r"DateAcquired=([^\n]*)", text)
    if m:
        meta["date"] = m.group(1).strip()
    spectra: list[Spectrum] = []
    skipped = []
    k = 0
    while k < len(lines):
        seg = re.match(r"<Segment(\d+)>", lines[k].strip())
        if not seg:
            k += 1
            continue
        end = next((j for j in range(k + 1, len(lines)) if lines[j].strip() == f"</Segment{seg.group(1)}>"),
                   None)
        if end is None:
            raise LptError(f"{name} line {k + 1}: <Segment{seg.group(1)}> is not closed (truncated file).")
        defn = next((j for j in range(k + 1, end) if lines[j].startswith("Definition=")), None)
        if defn is None:
            raise LptError(f"{name} line {k + 1}: segment without a Definition= line naming its columns.")
        headers = [h.strip() for h in lines[defn][len("Definition="):].split(",")]
        if len(headers) > 1 and re.fullmatch(r"\d+", headers[-1]):
            headers.pop()              # VersaStudio ends the line with ", 0", which names no column
        data = [ln for ln in lines[defn + 1:end] if ln.strip()]
        if "Frequency(Hz)" not in headers or not data:
            skipped.append(seg.group(1))
            k = end + 1
            continue
        table = numeric_table(data, defn + 2, name, delimiter=",", comma=False,
                              columns=[str(i) for i in range(len(headers))])
        values = {i: table[str(i)].to_numpy(float) for i in range(len(headers))}
        f, z, notes, per_row = impedance_from_columns(headers, values, name)
        notes = [n for n in notes if "states no unit" not in n] + ["VersaStudio Z Real/Z Imag in ohm, physical sign"]
        md = dict(meta, segment=int(seg.group(1)))
        spectra += build_spectra(f, z, name, md, notes, lines=np.arange(defn + 2, defn + 2 + len(data)),
                                 per_row={"time_s": values[headers.index("Elapsed Time(s)")]}
                                 if "Elapsed Time(s)" in headers else None)
        k = end + 1
    if not spectra:
        raise LptError(f"{name}: no segment with a Frequency(Hz) column; the file holds no impedance data.")
    for s in spectra:
        if skipped:
            s.notes.append(f"segments without frequency (DC steps) skipped: {', '.join(skipped)}")
    if len(spectra) > 1:
        for k, s in enumerate(spectra, 1):
            s.source, s.metadata["sweep"] = f"{name}#sweep{k}", k
    return spectra
