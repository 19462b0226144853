"""Complex nonlinear least squares (CNLS) fitting of equivalent circuits.

The objective is the plain weighted least squares of Macdonald & Garber
(J. Electrochem. Soc. 124 (1977) 1022) and Boukamp (Solid State Ionics 20 (1986) 31):

.. math::

    \\chi^2 = \\sum_i \\frac{(Z'_i - \\hat Z'_i)^2}{w'^2_i} + \\frac{(Z''_i - \\hat Z''_i)^2}{w''^2_i}

with weights ``"modulus"`` (w' = w'' = |Z_i|, the default, Boukamp 1986),
``"proportional"`` (w' = |Z'_i|, w'' = |Z''_i|, each floored at 1 % of |Z_i| so that a
zero crossing of Z'' does not give one point infinite weight) or ``"unit"``
(w = 1, impedance.py's default). The reported ``chi_square`` is exactly this sum
at the optimum, squared once (pyimpspec squares its residuals twice).

How it runs, and why:

1. Several starting points per spectrum come from the spectrum itself
   (:mod:`lpt.impedance.starts`). The first two are refined first; the others only
   for spectra whose fit from these is not trusted (:func:`_trusted`: converged
   inside the bounds, both starts in one basin, white residuals).
2. All (spectrum, start) rows are refined by a Levenberg–Marquardt loop in the
   unconstrained coordinates of :mod:`lpt.impedance.constraints` (fixed, bounded
   and linked parameters) with the exact Jacobian of the compiled circuit: compiled
   by Numba row by row where the circuit's elements allow and the job has enough
   spectra to repay loading Numba (:mod:`lpt.impedance.lm_kernel`), else the
   batched NumPy loop
   (:mod:`lpt.impedance.lm`), where starts that fall behind their spectrum's best,
   or join another start, are dropped early.
3. ``converged`` means the solver's own tests (MINPACK's: relative reduction,
   step size or gradient orthogonality) were met at the reported optimum.
   Only a row the loop could not finish, or one pressed against a bound, is
   polished by ``scipy.optimize.least_squares(method="trf")`` under the true
   bounds; a polish that finds nothing better keeps the loop's verdict.
4. Standard errors are the square roots of the diagonal of
   s^2 (J^T J)^-1 with s^2 = chi^2/(2N - n_free), the usual estimate when the
   absolute noise level is unknown (``curve_fit(absolute_sigma=False)``).
   Parameters on a bound are listed in ``at_bound``; parameters the data cannot
   determine (relative standard error above 1, or a singular Jacobian) in
   ``undetermined``. A problem with fewer distinct frequencies than free parameters
   is degenerate and never converged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import least_squares

from lpt.errors import LptError, did_you_mean
from lpt.impedance import lm_kernel
from lpt.impedance.compiled import CompiledCircuit
from lpt.impedance.constraints import ParameterMap
from lpt.impedance.lm import MERGE_DISTANCE, Problem, levenberg_marquardt
from lpt.impedance.starts import initial_guesses_many

WEIGHTINGS = ("modulus", "proportional", "unit")
# A relative standard error above this means the data do not pin the parameter down.
UNDETERMINED_RELATIVE_STDERR = 1.0
# The first starts of lpt.impedance.starts (arcs split by their heights, and equally)
# are tried first; the others only where their fit is not trusted.
PRIMARY_STARTS = 2
# Lag-1 autocorrelation of the residuals above which a fit has left structure behind:
# 0.5 is 3.8 standard deviations of white noise at 57 points.
WHITE_LIMIT = 0.5


@dataclass
class FitResult:
    """Fitted parameters of one spectrum (SI units, impedance.py's order)."""

    circuit: str
    param_names: list[str]
    parameters: np.ndarray
    stderr: np.ndarray
    chi_square: float
    converged: bool
    weighting: str
    n_points: int
    at_bound: list[str] = field(default_factory=list)
    undetermined: list[str] = field(default_factory=list)
    fixed: list[str] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)
    message: str = ""

    def as_dict(self) -> dict[str, dict[str, float | None]]:
        return {n: {"value": float(v), "stderr": float(e) if np.isfinite(e) else None}
                for n, v, e in zip(self.param_names, self.parameters, self.stderr)}


