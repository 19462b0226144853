"""The cycling engine: a batch of single-particle half cells run through a protocol.

Physics (equations in ``docs/cycling.md``): the cathode is a single spherical particle
with Fickian solid diffusion (:mod:`lpt.cycling.particle`), symmetric Butler–Volmer
kinetics and its OCV; the anode is Li metal (Butler–Volmer) or Li–In at its plateau; the
SSE separator is ohmic; the two interface ASRs and the cathode utilization come from the
interface hook (:mod:`lpt.cycling.interface_hook`).  This is PyBaMM's half-cell SPM
(Marquis et al., J. Electrochem. Soc. 166 (2019) A3693; Sulzer et al., J. Open Res.
Softw. 9 (2021) 14) with the liquid electrolyte replaced by a single-ion conductor and
two resistive interfaces.

Numerics: all designs advance in lockstep through the protocol's steps, vectorized over
designs; a design that reaches its cut-off waits (masked) until the step ends for all.

- Constant current: the particle is propagated *exactly* in time (exponential
  integrator), so a CC step needs no time steps: the voltage is sampled over a window
  (the step's duration in the previous cycle, else the time to fill or empty the
  particle) to bracket the end, which Newton's method on the exact curve (analytic time
  derivative, bisection when a step leaves the bracket or does not halve) locates to
  1e-13 of the step.  A batch of one design runs the same iteration in plain floats from
  the whole step (NumPy's per-call cost dominates there).  A step ends at its cut-off
  voltage, its time limit, or when the particle surface is full (discharge) or empty
  (charge), like PyBaMM's stoichiometry events.  Energy by Simpson's rule over the exact
  curve.
- Constant voltage: the current is piecewise linear in time; each sub-step solves for the
  end current (safeguarded Newton on the surface lithiation, a scalar per design),
  sub-steps adapt to a ~50 % change of current, and the step ends where the current
  crosses its limit.
- Rest: one exact propagation.
"""

from __future__ import annotations

import math
import time as _time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from lpt.constants import F_C_MOL, R_J_MOLK
from lpt.cycling.cell import OCV_GRID, CellParameters, arrhenius_factor, sse_resistance_ohm_m2
from lpt.cycling.interface_hook import ConstantInterface, InterfaceHook, InterfaceState, interface_state
from lpt.cycling.particle import ParticleGrid, particle_grid
from lpt.cycling.protocol import Current, Protocol, Step, parse_protocol
from lpt.errors import LptError

_SAMPLES = 16  # voltage samples per pass of a constant-current step (the same for any batch size)
_GRID = np.linspace(0.0, 1.0, _SAMPLES + 1)[:, None]
_HOLD_CHANGE = 0.5  # target relative change of the current per constant-voltage sub-step
END_REASONS = ("completed", "voltage_cutoff", "liquid_depleted", "short_circuit", "capacity_threshold")
_Y_EPS = 1e-9
_Y_SURFACE_LIMIT = 1e-6  # a CC step ends when the particle surface is this close to full/empty
_V_TOL = 1e-11  # V: a constant-voltage sub-step's current puts the cell this close to the hold


@dataclass
class CyclingResult:
    """Per-cycle outputs of :func:`simulate`, arrays of shape ``(n_designs, n_cycles)``.

    Cycles a design did not run (it ended earlier) are NaN.  Capacities and energies are
    per gram of active material (all of it, connected or not); ``coulombic_efficiency`` is
    the discharge over the charge capacity of the same cycle (NaN without a charge).
    ``end_reason[i]`` is one of :data:`END_REASONS`:

    - ``completed``: every requested cycle ran;
    - ``voltage_cutoff``: a cycle delivered less than ``min_capacity_fraction`` of the
      nominal capacity (the cell cannot carry the current, e.g. it hits the cut-off at
      once); that cycle is the last one recorded;
    - ``liquid_depleted`` / ``short_circuit``: the interface hook flagged it before a
      cycle, which was then not run;
    - ``capacity_threshold``: the discharge capacity fell below ``capacity_threshold`` ×
      the first cycle's (only when a threshold is given); that cycle is the last one.

    ``initial_lithiation``/``final_lithiation`` are each design's mean lithiation of the
    cathode particle at the start and the end of the run.

    ``curves[cycle]`` (for the cycles asked for) is a list of per-step dicts with arrays
    ``(n_points, n_designs)``: ``capacity_mAh_g`` (charge passed in the step), ``voltage_V``
    and ``time_h`` (from the step start), NaN-padded.
    """

    names: tuple[str, ...]
    protocol: str
    discharge_capacity_mAh_g: np.ndarray
    charge_capacity_mAh_g: np.ndarray
    discharge_capacity_mAh_cm2: np.ndarray
    coulombic_efficiency: np.ndarray
    discharge_energy_mWh_g: np.ndarray
    charge_energy_mWh_g: np.ndarray
    mean_discharge_voltage_V: np.ndarray
    mean_charge_voltage_V: np.ndarray
    asr_anode_ohm_cm2: np.ndarray
    asr_cathode_ohm_cm2: np.ndarray
    utilization: np.ndarray
    liquid_remaining_fraction: np.ndarray
    time_h: np.ndarray
    end_reason: list[str]
    cycles_completed: np.ndarray
    wall_s: float
    initial_lithiation: np.ndarray = field(default_factory=lambda: np.zeros(0))
    final_lithiation: np.ndarray = field(default_factory=lambda: np.zeros(0))
    curves: dict[int, list[dict]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.names)

    def design_record(self, i: int) -> dict:
        """Design ``i`` in the shape of ``lpt simulate --json`` (CONTRACT.md)."""
        cycles = []
        for k in range(int(self.cycles_completed[i])):
            cycles.append({
                "cycle": k + 1,
                "discharge_capacity_mAh_g": float(self.discharge_capacity_mAh_g[i, k]),
                "charge_capacity_mAh_g": float(self.charge_capacity_mAh_g[i, k]),
                "coulombic_efficiency": float(self.coulombic_efficiency[i, k]),
                "mean_discharge_voltage_V": float(self.mean_discharge_voltage_V[i, k]),
                "discharge_energy_mWh_g": float(self.discharge_energy_mWh_g[i, k]),
                "asr_anode_ohm_cm2": float(self.asr_anode_ohm_cm2[i, k]),
                "asr_cathode_ohm_cm2": float(self.asr_cathode_ohm_cm2[i, k]),
                "utilization": float(self.utilization[i, k]),
                "liquid_remaining_fraction": float(self.liquid_remaining_fraction[i, k]),
                "time_h": float(self.time_h[i, k]),
            })
        return {"end_reason": self.end_reason[i], "wall_s": self.wall_s, "cycles": cycles}


