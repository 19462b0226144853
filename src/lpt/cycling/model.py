"""The cycling engine: a batch of single-particle half cells run through a protocol.

Physics (equations in ``docs/cycling.md``): the cathode is a single spherical particle
with Fickian solid diffusion (:mod:`lpt.cycling.particle`), symmetric Butler–Volmer
kinetics and its OCV (:mod:`lpt.cycling.voltage`, :mod:`lpt.cycling.ocv`); the anode is
Li metal (Butler–Volmer) or Li–In at its plateau; the SSE separator is ohmic; the two
interface ASRs and the cathode utilization come from the interface hook
(:mod:`lpt.cycling.interface_hook`).  This is PyBaMM's half-cell SPM (Marquis et al.,
J. Electrochem. Soc. 166 (2019) A3693; Sulzer et al., J. Open Res. Softw. 9 (2021) 14)
with the liquid electrolyte replaced by a single-ion conductor and two resistive
interfaces.

All designs advance in lockstep through the protocol's steps, vectorized over designs; a
design that reaches its cut-off waits (masked) until the step ends for all.  The step
solvers — constant current and rest (:mod:`lpt.cycling.steps`), constant voltage
(:mod:`lpt.cycling.hold`) — find where each step ends; this module holds the state of the
batch (:class:`_Engine`) and the cycle loop (:func:`simulate`).
"""

from __future__ import annotations

import time as _time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from lpt.constants import A_M2_PER_MA_CM2, C_M2_PER_MAH_CM2, C_PER_MAH, SECONDS_PER_HOUR
from lpt.cycling import hold, steps
from lpt.cycling.cell import CellParameters
from lpt.cycling.electrolyte import electrolyte_grid
from lpt.cycling.interface_hook import ConstantInterface, InterfaceHook, InterfaceState, interface_state
from lpt.cycling.particle import ParticleGrid, particle_grid, propagator
from lpt.cycling.protocol import Current, Protocol, Step, parse_protocol
from lpt.cycling.steps import Electrolyte, StepResult
from lpt.cycling.steps import safe_newton as _safe_newton  # noqa: F401  (the root finder's tests import it here)
from lpt.cycling.voltage import StepCoefficients, current_A_m2, step_coefficients, voltage_V
from lpt.errors import LptError

END_REASONS = ("completed", "voltage_cutoff", "liquid_depleted", "short_circuit", "capacity_threshold")

# End of life as cycle-life testing defines it: the discharge capacity has fallen below
# 80 % of its initial value (USABC Electric Vehicle Battery Test Procedures Manual, 1996;
# IEC 62660-1:2018 cycle-life test; Spotnitz, J. Power Sources 113 (2003) 72).  A run is
# not stopped there (``capacity_threshold`` does that on request); the cycle is reported.
END_OF_LIFE_CAPACITY_FRACTION = 0.8

# A cycle's coulombic efficiency compares what went in with what came out of the same
# cells; it is not reported for a cycle that discharged more than this factor times what
# it charged: such a cycle emptied charge stored before it (docs/cycling.md).
CE_COMPARABLE_RATIO = 2.0


def coulombic_efficiency(q_charge, q_discharge) -> np.ndarray:
    """Discharge over charge of one cycle, NaN where it is no efficiency.

    A cycle that charged a trickle and discharged what the cell held before it (a
    protocol that opens with a hold, a rest or a partial step) gives a ratio of 10⁵ that
    is no efficiency: the ratio is NaN where the cycle charged nothing or discharged more
    than ``CE_COMPARABLE_RATIO`` times its charge. A low ratio is kept: it is what a
    cycler reports for a cell that cannot give back what it took (first-cycle loss, a
    failing interface).
    """
    q_ch, q_dis = np.asarray(q_charge, float), np.asarray(q_discharge, float)
    ok = (q_ch > 0) & (q_dis >= 0) & (q_dis <= CE_COMPARABLE_RATIO * q_ch)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(ok, q_dis / q_ch, np.nan)


