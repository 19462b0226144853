"""Neware: binary .nda/.ndax through NewareNDA (BSD-3-Clause), and CSV exports.

NewareNDA returns one row per record with the step time (``Time``), the running
step number (``Step``), the program step (``Step_Index``), the cycle, signed current
in mA and per-step charge/discharge accumulators in mAh. Two quirks are handled here:

* ``Time`` is the time within the step in most .nda/.ndax versions and the total
  time in some: it is read as step time when it falls back to ~0 at new steps, and
  test time is then rebuilt by adding up the steps' durations;
* .ndax timestamps can jump backwards (clock changes, merged files): test time is
  never taken from them, and a backwards jump is written in the notes.
"""

from __future__ import annotations

import io
import logging
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from lpt.errors import LptError
from lpt.io import text
from lpt.io.formats import generic_csv


def read(path: Path):
    """A Neware .nda or .ndax binary file."""
    try:
        import NewareNDA
    except ImportError:
        raise LptError(f"{path.name}: reading Neware .nda/.ndax needs the NewareNDA package "
                       "(pip install NewareNDA).") from None
    suffix = ".ndax" if _is_zip(path) else ".nda"
    if path.suffix.lower() != suffix:
        raise LptError(f"{path.name}: Neware {suffix} content; rename the file to end in {suffix}.")
    logging.getLogger("newarenda").setLevel(logging.ERROR)
    try:
        frame = NewareNDA.read(str(path), software_cycle_number=False)
    except Exception as err:                      # a foreign reader's failure on bad bytes
        raise LptError(f"{path.name}: not a readable Neware file "
                       f"({type(err).__name__}: {str(err)[:80]}).") from None
    if len(frame) < 2:
        raise LptError(f"{path.name}: fewer than 2 records in the Neware file.")
    notes: list[str] = []
    step = frame["Step"].to_numpy(np.int64)
    columns = {
        "test_time_second": test_time_from_step_time(frame["Time"].to_numpy(float), step, notes),
        "voltage_volt": frame["Voltage"].to_numpy(float),
        "current_ampere": frame["Current(mA)"].to_numpy(float) * 1e-3,
        "cycle_count": frame["Cycle"].to_numpy(float),
        "step_id": frame["Step_Index"].to_numpy(float),
        "charging_capacity_ah": frame["Charge_Capacity(mAh)"].to_numpy(float) * 1e-3,
        "discharging_capacity_ah": frame["Discharge_Capacity(mAh)"].to_numpy(float) * 1e-3,
    }
    if "T1" in frame:
        columns["temperature_t1_celsius"] = frame["T1"].to_numpy(float)
    if "Timestamp" in frame:
        stamps = pd.to_datetime(frame["Timestamp"], errors="coerce")
        if stamps.dt.tz is None:
            stamps = stamps.dt.tz_localize("UTC")
            notes.append("timestamps carry no time zone; read as UTC")
        unix = (stamps - pd.Timestamp(0, tz="UTC")).dt.total_seconds().to_numpy(float)
        back = np.diff(unix) < -1e-6
        if back.any():
            notes.append(f"timestamps jump backwards at {int(back.sum())} records; test time "
                         "is built from the step times, not from them")
        columns["unix_time_second"] = unix
    try:
        metadata = {k: v for k, v in NewareNDA.read_metadata(str(path)).items()
                    if isinstance(v, (str, int, float))}
    except Exception:                              # metadata is optional; the data was read
        metadata = {}
    metadata.update(instrument="Neware", format=f"neware_{suffix.lstrip('.')}")
    return columns, metadata, notes


def test_time_from_step_time(time_s: np.ndarray, step: np.ndarray, notes: list[str]) -> np.ndarray:
    """Test time from a column that is step time (restarts at each step) or total time."""
    new_step = np.r_[False, step[1:] != step[:-1]]
    restarts = new_step & (time_s < np.r_[0.0, time_s[:-1]] - 1e-9)
    if new_step.sum() == 0 or restarts.sum() < 0.5 * new_step.sum():
        notes.append("Neware 'Time' increases across steps: read as total test time")
        return time_s
    # offset of each step = sum of the durations (last step time) of the steps before it
    starts = np.flatnonzero(np.r_[True, new_step[1:]])
    ends = np.r_[starts[1:] - 1, len(time_s) - 1]
    durations = time_s[ends] - np.minimum(time_s[starts], 0.0)
    offsets = np.r_[0.0, np.cumsum(durations)[:-1]]
    notes.append("Neware 'Time' is step time: test time rebuilt from the steps' durations")
    return time_s + np.repeat(offsets, ends - starts + 1)


def _is_zip(path: Path) -> bool:
    with open(path, "rb") as stream:
        return stream.read(2) == b"PK"


def read_csv(path: Path):
    """A Neware BTSDA CSV export: one record per line, or the cycle/step/record layers."""
    lines = text.head_lines(path)
    if len(lines) > 2 and lines[1].startswith(",") and lines[2].startswith(",,"):
        return _read_layered(path, lines)
    k = text.find_line(lines, lambda ln: "Voltage" in ln and "Current" in ln, path.name,
                       "Neware header naming voltage and current")
    delimiter, decimal = text.sniff(lines[k], lines[k + 1:])
    frame = text.read_body(path, k, delimiter, decimal, path.name)
    notes: list[str] = []
    columns = generic_csv.map_columns(frame, path.name, notes)
    return columns, {"instrument": "Neware", "format": "neware_csv"}, notes


def _read_layered(path: Path, lines: list[str]):
    """BTSDA's three-layer export: cycle lines, ',step' lines, ',,record' lines."""
    with open(path, "rb") as stream:
        raw = text.decode(stream.read(), path.name, refuse_binary=True)
    rows = pd.Series(raw.splitlines()[3:])
    level = np.where(rows.str.startswith(",,"), 2, np.where(rows.str.startswith(","), 1, 0))
    first = rows.str.split(",", n=3, expand=True)
    cycle = pd.to_numeric(first[0].where(level == 0), errors="coerce").ffill()
    step = pd.to_numeric(first[1].where(level == 1), errors="coerce").ffill()
    record_header = lines[2].split(",")[2:]
    records = rows[level == 2].str.slice(2)
    width = max(len(record_header), 1)
    try:
        with warnings.catch_warnings():        # pandas cuts a wide first record with a mere warning
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(io.StringIO("\n".join(records)), header=None, names=range(width + 1),
                                index_col=False)
        wide = bool(frame.iloc[:, width].notna().any())
    except (pd.errors.ParserWarning, pd.errors.ParserError):
        wide = True
    except pd.errors.EmptyDataError:
        raise LptError(f"{path.name}: the layered Neware export holds no record lines (',,' lines).") from None
    if wide:                                   # a record with more cells than its header: name it
        text.refuse_wide_rows(records, records.index + 4, ",", width, path.name, "the record header (line 3)")
        raise LptError(f"{path.name}: a record line has more cells than the record header (line 3).")
    frame = frame.iloc[:, :len(record_header)]
    frame.columns = [c.strip() for c in record_header]
    frame["Cycle Index"] = cycle[level == 2].to_numpy()
    frame["Step Index"] = step[level == 2].to_numpy()
    notes = ["Neware layered export: cycle and step numbers taken from the cycle and step lines"]
    columns = generic_csv.map_columns(frame, path.name, notes)
    return columns, {"instrument": "Neware", "format": "neware_csv"}, notes
