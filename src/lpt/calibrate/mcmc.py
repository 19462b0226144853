"""An MCMC posterior of calibrated parameters with emcee (docs/calibration.md).

The posterior is p(u | data) ∝ exp(−S(u)/2), the objective of :mod:`lpt.calibrate.fit`
with the noise levels fixed at their estimates, sampled with the affine-invariant
ensemble sampler of Goodman & Weare (2010) as implemented by emcee (Foreman-Mackey et
al. 2013, PASP 125, 306; MIT licence). Walkers start drawn from the Laplace
approximation (the optimum and its covariance), so little of the chain is burn-in. The first half of the chain is discarded as
burn-in; the integrated autocorrelation time τ of each parameter is estimated, and a
chain shorter than 50 τ is reported as not converged (emcee's own rule of thumb), so a
posterior is never passed off as complete when it is not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from lpt.calibrate.fit import Calibration
from lpt.errors import LptError

MIN_STEPS, MAX_STEPS = 50, 100_000
CHAINS_PER_TAU = 50


@dataclass(frozen=True)
class Posterior:
    names: list[str]
    median: np.ndarray            # in the parameters' units
    ci90: np.ndarray              # (n, 2): 5 % and 95 % quantiles
    acceptance_fraction: float
    autocorrelation_steps: np.ndarray
    steps: int
    walkers: int
    converged: bool
    samples: np.ndarray           # (draws, n) after burn-in, thinned; parameter units

    def to_json(self) -> dict:
        return {"steps": self.steps, "walkers": self.walkers, "acceptance_fraction": self.acceptance_fraction,
                "converged": self.converged,
                "parameters": {n: {"median": float(m), "ci90": [float(a), float(b)], "autocorrelation_steps": float(t)}
                               for n, m, (a, b), t in zip(self.names, self.median, self.ci90,
                                                          self.autocorrelation_steps)}}


def posterior(cal: Calibration, steps: int, *, walkers: int | None = None, seed: int = 0,
              progress: Callable[[int, int], None] | None = None) -> Posterior:
    """Sample the calibration's posterior for ``steps`` steps of every walker."""
    try:
        import emcee
    except ImportError as exc:        # pragma: no cover - emcee is a dependency
        raise LptError("the MCMC posterior needs emcee (pip install emcee).") from exc
    obj = cal.objective
    if obj is None:
        raise LptError("this calibration keeps no objective to sample.")
    if not MIN_STEPS <= steps <= MAX_STEPS:
        raise LptError(f"--mcmc takes between {MIN_STEPS} and {MAX_STEPS} steps, not {steps}.")
    n = len(obj.names)
    walkers = walkers or max(4 * n, 16)
    lo, hi = obj.bounds

    def log_prob(u):
        if np.any(u < lo) or np.any(u > hi):
            return -np.inf
        c = obj.cost(u)
        return -0.5 * c if np.isfinite(c) else -np.inf

    rng = np.random.default_rng(seed)
    cov = np.asarray(cal.covariance_ln, float)
    start = rng.multivariate_normal(cal.u, cov + 1e-12 * np.eye(n), size=walkers)
    start = np.clip(start, lo + 1e-9, hi - 1e-9)
    sampler = emcee.EnsembleSampler(walkers, n, log_prob)
    sampler.random_state = np.random.RandomState(seed).get_state()     # reproducible chains
    for k, _ in enumerate(sampler.sample(start, iterations=steps), start=1):
        if progress is not None:
            progress(k, steps)
    burn = steps // 2
    tau = np.asarray(sampler.get_autocorr_time(discard=burn, quiet=True, tol=0), float)
    thin = max(1, int(np.nanmin(tau) // 2)) if np.all(np.isfinite(tau)) else 1
    chain = sampler.get_chain(discard=burn, thin=thin, flat=True)
    theta = np.exp(chain)
    q = np.quantile(theta, [0.05, 0.5, 0.95], axis=0)
    converged = bool(np.all(np.isfinite(tau)) and steps >= CHAINS_PER_TAU * float(np.max(tau)))
    return Posterior(list(obj.names), q[1], q[[0, 2]].T, float(np.mean(sampler.acceptance_fraction)), tau, steps,
                     walkers, converged, theta)
