"""Measured cycling, summarised: per-cycle capacity, coulombic efficiency, energy and
mean voltages; dQ/dV; symmetric-cell overpotential, short detection and CCD.

Everything takes a cycling table (:mod:`lpt.io.cycling`) and returns plain
DataFrames or dataclasses with units in their names.

Capacities are counted twice where a file allows it: from the instrument's own
accumulators (the table's capacity columns) and by integrating the current over
time. The two must agree; a cycle where they differ by more than
``CAPACITY_TOLERANCE`` is written in the summary's notes and raised as a
:class:`CapacityMismatchWarning` — a wrong unit, a missed sign or records lost
between samples shows up here rather than as a silently wrong number.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.signal import savgol_filter

from lpt.errors import LptError
from lpt.io.cycling import charge_in_direction, direction_of, integrated_ah

CAPACITY_TOLERANCE = 0.02      # relative; sampling at 1-60 s integrates to well under 1 %
MAH_PER_AH = 1e3
CV_HOLD_SLOPE_FRACTION = 1e-3


class CapacityMismatchWarning(UserWarning):
    """The instrument's capacity and the integrated current disagree."""


def _per_cycle(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Sum over each cycle of the increments of a cumulative column."""
    return np.add.reduceat(np.diff(values, prepend=0.0), starts)


def cycle_summary(table: pd.DataFrame, efficiency: str = "auto",
                  tolerance: float = CAPACITY_TOLERANCE) -> pd.DataFrame:
    """One row per cycle: capacities (mA h), coulombic efficiency, energies (W h),
    mean charge/discharge voltages and their difference (the voltage hysteresis, a
    measure of the cell's overpotential), and the integrated-current capacities.

    ``efficiency``: the charge taken out over the charge put in. ``"auto"`` uses
    discharge/charge for cells whose median voltage under current is above
    ``ANODE_HALF_CELL_MAX_V`` (2 V; cathode half cells, full cells) and
    charge/discharge below it (anode half cells, where discharge lithiates graphite or
    Si, and Li|Cu cells, where it plates Li; see ``charge_in_direction``); ``"discharge/charge"`` or ``"charge/discharge"``
    force one. The efficiency is NaN (JSON null) where a cycle lacks a direction.
    The rule sits in ``summary.attrs["efficiency"]``.
    """
    if efficiency not in ("auto", "discharge/charge", "charge/discharge"):
        raise LptError(f'efficiency must be "auto", "discharge/charge" or "charge/discharge", not {efficiency!r}.')
    time = table["test_time_second"].to_numpy(float)
    voltage = table["voltage_volt"].to_numpy(float)
    current = table["current_ampere"].to_numpy(float)
    cycle = table["cycle_count"].to_numpy()
    steps = table["step_count"].to_numpy()
    starts = np.flatnonzero(np.r_[True, cycle[1:] != cycle[:-1]])
    ends = np.r_[starts[1:] - 1, len(cycle) - 1]

    charge = _per_cycle(table["charging_capacity_ah"].to_numpy(float), starts) * MAH_PER_AH
    discharge = _per_cycle(table["discharging_capacity_ah"].to_numpy(float), starts) * MAH_PER_AH
    q_in, q_out = integrated_ah(time, current, steps)
    e_in, e_out = integrated_ah(time, voltage * current, steps)
    charge_int, discharge_int = (_per_cycle(q, starts) * MAH_PER_AH for q in (q_in, q_out))
    energy_in, energy_out = (_per_cycle(e, starts) for e in (e_in, e_out))

    direction = direction_of(current)
    if efficiency == "auto":
        efficiency = "discharge/charge" if charge_in_direction(voltage, direction) > 0 else "charge/discharge"
    into_sign = 1 if efficiency == "discharge/charge" else -1
    ce, pairing_notes = paired_efficiency(table, direction, into_sign, starts)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_charge_V = np.where(charge_int > 0, energy_in * MAH_PER_AH / charge_int, np.nan)
        mean_discharge_V = np.where(discharge_int > 0, energy_out * MAH_PER_AH / discharge_int, np.nan)

    summary = pd.DataFrame({
        "cycle": cycle[starts].astype(int),
        "charge_capacity_mAh": charge, "discharge_capacity_mAh": discharge,
        "coulombic_efficiency": ce,
        "charge_energy_Wh": energy_in, "discharge_energy_Wh": energy_out,
        "mean_charge_voltage_V": mean_charge_V, "mean_discharge_voltage_V": mean_discharge_V,
        "voltage_hysteresis_V": mean_charge_V - mean_discharge_V,
        "charge_capacity_integrated_mAh": charge_int, "discharge_capacity_integrated_mAh": discharge_int,
        "start_time_s": time[starts], "end_time_s": time[ends], "records": ends - starts + 1,
    })
    notes = list(table.attrs.get("notes", [])) + pairing_notes
    if table.attrs.get("capacity_source") == "instrument":
        # charge counted by the instrument before the first record (a file that starts
        # mid-step) is in the first cycle's capacity but not in its integral
        before = 1e3 * table[["charging_capacity_ah", "discharging_capacity_ah"]].iloc[0].to_numpy(float)
        if before.any():
            notes.append(f"the first record's step had already passed {before[0]:.6g} mAh of charge and "
                         f"{before[1]:.6g} mAh of discharge: counted in cycle {summary['cycle'].iat[0]}")
        notes += _capacity_check(summary, tolerance, before)
    summary.attrs.update({k: v for k, v in table.attrs.items() if k != "notes"}, notes=notes,
                         efficiency=efficiency)
    return summary


def paired_efficiency(table: pd.DataFrame, direction: np.ndarray, into_sign: int,
                      starts: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Coulombic efficiency per cycle, pairing each charge-in half cycle with the
    charge-out half cycle that follows it — the field's pairing, whatever the cycler
    calls a cycle.

    A half cycle is a run of records in one direction (rests and the steps of a CC-CV
    charge join it). ``into_sign`` is the direction that puts charge in (+1 charge for
    cathode half cells and full cells, −1 discharge for anode half cells and Li|Cu).
    Cyclers number cycles their own way: Arbin's ``Cycle_Index`` rises where the
    schedule says (usually at a charge step), EC-Lab's ``cycle number`` is half cycle
    // 2 in the order the half cycles happen, so a test that starts in the charge-out
    direction has cycles of (out, in). The efficiency of a cycle is then
    ``Q_out(next out half cycle) / Q_in(its in half cycle)``, summed over the in half
    cycles that start in it; NaN where an in half cycle has no out after it (the end
    of a test) or the cycle holds none. A leading out half cycle pairs with nothing
    and is said in the notes.
    """
    in_column, out_column = ("charging_capacity_ah", "discharging_capacity_ah")[::into_sign]
    d_in = np.diff(table[in_column].to_numpy(float), prepend=0.0)
    d_out = np.diff(table[out_column].to_numpy(float), prepend=0.0)
    moving = direction != 0
    rows = len(starts)
    if not moving.any():
        return np.full(rows, np.nan), []
    previous = pd.Series(np.where(moving, direction, np.nan)).ffill().shift(1).to_numpy()
    run_start = moving & (direction != previous)
    half = np.maximum(np.cumsum(run_start), 1) - 1           # records before the first run join it
    first_record = np.flatnonzero(run_start)
    half_direction = direction[first_record]
    q_in = np.bincount(half, weights=d_in, minlength=len(first_record))
    q_out = np.bincount(half, weights=d_out, minlength=len(first_record))
    row_of = np.searchsorted(starts, first_record, side="right") - 1
    is_in = half_direction == into_sign
    followed = np.r_[half_direction[1:] == -into_sign, False]
    paired = is_in & followed
    next_out = np.r_[q_out[1:], 0.0]
    numerator = np.bincount(row_of[paired], weights=next_out[paired], minlength=rows)
    denominator = np.bincount(row_of[paired], weights=q_in[paired], minlength=rows)
    unpaired = np.bincount(row_of[is_in & ~followed], minlength=rows) > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        ce = np.where((denominator > 0) & (numerator > 0) & ~unpaired, numerator / denominator, np.nan)
    notes = []
    if half_direction[0] == -into_sign:
        names = {1: "charge", -1: "discharge"}
        notes.append(f"the test begins with a {names[-into_sign]} of {q_out[0] * MAH_PER_AH:.6g} mAh before "
                     f"any {names[into_sign]}: it pairs with no {names[into_sign]} and enters no "
                     "coulombic efficiency")
    return ce, notes


def _capacity_check(summary: pd.DataFrame, tolerance: float, before_mAh: np.ndarray) -> list[str]:
    """Notes (and warnings) for cycles whose two capacity counts disagree."""
    notes = []
    scale = max(float(summary[["charge_capacity_mAh", "discharge_capacity_mAh"]].to_numpy().max()), 1e-15)
    for side, offset in zip(("charge", "discharge"), before_mAh):
        own = summary[f"{side}_capacity_mAh"].to_numpy().copy()
        own[0] -= offset
        integrated = summary[f"{side}_capacity_integrated_mAh"].to_numpy()
        gap = np.abs(own - integrated)
        relative = gap / np.maximum(np.maximum(own, integrated), 1e-300)
        bad = (relative > tolerance) & (gap > 1e-3 * scale)
        if bad.any():
            cycles = summary["cycle"].to_numpy()[bad]
            worst = float(relative[bad].max())
            message = (f"{side} capacity from the instrument and from the integrated current "
                       f"disagree by up to {100 * worst:.1f} % in {bad.sum()} cycle(s) "
                       f"({', '.join(map(str, cycles[:8]))}{'…' if bad.sum() > 8 else ''}); check the "
                       "current's unit and sign and whether records are missing")
            notes.append("WARNING: " + message)
            warnings.warn(message, CapacityMismatchWarning, stacklevel=3)
    return notes


def dqdv(table: pd.DataFrame, cycle: int, direction: str = "discharge", points: int = 500,
         window_fraction: float = 0.05, polyorder: int = 3) -> pd.DataFrame:
    """Differential capacity dQ/dV of one half cycle (mA h V⁻¹).

    The voltage is interpolated on a uniform capacity grid of ``points`` (capacity
    is monotonic within a half cycle, voltage is not at a plateau), smoothed and
    differentiated there by a Savitzky–Golay filter (window ``window_fraction`` of
    the half cycle, polynomial order ``polyorder``), and dQ/dV = 1/(dV/dQ).
    Negative on discharge (the voltage falls as capacity is passed).
    """
    if direction not in ("charge", "discharge"):
        raise LptError(f'direction must be "charge" or "discharge", not {direction!r}.')
    sign = 1 if direction == "charge" else -1
    rows = (table["cycle_count"].to_numpy() == cycle) & (direction_of(table["current_ampere"].to_numpy(float)) == sign)
    if rows.sum() < 2 * polyorder + 3:
        raise LptError(f"cycle {cycle} has {int(rows.sum())} {direction} records; dQ/dV needs at "
                       f"least {2 * polyorder + 3}.")
    column = "charging_capacity_ah" if sign > 0 else "discharging_capacity_ah"
    capacity = table[column].to_numpy(float)[rows] * MAH_PER_AH
    capacity = capacity - capacity[0]
    voltage = table["voltage_volt"].to_numpy(float)[rows]
    keep = np.r_[True, np.diff(capacity) > 0]
    capacity, voltage = capacity[keep], voltage[keep]
    if capacity[-1] <= 0 or len(capacity) < 2 * polyorder + 3:
        raise LptError(f"cycle {cycle}: no capacity passed on {direction}; no dQ/dV.")
    grid = np.linspace(capacity[0], capacity[-1], points)
    on_grid = np.interp(grid, capacity, voltage)
    window = max(polyorder + 2, int(window_fraction * points) // 2 * 2 + 1)
    step = grid[1] - grid[0]
    smooth = savgol_filter(on_grid, window, polyorder)
    slope = savgol_filter(on_grid, window, polyorder, deriv=1, delta=step)
    # A constant-voltage hold passes charge at a fixed voltage: dV/dQ -> 0 there is the
    # protocol, not the electrode; points flatter than 1e-3 of the median slope are NaN.
    flat = np.abs(slope) < CV_HOLD_SLOPE_FRACTION * np.median(np.abs(slope))
    with np.errstate(divide="ignore"):
        dq_dv = np.where(flat | (slope == 0), np.nan, 1.0 / slope)
    return pd.DataFrame({"voltage_V": smooth, "capacity_mAh": grid, "dqdv_mAh_V": dq_dv})


# -- symmetric Li|SSE|Li cells ------------------------------------------------------------
@dataclass(frozen=True)
class ShortCircuit:
    """Where a symmetric cell's voltage collapsed under current."""

    time_s: float
    cycle: int
    half_cycle: int
    current_density_mA_cm2: float
    overpotential_before_V: float
    overpotential_after_V: float


def half_cycles(table: pd.DataFrame, area_cm2: float) -> pd.DataFrame:
    """Symmetric cell, one row per plating or stripping step: current density,
    duration, areal capacity, mean/max/end overpotential |V| and ASR = median|V|/|j|."""
    if not area_cm2 > 0:
        raise LptError(f"area_cm2 must be positive, not {area_cm2}.")
    current = table["current_ampere"].to_numpy(float)
    direction = direction_of(current)
    frame = pd.DataFrame({"step": table["step_count"].to_numpy(), "cycle": table["cycle_count"].to_numpy(),
                          "time": table["test_time_second"].to_numpy(float),
                          "j": np.abs(current) * MAH_PER_AH / area_cm2,
                          "eta": np.abs(table["voltage_volt"].to_numpy(float)), "dir": direction})
    moving = frame[frame["dir"] != 0]
    if moving.empty:
        raise LptError(f"{table.attrs.get('file', 'table')}: no record under current; not a cycling test.")
    g = moving.groupby("step", sort=True)
    out = pd.DataFrame({
        "cycle": g["cycle"].first(), "direction": g["dir"].first().map({1: "charge", -1: "discharge"}),
        "start_time_s": g["time"].first(), "duration_s": g["time"].last() - g["time"].first(),
        "current_density_mA_cm2": g["j"].median(),
        "overpotential_mean_V": g["eta"].mean(), "overpotential_max_V": g["eta"].max(),
        "overpotential_end_V": g["eta"].last(),
    }).reset_index(drop=True)
    out["areal_capacity_mAh_cm2"] = out["current_density_mA_cm2"] * out["duration_s"] / 3600.0
    out["asr_ohm_cm2"] = g["eta"].median().to_numpy() / (out["current_density_mA_cm2"].to_numpy() * 1e-3)
    out.index = pd.RangeIndex(1, len(out) + 1, name="half_cycle")
    return out


def detect_short(table: pd.DataFrame, area_cm2: float, collapse_fraction: float = 0.2,
                 persist_records: int = 3) -> ShortCircuit | None:
    """The first sudden collapse of |V| under current: within one step, |V| falls from
    at least half the step's running maximum to under ``collapse_fraction`` of it in
    at most three records and stays under half of it for ``persist_records`` records
    (or to the step's end). A dendrite bridging the electrolyte shorts the cell, and
    the voltage needed to pass the current drops to the contact's ohmic drop, ~0."""
    current = table["current_ampere"].to_numpy(float)
    eta = np.abs(table["voltage_volt"].to_numpy(float))
    steps = table["step_count"].to_numpy()
    moving = direction_of(current) != 0
    order = np.flatnonzero(moving)
    halves = np.cumsum(np.r_[True, steps[order][1:] != steps[order][:-1]])
    for h in np.unique(halves):
        idx = order[halves == h]
        running = np.maximum.accumulate(eta[idx])
        for k in range(1, len(idx)):
            ref = running[k - 1]
            if ref <= 0 or eta[idx[k]] >= collapse_fraction * ref:
                continue
            before = eta[idx[max(0, k - 3):k]]
            after = eta[idx[k:k + persist_records]]
            if before.max() >= 0.5 * ref and (after < 0.5 * ref).all():
                i = idx[k]
                return ShortCircuit(float(table["test_time_second"].iat[i]), int(table["cycle_count"].iat[i]),
                                    int(h), float(abs(current[i]) * MAH_PER_AH / area_cm2),
                                    float(before.max()), float(eta[i]))
    return None


@dataclass(frozen=True)
class CriticalCurrent:
    ccd_mA_cm2: float | None
    last_passed_mA_cm2: float | None
    short: ShortCircuit | None
    ramp_mA_cm2: tuple[float, ...]


def critical_current_density(table: pd.DataFrame, area_cm2: float, **short_options) -> CriticalCurrent:
    """CCD of a measured current ramp: the current density of the half cycle where
    the short appears (None if the cell survived the ramp), and the highest current
    density it passed before."""
    steps = half_cycles(table, area_cm2)
    short = detect_short(table, area_cm2, **short_options)
    ramp = tuple(float(j) for j in steps["current_density_mA_cm2"])
    if short is None:
        return CriticalCurrent(None, max(ramp), None, ramp)
    shorted = steps["current_density_mA_cm2"].iloc[short.half_cycle - 1]
    passed = steps["current_density_mA_cm2"].iloc[:short.half_cycle - 1]
    return CriticalCurrent(float(shorted), float(passed.max()) if len(passed) else None, short, ramp)
