"""Table 1 of the review, reported vs predicted (``lpt validate``; docs/validation.md).

Every design in ``examples/table1/*.toml`` carries the paper's numbers in its
``[reported]`` table.  The keys are read systematically — an arm prefix
(``treated_`` / ``untreated_``), a quantity, a unit suffix — and each one becomes a
case compared with the interface model (resistances) or the life simulation
(capacities, retention, cycle counts).  No parameter is set per row; the two
calibration rows of docs/model.md §5 are marked ``"calibration": true``.

Tolerances, one per metric type (the reasons are in docs/validation.md):

======================  =========================================================
capacity, mAh g⁻¹       |pred − rep| ≤ max(20 % of rep, 15 mAh g⁻¹)
capacity retention      |pred − rep| ≤ 0.10 (10 percentage points)
resistance (Ω, Ω cm²)   within a factor 3 either way
failure cycle           within a factor 3 either way, and the cell must fail (an end
                        reason, or capacity below 80 % of cycle 1's: end of life)
stable cycles           predicted ≥ reported (a lower bound)
treated beats untreated the predicted ordering equals the paper's (1 = yes)
======================  =========================================================
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from lpt import overrides
from lpt.design import Design, load_design
from lpt.errors import LptError

CAPACITY_REL_TOL = 0.20
CAPACITY_ABS_TOL_MAH_G = 15.0
RETENTION_ABS_TOL = 0.10
RESISTANCE_FACTOR = 3.0
CYCLE_FACTOR = 3.0
STABLE_GROWTH_FACTOR = 2.0   # "nearly constant resistance": less than doubled

# docs/model.md §5: the two rows a parameter was calibrated on
CALIBRATION = {
    ("latp_carbonate_lfp", "treated_interface_resistance_ohm"),
    ("latp_carbonate_lfp", "untreated_interface_resistance_ohm"),
    # LSPS|Li interphase resistance growth (chemistry reactants.toml [sse.LSPS]) was set on it
    ("lsps_pyr13tfsi_lfp", "untreated_failure_cycle"),
}

# keys of [reported] that describe conditions or provenance, not results
CONDITION_KEYS = {
    "table1_row", "reference", "doi", "temperature_C", "c_rate", "cycles",
    "current_density_mA_cm2", "current_densities_mA_cm2", "symmetric_current_density_mA_cm2",
}


def table1_dir() -> Path:
    """examples/table1 of the source tree (the designs ship beside the package)."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        cand = parent / "examples" / "table1"
        if cand.is_dir():
            return cand
    return Path("examples/table1")


# --- the one adapter to the cycling/life API -------------------------------------

def simulate_life(design: Design, n_cycles: int, untreated: bool = False,
                  c_rate: float | None = None, record_cycles: tuple[int, ...] = ()) -> dict:
    """Per-cycle arrays of :func:`lpt.cycling.life.simulate_designs` for one design.

    ``c_rate`` replaces the design's rate (its protocol is then rebuilt between the
    cathode's cut-offs).  Returns ``cycle`` (1-based), ``discharge_capacity_mAh_g``,
    ``coulombic_efficiency``, ``asr_anode_ohm_cm2``, ``asr_cathode_ohm_cm2``,
    ``interfacial_resistance_ohm`` (per cycle, Ω: the interface model's interfacial
    resistance, docs/model.md eq. 10, over the area), ``liquid_remaining_fraction``, ``end_reason``,
    ``cycles_completed``, ``end_of_life_cycle`` (first cycle below 80 % of cycle 1's
    capacity, NaN if none) and ``curves`` {cycle: [(capacity_mAh_g, voltage_V), ...]}.
    Cycles not run are NaN.
    """
    from lpt.cycling.life import simulate_designs

    if c_rate is not None:
        design = design.with_(cycling=replace(design.cycling, protocol=None, c_rate=float(c_rate)))
    res, hook = simulate_designs([design], int(n_cycles), untreated=untreated,
                                 record_cycles=tuple(record_cycles))
    n = res.discharge_capacity_mAh_g.shape[1]
    ir = np.full(n, np.nan)
    for k, h in enumerate(hook.history[:n]):
        ir[k] = float(h["interfacial_resistance_ohm_cm2"][0]) / design.area_cm2
    curves = {}
    for cyc, steps in res.curves.items():
        curves[int(cyc)] = [(np.asarray(s["capacity_mAh_g"])[:, 0], np.asarray(s["voltage_V"])[:, 0],
                             str(s.get("kind", s.get("step", ""))))
                            for s in steps]
    return {
        "cycle": np.arange(1, n + 1),
        "discharge_capacity_mAh_g": res.discharge_capacity_mAh_g[0],
        "coulombic_efficiency": res.coulombic_efficiency[0],
        "asr_anode_ohm_cm2": res.asr_anode_ohm_cm2[0],
        "asr_cathode_ohm_cm2": res.asr_cathode_ohm_cm2[0],
        "interfacial_resistance_ohm": ir,
        "liquid_remaining_fraction": res.liquid_remaining_fraction[0],
        "end_reason": res.end_reason[0],
        "cycles_completed": int(np.asarray(res.cycles_completed)[0]),
        "end_of_life_cycle": float(res.end_of_life_cycle[0]),
        "curves": curves,
    }


