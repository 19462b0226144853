"""Distribution of relaxation times (DRT) by Tikhonov regularization on Gaussian RBFs,
with series R, L and a capacitive (blocking) branch, credible intervals and a check
that the result reproduces the data.

The impedance is written as (Wan, Saccoccio, Chen, Ciucci, Electrochim. Acta 184
(2015) 483, Eq. 2, with the blocking branch of a cell between ion-blocking
electrodes added in series)

.. math::

    Z(\\omega) = R_\\infty + j\\omega L + \\frac{1}{Q (j\\omega)^{\\alpha}}
               + \\int \\frac{\\gamma(\\ln\\tau)}{1 + j\\omega\\tau}\\, d\\ln\\tau ,

gamma in ohm (gamma d ln tau is the resistance of the relaxations in d ln tau).
A blocking electrode has no DC path: its capacitive tail is not a relaxation of
finite resistance, and without the branch the DRT piles it into huge peaks at
the edge of the tau range (10^7 ohm for a Li6PS5Cl pellet whose Z' spans 359 ohm to
1.8 Mohm) and loses the bulk arc. The branch is tried (alpha on a grid 0.5…1, the
basis then ending at 1/omega_min) and kept when its best GCV score is lower than
without it.

gamma is expanded in Gaussian RBFs phi_m(y) = exp(-(epsilon (y - y_m))^2), y = ln tau,
with a FWHM of one grid spacing (two let the 0.2 %-noise spectrum of two ideal RC
arcs be fitted only to 3x its noise), on a grid of at most ``basis_per_decade`` (10)
per decade spanning the measured
1/omega range and one decade beyond each end, whatever the number of points: the
cost is linear in the number of frequencies and the problem size fixed. The kernel
integrals depend on ln(omega tau_m) only, so they are tabulated once per basis
shape and interpolated; the data enter through the normal equations, accumulated in
chunks (10^6 points run in bounded memory).

The coefficients x >= 0 minimise (their Eq. 19, non-negativity as their Sec. 3.3)
||W (A x - Z)||^2 + lambda x^T M x, M_mn = int phi_m' phi_n' dy, with modulus weights
W = 1/|Z|; lambda by one of the rules of :mod:`lpt.impedance.drt_lambda` (GCV by
default), reported with the result.

Credible intervals: the regularized problem is the posterior mode of a Gaussian
likelihood (variance sigma^2, estimated as ||r||^2/(n − tr H)) and a Gaussian
smoothness prior of precision lambda M / sigma^2, whose posterior covariance is
sigma^2 (A^T W^2 A + lambda M)^-1 (e.g. Ciucci & Chen, Electrochim. Acta 167 (2015) 439),
taken over the coefficients that non-negativity leaves free (Laplace approximation
at the constrained mode); the band is the NNLS estimate ± z sigma_gamma, clipped at
0. On 20 synthetic two-ZARC spectra (0.5 % noise) the 90 % band holds the true
gamma at about 90 % of the points inside the measured range (tested). A peak's area is a
linear functional w^T x of the coefficients, so its standard error is
sqrt(w^T Sigma w).

Truthfulness: the relative misfit of the DRT's impedance is compared with the noise
of the data (the residuals of the lin-KK test); a misfit above twice the noise plus
0.2 % raises a warning in the result.

Peaks are the maxima of gamma refined by a parabola in ln tau; a peak's resistance
is the integral of gamma between the minima that separate it from its neighbours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from scipy.linalg import cho_factor, cho_solve
from scipy.optimize import nnls
from scipy.signal import find_peaks
from scipy.stats import norm

from lpt.errors import LptError
from lpt.impedance.drt_lambda import NormalEquations, best_gcv, choose_lambda

MAX_BASIS_PER_DECADE = 10
MAX_POINTS = 200_000
CHUNK_POINTS = 20_000
KK_NOISE_MAX_POINTS = 1_000
ALPHA_GRID = np.linspace(0.5, 1.0, 11)
BRANCH_GCV_MARGIN = 0.8


@dataclass
class DRTPeak:
    tau_s: float
    resistance_ohm: float
    resistance_stderr_ohm: float = float("nan")

    @property
    def capacitance_F(self) -> float:
        """C = tau/R of the relaxation (the peak as an ideal R||C)."""
        return self.tau_s / self.resistance_ohm if self.resistance_ohm > 0 else float("nan")


@dataclass
class DRTResult:
    """gamma(tau) on a fine grid with its credible band, the series terms and the peaks."""

    tau_s: np.ndarray
    gamma_ohm: np.ndarray
    r_inf_ohm: float
    inductance_H: float
    lambda_: float
    peaks: list[DRTPeak] = field(default_factory=list)
    z_fit: np.ndarray | None = None
    lambda_rule: str = "gcv"
    gamma_lower_ohm: np.ndarray | None = None
    gamma_upper_ohm: np.ndarray | None = None
    credible_level: float = 0.9
    blocking_q: float | None = None       # Q of the capacitive branch, F s^(alpha-1)
    blocking_alpha: float | None = None
    residual_rms_percent: float = float("nan")
    noise_rms_percent: float = float("nan")
    warnings: list[str] = field(default_factory=list)


@lru_cache(maxsize=16)
def _kernel_table(epsilon: float, half_range: float, step: float = 0.005):
    """K_re(s), K_im(s) with s = ln(omega tau_m): the kernels 1/(1 + e^{2t}) and
    -e^t/(1 + e^{2t}) convolved with the RBF, on a grid wide enough that np.interp's
    end values are the limits (1 and 0 times the RBF's area)."""
    u = np.arange(-6.0 / epsilon, 6.0 / epsilon + step / 2, step)
    phi = np.exp(-(epsilon * u) ** 2)
    s = np.arange(-half_range, half_range + step / 2, step)
    t = np.arange(s[0] + u[0], s[-1] + u[-1] + step / 2, step)[: len(s) + len(u) - 1]
    k_re = 0.5 * (1 - np.tanh(t))
    k_im = -0.5 / np.cosh(t)
    return s, np.convolve(k_re, phi[::-1], "valid") * step, np.convolve(k_im, phi[::-1], "valid") * step


def _derivative_penalty(y: np.ndarray, epsilon: float) -> np.ndarray:
    """M_mn = int phi_m' phi_n' dy for Gaussians, in closed form:
    epsilon sqrt(pi/2) exp(-epsilon^2 d^2/2) (1 - epsilon^2 d^2), d = y_m - y_n."""
    d2 = (y[:, None] - y[None, :]) ** 2 * epsilon**2
    return epsilon * np.sqrt(np.pi / 2) * np.exp(-d2 / 2) * (1 - d2)


class _Design:
    """Columns [R_inf, (L), (blocking CPE at each alpha), gamma coefficients] of the
    scaled problem; a model variant is a subset of them."""

    def __init__(self, omega_max, omega_min, y_basis, epsilon, scale, inductance: bool, alphas):
        self.omega_max, self.omega_min, self.y, self.scale = omega_max, omega_min, y_basis, scale
        self.inductance, self.alphas = inductance, list(alphas)
        half = np.log(omega_max / omega_min) + (y_basis[-1] - y_basis[0]) + 12.0
        self.table = _kernel_table(epsilon, float(np.ceil(half)))
        self.n_series = 1 + int(inductance)
        self.n_all = self.n_series + len(self.alphas) + len(y_basis)
        self.first_chunk: np.ndarray | None = None

    def columns(self, omega: np.ndarray, subset: np.ndarray | None = None) -> np.ndarray:
        s = np.log(omega)[:, None] + self.y[None, :]
        grid, k_re, k_im = self.table
        gamma_cols = np.interp(s, grid, k_re) + 1j * np.interp(s, grid, k_im)
        series = [np.ones_like(omega, dtype=complex)]
        if self.inductance:
            series.append(1j * omega / self.omega_max)
        series += [(1j * omega / self.omega_min) ** (-a) for a in self.alphas]
        A = np.column_stack(series + [gamma_cols])
        return A if subset is None else A[:, subset]

    def subset(self, alpha_index: int | None, n_basis: int) -> np.ndarray:
        """Column indices of one variant: series terms, one branch (or none), the
        first n_basis RBFs."""
        base = list(range(self.n_series))
        branch = [] if alpha_index is None else [self.n_series + alpha_index]
        first_rbf = self.n_series + len(self.alphas)
        return np.array(base + branch + list(range(first_rbf, first_rbf + n_basis)))


def _chunks(design: _Design, omega, Z, subset=None):
    """Weighted real and imaginary rows, chunk by chunk (the columns of a first chunk
    are kept for reuse: most spectra are one chunk)."""
    for start in range(0, len(omega), CHUNK_POINTS):
        sl = slice(start, start + CHUNK_POINTS)
        if start == 0:
            if design.first_chunk is None:
                design.first_chunk = design.columns(omega[sl])
            A = design.first_chunk if subset is None else design.first_chunk[:, subset]
        else:
            A = design.columns(omega[sl], subset)
        Zs = Z[sl] / design.scale
        w = 1.0 / np.abs(Zs)
        yield (A.real * w[:, None], Zs.real * w), (A.imag * w[:, None], Zs.imag * w)


def _normal_equations(design: _Design, omega, Z):
    """Real-row and imaginary-row normal equations over all columns (variants are
    sub-blocks), accumulated in chunks."""
    n = design.n_all
    parts = [NormalEquations(np.zeros((n, n)), np.zeros(n), 0.0, 0) for _ in range(2)]
    for rows in _chunks(design, omega, Z):
        for k, (B, b) in enumerate(rows):
            parts[k] = parts[k] + NormalEquations(B.T @ B, B.T @ b, float(b @ b), len(b))
    return parts[0], parts[1]


def _r_factor(design: _Design, omega, Z, subset):
    """R and Q^T b of the weighted system of one variant by tall-skinny QR: NNLS on
    R keeps the conditioning of the data, the normal equations would square it."""
    R, qtb = np.zeros((0, len(subset))), np.zeros(0)
    for (B_re, b_re), (B_im, b_im) in _chunks(design, omega, Z, subset):
        Q, R = np.linalg.qr(np.vstack([R, B_re, B_im]))
        qtb = Q.T @ np.concatenate([qtb, b_re, b_im])
    return R, qtb


def _sub(ne: NormalEquations, idx: np.ndarray) -> NormalEquations:
    return NormalEquations(ne.G[np.ix_(idx, idx)], ne.h[idx], ne.bb, ne.n)


def _solve_nonnegative(ne: NormalEquations, factor, Gamma, lam):
    """argmin ||R x - Q^T b||^2 + lam x^T Gamma x over x >= 0 (NNLS on the stacked
    system with Gamma's square root); also returns G + lam Gamma for the posterior."""
    R, qtb = factor
    s, V = np.linalg.eigh(Gamma)
    root = np.sqrt(np.clip(s, 0, None))[:, None] * V.T
    x, _ = nnls(np.vstack([R, np.sqrt(lam) * root]), np.concatenate([qtb, np.zeros(len(s))]),
                maxiter=50 * len(qtb))
    A = ne.G + lam * Gamma + 1e-12 * np.trace(ne.G) / len(ne.h) * np.eye(len(ne.h))
    return x, A


def calculate_drt(f, Z, lambda_: float | None = None, lambda_rule: str = "gcv",
                  basis_per_decade: int = MAX_BASIS_PER_DECADE, fwhm_spacings: float = 1.0,
                  inductance: bool | None = None, blocking: bool | None = None,
                  credible_level: float = 0.9, noise_percent: float | None = None,
                  points_per_decade: int = 40, peak_prominence: float = 0.02) -> DRTResult:
    """DRT of one spectrum (see the module doc).

    Parameters
    ----------
    f, Z : array_like
        Frequencies in Hz and impedances in ohm (physical sign).
    lambda_ : float, optional
        Regularization (dimensionless: data weighted by 1/|Z|); by ``lambda_rule`` if omitted.
    lambda_rule : {"gcv", "lcurve", "discrepancy", "re-im"}
    basis_per_decade : int
        RBFs per decade of tau, at most 10.
    inductance, blocking : bool, optional
        Series L (default: when Z'' > 0 at the highest frequency) and the capacitive
        branch (default: when it halves the misfit).
    credible_level : float
        Probability inside the returned gamma band (0.9).
    noise_percent : float, optional
        Relative noise of the data (for the discrepancy rule and the misfit check);
        estimated from the lin-KK residuals when omitted.
    """
    f = np.asarray(f, dtype=float)
    Z = np.asarray(Z, dtype=complex)
    if f.ndim != 1 or f.shape != Z.shape or len(f) < 5:
        raise LptError("the DRT needs matching 1-D frequency and impedance arrays of at least 5 points.")
    if len(f) > MAX_POINTS:
        raise LptError(f"the DRT takes at most {MAX_POINTS:,} points (its basis resolves 10 per decade; "
                       f"{len(f):,} would take minutes for nothing), got {len(f):,}; average repeated "
                       "frequencies or decimate the spectrum first.")
    if not (np.all(np.isfinite(f)) and np.all(f > 0) and np.all(np.isfinite(Z)) and np.all(np.abs(Z) > 0)):
        raise LptError("the DRT needs finite positive frequencies and finite non-zero impedances.")
    from lpt.impedance.validate import _check_magnitude

    _check_magnitude(Z)
    if not 0 < basis_per_decade <= MAX_BASIS_PER_DECADE:
        raise LptError(f"basis_per_decade must be between 1 and {MAX_BASIS_PER_DECADE}, got {basis_per_decade}.")
    if not 0 < credible_level < 1:
        raise LptError(f"credible_level must lie between 0 and 1, got {credible_level}.")
    omega = 2 * np.pi * f
    if len(np.unique(omega)) < 3:
        raise LptError("the DRT needs at least three distinct frequencies.")
    w_max, w_min = float(omega.max()), float(omega.min())
    if inductance is None:
        inductance = bool(Z.imag[np.argmax(f)] > 0)
    spacing = np.log(10) / basis_per_decade
    epsilon = 2 * np.sqrt(np.log(2)) / (fwhm_spacings * spacing)
    scale = float(np.max(np.abs(Z)))
    noise_var = None if noise_percent is None else (noise_percent / 100.0) ** 2

    try_branch = blocking is not False and -Z.imag[np.argmin(f)] > 0
    alphas = ALPHA_GRID if try_branch else []
    y_all = np.arange(np.log(0.1 / w_max), np.log(10.0 / w_min) + spacing / 2, spacing)
    design = _Design(w_max, w_min, y_all, epsilon, scale, inductance, alphas)
    ne_re_all, ne_im_all = _normal_equations(design, omega, Z)
    penalty_all = _derivative_penalty(y_all, epsilon)
    # With the branch the basis stops at 1/omega_min and the tail belongs to the branch;
    # without it the basis reaches a decade further.
    n_short = int(np.searchsorted(y_all, np.log(1.0 / w_min) + spacing / 2))
    variants = [] if blocking else [(None, len(y_all))]
    variants += [(k, n_short) for k in range(len(alphas))]

    def model(alpha_index, n_basis):
        idx = design.subset(alpha_index, n_basis)
        n_series = len(idx) - n_basis
        Gamma = np.zeros((len(idx), len(idx)))
        Gamma[n_series:, n_series:] = penalty_all[:n_basis, :n_basis]
        ne_re, ne_im = _sub(ne_re_all, idx), _sub(ne_im_all, idx)
        return idx, n_series, Gamma, ne_re, ne_im, ne_re + ne_im

    # the model (no branch, or the branch with each alpha) that explains the data best
    # for its effective number of parameters: the smallest GCV score, the branch
    # needing a 20 % lower score (on a spectrum without a tail all variants tie within
    # 0.2 %; a blocking Li6PS5Cl-like tail lowers it 20-fold)
    scores = np.array([best_gcv(model(*v)[5], model(*v)[2]) for v in variants])
    if variants[0][0] is None:
        scores[1:] /= BRANCH_GCV_MARGIN
    alpha_index, n_basis = variants[int(np.argmin(scores))]
    idx, n_series, Gamma, ne_re, ne_im, ne = model(alpha_index, n_basis)
    chosen_alpha = None if alpha_index is None else float(alphas[alpha_index])
    y = y_all[:n_basis]
    hidden_real = np.zeros(len(ne.h), dtype=bool)
    hidden_real[1:n_series] = True          # L and the blocking branch: mainly Z''
    hidden_imag = np.zeros(len(ne.h), dtype=bool)
    hidden_imag[0] = True                   # R_inf has no imaginary part
    lam = lambda_ if lambda_ is not None else choose_lambda(
        lambda_rule, ne, ne_re, ne_im, Gamma, hidden_real, hidden_imag, noise_var)
    x, A = _solve_nonnegative(ne, _r_factor(design, omega, Z, idx), Gamma, lam)
    rss = float(ne.rss(x)[0])

    # posterior covariance sigma^2 A^-1 (scaled units), taken on the coefficients the
    # non-negativity leaves free: those held at 0 sit on the boundary of the posterior
    # (its Laplace approximation there has no spread in their direction)
    free = x > 0
    free[:n_series] = True
    A_inv = cho_solve(cho_factor(A), np.eye(len(x)))
    dof = max(ne.n - float(np.trace(A_inv @ ne.G)), 1.0)
    sigma2 = rss / dof
    cov = np.zeros_like(A)
    cov[np.ix_(free, free)] = sigma2 * cho_solve(cho_factor(A[np.ix_(free, free)]), np.eye(int(free.sum())))
    y_out = np.arange(y[0], y[-1] + 1e-9, np.log(10) / points_per_decade)
    phi_out = np.exp(-(epsilon * (y_out[:, None] - y[None, :])) ** 2)
    coef = x[n_series:]
    gamma = phi_out @ coef * scale
    cov_gamma = cov[n_series:, n_series:]
    sd = np.sqrt(np.clip(np.einsum("ij,jk,ik->i", phi_out, cov_gamma, phi_out), 0, None)) * scale
    z_score = norm.ppf(0.5 + credible_level / 2)

    z_fit = np.empty_like(Z)
    for start in range(0, len(omega), CHUNK_POINTS):
        sl = slice(start, start + CHUNK_POINTS)
        A = design.first_chunk[:, idx] if start == 0 else design.columns(omega[sl], idx)
        z_fit[sl] = A @ x * scale
    r_inf = x[0] * scale
    ind = x[1] * scale / w_max if inductance else 0.0
    q = alpha_out = None
    if chosen_alpha is not None:
        coefficient = x[design.n_series] * scale
        if coefficient > 0:
            # Z = c (j omega/omega_min)^-alpha = 1/(Q (j omega)^alpha)  =>  Q = 1/(c omega_min^alpha)
            q, alpha_out = float(1.0 / (coefficient * w_min ** chosen_alpha)), chosen_alpha

    lower, upper = np.clip(gamma - z_score * sd, 0, None), gamma + z_score * sd
    peaks = find_drt_peaks(y_out, gamma, peak_prominence, lower, upper)
    for p in peaks:
        lo, hi = p.bounds
        weights_area = np.trapezoid(phi_out[lo:hi + 1], y_out[lo:hi + 1], axis=0)
        p.resistance_stderr_ohm = float(np.sqrt(weights_area @ cov_gamma @ weights_area) * scale)
    # a peak smaller than its own standard error is a ripple of the regularized
    # solution, not a process
    peaks = [DRTPeak(p.tau_s, p.resistance_ohm, p.resistance_stderr_ohm) for p in peaks
             if p.resistance_ohm > p.resistance_stderr_ohm]

    rel = np.abs(Z - z_fit) / np.abs(Z)
    misfit = float(100 * np.sqrt(np.mean(rel**2)))
    noise = _noise_percent(f, Z, noise_percent)
    warnings = []
    if misfit > 2 * noise + 0.2:
        warnings.append(f"the DRT reproduces the data only to {misfit:.2g} % RMS (largest {100 * rel.max():.2g} %) "
                        f"while their noise is about {noise:.2g} %: a process outside the model "
                        "(a blocking tail, an inductive loop, drift) is distorting the peaks.")
    if peaks and peaks[-1].tau_s > 0.5 * np.exp(y[-1]) and chosen_alpha is None:
        warnings.append("the largest-tau peak sits at the edge of the tau range: it stands for a process "
                        "slower than the lowest frequency (or a capacitive tail), not a resolved arc.")
    return DRTResult(np.exp(y_out), gamma, float(r_inf), float(ind), float(lam), peaks, z_fit,
                     lambda_rule if lambda_ is None else "given", lower, upper, credible_level, q, alpha_out, misfit, noise, warnings)


def _noise_percent(f, Z, given: float | None) -> float:
    """Relative noise of the data: given, or the RMS residual of the lin-KK test (on
    every k-th point of a long spectrum: thinning keeps each point's noise)."""
    if given is not None:
        return float(given)
    from lpt.impedance.validate import kramers_kronig

    order = np.argsort(f)
    step = max(1, len(f) // KK_NOISE_MAX_POINTS)
    keep = order[::step]
    kk = kramers_kronig(f[keep], Z[keep])
    return float(np.sqrt(np.mean(np.concatenate([kk.residual_real_percent, kk.residual_imag_percent]) ** 2)))


@dataclass
class _RawPeak:
    tau_s: float
    resistance_ohm: float
    bounds: tuple[int, int]
    resistance_stderr_ohm: float = float("nan")


def find_drt_peaks(y: np.ndarray, gamma: np.ndarray, prominence: float = 0.02,
                   lower: np.ndarray | None = None, upper: np.ndarray | None = None) -> list[_RawPeak]:
    """Peaks of gamma(y = ln tau): position refined by a parabola through the three
    highest grid points, resistance = integral of gamma between the separating minima.

    With a credible band (``lower``, ``upper``) two neighbouring maxima that are both
    significant (band above zero) count as two processes only if the dip between
    them is real: the band's upper edge at the minimum lies below its lower edge at
    the smaller maximum. Otherwise they are one broad (e.g. CPE-like) process that the
    regularized solution rippled."""
    if not np.any(gamma > 0):
        return []
    idx, _ = find_peaks(np.concatenate([[0.0], gamma, [0.0]]), prominence=prominence * gamma.max())
    idx = list(idx - 1)
    if len(idx) == 0:
        return []
    if lower is not None and upper is not None:
        merged = [idx[0]]
        for nxt in idx[1:]:
            prev = merged[-1]
            dip = prev + int(np.argmin(gamma[prev:nxt + 1]))
            smaller = prev if gamma[prev] < gamma[nxt] else nxt
            if lower[prev] > 0 and lower[nxt] > 0 and upper[dip] >= lower[smaller]:
                merged[-1] = prev if gamma[prev] >= gamma[nxt] else nxt
            else:
                merged.append(nxt)
        idx = merged
    bounds = [0]
    for a, c in zip(idx[:-1], idx[1:]):
        bounds.append(a + int(np.argmin(gamma[a:c + 1])))
    bounds.append(len(gamma) - 1)
    peaks = []
    for k, i in enumerate(idx):
        y_peak = y[i]
        if 0 < i < len(y) - 1:
            g0, g1, g2 = gamma[i - 1], gamma[i], gamma[i + 1]
            denom = g0 - 2 * g1 + g2
            if denom < 0:
                y_peak = y[i] + 0.5 * (g0 - g2) / denom * (y[1] - y[0])
        lo, hi = bounds[k], bounds[k + 1]
        resistance = np.trapezoid(gamma[lo:hi + 1], y[lo:hi + 1])
        peaks.append(_RawPeak(float(np.exp(y_peak)), float(resistance), (lo, hi)))
    return peaks
