"""Constant-current and rest steps: where a step ends, its charge, energy and new state.

A step solver is a function of the particle propagator, the batch's OCV tables, the
step's coefficients (:class:`~lpt.cycling.voltage.StepCoefficients`), the modal state of
the designs running it and the step's settings; it returns a :class:`StepResult` (the
new state included) and leaves the books to the caller.  Constant-voltage holds are in
:mod:`lpt.cycling.hold`.

Constant current: the particle is propagated *exactly* in time, so a CC step needs no
time steps.  The voltage is sampled over a window (the step's duration in the previous
cycle, else the time to fill or empty the particle) to bracket the end, which Newton's
method on the exact curve (analytic time derivative, bisection when a step leaves the
bracket or does not halve) locates to 1e-13 of the step.  A batch of one design runs the
same iteration in plain floats from the whole step (NumPy's per-call cost dominates
there).  A step ends at its cut-off voltage, its time limit, the Li inventory, or when the
particle surface is full (discharge) or empty (charge), like PyBaMM's stoichiometry
events.  Energy by Simpson's rule over the exact curve.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from lpt.cycling.electrolyte import ElectrolyteGrid, FloatLiquid, overpotential_V
from lpt.cycling.ocv import OcvTables
from lpt.cycling.particle import Propagator
from lpt.cycling.voltage import (
    FLOAT_OPS, StepCoefficients, cathode_asinh_numerator, cell_voltage, series_drop_V, voltage_V,
)

SAMPLES = 16  # voltage samples per pass of a constant-current step (the same for any batch size)
_GRID = np.linspace(0.0, 1.0, SAMPLES + 1)[:, None]
Y_SURFACE_LIMIT = 1e-6  # a CC step ends when the particle surface is this close to full/empty
REL_TOL = 1e-13  # a CC step's end is located to this fraction of its duration
DEPLETION_LIMIT = 1e-6  # a step ends when the pore liquid's salt falls to this fraction of c₀


class Electrolyte(NamedTuple):
    """The pore liquid of the designs running a step (:mod:`lpt.cycling.electrolyte`)."""

    grid: ElectrolyteGrid
    state: np.ndarray  # (m, K) modal state


class StepResult(NamedTuple):
    """What a step did, per design: charge (C m⁻², discharge > 0), energy (J m⁻², signed
    like the charge), duration (s), the modal state at its end, and the sampled curve
    (``{"t", "v", "q"}``, rows × designs) when asked for."""

    charge_C_m2: np.ndarray
    energy_J_m2: np.ndarray
    duration_s: np.ndarray
    state: np.ndarray
    curve: dict | None
    electrolyte_state: np.ndarray | None = None


def safe_newton(fun, rows: np.ndarray | None, lo: np.ndarray, hi: np.ndarray, t: np.ndarray,
                max_iter: int = 200) -> np.ndarray:
    """Root of ``fun(t, rows) -> (f, df/dt)`` in ``[lo, hi]`` for every design at once.

    ``f`` is positive at ``lo`` and ≤ 0 at ``hi``; ``rows=None`` stands for all rows.
    Newton's method while its step stays inside the bracket and at least halves, else
    bisection (Numerical Recipes' ``rtsafe``); each design stops on its own when its
    bracket or its Newton step is below 1e-13 of the time, so its result does not depend
    on the others — and it is the iteration of the one-design path (:func:`_cc_end_one`).
    Regula falsi is slow here: near the end of a step the voltage falls almost singularly
    (the surface fills and i₀ → 0), and it crept towards such cliffs by 1e-3 of the
    bracket per iteration.
    """
    out = 0.5 * (lo + hi)
    todo = np.arange(lo.size)
    last = hi - lo
    for _ in range(max_iter):
        f, df = fun(t, rows)
        pos = f > 0.0
        lo = np.where(pos, t, lo)
        hi = np.where(pos, hi, t)
        step = np.where(df < 0.0, f / np.where(df < 0.0, df, -1.0), np.inf)
        t_new = t - step
        bisect = ~((t_new > lo) & (t_new < hi)) | (np.abs(step) > 0.5 * last)
        t_new = np.where(bisect, 0.5 * (lo + hi), t_new)
        last = np.where(bisect, 0.5 * (hi - lo), np.abs(step))
        exact = f == 0.0
        tight = ~exact & (hi - lo <= REL_TOL * hi)
        small = ~exact & ~tight & ~bisect & (last <= REL_TOL * t)
        done = exact | tight | small
        out[todo] = np.where(exact, t, np.where(tight, 0.5 * (lo + hi), t_new))
        if done.all():
            break
        keep = ~done
        todo, lo, hi, t, last = todo[keep], lo[keep], hi[keep], t_new[keep], last[keep]
        rows = todo if rows is None else rows[keep]
    return out


def cc_step(prop: Propagator, ocv: OcvTables, b: StepCoefficients, a: np.ndarray, anode_C_m2: np.ndarray,
            current: np.ndarray, v_cut: float | None, t_limit: float | None, record: bool,
            t_guess: np.ndarray | None = None, elyte: Electrolyte | None = None) -> StepResult:
    """Constant current (signed, discharge > 0) until the cut-off or the time limit.

    ``a`` is the modal state and ``anode_C_m2`` the Li inventory of the designs ``b.idx``.
    The particle is propagated exactly, so the step is found by sampling the voltage over
    a window (the previous cycle's duration of this step, or the time to fill or empty
    the particle), then by safeguarded Newton inside the bracketing interval.  With a
    polarizing pore liquid (``elyte``) its concentration overpotential joins the voltage
    and its depletion ends the step.
    """
    grid = prop.grid
    m = b.idx.size
    ybar = a @ grid.mean
    room = np.where(current > 0, 1.0 - ybar, ybar)
    t_end = np.maximum(room, 0.0) / (np.abs(current) * b.dy_per_C_m2)
    if np.isfinite(anode_C_m2).any():
        t_end = np.where(current > 0, np.minimum(t_end, np.maximum(anode_C_m2, 0.0) / current), t_end)
    if t_limit is not None:
        t_end = np.minimum(t_end, t_limit)
    a_s = a * grid.surface
    g = b.g_per_A_m2 * current
    drop, xc_num = series_drop_V(b, current), cathode_asinh_numerator(b, current)
    e_state = q_e = None
    if elyte is not None:
        e_state, q_e = elyte.state, b.e_q_per_A_m2 * current
    if m == 1:
        bs = b.scalars()
        liquid = None if elyte is None else FloatLiquid(elyte.grid, e_state[0], float(q_e[0]), bs.e_concentration_V,
                                                         bs.e_dtau_per_s)
        t_stop = np.array([_cc_end_one(prop, ocv, bs, a_s[0].tolist(), float(g[0]), float(drop[0]),
                                       float(xc_num[0]), float(current[0]), v_cut, float(t_end[0]),
                                       None if t_guess is None else float(t_guess[0]), liquid)])
        return _cc_finish(prop, ocv, b, a, a_s, g, drop, xc_num, current, t_stop, record, elyte, q_e, liquid)

    def pick(rows):
        """The step's per-design quantities for ``rows`` (``None``: every design)."""
        if rows is None:
            return b, a_s, g, drop, xc_num, current, e_state, q_e
        return (b.subset(rows), a_s[rows], g[rows], drop[rows], xc_num[rows], current[rows],
                None if e_state is None else e_state[rows], None if q_e is None else q_e[rows])

    def margin(t, rows):
        """> 0 while the step may go on: above the cut-off, and the particle surface
        not yet full (discharge) or empty (charge) — as PyBaMM's stoichiometry events.
        ``t`` is (samples, designs)."""
        sub, a_r, g_r, d_r, x_r, c_r, e_r, q_r = pick(rows)
        ys = prop.surface(a_r, g_r, t * sub.dtau_per_s)
        f = np.where(c_r > 0, 1.0 - Y_SURFACE_LIMIT - ys, ys - Y_SURFACE_LIMIT)
        ev = None
        if e_r is not None:
            ev, lowest = overpotential_V(elyte.grid, elyte.grid.advance(e_r, q_r, t * sub.e_dtau_per_s),
                                         q_r, sub.e_concentration_V)
            f = np.minimum(f, lowest - DEPLETION_LIMIT)
        if v_cut is not None:
            v = cell_voltage(sub, ocv.value(sub.ocv_base, ys), ys, d_r, x_r, electrolyte_V=ev)
            f = np.minimum(f, (v - v_cut) * np.sign(c_r))
        return f

    def margin_rate(t, rows):
        """The margin and its time derivative, one time per design."""
        sub, a_r, g_r, d_r, x_r, c_r, e_r, q_r = pick(rows)
        ys, dys = prop.surface_and_rate(a_r, g_r, t * sub.dtau_per_s)
        dys = dys * sub.dtau_per_s
        up = c_r > 0
        f = np.where(up, 1.0 - Y_SURFACE_LIMIT - ys, ys - Y_SURFACE_LIMIT)
        df = np.where(up, -dys, dys)
        ev = None
        if e_r is not None:
            grid = elyte.grid
            ae = grid.advance(e_r, q_r, t * sub.e_dtau_per_s)
            ev, lowest, dev, dlow = overpotential_V(grid, ae, q_r, sub.e_concentration_V, rate=grid.rate(ae, q_r))
            dev, dlow = dev * sub.e_dtau_per_s, dlow * sub.e_dtau_per_s
            dep = lowest - DEPLETION_LIMIT
            lower = dep < f
            f, df = np.where(lower, dep, f), np.where(lower, dlow, df)
        if v_cut is not None:
            sg = np.where(up, 1.0, -1.0)
            u_c, slope = ocv.lookup(sub.ocv_base, ys)
            v, dv = cell_voltage(sub, u_c, ys, d_r, x_r, slope=slope, electrolyte_V=ev)
            fv = (v - v_cut) * sg
            lower = fv < f
            dfv = dv * dys * sg if ev is None else (dv * dys - dev) * sg
            f, df = np.where(lower, fv, f), np.where(lower, dfv, df)
        return f, df

    t_stop = t_end.copy()
    # 1) a window: the last cycle's duration (+10 %) if known, else the whole range
    window = t_end if t_guess is None else np.minimum(1.1 * t_guess + 1.0, t_end)
    s = _GRID
    f = margin(s * window, None)
    at_once = f[0] <= 0
    hit = f[1:] <= 0
    found = hit.any(axis=0) & ~at_once
    k = hit.argmax(axis=0)
    lo = np.where(found, window * s[k, 0], 0.0)
    hi = np.where(found, window * s[k + 1, 0], 0.0)
    rest = np.flatnonzero(~found & ~at_once & (window < t_end))
    if rest.size:  # the end lies beyond the window: scan the remaining range
        s2 = window[rest] + s[1:] * (t_end[rest] - window[rest])
        hit2 = margin(s2, rest) <= 0
        ok = hit2.any(axis=0)
        k2 = hit2.argmax(axis=0)
        cols = np.arange(rest.size)
        prev = np.where(k2 > 0, s2[np.maximum(k2 - 1, 0), cols], window[rest])
        found[rest[ok]] = True
        lo[rest[ok]] = prev[ok]
        hi[rest[ok]] = s2[k2, cols][ok]
    ref = np.flatnonzero(found)
    if ref.size:
        # 2) Newton's method on the exact curve, safeguarded by the bracket (the same
        #    iteration as the one-design path), from the last cycle's end if inside
        rows = None if ref.size == m else ref
        b_lo, b_hi = lo[ref], hi[ref]
        start = 0.5 * (b_lo + b_hi)
        if t_guess is not None:
            tg = t_guess[ref]
            start = np.where((tg > b_lo) & (tg < b_hi), tg, start)
        t_stop[ref] = safe_newton(margin_rate, rows, b_lo, b_hi, start)
    t_stop[at_once] = 0.0
    return _cc_finish(prop, ocv, b, a, a_s, g, drop, xc_num, current, t_stop, record, elyte, q_e)


def _cc_finish(prop, ocv, b, a, a_s, g, drop, xc_num, current, t_stop, record, elyte=None, q_e=None,
               liquid: FloatLiquid | None = None) -> StepResult:
    """The end of a CC step found: energy (Simpson's rule on an even grid over
    ``[0, t_stop]``), the curve if asked, and the new state (``liquid``: the one-design
    path's pore liquid, evaluated at the samples)."""
    n_e = max(SAMPLES, 100) if record else SAMPLES
    se = np.linspace(0.0, 1.0, n_e + 1)[:, None] if record else _GRID
    te = se * t_stop
    ys = prop.surface(a_s, g, te * b.dtau_per_s)
    ev = e_end = None
    if liquid is not None:
        ev = liquid.overpotentials_at(te[:, 0])[:, None]
    elif elyte is not None:
        ev, _ = overpotential_V(elyte.grid, elyte.grid.advance(elyte.state, q_e, te * b.e_dtau_per_s),
                                q_e, b.e_concentration_V)
    if elyte is not None:
        e_end = elyte.grid.advance(elyte.state, q_e, t_stop * b.e_dtau_per_s)
    ve = cell_voltage(b, ocv.value(b.ocv_base, ys), ys, drop, xc_num, electrolyte_V=ev)
    w = np.ones(n_e + 1)
    w[1:-1:2], w[2:-1:2] = 4.0, 2.0
    with np.errstate(invalid="ignore"):  # a step that ends at once (t_stop = 0) under an infinite ASR
        energy = np.where(t_stop > 0, current * t_stop * (w @ ve) / (3.0 * n_e), 0.0)
    charge = current * t_stop
    state = prop.advance(a, g, t_stop * b.dtau_per_s)
    curve = {"t": te, "v": ve, "q": np.abs(current) * te} if record else None
    return StepResult(charge, energy, t_stop, state, curve, e_end)


def _cc_end_one(prop: Propagator, ocv: OcvTables, b: StepCoefficients, a_s: list[float], g: float, drop: float,
                xc_num: float, current: float, v_cut: float | None, t_end: float, t_guess: float | None,
                liquid: FloatLiquid | None = None) -> float:
    """The end of a CC step for a batch of one design, in plain Python floats (``b`` from
    :meth:`StepCoefficients.scalars`).

    The same margin as the batched path (cut-off voltage, surface full or empty), found
    by Newton's method on the exact curve with its analytic time derivative, safeguarded
    by a bracket (bisection when a Newton step leaves it or stalls).  For one design a
    NumPy call costs more than the arithmetic: one evaluation here is ~16 ``math.exp``
    against ~90 µs for one batched sampling pass.  Both paths converge to 1e-13 of the
    step, so a design gives the same result alone as in a batch (tested to 1e-9).
    Like the batched path's sampling, it relies on the margin crossing zero once in
    the step (under constant current the surface lithiation moves one way).
    """
    k = b.dtau_per_s
    surface_at = prop.surface_and_rate_float(a_s, g)
    base = b.ocv_base
    discharge = current > 0
    sign = 1.0 if discharge else -1.0

    def margin(t: float) -> tuple[float, float]:
        ys, dys = surface_at(k * t)
        dys *= k
        if discharge:
            f, df = 1.0 - Y_SURFACE_LIMIT - ys, -dys
        else:
            f, df = ys - Y_SURFACE_LIMIT, dys
        ev = None
        if liquid is not None:
            ev, dev, lowest, d_lowest = liquid.at(t)
            if lowest - DEPLETION_LIMIT < f:
                f, df = lowest - DEPLETION_LIMIT, d_lowest
        if v_cut is None:
            return f, df
        u_c, slope = ocv.lookup_float(base, ys)
        v, dv = cell_voltage(b, u_c, ys, drop, xc_num, FLOAT_OPS, slope=slope, electrolyte_V=ev)
        fv = (v - v_cut) * sign
        if fv < f:
            return fv, (dv * dys * sign if ev is None else (dv * dys - dev) * sign)
        return f, df

    lo, hi = 0.0, t_end
    f_lo, _ = margin(lo)
    if f_lo <= 0.0:
        return 0.0
    f_hi, _ = margin(hi)
    if f_hi > 0.0:
        return t_end
    t = t_guess if t_guess is not None and 0.0 < t_guess < t_end else 0.5 * t_end
    last_step = hi - lo
    for _ in range(200):
        f, df = margin(t)
        if f > 0.0:
            lo = t
        else:
            hi = t
            if f == 0.0:
                return t
        if hi - lo <= REL_TOL * hi:
            break
        step = f / df if df < 0.0 else math.inf
        t_new = t - step
        if abs(step) <= REL_TOL * t:
            # converged: a step below the resolution of t may round onto the bracket's end,
            # which must not send it back to bisecting the whole bracket
            return min(max(t_new, lo), hi)
        # Newton while it stays inside the bracket and at least halves its steps
        if not lo < t_new < hi or abs(step) > 0.5 * last_step:
            t_new = 0.5 * (lo + hi)
            last_step = 0.5 * (hi - lo)
        else:
            last_step = abs(step)
        t = t_new
    return 0.5 * (lo + hi)


def rest_step(prop: Propagator, ocv: OcvTables, b: StepCoefficients, a: np.ndarray, duration: float,
              record: bool, elyte: Electrolyte | None = None) -> StepResult:
    """Open circuit for ``duration`` s: one exact propagation (the particle and the pore
    liquid relax)."""
    m = b.idx.size
    zero_i = np.zeros(m)
    curve = None
    if record:
        t = duration * np.linspace(0.0, 1.0, 9)[:, None] * np.ones((1, m))
        ys = prop.surface(a * prop.grid.surface, zero_i, t * b.dtau_per_s)
        ev = None
        if elyte is not None:
            ev, _ = overpotential_V(elyte.grid, elyte.grid.advance(elyte.state, zero_i, t * b.e_dtau_per_s),
                                    zero_i, b.e_concentration_V)
        curve = {"t": t, "v": voltage_V(ocv, b, ys, zero_i, ev), "q": np.zeros_like(t)}
    state = prop.advance(a, b.g_per_A_m2 * zero_i, np.full(m, duration) * b.dtau_per_s)
    e_end = None
    if elyte is not None:
        e_end = elyte.grid.advance(elyte.state, zero_i, np.full(m, duration) * b.e_dtau_per_s)
    return StepResult(zero_i, zero_i.copy(), np.full(m, duration), state, curve, e_end)
