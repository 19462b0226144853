"""One cycling table for every cycler, and ``read_cycling(path)`` that builds it.

A cycling table is a :class:`pandas.DataFrame` whose columns are Battery Data Format
names (:mod:`lpt.io.bdf`), one row per record, in BDF units:

=============================  =====================================================
``test_time_second``           time since the first record, increasing
``voltage_volt``               cell voltage (working − counter electrode)
``current_ampere``             **positive on charge** (BDF), negative on discharge
``cycle_count``                the instrument's cycle number, or derived (see notes)
``step_count``                 1, 2, 3 … one per step or change of current direction
``step_id``                    the program step number, when the instrument gives one
``charging_capacity_ah``       charge passed on charge since the first record
``discharging_capacity_ah``    charge passed on discharge since the first record
``unix_time_second``           when the file states dates
``temperature_t1_celsius``,    when the file has them
``ambient_temperature_celsius``,
``applied_pressure_pa``
=============================  =====================================================

The two capacities are cumulative and never decrease: the instrument's own
accumulators (which reset per step, per cycle or never, depending on the maker) are
unrolled into running totals, or, when a file has none, the current is integrated.
``table.attrs`` holds ``file``, ``format``, ``instrument``, ``capacity_source``,
``metadata`` (what the file states) and ``notes`` (every convention applied while
reading: unit defaults, sign reversals, time repairs, derived cycles).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from lpt.constants import SECONDS_PER_HOUR
from lpt.errors import LptError
from lpt.fileio import MAX_CYCLING_BYTES, check_input_file
from lpt.io import bdf
from lpt.io.formats.generic_csv import rest_tolerance_A

# Below this median voltage under current a cell is an anode half cell, Li|Cu or
# symmetric (see charge_in_direction); every cathode against Li or graphite is above it.
ANODE_HALF_CELL_MAX_V = 2.0
FORMATS = ("neware_nda", "neware_ndax", "arbin", "maccor", "neware_csv", "novonix", "bdf",
           "biologic_mpt", "biologic_mpr", "excel", "csv")


# -- the table --------------------------------------------------------------------------
def direction_of(current_A: np.ndarray) -> np.ndarray:
    """+1 on charge, −1 on discharge, 0 at rest (|I| under 0.1 % of the largest current)."""
    tol = rest_tolerance_A(current_A)
    return np.where(current_A > tol, 1, np.where(current_A < -tol, -1, 0)).astype(np.int8)


def step_counts(direction: np.ndarray, step_id=None, cycle=None) -> np.ndarray:
    """1, 2, 3 …: a new step where the program step, the cycle or the direction changes."""
    change = np.zeros(len(direction), bool)
    for key in (step_id, cycle) if step_id is not None else (direction, cycle):
        if key is not None:
            change[1:] |= key[1:] != key[:-1]
    return np.cumsum(change) + 1


def charge_in_direction(voltage_V: np.ndarray, direction: np.ndarray) -> int:
    """+1 if charging puts charge in (cathode half cells, full cells), −1 if discharging
    does (anode half cells, whose discharge lithiates graphite or Si; Li|Cu, whose
    discharge plates Li; symmetric cells): told apart by the median voltage under
    current, below ``ANODE_HALF_CELL_MAX_V`` for the second kind."""
    under_current = voltage_V[direction != 0]
    return -1 if under_current.size and np.median(under_current) < ANODE_HALF_CELL_MAX_V else 1


def derived_cycles(direction: np.ndarray, first: int) -> np.ndarray:
    """Cycle numbers from the current: a cycle starts when direction ``first`` (the
    one that puts charge in) begins after the other one; rests join the cycle, and
    records before the first such start are cycle 1."""
    moving = direction != 0
    if not moving.any():
        return np.ones(len(direction), np.int64)
    last = pd.Series(np.where(moving, direction, np.nan)).ffill().shift(1).to_numpy()
    starts = moving & (direction == first) & (last == -first)
    return 1 + np.cumsum(starts)


def cumulative_from_accumulator(values_Ah: np.ndarray, step_count: np.ndarray) -> np.ndarray:
    """Running total from an instrument accumulator that resets per step, per cycle or never.

    A drop of the accumulator at a new step, or to under half its previous value, is a
    reset: that record adds its own value (charge since the reset); otherwise a record
    adds its increase. The first record adds its value, which is the charge already
    passed in its step when a file starts mid-test.
    """
    v = pd.Series(values_Ah).ffill().fillna(0.0).to_numpy(float)
    previous = np.r_[0.0, v[:-1]]
    new_step = np.r_[True, step_count[1:] != step_count[:-1]]
    reset = (v < previous) & (new_step | (v <= 0.5 * previous))
    increments = np.where(reset, v, v - previous)
    increments[0] = v[0]
    return np.cumsum(increments)


def integrated_ah(time_s: np.ndarray, values: np.ndarray, step_count: np.ndarray):
    """Cumulative ∫max(x,0)dt and ∫max(−x,0)dt in x·h (x = current → A h, power → W h).

    Trapezoids inside a step; across a step change the new step's value holds over
    the interval (the instrument logs a step's first record after it has started).
    """
    dt = np.diff(time_s)
    same = step_count[1:] == step_count[:-1]
    out = []
    for part in (np.maximum(values, 0.0), np.maximum(-values, 0.0)):
        mean = np.where(same, 0.5 * (part[1:] + part[:-1]), part[1:])
        out.append(np.r_[0.0, np.cumsum(mean * dt)] / SECONDS_PER_HOUR)
    return out[0], out[1]


def build_table(columns: dict[str, np.ndarray], metadata: dict, notes: list[str],
                name: str) -> pd.DataFrame:
    """Check raw columns (BDF names, SI units) and complete them into a cycling table."""
    n = len(columns["test_time_second"])
    for key, values in columns.items():
        if len(values) != n:
            raise LptError(f"{name}: column {key} has {len(values)} values, time has {n}.")
    cols = {k: np.asarray(v, float) for k, v in columns.items()}
    valid = np.isfinite(cols["test_time_second"]) & np.isfinite(cols["voltage_volt"]) \
        & np.isfinite(cols["current_ampere"])
    if valid.sum() < 2:
        raise LptError(f"{name}: fewer than 2 records with a time, a voltage and a current.")
    if not valid.all():
        notes.append(f"{int((~valid).sum())} records without time, voltage or current skipped")
        cols = {k: v[valid] for k, v in cols.items()}
    time = cols["test_time_second"]
    back = np.diff(time) < 0
    if back.any():
        notes.append(f"test time goes back at {int(back.sum())} records: later records shifted "
                     "so that time never decreases")
        time = time + np.r_[0.0, np.cumsum(np.where(back, -np.diff(time), 0.0))]
    cols["test_time_second"] = time
    if time[0] > max(60.0, 10 * float(np.median(np.diff(time)))):
        notes.append(f"the first record is at {time[0]:g} s of test time: the file starts mid-test")

    direction = direction_of(cols["current_ampere"])
    for key in ("step_id", "cycle_count"):
        if key in cols and not np.isfinite(cols[key]).all():
            if np.isfinite(cols[key]).mean() < 0.5:
                notes.append(f"{key} is missing in most records: not used")
                del cols[key]
                continue
            notes.append(f"{key} is missing in {int((~np.isfinite(cols[key])).sum())} records: "
                         "filled from the neighbouring records")
            cols[key] = pd.Series(cols[key]).ffill().bfill().to_numpy()
    step_id = cols.get("step_id")
    cycle = cols.get("cycle_count")
    half_cycles = int(np.count_nonzero(np.diff(direction[direction != 0]))) + int((direction != 0).any())
    if cycle is None or np.any(np.diff(cycle) < 0) \
            or (np.unique(cycle).size == 1 and half_cycles >= 3):
        why = "the file has no cycle number" if cycle is None else \
            "the file's cycle number is missing, decreasing or constant"
        first = charge_in_direction(cols["voltage_volt"], direction)
        notes.append(f"{why}: cycles derived from the current (a cycle starts at each "
                     f"{'charge' if first > 0 else 'discharge'} that follows a "
                     f"{'discharge' if first > 0 else 'charge'})")
        cycle = derived_cycles(direction, first).astype(float)
    cols["cycle_count"] = cycle
    steps = step_counts(direction, step_id, cycle)
    cols["step_count"] = steps.astype(float)

    if "charging_capacity_ah" in cols and "discharging_capacity_ah" in cols:
        charge = cumulative_from_accumulator(np.abs(cols["charging_capacity_ah"]), steps)
        discharge = cumulative_from_accumulator(np.abs(cols["discharging_capacity_ah"]), steps)
        charge, discharge, cols["current_ampere"] = _check_sign(
            charge, discharge, cols["current_ampere"], direction, notes)
        source = "instrument"
    else:
        charge, discharge = integrated_ah(cols["test_time_second"], cols["current_ampere"], steps)
        source = "integrated current"
        notes.append("no capacity columns: capacities integrated from the current")
    cols["charging_capacity_ah"], cols["discharging_capacity_ah"] = charge, discharge

    order = [c.name for c in bdf.COLUMNS if c.name in cols]
    table = pd.DataFrame({k: cols[k] for k in order})
    for key in ("cycle_count", "step_count", "step_id"):
        if key in table:
            table[key] = table[key].round().astype(np.int64)
    table.attrs.update(file=name, format=metadata.get("format", "unknown"),
                       instrument=metadata.get("instrument", "unknown"),
                       capacity_source=source, metadata=dict(metadata), notes=list(notes))
    return table


def _check_sign(charge, discharge, current, direction, notes):
    """If the charge accumulator grows while the current is negative, the file counts
    discharge as positive: reverse the current (the accumulators name the truth)."""
    d_charge = np.diff(charge, prepend=0.0)
    grows_on_negative = d_charge[direction < 0].sum()
    grows_on_positive = d_charge[direction > 0].sum()
    if grows_on_negative > 2 * grows_on_positive and grows_on_negative > 0:
        notes.append("the charge capacity grows while the current is negative: current sign "
                     "reversed to positive on charge")
        return charge, discharge, -current
    return charge, discharge, current


# -- reading ------------------------------------------------------------------------------
def detect_format(path: Path) -> str:
    """The format of a cycler file, from its content first and its extension last."""
    with open(path, "rb") as stream:
        head = stream.read(1 << 16)
    if not head.strip():
        raise LptError(f"{path.name}: the file is empty.")
    if head.startswith(b"NEWARE"):
        return "neware_nda"
    if head.startswith(b"BIO-LOGIC MODULAR FILE"):
        return "biologic_mpr"
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            raise LptError(f"{path.name}: a damaged zip archive (neither .ndax nor .xlsx).") from None
        if any(n.startswith("xl/") for n in names):
            return "excel"
        if any(n.lower().endswith(".ndc") or n == "VersionInfo.xml" for n in names):
            return "neware_ndax"
        raise LptError(f"{path.name}: a zip archive that is neither a Neware .ndax nor an Excel workbook.")
    if head[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "excel"                                 # legacy .xls
    if b"Standard Jet DB" in head[:64] or b"Standard ACE DB" in head[:64]:
        raise LptError(f"{path.name}: an Arbin .res (MS Access) file; no permissively licensed "
                       "reader exists, export it as CSV or Excel from MITS Pro / Data Watcher.")
    from lpt.io import text

    lines = text.decode(head, path.name, refuse_binary=True).splitlines()[:200]
    first = "\n".join(lines[:5])
    if "EC-Lab ASCII FILE" in first:
        return "biologic_mpt"
    if "Novonix" in first or (lines and lines[0].strip() == "[Summary]"):
        return "novonix"
    joined = "\n".join(lines)
    if any(("Rec#" in ln or ln.startswith("Rec\t")) and ("Cyc" in ln or "Cycle" in ln) for ln in lines):
        return "maccor"
    if any(bdf.looks_like_bdf(ln) for ln in lines[:3]):
        return "bdf"
    if any("Data_Point" in ln and "Test_Time" in ln for ln in lines[:3]):
        return "arbin"
    if "Step Type" in joined and ("Chg. Cap" in joined or "DChg. Cap" in joined or "Capacity(" in joined):
        return "neware_csv"
    if any("time/s" in ln and ("Ewe/V" in ln or "Ecell/V" in ln) for ln in lines[:3]):
        return "biologic_mpt"
    return "csv"


def read_cycling(path: str | Path, format: str | None = None) -> pd.DataFrame:
    """Read any supported cycler file into a cycling table (see the module docstring).

    ``format`` forces a reader (one of :data:`FORMATS`); by default it is detected
    from the content. Every failure is an :class:`~lpt.errors.LptError` naming the file.
    """
    path = check_input_file(path, "cycling", MAX_CYCLING_BYTES)
    fmt = format or detect_format(path)
    if fmt not in FORMATS:
        raise LptError(f"{path.name}: unknown format {fmt!r}; one of {', '.join(FORMATS)}.")
    columns, metadata, notes = _READERS[fmt]()(path)
    metadata.setdefault("format", fmt)
    table = build_table(columns, metadata, notes, path.name)
    _check_ranges(table, path.name)
    return table


# Values no cell tester records: beyond them a number is a unit slip or a corrupt
# record, and the capacities and energies computed from it would be silently wrong.
PLAUSIBLE_LIMITS = {"voltage_volt": 1e3, "current_ampere": 1e4, "test_time_second": 1e10}


def _check_ranges(table: pd.DataFrame, name: str) -> None:
    for column, limit in PLAUSIBLE_LIMITS.items():
        if column not in table:
            continue
        values = table[column].to_numpy(dtype=float)
        bad = np.flatnonzero(np.abs(values) > limit)
        if bad.size:
            k = int(bad[0])
            raise LptError(f"{name}: record {k + 1} has {column} = {values[k]:.4g}, beyond the ±{limit:g} a cell "
                           f"tester records (a unit slip or a corrupt record?).")


def _reader(module: str, function: str = "read"):
    def load():
        import importlib

        return getattr(importlib.import_module(f"lpt.io.formats.{module}"), function)
    return load


def _read_bdf(path):
    columns, metadata = bdf.read_bdf(path)
    return columns, metadata, []


_READERS = {
    "neware_nda": _reader("neware"), "neware_ndax": _reader("neware"),
    "neware_csv": _reader("neware", "read_csv"), "arbin": _reader("arbin"),
    "maccor": _reader("maccor"), "novonix": _reader("novonix"), "excel": _reader("excel"),
    "csv": _reader("generic_csv"), "bdf": lambda: _read_bdf,
    "biologic_mpt": _reader("biologic_cycling"), "biologic_mpr": _reader("biologic_cycling"),
}
