"""Arbin MITS exports (CSV, and Excel through :mod:`lpt.io.formats.excel`).

Arbin writes ``Data_Point, Test_Time(s), Date_Time, Step_Time(s), Step_Index,
Cycle_Index, Current(A), Voltage(V), Charge_Capacity(Ah), Discharge_Capacity(Ah), …``
(units in brackets, or none in older exports: then A, V, s and A h). The current is
signed, positive on charge; the capacity accumulators reset at each cycle. Binary
``.res`` files (MS Access) have no permissively licensed reader and are refused with
advice to export.
"""

from __future__ import annotations

from pathlib import Path

from lpt.io import text
from lpt.io.formats import generic_csv


def read(path: Path):
    lines = text.head_lines(path)
    k = text.find_line(lines, lambda ln: "Data_Point" in ln and "Test_Time" in ln, path.name,
                       "Arbin header (Data_Point, Test_Time, …)")
    delimiter, decimal = text.sniff(lines[k], lines[k + 1:])
    frame = text.read_body(path, k, delimiter, decimal, path.name)
    notes: list[str] = []
    columns = generic_csv.map_columns(frame, path.name, notes)
    return columns, {"instrument": "Arbin", "format": "arbin"}, notes
