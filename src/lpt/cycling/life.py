"""Life: the cycling model driven by the evolving interface model.

:class:`InterfaceModelHook` is the interface hook of :mod:`lpt.cycling.interface_hook`
backed by :mod:`lpt.interface`: before each cycle it advances the interface state over
the time and charge of the previous cycle (SLEI/SEI growth and the liquid it consumes,
MCI growth, voids, chemo-mechanical contact loss) and returns the ASRs, the cathode
utilization, the liquid left and the dendrite verdict for the coming cycle.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from lpt import batch
from lpt.constants import ZERO_CELSIUS_K
from lpt.design import Design
from lpt.errors import LptError
from lpt.interface import advance, build_inputs, evaluate, initial_state, liquid_depleted
from lpt.interface.inputs import Inputs
from lpt.interface.mechanisms import SideView
from lpt.interface.mechanisms.li_metal import (
    critical_overpotential_V, internal_li_extension_cm, side_plating_overpotential_V,
)
from lpt.interface.model import (
    Result, interfacial_resistance, interphase_span_margin, interphase_spans, liquid_left_margin,
)

# What a value handed to the cycling model between two interface updates may miss the
# exact one by.  A resistance off by ΔR shifts the cell voltage by i ΔR: 1 mV is of the
# order of the cycling model's own agreement with PyBaMM (docs/benchmarks.md) and moves a
# discharge capacity by < 0.1 % except at a capacity cliff, where the ohmic drop crosses
# the cut-off headroom and dQ/dV is steep (docs/cycling.md, "Interface updates").
VOLTAGE_TOLERANCE_V = 1e-3
# Utilization and the liquid left scale the capacity directly, and the ASRs per cycle are a
# result themselves (lpt validate counts the cycles to twice the initial resistance): each
# value's relative miss counts against this.
RELATIVE_TOLERANCE = 0.002
# Values between updates are extrapolated linearly from the last two updates, and handed
# over when they have moved by half a tolerance (a step of 0.5 mV or 0.1 %).
HANDED_STEP = 0.5
PREDICTED = ("asr_anode_ohm_cm2", "asr_cathode_ohm_cm2", "asr_bulk_ohm_cm2", "utilization",
             "liquid_remaining_fraction")


@dataclass
class InterfaceModelHook:
    """Interface hook backed by the interface model (one entry per design).

    The interface state is integrated over any interval (parabolic growth in time, SEI and
    voids linear in charge, contact loss per cycle; sub-stepped where the wetting it holds
    moves, :func:`lpt.interface.advance`), so it need not be updated every cycle.  Between
    two updates the cycling model gets the resistances, utilization and liquid left
    extrapolated linearly from the last two.  Each design keeps its own update stride,
    set by what the extrapolation missed at the last update: the resistances' miss as a
    voltage, ``i (ΔR_anode + ΔR_cathode + ΔR_bulk)`` against ``voltage_tolerance_V``, and
    each value's relative miss against ``tolerance``.  Extrapolated values are handed over
    where they have moved by half a tolerance (:data:`HANDED_STEP`), the extrapolation gets
    the other half; its miss grows as the stride squared, so the next stride is the last
    one × √(½ tolerance / miss), at most doubled and at most ``max_stride``.  The stride is
    also kept below half the cycles projected to an event (dendrite overpotential
    reaching the critical one, an interphase spanning the SSE, the liquid used up), and
    falls back to 1 when the current or the temperature changes.  A design's results do
    not depend on the batch it is simulated in.  ``max_stride = 1`` updates every cycle.
    """

    inputs: Inputs
    state: object = None
    tolerance: float = RELATIVE_TOLERANCE
    voltage_tolerance_V: float = VOLTAGE_TOLERANCE_V
    max_stride: int = 16
    history: list[dict[str, np.ndarray]] = field(default_factory=list)

    def __post_init__(self) -> None:
        n = self.inputs.n
        if self.state is None:
            self.state = initial_state(self.inputs)
        self._last_q = np.zeros(n)
        self._last_t = np.zeros(n)
        self._last_cycle = np.ones(n)
        self._next = np.ones(n)
        self._stride = np.ones(n)
        self._i = np.full(n, np.nan)
        self._flaw_extension_cm = np.zeros(n)   # Li deposited inside the SSE ahead of the flaw (Han 2019)
        self._T = np.full(n, np.nan)
        self._slope = {k: np.zeros(n) for k in PREDICTED}   # per cycle, from the last two updates
        self._margin = np.full(n, np.inf)                   # to the nearest event, at the last update
        # the last values per design: what the cycling model gets (it reads only its
        # keys) and what `history` keeps, one dict for both
        self._record: dict[str, np.ndarray] | None = None
        self._updated: dict[str, np.ndarray] | None = None  # the exact values at the last update

    def _predicted(self, cycle: int) -> dict[str, np.ndarray]:
        ahead = cycle - self._last_cycle
        out = {k: np.maximum(self._updated[k] + self._slope[k] * ahead, 0.0) for k in PREDICTED}
        out["utilization"] = np.minimum(out["utilization"], 1.0)
        out["liquid_remaining_fraction"] = np.minimum(out["liquid_remaining_fraction"], 1.0)
        return out

    def _miss(self, a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> np.ndarray:
        """How far values ``a`` are from ``b``, in tolerances: the ASRs' sum as the cell
        voltage it shifts, each value relatively (the largest of these)."""
        miss = 1e-3 * np.abs(self._i) * sum(np.abs(a[k] - b[k]) for k in PREDICTED[:3]) / self.voltage_tolerance_V
        for key in PREDICTED:
            rel = np.abs(a[key] - b[key]) / np.maximum(np.abs(a[key]), 1e-12)
            miss = np.maximum(miss, rel / self.tolerance)
        return miss

    def _handed(self, predicted: dict[str, np.ndarray]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """What to hand over between updates: the prediction where it has moved from the
        values last handed by half a tolerance, those values elsewhere (so that the cycling
        model recomputes its coefficients only every few cycles where they change slowly)."""
        moved = self._miss(predicted, self._record) >= HANDED_STEP
        return moved, {k: np.where(moved, predicted[k], self._record[k]) for k in PREDICTED}

    def __call__(self, *, cycle: int, charge_passed_mAh_cm2: np.ndarray, time_h: np.ndarray,
                 current_density_mA_cm2: np.ndarray, temperature_K: np.ndarray) -> dict:
        x = self.inputs
        changed = (current_density_mA_cm2 != self._i) | (temperature_K != self._T)
        due = (cycle >= self._next) | changed
        if self._record is not None and not due.any():
            moved, predicted = self._handed(self._predicted(cycle))
            if moved.any():
                self._record = {**self._record, **predicted}
            self.history.append(self._record)  # the same object while nothing moved: the
            return self._record                # cycling model reuses its step coefficients
        # Li stripped since the last update: half of the charge passed both ways
        dq = np.maximum(charge_passed_mAh_cm2 - self._last_q, 0.0)
        dt = np.maximum(time_h - self._last_t, 0.0)
        state = advance(x, self.state, dt, temperature_K=temperature_K, strip_mAh_cm2=0.5 * dq,
                        current_mA_cm2=current_density_mA_cm2, cycles=cycle - self._last_cycle)
        r: Result = evaluate(x, state, temperature_K)
        local = current_density_mA_cm2 * r.local_current_factor
        # dendrites on charge, when Li plates onto the anode: the charge-transfer overpotential
        # at its contacts against Porz's threshold of the flaw, lengthened by electronic
        # leakage over the plating time since the last update (docs/model.md §7, eq. 14-15)
        eta = side_plating_overpotential_V(SideView(x, "anode", x.anode, state.anode, temperature_K),
                                           current_density_mA_cm2)
        i = np.asarray(current_density_mA_cm2, float)
        plate_h = np.where(i > 0, 0.5 * dq / np.where(i > 0, i, 1.0), 0.0)
        extension = self._flaw_extension_cm + internal_li_extension_cm(
            x.sse_electronic_S_cm, eta, x.sse_flaw_size_cm, plate_h)
        eta_c = critical_overpotential_V(x.sse_fracture_toughness_MPa_m05, x.sse_flaw_size_cm + extension)
        out = {
            "asr_anode_ohm_cm2": r.anode.asr_ohm_cm2,
            "asr_cathode_ohm_cm2": r.cathode.asr_ohm_cm2,
            "asr_bulk_ohm_cm2": r.bulk_ohm_cm2,
            "utilization": np.clip(r.cathode_utilization, 0.0, 1.0),
            "liquid_remaining_fraction": r.liquid_remaining_fraction,
            # dendrites at the contacts, or a mixed-conducting interphase grown through the SSE
            "short_circuit": (x.anode.is_li & (eta >= eta_c)) | interphase_spans(x, state),
            "liquid_depleted": liquid_depleted(x, state),
            "li_consumed_mAh_cm2": state.anode.li_consumed_mAh_cm2,
            "interfacial_resistance_ohm_cm2": interfacial_resistance(r),
            "local_current_mA_cm2": local,
            "plating_overpotential_V": eta,
            "critical_overpotential_V": eta_c,
        }
        margin = _event_margin(x, state, eta, eta_c)
        interval = np.maximum(cycle - self._last_cycle, 1.0)
        if self._record is None:
            record = out
            stride = np.ones(x.n)
            slope = {k: np.zeros(x.n) for k in PREDICTED}
        else:
            # the extrapolation's miss (not the values handed, which lag it by < HANDED_STEP)
            predicted = self._predicted(cycle)
            miss = self._miss(out, predicted)
            _, handed = self._handed(predicted)
            # the extrapolation gets what the handing-over step leaves of the tolerance
            budget = 1.0 - HANDED_STEP
            grow = np.minimum(2.0, np.sqrt(budget / np.maximum(miss, 0.25 * budget)))
            stride = np.clip(np.floor(interval * grow), 1.0, self.max_stride)
            # keep an event (short, liquid used up) to within a cycle of where it happens
            closing = np.maximum(self._margin - margin, 0.0) / interval
            with np.errstate(divide="ignore", invalid="ignore"):
                to_event = np.where(closing > 0, margin / closing, np.inf)
            stride = np.where(to_event < 2.0 * stride, np.maximum(np.floor(0.5 * to_event), 1.0), stride)
            stride = np.where(changed | ~np.isfinite(miss), 1.0, stride)
            slope = {k: np.where(changed, 0.0, (out[k] - self._updated[k]) / interval) for k in PREDICTED}
            record = {k: np.where(due, out[k], self._record[k]) for k in out}
            record.update({k: np.where(due, out[k], handed[k]) for k in PREDICTED})
        self.state = batch.where(due, state, self.state)
        self._flaw_extension_cm = np.where(due, extension, self._flaw_extension_cm)
        self._updated = out if self._updated is None else {k: np.where(due, out[k], self._updated[k]) for k in out}
        self._slope = {k: np.where(due, slope[k], self._slope[k]) for k in PREDICTED}
        self._margin = np.where(due, margin, self._margin)
        self._stride = np.where(due, stride, self._stride)
        self._next = np.where(due, cycle + self._stride, self._next)
        self._last_q = np.where(due, charge_passed_mAh_cm2, self._last_q)
        self._last_t = np.where(due, time_h, self._last_t)
        self._last_cycle = np.where(due, cycle, self._last_cycle)
        self._i = current_density_mA_cm2.copy()
        self._T = temperature_K.copy()
        self._record = record
        self.history.append(record)
        return record


def _event_margin(x: Inputs, state, eta_V: np.ndarray, eta_c_V: np.ndarray) -> np.ndarray:
    """Relative distance to the nearest event that ends a cell: the plating overpotential
    below the critical one, the interphases' thickness below the SSE's, the liquid left
    above the depletion threshold (each 0 at the event, ∞ where it cannot happen)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        plating = np.where(x.anode.is_li & (eta_c_V > 0), (eta_c_V - eta_V) / eta_c_V, np.inf)
    return np.minimum(np.minimum(plating, interphase_span_margin(x, state)), liquid_left_margin(x, state))


