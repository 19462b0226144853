"""Distribution of relaxation times (DRT) by Tikhonov regularization on Gaussian RBFs.

The impedance is written as (Wan, Saccoccio, Chen, Ciucci, Electrochim. Acta 184
(2015) 483, Eq. 2)

.. math::

    Z(\\omega) = R_\\infty + j\\omega L + \\int_{-\\infty}^{\\infty}
                 \\frac{\\gamma(\\ln\\tau)}{1 + j\\omega\\tau}\\, d\\ln\\tau ,

with gamma in ohm (gamma d ln tau is the resistance of the relaxations in d ln tau).
gamma is expanded in Gaussian radial basis functions centred on the measured
time constants tau_m = 1/omega_m (their Eq. 9),
phi_m(y) = exp(-(epsilon (y - ln tau_m))^2), whose shape factor epsilon is set so
that the full width at half maximum is ``fwhm_spacings`` basis spacings (their
"FWHM coefficient"). The kernel integrals (their Eq. 12–13) are evaluated by
quadrature on a fine ln tau grid, once per frequency set.

The coefficients x >= 0 minimise (their Eq. 19, with non-negativity as in
their Section 3.3)

.. math::

    \\| W (A x - Z) \\|^2 + \\lambda\\, x^T M x ,\\qquad
    M_{mn} = \\int \\phi_m'(y)\\, \\phi_n'(y)\\, dy ,

with modulus weights W = 1/|Z| and first-derivative regularization. lambda is
chosen by generalized cross-validation (GCV; Golub, Heath, Wahba, Technometrics 21
(1979) 215; applied to DRT by Saccoccio et al., Electrochim. Acta 147 (2014) 470)
on the unconstrained ridge problem over a log grid, then the non-negative problem is
solved once by NNLS (Lawson–Hanson) on the stacked system.

Peaks are the maxima of gamma (``scipy.signal.find_peaks``) refined by a parabola
in ln tau; a peak's resistance is the integral of gamma over ln tau between the
minima that separate it from its neighbours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from scipy.optimize import nnls
from scipy.signal import find_peaks

from lpt.errors import LptError


# One basis function per measured frequency: memory (the GCV's stack of systems) and
# time grow as the square and the cube of the points; 1000 points (125 per decade over
# eight decades, far denser than any analyser's default) take about 0.8 GB and 30 s.
MAX_POINTS = 1000


def _memory_GB(n_points: int) -> float:
    """What the DRT of ``n_points`` needs, measured: 0.8 GB at 1000 points, growing as n²."""
    return 0.8 * (n_points / 1000) ** 2


@dataclass
class DRTPeak:
    tau_s: float
    resistance_ohm: float


@dataclass
class DRTResult:
    """gamma(tau) on a fine grid, the fitted series terms and the peaks."""

    tau_s: np.ndarray
    gamma_ohm: np.ndarray
    r_inf_ohm: float
    inductance_H: float
    lambda_: float
    peaks: list[DRTPeak] = field(default_factory=list)
    z_fit: np.ndarray | None = None


def _basis(y_centres: np.ndarray, epsilon: float, y: np.ndarray):
    d = y[:, None] - y_centres[None, :]
    phi = np.exp(-(epsilon * d) ** 2)
    return phi, -2 * epsilon**2 * d * phi


@lru_cache(maxsize=32)
def _operators(f_bytes: bytes, fwhm_spacings: float):
    """Everything that depends on the frequencies only (basis, kernel integrals,
    regularization factor), cached: a batch of spectra on one frequency grid
    pays for it once."""
    omega = 2 * np.pi * np.frombuffer(f_bytes, dtype=float)
    y_c = np.sort(np.unique(np.log(1 / omega)))
    if len(y_c) < 3:
        raise LptError("the DRT needs at least three distinct frequencies.")
    spacing = np.mean(np.diff(y_c))
    epsilon = 2 * np.sqrt(np.log(2)) / (fwhm_spacings * spacing)
    pad = 4.0 / epsilon
    # 0.02 in ln tau resolves both the kernel (width ~1) and the basis (FWHM >= 0.2).
    y = np.arange(y_c[0] - pad - 3.0, y_c[-1] + pad + 3.0, 0.02)
    dy = y[1] - y[0]
    phi, dphi = _basis(y_c, epsilon, y)
    wt = omega[:, None] * np.exp(y)[None, :]
    k_re = 1.0 / (1.0 + wt**2)
    k_im = -wt / (1.0 + wt**2)
    a_re, a_im = (k_re @ phi) * dy, (k_im @ phi) * dy
    # x^T M x = |Gamma x|^2 with M = int phi' phi' dy = V diag(s) V^T.
    s, V = np.linalg.eigh(dphi.T @ dphi * dy)
    gamma_reg = np.sqrt(np.clip(s, 0, None))[:, None] * V.T
    return y_c, epsilon, a_re, a_im, gamma_reg


def calculate_drt(f, Z, lambda_: float | None = None, fwhm_spacings: float = 2.0,
                  inductance: bool | None = None, points_per_decade: int = 40,
                  peak_prominence: float = 0.02) -> DRTResult:
    """DRT of one spectrum.

    Parameters
    ----------
    f : array_like
        Frequencies in Hz.
    Z : array_like of complex
        Impedance in ohm, physical sign.
    lambda_ : float, optional
        Regularization parameter (dimensionless: data are weighted by 1/|Z| and
        gamma scaled by max|Z|); chosen by GCV when omitted.
    fwhm_spacings : float
        FWHM of each Gaussian basis function in units of the mean ln tau spacing.
    inductance : bool, optional
        Fit a series inductance; default: when Z'' > 0 at the highest frequency.
    points_per_decade : int
        Resolution of the returned gamma grid.
    peak_prominence : float
        Minimum peak prominence as a fraction of max(gamma).

    Returns
    -------
    DRTResult
    """
    f = np.asarray(f, dtype=float)
    Z = np.asarray(Z, dtype=complex)
    if f.ndim != 1 or f.shape != Z.shape or len(f) < 5:
        raise LptError("the DRT needs matching 1-D frequency and impedance arrays of at least 5 points.")
    if len(f) > MAX_POINTS:
        raise LptError(f"the DRT of {len(f):,} points would need about {_memory_GB(len(f)):,.0f} GB (its matrices "
                       f"grow as the square of the points); give at most {MAX_POINTS} points, e.g. one "
                       f"in every {-(-len(f) // MAX_POINTS)} of this spectrum's.")
    if not (np.all(np.isfinite(f)) and np.all(f > 0) and np.all(np.isfinite(Z)) and np.all(np.abs(Z) > 0)):
        raise LptError("the DRT needs finite positive frequencies and finite non-zero impedances.")
    omega = 2 * np.pi * f
    if inductance is None:
        inductance = bool(Z.imag[np.argmax(f)] > 0)
    y_c, epsilon, a_re, a_im, gamma_reg = _operators(np.ascontiguousarray(f).tobytes(), fwhm_spacings)
    # Columns: R_inf, [L], gamma coefficients. Scaled so every unknown is O(1).
    scale = float(np.max(np.abs(Z)))
    l_scale = scale / omega.max()
    cols_re = [np.ones_like(omega)] + ([np.zeros_like(omega)] if inductance else []) + [a_re]
    cols_im = [np.zeros_like(omega)] + ([omega * l_scale / scale] if inductance else []) + [a_im]
    A = np.vstack([np.column_stack(cols_re), np.column_stack(cols_im)])
    w = np.concatenate([scale / np.abs(Z)] * 2)
    A = A * w[:, None]
    b = np.concatenate([Z.real, Z.imag]) / scale * w
    n_extra = 1 + int(inductance)
    G = np.zeros((len(y_c), A.shape[1]))
    G[:, n_extra:] = gamma_reg
    GtG = G.T @ G
    if lambda_ is None:
        lambda_ = _gcv(A, b, GtG)
    x, _ = nnls(np.vstack([A, np.sqrt(lambda_) * G]), np.concatenate([b, np.zeros(len(y_c))]),
                maxiter=50 * A.shape[1])
    r_inf = x[0] * scale
    ind = x[1] * l_scale if inductance else 0.0
    coef = x[n_extra:] * scale
    y_out = np.arange(y_c[0] - 1.0, y_c[-1] + 1.0 + 1e-9, np.log(10) / points_per_decade)
    gamma = _basis(y_c, epsilon, y_out)[0] @ coef
    z_fit = r_inf + 1j * omega * ind + (a_re + 1j * a_im) @ coef
    return DRTResult(np.exp(y_out), gamma, float(r_inf), float(ind), float(lambda_),
                     find_drt_peaks(y_out, gamma, peak_prominence), z_fit)


def _gcv(A: np.ndarray, b: np.ndarray, GtG: np.ndarray) -> float:
    """lambda minimising GCV(lambda) = n ||(I - H) b||^2 / tr(I - H)^2 of the ridge
    problem, H = A (A^T A + lambda G^T G)^-1 A^T, on a log grid 1e-8 ... 1."""
    lambdas = np.logspace(-8, 0, 33)
    AtA, Atb = A.T @ A, A.T @ b
    n = len(b)
    systems = AtA[None] + lambdas[:, None, None] * GtG[None]
    x = np.linalg.solve(systems, np.broadcast_to(Atb, (len(lambdas), len(Atb)))[..., None])[..., 0]
    resid = b[None, :] - x @ A.T
    trace_h = np.trace(np.linalg.solve(systems, np.broadcast_to(AtA, systems.shape)), axis1=1, axis2=2)
    gcv = n * np.sum(resid**2, axis=1) / (n - trace_h) ** 2
    return float(lambdas[np.nanargmin(gcv)])


def find_drt_peaks(y: np.ndarray, gamma: np.ndarray, prominence: float = 0.02) -> list[DRTPeak]:
    """Peaks of gamma(y = ln tau): position refined by a parabola through the three
    highest grid points, resistance = integral of gamma between the separating minima."""
    if not np.any(gamma > 0):
        return []
    idx, _ = find_peaks(gamma, prominence=prominence * gamma.max())
    if len(idx) == 0:
        return []
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
        peaks.append(DRTPeak(float(np.exp(y_peak)), float(resistance)))
    return peaks
