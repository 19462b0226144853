"""What a calibration fits: measured data and the forward model that predicts them.

Each source turns parameter values into residual *groups*: arrays whose entries share
one measurement noise (the calibration estimates one noise level per group). Impedance
spectra are one group (relative complex misfit, modulus weighting as in the EIS fitter);
a full cell's cycling gives two (discharge capacity relative to the first cycle's, and
mean discharge voltage in volts); a symmetric cell's gives one (ln of the per-cycle
overpotential). docs/calibration.md has the equations.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from lpt import overrides
from lpt.errors import LptError

# a model cycle that never ran (the simulated cell ended earlier) costs this much in
# every group: larger than any plausible misfit, so the fit moves away from it
MISSING_CYCLE_PENALTY = 3.0


@dataclass(frozen=True)
class Group:
    """A residual group's name, the noise it starts from and the smallest noise allowed."""

    name: str
    unit: str            # of its residuals (and so of its noise): "relative", "V" or "ln"
    typical_noise: float
    noise_floor: float


@dataclass(frozen=True)
class Measurement:
    """One measured spectrum and the condition it was taken at."""

    frequency_Hz: np.ndarray
    z_ohm: np.ndarray
    temperature_C: float | None = None
    label: str = ""


def model_spectra(design, measurements: Sequence[Measurement], values: dict[str, float]) -> list[np.ndarray]:
    """Z of the design's stack circuit at each measurement's frequencies and temperature."""
    from lpt.impedance.model import stack_circuits

    with overrides.applied(values):
        circuits = stack_circuits(design, [m.temperature_C for m in measurements])
    return [c.impedance(m.frequency_Hz) for c, m in zip(circuits, measurements)]


@dataclass(frozen=True)
class Spectra:
    """Impedance spectra through the stack impedance model, all in one noise group:

        r = (Z_model − Z) / |Z|   (real and imaginary parts)
    """

    measurements: tuple[Measurement, ...]
    groups: tuple[Group, ...] = (Group("impedance", "relative", 0.01, 1e-6),)

    @property
    def n_points(self) -> int:
        return sum(2 * len(m.frequency_Hz) for m in self.measurements)

    def predict(self, design, values) -> list[np.ndarray]:
        return model_spectra(design, self.measurements, values)

    def residuals(self, design, values) -> list[np.ndarray]:
        parts = []
        for m, z in zip(self.measurements, self.predict(design, values)):
            d = (z - m.z_ohm) / np.abs(m.z_ohm)
            parts += [d.real, d.imag]
        return [np.concatenate(parts)]


@dataclass(frozen=True)
class FullCellCycling:
    """A full cell's measured cycles, against ``lpt simulate`` of the same protocol:

        r_Q,k = (Q_model,k − Q_k) / Q_1        (discharge capacity, mAh cm⁻²)
        r_V,k = V̄_model,k − V̄_k                 (mean discharge voltage, V)
    """

    capacity_mAh_cm2: np.ndarray
    mean_discharge_V: np.ndarray
    protocol: str
    label: str = ""
    groups: tuple[Group, ...] = (Group("capacity", "relative", 0.01, 1e-4), Group("voltage", "V", 0.01, 1e-4))
    kind = "full"

    @property
    def n_points(self) -> int:
        return 2 * len(self.capacity_mAh_cm2)

    def measured(self) -> dict[str, np.ndarray]:
        """The measured per-cycle values, under the keys :meth:`predict` returns."""
        return {"capacity_mAh_cm2": self.capacity_mAh_cm2, "mean_discharge_V": self.mean_discharge_V}

    def predict(self, design, values) -> dict[str, np.ndarray]:
        from lpt.cycling.life import simulate_designs

        n = len(self.capacity_mAh_cm2)
        with overrides.applied(values):
            res, _ = simulate_designs([design], n, protocol=self.protocol)
        return {"capacity_mAh_cm2": np.asarray(res.discharge_capacity_mAh_cm2[0, :n], float),
                "mean_discharge_V": np.asarray(res.mean_discharge_voltage_V[0, :n], float)}

    def residuals(self, design, values) -> list[np.ndarray]:
        p = self.predict(design, values)
        q = (p["capacity_mAh_cm2"] - self.capacity_mAh_cm2) / self.capacity_mAh_cm2[0]
        v = p["mean_discharge_V"] - self.mean_discharge_V
        return [np.where(np.isfinite(q), q, MISSING_CYCLE_PENALTY), np.where(np.isfinite(v), v, MISSING_CYCLE_PENALTY)]


@dataclass(frozen=True)
class SymmetricCycling:
    """A Li|SSE|Li cell's measured cycles, against the symmetric simulation of the same
    protocol: r_k = ln(η_model,k / η_k), η the largest |V| of cycle k."""

    overpotential_V: np.ndarray
    protocol: str
    label: str = ""
    groups: tuple[Group, ...] = (Group("overpotential", "ln", 0.05, 1e-3),)
    kind = "symmetric"

    @property
    def n_points(self) -> int:
        return len(self.overpotential_V)

    def measured(self) -> dict[str, np.ndarray]:
        """The measured per-cycle values, under the keys :meth:`predict` returns."""
        return {"overpotential_V": self.overpotential_V}

    def predict(self, design, values) -> dict[str, np.ndarray]:
        from lpt.symmetric import simulate_symmetric

        n = len(self.overpotential_V)
        with overrides.applied(values):
            res = simulate_symmetric([design], self.protocol, cycles=n)
        return {"overpotential_V": np.asarray(res.overpotential_V[0, :n], float)}

    def residuals(self, design, values) -> list[np.ndarray]:
        eta = self.predict(design, values)["overpotential_V"]
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.log(eta / self.overpotential_V)
        return [np.where(np.isfinite(r), r, MISSING_CYCLE_PENALTY)]