def default_protocol(design: Design) -> str:
    """The design's `[cycling] protocol`, or C/10 between the cathode's cut-offs."""
    from lpt import materials

    if design.cycling.protocol:
        return design.cycling.protocol
    cath = materials.get(design.cathode.material)
    an = materials.get(design.anode.material)
    upper = (cath.upper_cutoff_V or cath.average_potential_V + 0.4) - an.average_potential_V
    lower = (cath.lower_cutoff_V or cath.average_potential_V - 0.8) - an.average_potential_V
    if design.cycling.current_density_mA_cm2 and not design.cycling.c_rate:
        i = f"{design.cycling.current_density_mA_cm2:g} mA cm-2"
    else:
        i = f"{design.cycling.c_rate or 0.1:g}C"
    return f"Charge at {i} until {upper:.2f} V; Discharge at {i} until {lower:.2f} V"


def simulate_designs(designs: Sequence[Design], n_cycles: int, *, protocol: str | None = None,
                     temperature_C: float | None = None, untreated: bool = False,
                     progress: Callable[[int, int], None] | None = None, **kwargs):
    """Cycle life of a batch of designs with their interfaces evolving.

    Returns ``(result, hook)``: the cycling model's result (per design × cycle arrays,
    end reasons) and the hook whose ``history`` holds the interface state per cycle.
    All designs share ``protocol`` (default: the first design's).
    """
    from lpt.cycling import cells_from_designs, simulate

    designs = list(designs)
    if not designs:
        raise LptError("no designs were given to simulate.")
    if n_cycles < 1:
        raise LptError(f"--cycles must be at least 1, got {n_cycles}.")
    if temperature_C is not None:
        designs = [d.with_(temperature_C=temperature_C) for d in designs]
    # the cell's pore electrolyte is the one of the arm simulated
    cells = cells_from_designs([d.untreated() for d in designs] if untreated else designs)
    hook = InterfaceModelHook(build_inputs(designs, untreated=untreated))
    proto = protocol or default_protocol(designs[0])
    T = np.array([d.temperature_C + ZERO_CELSIUS_K for d in designs])
    result = simulate(cells, proto, n_cycles, hook, temperature_K=T, progress=progress, **kwargs)
    return result, hook


