"""Constant-voltage holds: the current that keeps the cell at the held voltage.

The current is piecewise linear in time; the particle is propagated exactly for it over
each sub-step, whose end current is the one that puts the cell at the held voltage
(:func:`solve_current`: safeguarded Newton on the logit of the surface lithiation, a
scalar per design).  Sub-steps adapt to a ~50 % change of current, and the step ends
where the current crosses its limit.
"""

from __future__ import annotations

import math

import numpy as np

from lpt.cycling.ocv import OcvTables
from lpt.cycling.particle import Propagator
from lpt.cycling.electrolyte import overpotential_along
from lpt.cycling.steps import Electrolyte, StepResult
from lpt.cycling.voltage import (
    FLOAT_OPS, Y_EPS, StepCoefficients, cathode_asinh_numerator, cell_voltage, series_drop_V,
)

HOLD_CHANGE = 0.5  # target relative change of the current per constant-voltage sub-step
V_TOL = 1e-11  # V: a constant-voltage sub-step's current puts the cell this close to the hold


def hold_step(prop: Propagator, ocv: OcvTables, b: StepCoefficients, a: np.ndarray, v_hold: float,
              i_end: np.ndarray | None, t_limit: float | None, record: bool,
              max_substeps: int = 400, elyte: Electrolyte | None = None) -> StepResult:
    """Constant voltage until |I| ≤ ``i_end`` or the time limit.

    The current is linear in time within each sub-step, so the particle is propagated
    exactly for it (second order in the current's curvature); the end current of each
    sub-step is the one that puts the cell at ``v_hold`` (Newton, a scalar per design).
    Sub-steps grow or shrink to change the current by about ``HOLD_CHANGE``.  A
    polarizing pore liquid (``elyte``) is propagated exactly for the same linear current.
    """
    G = prop.grid
    a = a.copy()
    m = b.idx.size
    t_lim = np.inf if t_limit is None else t_limit
    e = eg = line = None
    if elyte is not None:
        eg, e = elyte.grid, elyte.state.copy()
        nodes, front = eg.nodes_and_front(e, 0.0)
        line = (nodes, np.zeros_like(nodes), front, eg.front_q * b.e_q_per_A_m2)
    # the current that puts the cell at v_hold at once (state unchanged)
    i0 = solve_current(ocv, b, a @ G.surface, b.g_per_A_m2 * G.surface_g, np.zeros(m), v_hold, line=line)
    q_cap = 1.0 / np.abs(b.dy_per_C_m2)  # usable capacity, C m⁻²
    limit = np.zeros(m) if i_end is None else i_end
    running = (np.abs(i0) > limit) & (t_lim > 0)
    charge = np.zeros(m)
    t_run = np.zeros(m)
    dt = 1e-3 * q_cap / np.maximum(np.abs(i0), 1e-300)
    i_prev = i0.copy()
    ratio = np.ones(m)
    rec_t, rec_i = [np.zeros(m)], [i0.copy()]
    for _ in range(max_substeps):
        r = np.flatnonzero(running)
        if r.size == 0:
            break
        sub = b.subset(r) if r.size < m else b
        ip = i_prev[r]
        h = np.minimum(dt[r], t_lim - t_run[r])
        E, p1, p2 = prop.ramp(h * sub.dtau_per_s)
        ar = a[r]
        ys_free = (E * ar) @ G.surface
        s0 = sub.g_per_A_m2 * ((p1 - p2) @ prop.surf_beta)           # per A m⁻² at the start
        s1 = sub.g_per_A_m2 * (p2 @ prop.surf_beta + G.surface_g)   # per A m⁻² at the end
        # guess: the current keeps decaying at the last sub-step's rate
        guess = ip * np.minimum(np.maximum(ratio[r], 0.0), 1.5)
        if e is not None:
            er, eq = e[r], sub.e_q_per_A_m2
            Ee, p1e, p2e = eg.ramp_responses(h * sub.e_dtau_per_s)
            nodes, front = eg.nodes_and_front(Ee * er + (eq * ip)[:, None] * (p1e - p2e) * eg.beta, 0.0)
            end_load = p2e * eg.beta  # modal state per unit q at the sub-step's end
            line = (nodes, eq[:, None] * (end_load @ eg.modes.T), front, eq * (end_load @ eg.front + eg.front_q))
        i1 = solve_current(ocv, sub, ys_free + ip * s0, s1, guess, v_hold, line=line)
        # the step ends inside this sub-step where the (linear) current reaches its limit
        lim = limit[r]
        ends = np.abs(i1) <= lim
        if ends.any():
            frac = (np.abs(ip) - lim) / np.maximum(np.abs(ip) - np.abs(i1), 1e-300)
            frac = np.where(ends, np.minimum(np.maximum(frac, 0.0), 1.0), 1.0)
            i1 = np.where(ends, np.sign(ip) * lim, i1)
            h = h * frac
            E, p1, p2 = prop.ramp(h * sub.dtau_per_s)
        g0, g1 = sub.g_per_A_m2 * ip, sub.g_per_A_m2 * i1
        a[r] = E * ar + (g0[:, None] * (p1 - p2) + g1[:, None] * p2) * G.beta
        if e is not None:
            e[r] = eg.ramp(er, eq * ip, eq * i1, h * sub.e_dtau_per_s)
        charge[r] += 0.5 * (ip + i1) * h
        t_run[r] += h
        rel = np.abs(i1 - ip) / np.maximum(np.abs(ip), 1e-300)
        dt[r] = h * np.minimum(np.maximum(HOLD_CHANGE / np.maximum(rel, 1e-6), 0.5), 2.5)
        decay = np.minimum(np.maximum(i1 / np.where(ip != 0, ip, 1.0), 1e-3), 1.5)
        ratio[r] = decay ** (dt[r] / np.maximum(h, 1e-300))
        i_prev[r] = i1
        done = ends | (t_run[r] >= t_lim * (1 - 1e-12)) | (np.abs(i1) < 1e-12)
        running[r[done]] = False
        if record:
            rec_t.append(t_run.copy())
            live = np.zeros(m, bool)
            live[r] = True
            rec_i.append(np.where(live, i_prev, np.nan))
    curve = None
    if record:
        t_rec, i_rec = np.array(rec_t), np.array(rec_i)
        q_rec = np.vstack([np.zeros((1, m)), np.cumsum(
            0.5 * (np.abs(i_rec[1:]) + np.abs(i_rec[:-1])) * np.diff(t_rec, axis=0), axis=0)])
        gone = np.isnan(i_rec)
        curve = {"t": np.where(gone, np.nan, t_rec), "v": np.where(gone, np.nan, v_hold),
                 "q": np.where(gone, np.nan, q_rec)}
    return StepResult(charge, v_hold * charge, t_run, a, curve, e)


