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
   (:func:`initial_guesses`: high-frequency intercept, arc diameters, apex
   frequencies of -Z'', low-frequency tail).
2. All (spectrum, start) pairs are refined together by one vectorized
   Levenberg–Marquardt loop in log-parameters (positive R, C, Q, tau) and
   logit-exponents (0 < alpha < 1), each pair with its own damping. The exact
   Jacobian comes from the compiled circuit. This replaces impedance.py's one
   ``curve_fit`` per spectrum with one ``eval()`` per residual.
3. The best start of every spectrum is polished by
   ``scipy.optimize.least_squares(method="trf")`` with the true bounds
   (0 < p, 0 < alpha <= 1) and the analytic Jacobian; its status gives ``converged``.
4. Standard errors are the square roots of the diagonal of
   s^2 (J^T J)^-1 with s^2 = chi^2/(2N - n_params), the usual estimate when the
   absolute noise level is unknown (same as ``curve_fit(absolute_sigma=False)``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import least_squares
from scipy.signal import find_peaks

from lpt.errors import LptError, did_you_mean
from lpt.impedance.compiled import CompiledCircuit, Node

WEIGHTINGS = ("modulus", "proportional", "unit")


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


# -- starting points -------------------------------------------------------------
def initial_guesses(circuit: CompiledCircuit, f: np.ndarray, Z: np.ndarray) -> np.ndarray:
    """Starting parameter sets (n_starts, n_params) read off one spectrum.

    R0 is the high-frequency real intercept; the real-axis span down to the lowest
    frequency is shared among the top-level arcs, whose apex frequencies are the
    peaks of -Z'' on a log-frequency axis (the apex of an R-C arc lies at
    omega = 1/(RC)); where fewer peaks than arcs are seen, apexes are spread
    log-uniformly. Variants (peak vs. uniform apexes, equal vs. geometric
    splits, alpha 0.8-0.95, diffusion tau from 0.1 to 1000 / omega_min, since a
    finite Warburg often looks semi-infinite inside the window) make the fit robust without
    a global optimizer.
    """
    order = np.argsort(f)[::-1]  # high to low frequency
    f, Z = f[order], Z[order]
    omega = 2 * np.pi * f
    w_max, w_min = omega[0], omega[-1]
    scale = float(np.max(np.abs(Z)))
    tiny = 1e-6 * scale
    n_hf = max(1, len(f) // 10)
    r_inf = max(float(np.min(Z.real[:n_hf])), tiny)
    span = float(Z.real[-1]) - r_inf
    if not np.isfinite(span) or span <= 0.05 * scale:
        span = 0.5 * scale
    top = circuit.tree.children if circuit.tree.kind == "series" else [circuit.tree]
    arcs = [c for c in top if c.kind == "parallel"]
    n_diffusion = sum(1 for c in top if c.kind == "element" and c.element.name in ("W", "Wo", "Ws"))
    n_arcs = len(arcs)

    smooth = -np.convolve(Z.imag, np.ones(3) / 3, mode="same")
    peaks, props = find_peaks(smooth, prominence=0.01 * scale)
    peak_w = omega[peaks[np.argsort(props["prominences"])[::-1][:n_arcs]]] if len(peaks) else np.array([])
    uniform_w = np.exp(np.linspace(np.log(w_max), np.log(w_min), n_arcs + 2)[1:-1]) if n_arcs else np.array([])

    def arc_omegas(use_peaks: bool) -> np.ndarray:
        if not use_peaks or len(peak_w) == 0:
            return uniform_w
        w = list(np.sort(peak_w)[::-1])
        for u in uniform_w:  # fill the missing arcs with the farthest uniform positions
            if len(w) >= n_arcs:
                break
            w.append(u)
        return np.sort(np.array(w[:n_arcs]))[::-1]

    starts = []
    for use_peaks, split, alpha, tau_factor, diffusion_share in [
        (True, "equal", 0.9, 1.0, 0.2), (False, "equal", 0.8, 1.0, 0.2),
        (True, "geometric", 0.95, 1.0, 0.2), (True, "equal", 0.9, 10.0, 0.2),
        (False, "geometric", 0.9, 0.1, 0.2), (True, "reverse", 0.8, 1.0, 0.2),
        (True, "equal", 0.85, 100.0, 0.7), (False, "reverse", 0.9, 1000.0, 0.7),
        (True, "geometric", 0.9, 30.0, 0.5),
    ]:
        # The diffusion elements take `diffusion_share` of the real-axis span, the
        # arcs the rest; without diffusion elements the arcs take it all.
        r_diff_total = span * diffusion_share if n_diffusion else 0.0
        r_arc_total = span - r_diff_total
        if split == "equal":
            r_arcs = np.full(n_arcs, r_arc_total / max(n_arcs, 1))
        else:
            g = np.geomspace(1, 10, n_arcs) if n_arcs else np.array([])
            g = g if split == "geometric" else g[::-1]
            r_arcs = r_arc_total * g / g.sum() if n_arcs else g
        ctx = {"alpha": alpha, "tau_w": tau_factor / w_min,
               "r_diff": r_diff_total / n_diffusion if n_diffusion else 0.2 * span,
               "w_min": w_min, "w_max": w_max, "tiny": tiny,
               "z_low": Z[-1], "imag_hf": max(float(Z.imag[0]), tiny)}
        p = np.full(circuit.n_params, np.nan)
        w_arcs = arc_omegas(use_peaks)
        first_r = True
        k = 0
        for node in top:
            if node.kind == "parallel":
                _guess_arc(node, r_arcs[k], w_arcs[k], ctx, p)
                k += 1
            elif node.element.name == "R":
                p[node.first_param] = r_inf if first_r else 0.1 * span
                first_r = False
            else:
                _guess_series_element(node, ctx, p)
        starts.append(p)
    P = np.array(starts)
    return np.where(np.isfinite(P) & (P > 0), P, 1.0)


def _guess_arc(node: Node, r: float, w: float, ctx: dict, p: np.ndarray) -> None:
    """Parameters inside an arc of resistance r (ohm) with apex at omega w (rad/s)."""
    for child in node.children:
        if child.kind == "element":
            i, name = child.first_param, child.element.name
            if name == "R":
                p[i] = r
            elif name == "C":
                p[i] = 1.0 / (w * r)
            elif name == "CPE":
                p[i], p[i + 1] = 1.0 / (r * w ** ctx["alpha"]), ctx["alpha"]
            elif name == "L":
                p[i] = r / w
            elif name == "W":
                p[i] = r * np.sqrt(w)
            else:  # Wo, Ws
                p[i], p[i + 1] = r, ctx["tau_w"]
        elif child.kind == "series":
            for sub in child.children:
                if sub.kind == "parallel":
                    _guess_arc(sub, r, w / 10, ctx, p)
                elif sub.element.name in ("R", "W", "Wo", "Ws"):
                    _guess_arc(Node("parallel", children=[sub]), r, w, ctx, p)
                else:
                    _guess_series_element(sub, ctx, p)
        else:
            _guess_arc(child, r, w / 10, ctx, p)


def _guess_series_element(node: Node, ctx: dict, p: np.ndarray) -> None:
    """A non-resistive element in series: inductance from the high-frequency
    positive Z'', blocking C/CPE from the low-frequency -Z'', diffusion from the tail."""
    i, name = node.first_param, node.element.name
    w_min, w_max = ctx["w_min"], ctx["w_max"]
    minus_im_low = max(-float(ctx["z_low"].imag), ctx["tiny"])
    if name == "R":
        p[i] = ctx["r_diff"]
    elif name == "L":
        p[i] = ctx["imag_hf"] / w_max
    elif name == "C":
        p[i] = 1.0 / (w_min * minus_im_low)
    elif name == "CPE":
        p[i], p[i + 1] = 1.0 / (w_min ** ctx["alpha"] * minus_im_low), ctx["alpha"]
    elif name == "W":
        p[i] = minus_im_low * np.sqrt(w_min)
    else:  # Wo, Ws
        p[i], p[i + 1] = ctx["r_diff"], ctx["tau_w"]


# -- the vectorized Levenberg-Marquardt stage -------------------------------------
class _Problem:
    """Residuals and Jacobian of many (spectrum, start) rows in transformed
    coordinates u: p = exp(u) for positive parameters, alpha = 1/(1+exp(-u))."""

    def __init__(self, circuit: CompiledCircuit, f, Z, wr, wi):
        self.circuit, self.f, self.Z, self.wr, self.wi = circuit, f, Z, wr, wi
        self.is_exp = np.array([k == "exponent" for k in circuit.param_kinds])

    def to_p(self, U):
        return np.where(self.is_exp, 1.0 / (1.0 + np.exp(-U)), np.exp(U))

    def to_u(self, P):
        P = np.clip(P, 1e-300, None)
        a = np.clip(P, 1e-9, 1 - 1e-9)
        return np.where(self.is_exp, np.log(a / (1 - a)), np.log(P))

    def residuals(self, U, rows):
        P = self.to_p(U)
        f = self.f if self.f.ndim == 1 else self.f[rows]
        Zm, J = self.circuit.impedance_and_jacobian(P, f)
        d = Zm - self.Z[rows]
        wr, wi = self.wr[rows], self.wi[rows]
        r = np.concatenate([d.real / wr, d.imag / wi], axis=1)
        dpdu = np.where(self.is_exp, P * (1 - P), P)[:, None, :]
        Ju = np.concatenate([J.real / wr[..., None], J.imag / wi[..., None]], axis=1) * dpdu
        return r, Ju


def _levenberg_marquardt(problem: _Problem, U0: np.ndarray, owner: np.ndarray | None = None,
                         max_iter: int = 200, rtol: float = 1e-10) -> tuple[np.ndarray, np.ndarray]:
    """Batched Levenberg–Marquardt (Marquardt's diagonal scaling), each row with its
    own damping and stopping test. Returns U and cost = chi^2 per row.

    Rows sharing an ``owner`` are starts of one spectrum; a start still far above
    its spectrum's best after 20 (x5) or 60 (x1.5) iterations is dropped, since
    only the best start per spectrum is kept anyway."""
    U = U0.copy()
    n, k = U.shape
    all_rows = np.arange(n)
    r, J = problem.residuals(U, all_rows)
    cost = np.einsum("nm,nm->n", r, r)
    cost = np.where(np.isfinite(cost), cost, np.inf)
    lam = np.full(n, 1e-2)
    active = np.isfinite(cost)
    stalls = np.zeros(n, dtype=int)
    eye = np.eye(k)
    for iteration in range(max_iter):
        if owner is not None and iteration in (20, 60):
            best = np.full(owner.max() + 1, np.inf)
            np.minimum.at(best, owner, cost)
            active &= cost <= (5.0 if iteration == 20 else 1.5) * best[owner]
        a = np.flatnonzero(active)
        if a.size == 0:
            break
        Ja, ra = J[a], r[a]
        JtJ = np.matmul(Ja.transpose(0, 2, 1), Ja)
        g = np.matmul(Ja.transpose(0, 2, 1), ra[..., None])[..., 0]
        diag = np.einsum("nkk->nk", JtJ) + 1e-12 * np.einsum("nkk->n", JtJ)[:, None] + 1e-300
        A = JtJ + lam[a, None, None] * diag[:, :, None] * eye
        try:
            step = -np.linalg.solve(A, g[..., None])[..., 0]
        except np.linalg.LinAlgError:
            step = -np.einsum("nkl,nl->nk", np.linalg.pinv(A), g)
        U_new = np.clip(U[a] + np.clip(step, -5, 5), -690, 690)
        with np.errstate(all="ignore"):
            r_new, J_new = problem.residuals(U_new, a)
            c_new = np.einsum("nm,nm->n", r_new, r_new)
        better = np.isfinite(c_new) & (c_new < cost[a])
        gain = np.where(better, (cost[a] - c_new) / np.maximum(cost[a], 1e-300), 0.0)
        acc = a[better]
        U[acc], r[acc], J[acc], cost[acc] = U_new[better], r_new[better], J_new[better], c_new[better]
        lam[acc] = np.maximum(lam[acc] / 3, 1e-12)
        lam[a[~better]] *= 4
        stalls[a] = np.where(better & (gain < rtol), stalls[a] + 1, np.where(better, 0, stalls[a]))
        active[a] = (stalls[a] < 2) & (lam[a] < 1e10)
    return U, cost


# -- public API --------------------------------------------------------------------
def fit_spectra(circuit: CompiledCircuit | str, f, Z, weighting: str = "modulus",
                initial_guess=None, polish: bool = True) -> list[FitResult]:
    """Fit one circuit to many spectra at once.

    Parameters
    ----------
    circuit : Circuit or str
        impedance.py string syntax.
    f : array_like
        Frequencies in Hz, shape (n_freq,) shared or (n_spectra, n_freq).
    Z : array_like of complex
        Impedances in ohm, shape (n_spectra, n_freq), physical sign (capacitive
        arcs have negative imaginary part).
    weighting : {"modulus", "proportional", "unit"}
    initial_guess : array_like, optional
        (n_params,) or (n_spectra, n_params); added to the automatic starts.
    polish : bool
        Finish with ``least_squares(method="trf")`` under the true bounds.

    Returns
    -------
    list of FitResult
        Interchangeable R-C/R-CPE arcs are reported in order of increasing time
        constant (:meth:`Circuit.canonical_order`).
    """
    circuit = CompiledCircuit(circuit) if isinstance(circuit, str) else circuit
    Z = np.atleast_2d(np.asarray(Z, dtype=complex))
    f = np.asarray(f, dtype=float)
    n_spec, n_freq = Z.shape
    if f.shape[-1] != n_freq or (f.ndim == 2 and f.shape[0] != n_spec):
        raise LptError(f"frequencies of shape {f.shape} do not match impedances of shape {Z.shape}.")
    if 2 * n_freq <= circuit.n_params:
        raise LptError(f'a spectrum of {n_freq} points cannot determine the {circuit.n_params} '
                       f'parameters of "{circuit.circuit}".')
    if not (np.all(np.isfinite(Z)) and np.all(np.isfinite(f)) and np.all(f > 0)):
        raise LptError("impedances must be finite and frequencies finite and positive.")
    wr, wi = weights(Z, weighting)
    if np.any(wr <= 0) or np.any(wi <= 0):
        raise LptError("a zero impedance cannot be weighted; use weighting \"unit\".")

    f2 = np.broadcast_to(f, Z.shape)
    starts = [initial_guesses(circuit, f2[i], Z[i]) for i in range(n_spec)]
    if initial_guess is not None:
        g = np.broadcast_to(np.asarray(initial_guess, dtype=float), (n_spec, circuit.n_params))
        if np.any(~np.isfinite(g)) or np.any(g <= 0):
            raise LptError("initial guesses must be finite and positive.")
        starts = [np.vstack([s, g[i]]) for i, s in enumerate(starts)]
    n_starts = starts[0].shape[0]
    P0 = np.vstack(starts)
    owner = np.repeat(np.arange(n_spec), n_starts)

    problem = _Problem(circuit, f if f.ndim == 1 else f[owner], Z[owner], wr[owner], wi[owner])
    U, cost = _levenberg_marquardt(problem, problem.to_u(P0), owner)
    best = np.nanargmin(np.where(np.isfinite(cost), cost, np.inf).reshape(n_spec, n_starts), axis=1)
    P_best = problem.to_p(U.reshape(n_spec, n_starts, -1)[np.arange(n_spec), best])

    results = []
    lower = np.zeros(circuit.n_params)
    upper = np.where(problem.is_exp, 1.0, np.inf)
    for i in range(n_spec):
        single = _Problem(circuit, f2[i], Z[i:i + 1], wr[i:i + 1], wi[i:i + 1])
        p = np.clip(P_best[i], 1e-300, None)
        converged = True
        if polish:
            p, converged = _polish(single, p, lower, upper)
        r, J = _residual_and_jacobian_p(single, p)
        chi2 = float(r @ r)
        stderr = _standard_errors(J, chi2, p)
        p, stderr = circuit.canonical_order(p, stderr)
        results.append(FitResult(circuit.circuit, list(circuit.param_names), p, stderr, chi2,
                                 bool(converged), weighting, n_freq))
    return results


def _residual_and_jacobian_p(problem: _Problem, p: np.ndarray):
    Zm, J = problem.circuit.impedance_and_jacobian(p[None, :], problem.f)
    d = Zm[0] - problem.Z[0]
    wr, wi = problem.wr[0], problem.wi[0]
    r = np.concatenate([d.real / wr, d.imag / wi])
    Jp = np.concatenate([J[0].real / wr[:, None], J[0].imag / wi[:, None]])
    return r, Jp


def _polish(problem: _Problem, p0, lower, upper):
    p0 = np.clip(p0, lower + 1e-300, upper)
    p0 = np.where(np.isfinite(upper), np.minimum(p0, upper * (1 - 1e-12)), p0)
    cache = {}

    def fun(p):
        r, J = _residual_and_jacobian_p(problem, p)
        cache["J"] = J
        return r

    def jac(p):
        return cache["J"] if "J" in cache else _residual_and_jacobian_p(problem, p)[1]

    try:
        with np.errstate(all="ignore"):
            sol = least_squares(fun, p0, jac=jac, bounds=(lower, upper), method="trf",
                                x_scale="jac", ftol=1e-12, xtol=1e-12, gtol=1e-12, max_nfev=200)
    except ValueError:
        return p0, False
    if not np.all(np.isfinite(sol.x)):
        return p0, False
    r0 = fun(p0)
    if np.sum(sol.fun**2) > np.sum(r0**2):
        return p0, False
    return sol.x, bool(sol.status > 0)


def _standard_errors(J: np.ndarray, chi2: float, p: np.ndarray | None = None) -> np.ndarray:
    """sqrt(diag(s^2 (J^T J)^-1)), s^2 = chi^2/(m - n); pseudo-inverse via SVD so a
    parameter the data cannot determine gets an infinite (reported null) error.

    The SVD works on the Jacobian with respect to relative changes (columns × |p|):
    parameters span 1e-9 F to 1e4 s, so in raw units the singular values spread over
    many decades from the units alone and a well-determined fit would look singular.
    """
    m, n = J.shape
    if m <= n:
        return np.full(n, np.nan)
    scale = np.ones(n) if p is None else np.where(np.abs(p) > 0, np.abs(p), 1.0)
    Js = J * scale
    _, s, Vt = np.linalg.svd(Js, full_matrices=False)
    good = s > s[0] * 1e-12 if s.size and s[0] > 0 else np.zeros_like(s, dtype=bool)
    if not np.all(good):
        out = np.full(n, np.inf)
        return out
    cov = (Vt.T / s**2) @ Vt * (chi2 / (m - n))
    return np.sqrt(np.clip(np.diag(cov), 0, None)) * scale


def fit_many(spectra, circuit: CompiledCircuit | str, weighting: str = "modulus") -> list[FitResult]:
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
        for i, res in zip(idx, fit_spectra(circuit, f, Z, weighting=weighting)):
            out[i] = res
    return out  # type: ignore[return-value]
