"""Numba code of :mod:`lpt.impedance.lm_kernel` (imported only when Numba is present).

Everything here mirrors a NumPy function of the package line by line:
``_to_theta`` is :meth:`ParameterMap.to_theta`, ``_circuit`` the compiled circuit's
``impedance_and_derivatives`` for the elements listed in ``lm_kernel._CODES``,
``_normal`` :meth:`lm.Problem.normal` and ``lm_rows`` the loop of
:func:`lm.levenberg_marquardt` for rows that are never pruned.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

_LOG, _SHIFT, _LOGIT_LOG = 0, 1, 2  # else logit (constraints.py)
_HALF_PI_J = 0.5j * np.pi


@njit(cache=True, error_model="numpy")
def _to_theta(U, mode, lower, upper, theta, dtheta):
    for j in range(U.shape[0]):
        u = min(max(U[j], -700.0), 700.0)
        lo, hi = lower[j], upper[j]
        if mode[j] == _LOG:
            theta[j] = math.exp(u)
            dtheta[j] = theta[j]
        elif mode[j] == _SHIFT:
            e = math.exp(u)
            theta[j] = lo + e
            dtheta[j] = e
        else:
            s = 0.5 * (1.0 + math.tanh(0.5 * u))
            if mode[j] == _LOGIT_LOG:
                span = math.log(hi / lo)
                p = lo * math.exp(span * s)
                theta[j] = p
                dtheta[j] = p * span * s * (1 - s)
            else:
                theta[j] = lo + (hi - lo) * s
                dtheta[j] = (hi - lo) * s * (1 - s)


@njit(cache=True, error_model="numpy")
def _tanh(s):
    """Complex tanh that stays finite for a large real part (Numba's overflows to nan);
    beyond |Re s| = 20 it equals +-1 to double precision."""
    if s.real > 20.0:
        return 1.0 + 0j
    if s.real < -20.0:
        return -1.0 + 0j
    return np.tanh(s)


@njit(cache=True, error_model="numpy")
def _circuit(prog, P, omega, log_omega, stack, lo_param, hi_param, D):
    """Z of the circuit into stack[0] and dZ/dP into D (n_params, m)."""
    m = omega.shape[0]
    top = 0
    for row in range(prog.shape[0]):
        code, i, n_children = prog[row, 0], prog[row, 1], prog[row, 2]
        if code == 10:  # series: sum
            first = top - n_children
            for c in range(first + 1, top):
                for k in range(m):
                    stack[first, k] += stack[c, k]
            hi_param[first] = hi_param[top - 1]
            top = first + 1
            continue
        if code == 11:  # parallel: Z = 1/sum(1/Z_c), dZ/dp = (Z/Z_c)^2 dZ_c/dp
            first = top - n_children
            for k in range(m):
                y = 0j
                for c in range(first, top):
                    y += 1.0 / stack[c, k]
                z = 1.0 / y
                for c in range(first, top):
                    factor = (z / stack[c, k]) ** 2
                    for q in range(lo_param[c], hi_param[c]):
                        D[q, k] *= factor
                stack[first, k] = z
            hi_param[first] = hi_param[top - 1]
            top = first + 1
            continue
        lo_param[top] = i
        alpha, phase = 0.0, 0j
        if code == 3:  # CPE: Q (j omega)^alpha, the phase factor once per element
            alpha = P[i + 1]
            phase = np.exp(-_HALF_PI_J * alpha) / P[i]
        for k in range(m):
            w = omega[k]
            if code == 0:  # R
                z = P[i] + 0j
                D[i, k] = 1.0
            elif code == 1:  # C
                z = 1.0 / (1j * w * P[i])
                D[i, k] = -z / P[i]
            elif code == 2:  # L
                z = 1j * w * P[i]
                D[i, k] = 1j * w
            elif code == 3:  # CPE
                z = math.exp(-alpha * log_omega[k]) * phase
                D[i, k] = -z / P[i]
                D[i + 1, k] = -z * (log_omega[k] + _HALF_PI_J)
            elif code == 4:  # W
                z = P[i] * (1 - 1j) / math.sqrt(w)
                D[i, k] = z / P[i]
            elif code == 5:  # Wo
                s = np.sqrt(1j * w * P[i + 1])
                coth = 1.0 / _tanh(s)
                z = P[i] * coth / s
                D[i, k] = z / P[i]
                D[i + 1, k] = P[i] * (-(coth * coth - 1) / s - coth / (s * s)) * s / (2 * P[i + 1])
            else:  # Ws
                s = np.sqrt(1j * w * P[i + 1])
                t = _tanh(s)
                z = P[i] * t / s
                D[i, k] = z / P[i]
                D[i + 1, k] = P[i] * ((1 - t * t) / s - t / (s * s)) * s / (2 * P[i + 1])
            stack[top, k] = z
        hi_param[top] = i + (2 if code in (3, 5, 6) else 1)
        top += 1


@njit(cache=True, error_model="numpy")
def _normal(prog, U, omega, log_omega, Zr, Zi, iwr, iwi, source, fixed, mode, lower, upper, work, JtJ, g):
    """chi^2, J^T J and J^T r (in u) of one row; ``work`` holds the scratch arrays."""
    theta, dtheta, P, stack, lo_param, hi_param, D, r, J = work
    _to_theta(U, mode, lower, upper, theta, dtheta)
    for q in range(P.shape[0]):
        P[q] = theta[source[q]] if source[q] >= 0 else fixed[q]
    _circuit(prog, P, omega, log_omega, stack, lo_param, hi_param, D)
    m = omega.shape[0]
    n_free = U.shape[0]
    cost = 0.0
    for k in range(m):
        r[k] = (stack[0, k].real - Zr[k]) * iwr[k]
        r[m + k] = (stack[0, k].imag - Zi[k]) * iwi[k]
        cost += r[k] * r[k] + r[m + k] * r[m + k]
    J[:, :] = 0.0
    for q in range(P.shape[0]):
        j = source[q]
        if j < 0:
            continue
        for k in range(m):
            J[j, k] += D[q, k].real * iwr[k]
            J[j, m + k] += D[q, k].imag * iwi[k]
    for j in range(n_free):
        for k in range(2 * m):
            J[j, k] *= dtheta[j]
    for a in range(n_free):
        s = 0.0
        for k in range(2 * m):
            s += J[a, k] * r[k]
        g[a] = s
        for b in range(a + 1):
            s = 0.0
            for k in range(2 * m):
                s += J[a, k] * J[b, k]
            JtJ[a, b] = s
            JtJ[b, a] = s
    return cost


@njit(cache=True, error_model="numpy")
def _gradient_cosine(JtJ, g, cost):
    out = 0.0
    for j in range(g.shape[0]):
        norm = math.sqrt(max(JtJ[j, j], 0.0))
        if norm > 0:
            c = abs(g[j]) / (norm * math.sqrt(cost))
            if c > out or math.isnan(c):
                out = c
    return out


@njit(cache=True, error_model="numpy")
def _solve(A, b):
    """A x = b by Gaussian elimination with partial pivoting; the pseudo-inverse when
    a pivot vanishes (as the NumPy loop falls back to pinv)."""
    n = b.shape[0]
    M = A.copy()
    x = b.copy()
    for c in range(n):
        p = c
        for row in range(c + 1, n):
            if abs(M[row, c]) > abs(M[p, c]):
                p = row
        if M[p, c] == 0.0 or not np.isfinite(M[p, c]):
            return np.linalg.pinv(A) @ b
        if p != c:
            for k in range(n):
                M[c, k], M[p, k] = M[p, k], M[c, k]
            x[c], x[p] = x[p], x[c]
        for row in range(c + 1, n):
            f = M[row, c] / M[c, c]
            for k in range(c, n):
                M[row, k] -= f * M[c, k]
            x[row] -= f * x[c]
    for c in range(n - 1, -1, -1):
        s = x[c]
        for k in range(c + 1, n):
            s -= M[c, k] * x[k]
        x[c] = s / M[c, c]
    return x


@njit(cache=True, error_model="numpy")
def lm_rows(prog, omega, Zr, Zi, iwr, iwi, source, fixed, mode, lower, upper, tiny,
            ftol, xtol, gtol, max_iter, U, cost_out, converged_out):
    n_rows, m = Zr.shape
    n_free = U.shape[1]
    n_params = source.shape[0]
    depth = prog.shape[0] + 1
    work = (np.empty(n_free), np.empty(n_free), np.empty(n_params), np.empty((depth, m), dtype=np.complex128),
            np.zeros(depth, dtype=np.int64), np.zeros(depth, dtype=np.int64),
            np.zeros((n_params, m), dtype=np.complex128), np.empty(2 * m), np.empty((n_free, 2 * m)))
    JtJ, g = np.empty((n_free, n_free)), np.empty(n_free)
    JtJ_new, g_new = np.empty((n_free, n_free)), np.empty(n_free)
    A = np.empty((n_free, n_free))
    dmax = np.empty(n_free)
    step = np.empty(n_free)
    u_new = np.empty(n_free)
    for row in range(n_rows):
        u = U[row]
        w, zr, zi, wr, wi = omega[row], Zr[row], Zi[row], iwr[row], iwi[row]
        lw = np.log(w)
        cost = _normal(prog, u, w, lw, zr, zi, wr, wi, source, fixed, mode, lower, upper, work, JtJ, g)
        if not np.isfinite(cost):
            cost_out[row] = np.inf
            converged_out[row] = False
            continue
        if cost <= tiny[row] or _gradient_cosine(JtJ, g, cost) <= gtol:
            cost_out[row] = cost
            converged_out[row] = True
            continue
        lam, nu = 1e-3, 2.0
        for j in range(n_free):
            dmax[j] = JtJ[j, j]
        done = False
        for _ in range(max_iter):
            for j in range(n_free):
                dmax[j] = max(dmax[j], JtJ[j, j])
            for a in range(n_free):
                for b in range(n_free):
                    A[a, b] = JtJ[a, b]
                A[a, a] += lam * max(dmax[a], 1e-300)
            x = _solve(A, g)
            predicted = 0.0
            step_norm, u_norm = 0.0, 0.0
            for j in range(n_free):
                step[j] = min(max(-x[j], -10.0), 10.0)
            for a in range(n_free):
                s = 0.0
                for b in range(n_free):
                    s += JtJ[a, b] * step[b]
                predicted -= step[a] * (2 * g[a] + s)
                step_norm += step[a] * step[a]
                u_norm += u[a] * u[a]
                u_new[a] = u[a] + step[a]
            c_new = _normal(prog, u_new, w, lw, zr, zi, wr, wi, source, fixed, mode, lower, upper, work, JtJ_new,
                            g_new)
            if not np.isfinite(c_new):
                c_new = np.inf
            actual = cost - c_new
            rho = actual / predicted if predicted > 0 else -1.0
            better = actual > 0 and np.isfinite(c_new)
            c_old = max(cost, 1e-300)
            ftol_ok = abs(actual) <= ftol * c_old and predicted <= ftol * c_old and rho <= 2
            xtol_ok = math.sqrt(step_norm) <= xtol * (math.sqrt(u_norm) + xtol)
            if better:
                for a in range(n_free):
                    u[a] = u_new[a]
                    g[a] = g_new[a]
                    for b in range(n_free):
                        JtJ[a, b] = JtJ_new[a, b]
                cost = c_new
                lam *= max(1 / 3, 1 - (2 * rho - 1) ** 3)
                nu = 2.0
            else:
                lam *= nu
                nu *= 2
            lam = max(lam, 1e-15)
            done = ftol_ok or xtol_ok
            if better and (cost <= tiny[row] or _gradient_cosine(JtJ, g, cost) <= gtol):
                done = True
            if done or lam > 1e16:
                break
        cost_out[row] = cost
        converged_out[row] = done