def _life_cached(path: str, n_cycles: int, untreated: bool, c_rate: float | None) -> dict:
    return _life(path, n_cycles, untreated, c_rate, overrides.current())


@lru_cache(maxsize=64)
def _life(path: str, n_cycles: int, untreated: bool, c_rate: float | None, parameters: tuple) -> dict:
    """One life simulation, cached per parameter set in force."""
    return simulate_life(load_design(path), n_cycles, untreated=untreated, c_rate=c_rate)


def _at_cycle(arr: np.ndarray, cycle: int) -> float:
    """Value at a 1-based cycle; 0 for a capacity the cell never delivered (it ended)."""
    if cycle <= len(arr) and np.isfinite(arr[cycle - 1]):
        return float(arr[cycle - 1])
    return float("nan")


# --- the cases ------------------------------------------------------------------

def _case(stem: str, metric: str, unit: str, reported, predicted, ok: bool, tolerance: str,
          source: str, note: str = "") -> dict:
    calibration = (stem, metric) in CALIBRATION
    return {
        "id": f"{stem}:{metric}",
        "suite": "table1",
        "kind": "calibration" if calibration else ("ordering" if unit == "bool" else "heldout"),
        "design": stem,
        "metric": metric,
        "unit": unit,
        "reported": None if reported is None else float(reported),
        "predicted": float(predicted),
        "within_tolerance": bool(ok),
        "tolerance": tolerance,
        "calibration": calibration,
        "source": source,
        "note": note,
    }


def _capacity_ok(rep: float, pred: float) -> bool:
    return bool(np.isfinite(pred) and abs(pred - rep) <= max(CAPACITY_REL_TOL * rep, CAPACITY_ABS_TOL_MAH_G))


def _factor_ok(rep: float, pred: float, factor: float) -> bool:
    if not (np.isfinite(pred) and pred > 0 and rep > 0):
        return False
    return 1.0 / factor <= pred / rep <= factor


CAP_TOL = "±max(20 %, 15 mAh/g)"
RES_TOL = "factor 3"


