"""Maccor text exports, in their many dialects.

Seen in the wild (and in ``tests/data/io/maccor``): a preamble of 1–15 lines, then
a header starting ``Rec#``/``Rec``; cycle as ``Cyc#`` or ``Cycle P``/``Cycle C``
(procedure and count: the count is used); test time as seconds (``Test (Sec)``,
``TestTime`` with numbers), as ``0d 00:00:05.05`` durations, or in minutes or hours
when the header says so; capacity ``Amp-hr``/``Cap. [Ah]``/mAh, which resets at
every step; current ``Amps``/``Current [A]``/mA, unsigned beside a state column
(``State`` or ``Md``: C, D, R, O, S…) in most exports, signed in some; tab or
comma separated; decimal commas from European Windows locales.
"""

from __future__ import annotations

import re
from pathlib import Path

from lpt.errors import LptError
from lpt.io import text
from lpt.io.formats import generic_csv

# Maccor names -> names the generic mapper reads (units stay in the header)
_RENAMES = (
    (r"^rec#?$", "Record"), (r"^cyc#$", "Cycle"), (r"^cycle c$", "Cycle"), (r"^cycle p$", "Procedure cycle"),
    (r"^test \(sec\)$", "Test Time (s)"), (r"^test \(min\)$", "Test Time (min)"),
    (r"^test \(hr\)$", "Test Time (h)"), (r"^testtime$", "Test Time"),
    (r"^step \(sec\)$", "Step Time (s)"), (r"^steptime$", "Step Time"),
    (r"^amp-hr$", "Capacity (Ah)"), (r"^watt-hr$", "Energy (Wh)"), (r"^amps$", "Current (A)"),
    (r"^volts$", "Voltage (V)"), (r"^md$", "State"), (r"^dpt time$", "Date"),
)


def _rename(column: str) -> str:
    key = re.sub(r"\s+", " ", column.strip().lower())
    for pattern, new in _RENAMES:
        if re.match(pattern, key):
            return new
    return column


def _is_header(line: str) -> bool:
    cells = [c.strip().lower() for c in re.split(r"[\t,;]", line)]
    return bool(cells) and cells[0] in ("rec#", "rec") and any(c.startswith("cyc") for c in cells)


def read(path: Path):
    lines = text.head_lines(path)
    k = text.find_line(lines, _is_header, path.name, "Maccor header (Rec#, Cyc#, …)")
    preamble = lines[:k]
    body = [ln for ln in lines[k + 1:] if ln.strip()]
    delimiter, decimal = text.sniff(lines[k], body)
    frame = text.read_body(path, k, delimiter, decimal, path.name)
    frame.columns = [_rename(c) for c in frame.columns]
    if frame.columns.duplicated().any():
        frame = frame.loc[:, ~frame.columns.duplicated()]
    if "State" not in frame.columns:
        raise LptError(f"{path.name}: a Maccor export without a State/Md column; the sign of "
                       "its current cannot be known.")
    notes: list[str] = []
    columns = generic_csv.map_columns(frame, path.name, notes)
    if decimal == ",":
        notes.append("decimal commas read")
    metadata = {"instrument": "Maccor", "format": "maccor"}
    for line in preamble:
        for key, value in re.findall(r"(Procedure|Filename|Date of Test|Channel)\s*:?\s*\t\s*([^\t]+)", line):
            metadata[key.lower().replace(" ", "_")] = value.strip()
    return columns, metadata, notes
