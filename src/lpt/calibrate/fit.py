"""Fit named interface-model parameters to measured impedance spectra through the
stack impedance model (docs/calibration.md).

The objective is the misfit of lpt's own forward model — the design's stack circuit,
whose resistances are the interface model's (:func:`lpt.impedance.model.stack_circuit`)
— to every spectrum at once (temperatures, ageing states, pressures), with the
modulus weighting of the EIS fitter, plus a Gaussian prior on ln(value) whose width
follows the parameter's status (literature ×2, derived ×3, estimate ×10):

    S(u) = Σ_k Σ_i |Z_model(ω_i, T_k; e^u) − Z_k,i|² / (s² |Z_k,i|²)  +  Σ_j ((u_j − u0_j) / σ_j)²

with u = ln(value) and s² the measurement noise, estimated from the residuals. The
minimum is found by trust-region least squares; the uncertainty is the Laplace
approximation, Cov(u) = (JᵀJ / s² + diag(σ⁻²))⁻¹ at the minimum. A parameter whose
posterior width is more than half its prior width is *not identifiable* from these data:
it is reported as such and its interval is the prior's, never a false precision.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import least_squares

from lpt import overrides
from lpt.calibrate.names import ParameterInfo, lookup
from lpt.errors import LptError

Z90 = 1.6448536269514722          # two-sided 90 % interval of a normal distribution
IDENTIFIABLE_SHRINK = 0.5         # posterior / prior width below which a parameter is determined
SEARCH_RANGE_LN = math.log(1e3)   # the optimizer stays within ×/÷ 1000 of the start
WEAK_PRIOR = 1e-3                 # weight of the prior in the first (noise-level) fit
NOISE_FLOOR = 1e-6                # relative noise below which spectra count as exact


@dataclass(frozen=True)
class Measurement:
    """One measured spectrum and the condition it was taken at."""

    frequency_Hz: np.ndarray
    z_ohm: np.ndarray
    temperature_C: float | None = None
    label: str = ""


@dataclass(frozen=True)
class Estimate:
    name: str
    unit: str
    value: float
    stderr: float | None
    ci90: tuple[float, float] | None
    identifiable: bool
    prior_value: float
    status: str

    def to_json(self) -> dict:
        return {"value": self.value, "stderr": self.stderr, "ci90": None if self.ci90 is None else list(self.ci90),
                "identifiable": self.identifiable, "unit": self.unit, "prior_value": self.prior_value,
                "prior_status": self.status}


@dataclass(frozen=True)
class Calibration:
    converged: bool
    message: str
    parameters: dict[str, Estimate]
    correlation: np.ndarray
    noise_relative: float
    chi_square: float
    n_points: int
    evaluations: int
    fitted: list[np.ndarray] = field(default_factory=list)   # model Z of each measurement at the optimum

    @property
    def values(self) -> dict[str, float]:
        return {k: e.value for k, e in self.parameters.items()}


def model_spectra(design, measurements: Sequence[Measurement], values: dict[str, float]) -> list[np.ndarray]:
    """Z of the design's stack circuit at each measurement's frequencies and temperature."""
    from lpt.impedance.model import stack_circuits

    with overrides.applied(values):
        circuits = stack_circuits(design, [m.temperature_C for m in measurements])
    return [c.impedance(m.frequency_Hz) for c, m in zip(circuits, measurements)]


def _residual_vector(design, measurements, names, u) -> np.ndarray:
    zs = model_spectra(design, measurements, dict(zip(names, np.exp(u))))
    parts = []
    for m, z in zip(measurements, zs):
        w = 1.0 / np.abs(m.z_ohm)
        d = (z - m.z_ohm) * w
        parts += [d.real, d.imag]
    r = np.concatenate(parts)
    if not np.all(np.isfinite(r)):
        return np.full_like(r, 1e6)
    return r


def calibrate(design, names: Sequence[str], measurements: Sequence[Measurement], *,
              max_evaluations: int = 400) -> Calibration:
    """Fit ``names`` (dotted parameter names) of ``design`` to ``measurements``."""
    if not names:
        raise LptError("name at least one parameter to fit (--fit NAME); `lpt parameters list DESIGN` shows them.")
    if len(set(names)) != len(names):
        raise LptError("a parameter is named twice in --fit.")
    if not measurements:
        raise LptError("no spectra to calibrate on.")
    info: list[ParameterInfo] = lookup(names, design)
    for p in info:
        if not p.value > 0:
            raise LptError(f"'{p.name}' is {p.value:g} {p.unit}: only positive parameters can be calibrated "
                           f"(they are fitted on a log scale).")
    n_points = sum(len(m.frequency_Hz) for m in measurements)
    if 2 * n_points <= len(info):
        raise LptError(f"{len(info)} parameters cannot be fitted to {n_points} impedance points.")
    u0 = np.log([p.value for p in info])
    sigma = np.array([p.prior_sigma_ln for p in info])
    names = [p.name for p in info]
    evaluations = [0]

    def data_residuals(u):
        evaluations[0] += 1
        return _residual_vector(design, measurements, names, u)

    # the noise level first, from a fit in which the data dominate (the prior only keeps
    # undetermined directions from wandering); it then weighs the data against the prior
    def objective(scale, prior_weight):
        def res(u):
            return np.concatenate([data_residuals(u) / scale, prior_weight * (u - u0) / sigma])
        return res

    bounds = (u0 - SEARCH_RANGE_LN, u0 + SEARCH_RANGE_LN)
    options = dict(bounds=bounds, method="trf", x_scale=1.0, max_nfev=max_evaluations, xtol=1e-10, ftol=1e-12,
                   gtol=1e-12)
    first = least_squares(objective(1.0, WEAK_PRIOR), u0, **options)
    r = data_residuals(first.x)
    dof = max(r.size - len(names), 1)
    s = max(math.sqrt(float(r @ r) / dof), NOISE_FLOOR)
    sol = least_squares(objective(s, 1.0), first.x, **options)
    converged = bool(sol.success and sol.status > 0 and np.all(np.isfinite(sol.x)))
    r = data_residuals(sol.x)
    J = sol.jac[: r.size] * s     # Jacobian of the unscaled data residuals
    precision = J.T @ J / s**2 + np.diag(1.0 / sigma**2)
    try:
        cov = np.linalg.inv(precision)
    except np.linalg.LinAlgError:
        cov = np.diag(sigma**2)
    sd = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    corr = cov / np.outer(np.maximum(sd, 1e-300), np.maximum(sd, 1e-300))
    at_edge = (sol.x <= bounds[0] + 1e-6) | (sol.x >= bounds[1] - 1e-6)
    estimates = {}
    for j, p in enumerate(info):
        value = float(np.exp(sol.x[j]))
        determined = bool(sd[j] < IDENTIFIABLE_SHRINK * sigma[j] and not at_edge[j])
        estimates[p.name] = Estimate(
            name=p.name, unit=p.unit, value=value,
            stderr=float(value * sd[j]) if determined else None,
            ci90=(float(np.exp(sol.x[j] - Z90 * sd[j])), float(np.exp(sol.x[j] + Z90 * sd[j]))) if determined else None,
            identifiable=determined, prior_value=p.value, status=p.status)
    fitted = model_spectra(design, measurements, dict(zip(names, np.exp(sol.x))))
    return Calibration(converged=converged, message=str(sol.message), parameters=estimates, correlation=corr,
                       noise_relative=s, chi_square=float(r @ r), n_points=n_points,
                       evaluations=evaluations[0], fitted=fitted)