def weights(Z: np.ndarray, weighting: str) -> tuple[np.ndarray, np.ndarray]:
    """Weights (w', w'') of the real and imaginary residuals, see the module doc."""
    if weighting not in WEIGHTINGS:
        raise LptError(f'unknown weighting "{weighting}"{did_you_mean(weighting, WEIGHTINGS)}; '
                       f'allowed are {", ".join(WEIGHTINGS)}.')
    mod = np.abs(Z)
    if weighting == "modulus":
        return mod, mod
    if weighting == "unit":
        one = np.ones_like(mod)
        return one, one
    floor = 0.01 * mod
    return np.maximum(np.abs(Z.real), floor), np.maximum(np.abs(Z.imag), floor)


def chi_square(circuit: CompiledCircuit, P, f, Z, weighting: str = "modulus") -> np.ndarray:
    """Weighted sum of squared residuals of parameter rows ``P`` against data ``Z``.

    Use this to compare any fitter's parameters (e.g. impedance.py's) on the same
    footing as lpt's own ``chi_square``.
    """
    Z = np.atleast_2d(Z)
    wr, wi = weights(Z, weighting)
    Zm = np.atleast_2d(circuit.impedance(P, f))
    return (((Zm.real - Z.real) / wr) ** 2 + ((Zm.imag - Z.imag) / wi) ** 2).sum(axis=-1)


def _user_starts(circuit: CompiledCircuit, initial_guess, n_spec: int) -> np.ndarray | dict | None:
    if initial_guess is None:
        return None
    if isinstance(initial_guess, Mapping):
        out = {}
        for name, value in initial_guess.items():
            if name not in circuit.param_names:
                raise LptError(f'an initial value names "{name}", which is not a parameter of circuit '
                               f'"{circuit.circuit}"{did_you_mean(name, circuit.param_names)}.')
            try:
                out[circuit.param_names.index(name)] = float(value)
            except (TypeError, ValueError):
                raise LptError(f'the initial value of {name} must be a number, got "{value}".') from None
        values = np.array(list(out.values()))
        if np.any(~np.isfinite(values)) or np.any(values <= 0):
            raise LptError("initial values must be finite and positive.")
        return out
    g = np.asarray(initial_guess, dtype=float)
    if g.shape[-1] != circuit.n_params:
        raise LptError(f'circuit "{circuit.circuit}" has {circuit.n_params} parameters '
                       f"({', '.join(circuit.param_names)}); {g.shape[-1]} initial values were given.")
    g = np.broadcast_to(g, (n_spec, circuit.n_params))
    if np.any(~np.isfinite(g)) or np.any(g <= 0):
        raise LptError("initial guesses must be finite and positive.")
    return g