def design_cases(path: Path) -> tuple[list[dict], list[dict]]:
    """All cases of one Table 1 design, and the reported keys that were not compared."""
    from lpt.interface import build_inputs, evaluate
    from lpt.interface.model import interfacial_resistance

    d = load_design(path)
    stem = path.stem
    rep = dict(d.reported)
    cases: list[dict] = []
    skipped: list[dict] = []
    A = d.area_cm2
    static = {arm: evaluate(build_inputs([d], untreated=(arm == "untreated")))
              for arm in ("treated", "untreated")}

    def cycles_needed(arm: str) -> int:
        n = [int(rep.get("cycles", 0) or 0), int(d.cycling.cycles or 0), 1]
        for k, v in rep.items():
            if k.startswith(arm) and (k.endswith("_cycles") or k.endswith("_cycle")) and isinstance(v, (int, float)):
                n.append(int(v))
            m = re.match(rf"{arm}_anode_asr_after_(\d+)_cycles", k)
            if m:
                n.append(int(m.group(1)) + 1)
        return max(n)

    def life(arm: str, c_rate: float | None = None) -> dict:
        return _life_cached(str(path), cycles_needed(arm), arm == "untreated", c_rate)

    for key, value in rep.items():
        if key in CONDITION_KEYS or not isinstance(value, (int, float)) or isinstance(value, bool):
            continue
        m = re.match(r"(treated|untreated)_(.+)$", key)
        if not m:
            skipped.append({"id": f"{stem}:{key}", "reason": "not an arm-prefixed result"})
            continue
        arm, what = m.groups()
        untreated = arm == "untreated"
        r = static[arm]
        if what in ("retention_cycles", "final_capacity_cycle"):
            continue  # the N of another key
        if what == "interface_resistance_ohm":
            pred = float(interfacial_resistance(r)[0]) / A
            cases.append(_case(stem, key, "ohm", value, pred, _factor_ok(value, pred, RESISTANCE_FACTOR),
                               RES_TOL, "interface model: interfacial resistance (docs/model.md eq. 10) / area"))
        elif what == "anode_asr_ohm_cm2":
            pred = float(r.anode.asr_ohm_cm2[0])
            cases.append(_case(stem, key, "ohm_cm2", value, pred, _factor_ok(value, pred, RESISTANCE_FACTOR),
                               RES_TOL, "interface model, as assembled"))
        elif (mm := re.match(r"anode_asr_after_(\d+)_cycles_ohm_cm2$", what)):
            n = int(mm.group(1))
            lf = life(arm)
            pred = _at_cycle(lf["asr_anode_ohm_cm2"], n + 1)
            src = f"life simulation: anode ASR before cycle {n + 1}"
            if not np.isfinite(pred):
                # the full cell stopped early: age the interfaces alone at the nominal charge
                pred = _interface_only_anode_asr(d, untreated, n)
                src = f"interface model aged {n} nominal cycles (the full cell stopped early)"
            cases.append(_case(stem, key, "ohm_cm2", value, pred, _factor_ok(value, pred, RESISTANCE_FACTOR),
                               RES_TOL, src, f"end: {lf['end_reason']} after {lf['cycles_completed']} cycles"))
            base = rep.get(f"{arm}_anode_asr_ohm_cm2")
            if base:
                g_rep = value / base
                g_pred = pred / float(r.anode.asr_ohm_cm2[0])
                cases.append(_case(stem, f"{arm}_anode_asr_growth_{n}_cycles", "ratio", g_rep, g_pred,
                                   _factor_ok(g_rep, g_pred, 1.5), "factor 1.5",
                                   "life simulation: ASR(cycle n+1)/ASR(cycle 1)"))
        elif what == "initial_capacity_mAh_g":
            lf = life(arm)
            pred = _at_cycle(lf["discharge_capacity_mAh_g"], 1)
            pred = 0.0 if not np.isfinite(pred) else pred
            cases.append(_case(stem, key, "mAh_g", value, pred, _capacity_ok(value, pred), CAP_TOL,
                               "life simulation: cycle 1 discharge", f"end: {lf['end_reason']}"))
        elif (mm := re.match(r"capacity_at_([\d.]+)C_mAh_g$", what)):
            rate = float(mm.group(1))
            lf = _life_cached(str(path), 3, untreated, rate)
            caps = lf["discharge_capacity_mAh_g"]
            pred = float(np.nanmax(caps)) if np.any(np.isfinite(caps)) else 0.0
            cases.append(_case(stem, key, "mAh_g", value, pred, _capacity_ok(value, pred), CAP_TOL,
                               f"life simulation at {rate:g}C: best of the first 3 cycles"))
        elif what == "final_capacity_mAh_g":
            n = int(rep.get(f"{arm}_final_capacity_cycle") or rep.get("cycles") or d.cycling.cycles or 1)
            lf = life(arm)
            pred = _at_cycle(lf["discharge_capacity_mAh_g"], n)
            pred = 0.0 if not np.isfinite(pred) else pred
            cases.append(_case(stem, key, "mAh_g", value, pred, _capacity_ok(value, pred), CAP_TOL,
                               f"life simulation: discharge at cycle {n}",
                               f"end: {lf['end_reason']} after {lf['cycles_completed']} cycles"))
        elif what == "capacity_retention":
            n = int(rep.get(f"{arm}_retention_cycles") or rep.get("cycles") or d.cycling.cycles or 1)
            lf = life(arm)
            c1 = _at_cycle(lf["discharge_capacity_mAh_g"], 1)
            cn = _at_cycle(lf["discharge_capacity_mAh_g"], n)
            pred = cn / c1 if np.isfinite(c1) and c1 > 0 and np.isfinite(cn) else 0.0
            cases.append(_case(stem, f"{key}_{n}_cycles", "fraction", value, pred,
                               abs(pred - value) <= RETENTION_ABS_TOL, "±0.10",
                               f"life simulation: capacity(cycle {n}) / capacity(cycle 1)",
                               f"end: {lf['end_reason']} after {lf['cycles_completed']} cycles"))
        elif what == "failure_cycle":
            lf = life(arm)
            pred, how = _failure_cycle(lf)
            failed = pred is not None
            pred = pred if failed else float(cycles_needed(arm))
            cases.append(_case(stem, key, "cycles", value, pred,
                               failed and _factor_ok(value, pred, CYCLE_FACTOR), "factor 3 and must fail",
                               "life simulation: the cycle it failed at — its end reason, or the first "
                               "cycle below 80 % of cycle 1's capacity (end of life)", how))
        elif what in ("stable_cycles", "anode_stable_cycles"):
            # "stable" = resistance below 2x its initial value; `anode_` rows report the
            # Li-side interface alone (papers that follow it in Li|SSE|Li cells)
            lf = life(arm)
            anode = what == "anode_stable_cycles"
            ir = lf["asr_anode_ohm_cm2"] if anode else lf["interfacial_resistance_ohm"]
            ok_cyc = np.isfinite(ir) & (ir <= STABLE_GROWTH_FACTOR * ir[0])
            pred = float(np.argmin(ok_cyc)) if not ok_cyc.all() else float(np.sum(np.isfinite(ir)))
            pred = min(pred, float(lf["cycles_completed"]))
            which = "anode ASR" if anode else "interfacial resistance"
            cases.append(_case(stem, key, "cycles", value, pred, pred >= value, "predicted ≥ reported",
                               f"life simulation: cycles run with {which} < 2x initial",
                               f"end: {lf['end_reason']} after {lf['cycles_completed']} cycles"))
        elif what == "symmetric_cycle_life_h":
            cases.append(_symmetric_life_case(d, stem, key, value, arm == "untreated"))
        else:
            skipped.append({"id": f"{stem}:{key}", "reason": _skip_reason(what)})

    # every Table 1 row claims the therapy helps: does the model order the arms the same way?
    r_t = float(interfacial_resistance(static["treated"])[0]) / A
    r_u = float(interfacial_resistance(static["untreated"])[0]) / A
    cases.append(_case(stem, "treated_beats_untreated_resistance", "bool", 1.0, float(r_t < r_u), r_t < r_u,
                       "same ordering", "interface model: treated < untreated interfacial resistance",
                       f"treated {r_t:.3g} ohm, untreated {r_u:.3g} ohm"))
    # ... at the first cycle and at the end of the reported window (a cell that stopped
    # delivers 0 there), so that rows reporting retention or failure are judged on it
    n_end = int(rep.get("cycles") or d.cycling.cycles or 1)
    lf_t, lf_u = life("treated"), life("untreated")
    c_t, c_u = _capacity_at(lf_t, 1), _capacity_at(lf_u, 1)
    e_t, e_u = _capacity_at(lf_t, n_end), _capacity_at(lf_u, n_end)
    better = (c_t >= c_u - 1e-6 and e_t >= e_u - 1e-6
              and c_t > CAPACITY_ABS_TOL_MAH_G)  # and it must deliver something
    cases.append(_case(stem, "treated_beats_untreated_capacity", "bool", 1.0, float(better), better,
                       "same ordering",
                       f"life simulation: treated ≥ untreated capacity at cycles 1 and {n_end}, treated > 15 mAh/g",
                       f"cycle 1: treated {c_t:.4g}, untreated {c_u:.4g}; cycle {n_end}: treated {e_t:.4g}, "
                       f"untreated {e_u:.4g} mAh/g"))
    return cases, skipped