def _voltage_along(ocv, b, ys, current, dys_dI, ops=None, line=None):
    """V and dV/dI along the line ``ys = ys_base + dys_dI · I`` (arrays, or floats with
    ``ops = FLOAT_OPS`` and ``b`` from :meth:`StepCoefficients.scalars`); ``line`` is the
    pore liquid's state along the current (:func:`~lpt.cycling.electrolyte.overpotential_along`)."""
    if ops is None:
        u_c, slope = ocv.lookup(b.ocv_base, ys)
        ev = dev = None
        if line is not None:
            ev, dev = overpotential_along(line, current, b.e_concentration_V)
        v, dv_dys, dv_dI = cell_voltage(b, u_c, ys, series_drop_V(b, current), cathode_asinh_numerator(b, current),
                                        slope=slope, current=current, electrolyte_V=ev)
        if dev is not None:
            dv_dI = dv_dI - dev
    else:
        u_c, slope = ocv.lookup_float(b.ocv_base, ys)
        v, dv_dys, dv_dI = cell_voltage(b, u_c, ys, series_drop_V(b, current, ops),
                                        cathode_asinh_numerator(b, current), ops, slope=slope, current=current)
    return v, dv_dys * dys_dI + dv_dI


def solve_current(ocv: OcvTables, b: StepCoefficients, ys_base, dys_dI, guess, v_target, iters: int = 60,
                  line=None):
    """The current that puts the cell at ``v_target`` when ``ys = ys_base + dys_dI · I``.

    Solved for the surface lithiation in logit form, ``z = ln(ys/(1-ys))``: V is
    monotone in z and its singularities at an empty or full surface (i₀ → 0) become
    nearly linear, so a safeguarded Newton iteration (bisection fallback on the
    bracket ``|z| ≤ 20.7``) converges in a few steps for every design.  The unknown is
    the offset ``ζ = z − z_base`` from the logit of ``ys_base``, and the change of
    lithiation it makes is computed without cancellation
    (``σ(z_b+ζ) − σ(z_b) = −e^{−z_b} expm1(−ζ) / ((1 + e^{−z_b−ζ})(1 + e^{−z_b}))``):
    with fast diffusion ``dys_dI`` is tiny and ``σ(z) − ys_base`` would resolve the
    current only to ~1e-8 of itself.  ``line``: the pore liquid's state along the current
    (see :func:`_voltage_along`).
    """
    if ys_base.size == 1 and line is None:
        return np.array([_solve_current_one(ocv, b.scalars(), float(ys_base[0]), float(dys_dI[0]),
                                            float(guess[0]), v_target, iters)])
    eps = Y_EPS
    zmax = np.log((1.0 - eps) / eps)
    yb = np.minimum(np.maximum(ys_base, eps), 1.0 - eps)
    zb = np.log(yb / (1.0 - yb))
    eb = (1.0 - yb) / yb  # e^{-z_b}
    lo, hi = -zmax - zb, zmax - zb
    d0 = dys_dI * guess
    y0 = yb + d0
    d0 = np.where((y0 > eps) & (y0 < 1.0 - eps), d0, np.minimum(np.maximum(y0, eps), 1.0 - eps) - yb)
    zeta = np.log1p(d0 / yb) - np.log1p(-d0 / (1.0 - yb))
    off = yb - ys_base  # 0 unless ys_base lies outside [eps, 1 - eps]
    cur = guess
    stalled = np.zeros(ys_base.shape, bool)
    last = hi - lo
    for _ in range(iters):
        em = eb * np.exp(-zeta)
        sg = 1.0 / (1.0 + em)
        delta = -eb * np.expm1(-zeta) / ((1.0 + em) * (1.0 + eb))
        ys = yb + delta
        cur = (delta + off) / dys_dI
        v, dv = _voltage_along(ocv, b, ys, cur, dys_dI, line=line)
        f = v - v_target
        # done: at the voltage (10 pV: Newton converges quadratically, and the one-design
        # path must land on the same current), at the resolution of ζ, or pinned at an
        # empty/full surface (I → 0 there: the bracket closes far from z_base); a design
        # that is done stays put, so its result does not depend on the others
        mag = np.maximum(np.abs(lo), np.abs(hi))
        pinned = hi - lo <= np.where(mag > 1.0, 1e-9, 1e-13 * mag)
        done = stalled | (np.abs(f) < V_TOL) | pinned
        if done.all():
            break
        # V falls with ζ: f > 0 means the root lies at larger ζ
        up = f > 0
        lo = np.where(up, zeta, lo)
        hi = np.where(up, hi, zeta)
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            z_newton = zeta - f * dys_dI / (np.minimum(dv, -1e-300) * (sg - sg * sg))
        step = np.abs(z_newton - zeta)
        stalled |= step <= 1e-15 * np.abs(zeta)
        # Newton while it stays inside the bracket and at least halves its steps (it
        # can cycle between two points otherwise), else bisection
        newton = (z_newton > lo) & (z_newton < hi) & (step <= 0.5 * last)
        move = ~(done | stalled)
        last = np.where(move, np.where(newton, step, 0.5 * (hi - lo)), last)
        zeta = np.where(move, np.where(newton, z_newton, 0.5 * (lo + hi)), zeta)
    return cur