def cycle_life(designs: Sequence[Design], n_cycles: int, *, threshold: float | None = None,
               untreated: bool = False) -> dict[str, np.ndarray]:
    """Cycles to ``threshold`` × the first cycle's capacity, for a batch of designs.

    ``threshold`` defaults to the end-of-life convention of cycle-life testing,
    :data:`lpt.cycling.model.END_OF_LIFE_CAPACITY_FRACTION` (80 %), the one ``lpt simulate``
    reports as ``end_of_life_cycle`` and ``lpt validate`` counts as a failure.

    Designs are grouped by protocol (their `[cycling]` protocol or C-rate) and each
    group is simulated as one vectorized batch.  A design that never falls below the
    threshold gets the cycles it ran (``n_cycles`` if it completed); ``end_reason``
    says which.  Returns per-design arrays: ``cycles`` (cycle life), ``initial_capacity_mAh_g``,
    ``final_capacity_mAh_g`` and ``end_reason``.
    """
    from lpt.cycling.model import END_OF_LIFE_CAPACITY_FRACTION

    threshold = END_OF_LIFE_CAPACITY_FRACTION if threshold is None else threshold
    designs = list(designs)
    n = len(designs)
    cycles = np.zeros(n)
    first = np.full(n, np.nan)
    last = np.full(n, np.nan)
    reason = np.empty(n, dtype=object)
    groups: dict[str, list[int]] = {}
    for i, d in enumerate(designs):
        groups.setdefault(default_protocol(d), []).append(i)
    for proto, idx in groups.items():
        res, _ = simulate_designs([designs[i] for i in idx], n_cycles, protocol=proto,
                                  untreated=untreated, capacity_threshold=threshold)
        ran = np.asarray(res.cycles_completed, int)
        cap = res.discharge_capacity_mAh_g
        for j, i in enumerate(idx):
            cycles[i] = ran[j]
            reason[i] = res.end_reason[j]
            if ran[j] > 0:
                first[i] = cap[j, 0]
                last[i] = cap[j, ran[j] - 1]
    return {"cycles": cycles, "initial_capacity_mAh_g": first, "final_capacity_mAh_g": last,
            "end_reason": reason.astype(str)}