def fit_spectra(circuit: CompiledCircuit | str, f, Z, weighting: str = "modulus",
                initial_guess=None, polish: bool = True) -> list[FitResult]:
    """Fit one circuit to many spectra at once.

    Parameters
    ----------
    circuit : CompiledCircuit or str
        impedance.py string syntax; a :class:`CompiledCircuit` carries its constraints
        (``Circuit(text, fixed=..., bounds=..., links=...)``).
    f : array_like
        Frequencies in Hz, shape (n_freq,) shared or (n_spectra, n_freq).
    Z : array_like of complex
        Impedances in ohm, shape (n_spectra, n_freq), physical sign (capacitive
        arcs have negative imaginary part).
    weighting : {"modulus", "proportional", "unit"}
    initial_guess : array_like or dict, optional
        (n_params,) or (n_spectra, n_params), or ``{name: value}`` for some
        parameters (the others from the automatic starts); added to the starts.
    polish : bool
        Polish rows the loop could not finish with ``least_squares(method="trf")``.

    Returns
    -------
    list of FitResult
        Interchangeable R-C/R-CPE arcs are reported in order of increasing time
        constant (:meth:`Circuit.canonical_order`) unless a constraint names them.
    """
    circuit = CompiledCircuit(circuit) if isinstance(circuit, str) else circuit
    pmap: ParameterMap = circuit.parameter_map
    Z = np.atleast_2d(np.asarray(Z, dtype=complex))
    f = np.asarray(f, dtype=float)
    n_spec, n_freq = Z.shape
    if f.shape[-1] != n_freq or (f.ndim == 2 and f.shape[0] != n_spec):
        raise LptError(f"frequencies of shape {f.shape} do not match impedances of shape {Z.shape}.")
    if 2 * n_freq <= pmap.n_free:
        raise LptError(f'a spectrum of {n_freq} points cannot determine the {pmap.n_free} free '
                       f'parameters of "{circuit.circuit}".')
    if not (np.all(np.isfinite(Z)) and np.all(np.isfinite(f)) and np.all(f > 0)):
        raise LptError("impedances must be finite and frequencies finite and positive.")
    from lpt.impedance.validate import _check_magnitude

    for row in Z:
        _check_magnitude(row)
    wr, wi = weights(Z, weighting)
    if np.any(wr <= 0) or np.any(wi <= 0):
        raise LptError("a zero impedance cannot be weighted; use weighting \"unit\".")
    f2 = np.broadcast_to(f, Z.shape)
    user = _user_starts(circuit, initial_guess, n_spec)

    automatic = initial_guesses_many(circuit, f2, Z)
    if isinstance(user, dict):
        extra = automatic[:, :1].copy()
        for k, v in user.items():
            extra[..., k] = v
        user = extra[:, 0]
    compiled = bool(pmap.n_free) and lm_kernel.use_compiled(circuit, n_spec)
    theta_best, converged_best = _refine(circuit, pmap, f, f2, Z, wr, wi, automatic, user, compiled)
    distinct = np.array([len(np.unique(f2[i])) for i in range(n_spec)])
    theta_best = theta_best.copy()
    if polish and pmap.n_free:
        for i in np.flatnonzero(~converged_best | np.any(pmap.at_bound(theta_best, rtol=1e-4), axis=-1)):
            single = Problem(circuit, pmap, f2[i], Z[i:i + 1], wr[i:i + 1], wi[i:i + 1])
            theta_best[i], converged_best[i] = _polish(single, theta_best[i], bool(converged_best[i]))
    everyone = Problem(circuit, pmap, f, Z, wr, wi)
    return _results(circuit, pmap, everyone, theta_best, converged_best, weighting, n_freq, distinct)


def _run(circuit: CompiledCircuit, pmap: ParameterMap, f, Z, wr, wi, starts: np.ndarray, compiled: bool):
    """Refine starts (n_spec, n_starts, n_params) in one batched loop, compiled or NumPy;
    the best row of every spectrum: theta, chi^2, converged, and all rows' u and chi^2."""
    n_spec, n_starts, _ = starts.shape
    owner = np.repeat(np.arange(n_spec), n_starts)
    P0 = starts.reshape(n_spec * n_starts, -1)
    theta0 = pmap.clip_inside(P0[:, pmap.free]) if pmap.n_free else np.zeros((len(P0), 0))
    problem = Problem(circuit, pmap, f if f.ndim == 1 else f[owner], Z[owner], wr[owner], wi[owner])
    if compiled:
        U, cost, converged = lm_kernel.levenberg_marquardt_compiled(problem, pmap.to_u(theta0))
    else:
        U, cost, converged = levenberg_marquardt(problem, pmap.to_u(theta0), owner)
    cost = np.where(np.isfinite(cost), cost, np.inf).reshape(n_spec, n_starts)
    best = np.argmin(cost, axis=1)
    rows = np.arange(n_spec) * n_starts + best
    return pmap.to_theta(U[rows])[0], cost[np.arange(n_spec), best], converged[rows], \
        U.reshape(n_spec, n_starts, -1), cost


def _refine(circuit: CompiledCircuit, pmap: ParameterMap, f, f2, Z, wr, wi, automatic: np.ndarray,
            user: np.ndarray | None, compiled: bool) -> tuple[np.ndarray, np.ndarray]:
    """Best free parameters and convergence of every spectrum, from the primary starts
    and, where their fit is not trusted (:func:`_trusted`), from all the others too."""
    primary = automatic[:, :PRIMARY_STARTS]
    if user is not None:
        primary = np.concatenate([primary, user[:, None, :]], axis=1)
    theta, cost, converged, U, costs = _run(circuit, pmap, f, Z, wr, wi, primary, compiled)
    rest = automatic[:, PRIMARY_STARTS:]
    retry = np.flatnonzero(~_trusted(circuit, pmap, f2, Z, wr, wi, theta, cost, converged, U, costs))
    if retry.size and rest.shape[1]:
        f_r = f if f.ndim == 1 else f[retry]
        theta2, cost2, converged2, _, _ = _run(circuit, pmap, f_r, Z[retry], wr[retry], wi[retry], rest[retry],
                                        compiled)
        better = cost2 < cost[retry]
        theta[retry[better]], converged[retry[better]] = theta2[better], converged2[better]
    return theta.copy(), converged.copy()