def _solve_current_one(ocv: OcvTables, b: StepCoefficients, ys_base: float, dys_dI: float, guess: float,
                       v_target: float, iters: int) -> float:
    """:func:`solve_current` for a batch of one design, in plain floats (the same
    iteration; NumPy's per-call cost dominates at one design)."""
    eps = Y_EPS
    exp, expm1, log1p = math.exp, math.expm1, math.log1p
    zmax = math.log((1.0 - eps) / eps)
    yb = min(max(ys_base, eps), 1.0 - eps)
    zb = math.log(yb / (1.0 - yb))
    eb = (1.0 - yb) / yb
    lo, hi = -zmax - zb, zmax - zb
    d0 = dys_dI * guess
    y0 = yb + d0
    if not eps < y0 < 1.0 - eps:
        d0 = min(max(y0, eps), 1.0 - eps) - yb
    zeta = log1p(d0 / yb) - log1p(-d0 / (1.0 - yb))
    off = yb - ys_base
    cur = guess
    last = hi - lo
    for _ in range(iters):
        em = eb * exp(-zeta)
        sg = 1.0 / (1.0 + em)
        delta = -eb * expm1(-zeta) / ((1.0 + em) * (1.0 + eb))
        ys = yb + delta
        cur = (delta + off) / dys_dI
        v, dv = _voltage_along(ocv, b, ys, cur, dys_dI, FLOAT_OPS)
        f = v - v_target
        mag = max(abs(lo), abs(hi))
        if abs(f) < V_TOL or hi - lo <= (1e-9 if mag > 1.0 else 1e-13 * mag):
            break
        if f > 0:
            lo = zeta
        else:
            hi = zeta
        z_new = zeta - f * dys_dI / (min(dv, -1e-300) * (sg - sg * sg))
        step = abs(z_new - zeta)
        if step <= 1e-15 * abs(zeta):
            break  # at the resolution of ζ
        if lo < z_new < hi and step <= 0.5 * last:
            zeta, last = z_new, step
        else:
            zeta, last = 0.5 * (lo + hi), 0.5 * (hi - lo)
    return cur