@dataclass
class _Active:
    """Derived per-design quantities of the designs running a step (SI)."""

    idx: np.ndarray
    T: np.ndarray
    dtau_per_s: np.ndarray     # D(T)/R²
    g_per_A: np.ndarray        # surface gradient (dimensionless) per A m⁻²
    dy_per_C: np.ndarray       # change of mean lithiation per C m⁻²
    j_per_A: np.ndarray        # particle-surface current density per electrode current density
    half_inv_i0c: np.ndarray   # 1 / (2 i0,c(T)) at y = 0.5, divided by 2 sqrt(y(1-y)) at use
    half_inv_i0a: np.ndarray   # 1 / (2 i0,a(T))
    rt: np.ndarray             # 2RT/F
    r_ohm: np.ndarray          # Ω m²
    ua: np.ndarray
    ocv_base: np.ndarray       # row offset of the design's cathode in the flat OCV table

    def subset(self, rows: np.ndarray) -> "_Active":
        return _Active(**{k: v[rows] for k, v in vars(self).items()})


class _Engine:
    def __init__(self, cells: CellParameters, grid: ParticleGrid):
        self.cells = cells
        self.ocv = cells.ocv
        self.grid = grid
        lam = grid.lam
        self.lam = lam
        inv = np.zeros_like(lam)
        inv[1:] = 1.0 / lam[1:]
        sb = grid.surface * grid.beta
        self.sb0 = sb[0]                       # mass mode: grows linearly in τ
        self.sbl = sb * inv                    # other modes: (e^{λτ} - 1)/λ
        self._g_const = grid.surface_g - self.sbl.sum()
        self.inv_lam = inv
        self.surf_beta = sb
        # plain-float copies for the one-design paths (Python floats beat NumPy calls there)
        self._lam_f = lam.tolist()
        self._sbl_f = self.sbl.tolist()
        n = len(cells)
        self.a = np.zeros((n, grid.n_modes))
        self.anode_C_m2 = cells.anode_capacity_C_m2.copy()
        self.throughput_C_m2 = np.zeros(n)
        self.time_s = np.zeros(n)

    # ----------------------------------------------------------------- set-up
    def active(self, idx: np.ndarray, T: np.ndarray, iface: InterfaceState) -> _Active:
        c = self.cells
        u = np.maximum(iface.utilization[idx], 1e-6)
        R = c.particle_radius_m[idx]
        D = c.diffusivity_m2_s[idx] * arrhenius_factor(c.diffusivity_Ea_eV[idx], T)
        dy_per_C = (c.y_discharged[idx] - c.y_charged[idx]) / (u * c.capacity_C_m2[idx])
        if iface.asr_bulk_ohm_cm2 is not None:
            bulk = iface.asr_bulk_ohm_cm2[idx] * 1e-4
        else:
            bulk = sse_resistance_ohm_m2(c.sse_thickness_m[idx], c.sse_conductivity_S_m[idx], c.sse_Ea_eV[idx], T)
        i0c = c.i0_cathode_A_m2[idx] * arrhenius_factor(c.i0_cathode_Ea_eV[idx], T)
        i0a = c.i0_anode_A_m2[idx] * arrhenius_factor(c.i0_anode_Ea_eV[idx], T)
        return _Active(
            idx=idx, T=T, dtau_per_s=D / R**2,
            g_per_A=R**2 * dy_per_C / (3.0 * D),
            dy_per_C=dy_per_C,
            j_per_A=R / (3.0 * u * c.active_volume_m[idx]),
            half_inv_i0c=0.5 / i0c, half_inv_i0a=0.5 / i0a, rt=2.0 * R_J_MOLK * T / F_C_MOL,
            r_ohm=bulk + (iface.asr_anode_ohm_cm2[idx] + iface.asr_cathode_ohm_cm2[idx]) * 1e-4,
            ua=c.anode_potential_V[idx], ocv_base=c.ocv_index[idx] * OCV_GRID,
        )

    def current_A_m2(self, cur: Current, idx: np.ndarray) -> np.ndarray:
        c = self.cells
        if cur.unit == "C":
            return cur.value * c.capacity_C_m2[idx] / 3600.0
        if cur.unit == "mA_cm2":
            return np.full(idx.size, cur.value * 10.0)
        if cur.unit == "mA_g":
            return cur.value * c.loading_kg_m2[idx]
        return cur.value * 1e-3 / c.area_m2[idx]

    # ----------------------------------------------------------------- physics
    @staticmethod
    def _kinetics(b: _Active, current: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The parts of the voltage fixed by the current: anode + ohmic drop, and the
        cathode's asinh argument times sqrt(y(1-y))."""
        drop = b.ua + b.rt * np.arcsinh(current * b.half_inv_i0a) + current * b.r_ohm
        return drop, 0.5 * current * b.j_per_A * b.half_inv_i0c

    def _volts(self, b: _Active, ys: np.ndarray, drop: np.ndarray, xc_num: np.ndarray) -> np.ndarray:
        u_c = self.ocv.value(b.ocv_base, ys)
        y = np.minimum(np.maximum(ys, _Y_EPS), 1.0 - _Y_EPS)
        return u_c - drop - b.rt * np.arcsinh(xc_num / np.sqrt(y - y * y))

    def voltage(self, b: _Active, ys: np.ndarray, current: np.ndarray, dys_dI=None):
        """Cell voltage at surface lithiation ``ys`` and current (broadcast over rows).

        With ``dys_dI`` also returns dV/dI along ``ys = ys0 + dys_dI · I`` (for Newton).
        """
        drop, xc_num = self._kinetics(b, current)
        if dys_dI is None:
            return self._volts(b, ys, drop, xc_num)
        u_c, slope = self.ocv.lookup(b.ocv_base, ys)
        y = np.minimum(np.maximum(ys, _Y_EPS), 1.0 - _Y_EPS)
        root = np.sqrt(y - y * y)
        xc = xc_num / root
        xa = current * b.half_inv_i0a
        v = u_c - drop - b.rt * np.arcsinh(xc)
        # i₀ depends on ys too: d asinh(xc)/dys = -xc (1-2y) / (2y(1-y)) / sqrt(1+xc²)
        dxc_dys = -xc * (1.0 - 2.0 * y) / (2.0 * (y - y * y))
        dv = ((slope - b.rt * dxc_dys / np.sqrt(1.0 + xc * xc)) * dys_dI
              - b.rt * (0.5 * b.j_per_A * b.half_inv_i0c / root / np.sqrt(1.0 + xc * xc)
                        + b.half_inv_i0a / np.sqrt(1.0 + xa * xa)) - b.r_ohm)
        return v, dv

    def surface_cc(self, a_s: np.ndarray, b: _Active, g: np.ndarray, t: np.ndarray) -> np.ndarray:
        """Surface lithiation after a constant surface gradient ``g`` for times ``t`` (rows);
        ``a_s`` is the modal state times each mode's surface value.

        Modes with ``λ_k τ < -40`` at every sampled ``τ > 0`` have decayed below 1e-17 and
        are left out of the exponentials (the fast modes cost most in large batches);
        samples at ``τ = 0`` keep them exactly.
        """
        dtau = t * b.dtau_per_s
        kk = self.lam.size
        if dtau.size > 256:  # worth it only for large batches
            positive = dtau[dtau > 0]
            if positive.size:
                kk = int(np.count_nonzero(self.lam * positive.min() > -40.0))
        E = np.exp(dtau[..., None] * self.lam[:kk])
        ys = (np.einsum("...k,...k->...", E, a_s[..., :kk])
              + g * (E @ self.sbl[:kk] + (dtau * self.sb0 + self._g_const)))
        if kk < self.lam.size and positive.size < dtau.size:
            fast = a_s[..., kk:].sum(axis=-1) + g * self.sbl[kk:].sum()
            ys = ys + np.where(dtau > 0, 0.0, fast)
        return ys

    def advance_cc(self, a: np.ndarray, b: _Active, current: np.ndarray, t: np.ndarray) -> np.ndarray:
        dtau = t * b.dtau_per_s
        E = np.exp(dtau[:, None] * self.lam)
        p1 = (E - 1.0) * self.inv_lam
        p1[:, 0] = dtau
        return E * a + (b.g_per_A * current)[:, None] * p1 * self.grid.beta

    # ----------------------------------------------------------------- steps
    def cc_step(self, b: _Active, current: np.ndarray, v_cut: float | None, t_limit: float | None,
                record: bool, t_guess: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict | None]:
        """Constant current (signed, discharge > 0) until the cut-off or the time limit.

        The particle is propagated exactly, so the step is found by sampling the voltage
        over a window (the previous cycle's duration of this step, or the time to fill or
        empty the particle), then by safeguarded Newton inside the bracketing interval.
        Returns the charge (C m⁻², signed), the energy (J m⁻², signed like the charge),
        the duration (s) and the sampled curve (if ``record``).
        """
        a = self.a[b.idx]
        m = b.idx.size
        ybar = a @ self.grid.mean
        room = np.where(current > 0, 1.0 - ybar, ybar)
        t_end = np.maximum(room, 0.0) / (np.abs(current) * b.dy_per_C)
        anode = self.anode_C_m2[b.idx]
        if np.isfinite(anode).any():
            t_end = np.where(current > 0, np.minimum(t_end, np.maximum(anode, 0.0) / current), t_end)
        if t_limit is not None:
            t_end = np.minimum(t_end, t_limit)
        a_s = a * self.grid.surface
        g = b.g_per_A * current
        drop, xc_num = self._kinetics(b, current)
        if m == 1:
            t_stop = np.array([self._cc_end_one(b, a_s[0], float(g[0]), float(drop[0]), float(xc_num[0]),
                                                float(current[0]), v_cut, float(t_end[0]),
                                                None if t_guess is None else float(t_guess[0]))])
            return self._cc_finish(b, a, a_s, g, drop, xc_num, current, t_stop, record)

        def pick(rows):
            """The step's per-design quantities for ``rows`` (``None``: every design)."""
            if rows is None:
                return b, a_s, g, drop, xc_num, current
            return b.subset(rows), a_s[rows], g[rows], drop[rows], xc_num[rows], current[rows]

        def margin(t, rows):
            """> 0 while the step may go on: above the cut-off, and the particle surface
            not yet full (discharge) or empty (charge) — as PyBaMM's stoichiometry events.
            ``t`` is (samples, designs)."""
            sub, a_r, g_r, d_r, x_r, c_r = pick(rows)
            ys = self.surface_cc(a_r, sub, g_r, t)
            f = np.where(c_r > 0, 1.0 - _Y_SURFACE_LIMIT - ys, ys - _Y_SURFACE_LIMIT)
            if v_cut is not None:
                f = np.minimum(f, (self._volts(sub, ys, d_r, x_r) - v_cut) * np.sign(c_r))
            return f

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

            t_stop[ref] = _safe_newton(lambda t, r: self._margin_rate(*pick(r), v_cut, t),
                                       rows, b_lo, b_hi, start)
        t_stop[at_once] = 0.0
        return self._cc_finish(b, a, a_s, g, drop, xc_num, current, t_stop, record)

    def _margin_rate(self, b: _Active, a_s, g, drop, xc_num, current, v_cut: float | None,
                     t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The step's margin (see ``cc_step``) and its time derivative, one time per design."""
        tau = t * b.dtau_per_s
        E = np.exp(tau[:, None] * self.lam)
        El = E * self.lam
        ys = np.einsum("ik,ik->i", E, a_s) + g * (E @ self.sbl + tau * self.sb0 + self._g_const)
        dys = (np.einsum("ik,ik->i", El, a_s) + g * (El @ self.sbl + self.sb0)) * b.dtau_per_s
        up = current > 0
        f = np.where(up, 1.0 - _Y_SURFACE_LIMIT - ys, ys - _Y_SURFACE_LIMIT)
        df = np.where(up, -dys, dys)
        if v_cut is not None:
            sg = np.where(up, 1.0, -1.0)
            u_c, slope = self.ocv.lookup(b.ocv_base, ys)
            y = np.minimum(np.maximum(ys, _Y_EPS), 1.0 - _Y_EPS)
            yy = y - y * y
            x = xc_num / np.sqrt(yy)
            dv = slope + b.rt * x * (1.0 - 2.0 * y) / (2.0 * yy) / np.sqrt(1.0 + x * x)
            fv = (u_c - drop - b.rt * np.arcsinh(x) - v_cut) * sg
            lower = fv < f
            f, df = np.where(lower, fv, f), np.where(lower, dv * dys * sg, df)
        return f, df

    def _cc_finish(self, b, a, a_s, g, drop, xc_num, current, t_stop, record):
        """The end of a CC step found: energy (Simpson's rule on an even grid over
        ``[0, t_stop]``), the curve if asked, the new state and the books."""
        n_e = max(_SAMPLES, 100) if record else _SAMPLES
        se = np.linspace(0.0, 1.0, n_e + 1)[:, None] if record else _GRID
        te = se * t_stop
        ve = self._volts(b, self.surface_cc(a_s, b, g, te), drop, xc_num)
        w = np.ones(n_e + 1)
        w[1:-1:2], w[2:-1:2] = 4.0, 2.0
        energy = current * t_stop * (w @ ve) / (3.0 * n_e)
        charge = current * t_stop
        self.a[b.idx] = self.advance_cc(a, b, current, t_stop)
        self._book(b.idx, charge, t_stop)
        curve = {"t": te, "v": ve, "q": np.abs(current) * te} if record else None
        return charge, energy, t_stop, curve

    def _cc_end_one(self, b: _Active, a_s: np.ndarray, g: float, drop: float, xc_num: float,
                    current: float, v_cut: float | None, t_end: float, t_guess: float | None) -> float:
        """The end of a CC step for a batch of one design, in plain Python floats.

        The same margin as the batched path (cut-off voltage, surface full or empty), found
        by Newton's method on the exact curve with its analytic time derivative, safeguarded
        by a bracket (bisection when a Newton step leaves it or stalls).  For one design a
        NumPy call costs more than the arithmetic: one evaluation here is ~16 ``math.exp``
        against ~90 µs for one batched sampling pass.  Both paths converge to 1e-13 of the
        step, so a design gives the same result alone as in a batch (tested to 1e-9).
        Like the batched path's sampling, it relies on the margin crossing zero once in
        the step (under constant current the surface lithiation moves one way).
        """
        k = float(b.dtau_per_s[0])
        coef = [x + g * y for x, y in zip(a_s.tolist(), self._sbl_f)]
        lam = self._lam_f
        lin, c0 = g * float(self.sb0), g * float(self._g_const)
        base = int(b.ocv_base[0])
        flat, rise = self.ocv.flat_list, self.ocv.step_list
        top = OCV_GRID - 1
        rt = float(b.rt[0])
        discharge = current > 0
        sign = 1.0 if discharge else -1.0
        exp, sqrt, asinh = math.exp, math.sqrt, math.asinh

        def margin(t: float) -> tuple[float, float]:
            tau = k * t
            ys = c0 + lin * tau
            dys = lin
            for lk, ck in zip(lam, coef):
                e = ck * exp(lk * tau)
                ys += e
                dys += lk * e
            dys *= k
            if discharge:
                f, df = 1.0 - _Y_SURFACE_LIMIT - ys, -dys
            else:
                f, df = ys - _Y_SURFACE_LIMIT, dys
            if v_cut is None:
                return f, df
            pos = min(max(ys, 0.0), 1.0) * top
            i = int(pos)
            r = rise[base + i]
            u = flat[base + i] + (pos - i) * r
            y = min(max(ys, _Y_EPS), 1.0 - _Y_EPS)
            yy = y - y * y
            x = xc_num / sqrt(yy)
            dv = r * top + rt * x * (1.0 - 2.0 * y) / (2.0 * yy) / sqrt(1.0 + x * x)
            fv = (u - drop - rt * asinh(x) - v_cut) * sign
            if fv < f:
                return fv, dv * dys * sign
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
            if hi - lo <= 1e-13 * hi:
                break
            step = f / df if df < 0.0 else math.inf
            t_new = t - step
            # Newton while it stays inside the bracket and at least halves its steps
            if not lo < t_new < hi or abs(step) > 0.5 * last_step:
                t_new = 0.5 * (lo + hi)
                last_step = 0.5 * (hi - lo)
            else:
                last_step = abs(step)
                if last_step <= 1e-13 * t:
                    return t_new
            t = t_new
        return 0.5 * (lo + hi)

    def hold_step(self, b: _Active, v_hold: float, i_end: np.ndarray | None, t_limit: float | None,
                  record: bool, max_substeps: int = 400) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict | None]:
        """Constant voltage until |I| ≤ ``i_end`` or the time limit.

        The current is linear in time within each sub-step, so the particle is propagated
        exactly for it (second order in the current's curvature); the end current of each
        sub-step is the one that puts the cell at ``v_hold`` (Newton, a scalar per design).
        Sub-steps grow or shrink to change the current by about ``_HOLD_CHANGE``.
        """
        G = self.grid
        a = self.a[b.idx].copy()
        m = b.idx.size
        t_lim = np.inf if t_limit is None else t_limit
        # the current that puts the cell at v_hold at once (state unchanged)
        i0 = self._solve_current(b, a @ G.surface, b.g_per_A * G.surface_g, np.zeros(m), v_hold)
        q_cap = 1.0 / np.abs(b.dy_per_C)  # usable capacity, C m⁻²
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
            E, p1, p2 = self._ramp(h * sub.dtau_per_s)
            ar = a[r]
            ys_free = (E * ar) @ G.surface
            s0 = sub.g_per_A * ((p1 - p2) @ self.surf_beta)           # per A m⁻² at the start
            s1 = sub.g_per_A * (p2 @ self.surf_beta + G.surface_g)   # per A m⁻² at the end
            # guess: the current keeps decaying at the last sub-step's rate
            guess = ip * np.minimum(np.maximum(ratio[r], 0.0), 1.5)
            i1 = self._solve_current(sub, ys_free + ip * s0, s1, guess, v_hold)
            # the step ends inside this sub-step where the (linear) current reaches its limit
            lim = limit[r]
            ends = np.abs(i1) <= lim
            if ends.any():
                frac = (np.abs(ip) - lim) / np.maximum(np.abs(ip) - np.abs(i1), 1e-300)
                frac = np.where(ends, np.minimum(np.maximum(frac, 0.0), 1.0), 1.0)
                i1 = np.where(ends, np.sign(ip) * lim, i1)
                h = h * frac
                E, p1, p2 = self._ramp(h * sub.dtau_per_s)
            g0, g1 = sub.g_per_A * ip, sub.g_per_A * i1
            a[r] = E * ar + (g0[:, None] * (p1 - p2) + g1[:, None] * p2) * G.beta
            charge[r] += 0.5 * (ip + i1) * h
            t_run[r] += h
            rel = np.abs(i1 - ip) / np.maximum(np.abs(ip), 1e-300)
            dt[r] = h * np.minimum(np.maximum(_HOLD_CHANGE / np.maximum(rel, 1e-6), 0.5), 2.5)
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
        self.a[b.idx] = a
        self._book(b.idx, charge, t_run)
        curve = None
        if record:
            t_rec, i_rec = np.array(rec_t), np.array(rec_i)
            q_rec = np.vstack([np.zeros((1, m)), np.cumsum(
                0.5 * (np.abs(i_rec[1:]) + np.abs(i_rec[:-1])) * np.diff(t_rec, axis=0), axis=0)])
            gone = np.isnan(i_rec)
            curve = {"t": np.where(gone, np.nan, t_rec), "v": np.where(gone, np.nan, v_hold),
                     "q": np.where(gone, np.nan, q_rec)}
        return charge, v_hold * charge, t_run, curve

    def _ramp(self, dtau: np.ndarray):
        """Modal responses over ``dtau``: e^{λΔ}, ∫e^{λ(Δ-s)}ds and ∫e^{λ(Δ-s)} s/Δ ds."""
        z = dtau[:, None] * self.lam
        E = np.exp(z)
        p1 = (E - 1.0) * self.inv_lam
        p1[:, 0] = dtau
        d = np.where(dtau > 0, dtau, 1.0)[:, None]
        p2 = (p1 - d) * self.inv_lam / d
        p2[:, 0] = 0.5 * dtau
        return E, p1, p2

    def _solve_current(self, b: _Active, ys_base, dys_dI, guess, v_target, iters: int = 60):
        """The current that puts the cell at ``v_target`` when ``ys = ys_base + dys_dI · I``.

        Solved for the surface lithiation in logit form, ``z = ln(ys/(1-ys))``: V is
        monotone in z and its singularities at an empty or full surface (i₀ → 0) become
        nearly linear, so a safeguarded Newton iteration (bisection fallback on the
        bracket ``|z| ≤ 20.7``) converges in a few steps for every design.  The unknown is
        the offset ``ζ = z − z_base`` from the logit of ``ys_base``, and the change of
        lithiation it makes is computed without cancellation
        (``σ(z_b+ζ) − σ(z_b) = −e^{−z_b} expm1(−ζ) / ((1 + e^{−z_b−ζ})(1 + e^{−z_b}))``):
        with fast diffusion ``dys_dI`` is tiny and ``σ(z) − ys_base`` would resolve the
        current only to ~1e-8 of itself.
        """
        if ys_base.size == 1:
            return np.array([self._solve_current_one(b, float(ys_base[0]), float(dys_dI[0]),
                                                     float(guess[0]), v_target, iters)])
        eps = _Y_EPS
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
            v, dv = self.voltage(b, ys, cur, dys_dI)
            f = v - v_target
            # done: at the voltage (10 pV: Newton converges quadratically, and the one-design
            # path must land on the same current), at the resolution of ζ, or pinned at an
            # empty/full surface (I → 0 there: the bracket closes far from z_base); a design
            # that is done stays put, so its result does not depend on the others
            mag = np.maximum(np.abs(lo), np.abs(hi))
            pinned = hi - lo <= np.where(mag > 1.0, 1e-9, 1e-13 * mag)
            done = stalled | (np.abs(f) < _V_TOL) | pinned
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

    def _solve_current_one(self, b: _Active, ys_base: float, dys_dI: float, guess: float,
                           v_target: float, iters: int) -> float:
        """:meth:`_solve_current` for a batch of one design, in plain floats (the same
        iteration; NumPy's per-call cost dominates at one design)."""
        eps = _Y_EPS
        ua, r_ohm, rt = float(b.ua[0]), float(b.r_ohm[0]), float(b.rt[0])
        hia, hic, jpa = float(b.half_inv_i0a[0]), float(b.half_inv_i0c[0]), float(b.j_per_A[0])
        base = int(b.ocv_base[0])
        flat, rise = self.ocv.flat_list, self.ocv.step_list
        top = OCV_GRID - 1
        asinh, sqrt, exp, expm1, log1p = math.asinh, math.sqrt, math.exp, math.expm1, math.log1p
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
            # the cell voltage and dV/dI along ys = ys_base + dys_dI·I (as `voltage`)
            pos = min(max(ys, 0.0), 1.0) * top
            i = int(pos)
            r = rise[base + i]
            u_c, slope = flat[base + i] + (pos - i) * r, r * top
            y = min(max(ys, eps), 1.0 - eps)
            yy = y - y * y
            root = sqrt(yy)
            xc = 0.5 * cur * jpa * hic / root
            xa = cur * hia
            sc = sqrt(1.0 + xc * xc)
            f = u_c - (ua + rt * asinh(xa) + cur * r_ohm) - rt * asinh(xc) - v_target
            mag = max(abs(lo), abs(hi))
            if abs(f) < _V_TOL or hi - lo <= (1e-9 if mag > 1.0 else 1e-13 * mag):
                break
            dxc_dys = -xc * (1.0 - 2.0 * y) / (2.0 * yy)
            dv = ((slope - rt * dxc_dys / sc) * dys_dI
                  - rt * (0.5 * jpa * hic / root / sc + hia / sqrt(1.0 + xa * xa)) - r_ohm)
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

    def rest_step(self, b: _Active, duration: float, record: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict | None]:
        a = self.a[b.idx]
        m = b.idx.size
        zero_i = np.zeros(m)
        curve = None
        if record:
            t = duration * np.linspace(0.0, 1.0, 9)[:, None] * np.ones((1, m))
            v = self.voltage(b, self.surface_cc(a * self.grid.surface, b, zero_i, t), zero_i)
            curve = {"t": t, "v": v, "q": np.zeros_like(t)}
        self.a[b.idx] = self.advance_cc(a, b, zero_i, np.full(m, duration))
        self.time_s[b.idx] += duration
        return zero_i, zero_i.copy(), np.full(m, duration), curve

    def _book(self, idx, charge, dt):
        self.anode_C_m2[idx] -= charge
        self.throughput_C_m2[idx] += np.abs(charge)
        self.time_s[idx] += dt


def _safe_newton(fun, rows: np.ndarray | None, lo: np.ndarray, hi: np.ndarray, t: np.ndarray,
                 max_iter: int = 200) -> np.ndarray:
    """Root of ``fun(t, rows) -> (f, df/dt)`` in ``[lo, hi]`` for every design at once.

    ``f`` is positive at ``lo`` and ≤ 0 at ``hi``; ``rows=None`` stands for all rows.
    Newton's method while its step stays inside the bracket and at least halves, else
    bisection (Numerical Recipes' ``rtsafe``); each design stops on its own when its
    bracket or its Newton step is below 1e-13 of the time, so its result does not depend
    on the others — and it is the iteration of the one-design path
    (``_Engine._cc_end_one``).  Regula falsi is slow here: near the end of a step the
    voltage falls almost singularly (the surface fills and i₀ → 0), and it crept towards
    such cliffs by 1e-3 of the bracket per iteration.
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
        tight = ~exact & (hi - lo <= 1e-13 * hi)
        small = ~exact & ~tight & ~bisect & (last <= 1e-13 * t)
        done = exact | tight | small
        out[todo] = np.where(exact, t, np.where(tight, 0.5 * (lo + hi), t_new))
        if done.all():
            break
        keep = ~done
        todo, lo, hi, t, last = todo[keep], lo[keep], hi[keep], t_new[keep], last[keep]
        rows = todo if rows is None else rows[keep]
    return out


def _temperatures(temperature_K, cells: CellParameters) -> np.ndarray:
    if temperature_K is None:
        return cells.temperature_K.copy()
    T = np.asarray(temperature_K, float)
    try:
        T = np.broadcast_to(T, (len(cells),)).copy()
    except ValueError:
        raise LptError(f"temperature_K has {T.size} values but the batch has {len(cells)} designs.") from None
    if not np.all((T > 150) & (T < 500)):
        raise LptError("temperature_K must be between 150 and 500 K for every design.")
    return T


def _initial_lithiation(initial_state, cells: CellParameters, proto: Protocol) -> np.ndarray:
    if initial_state is None:
        initial_state = "discharged" if proto.first_current_kind == "charge" else "charged"
    if isinstance(initial_state, str):
        if initial_state == "charged":
            return cells.y_charged.copy()
        if initial_state == "discharged":
            return cells.y_discharged.copy()
        raise LptError(f"initial_state '{initial_state}' is not allowed; use 'charged', 'discharged' "
                       f"or a lithiation fraction between 0 and 1.")
    y = np.broadcast_to(np.asarray(initial_state, float), (len(cells),)).copy()
    if not np.all((y > 0) & (y < 1)):
        raise LptError("initial_state lithiation fractions must be between 0 and 1.")
    return y


def simulate(
    cells: CellParameters,
    protocol: str | Sequence[str] | Protocol,
    n_cycles: int,
    interface_hook: InterfaceHook | None = None,
    temperature_K=None,
    progress: Callable[[int, int], None] | None = None,
    *,
    initial_state: str | float | np.ndarray | None = None,
    capacity_threshold: float | None = None,
    min_capacity_fraction: float = 0.01,
    record_cycles: Sequence[int] = (),
    hook_every_step: bool = False,
    n_shells: int = 16,
) -> CyclingResult:
    """Cycle a batch of cells through a protocol; vectorized over designs.

    Parameters
    ----------
    cells : per-design parameters (:func:`lpt.cycling.cell_parameters`,
        :func:`lpt.cycling.cells_from_designs`).
    protocol : step sentences (see :mod:`lpt.cycling.protocol`), repeated every cycle.
    n_cycles : number of cycles to run (a design may end earlier, see ``end_reason``).
    interface_hook : called before every cycle for ASRs, utilization and liquid state (see
        :mod:`lpt.cycling.interface_hook`); default: no interface resistance, full utilization.
    temperature_K : scalar or per design; default the cells' (design) temperature.  A step
        ending in "at 55 C" overrides it for that step.
    progress : ``progress(cycles_done, n_cycles)`` after every cycle (for a progress bar).
    initial_state : "charged" (lithiation at the KB upper cut-off), "discharged", or a
        lithiation fraction; default: charged if the protocol starts with a discharge.
    capacity_threshold : end a design once its discharge capacity falls below this
        fraction of its first cycle's (e.g. 0.8); ``None``: never.
    min_capacity_fraction : a cycle delivering less than this fraction of the nominal
        capacity ends the design with ``voltage_cutoff``.
    record_cycles : cycles (1-based) whose voltage curves are kept in ``result.curves``.
    hook_every_step : also call the hook before every step after the first (sub-cycle
        interface evolution).
    n_shells : radial shells of the particle grid (16: surface lithiation within ~0.1 %
        of the diffusion polarization, see docs/cycling.md).

    Returns
    -------
    CyclingResult
    """
    t_wall = _time.perf_counter()
    proto = parse_protocol(protocol)
    if isinstance(n_cycles, bool) or not isinstance(n_cycles, (int, np.integer)) or n_cycles < 1:
        raise LptError(f"the number of cycles must be a whole number of at least 1, got {n_cycles!r}.")
    if capacity_threshold is not None and not 0.0 < capacity_threshold < 1.0:
        raise LptError(f"capacity_threshold must be a fraction between 0 and 1, got {capacity_threshold!r}.")
    n = len(cells)
    hook = interface_hook if interface_hook is not None else ConstantInterface()
    T_base = _temperatures(temperature_K, cells)
    eng = _Engine(cells, particle_grid(n_shells))
    y_start = _initial_lithiation(initial_state, cells, proto)
    eng.a[:] = eng.grid.state(y_start)
    record_cycles = {int(c) for c in record_cycles}

    all_idx = np.arange(n)
    step_current = [None if s.current is None else eng.current_A_m2(s.current, all_idx) for s in proto.steps]
    cc = [step_current[i] for i, s in enumerate(proto.steps) if s.is_current_step]
    cycle_current_mA_cm2 = np.max(cc, axis=0) / 10.0 if cc else np.zeros(n)
    step_T = [np.full(n, s.temperature_K) if s.temperature_K is not None else T_base for s in proto.steps]
    has_discharge = any(s.kind == "discharge" for s in proto.steps)

    keys = ("discharge_capacity_mAh_g", "charge_capacity_mAh_g", "discharge_capacity_mAh_cm2",
            "coulombic_efficiency", "discharge_energy_mWh_g", "charge_energy_mWh_g",
            "mean_discharge_voltage_V", "mean_charge_voltage_V", "asr_anode_ohm_cm2",
            "asr_cathode_ohm_cm2", "utilization", "liquid_remaining_fraction", "time_h")
    out = {k: np.full((n, n_cycles), np.nan) for k in keys}
    end_reason = np.array(["completed"] * n, dtype=object)
    alive = np.ones(n, bool)
    completed = np.zeros(n, int)
    per_g = 1.0 / (cells.loading_kg_m2 * 1e3 * 3.6)  # C m⁻² → mAh g⁻¹
    curves: dict[int, list[dict]] = {}
    last_duration: list[np.ndarray | None] = [None] * len(proto.steps)
    hook_cache: dict = {}
    active_cache: dict = {}

    def call_hook(cycle: int, T: np.ndarray) -> InterfaceState:
        raw_id = hook_cache.get("raw_id")
        st = interface_state(hook, n, cycle=cycle, charge_passed_mAh_cm2=eng.throughput_C_m2 / 36000.0,
                             time_h=eng.time_s / 3600.0, current_density_mA_cm2=cycle_current_mA_cm2,
                             temperature_K=T, previous=hook_cache)
        if hook_cache.get("raw_id") != raw_id:
            active_cache.clear()
        if st.li_consumed_mAh_cm2 is not None:
            # Li turned into SEI (or other side products) leaves the anode's inventory
            used = st.li_consumed_mAh_cm2
            eng.anode_C_m2 -= np.maximum(used - hook_cache.get("li_used", 0.0), 0.0) * 36000.0
            hook_cache["li_used"] = used
        return st

    for cycle in range(1, n_cycles + 1):
        iface = call_hook(cycle, step_T[0])
        stop = alive & (iface.short_circuit | iface.liquid_depleted)
        if stop.any():
            end_reason[stop & iface.liquid_depleted] = "liquid_depleted"
            end_reason[stop & iface.short_circuit] = "short_circuit"
            alive &= ~stop
            active_cache.clear()
        if not alive.any():
            break
        k = cycle - 1
        idx = np.flatnonzero(alive)
        m = idx.size
        sel = slice(None) if m == n else idx  # plain slices are cheaper when all designs run
        for key in ("asr_anode_ohm_cm2", "asr_cathode_ohm_cm2", "utilization", "liquid_remaining_fraction"):
            out[key][sel, k] = getattr(iface, key)[sel]
        q_dis, q_ch, e_dis, e_ch = np.zeros(m), np.zeros(m), np.zeros(m), np.zeros(m)
        record = cycle in record_cycles
        rec_steps = []
        for si, step in enumerate(proto.steps):
            if hook_every_step and si > 0:
                iface = call_hook(cycle, step_T[si])
            key = (si, id(iface))
            b = active_cache.get(key)
            if b is None:
                b = active_cache[key] = eng.active(idx, step_T[si][idx], iface)
            if step.is_current_step:
                cur = step_current[si][idx] * (1.0 if step.kind == "discharge" else -1.0)
                guess = last_duration[si]
                q, e, dur, curve = eng.cc_step(b, cur, step.voltage_V, step.duration_s, record,
                                               None if guess is None or guess.size != m else guess)
                last_duration[si] = dur
            elif step.kind == "hold":
                i_end = None if step_current[si] is None else step_current[si][idx]
                q, e, dur, curve = eng.hold_step(b, step.voltage_V, i_end, step.duration_s, record)
            else:
                q, e, dur, curve = eng.rest_step(b, step.duration_s, record)
            pos = q > 0
            q_dis += np.where(pos, q, 0.0)
            q_ch -= np.where(pos, 0.0, q)
            e_dis += np.where(pos, e, 0.0)
            e_ch -= np.where(pos, 0.0, e)
            if record:
                rec_steps.append(_curve_for_batch(step, si, curve, idx, n, per_g))
        if record:
            curves[cycle] = rec_steps
        pg = per_g[sel]
        out["discharge_capacity_mAh_g"][sel, k] = q_dis * pg
        out["charge_capacity_mAh_g"][sel, k] = q_ch * pg
        out["discharge_capacity_mAh_cm2"][sel, k] = q_dis / 36000.0
        with np.errstate(divide="ignore", invalid="ignore"):
            out["coulombic_efficiency"][sel, k] = np.where(q_ch > 0, q_dis / q_ch, np.nan)
            out["mean_discharge_voltage_V"][sel, k] = np.where(q_dis > 0, e_dis / q_dis, np.nan)
            out["mean_charge_voltage_V"][sel, k] = np.where(q_ch > 0, e_ch / q_ch, np.nan)
        out["discharge_energy_mWh_g"][sel, k] = e_dis * pg
        out["charge_energy_mWh_g"][sel, k] = e_ch * pg
        out["time_h"][sel, k] = eng.time_s[sel] / 3600.0
        completed[idx] = cycle

        ended = np.zeros(m, bool)
        if has_discharge:
            dead = q_dis < min_capacity_fraction * cells.capacity_C_m2[idx]
            end_reason[idx[dead]] = "voltage_cutoff"
            ended |= dead
        if capacity_threshold is not None and cycle > 1:
            low = ~ended & (q_dis * pg < capacity_threshold * out["discharge_capacity_mAh_g"][idx, 0])
            end_reason[idx[low]] = "capacity_threshold"
            ended |= low
        if ended.any():
            alive[idx[ended]] = False
            active_cache.clear()
            keep = ~ended
            last_duration = [None if d is None else d[keep] for d in last_duration]
        if progress is not None:
            progress(cycle, n_cycles)
        if not alive.any():
            break

    return CyclingResult(
        names=cells.name, protocol=str(proto), end_reason=end_reason.tolist(),
        cycles_completed=completed, wall_s=_time.perf_counter() - t_wall, curves=curves,
        initial_lithiation=y_start, final_lithiation=eng.a @ eng.grid.mean, **out)


def _curve_for_batch(step: Step, si: int, curve: dict | None, idx: np.ndarray, n: int, per_g: np.ndarray) -> dict:
    rows = curve["t"].shape[0]
    full = {k: np.full((rows, n), np.nan) for k in ("t", "v", "q")}
    for k in full:
        full[k][:, idx] = curve[k]
    return {"step": si + 1, "kind": step.kind, "text": step.text,
            "time_h": full["t"] / 3600.0, "voltage_V": full["v"],
            "capacity_mAh_g": full["q"] * per_g[None, :]}
