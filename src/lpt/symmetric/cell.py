"""Li|SSE|Li symmetric cells: plating/stripping over time, CCD ramps (docs/model.md §7).

Each design has two Li|SSE interfaces, the working side (``[interfaces.anode]``) and the
counter side (``[interfaces.counter]``, the same treatment by default). Both are Li sides
of the interface model: the batch's inputs hold ``2 n`` rows (working sides, then counter
sides), built through :func:`lpt.interface.build_inputs` on each side's half cell.

A half-cycle strips Li from one side and plates it on the other. Per step:

- the stripping side's contacts lose retention where the Li supply cannot follow the
  current at the contact spots (:func:`~lpt.interface.mechanisms.li_metal.evolve_retention`),
  the other side's voids close by creep;
- the plating side shorts when the charge-transfer overpotential at its contacts reaches
  the flaw's critical overpotential (Porz et al. 2017);
- the cell voltage is ``± i (R_bulk + ASR_working + ASR_counter)``, plus the salt's
  concentration overpotential for a salt-in-polymer separator (:mod:`lpt.symmetric.salt`,
  which also ends the run at Sand's time); the contact is lost when it passes the cycler's
  limit;
- interphases (SEI, SLEI, MCI) grow through :func:`lpt.interface.advance`, called on a
  schedule that follows their parabolic growth (its growth laws are exact over any interval).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace

import numpy as np

from lpt.constants import ZERO_CELSIUS_K, arrhenius
from lpt.design import Cathode, Design, Interface
from lpt.errors import LptError
from lpt.interface import advance, build_inputs, initial_state
from lpt.interface.mechanisms import SideView
from lpt.interface.mechanisms.contact import constriction_asr, spot_radius_cm
from lpt.interface.mechanisms.li_metal import (
    MIN_RETENTION, critical_flaw_size_cm, evolve_retention, flaw_overpotential_V, griffith_overpotential_V_m05,
    leak_extension_cm_per_V_h, li_side_terms, liquid_ratio, plating_overpotential_V, side_supply_mA_cm2,
)
from lpt.parameters import parameters
from lpt.symmetric.protocol import SymmetricProtocol, parse_symmetric_protocol
from lpt.symmetric.salt import salt_layer

# The interface model's Li side reads nothing of the cathode; a half cell carries this
# stand-in so that the one design → arrays path serves symmetric cells too.
_STAND_IN_CATHODE = Cathode(material="LFP", loading_mg_cm2=1.0, thickness_um=10.0)
RAMP_CYCLE_CAP = 2000           # a ramp "until short" that never fails stops here
CHUNK_H = 1.0                   # a longer step is followed in pieces of at most this (voids, voltage)
LOCATE_ITERATIONS = 12          # bisections that place a contact loss inside its piece (1/4096 of it, < 1 s)
TRACE_POINTS = 2000
END_REASONS = ("completed", "short_circuit", "contact_lost")


def half_cells(design: Design, untreated: bool = False) -> tuple[Design, Design]:
    """The working and counter Li|SSE interfaces of a symmetric design, each as the anode
    side of a stand-in full cell."""
    if not design.symmetric:
        raise LptError(f"{design.source}: '{design.name}' is a full cell; symmetric-cell runs need "
                       f"cell = \"symmetric\" (Li|SSE|Li, no [cathode]).")
    d = design.untreated() if untreated else design
    counter = d.counter_interface if d.counter_interface is not None else d.anode_interface
    base = replace(d, cell="full", cathode=_STAND_IN_CATHODE, cathode_interface=Interface(), counter_interface=None)
    return replace(base, anode_interface=d.anode_interface), replace(base, anode_interface=counter)


@dataclass(frozen=True)
class LiSideTerms:
    """What the fast loop reads of the 2 n Li sides (refreshed as the interphases grow)."""

    view: SideView
    as_assembled: np.ndarray
    r_solid: np.ndarray
    r_liquid: np.ndarray
    wet: np.ndarray
    charge_transfer: np.ndarray
    sigma_S_cm: np.ndarray
    bulk_ohm_cm2: np.ndarray
    supply_mA_cm2: np.ndarray
    creep_mA_cm2: np.ndarray
    griffith_V_m05: np.ndarray            # K_IC / Y · V_m / F (Porz et al. 2017)
    flaw_size_cm: np.ndarray
    leak_cm_per_V_h: np.ndarray           # flaw growth by electronic leakage (Han et al. 2019)
    ratio: np.ndarray                     # r_s / r_l
    spot_radius_cm: np.ndarray            # at full contact (Li: grows as sqrt(phi))
    spots_grow: np.ndarray

    def contact_fraction(self, retention: np.ndarray) -> np.ndarray:
        return self.as_assembled * retention

    def take(self, rows: np.ndarray) -> LiSideTerms:
        """The same terms for the Li sides ``rows`` only (the view is kept whole)."""
        return replace(self, **{f.name: getattr(self, f.name)[rows] for f in fields(self) if f.name != "view"})

    def onset_hours(self, eta_V: np.ndarray, extension_cm: np.ndarray, rows) -> np.ndarray:
        """Plating time at the overpotential ``eta_V`` after which the flaw of ``rows``, lengthened by
        electronic leakage at (V_m/F) σ_e η / c per hour (eq. 15), reaches the depth whose Griffith
        threshold is η: c* = (K_IC/Y · V_m/F / η)² / π (∞ for an SSE that conducts no electrons)."""
        c_star_cm = critical_flaw_size_cm(self.griffith_V_m05[rows], eta_V)
        rate = self.leak_cm_per_V_h[rows] * np.asarray(eta_V, float)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(rate > 0, (c_star_cm - self.flaw_size_cm[rows] - extension_cm) / rate, np.inf)

    def asr_ohm_cm2(self, retention: np.ndarray) -> np.ndarray:
        """Constriction + solid ‖ liquid path of each Li side (docs/model.md eq. 1)."""
        f_c = self.contact_fraction(retention)
        f_w = (1.0 - f_c) * self.wet
        with np.errstate(divide="ignore", invalid="ignore"):
            g = f_c / np.maximum(self.r_solid, 1e-12) + np.where(f_w > 0, f_w / self.r_liquid, 0.0)
            network = np.where(g > 0, 1.0 / g, np.inf)
        phi = f_c + f_w
        a = np.where(self.spots_grow, self.spot_radius_cm * np.sqrt(phi), self.spot_radius_cm)
        return constriction_asr(self.sigma_S_cm, phi, a) + network

    def plating_overpotential_V(self, current_mA_cm2, retention):
        """Charge-transfer overpotential at the contacts of a plating side (mA cm⁻² × Ω cm² = mV)."""
        return plating_overpotential_V(current_mA_cm2, self.as_assembled, retention, self.ratio, self.wet,
                                       self.charge_transfer)

    def critical_overpotential_V(self, extension_cm: np.ndarray, rows=slice(None)) -> np.ndarray:
        """Porz's threshold for the flaw lengthened by Li deposited inside the SSE (eq. 14–15)."""
        return flaw_overpotential_V(self.griffith_V_m05[rows], self.flaw_size_cm[rows] + extension_cm)


