"""Delimited cycling tables of any maker, by column names and the units in them.

A header cell is split into a name and a unit (``Current(mA)``, ``I/mA``,
``Cap. [Ah]``, ``current_uA``, ``Test Time / h``), the name is matched against the
names cyclers use for each quantity, and the unit converts the values to SI (A h
for capacities). A column without a unit is read in the quantity's default unit and
the table's notes say so. Current may be signed (positive on charge, as BDF) or
unsigned beside a state column (``C``/``D``/``R``, ``CC_Chg``/``CC_DChg``/``Rest``):
then discharge rows are negated and the notes say so.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from lpt.errors import LptError
from lpt.io import text, units

# quantity -> (dimension or None, names in order of preference)
QUANTITIES = {
    "time": ("time", ("test time", "test_time", "testtime", "total time", "total_time",
                      "cumulative time", "run time", "elapsed time", "time", "t")),
    "step_time": ("time", ("step time", "step_time", "steptime")),
    "voltage": ("voltage", ("voltage", "cell voltage", "potential", "volts", "ecell", "ewe", "u", "v", "e")),
    "current": ("current", ("current", "amps", "i", "cur")),
    "charge_capacity": ("capacity", ("charge capacity", "charge_capacity", "charging capacity",
                                     "chg. cap.", "chg cap", "chg. cap", "q charge", "charge cap")),
    "discharge_capacity": ("capacity", ("discharge capacity", "discharge_capacity",
                                        "discharging capacity", "dchg. cap.", "dchg cap", "dchg. cap",
                                        "q discharge", "discharge cap")),
    "capacity": ("capacity", ("capacity", "cap.", "cap", "amp-hr", "ah")),
    "cycle": (None, ("cycle index", "cycle_index", "cycle number", "cycle count", "cycle_count",
                     "cycle c", "cyc#", "cycle")),
    "step": (None, ("step index", "step_index", "step number", "step id", "step_id", "step", "ns")),
    "state": (None, ("step type", "step_type", "state", "md", "status", "mode")),
    "date": (None, ("date time", "date_time", "datetime", "date and time", "dpt time", "timestamp",
                    "absolute time", "realtime", "date")),
    "temperature": ("temperature", ("temperature", "temp", "t1", "aux temperature", "aux_temperature_1",
                                    "cell temperature", "temperature t1")),
    "ambient_temperature": ("temperature", ("ambient temperature", "chamber temperature")),
    "pressure": ("pressure", ("applied pressure", "stack pressure", "pressure")),
}
DEFAULT_UNITS = {"time": "s", "voltage": "v", "current": "a", "capacity": "ah",
                 "temperature": "c", "pressure": "pa"}
_SHOWN = {"time": "s", "voltage": "V", "current": "A", "capacity": "A h", "temperature": "°C",
          "pressure": "Pa"}


def classify(headers: list[str]) -> dict[str, tuple[str, float, str]]:
    """quantity -> (column, factor to SI, how the unit was known) for the best match of each."""
    found: dict[str, tuple[int, str, float, str]] = {}
    for column in headers:
        base, unit = units.split_header(column)
        for quantity, (dimension, names) in QUANTITIES.items():
            candidates = [(base, unit)]
            if dimension and unit is None:
                hit = units.suffix_unit(base, dimension)
                if hit:
                    candidates.append(hit)
            for cand_base, cand_unit in candidates:
                if cand_base not in names:
                    continue
                rank = names.index(cand_base)
                if dimension is None:
                    scale, how = 1.0, ""
                elif cand_unit is None:
                    scale, how = units.factor(DEFAULT_UNITS[dimension], dimension), "default"
                else:
                    scale, how = units.factor(cand_unit, dimension), cand_unit
                    if scale is None:
                        continue               # e.g. "Spec. Cap.(mAh/g)": not this quantity
                if quantity not in found or rank < found[quantity][0]:
                    found[quantity] = (rank, column, scale, how)
    return {q: (c, s, h) for q, (_, c, s, h) in found.items()}


def direction_from_state(states: pd.Series) -> np.ndarray:
    """+1 charge, -1 discharge, 0 rest/other, from state labels of any maker."""
    s = states.astype(str).str.strip().str.lower()
    discharge = s.str.contains(r"dchg|dis|^d$|^d\b", regex=True)
    charge = ~discharge & s.str.contains(r"chg|charge|^c$|^c\b", regex=True)
    return np.where(discharge, -1, np.where(charge, 1, 0)).astype(np.int8)


def map_columns(frame: pd.DataFrame, name: str, notes: list[str],
                required=("time", "voltage", "current")) -> dict[str, np.ndarray]:
    """Raw BDF-named columns (SI, A h) from a table with cycler column names."""
    found = classify(list(frame.columns))
    missing = [q for q in required if q not in found]
    if missing:
        raise LptError(f"{name}: no {', '.join(missing)} column among "
                       f"{', '.join(map(str, frame.columns))[:150]}; name them e.g. "
                       "'Test Time (s)', 'Voltage (V)', 'Current (mA)'.")
    defaulted = [f"{column} ({_SHOWN[QUANTITIES[quantity][0]]})"
                 for quantity, (column, _, how) in found.items() if how == "default"]
    if defaulted:
        notes.append(f"columns without a unit read in the default unit: {', '.join(defaulted)}")
    out: dict[str, np.ndarray] = {}

    def values(quantity):
        column, scale, _ = found[quantity]
        if quantity in ("time", "step_time"):
            return text.durations_s(frame[column], name, column) * scale
        return text.numbers(frame[column], name, column) * scale

    try:
        out["test_time_second"] = values("time")
    except LptError:                       # BT-Lab writes dates in its time/s column
        stamps = text.unix_seconds(frame[found["time"][0]], name, found["time"][0], notes)
        if stamps is None:
            raise
        notes.append(f"column {found['time'][0]!r} holds dates: test time counted from the first")
        out["unix_time_second"], out["test_time_second"] = stamps, stamps - stamps[0]
    out["voltage_volt"] = values("voltage")
    current = values("current")
    if "step_time" in found:
        out["step_time_second"] = values("step_time")
    direction = None
    if "state" in found:
        direction = direction_from_state(frame[found["state"][0]])
        if direction.any():
            current = signed_current(current, direction, notes)
        else:                              # numeric modes (EC-Lab "mode"): no direction
            direction = None
    out["current_ampere"] = current
    if direction is None:
        tol = rest_tolerance_A(current)
        direction = np.where(current > tol, 1, np.where(current < -tol, -1, 0)).astype(np.int8)
    for quantity, key in (("cycle", "cycle_count"), ("step", "step_id"),
                          ("temperature", "temperature_t1_celsius"),
                          ("ambient_temperature", "ambient_temperature_celsius"),
                          ("pressure", "applied_pressure_pa")):
        if quantity in found:
            out[key] = values(quantity)
    if "charge_capacity" in found and "discharge_capacity" in found:
        out["charging_capacity_ah"] = np.abs(values("charge_capacity"))
        out["discharging_capacity_ah"] = np.abs(values("discharge_capacity"))
    elif "capacity" in found:
        out["charging_capacity_ah"], out["discharging_capacity_ah"] = split_capacity(
            np.abs(values("capacity")), direction)
        notes.append(f"charge and discharge capacity split from {found['capacity'][0]!r} by the "
                     "direction of each record")
    if "date" in found and "unix_time_second" not in out:
        stamps = text.unix_seconds(frame[found["date"][0]], name, found["date"][0], notes)
        if stamps is not None:
            out["unix_time_second"] = stamps
            if found["time"][2] == "default":
                out["test_time_second"] = _time_unit_from_dates(
                    out["test_time_second"], stamps, found["time"][0], notes)
    return out


def _time_unit_from_dates(time, unix_s, column, notes):
    """A time column without a unit, scaled by the unit whose span matches the dates'."""
    span_time = np.nanmax(time) - np.nanmin(time)
    span_dates = np.nanmax(unix_s) - np.nanmin(unix_s)
    if span_time > 0 and span_dates > 60:
        for unit in ("s", "min", "h"):
            scale = units.TIME_S[unit]
            if abs(span_dates / (span_time * scale) - 1.0) < 0.05:
                if unit != "s":
                    notes.append(f"time column {column!r} states no unit; its span matches the "
                                 f"dates in {unit}: read in {unit}")
                return time * scale
    return time