def _failure_cycle(lf: dict) -> tuple[float | None, str]:
    """When a simulated cell failed: the cycle its run ended on an end reason, or its
    end-of-life cycle (capacity below 80 % of cycle 1's, docs/cycling.md), whichever came
    first; None if neither happened in the run."""
    options = []
    if lf["end_reason"] != "completed":
        options.append((float(lf["cycles_completed"]), f"end: {lf['end_reason']} after {lf['cycles_completed']} cycles"))
    if np.isfinite(lf["end_of_life_cycle"]):
        options.append((float(lf["end_of_life_cycle"]), f"end of life (< 80 % of cycle 1) at cycle "
                                                         f"{lf['end_of_life_cycle']:.0f}; end: {lf['end_reason']}"))
    if not options:
        return None, f"end: {lf['end_reason']}, capacity never below 80 % of cycle 1"
    return min(options)


def _interface_only_anode_asr(d: Design, untreated: bool, n_cycles: int) -> float:
    """Anode ASR after ``n_cycles`` of the interface model alone (no full-cell voltage
    limit): each cycle strips the cathode's nominal areal capacity at the design's current
    density (or C-rate) and rests for nothing else."""
    from lpt import materials
    from lpt.interface import advance, build_inputs, evaluate, initial_state

    x = build_inputs([d], untreated=untreated)
    st = initial_state(x)
    cath = materials.get(d.cathode.material)
    q = d.cathode.loading_mg_cm2 * 1e-3 * cath.specific_capacity_mAh_g       # mAh cm⁻²
    i = d.cycling.current_density_mA_cm2 or (d.cycling.c_rate or 0.1) * q     # mA cm⁻²
    for _ in range(n_cycles):
        st = advance(x, st, 2.0 * q / i, strip_mAh_cm2=q, current_mA_cm2=i, cycles=1.0)
    return float(evaluate(x, st).anode.asr_ohm_cm2[0])


