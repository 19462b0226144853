"""Fit named interface-model parameters to measurements through lpt's own forward
models (docs/calibration.md).

The data are *sources* (:mod:`lpt.calibrate.sources`): impedance spectra through the
design's stack circuit, a full cell's cycles through the cycling simulation, a
symmetric cell's cycles through the symmetric simulation. Each gives residual groups
r_g(u) sharing one noise level s_g; with u = ln(value) and a Gaussian prior on u whose
width σ follows the parameter's status (literature ×2, derived ×3, estimate ×10):

    S(u) = Σ_g |r_g(u)|² / s_g²  +  Σ_j ((u_j − u0_j) / σ_j)²

The noise levels are estimated from a first fit in which the data dominate; the
minimum of S is found by trust-region least squares; the uncertainty is the Laplace
approximation Cov(u) = (JᵀJ + diag(σ⁻²))⁻¹ at the minimum, J the Jacobian of the
noise-scaled residuals. A parameter whose posterior width is more than half its prior
width is *not identifiable* from these data: reported as such, never with a false
precision. Profile likelihoods (:mod:`lpt.calibrate.profile`) and an MCMC posterior
(:mod:`lpt.calibrate.mcmc`) read the same :class:`Objective`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import least_squares

from lpt.calibrate.names import ParameterInfo, lookup
from lpt.calibrate.sources import Group, Measurement, Spectra, model_spectra
from lpt.errors import LptError

__all__ = ["Calibration", "Estimate", "Measurement", "Objective", "calibrate", "model_spectra"]

Z90 = 1.6448536269514722          # two-sided 90 % interval of a normal distribution
IDENTIFIABLE_SHRINK = 0.5         # posterior / prior width below which a parameter is determined
SEARCH_RANGE_LN = math.log(1e3)   # the optimizer stays within ×/÷ 1000 of the start
WEAK_PRIOR = 1e-3                 # weight of the prior in the first (noise-level) fit
BAD_RESIDUAL = 1e6                # a parameter set the model cannot evaluate


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


@dataclass
class Objective:
    """S(u) of one calibration: the design, the named parameters and their priors, the
    sources and the noise level of each residual group."""

    design: object
    info: list[ParameterInfo]
    sources: list
    noise: np.ndarray = field(default=None)     # one per group
    evaluations: int = 0

    def __post_init__(self) -> None:
        self.names = [p.name for p in self.info]
        self.u0 = np.log([p.value for p in self.info])
        self.sigma = np.array([p.prior_sigma_ln for p in self.info])
        self.groups: list[Group] = [g for s in self.sources for g in s.groups]
        if self.noise is None:
            self.noise = np.array([g.typical_noise for g in self.groups])
        self.bounds = (self.u0 - SEARCH_RANGE_LN, self.u0 + SEARCH_RANGE_LN)

    def values(self, u) -> dict[str, float]:
        return dict(zip(self.names, np.exp(np.asarray(u, float))))

    def group_residuals(self, u) -> list[np.ndarray]:
        """The data residuals of every group, unscaled."""
        self.evaluations += 1
        values = self.values(u)
        out = []
        for s in self.sources:
            out += [np.asarray(r, float) for r in s.residuals(self.design, values)]
        return out

    def scaled(self, u, prior_weight: float = 1.0) -> np.ndarray:
        """The least-squares vector: noise-scaled data residuals, then the prior's."""
        rs = self.group_residuals(u)
        data = np.concatenate([r / s for r, s in zip(rs, self.noise)])
        if not np.all(np.isfinite(data)):
            data = np.full(data.shape, BAD_RESIDUAL)
        return np.concatenate([data, prior_weight * (np.asarray(u) - self.u0) / self.sigma])

    def cost(self, u) -> float:
        """S(u) (twice the negative log posterior, up to a constant)."""
        r = self.scaled(u)
        return float(r @ r)

    @property
    def n_data(self) -> int:
        return sum(s.n_points for s in self.sources)

    def estimate_noise(self, u) -> None:
        """Each group's noise level from its residuals at ``u`` (degrees of freedom shared
        among the groups in proportion to their sizes)."""
        rs = self.group_residuals(u)
        n = sum(r.size for r in rs)
        p = len(self.names)
        self.noise = np.array([max(math.sqrt(float(r @ r) / max(r.size * (1 - p / n), 1.0)), g.noise_floor)
                               for r, g in zip(rs, self.groups)])

    def minimize(self, u_start, *, free=None, max_evaluations: int = 400, prior_weight: float = 1.0):
        """Least squares over the ``free`` indices (default all), the others held at ``u_start``."""
        u_start = np.asarray(u_start, float)
        idx = np.arange(len(u_start)) if free is None else np.asarray(free)

        def res(v):
            u = u_start.copy()
            u[idx] = v
            return self.scaled(u, prior_weight)

        lo, hi = self.bounds[0][idx], self.bounds[1][idx]
        sol = least_squares(res, np.clip(u_start[idx], lo, hi), bounds=(lo, hi), method="trf", x_scale=1.0,
                            max_nfev=max_evaluations, xtol=1e-10, ftol=1e-12, gtol=1e-12)
        u = u_start.copy()
        u[idx] = sol.x
        return u, sol


