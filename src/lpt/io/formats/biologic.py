"""BioLogic files (.mpt text, .mpr binary) as a raw table, and the impedance
spectra in it.

:func:`read_biologic_table` is shared with the cycling readers: one table with the
column names EC-Lab writes (units included), whichever of the two files was given.
:func:`biologic_spectra` takes the impedance rows: ``freq/Hz`` with ``Re(Z)/Ohm`` and
``-Im(Z)/Ohm`` (negated to the physical Z''), or ``|Z|/Ohm`` with ``Phase(Z)/deg``
where a Modulo Bat export lacks the Cartesian pair. Rows with zero frequency
(the OCV or cycling rows between sweeps of a Modulo Bat file) are skipped with a note.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from lpt.errors import LptError
from lpt.fileio import MAX_CYCLING_BYTES, read_input_bytes
from lpt.io.columns import impedance_from_columns
from lpt.io.formats.biologic_mpr import is_mpr, read_mpr_table
from lpt.io.formats.biologic_mpt import read_mpt_table
from lpt.io.spectrum import Spectrum, build_spectra


def read_biologic_table(path) -> tuple[pd.DataFrame, dict]:
    """Raw column table of an EC-Lab/BT-Lab ``.mpt`` or ``.mpr`` file and its metadata.

    Columns keep EC-Lab's names with units (``time/s``, ``Ewe/V`` or BT-Lab's
    ``Ecell/V``, ``I/mA``, ``freq/Hz`` ...). A file with ``half cycle`` but no
    ``cycle number`` (the .mpr of GCPL and Modulo Bat) gains ``cycle number`` =
    half cycle // 2, EC-Lab's own rule (a cycle is a charge and a discharge).
    """
    path = Path(path)
    raw = read_input_bytes(path, "BioLogic", MAX_CYCLING_BYTES)
    return biologic_table_from_bytes(raw, str(path))


def biologic_table_from_bytes(raw: bytes, name: str) -> tuple[pd.DataFrame, dict]:
    table, meta = read_mpr_table(raw, name) if is_mpr(raw[:64]) else read_mpt_table(raw, name)
    meta["file"] = name
    if "cycle number" not in table.columns and "half cycle" in table.columns:
        table["cycle number"] = (table["half cycle"] // 2).astype(float)
        meta["cycle_number_from_half_cycle"] = True
    return table, meta


def biologic_spectra(raw: bytes, name: str) -> list[Spectrum]:
    table, meta = biologic_table_from_bytes(raw, name)
    cols = set(table.columns)
    notes: list[str] = []
    if "freq/Hz" not in cols:
        technique = meta.get("technique", "this technique")
        raise LptError(f"{name}: no freq/Hz column ({technique}); the file holds no impedance data.")
    f = table["freq/Hz"].to_numpy(float)
    if {"Re(Z)/Ohm", "-Im(Z)/Ohm"} <= cols:
        z = table["Re(Z)/Ohm"].to_numpy(float) - 1j * table["-Im(Z)/Ohm"].to_numpy(float)
        notes.append("column -Im(Z)/Ohm negated to physical Z''")
    elif {"|Z|/Ohm", "Phase(Z)/deg"} <= cols:
        z = table["|Z|/Ohm"].to_numpy(float) * np.exp(1j * np.deg2rad(table["Phase(Z)/deg"].to_numpy(float)))
        notes.append("Z from |Z|/Ohm and Phase(Z)/deg (no Re(Z)/-Im(Z) columns in the file)")
    else:
        # A table whose -Im(Z) header was lost (a spreadsheet turns "-Im(Z)/Ohm" into
        # "#NAME?"): recognise what is left by name — admittance stays admittance.
        headers = list(table.columns)
        values = {i: table[c].to_numpy(float) for i, c in enumerate(headers)}
        f, z, col_notes, _ = impedance_from_columns(headers, values, name)
        notes += [n for n in col_notes if "states no unit" not in n]
    if meta.get("decimal_comma"):
        notes.append("decimal comma")
    first = meta.get("first_data_line", 1)
    lines = np.arange(first, first + len(f))
    groups = _sweep_groups(table, meta)
    per_row = {}
    if "time/s" in cols:
        per_row["time_s"] = table["time/s"].to_numpy(float)
    if "Temperature/°C" in cols:
        per_row["temperature_C"] = table["Temperature/°C"].to_numpy(float)
    if "cycle number" in cols:
        per_row["cycle"] = table["cycle number"].to_numpy(float)
    md = {k: v for k, v in meta.items() if k not in ("loops", "first_data_line")}
    return build_spectra(f, z, name, md, notes, lines=lines, groups=groups, per_row=per_row)


def _sweep_groups(table: pd.DataFrame, meta: dict) -> np.ndarray | None:
    """A label per row that changes where the file itself says a new sweep begins:
    EC-Lab's loops (``Loop k from point number a to b``), cycle number, Ns. (``z cycle``
    is not used: in Modulo Bat files it can change in the middle of a sweep.)"""
    n = len(table)
    label = np.zeros(n, dtype=np.int64)
    used = False
    for a, b in meta.get("loops", []):
        label[a:b + 1] += a + 1
        used = True
    for col in ("cycle number", "Ns"):
        if col in table.columns:
            v = table[col].to_numpy(float)
            label = label * 100003 + np.nan_to_num(v, nan=-1).astype(np.int64)
            used = True
    return label if used else None
