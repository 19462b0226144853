"""Batched Levenberg–Marquardt over many (spectrum, start) rows at once.

Every row has its own damping and its own stopping tests; the linear algebra of
all rows is done by stacked NumPy calls, so a thousand spectra cost little more
Python than one. The damping follows Nielsen's update (H.B. Nielsen, "Damping
parameter in Marquardt's method", IMM-REP-1999-05, DTU 1999): on a successful step
lambda *= max(1/3, 1 - (2 rho - 1)^3), on a failed one lambda *= nu, nu *= 2, with
rho the ratio of actual to predicted reduction, and Marquardt's scaling by the
largest diagonal of J^T J seen so far (Moré, Lecture Notes in Math. 630 (1978) 105).

A row has converged when one of MINPACK's tests holds (Moré, Garbow, Hillstrom,
User Guide for MINPACK-1, ANL-80-74, 1980):

* ftol: actual and predicted relative reductions of chi^2 both <= ftol, rho <= 2;
* xtol: the step is below xtol of the (transformed) parameter vector;
* gtol: every column of J is orthogonal to the residual within gtol (cosine);

or when the residual vanishes to rounding (noise-free data). A row that runs out
of iterations or whose damping grows without a test holding has not converged.
"""

from __future__ import annotations

import numpy as np

from lpt.impedance.constraints import ParameterMap

FTOL = 1.49012e-8  # MINPACK's defaults (sqrt of machine epsilon), as scipy's leastsq/curve_fit
XTOL = 1.49012e-8
GTOL = 1e-8
# iteration: merge starts of one basin, and drop starts above factor x their spectrum's
# best chi^2. Generous, since a start 1.6x behind after 30 iterations can still end 2x
# below the leader (impedance.py's example data, R0-p(R1,CPE1)-p(R2,CPE2)-W1).
# Two starts within 0.01 in every transformed coordinate (1 % in each parameter) are
# in one basin: the worse one is dropped.
MERGE_DISTANCE = 1e-2
_PRUNE_FACTORS = {3: np.inf, 6: np.inf, 12: 100.0, 25: 10.0, 60: 2.0}


class Problem:
    """Weighted residuals and their Jacobian for rows of free parameters."""

    def __init__(self, circuit, pmap: ParameterMap, f, Z, wr, wi):
        self.circuit, self.pmap = circuit, pmap
        self.f, self.Z, self.wr, self.wi = f, Z, wr, wi
        self.iwr, self.iwi = 1.0 / wr, 1.0 / wi
        # the data's own weighted norm: chi^2 below 1e-26 of it is rounding
        self.data_norm = np.sum(np.abs(Z.real / wr) ** 2 + np.abs(Z.imag / wi) ** 2, axis=-1)

    def _weighted(self, P, rows):
        f = self.f if self.f.ndim == 1 else self.f[rows]
        Zm, derivatives = self.circuit.impedance_and_derivatives(P, f)
        n, m = len(rows), self.Z.shape[-1]
        every = n == self.Z.shape[0]
        Zd, iwr, iwi = (self.Z, self.iwr, self.iwi) if every else (self.Z[rows], self.iwr[rows], self.iwi[rows])
        d = Zm - Zd
        r = np.empty((n, 2 * m))
        np.multiply(d.real, iwr, out=r[:, :m])
        np.multiply(d.imag, iwi, out=r[:, m:])
        # weighted real Jacobian, transposed (n, n_free, 2m) so that every parameter's
        # row is written contiguously; linked parameters are summed
        JT = np.zeros((n, self.pmap.n_free, 2 * m))
        seen = set()
        for k, dz in derivatives.items():
            j = self.pmap.source[k]
            if j < 0:
                continue
            if j in seen:  # a linked parameter: add its share
                JT[:, j, :m] += dz.real * iwr
                JT[:, j, m:] += dz.imag * iwi
            else:
                np.multiply(dz.real, iwr, out=JT[:, j, :m])
                np.multiply(dz.imag, iwi, out=JT[:, j, m:])
                seen.add(j)
        return r, JT

    def residuals(self, U, rows):
        """r and (dr/du)^T, shape (n, n_free, 2m), for rows of transformed coordinates."""
        theta, dtheta = self.pmap.to_theta(U)
        r, JT = self._weighted(self.pmap.full(theta), rows)
        return r, JT * dtheta[:, :, None]

    def normal(self, U, rows):
        """chi^2, J^T J and J^T r (in u) for rows of transformed coordinates: all the
        loop keeps, so the (rows x parameters x 2N) Jacobian is never stored or copied."""
        theta, dtheta = self.pmap.to_theta(U)
        r, JT = self._weighted(self.pmap.full(theta), rows)
        JtJ = np.matmul(JT, JT.transpose(0, 2, 1)) * (dtheta[:, :, None] * dtheta[:, None, :])
        g = np.matmul(JT, r[..., None])[..., 0] * dtheta
        return np.einsum("nm,nm->n", r, r), JtJ, g

    def residuals_rows(self, theta):
        """r and dr/dtheta (n, 2m, n_free) for one row of free parameters per spectrum."""
        theta = np.atleast_2d(theta)
        r, JT = self._weighted(self.pmap.full(theta), np.arange(theta.shape[0]))
        return r, JT.transpose(0, 2, 1)

    def residuals_theta(self, theta):
        """r and dr/dtheta of one row of free parameters (physical units)."""
        r, JT = self._weighted(self.pmap.full(np.asarray(theta)[None]), np.array([0]))
        return r[0], JT[0].T