def rest_tolerance_A(current_A: np.ndarray) -> float:
    """|I| below this is rest: 0.1 % of the largest current (cycler offsets are smaller)."""
    finite = np.abs(current_A[np.isfinite(current_A)])
    return 1e-3 * float(finite.max()) if finite.size else 0.0


def signed_current(current_A: np.ndarray, direction: np.ndarray, notes: list[str]) -> np.ndarray:
    """Current positive on charge, given each record's direction from a state column."""
    tol = rest_tolerance_A(current_A)
    on_discharge = (direction < 0) & (np.abs(current_A) > tol)
    on_charge = (direction > 0) & (np.abs(current_A) > tol)
    if not on_discharge.any() and not on_charge.any():
        return current_A
    if np.all(current_A[on_discharge | on_charge] >= 0):
        notes.append("current is unsigned: negated on discharge records (state column)")
        return np.where(direction < 0, -np.abs(current_A), current_A)
    if np.mean(current_A[on_discharge] > 0) > 0.5 and np.mean(current_A[on_charge] < 0) > 0.5:
        notes.append("current is positive on discharge in this file: sign reversed to positive on charge")
        return -current_A
    return current_A


def split_capacity(capacity_Ah: np.ndarray, direction: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Charge and discharge accumulators from one unsigned per-step capacity column.

    Each accumulator keeps its last value through records of the other direction, so
    the reset rule of :func:`lpt.io.cycling.cumulative_from_accumulator` sees the next
    step of its own direction start from a lower value.
    """
    charge = pd.Series(np.where(direction > 0, capacity_Ah, np.nan)).ffill().fillna(0.0).to_numpy()
    discharge = pd.Series(np.where(direction < 0, capacity_Ah, np.nan)).ffill().fillna(0.0).to_numpy()
    return charge, discharge


def read(path: Path) -> tuple[dict[str, np.ndarray], dict, list[str]]:
    """A delimited table with one header line (a preamble above it is skipped)."""
    lines = text.head_lines(path)
    k = text.find_line(lines, _is_header, path.name,
                       "header line naming time, voltage and current columns")
    delimiter, decimal = text.sniff(lines[k], lines[k + 1:])
    frame = text.read_body(path, k, delimiter, decimal, path.name)
    notes: list[str] = []
    return map_columns(frame, path.name, notes), {"instrument": "unknown", "format": "csv"}, notes


def _is_header(line: str) -> bool:
    for delimiter in ("\t", ";", ","):
        cells = line.split(delimiter)
        if len(cells) >= 3 and {"time", "voltage", "current"} <= set(classify(cells)):
            return True
    return False
