"""Fixed, bounded and linked circuit parameters, and the coordinates a fit moves in.

A circuit's parameters (impedance.py's names ``R0``, ``CPE1_0`` ...) are either

* **fixed** (``fixed={"R0": 12.0}``): held at the value given;
* **linked** (``links={"CPE2_1": "CPE1_1"}``): equal to another parameter of the same
  kind, so two arcs share one exponent (the left name follows the right one);
* **free**, inside the element's domain (:data:`lpt.impedance.elements.KIND_DOMAINS`:
  0 < R, C, Q, tau; 0 < alpha <= 1) intersected with the user's ``bounds``
  (``bounds={"CPE1_1": (0.7, 1.0)}``).

The fitter moves in unconstrained coordinates u, one per free parameter, mapped
smoothly into each interval (as MINUIT does for bounded parameters; James & Roos,
Comput. Phys. Commun. 10 (1975) 343):

=================  ==========================================  ==================
interval           p(u)                                         used for
=================  ==========================================  ==================
(0, inf)           exp(u)                                       R, C, Q, tau
(lo, inf), lo > 0  lo + exp(u)                                  a lower bound
[lo, hi], lo > 0   exp(ln lo + (ln hi - ln lo) s(u))            positive, bounded
[lo, hi]           lo + (hi - lo) s(u)                          exponents, hi only
=================  ==========================================  ==================

with s(u) = 1/(1 + exp(-u)). Log-spaced maps keep a relative step meaning the same
for a 1 pF capacitor and a 1 MOhm resistor.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from lpt.errors import LptError, did_you_mean
from lpt.impedance.elements import KIND_DOMAINS

_LOG, _SHIFT, _LOGIT_LOG, _LOGIT = 0, 1, 2, 3


def _sigmoid(u):
    return 0.5 * (1.0 + np.tanh(0.5 * u))


def _logit(s):
    s = np.clip(s, 1e-15, 1 - 1e-15)
    return np.log(s / (1 - s))


@dataclass(frozen=True)
class ParameterMap:
    """Which parameters a fit moves, and how (see the module doc).

    ``source[k]`` is the free index parameter ``k`` takes its value from, or -1 when
    it is fixed at ``fixed_values[k]``; ``lower``/``upper`` are the free parameters'
    intervals.
    """

    names: tuple[str, ...]
    source: np.ndarray
    fixed_values: np.ndarray
    free: np.ndarray            # full index of every free parameter
    lower: np.ndarray
    upper: np.ndarray
    user_bounded: np.ndarray    # free parameter has a bound given by the user
    mode: np.ndarray

    @property
    def n_free(self) -> int:
        return len(self.free)

    @property
    def constrained(self) -> set[int]:
        """Full indices that are fixed, linked or bounded by the user."""
        out = {k for k in range(len(self.names)) if self.source[k] < 0}
        counts = np.bincount(self.source[self.source >= 0], minlength=self.n_free)
        out |= {k for k in range(len(self.names)) if self.source[k] >= 0 and counts[self.source[k]] > 1}
        out |= {int(self.free[j]) for j in np.flatnonzero(self.user_bounded)}
        return out

    @property
    def identity(self) -> bool:
        """Every parameter free, none linked: theta is the parameter vector itself."""
        return len(self.free) == len(self.names)

    def full(self, theta: np.ndarray) -> np.ndarray:
        """Full parameter rows (n, n_params) from free rows (n, n_free)."""
        theta = np.atleast_2d(theta)
        if self.identity:
            return theta
        P = np.broadcast_to(self.fixed_values, (theta.shape[0], len(self.names))).copy()
        linked = self.source >= 0
        P[:, linked] = theta[:, self.source[linked]]
        return P

    def reduce_jacobian(self, J: np.ndarray) -> np.ndarray:
        """dZ/dtheta from dZ/dP: a free parameter's column is the sum over the
        parameters that take its value."""
        out = np.zeros(J.shape[:-1] + (self.n_free,), dtype=J.dtype)
        for k, j in enumerate(self.source):
            if j >= 0:
                out[..., j] += J[..., k]
        return out

    def to_u(self, theta: np.ndarray) -> np.ndarray:
        lo, hi, mode = self.lower, self.upper, self.mode
        with np.errstate(all="ignore"):
            pos = np.maximum(theta, 1e-300)
            u_log = np.log(pos)
            u_shift = np.log(np.maximum(theta - lo, 1e-300 + 0 * lo))
            span_log = np.log(np.where(mode == _LOGIT_LOG, hi / np.where(lo > 0, lo, 1.0), 1.0))
            u_logit_log = _logit((np.log(pos) - np.log(np.where(lo > 0, lo, 1.0))) / np.where(span_log > 0, span_log, 1.0))
            u_logit = _logit((theta - lo) / np.where(np.isfinite(hi - lo), hi - lo, 1.0))
        return np.select([mode == _LOG, mode == _SHIFT, mode == _LOGIT_LOG], [u_log, u_shift, u_logit_log],
                         u_logit)

    def to_theta(self, U: np.ndarray):
        """Free parameters and dtheta/du for rows of u (each map computed only for the
        columns that use it: this sits in the fitter's inner loop)."""
        U = np.clip(U, -700.0, 700.0)
        theta = np.empty_like(U)
        dtheta = np.empty_like(U)
        for mode, cols in self._mode_columns:
            u = U[:, cols]
            lo, hi = self.lower[cols], self.upper[cols]
            if mode == _LOG:
                theta[:, cols] = dtheta[:, cols] = np.exp(u)
            elif mode == _SHIFT:
                e = np.exp(u)
                theta[:, cols], dtheta[:, cols] = lo + e, e
            else:
                s = _sigmoid(u)
                if mode == _LOGIT_LOG:
                    span = np.log(hi / lo)
                    p = lo * np.exp(span * s)
                    theta[:, cols], dtheta[:, cols] = p, p * span * s * (1 - s)
                else:
                    theta[:, cols], dtheta[:, cols] = lo + (hi - lo) * s, (hi - lo) * s * (1 - s)
        return theta, dtheta

    @property
    def _mode_columns(self) -> list[tuple[int, np.ndarray]]:
        cached = self.__dict__.get("_mode_cache")
        if cached is None:
            cached = [(m, np.flatnonzero(self.mode == m)) for m in (_LOG, _SHIFT, _LOGIT_LOG, _LOGIT)
                      if np.any(self.mode == m)]
            object.__setattr__(self, "_mode_cache", cached)
        return cached

    def clip_inside(self, theta: np.ndarray) -> np.ndarray:
        """Move starting values strictly inside their intervals."""
        lo = np.where(self.lower > 0, self.lower * (1 + 1e-6), 1e-300)
        finite = np.isfinite(self.upper)
        span = np.where(finite, self.upper - self.lower, 0.0)
        hi = np.where(finite, np.where(finite, self.upper, 0.0) - 1e-6 * span, np.inf)
        inside = np.clip(theta, lo, hi)
        # a start at the very edge of a log-scaled interval moves to 1 % inside it
        return np.where(np.isfinite(inside), inside, np.where(np.isfinite(self.upper),
                                                               0.5 * (self.lower + self.upper), 1.0))

    def at_bound(self, theta: np.ndarray, rtol: float = 1e-6) -> np.ndarray:
        """Free parameters sitting on a finite bound of their interval (a user's bound,
        or an exponent at 1)."""
        span = np.where(np.isfinite(self.upper), self.upper - self.lower, np.abs(theta))
        near_lo = (self.lower > 0) & (theta - self.lower <= rtol * span)
        near_hi = np.isfinite(self.upper) & (self.upper - theta <= rtol * span)
        return near_lo | near_hi


def _domain(kind: str) -> tuple[float, float]:
    lo, hi, _ = KIND_DOMAINS[kind]
    return lo, hi


def parameter_map(names: list[str], kinds: list[str], units: list[str], circuit: str,
                  fixed: Mapping[str, float] | None = None,
                  bounds: Mapping[str, tuple[float, float]] | None = None,
                  links: Mapping[str, str] | None = None) -> ParameterMap:
    """Check the constraints against the circuit's parameters and build the map.

    Every error is one sentence naming the parameter and what is allowed.
    """
    fixed, bounds, links = dict(fixed or {}), dict(bounds or {}), dict(links or {})
    index = {n: k for k, n in enumerate(names)}

    def known(name: str, what: str) -> int:
        if name not in index:
            raise LptError(f'{what} names "{name}", which is not a parameter of circuit "{circuit}"'
                           f'{did_you_mean(name, names)}; its parameters are {", ".join(names)}.')
        return index[name]

    def domain_text(kind: str) -> str:
        lo, hi, closed = KIND_DOMAINS[kind]
        return f"({lo:g}, {hi:g}{']' if closed else ')'}"

    for name in set(fixed) & set(bounds):
        raise LptError(f'"{name}" is both fixed and bounded; give either --fix {name}=VALUE or '
                       f"--bounds {name}=LO:HI.")
    for name in set(links) & (set(fixed) | set(bounds)):
        raise LptError(f'"{name}" is linked to "{links[name]}" and so takes its value and bounds; '
                       f"fix or bound {links[name]} instead.")
    fixed_values = np.full(len(names), np.nan)
    for name, value in fixed.items():
        k = known(name, "a fixed value")
        lo, hi, closed = KIND_DOMAINS[kinds[k]]
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise LptError(f'the fixed value of {name} must be a number, got "{value}".') from None
        if not (np.isfinite(value) and value > lo and (value < hi or (closed and value == hi))):
            raise LptError(f"{name} = {value:g} lies outside its domain {domain_text(kinds[k])} "
                           f"({units[k] or 'dimensionless'}).")
        fixed_values[k] = value
    lower = np.array([_domain(kd)[0] for kd in kinds])
    upper = np.array([_domain(kd)[1] for kd in kinds])
    user_bounded = np.zeros(len(names), dtype=bool)
    for name, pair in bounds.items():
        k = known(name, "a bound")
        try:
            lo, hi = (float(v) for v in pair)
        except (TypeError, ValueError):
            raise LptError(f"the bounds of {name} must be two numbers LO:HI, got {pair!r}.") from None
        d_lo, d_hi, closed = KIND_DOMAINS[kinds[k]]
        if not lo < hi:
            raise LptError(f"the bounds of {name} must have LO < HI, got {lo:g}:{hi:g}.")
        if lo < d_lo or hi > d_hi or (hi == d_hi and not closed) or np.isnan(lo) or np.isnan(hi):
            raise LptError(f"the bounds {lo:g}:{hi:g} of {name} leave its domain {domain_text(kinds[k])} "
                           f"({units[k] or 'dimensionless'}).")
        lower[k], upper[k], user_bounded[k] = lo, hi, True

    # Links: follow chains to a root that is free or fixed; refuse cycles.
    target = {}
    for name, other in links.items():
        k, j = known(name, "a link"), known(other, "a link")
        if k == j:
            raise LptError(f'"{name}" cannot be linked to itself.')
        if kinds[k] != kinds[j] or units[k] != units[j]:
            raise LptError(f'"{name}" ({units[k] or "dimensionless"}) cannot be linked to "{other}" '
                           f'({units[j] or "dimensionless"}): linked parameters must be of one kind and unit.')
        target[k] = j
    root = {}
    for k in target:
        seen, j = {k}, target[k]
        while j in target:
            if j in seen:
                raise LptError(f'the links of "{names[k]}" form a cycle; link every parameter to one '
                               "that is itself free or fixed.")
            seen.add(j)
            j = target[j]
        root[k] = j

    free_full = [k for k in range(len(names)) if k not in root and np.isnan(fixed_values[k])]
    free_index = {k: i for i, k in enumerate(free_full)}
    source = np.full(len(names), -1)
    for k in range(len(names)):
        r = root.get(k, k)
        if np.isnan(fixed_values[r]):
            source[k] = free_index[r]
        else:
            fixed_values[k] = fixed_values[r]
    free = np.array(free_full, dtype=int)
    lo, hi = lower[free], upper[free]
    exponent = np.array([kinds[k] == "exponent" for k in free], dtype=bool)
    mode = np.where(exponent | ((lo <= 0) & np.isfinite(hi)), _LOGIT,
                    np.where(np.isfinite(hi), _LOGIT_LOG, np.where(lo > 0, _SHIFT, _LOG)))
    return ParameterMap(tuple(names), source, fixed_values, free, lo, hi, user_bounded[free], mode)