def _trusted(circuit, pmap, f2, Z, wr, wi, theta, cost, converged, U, costs) -> np.ndarray:
    """Whether each spectrum's best primary fit can stand without the other starts: the
    solver converged inside every bound, the primary starts ended in one basin (every
    one within 0.1 % of the best chi^2 or merged into it), and the residuals are white.

    Whiteness is the lag-1 autocorrelation of the weighted real and imaginary
    residuals along frequency: about 0 +- 1/sqrt(N) for noise, near 1 where a missed
    or misplaced arc leaves a smooth trend (Durbin & Watson, Biometrika 37 (1950) 409).
    A fit down to rounding (chi^2 below 1e-20 of the data's norm) is trusted as it is.
    """
    n_spec = len(theta)
    problem = Problem(circuit, pmap, f2, Z, wr, wi)
    r, _ = problem.residuals_rows(theta)
    m = Z.shape[-1]
    order = np.argsort(f2, axis=1)
    rows = np.arange(n_spec)[:, None]
    white = np.ones(n_spec, dtype=bool)
    for part in (r[:, :m], r[:, m:]):
        x = part[rows, order]
        with np.errstate(all="ignore"):
            rho = np.einsum("nm,nm->n", x[:, 1:], x[:, :-1]) / np.einsum("nm,nm->n", x, x)
        white &= np.where(np.isfinite(rho), rho <= WHITE_LIMIT, True)
    exact = cost <= 1e-20 * problem.data_norm
    with np.errstate(invalid="ignore"):
        same_cost = costs <= cost[:, None] * (1 + 1e-3)
    near = np.max(np.abs(U - U[np.arange(n_spec), np.argmin(costs, axis=1)][:, None, :]), axis=2,
                  initial=0.0) < 2 * MERGE_DISTANCE
    one_basin = np.all(same_cost | near, axis=1)
    inside = ~np.any(pmap.at_bound(theta, rtol=1e-4), axis=-1) if pmap.n_free else np.ones(n_spec, dtype=bool)
    return converged & inside & one_basin & (white | exact)


def _results(circuit: CompiledCircuit, pmap: ParameterMap, problem: Problem, theta: np.ndarray,
             converged: np.ndarray, weighting: str, n_freq: int, n_distinct: np.ndarray) -> list[FitResult]:
    """chi^2, standard errors and flags of every spectrum's optimum, in stacked arrays."""
    n_spec = theta.shape[0]
    r, J = problem.residuals_rows(theta)
    chi2 = np.einsum("nm,nm->n", r, r)
    stderr_free = _standard_errors(J, chi2, theta)
    P = pmap.full(theta)
    linked = pmap.source >= 0
    stderr = np.full(P.shape, np.nan)
    stderr[:, linked] = stderr_free[:, pmap.source[linked]]
    names = circuit.param_names
    bound_free = pmap.at_bound(theta)
    undetermined_free = ~np.isfinite(stderr_free) | (stderr_free > UNDETERMINED_RELATIVE_STDERR * np.abs(theta))
    P, stderr = circuit.canonical_order(P, stderr, skip=pmap.constrained)
    fixed = [names[k] for k in range(circuit.n_params) if pmap.source[k] < 0]
    root = {int(pmap.free[j]): names[pmap.free[j]] for j in range(pmap.n_free)}
    links = {names[k]: root[int(pmap.free[pmap.source[k]])] for k in range(circuit.n_params)
             if pmap.source[k] >= 0 and pmap.free[pmap.source[k]] != k}
    results = []
    for i in range(n_spec):
        ok = bool(converged[i])
        message = "the solver's convergence tests were met" if ok else \
            "the solver stopped before its convergence tests were met"
        if n_distinct[i] < pmap.n_free:
            ok = False
            message = (f"degenerate: {n_distinct[i]} distinct frequencies cannot determine {pmap.n_free} "
                       "free parameters")
        at_bound = [names[k] for k in range(circuit.n_params) if linked[k] and bound_free[i, pmap.source[k]]]
        undetermined = [names[k] for k in range(circuit.n_params)
                        if linked[k] and undetermined_free[i, pmap.source[k]]]
        results.append(FitResult(circuit.circuit, list(names), P[i], stderr[i], float(chi2[i]), ok, weighting,
                                 n_freq, at_bound, undetermined, list(fixed), dict(links), message))
    return results


