"""Battery Data Format (BDF) column names, and BDF CSV import and export.

The Battery Data Format of the Battery Data Alliance (Linux Foundation Energy,
https://github.com/battery-data-alliance/battery-data-format) fixes one column per
quantity, each with a machine-readable name (``test_time_second``) used in lpt's
cycling tables and a preferred label (``Test Time / s``) written as the header of a
BDF file. Units are fixed by the name. Sign convention, as in the BDF definitions of
the charging and discharging capacities (the integral of the positive, respectively
negative, part of the current): **current is positive on charge**.

``step_id`` is the instrument's program step number (BDF "Step ID"; the older
``step_index`` name of the first BDF release now means a record's position within
its step and is not written).
"""

from __future__ import annotations

import csv
import os
import re
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from lpt.errors import LptError
from lpt.io import text, units


@dataclass(frozen=True)
class BdfColumn:
    name: str          # machine-readable name, the column name in lpt's tables
    label: str         # preferred label, the header of a BDF file
    unit: str          # the unit the name fixes ("1" for counts)


COLUMNS = (
    BdfColumn("test_time_second", "Test Time / s", "s"),
    BdfColumn("voltage_volt", "Voltage / V", "V"),
    BdfColumn("current_ampere", "Current / A", "A"),
    BdfColumn("unix_time_second", "Unix Time / s", "s"),
    BdfColumn("cycle_count", "Cycle Count / 1", "1"),
    BdfColumn("step_count", "Step Count / 1", "1"),
    BdfColumn("step_id", "Step ID", "1"),
    BdfColumn("charging_capacity_ah", "Charging Capacity / Ah", "Ah"),
    BdfColumn("discharging_capacity_ah", "Discharging Capacity / Ah", "Ah"),
    BdfColumn("ambient_temperature_celsius", "Ambient Temperature / degC", "degC"),
    BdfColumn("temperature_t1_celsius", "Temperature T1 / degC", "degC"),
    BdfColumn("applied_pressure_pa", "Applied Pressure / Pa", "Pa"),
)
BY_NAME = {c.name: c for c in COLUMNS}
REQUIRED = ("test_time_second", "voltage_volt", "current_ampere")

# Labels of earlier BDF drafts and of files written by other tools, by quantity.
_LABEL_SYNONYMS = {
    "test time": "test_time_second", "voltage": "voltage_volt", "current": "current_ampere",
    "unix time": "unix_time_second", "cycle count": "cycle_count", "cycle index": "cycle_count",
    "step count": "step_count", "step id": "step_id", "step index": "step_id",
    "charging capacity": "charging_capacity_ah", "charge capacity": "charging_capacity_ah",
    "discharging capacity": "discharging_capacity_ah", "discharge capacity": "discharging_capacity_ah",
    "ambient temperature": "ambient_temperature_celsius", "temperature t1": "temperature_t1_celsius",
    "surface temperature t1": "temperature_t1_celsius", "applied pressure": "applied_pressure_pa",
}
# The dimension of each BDF quantity, for the unit a BDF-style label may carry.
_DIMENSION = {"test_time_second": "time", "unix_time_second": "time", "voltage_volt": "voltage",
              "current_ampere": "current", "charging_capacity_ah": "capacity",
              "discharging_capacity_ah": "capacity", "ambient_temperature_celsius": "temperature",
              "temperature_t1_celsius": "temperature", "applied_pressure_pa": "pressure"}
_LABEL = re.compile(r"^\s*(?P<quantity>[^/]+?)\s*(?:/\s*(?P<unit>.+?))?\s*$")


def bdf_name(header: str) -> tuple[str, float] | None:
    """(machine-readable name, factor to its BDF unit) for a BDF label or name, or None."""
    h = header.strip().strip('"')
    if h in BY_NAME:
        return h, 1.0
    m = _LABEL.match(h)
    if not m:
        return None
    name = _LABEL_SYNONYMS.get(m["quantity"].lower())
    if name is None:
        return None
    if name not in _DIMENSION:                       # counts: "/ 1" or nothing
        return (name, 1.0) if (m["unit"] or "1").strip() == "1" else None
    scale = units.factor(m["unit"] or BY_NAME[name].unit, _DIMENSION[name])
    return None if scale is None else (name, scale)


def looks_like_bdf(header_line: str) -> bool:
    """True when a header names the three required BDF quantities by label or name."""
    cells = [c for c in re.split(r"[,;\t]", header_line) if c.strip()]
    names = {hit[0] for hit in map(bdf_name, cells) if hit}
    return set(REQUIRED) <= names


def read_bdf(path: str | Path) -> tuple[dict[str, np.ndarray], dict]:
    """Columns (BDF names, BDF units) of a BDF CSV file, and what the file states."""
    path = Path(path)
    with open(path, "rb") as stream:  # UTF-16 (Windows "Unicode" saves) or UTF-8 with or without a BOM
        encoding = "utf-16" if stream.read(2) in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"
    # index_col=False: a row wider than the header must not turn its first cell into an index
    # and shift the rest; pandas' ParserWarning (a wide row cut) is an error, the row named.
    options = {"sep": None, "engine": "python"} if path.stat().st_size < 1 << 20 else {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(path, encoding=encoding, index_col=False, **options)
    except (pd.errors.ParserWarning, pd.errors.ParserError) as err:
        lines = text.decode(path.read_bytes(), path.name).splitlines()
        delimiter = text.delimiter_of(lines[:50]) or ","
        text.refuse_wide_rows(lines[1:], range(2, len(lines) + 1), delimiter, len(text.cells_of(lines[0], delimiter)),
                              path.name, "the header (line 1)")
        raise LptError(f"{path.name}: not a readable BDF CSV table ({str(err).splitlines()[0][:80]}).") from None
    except (ValueError, UnicodeDecodeError, csv.Error) as err:
        raise LptError(f"{path.name}: not a readable BDF CSV table ({str(err).splitlines()[0][:80]}).") from None
    columns: dict[str, np.ndarray] = {}
    for header in frame.columns:
        hit = bdf_name(str(header))
        if hit is None or hit[0] in columns:
            continue
        values = pd.to_numeric(frame[header], errors="coerce").to_numpy(float)
        columns[hit[0]] = values * hit[1]
    missing = [BY_NAME[n].label for n in REQUIRED if n not in columns]
    if missing:
        raise LptError(f"{path.name}: a BDF file needs the columns {', '.join(missing)}; "
                       f"found {', '.join(map(str, frame.columns))[:120]}.")
    return columns, {"instrument": "BDF", "format": "bdf"}


def write_bdf(table: pd.DataFrame, out: str | Path, inputs: tuple[str | Path, ...] = ()) -> Path:
    """Write a cycling table as BDF CSV (preferred labels as header), atomically.

    The file appears complete or not at all (written beside the target, then renamed).
    ``out`` may not be one of ``inputs``: converting a file must never overwrite it.
    """
    out = Path(out)
    for source in inputs:
        if Path(source).exists() and out.exists() and os.path.samefile(source, out):
            raise LptError(f"{out}: refusing to overwrite the input file; choose another --out.")
    if not out.parent.exists():
        raise LptError(f"{out}: the folder {out.parent} does not exist.")
    names = [c.name for c in COLUMNS if c.name in table.columns]
    frame = table[names].rename(columns={n: BY_NAME[n].label for n in names})
    handle, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(handle, "w", newline="") as stream:
            frame.to_csv(stream, index=False, float_format="%.15g")
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out
