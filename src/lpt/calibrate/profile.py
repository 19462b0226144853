"""Profile likelihoods of calibrated parameters (docs/calibration.md).

For a parameter j, the profile is the objective minimised over all the others with u_j
held fixed, on a grid around the optimum:

    PL(u_j) = min_{u_−j} S(u),    ΔS(u_j) = PL(u_j) − S(û)

The 90 % profile interval is where ΔS ≤ χ²₁(0.90) = 2.706 (Venzon & Moolgavkar 1988;
Raue et al. 2009, Bioinformatics 25, 1923). It follows the objective's real shape
where the Laplace approximation only sees its curvature at the optimum: a parameter
constrained on one side only (a lower bound on an exchange current, say) has a
one-sided interval, reported as open on the side where ΔS never reaches 2.706 inside
the search range. S includes the prior, so every profile eventually rises; a parameter
is called determined by its profile when its interval is less than half as wide as the
prior's own 90 % interval (the rule the Laplace estimate uses).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lpt.calibrate.fit import IDENTIFIABLE_SHRINK, Z90, Calibration
from lpt.errors import LptError

CHI2_1_90 = 2.705543454095404      # χ²₁ quantile at 0.90
DEFAULT_POINTS = 12                # per side, at most


@dataclass(frozen=True)
class Profile:
    name: str
    values: np.ndarray                # the grid, in the parameter's unit
    delta_cost: np.ndarray            # ΔS at each grid value
    ci90: tuple[float | None, float | None]   # None: open on that side within the search range
    identifiable: bool

    def to_json(self) -> dict:
        return {"values": self.values.tolist(), "delta_cost": self.delta_cost.tolist(),
                "ci90": list(self.ci90), "identifiable": self.identifiable}


def profile(cal: Calibration, name: str, max_points: int = DEFAULT_POINTS, max_evaluations: int = 200) -> Profile:
    """The profile of ``name`` (one of the calibrated parameters): from the optimum
    outwards on each side in steps of half its Laplace standard deviation (growing ×1.5
    while ΔS rises slowly), until ΔS passes χ²₁(0.90) or the search range ends."""
    obj = cal.objective
    if obj is None:
        raise LptError("this calibration keeps no objective to profile.")
    if name not in obj.names:
        raise LptError(f"--profile {name}: only a fitted parameter can be profiled; fitted: {', '.join(obj.names)}.")
    if not 3 <= max_points <= 100:
        raise LptError(f"a profile takes between 3 and 100 points per side, not {max_points}.")
    j = obj.names.index(name)
    u_hat = np.asarray(cal.u, float)
    s_min = obj.cost(u_hat)
    sd = float(np.sqrt(max(cal.covariance_ln[j, j], 1e-12)))
    free = [k for k in range(len(u_hat)) if k != j]
    sides = []
    for sign, edge in ((-1.0, obj.bounds[0][j]), (1.0, obj.bounds[1][j])):
        u, step, grid, cost = u_hat.copy(), 0.5 * sd, [], []
        for _ in range(max_points):
            target = u_hat[j] + sign * (abs(u[j] - u_hat[j]) + step)
            u[j] = min(max(target, obj.bounds[0][j]), obj.bounds[1][j])
            if free:      # warm start: the neighbour's optimum of the others
                u, _ = obj.minimize(u, free=free, max_evaluations=max_evaluations)
            grid.append(u[j])
            cost.append(obj.cost(u) - s_min)
            if cost[-1] >= CHI2_1_90 or u[j] == edge:
                break
            if cost[-1] < 0.3 * CHI2_1_90:
                step *= 1.5
        sides.append((np.array(grid), np.array(cost)))
    (gl, cl), (gr, cr) = sides
    grid = np.r_[gl[::-1], u_hat[j], gr]
    delta = np.r_[cl[::-1], 0.0, cr]
    # a lower cost than the optimum's means the optimizer stopped short: ΔS is measured
    # from the lowest point found
    delta = delta - min(0.0, float(delta.min()))
    centre = len(gl)
    ci = (_crossing(grid[: centre + 1][::-1], delta[: centre + 1][::-1]),
          _crossing(grid[centre:], delta[centre:]))
    prior_width = 2 * Z90 * obj.sigma[j]
    identifiable = (ci[0] is not None and ci[1] is not None
                    and ci[1] - ci[0] < IDENTIFIABLE_SHRINK * prior_width)
    return Profile(name, np.exp(grid), delta,
                   tuple(None if c is None else float(np.exp(c)) for c in ci), bool(identifiable))


def _crossing(u: np.ndarray, delta: np.ndarray) -> float | None:
    """First u (walking away from the optimum) where ΔS reaches χ²₁(0.90), interpolated."""
    above = np.flatnonzero(delta >= CHI2_1_90)
    if above.size == 0:
        return None
    k = int(above[0])
    if k == 0:
        return float(u[0])
    f = (CHI2_1_90 - delta[k - 1]) / (delta[k] - delta[k - 1])
    return float(u[k - 1] + f * (u[k] - u[k - 1]))