def _gradient_cosine(JtJ, g, cost):
    """max_j |J_j . r| / (|J_j| |r|): MINPACK's gtol measure; 0 for a vanished column."""
    norms = np.sqrt(np.clip(np.einsum("nkk->nk", JtJ), 0, None))
    with np.errstate(all="ignore"):
        cos = np.where(norms > 0, np.abs(g) / (norms * np.sqrt(cost)[:, None]), 0.0)
    return np.max(cos, axis=1, initial=0.0)


def levenberg_marquardt(problem: Problem, U0: np.ndarray, owner: np.ndarray | None = None,
                        max_iter: int = 200) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Refine every row of ``U0``. Returns U, chi^2 and converged per row.

    Rows sharing an ``owner`` are starts of one spectrum: only the best is kept in
    the end, so a start that joins a better one (all u within 1e-2) or falls far
    behind its spectrum's best (x100 after 12 iterations, x10 after 25, x2 after 60) is dropped: earlier
    cost cuts lose the best start (impedance.py's example with R0-p(R1,CPE1)-p(R2,CPE2)-Wo1:
    the eventual winner is 10x behind after 3 iterations).
    """
    U = U0.copy()
    n, k = U.shape
    if k == 0:
        r, _ = problem.residuals(U, np.arange(n))
        return U, np.einsum("nm,nm->n", r, r), np.ones(n, dtype=bool)
    with np.errstate(all="ignore"):
        cost, JtJ, g = problem.normal(U, np.arange(n))
    cost = np.where(np.isfinite(cost), cost, np.inf)
    active = np.isfinite(cost)
    tiny = 1e-26 * problem.data_norm
    converged = active & ((cost <= tiny) | (_gradient_cosine(JtJ, g, cost) <= GTOL))
    active &= ~converged
    lam = np.full(n, 1e-3)
    nu = np.full(n, 2.0)
    dmax = np.einsum("nkk->nk", JtJ).copy()
    eye = np.eye(k)
    for iteration in range(max_iter):
        if owner is not None and iteration in _PRUNE_FACTORS:
            _prune(U, cost, owner, active, _PRUNE_FACTORS[iteration])
        a = np.flatnonzero(active)
        if a.size == 0:
            break
        JtJ_a, g_a = JtJ[a], g[a]
        dmax[a] = np.maximum(dmax[a], np.einsum("nkk->nk", JtJ_a))
        D = np.maximum(dmax[a], 1e-300)
        A = JtJ_a + lam[a, None, None] * D[:, :, None] * eye
        try:
            step = -np.linalg.solve(A, g_a[..., None])[..., 0]
        except np.linalg.LinAlgError:
            step = -np.einsum("nkl,nl->nk", np.linalg.pinv(A), g_a)
        step = np.clip(step, -10.0, 10.0)
        JtJ_step = np.matmul(JtJ_a, step[..., None])[..., 0]
        predicted = -np.einsum("nk,nk->n", step, 2 * g_a + JtJ_step)
        U_new = U[a] + step
        with np.errstate(all="ignore"):
            c_new, JtJ_new, g_new = problem.normal(U_new, a)
        c_new = np.where(np.isfinite(c_new), c_new, np.inf)
        actual = cost[a] - c_new
        with np.errstate(all="ignore"):
            rho = np.where(predicted > 0, actual / predicted, -1.0)
        better = (actual > 0) & np.isfinite(c_new)
        c_old = np.maximum(cost[a], 1e-300)
        ftol_ok = (np.abs(actual) <= FTOL * c_old) & (predicted <= FTOL * c_old) & (rho <= 2)
        xtol_ok = np.linalg.norm(step, axis=1) <= XTOL * (np.linalg.norm(U[a], axis=1) + XTOL)

        acc = a[better]
        U[acc], JtJ[acc], g[acc], cost[acc] = U_new[better], JtJ_new[better], g_new[better], c_new[better]
        rb = rho[better]
        lam[acc] *= np.maximum(1 / 3, 1 - (2 * rb - 1) ** 3)
        nu[acc] = 2.0
        rej = a[~better]
        lam[rej] *= nu[rej]
        nu[rej] *= 2
        lam[a] = np.clip(lam[a], 1e-15, None)

        done = ftol_ok | xtol_ok
        if acc.size:
            gtol_ok = (cost[acc] <= tiny[acc]) | (_gradient_cosine(JtJ[acc], g[acc], cost[acc]) <= GTOL)
            done[better] |= gtol_ok
        converged[a[done]] = True
        active[a[done]] = False
        # damping beyond any scale without a test holding: the row is stuck
        active[a[~done & (lam[a] > 1e16)]] = False
    return U, cost, converged


def _prune(U, cost, owner, active, factor):
    """Deactivate starts far behind their spectrum's best or merged into a better one."""
    best = np.full(owner.max() + 1, np.inf)
    np.minimum.at(best, owner, cost)
    with np.errstate(invalid="ignore"):  # inf x inf for a row that never had a finite cost
        active &= cost <= factor * best[owner]
    order = np.lexsort((cost, owner))
    a, b = order[:-1], order[1:]
    same = (owner[a] == owner[b]) & (np.max(np.abs(U[a] - U[b]), axis=1) < MERGE_DISTANCE)
    active[b[same]] = False
