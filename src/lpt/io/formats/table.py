"""Delimited text tables of impedance: plain CSV (``frequency_Hz, z_real_ohm,
z_imag_ohm``, header optional — impedance.py's three-column format), Autolab NOVA
and Z60W exports, CH Instruments "Convert to Text", Parstat/PowerSuite/VersaStudio
ASCII, Novocontrol WinDETA ASCII tables, RelaxIS text exports, |Z|/phase tables and
admittance tables.

A file may start with any number of free-text lines; the data are the runs of
numeric lines, each named by the text line just above it (its header). A file with
several such blocks (a RelaxIS export of several spectra, a WinDETA table per
temperature) gives one block after the other. Columns are recognised by
:mod:`lpt.io.columns`; without a header the first three columns are frequency, Z',
Z''.
"""

from __future__ import annotations

import re

import numpy as np

from lpt.errors import LptError
from lpt.io.columns import impedance_from_columns
from lpt.io.spectrum import Spectrum, build_spectra
from lpt.io.text import (
    check_row_lengths,
    decimal_comma,
    decode,
    delimiter_of,
    numeric_table,
)

_NUM = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?|[+-]?(?:nan|inf)", re.I)


def _is_numeric(line: str, delimiter: str | None, comma: bool) -> bool:
    fields = [t.strip().strip('"') for t in (line.split(delimiter) if delimiter else line.split())]
    while fields and fields[-1] == "":
        fields.pop()
    if len(fields) < 2:
        return False
    return all(_NUM.fullmatch(t) and (comma or "," not in t) for t in fields if t != "")


def _blocks(lines: list[str]) -> list[tuple[int, int]]:
    """(start, stop) index ranges of runs of numeric lines (blank lines end a run
    only when text follows)."""
    sample = [ln for ln in lines if ln.strip()][-50:]
    delimiter = delimiter_of(sample)
    comma = decimal_comma(sample, delimiter)
    out, start = [], None
    first = next((i for i, ln in enumerate(lines) if ln.strip() and _is_numeric(ln, delimiter, comma)), None)
    if first is None:
        return []
    try:  # fast path: everything from the first numeric line on is one table
        width = len([t for t in (lines[first].split(delimiter) if delimiter else lines[first].split()) if t.strip()])
        numeric_table([ln for ln in lines[first:] if ln.strip()], first + 1, "", delimiter=delimiter, comma=comma,
                      columns=[str(i) for i in range(width)], locate_error=False)
        return [(first, len(lines))]
    except ValueError:
        pass
    for i, ln in enumerate(lines):
        if not ln.strip():
            continue
        numeric = _is_numeric(ln, delimiter, comma)
        if numeric and start is None:
            start = i
        elif not numeric and start is not None:
            out.append((start, i))
            start = None
    if start is not None:
        out.append((start, len(lines)))
    return out


def read_table_text(text: str, name: str, instrument: str = "table", metadata: dict | None = None
                    ) -> list[Spectrum]:
    lines = text.splitlines()
    blocks = _blocks(lines)
    if not blocks:
        raise LptError(f"{name}: no numeric data lines found; expected columns frequency, Z', Z''.")
    spectra: list[Spectrum] = []
    skipped_blocks = []
    for start, stop in blocks:
        data = [ln for ln in lines[start:stop]]
        while data and not data[-1].strip():
            data.pop()
        nonblank = [ln for ln in data if ln.strip()]
        delimiter = delimiter_of(nonblank[:50])
        comma = decimal_comma(nonblank[:50], delimiter)
        first_fields = [t for t in (nonblank[0].split(delimiter) if delimiter else nonblank[0].split())]
        while first_fields and not first_fields[-1].strip():
            first_fields.pop()
        width = len(first_fields)
        header_line = next((k for k in range(start - 1, -1, -1) if lines[k].strip()), None)
        headers = None
        if header_line is not None:
            cand = lines[header_line].split(delimiter) if delimiter else re.split(r"\s{2,}|\t", lines[header_line].strip())
            cand = [c.strip().strip('"') for c in cand]
            while cand and not cand[-1]:
                cand.pop()
            if len(cand) == width:
                headers = cand
            elif delimiter is None and len(lines[header_line].split()) == width:
                headers = lines[header_line].split()
        check_row_lengths(data, range(start + 1, start + 1 + len(data)), name, delimiter, width)
        keep = [k for k, ln in enumerate(data) if ln.strip()]
        line_numbers = np.array([start + 1 + k for k in keep])
        table = numeric_table([data[k] for k in keep], start + 1, name, delimiter=delimiter, comma=comma,
                              columns=[str(i) for i in range(width)])
        values = {i: table[str(i)].to_numpy(float) for i in range(width)}
        notes: list[str] = []
        if headers is None:
            if width < 3:
                skipped_blocks.append((start + 1, stop))
                continue
            headers = ["frequency", "z_real", "z_imag"] + [f"column {i + 1}" for i in range(3, width)]
            notes.append("no header: columns taken as frequency, Z', Z''")
            z_imag = values[2]
            if np.mean(z_imag > 0) > 0.8:
                values[2] = -z_imag
                notes.append("headerless imaginary column mostly positive: read as -Z'' and negated")
            if width > 3:
                notes.append(f"{width} columns without header: using the first three")
        try:
            f, z, col_notes, per_row = impedance_from_columns(headers, values, name)
        except LptError:
            if len(blocks) == 1:
                raise
            skipped_blocks.append((start + 1, stop))
            continue
        notes = col_notes + notes
        if comma:
            notes.append("decimal comma")
        md = dict(metadata or {})
        md.setdefault("instrument", instrument)
        md["file"] = name
        spectra += build_spectra(f, z, name, md, notes, lines=line_numbers, per_row=per_row)
    if not spectra:
        raise LptError(f"{name}: no block of numbers has frequency and impedance columns.")
    if skipped_blocks:
        where = ", ".join(f"lines {a}-{b}" for a, b in skipped_blocks[:4])
        for s in spectra:
            s.notes.append(f"numeric blocks without impedance columns skipped ({where})")
    if len(spectra) > 1:
        base = name
        for k, s in enumerate(spectra, 1):
            s.source = f"{base}#sweep{k}"
            s.metadata["sweep"] = k
    return spectra


def read_table(raw: bytes, name: str) -> list[Spectrum]:
    return read_table_text(decode(raw, name), name)