def end_of_life_cycle(discharge_capacity_mAh_g, fraction: float = END_OF_LIFE_CAPACITY_FRACTION) -> np.ndarray:
    """First cycle (1-based) whose discharge capacity is below ``fraction`` × the first
    cycle's, one per design (rows); NaN where the capacity never fell that low (or the
    design ran no cycle)."""
    cap = np.atleast_2d(np.asarray(discharge_capacity_mAh_g, float))
    with np.errstate(invalid="ignore"):
        below = np.isfinite(cap) & (cap < fraction * cap[:, :1])
    below[:, 0] = False
    return np.where(below.any(axis=1), np.argmax(below, axis=1) + 1.0, np.nan)


@dataclass
class CyclingResult:
    """Per-cycle outputs of :func:`simulate`, arrays of shape ``(n_designs, n_cycles)``.

    Cycles a design did not run (it ended earlier) are NaN.  Capacities and energies are
    per gram of active material (all of it, connected or not); ``coulombic_efficiency`` is
    the discharge over the charge capacity of the same cycle, NaN where the two are not
    comparable (:func:`coulombic_efficiency`).
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

    @property
    def end_of_life_cycle(self) -> np.ndarray:
        """Per design, the first cycle below ``END_OF_LIFE_CAPACITY_FRACTION`` of cycle 1's
        discharge capacity (NaN: never), :func:`end_of_life_cycle`."""
        return end_of_life_cycle(self.discharge_capacity_mAh_g)

    def design_record(self, i: int) -> dict:
        """Design ``i`` in the shape of ``lpt simulate --json`` (docs/cli.md)."""
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
        eol = self.end_of_life_cycle[i]
        return {"end_reason": self.end_reason[i], "wall_s": self.wall_s,
                "end_of_life_cycle": int(eol) if np.isfinite(eol) else None,
                "end_of_life_capacity_fraction": END_OF_LIFE_CAPACITY_FRACTION, "cycles": cycles}


class _Engine:
    """The state of a batch — the particles' modal state ``a``, the pore liquid's ``e``
    (only when some design's liquid polarizes), the Li inventory of the anodes, the charge
    passed and the time — and the step dispatch: each step solver returns the new state
    of the designs it ran, which is booked here."""

    def __init__(self, cells: CellParameters, grid: ParticleGrid):
        self.cells = cells
        self.ocv = cells.ocv
        self.grid = grid
        self.prop = propagator(grid)
        n = len(cells)
        self.a = np.zeros((n, grid.n_modes))
        self.anode_C_m2 = cells.anode_capacity_C_m2.copy()
        self.throughput_C_m2 = np.zeros(n)
        self.time_s = np.zeros(n)
        polarizing = (cells.transference_number != 1.0) & np.isfinite(cells.electrolyte_diffusivity_m2_s)
        self.egrid = electrolyte_grid() if polarizing.any() else None
        self.e = None if self.egrid is None else np.zeros((n, self.egrid.mu.size))

    def _elyte(self, b: StepCoefficients) -> Electrolyte | None:
        return None if self.egrid is None else Electrolyte(self.egrid, self.e[b.idx])

    def active(self, idx: np.ndarray, T_K: np.ndarray, iface: InterfaceState) -> StepCoefficients:
        """The step coefficients of the designs ``idx``."""
        return step_coefficients(self.cells, idx, T_K, iface)

    def current_A_m2(self, cur: Current, idx: np.ndarray) -> np.ndarray:
        return current_A_m2(self.cells, cur, idx)

    def voltage(self, b: StepCoefficients, ys: np.ndarray, current: np.ndarray) -> np.ndarray:
        """Cell voltage at surface lithiation ``ys`` and current (broadcast over rows)."""
        return voltage_V(self.ocv, b, ys, current)

    def _solve_current(self, b: StepCoefficients, ys_base, dys_dI, guess, v_target):
        """The current putting the cell at ``v_target`` (:func:`lpt.cycling.hold.solve_current`)."""
        return hold.solve_current(self.ocv, b, ys_base, dys_dI, guess, v_target)

    def cc_step(self, b: StepCoefficients, current: np.ndarray, v_cut: float | None, t_limit: float | None,
                record: bool, t_guess: np.ndarray | None = None) -> StepResult:
        return self._book(b, steps.cc_step(self.prop, self.ocv, b, self.a[b.idx], self.anode_C_m2[b.idx],
                                           current, v_cut, t_limit, record, t_guess, self._elyte(b)))

    def hold_step(self, b: StepCoefficients, v_hold: float, i_end: np.ndarray | None, t_limit: float | None,
                  record: bool) -> StepResult:
        return self._book(b, hold.hold_step(self.prop, self.ocv, b, self.a[b.idx], v_hold, i_end, t_limit, record,
                                            elyte=self._elyte(b)))

    def rest_step(self, b: StepCoefficients, duration: float, record: bool) -> StepResult:
        return self._book(b, steps.rest_step(self.prop, self.ocv, b, self.a[b.idx], duration, record,
                                             self._elyte(b)))

    def _book(self, b: StepCoefficients, res: StepResult) -> StepResult:
        idx = b.idx
        self.a[idx] = res.state
        if res.electrolyte_state is not None:
            self.e[idx] = res.electrolyte_state
        self.anode_C_m2[idx] -= res.charge_C_m2
        self.throughput_C_m2[idx] += np.abs(res.charge_C_m2)
        self.time_s[idx] += res.duration_s
        return res


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
    cycle_current_mA_cm2 = np.max(cc, axis=0) / A_M2_PER_MA_CM2 if cc else np.zeros(n)
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
    per_g = 1.0 / (cells.loading_kg_m2 * 1e3 * C_PER_MAH)  # C m⁻² → mAh g⁻¹
    curves: dict[int, list[dict]] = {}
    last_duration: list[np.ndarray | None] = [None] * len(proto.steps)
    hook_cache: dict = {}
    active_cache: dict = {}

    def call_hook(cycle: int, T: np.ndarray) -> InterfaceState:
        raw_id = hook_cache.get("raw_id")
        st = interface_state(hook, n, cycle=cycle, charge_passed_mAh_cm2=eng.throughput_C_m2 / C_M2_PER_MAH_CM2,
                             time_h=eng.time_s / SECONDS_PER_HOUR, current_density_mA_cm2=cycle_current_mA_cm2,
                             temperature_K=T, previous=hook_cache)
        if hook_cache.get("raw_id") != raw_id:
            active_cache.clear()
        if st.li_consumed_mAh_cm2 is not None:
            # Li turned into SEI (or other side products) leaves the anode's inventory
            used = st.li_consumed_mAh_cm2
            eng.anode_C_m2 -= np.maximum(used - hook_cache.get("li_used", 0.0), 0.0) * C_M2_PER_MAH_CM2
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
                res = eng.cc_step(b, cur, step.voltage_V, step.duration_s, record,
                                  None if guess is None or guess.size != m else guess)
                last_duration[si] = res.duration_s
            elif step.kind == "hold":
                i_end = None if step_current[si] is None else step_current[si][idx]
                res = eng.hold_step(b, step.voltage_V, i_end, step.duration_s, record)
            else:
                res = eng.rest_step(b, step.duration_s, record)
            q, e = res.charge_C_m2, res.energy_J_m2
            pos = q > 0
            q_dis += np.where(pos, q, 0.0)
            q_ch -= np.where(pos, 0.0, q)
            e_dis += np.where(pos, e, 0.0)
            e_ch -= np.where(pos, 0.0, e)
            if record:
                rec_steps.append(_curve_for_batch(step, si, res.curve, idx, n, per_g))
        if record:
            curves[cycle] = rec_steps
        pg = per_g[sel]
        out["discharge_capacity_mAh_g"][sel, k] = q_dis * pg
        out["charge_capacity_mAh_g"][sel, k] = q_ch * pg
        out["discharge_capacity_mAh_cm2"][sel, k] = q_dis / C_M2_PER_MAH_CM2
        with np.errstate(divide="ignore", invalid="ignore"):
            out["mean_discharge_voltage_V"][sel, k] = np.where(q_dis > 0, e_dis / q_dis, np.nan)
            out["mean_charge_voltage_V"][sel, k] = np.where(q_ch > 0, e_ch / q_ch, np.nan)
        out["coulombic_efficiency"][sel, k] = coulombic_efficiency(q_ch, q_dis)
        out["discharge_energy_mWh_g"][sel, k] = e_dis * pg
        out["charge_energy_mWh_g"][sel, k] = e_ch * pg
        out["time_h"][sel, k] = eng.time_s[sel] / SECONDS_PER_HOUR
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
            "time_h": full["t"] / SECONDS_PER_HOUR, "voltage_V": full["v"],
            "capacity_mAh_g": full["q"] * per_g[None, :]}
