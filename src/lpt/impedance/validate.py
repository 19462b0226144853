"""Kramers–Kronig validation by the linear KK test (lin-KK).

Schönleber, Klotz, Ivers-Tiffée, Electrochim. Acta 131 (2014) 20–27: a spectrum
that obeys causality, linearity and stability is reproduced by a series of M
Voigt (RC) elements with fixed time constants log-spaced between 1/omega_max
and 1/omega_min (their Eq. 10–12),

.. math::

    \\hat Z(\\omega) = R_0 + j\\omega L + \\sum_{k=1}^{M} \\frac{R_k}{1 + j\\omega\\tau_k},

whose resistances are *linear* parameters, found by weighted linear least squares
with weights 1/|Z| (their Eq. 15). M is increased from 1 until the measure of
over-fitting

.. math::

    \\mu = 1 - \\frac{\\sum_{R_k<0} |R_k|}{\\sum_{R_k\\ge 0} |R_k|}

falls below mu_c = 0.85 (their Eq. 21). One change: M is the first value from
which mu stays below mu_c for three consecutive M. With noisy data mu dips below
mu_c once at small M (e.g. M = 5 on a two-arc spectrum with 0.5 % noise) and the
literal rule then stops at a grossly under-fitted model and calls good data invalid. The series inductance L (a KK-compliant
element) is included because real cells and leads show positive Z'' at high
frequency; a series capacitance is added when the low-frequency end is a rising
capacitive tail (blocking electrodes, diffusion).

The relative residuals (their Eq. 15)

.. math::

    \\Delta'_i = \\frac{Z'_i - \\hat Z'_i}{|Z_i|}, \\quad \\Delta''_i = \\frac{Z''_i - \\hat Z''_i}{|Z_i|}

are reported in percent. The verdict ``valid`` is ``max(|Δ'|, |Δ''|) <
threshold_percent`` with a default of 2 %: Schönleber et al. read residuals below
about 1 % as noise of good data; 2 % leaves room for the ~0.5–1 % noise of
routine instruments at the spectrum ends while drift of a few percent of the
low-frequency arc (their Fig. 8) is still caught.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lpt.errors import LptError

MU_CRITICAL = 0.85
SUSTAIN = 3
THRESHOLD_PERCENT = 2.0


@dataclass
class KKResult:
    """Outcome of the linear Kramers–Kronig test on one spectrum."""

    valid: bool
    max_residual_percent: float
    n_rc: int
    mu: float
    residual_real_percent: np.ndarray
    residual_imag_percent: np.ndarray
    z_fit: np.ndarray
    threshold_percent: float


def _design(f: np.ndarray, tau: np.ndarray, add_inductance: bool, add_capacitance: bool):
    """Complex design matrix: columns R0, R_1..R_M, [L], [1/C]."""
    omega = 2 * np.pi * f
    cols = [np.ones_like(omega, dtype=complex)]
    cols += list((1.0 / (1.0 + 1j * omega[:, None] * tau[None, :])).T)
    if add_inductance:
        cols.append(1j * omega)
    if add_capacitance:
        cols.append(1.0 / (1j * omega))
    return np.array(cols).T


def kramers_kronig(f, Z, mu_critical: float = MU_CRITICAL, max_rc: int | None = None,
                   threshold_percent: float = THRESHOLD_PERCENT, add_inductance: bool = True,
                   add_capacitance: bool | None = None) -> KKResult:
    """Linear KK test of one spectrum (see the module doc for the method).

    Parameters
    ----------
    f : array_like
        Frequencies in Hz.
    Z : array_like of complex
        Impedance in ohm, physical sign.
    mu_critical : float
        Stop increasing M when mu < mu_critical (0.85, Schönleber 2014).
    max_rc : int, optional
        Upper bound on M; default ``min(50, n_freq)``.
    threshold_percent : float
        Largest |residual| in percent of |Z| accepted as valid.
    add_inductance : bool
        Fit a series inductance (default True).
    add_capacitance : bool or None
        Fit a series capacitance; ``None`` (default) adds it only when the
        low-frequency end is a rising capacitive tail (-Z'' growing as f falls and
        above 10 % of |Z|), i.e. blocking or diffusive behaviour an RC series
        bounded by 1/omega_min cannot follow. Adding it otherwise would let it
        absorb low-frequency drift, the very thing the test should catch.

    Returns
    -------
    KKResult
    """
    f = np.asarray(f, dtype=float)
    Z = np.asarray(Z, dtype=complex)
    if f.shape != Z.shape or f.ndim != 1 or len(f) < 5:
        raise LptError("the KK test needs matching 1-D frequency and impedance arrays of at least 5 points.")
    if not (np.all(np.isfinite(f)) and np.all(f > 0) and np.all(np.isfinite(Z))):
        raise LptError("the KK test needs finite positive frequencies and finite impedances.")
    n = len(f)
    w = 1.0 / np.abs(Z)
    if not np.all(np.isfinite(w)):
        raise LptError("the KK test cannot weight a zero impedance.")
    omega = 2 * np.pi * f
    if add_capacitance is None:
        low = np.argsort(f)[:3]
        minus_im = -Z.imag[low]
        add_capacitance = bool(minus_im[0] > minus_im[1] > minus_im[2] and minus_im[0] > 0.1 * abs(Z[low[0]]))
    max_rc = min(50, n - 2) if max_rc is None else max_rc
    b = np.concatenate([Z.real * w, Z.imag * w])
    fits = []
    for m in range(1, max_rc + 1):
        tau = np.geomspace(1 / omega.max(), 1 / omega.min(), m) if m > 1 else np.array([1 / np.sqrt(omega.max() * omega.min())])
        A = _design(f, tau, add_inductance, add_capacitance)
        Aw = np.vstack([A.real * w[:, None], A.imag * w[:, None]])
        x, *_ = np.linalg.lstsq(Aw, b, rcond=None)
        r = x[1:m + 1]
        pos = np.sum(r[r >= 0])
        mu = 1.0 - np.sum(-r[r < 0]) / pos if pos > 0 else 0.0
        fits.append((m, mu, A @ x))
        below = [fit[1] < mu_critical for fit in fits[-SUSTAIN:]]
        if len(below) == SUSTAIN and all(below):
            break
    chosen = fits[-SUSTAIN] if len(fits) >= SUSTAIN and all(fit[1] < mu_critical for fit in fits[-SUSTAIN:]) else fits[-1]
    m, mu, z_fit = chosen
    res_re = 100 * (Z.real - z_fit.real) / np.abs(Z)
    res_im = 100 * (Z.imag - z_fit.imag) / np.abs(Z)
    worst = float(max(np.max(np.abs(res_re)), np.max(np.abs(res_im))))
    return KKResult(worst < threshold_percent, worst, m, float(mu), res_re, res_im, z_fit, threshold_percent)


def kramers_kronig_many(spectra, **kwargs) -> list[KKResult]:
    """The lin-KK test for every :class:`lpt.io.Spectrum`."""
    return [kramers_kronig(s.frequency_Hz, s.z, **kwargs) for s in spectra]
