"""Choosing the DRT's regularization parameter lambda.

Everything works on the compressed normal equations of the weighted problem
(G = B^T B, h = B^T b, b^T b and the number of observations), so the cost does not
grow with the number of frequencies. For a ridge problem

.. math::

    x_\\lambda = (G + \\lambda \\Gamma)^{-1} h,\\qquad
    H_\\lambda = B (G + \\lambda\\Gamma)^{-1} B^T,\\quad
    \\mathrm{tr}\\,H_\\lambda = \\mathrm{tr}[(G + \\lambda\\Gamma)^{-1} G],

four rules are offered, each evaluated on a log grid of lambda:

* ``"gcv"`` — generalized cross-validation, minimise
  n ||r||^2 / (n − tr H)^2 (Golub, Heath, Wahba, Technometrics 21 (1979) 215;
  for the DRT Saccoccio et al., Electrochim. Acta 147 (2014) 470);
* ``"lcurve"`` — the corner of the L-curve (log ||r|| vs log x^T Gamma x), the
  point of largest curvature (Hansen, SIAM Rev. 34 (1992) 561);
* ``"discrepancy"`` — Morozov's principle: the largest lambda whose residual is no
  larger than the noise, ||r||^2 <= n sigma^2 (Morozov, Soviet Math. Dokl. 7 (1966)
  414); sigma is given (relative noise) or estimated as ||r||^2/(n − tr H) at the
  smallest lambda;
* ``"re-im"`` — real–imaginary cross-validation: fit the real rows, predict the
  imaginary ones, and the reverse; minimise the summed prediction error
  (Saccoccio et al. 2014). The series terms one half cannot see (R_inf from the
  imaginary part; L and C from the real part) are refitted on the predicted half.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lpt.errors import LptError, did_you_mean

LAMBDA_RULES = ("gcv", "lcurve", "discrepancy", "re-im")
LAMBDA_GRID = np.logspace(-10, 1, 45)


@dataclass
class NormalEquations:
    """G = B^T B, h = B^T b and b^T b of a weighted least-squares problem with n rows."""

    G: np.ndarray
    h: np.ndarray
    bb: float
    n: int

    def __add__(self, other: "NormalEquations") -> "NormalEquations":
        return NormalEquations(self.G + other.G, self.h + other.h, self.bb + other.bb, self.n + other.n)

    def rss(self, X: np.ndarray) -> np.ndarray:
        """Residual sum of squares of rows of X."""
        X = np.atleast_2d(X)
        return self.bb - 2 * X @ self.h + np.einsum("ki,ij,kj->k", X, self.G, X)


def _ridge(ne: NormalEquations, Gamma: np.ndarray, lambdas: np.ndarray, ridge_floor: np.ndarray):
    A = ne.G[None] + lambdas[:, None, None] * Gamma[None] + np.diag(ridge_floor)[None]
    X = np.linalg.solve(A, np.broadcast_to(ne.h, (len(lambdas), len(ne.h)))[..., None])[..., 0]
    return A, X


def choose_lambda(rule: str, ne: NormalEquations, ne_re: NormalEquations, ne_im: NormalEquations,
                  Gamma: np.ndarray, hidden_from_real: np.ndarray, hidden_from_imag: np.ndarray,
                  noise_variance: float | None = None) -> float:
    """lambda by one of :data:`LAMBDA_RULES` (see the module doc).

    ``hidden_from_real`` / ``hidden_from_imag`` mark the unknowns (series L, C /
    R_inf) that the real / imaginary rows cannot determine.
    """
    if rule not in LAMBDA_RULES:
        raise LptError(f'unknown lambda rule "{rule}"{did_you_mean(rule, LAMBDA_RULES)}; '
                       f'allowed are {", ".join(LAMBDA_RULES)}.')
    lambdas = LAMBDA_GRID
    # a whisper of ridge on every unknown keeps the half-problems solvable
    floor = 1e-12 * np.trace(ne.G) / len(ne.h) * np.ones(len(ne.h))
    if rule == "re-im":
        return _re_im(ne_re, ne_im, Gamma, lambdas, floor, hidden_from_real, hidden_from_imag)
    A, X = _ridge(ne, Gamma, lambdas, floor)
    rss = np.maximum(ne.rss(X), 1e-300)
    trace_h = np.trace(np.linalg.solve(A, np.broadcast_to(ne.G, A.shape)), axis1=1, axis2=2)
    if rule == "gcv":
        score = ne.n * rss / np.maximum(ne.n - trace_h, 1e-9) ** 2
        return float(lambdas[np.nanargmin(score)])
    if rule == "discrepancy":
        sigma2 = noise_variance if noise_variance is not None else rss[0] / max(ne.n - trace_h[0], 1.0)
        ok = np.flatnonzero(rss <= ne.n * sigma2)
        return float(lambdas[ok[-1]] if ok.size else lambdas[0])
    # L-curve: curvature of (log rss, log seminorm) against log lambda
    semi = np.maximum(np.einsum("ki,ij,kj->k", X, Gamma, X), 1e-300)
    rho, eta, t = 0.5 * np.log(rss), 0.5 * np.log(semi), np.log(lambdas)
    d_rho, d_eta = np.gradient(rho, t), np.gradient(eta, t)
    dd_rho, dd_eta = np.gradient(d_rho, t), np.gradient(d_eta, t)
    kappa = (d_rho * dd_eta - dd_rho * d_eta) / np.maximum((d_rho**2 + d_eta**2) ** 1.5, 1e-300)
    inner = slice(2, len(lambdas) - 2)
    return float(lambdas[inner][np.nanargmax(kappa[inner])])


def best_gcv(ne: NormalEquations, Gamma: np.ndarray, lambdas: np.ndarray = LAMBDA_GRID) -> float:
    """The smallest GCV score over the lambda grid: how well a model explains the data
    for its effective number of parameters, used to choose between models.

    One eigendecomposition serves every lambda: with G + eps I = L L^T and
    L^-1 Gamma L^-T = U diag(d) U^T, (G + lambda Gamma)^-1 = L^-T U (I + lambda D)^-1 U^T L^-1,
    so tr H = sum 1/(1 + lambda d_i) and ||r||^2 = b^T b - sum c_i^2 (2 f_i - f_i^2),
    f_i = 1/(1 + lambda d_i), c = U^T L^-1 h.
    """
    from scipy.linalg import cholesky, solve_triangular

    eps = 1e-10 * np.trace(ne.G) / len(ne.h)
    L = cholesky(ne.G + eps * np.eye(len(ne.h)), lower=True)
    Li_Gamma = solve_triangular(L, solve_triangular(L, Gamma, lower=True).T, lower=True)
    d, U = np.linalg.eigh(0.5 * (Li_Gamma + Li_Gamma.T))
    c = U.T @ solve_triangular(L, ne.h, lower=True)
    filt = 1.0 / (1.0 + lambdas[:, None] * np.clip(d, 0, None)[None, :])
    rss = np.maximum(ne.bb - (c**2 * (2 * filt - filt**2)).sum(axis=1), 1e-300)
    trace_h = filt.sum(axis=1)
    return float(np.nanmin(ne.n * rss / np.maximum(ne.n - trace_h, 1e-9) ** 2))


def _refit_hidden(ne_target: NormalEquations, X: np.ndarray, hidden: np.ndarray) -> np.ndarray:
    """Replace the hidden unknowns of each row of X by their least-squares values on
    the target rows, the others held."""
    if not np.any(hidden):
        return X
    X = X.copy()
    Ghh = ne_target.G[np.ix_(hidden, hidden)] + 1e-14 * np.eye(int(hidden.sum()))
    rhs = ne_target.h[hidden][None, :] - X[:, ~hidden] @ ne_target.G[np.ix_(~hidden, hidden)]
    X[:, hidden] = np.linalg.solve(Ghh, rhs.T).T
    return X


def _re_im(ne_re, ne_im, Gamma, lambdas, floor, hidden_from_real, hidden_from_imag) -> float:
    _, X_re = _ridge(ne_re, Gamma, lambdas, floor)
    _, X_im = _ridge(ne_im, Gamma, lambdas, floor)
    err = (ne_im.rss(_refit_hidden(ne_im, X_re, hidden_from_real))
           + ne_re.rss(_refit_hidden(ne_re, X_im, hidden_from_imag)))
    return float(lambdas[np.nanargmin(err)])