@dataclass(frozen=True)
class Calibration:
    converged: bool
    message: str
    parameters: dict[str, Estimate]
    correlation: np.ndarray
    noise_relative: float                 # the first group's noise (spectra: relative to |Z|)
    chi_square: float
    n_points: int
    evaluations: int
    fitted: list = field(default_factory=list)   # each source's prediction at the optimum
    u: np.ndarray = field(default_factory=lambda: np.zeros(0))
    covariance_ln: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    noise: dict[str, float] = field(default_factory=dict)    # per residual group
    objective: Objective | None = None

    @property
    def values(self) -> dict[str, float]:
        return {k: e.value for k, e in self.parameters.items()}


def calibrate(design, names: Sequence[str], measurements: Sequence[Measurement] = (), *,
              sources: Sequence = (), max_evaluations: int = 400) -> Calibration:
    """Fit ``names`` (dotted parameter names) of ``design`` to spectra (``measurements``)
    and other ``sources`` (:mod:`lpt.calibrate.sources`), jointly."""
    if not names:
        raise LptError("name at least one parameter to fit (--fit NAME); `lpt parameters list DESIGN` shows them.")
    if len(set(names)) != len(names):
        raise LptError("a parameter is named twice in --fit.")
    all_sources = ([Spectra(tuple(measurements))] if measurements else []) + list(sources)
    if not all_sources:
        raise LptError("no measurements to calibrate on: give spectra (--eis) or a cycling file (--cycling).")
    info: list[ParameterInfo] = lookup(names, design)
    for p in info:
        if not p.value > 0:
            raise LptError(f"'{p.name}' is {p.value:g} {p.unit}: only positive parameters can be calibrated "
                           f"(they are fitted on a log scale).")
    obj = Objective(design, info, all_sources)
    if obj.n_data <= len(info):
        raise LptError(f"{len(info)} parameters cannot be fitted to {obj.n_data} measured values.")

    # the noise levels first, from a fit in which the data dominate (the prior only keeps
    # undetermined directions from wandering); they then weigh the data against the prior
    u_first, _ = obj.minimize(obj.u0, max_evaluations=max_evaluations, prior_weight=WEAK_PRIOR)
    obj.estimate_noise(u_first)
    u, sol = obj.minimize(u_first, max_evaluations=max_evaluations)
    converged = bool(sol.success and sol.status > 0 and np.all(np.isfinite(u)))
    n_data = sol.fun.size - len(info)
    cov, sd = laplace(sol.jac[:n_data], obj.sigma)
    corr = cov / np.outer(np.maximum(sd, 1e-300), np.maximum(sd, 1e-300))
    at_edge = (u <= obj.bounds[0] + 1e-6) | (u >= obj.bounds[1] - 1e-6)
    estimates = {}
    for j, p in enumerate(info):
        value = float(np.exp(u[j]))
        determined = bool(sd[j] < IDENTIFIABLE_SHRINK * obj.sigma[j] and not at_edge[j])
        estimates[p.name] = Estimate(
            name=p.name, unit=p.unit, value=value,
            stderr=float(value * sd[j]) if determined else None,
            ci90=(float(np.exp(u[j] - Z90 * sd[j])), float(np.exp(u[j] + Z90 * sd[j]))) if determined else None,
            identifiable=determined, prior_value=p.value, status=p.status)
    values = obj.values(u)
    fitted = [s.predict(design, values) for s in all_sources]
    data = np.concatenate(obj.group_residuals(u))
    return Calibration(converged=converged, message=str(sol.message), parameters=estimates, correlation=corr,
                       noise_relative=float(obj.noise[0]), chi_square=float(data @ data), n_points=n_data,
                       evaluations=obj.evaluations, fitted=fitted, u=u, covariance_ln=cov,
                       noise={g.name: float(s) for g, s in zip(obj.groups, obj.noise)}, objective=obj)


def laplace(J: np.ndarray, sigma: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Covariance of u and its standard deviations: (JᵀJ + diag(σ⁻²))⁻¹."""
    precision = J.T @ J + np.diag(1.0 / sigma**2)
    try:
        cov = np.linalg.inv(precision)
    except np.linalg.LinAlgError:
        cov = np.diag(sigma**2)
    return cov, np.sqrt(np.clip(np.diag(cov), 0.0, None))
