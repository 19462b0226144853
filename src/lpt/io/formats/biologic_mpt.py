"""BioLogic EC-Lab / BT-Lab text export (``.mpt``) into its raw column table.

Layout (EC-Lab's "Text File Export"): line 1 ``EC-Lab ASCII FILE`` (``BT-Lab ASCII
FILE`` from BT-Lab), line 2 ``Nb header lines : N``, then the settings, and on line
N the tab-separated column names with their units (``freq/Hz``, ``Re(Z)/Ohm``,
``-Im(Z)/Ohm``, ``Ewe/V`` — ``Ecell/V`` in BT-Lab — ``cycle number`` ...). An
export with "no header" starts directly with the column-name line. Numbers use the
Windows locale's decimal separator (a comma in German or French settings) and the
text is Windows-1252 ("µF", "°C", "cm²").
"""

from __future__ import annotations

import re

import pandas as pd

from lpt.errors import LptError
from lpt.io.text import decimal_comma, decode, numeric_table, unique_names

MAGICS = ("EC-Lab ASCII FILE", "BT-Lab ASCII FILE")
_KNOWN_COLUMN = re.compile(r"^(mode|freq/Hz|time/s|Ewe/V|Ecell/V|Re\(Z\)/Ohm)$")
_HEADER_KEYS = {
    "Acquisition started on": "acquisition_start",
    "Device": "device",
    "Run on channel": "channel",
    "Electrode surface area": "electrode_area",
    "Characteristic mass": "characteristic_mass",
    "Comments": "comments",
}


def is_mpt(head: bytes) -> bool:
    text = head[:64].decode("latin-1").lstrip("\ufeff")
    if text.startswith(MAGICS):
        return True
    first = text.split("\n", 1)[0].split("\t")
    return bool(first) and bool(_KNOWN_COLUMN.match(first[0].strip())) and len(first) > 2


def read_mpt_table(raw: bytes, name: str) -> tuple[pd.DataFrame, dict]:
    """The file's table with EC-Lab's column names (units included) and the header
    facts (software, technique, device, acquisition start, loops)."""
    text = decode(raw, name)
    lines = text.splitlines()
    meta: dict = {"instrument": "BioLogic", "file_format": "EC-Lab text export (.mpt)"}
    if lines and lines[0].strip() in MAGICS:
        meta["software"] = lines[0].split()[0]
        if len(lines) < 2:
            raise LptError(f"{name}: truncated EC-Lab file (no header line count on line 2).")
        m = re.search(r"Nb header lines\s*:\s*(\d+)", lines[1])
        if not m:
            raise LptError(f'{name} line 2: expected "Nb header lines : N" of an EC-Lab .mpt file.')
        n_header = int(m.group(1))
        if n_header < 3 or n_header > len(lines):
            raise LptError(f"{name} line 2: header line count {n_header} does not fit a file of "
                           f"{len(lines)} lines.")
        _header_facts(lines[2:n_header - 1], meta)
    else:
        n_header = 1  # "no header" export: the first line names the columns
    if not lines:
        raise LptError(f"{name}: the file holds no text (an EC-Lab export starts with its header or column line).")
    names = lines[n_header - 1].rstrip("\r\n").split("\t")
    while names and not names[-1].strip():
        names.pop()
    names = unique_names([n.strip() for n in names])
    if len(names) < 2:
        raise LptError(f"{name} line {n_header}: expected tab-separated column names of an EC-Lab table.")
    data = lines[n_header:]
    while data and not data[-1].strip():
        data.pop()
    if not data:
        raise LptError(f"{name}: the EC-Lab table has a header but no data rows.")
    comma = decimal_comma(data[:50], "\t")
    table = numeric_table(data, n_header + 1, name, delimiter="\t", comma=comma, columns=names)
    if comma:
        meta["decimal_comma"] = True
    meta["first_data_line"] = n_header + 1
    return table, meta


def _header_facts(lines: list[str], meta: dict) -> None:
    for ln in lines:
        if ln.strip() and "technique" not in meta and ":" not in ln and "  " not in ln.strip():
            meta["technique"] = ln.strip()  # third non-empty line: the technique's full name
        key, sep, value = ln.partition(" : ")
        if sep and key.strip() in _HEADER_KEYS:
            meta[_HEADER_KEYS[key.strip()]] = value.strip()
        m = re.match(r"Loop (\d+) from point number (\d+) to (\d+)", ln.strip())
        if m:
            meta.setdefault("loops", []).append((int(m.group(2)), int(m.group(3))))