def cell_voltage_V(sign, current_mA_cm2, bulk_ohm_cm2, asr_working, asr_counter, eta_salt_V):
    """``± i (R_bulk + ASR_working + ASR_counter)`` plus the salt's concentration overpotential
    (plating onto the working side is negative; mA cm⁻² × Ω cm² = mV)."""
    return sign * current_mA_cm2 * 1e-3 * (bulk_ohm_cm2 + asr_working + asr_counter) + eta_salt_V


def contact_lost(voltage_V, limit_V, retention_working, retention_counter):
    """The run ends by contact loss: the cycler's limit is passed or a side's retention is at its floor."""
    floor = MIN_RETENTION * 1.0001
    return (np.abs(voltage_V) > limit_V) | (retention_working <= floor) | (retention_counter <= floor)


def li_terms(x, st, temperature_K: np.ndarray) -> LiSideTerms:
    v = SideView(x, "anode", x.anode, st.anode, temperature_K)
    t = li_side_terms(v)
    sigma = x.sse_sigma_S_cm * arrhenius(x.sse_Ea_eV, temperature_K)
    supply, creep = side_supply_mA_cm2(x, temperature_K)
    ones = np.ones_like(temperature_K)
    full = spot_radius_cm(v, ones)             # Li: spacing / sqrt(pi); a = full · sqrt(phi)
    return LiSideTerms(v, t["as_assembled"], t["r_solid"], t["r_liquid"], t["wet"], t["charge_transfer"],
                       sigma, x.sse_thickness_cm / sigma, supply, creep,
                       griffith_overpotential_V_m05(x.sse_fracture_toughness_MPa_m05), x.sse_flaw_size_cm,
                       leak_extension_cm_per_V_h(x.sse_electronic_S_cm, x.sse_flaw_size_cm),
                       liquid_ratio(t["r_solid"], t["r_liquid"]), full, np.asarray(x.anode.li_metal, bool))