def _polish(problem: Problem, theta0: np.ndarray, converged: bool) -> tuple[np.ndarray, bool]:
    """``least_squares(trf)`` under the true bounds from the loop's best point. Its
    verdict replaces the loop's only if it found a lower chi^2."""
    pmap = problem.pmap
    lower = np.where(pmap.lower > 0, pmap.lower, 0.0)
    upper = pmap.upper
    x0 = np.clip(theta0, lower + 1e-300, np.where(np.isfinite(upper), upper * (1 - 1e-12), np.inf))
    x0 = np.where(x0 <= lower, lower + 1e-12 * np.maximum(np.abs(x0), 1e-300), x0)
    cache: dict = {}

    def fun(x):
        r, J = problem.residuals_theta(x)
        cache["J"] = J
        return r

    def jac(x):
        return cache["J"]

    r0 = problem.residuals_theta(theta0)[0]
    try:
        with np.errstate(all="ignore"):
            sol = least_squares(fun, x0, jac=jac, bounds=(lower, upper), method="trf", x_scale="jac",
                                ftol=1e-12, xtol=1e-12, gtol=1e-12, max_nfev=200)
    except ValueError:
        return theta0, converged
    if not np.all(np.isfinite(sol.x)) or np.sum(sol.fun**2) >= np.sum(r0**2) * (1 - 1e-12):
        return theta0, converged
    return sol.x, bool(sol.status > 0)


def _standard_errors(J: np.ndarray, chi2, p: np.ndarray) -> np.ndarray:
    """sqrt(diag(s^2 (J^T J)^-1)), s^2 = chi^2/(m - n), by SVD, for stacked rows
    J (n_spec, m, n), chi2 (n_spec,), p (n_spec, n).

    The SVD works on the Jacobian with respect to relative changes (columns × |p|):
    parameters span 1e-9 F to 1e4 s, so in raw units the singular values spread over
    many decades from the units alone and a well-determined fit would look singular.
    A parameter with a share in a null direction (singular value below 1e-12 of the
    largest) gets an infinite error; the others keep theirs.
    """
    J, p = np.asarray(J), np.asarray(p)
    n_spec, m, n = J.shape
    if n == 0:
        return np.zeros((n_spec, 0))
    if m <= n:
        return np.full((n_spec, n), np.inf)
    scale = np.where(np.abs(p) > 0, np.abs(p), 1.0)
    _, s, Vt = np.linalg.svd(J * scale[:, None, :], full_matrices=False)
    good = s > s[:, :1] * 1e-12
    sv = np.where(good, s, np.inf)
    variance = np.einsum("nki,nk->ni", Vt**2, 1.0 / sv**2) * (np.asarray(chi2) / (m - n))[:, None]
    out = np.sqrt(np.clip(variance, 0, None)) * scale
    in_null = np.einsum("nki,nk->ni", (np.abs(Vt) > 1e-6).astype(float), (~good).astype(float)) > 0
    out[in_null] = np.inf
    return out


def fit_many(spectra, circuit: CompiledCircuit | str, weighting: str = "modulus",
             initial_guess=None) -> list[FitResult]:
    """Fit every :class:`lpt.io.Spectrum`; spectra of equal length are
    batched together."""
    circuit = CompiledCircuit(circuit) if isinstance(circuit, str) else circuit
    out: list[FitResult | None] = [None] * len(spectra)
    groups: dict[int, list[int]] = {}
    for i, s in enumerate(spectra):
        groups.setdefault(len(s.frequency_Hz), []).append(i)
    for idx in groups.values():
        f = np.array([spectra[i].frequency_Hz for i in idx])
        Z = np.array([spectra[i].z for i in idx])
        for i, res in zip(idx, fit_spectra(circuit, f, Z, weighting=weighting, initial_guess=initial_guess)):
            out[i] = res
    return out  # type: ignore[return-value]