SYMMETRIC_HALF_CYCLE_H = 1.0       # half-cycle length when the paper's is not in the row
SYMMETRIC_CURRENT_MA_CM2 = 0.1     # current density when the row does not give one


def symmetric_of(d: Design) -> Design:
    """The Li|SSE|Li cell of a full-cell design: its SSE, Li and anode treatment on both sides."""
    return replace(d, cell="symmetric", cathode=None, cathode_interface=type(d.cathode_interface)(),
                   counter_interface=None)


def _symmetric_life_case(d: Design, stem: str, key: str, hours: float, untreated: bool) -> dict:
    """A Table 1 row's Li|SSE|Li lifetime (a lower bound: "stable over N h"): the row's
    SSE, Li and anode treatment on both sides, at its symmetric current (or 0.1 mA cm⁻²),
    1 h half-cycles, run to 3 × N h; predicted = hours before a short or contact loss."""
    from lpt.symmetric import simulate_symmetric

    i = float(d.reported.get("symmetric_current_density_mA_cm2") or SYMMETRIC_CURRENT_MA_CM2)
    h = SYMMETRIC_HALF_CYCLE_H
    cycles = int(np.ceil(CYCLE_FACTOR * hours / (2 * h)))
    res = simulate_symmetric([symmetric_of(d)], f"Plate at {i:g} mA cm-2 for {h:g} hour; Strip at {i:g} mA cm-2 for {h:g} hour",
                             cycles, untreated=untreated)
    pred = float(res.time_h[0])
    eta = res.overpotential_V[0]
    return _case(stem, key, "h", hours, pred, pred >= hours / CYCLE_FACTOR, "≥ reported / 3 (a lower bound)",
                 f"symmetric cell at {i:g} mA cm-2, {h:g} h half-cycles: hours before a short or contact loss",
                 f"end: {res.end_reason[0]}; overpotential {1e3 * np.nanmin(eta):.3g}-{1e3 * np.nanmax(eta):.3g} mV"
                 + ("" if "symmetric_current_density_mA_cm2" in d.reported else "; current density estimated"))


def _capacity_at(lf: dict, cycle: int) -> float:
    c = _at_cycle(lf["discharge_capacity_mAh_g"], cycle)
    return c if np.isfinite(c) else 0.0


def _skip_reason(what: str) -> str:
    if what.startswith("symmetric_cycle_life"):
        return "Li|SSE|Li symmetric-cell life is not simulated (the life model runs full cells)"
    return f'no predictor for "{what}"'


def validate_table1(directory: Path | None = None, progress=None) -> dict:
    """The ``lpt validate --json`` document (docs/cli.md keys + extras)."""
    directory = table1_dir() if directory is None else Path(directory)
    if not directory.is_dir():
        raise LptError(f"{directory}: no such folder; validation needs a folder of design TOML files "
                       f"carrying [reported] numbers.")
    paths = sorted(directory.glob("*.toml"))
    if not paths:
        raise LptError(f"{directory}: holds no design TOML files (*.toml); nothing to validate.")
    cases: list[dict] = []
    skipped: list[dict] = []
    for i, p in enumerate(paths):
        c, s = design_cases(p)
        cases += c
        skipped += s
        if progress is not None:
            progress(i + 1, len(paths))
    if not cases:
        raise LptError(f"{directory}: none of its {len(paths)} designs carries a [reported] number "
                       f"lpt can predict; nothing was compared.")
    # literature: Li coulombic efficiency from the liquid's composition (chemistry engine)
    from lpt.interface.chemistry.coulombic import ce_cases

    cases += ce_cases()
    return {
        "passed": int(sum(c["within_tolerance"] for c in cases)),
        "total": len(cases),
        "designs": [p.stem for p in paths],
        "cases": cases,
        "skipped": skipped,
        "tolerances": {
            "capacity_mAh_g": CAP_TOL, "capacity_retention": "±0.10 absolute",
            "resistance": RES_TOL, "failure_cycle": "factor 3 and must fail",
            "stable_cycles": "predicted ≥ reported", "anode_stable_cycles": "predicted ≥ reported", "treated_beats_untreated": "same ordering",
            "li_coulombic_efficiency_percent": "±1 % absolute",
        },
    }