@dataclass(frozen=True)
class SymmetricResult:
    """Per design (arrays of length n; per-cycle arrays n × cycles, NaN after the end)."""

    protocol: str
    end_reason: np.ndarray
    failure_current_mA_cm2: np.ndarray    # current of the step that ended the run (NaN: completed)
    time_h: np.ndarray                    # time run
    cycles_completed: np.ndarray
    current_mA_cm2: np.ndarray            # per cycle
    overpotential_V: np.ndarray           # per cycle: largest |V|
    asr_working_ohm_cm2: np.ndarray
    asr_counter_ohm_cm2: np.ndarray
    contact_working: np.ndarray
    contact_counter: np.ndarray
    trace_time_h: np.ndarray              # (points,)
    trace_voltage_V: np.ndarray           # (n, points)
    wall_s: float

    def design_record(self, k: int) -> dict:
        """One design as docs/cli.md's `lpt simulate SYM.toml --json`."""
        done = int(self.cycles_completed[k])
        ran = np.isfinite(self.overpotential_V[k])
        cycles = [{"cycle": c + 1, "current_mA_cm2": float(self.current_mA_cm2[k, c]),
                   "overpotential_V": float(self.overpotential_V[k, c]),
                   "asr_anode_ohm_cm2": float(self.asr_working_ohm_cm2[k, c]),
                   "asr_counter_ohm_cm2": float(self.asr_counter_ohm_cm2[k, c]),
                   "contact_fraction": float(self.contact_working[k, c]),
                   "contact_fraction_counter": float(self.contact_counter[k, c])}
                  for c in np.flatnonzero(ran)]
        v = self.trace_voltage_V[k]
        keep = np.isfinite(v)
        return {"cell": "symmetric", "protocol": self.protocol, "end_reason": str(self.end_reason[k]),
                "wall_s": self.wall_s, "cycles_completed": done, "time_run_h": float(self.time_h[k]),
                "failure_current_mA_cm2": float(self.failure_current_mA_cm2[k]),
                "cycles": cycles, "time_h": self.trace_time_h[keep].tolist(), "voltage_V": v[keep].tolist()}


def _cycles_to_run(protocol: SymmetricProtocol, cycles: int | None) -> int:
    if cycles is not None:
        return int(cycles)
    return protocol.max_cycles() or RAMP_CYCLE_CAP


def _chunks(prot: SymmetricProtocol, cycle: int):
    """The cycle's steps as (step, current, hours, first piece of its step), long steps in pieces."""
    for step in prot.steps:
        i = prot.current(step, cycle)
        dur = step.duration_h(i) if i > 0 else step.hours
        pieces = max(1, int(np.ceil(dur / CHUNK_H - 1e-9)))
        for k in range(pieces):
            yield step, i, dur / pieces, k == 0