# ---------------------------------------------------------------------------------------
# measured cycling files → sources


MAX_CYCLES = 200            # cycles of a file used by default (a simulation per evaluation)
STEADY_SPREAD = 0.10        # half cycles within ±10 % of the median current and length


def cycling_source(design, path, max_cycles: int = MAX_CYCLES) -> FullCellCycling | SymmetricCycling:
    """Read a cycler file (any format :func:`lpt.io.read_cycling` reads) as the source that
    fits ``design``: a symmetric design's file gives per-cycle overpotentials, a full
    cell's gives per-cycle discharge capacity and mean voltage. The simulation runs the
    file's own protocol: constant currents and voltage limits (full cell), or current
    density and half-cycle length (symmetric), taken from the records."""
    from lpt.io import read_cycling

    table = read_cycling(path)
    if not 1 <= max_cycles <= 2000:
        raise LptError(f"at most 2000 cycles can be calibrated on, not {max_cycles}.")
    if getattr(design, "cell", "full") == "symmetric":
        return _symmetric_source(design, table, str(path), max_cycles)
    return _full_cell_source(design, table, str(path), max_cycles)


def _full_cell_source(design, table, label: str, max_cycles: int) -> FullCellCycling:
    from lpt.io.analysis import cycle_summary
    from lpt.io.cycling import direction_of

    s = cycle_summary(table, efficiency="discharge/charge")
    whole = (s["charge_capacity_mAh"] > 0) & (s["discharge_capacity_mAh"] > 0) & np.isfinite(
        s["mean_discharge_voltage_V"])
    # cycles after the first whole one, in order, stopping at the first gap
    idx = np.flatnonzero(whole.to_numpy())
    if idx.size == 0:
        raise LptError(f"{label}: no cycle has both a charge and a discharge; a full-cell calibration "
                       f"needs whole cycles.")
    run = idx[: 1 + np.argmax(np.r_[np.diff(idx) != 1, True])]
    s = s.iloc[run[:max_cycles]]
    area = float(design.area_cm2)
    current = table["current_ampere"].to_numpy(float)
    voltage = table["voltage_volt"].to_numpy(float)
    d = direction_of(current)
    i_chg = np.median(np.abs(current[d > 0])) * 1e3 / area
    i_dis = np.median(np.abs(current[d < 0])) * 1e3 / area
    protocol = (f"Charge at {i_chg:.6g} mA cm-2 until {np.max(voltage[d > 0]):.4f} V; "
                f"Discharge at {i_dis:.6g} mA cm-2 until {np.min(voltage[d < 0]):.4f} V")
    return FullCellCycling(s["discharge_capacity_mAh"].to_numpy(float) / area,
                           s["mean_discharge_voltage_V"].to_numpy(float), protocol, label)


def _symmetric_source(design, table, label: str, max_cycles: int) -> SymmetricCycling:
    from lpt.io.analysis import detect_short, half_cycles

    area = float(design.area_cm2)
    h = half_cycles(table, area)
    short = detect_short(table, area)
    if short is not None:          # the cycles before the short are the interface's
        h = h.iloc[: short.half_cycle - 1]
    j = h["current_density_mA_cm2"].to_numpy(float)
    dur_h = h["duration_s"].to_numpy(float) / 3600.0
    if len(h) < 2:
        raise LptError(f"{label}: fewer than two half cycles under current before any short; "
                       f"nothing to calibrate on.")
    j0, t0 = float(np.median(j)), float(np.median(dur_h))
    steady = (np.abs(j / j0 - 1) <= STEADY_SPREAD) & (np.abs(dur_h / t0 - 1) <= STEADY_SPREAD)
    last = len(h) - 1 if steady[-1] else len(h)     # the last half cycle may be cut short
    if not steady[:last].all():
        k = int(np.flatnonzero(~steady[:last])[0]) + 1
        raise LptError(f"{label}: half cycle {k} runs at {j[k - 1]:.3g} mA cm-2 for {dur_h[k - 1]:.3g} h, not "
                       f"the file's {j0:.3g} mA cm-2 for {t0:.3g} h; a symmetric calibration needs one constant "
                       f"plating/stripping protocol (cut the file, or fit a CCD ramp with `lpt ccd`).")
    n_cycles = min(len(h) // 2, max_cycles)
    if n_cycles < 1:
        raise LptError(f"{label}: no whole plating/stripping cycle before the end or a short.")
    eta = np.maximum(h["overpotential_max_V"].to_numpy(float)[0:2 * n_cycles:2],
                     h["overpotential_max_V"].to_numpy(float)[1:2 * n_cycles:2])
    if not np.all(eta > 0):
        raise LptError(f"{label}: a half cycle has zero overpotential; not a Li|SSE|Li measurement.")
    minutes = t0 * 60.0
    protocol = f"Plate at {j0:.6g} mA cm-2 for {minutes:.6g} minutes; Strip at {j0:.6g} mA cm-2 for {minutes:.6g} minutes"
    return SymmetricCycling(eta, protocol, label)


def relative_rms(measured: np.ndarray, model: np.ndarray) -> float:
    """RMS of |model − measured| / |measured| (spectra, capacities)."""
    return float(math.sqrt(np.mean(np.abs(model - measured) ** 2 / np.abs(measured) ** 2)))