def simulate_symmetric(designs: Sequence[Design], protocol, cycles: int | None = None, *,
                       temperature_C: float | None = None, untreated: bool = False,
                       progress=None) -> SymmetricResult:
    """Run ``protocol`` (sentences, :mod:`lpt.symmetric.protocol`) on symmetric designs.

    ``cycles``: how many times the protocol's steps repeat (a ramp with an end, or "until
    short", runs until its end or :data:`RAMP_CYCLE_CAP` when not given). ``progress``, if
    given, is called after each cycle with (designs finished, designs).
    """
    wall0 = time.perf_counter()
    prot = parse_symmetric_protocol(protocol)
    n_cycles = _cycles_to_run(prot, cycles)
    if not 1 <= n_cycles <= 100_000:
        raise LptError(f"cycles must be between 1 and 100000, got {n_cycles}.")
    designs = list(designs)
    n = len(designs)
    halves = [half_cells(d, untreated) for d in designs]
    x = build_inputs([h[0] for h in halves] + [h[1] for h in halves])
    T = x.temperature_K if temperature_C is None else np.full(2 * n, temperature_C + ZERO_CELSIUS_K)
    P = parameters()
    st = initial_state(x)
    rho = np.ones(2 * n)
    working, counter = np.arange(n), np.arange(n, 2 * n)
    terms = li_terms(x, st, T)
    # the cycler's limit: the design's [cycling] voltage_limit_V, else the parameter's
    v_limit = np.array([d.cycling.voltage_limit_V or P.symmetric_voltage_limit_V for d in designs])
    salt = salt_layer(designs, T[:n])           # a salt-in-polymer separator polarizes (t⁺ < 1)
    modes = salt.initial() if salt.active.any() else None
    eta_salt = 0.0                              # a uniform salt: no concentration overpotential

    alive = np.ones(n, bool)
    end_reason = np.full(n, "completed", dtype=object)
    fail_i = np.full(n, np.nan)
    t_run = np.zeros(n)
    t_now, t_refresh, t_next = 0.0, 0.0, 0.5
    stripped = np.zeros(2 * n)
    extension = np.zeros(2 * n)             # Li deposited inside the SSE ahead of each side's flaw
    crit = terms.critical_overpotential_V(extension)
    shape = (n, n_cycles)
    rec = {k: np.full(shape, np.nan) for k in ("i", "eta", "asr_w", "asr_c", "f_w", "f_c")}
    trace_t: list[float] = []
    trace_v: list[np.ndarray] = []
    last_i = 0.0

    def refresh(now: float) -> None:
        nonlocal st, terms, t_refresh, stripped
        dt = now - t_refresh
        if dt <= 0:
            return
        aged = advance(x, replace(st, anode=replace(st.anode, contact_retention=rho)), dt, temperature_K=T,
                       strip_mAh_cm2=stripped, current_mA_cm2=last_i)
        st = replace(aged, anode=replace(aged.anode, contact_retention=rho))
        terms = li_terms(x, st, T)
        t_refresh, stripped = now, np.zeros(2 * n)

    def loss_hours(k, rho0, strips, i, dur, sign, salt0, salt1) -> np.ndarray:
        """Hours into a piece at which designs ``k`` lose their contact (a side's retention at
        its floor, or the cell voltage past the cycler's limit), by bisection on the piece's
        duration: eq. (13) from the piece's start for a shorter time; the salt's overpotential
        is taken linear over the piece."""
        rows, m = np.concatenate([k, k + n]), len(k)
        sub, r0, s = terms.take(rows), rho0[rows], strips[rows]
        e0, e1 = (np.broadcast_to(np.asarray(e, float), (n,))[k] for e in (salt0, salt1))
        lo, hi = np.zeros(m), np.full(m, dur)
        for _ in range(LOCATE_ITERATIONS):
            mid = 0.5 * (lo + hi)
            tau = np.concatenate([mid, mid])
            r = evolve_retention(r0, strip_h=np.where(s, tau, 0.0), recover_h=np.where(s, 0.0, tau), current_mA_cm2=i,
                                 as_assembled=sub.as_assembled, ratio=sub.ratio, wet=sub.wet,
                                 supply_mA_cm2=sub.supply_mA_cm2, creep_mA_cm2=sub.creep_mA_cm2)
            a = sub.asr_ohm_cm2(r)
            v = cell_voltage_V(sign, i, sub.bulk_ohm_cm2[:m], a[:m], a[m:], e0 + (e1 - e0) * mid / dur)
            gone = contact_lost(v, v_limit[k], r[:m], r[m:])
            hi, lo = np.where(gone, mid, hi), np.where(gone, lo, mid)
        return hi

    completed = np.zeros(n, int)
    asr = terms.asr_ohm_cm2(rho)
    for cycle in range(1, n_cycles + 1):
        eta_max = np.zeros(n)
        ran = alive.copy()                  # designs that start this cycle
        for step, i, dur, first in _chunks(prot, cycle):
            if t_now >= t_next:
                refresh(t_now)
                t_next = t_now + min(max(0.15 * t_now, 0.5), 24.0)
                asr = terms.asr_ohm_cm2(rho)
            rows_alive = np.concatenate([alive, alive])
            strips = np.zeros(2 * n, bool)
            if step.kind == "plate":      # Li onto the working side, off the counter side
                strips[counter] = True
            elif step.kind == "strip":
                strips[working] = True
            sign = {"plate": -1.0, "strip": 1.0, "rest": 0.0}[step.kind]
            v_start = cell_voltage_V(sign, i, terms.bulk_ohm_cm2[working], asr[working], asr[counter], eta_salt)
            # dendrite onset on the plating side: its overpotential is largest at the start (its
            # voids only close while plating); its flaw grows while plating (electronic leakage)
            if i > 0:
                side = counter if step.kind == "strip" else working
                eta = terms.plating_overpotential_V(i, rho)[side]
                grown = extension[side] + terms.leak_cm_per_V_h[side] * eta * dur
                crit_end = terms.critical_overpotential_V(grown, side)
                at_start = alive & (eta >= crit[side]) & first
                short = at_start | (alive & (eta >= crit_end))
                end_reason[short] = "short_circuit"
                fail_i[short] = i
                # a flaw that leakage lengthens fails at the moment it reaches its critical depth
                grew = short & ~at_start
                if grew.any():
                    into = np.clip(terms.onset_hours(eta, extension[side], side), 0.0, dur)
                    t_run = np.where(grew, t_run + into, t_run)
                alive &= ~short
                rows_alive = np.concatenate([alive, alive])
                extension[side] = np.where(alive, grown, extension[side])
                crit[side] = np.where(alive, crit_end, crit[side])
            rho_start, salt_start = rho, eta_salt
            new_rho = evolve_retention(rho, strip_h=np.where(strips, dur, 0.0), recover_h=np.where(strips, 0.0, dur),
                                       current_mA_cm2=i, as_assembled=terms.as_assembled, ratio=terms.ratio,
                                       wet=terms.wet, supply_mA_cm2=terms.supply_mA_cm2,
                                       creep_mA_cm2=terms.creep_mA_cm2)
            rho = np.where(rows_alive, new_rho, rho)
            stripped = stripped + np.where(strips & rows_alive, i * dur, 0.0)
            asr = terms.asr_ohm_cm2(rho)
            sand = np.zeros(n, bool)
            if modes is not None:
                after = np.where(alive[:, None], salt.advance(modes, sign * i, dur), modes)
                sand = alive & salt.depleted(after)     # Sand's time: dendrites from here on
                if sand.any():                          # the run ends at the moment the salt runs out
                    frac = salt.depletion_fraction(modes, sign * i, dur)
                    t_run = np.where(sand, t_run + frac * dur, t_run)
                    end_reason[sand] = "short_circuit"
                    fail_i[sand] = i
                    alive &= ~sand
                modes = after
                eta_salt = salt.overpotential_V(modes)
            v_end = cell_voltage_V(sign, i, terms.bulk_ohm_cm2[working], asr[working], asr[counter], eta_salt)
            lost = alive & contact_lost(v_end, v_limit, rho[working], rho[counter])
            end_reason[lost] = "contact_lost"
            fail_i[lost] = i
            ended = lost | sand                   # the voltage that ended the run is recorded
            eta_max = np.where(alive | ended, np.maximum(eta_max, np.maximum(np.abs(v_start), np.abs(v_end))), eta_max)
            ran_h = np.full(n, dur)
            if lost.any():                        # the contact is lost at a moment inside the piece
                k = np.flatnonzero(lost)
                ran_h[k] = loss_hours(k, rho_start, strips, i, dur, sign, salt_start, eta_salt)
            t_run = np.where(alive, t_run + ran_h, t_run)
            alive &= ~lost
            trace_t += [t_now, t_now + dur]
            trace_v += [np.where(alive | ended, v_start, np.nan), np.where(alive | ended, v_end, np.nan)]
            t_now += dur
            last_i = i
        c = cycle - 1
        f_c = terms.contact_fraction(rho)
        for key, val in (("i", np.full(n, prot.current(next(s for s in prot.steps if s.kind != "rest"), cycle))),
                         ("eta", eta_max), ("asr_w", asr[working]), ("asr_c", asr[counter]),
                         ("f_w", f_c[working]), ("f_c", f_c[counter])):
            rec[key][:, c] = np.where(ran, val, np.nan)
        completed = np.where(alive, cycle, completed)
        if progress is not None:
            progress(n if cycle == n_cycles else int(n - alive.sum()), n)
        if not alive.any():
            break
    t_arr = np.asarray(trace_t)
    v_arr = np.stack(trace_v, axis=1) if trace_v else np.zeros((n, 0))
    if len(t_arr) > TRACE_POINTS:
        pick = np.unique(np.linspace(0, len(t_arr) - 1, TRACE_POINTS).astype(int))
        t_arr, v_arr = t_arr[pick], v_arr[:, pick]
    return SymmetricResult(str(prot), end_reason.astype(str), fail_i, t_run, completed, rec["i"], rec["eta"],
                           rec["asr_w"], rec["asr_c"], rec["f_w"], rec["f_c"], t_arr, v_arr,
                           time.perf_counter() - wall0)
