"""One chunk of a sweep → one table of results (pure; runs on a Dask worker or in-process).

The hot path has no per-design Python.  A chunk's designs are grouped by their
text-valued keys (materials, liquids, therapies): for each group one representative
design is built and validated, the interface model's inputs and the stack's
accounting inputs are looked up once for it, copied to the group's size, and the
numeric keys that vary are written into the arrays (``_INPUT_RULES`` below, and
:data:`lpt.metrics.DESIGN_KEYS`).  The physics then runs once on the whole chunk.

The rules restate how :func:`lpt.interface.build_inputs` turns a number of the design
into its arrays.  So that they can never silently disagree with it, every group
checks one of its designs (the last) against ``build_inputs`` itself; a mismatch —
the interface model changed under the sweep — sends that group down the exact path
(one ``build_inputs`` call on all its designs) and is counted in the chunk's
``exact_groups``.  Numeric keys without a rule also take the exact path.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pandas as pd

from lpt import metrics
from lpt.design import Design, design_from_dict
from lpt.interface.inputs import cathode_network_share
from lpt.sweep.spec import Rows, apply_values, categorical_columns, combos, raw_design, value_of

# --- how numeric design keys enter the interface model's inputs ------------------------
#
# A rule gets the chunk's inputs (holding, row by row, the values of the row's group
# representative), the representative's value of the key and the rows' values, and
# writes the rows' fields.

Rule = Callable[[Any, np.ndarray, np.ndarray], None]


def _scale(field: np.ndarray, rep_value: np.ndarray, values: np.ndarray) -> np.ndarray:
    """A field proportional to the key (liquid volume ∝ loading, layer ASR ∝ thickness)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(rep_value != 0, field * (values / rep_value), field)


def _temperature(x, rep_v, v):
    x.temperature_K = v + 273.15


def _pressure(x, rep_v, v):
    x.pressure_MPa = v


def _sse_thickness(x, rep_v, v):
    x.sse_thickness_cm = v * 1e-4


def _relative_density(x, rep_v, v):
    # Bruggeman-type correction of the pellet's conductivity, σ ∝ ρ_rel^1.5
    x.sse_sigma_S_cm = x.sse_sigma_S_cm * (v / rep_v) ** 1.5


def _cathode_thickness(x, rep_v, v):
    x.cathode_thickness_cm = v * 1e-4


def _cathode_porosity(x, rep_v, v):
    x.cathode_porosity = v


def _cathode_sse_fraction(x, rep_v, v):
    x.cathode_sse_fraction = v


def _cathode_loading(x, rep_v, v):
    # active particle surface per electrode area ∝ active volume ∝ loading
    x.cathode_active_area_cm2_cm2 = _scale(x.cathode_active_area_cm2_cm2, rep_v, v)


def _liquid(side: str) -> Rule:
    def rule(x, rep_v, v):
        s = getattr(x, side)
        s.liquid_cm3_cm2 = _scale(s.liquid_cm3_cm2, rep_v, v)
    return rule


def _layer(side: str) -> Rule:
    def rule(x, rep_v, v):
        s = getattr(x, side)
        s.layer_ohm_cm2 = _scale(s.layer_ohm_cm2, rep_v, v)
    return rule


_INPUT_RULES: dict[str, Rule] = {
    "temperature_C": _temperature,
    "stack_pressure_MPa": _pressure,
    "electrolyte.thickness_um": _sse_thickness,
    "electrolyte.relative_density": _relative_density,
    "cathode.thickness_um": _cathode_thickness,
    "cathode.porosity": _cathode_porosity,
    "cathode.sse_volume_fraction": _cathode_sse_fraction,
    "cathode.loading_mg_cm2": _cathode_loading,
    "interfaces.anode.loading_uL_cm2": _liquid("anode"),
    "interfaces.cathode.loading_uL_cm2": _liquid("cathode"),
    "interfaces.anode.thickness_nm": _layer("anode"),
    "interfaces.cathode.thickness_nm": _layer("cathode"),
}
_PORE_KEYS = ("cathode.thickness_um", "cathode.porosity")
# numeric keys the interface model does not read (checked like the rules)
_NO_INPUT_EFFECT = frozenset({
    "area_cm2", "cathode.carbon_volume_fraction", "cathode.current_collector_thickness_um",
    "anode.thickness_um", "anode.current_collector_thickness_um",
    "cycling.c_rate", "cycling.cycles", "cycling.current_density_mA_cm2",
})
FAST_KEYS = frozenset(_INPUT_RULES) | _NO_INPUT_EFFECT


def _apply_rules(x, rep_values: dict[str, np.ndarray], values: dict[str, np.ndarray]) -> None:
    gap = x.cathode.open_volume_cm3_cm2 - x.cathode.pore_volume_cm3_cm2
    for key, v in values.items():
        if key in _INPUT_RULES:
            _INPUT_RULES[key](x, rep_values[key], v)
    if any(k in values for k in _PORE_KEYS):
        # pore volume of the composite = porosity × thickness; the interface gap is fixed
        pores = x.cathode_porosity * x.cathode_thickness_cm
        x.cathode.pore_volume_cm3_cm2 = pores
        x.cathode.open_volume_cm3_cm2 = gap + pores
    if "cathode.porosity" in values or "cathode.sse_volume_fraction" in values:
        x.cathode.network_share = cathode_network_share(x.cathode_sse_fraction, x.cathode_porosity)


def _apply_stack(s: metrics.Stack, values: dict[str, np.ndarray]) -> None:
    for key, v in values.items():
        path = metrics.DESIGN_KEYS.get(key)
        if path is None:
            continue
        obj = s
        for p in path[:-1]:
            obj = getattr(obj, p)
        setattr(obj, path[-1], v)


# --- struct-of-arrays batches assembled group by group ------------------------------------

def _is_batch(v: Any) -> bool:
    return hasattr(v, "__dataclass_fields__")


def _gather(reps: list, codes: np.ndarray):
    """A batch whose row ``i`` is the one-design batch ``reps[codes[i]]``."""
    first = reps[0]
    kw = {}
    for f in fields(first):
        v = getattr(first, f.name)
        if _is_batch(v):
            kw[f.name] = _gather([getattr(r, f.name) for r in reps], codes)
        elif isinstance(v, np.ndarray):
            kw[f.name] = np.concatenate([getattr(r, f.name) for r in reps])[codes]
        else:
            kw[f.name] = len(codes) if f.name == "n" else v
    return type(first)(**kw)


def _scatter(dst, src, idx: np.ndarray) -> None:
    """Write ``src`` (one design per index) into rows ``idx`` of ``dst``."""
    for f in fields(dst):
        v = getattr(dst, f.name)
        if _is_batch(v):
            _scatter(v, getattr(src, f.name), idx)
        elif isinstance(v, np.ndarray):
            v[idx] = getattr(src, f.name)


def _flat(batch) -> tuple[np.ndarray, np.ndarray]:
    """Every float field of a struct-of-arrays batch in one vector, the other fields in another."""
    num, other = [], []
    for f in fields(batch):
        v = getattr(batch, f.name)
        if hasattr(v, "__dataclass_fields__"):
            a, b = _flat(v)
            num.append(a)
            other.append(b)
        elif isinstance(v, np.ndarray):
            (num if v.dtype.kind in "fc" else other).append(v.astype(float).ravel())
    return np.concatenate(num), np.concatenate(other) if other else np.zeros(0)


def _field_names(batch, prefix: str = "") -> list[str]:
    out = []
    for f in fields(batch):
        v = getattr(batch, f.name)
        if hasattr(v, "__dataclass_fields__"):
            out += _field_names(v, f"{prefix}{f.name}.")
        elif isinstance(v, np.ndarray):
            out.append(prefix + f.name)
    return out


def _same(a, b) -> str | None:
    """None if two one-design batches agree (to 1e-9), else the name of a field that differs."""
    (na, oa), (nb, ob) = _flat(a), _flat(b)
    if na.shape == nb.shape and oa.shape == ob.shape and np.array_equal(oa, ob) and np.allclose(
            na, nb, rtol=1e-9, atol=0.0, equal_nan=True):
        return None
    for name in _field_names(a):
        obj_a, obj_b = a, b
        for p in name.split("."):
            obj_a, obj_b = getattr(obj_a, p), getattr(obj_b, p)
        if obj_a.dtype.kind in "fc":
            if not np.allclose(obj_a, obj_b, rtol=1e-9, atol=0.0, equal_nan=True):
                return name
        elif not np.array_equal(obj_a, obj_b):
            return name
    return "shape"


# --- the chunk -----------------------------------------------------------------------------

@dataclass(frozen=True)
class ChunkSpec:
    """What a worker needs besides the chunk's rows (small, picklable)."""

    base_raw: dict
    source: str
    outputs: tuple[str, ...]
    cycles: int | None = None


@dataclass
class Batch:
    """A chunk's designs as arrays: interface inputs (treated, untreated) and stack."""

    x: Any
    xu: Any
    stack: metrics.Stack
    representatives: list[tuple[Design, np.ndarray]]  # (design, row positions it stands for)
    exact_groups: int = 0
    mismatch: str | None = None


def build_batch(spec: ChunkSpec, frame: pd.DataFrame, *, need_inputs: bool = True) -> Batch:
    """Inputs for every design of ``frame`` (rows = designs, columns = varied keys), in row order."""
    from lpt.interface import build_inputs

    n = len(frame)
    cats = categorical_columns(frame)
    nums = [c for c in frame.columns if c not in cats and c != "design_id"]
    row = Rows(frame)
    exact_keys = [c for c in nums if c not in FAST_KEYS]
    fast_keys = [c for c in nums if c in FAST_KEYS]
    groups = []   # (representative, rows)
    for _, idx in combos(frame, cats + exact_keys):
        groups.append((design_from_dict(raw_design(spec.base_raw, row(idx[0])), spec.source), idx))

    # each row starts as its group's representative ...
    codes = np.empty(n, dtype=np.intp)
    for g, (_, idx) in enumerate(groups):
        codes[idx] = g
    rep_values = {k: np.array([float(value_of(rep, k)) for rep, _ in groups])[codes] for k in fast_keys}
    values = {}
    for k in fast_keys:
        v = row.numbers(k).astype(float)
        # a key the row's therapy does not take is empty: the representative's value stands
        values[k] = np.where(np.isnan(v), rep_values[k], v)
    stack = _gather([metrics.stack_of([rep]) for rep, _ in groups], codes)
    # ... then takes its own numbers
    _apply_stack(stack, values)
    x = xu = None
    exact_groups, mismatch = 0, None
    if need_inputs:
        x = _gather([build_inputs([rep]) for rep, _ in groups], codes)
        xu = _gather([build_inputs([rep], untreated=True) for rep, _ in groups], codes)
        try:
            _apply_rules(x, rep_values, values)
            _apply_rules(xu, rep_values, values)
            failed = None
        except AttributeError as exc:  # a field the rules know has left the model
            failed = f"rule failed: {exc}"
        for rep, idx in groups:
            bad = failed
            if not bad and len(idx) > 1 and fast_keys:
                last = idx[-1:]
                probe = apply_values(rep, row(idx[-1]))
                bad = (_same(build_inputs([probe]), x.take(last))
                       or _same(build_inputs([probe], untreated=True), xu.take(last))
                       or _same(metrics.stack_of([probe]), stack.take(last)))
            if bad:
                mismatch = mismatch or bad
                designs = [apply_values(rep, row(i)) for i in idx]
                _scatter(x, build_inputs(designs), idx)
                _scatter(xu, build_inputs(designs, untreated=True), idx)
                _scatter(stack, metrics.stack_of(designs), idx)
                exact_groups += 1
    return Batch(x, xu, stack, groups, exact_groups, mismatch)


def _designs(spec: ChunkSpec, frame: pd.DataFrame, batch: Batch) -> list[Design]:
    """Every design of the chunk as a :class:`Design` (for per-design models: screening, life)."""
    row = Rows(frame)
    out: list[Design | None] = [None] * len(frame)
    for rep, idx in batch.representatives:
        for i in idx:
            out[i] = apply_values(rep, row(i))
    return out  # type: ignore[return-value]


def _base_or_column(spec: ChunkSpec, frame: pd.DataFrame, key: str) -> np.ndarray:
    if key in frame:
        return frame[key].to_numpy(dtype=float)
    node: Any = spec.base_raw
    for p in key.split("."):
        node = node.get(p) if isinstance(node, dict) else None
    return np.full(len(frame), np.nan if node is None else float(node))


DEFAULT_CYCLES = 100


def cycle_life_available() -> bool:
    try:
        from lpt.cycling import life
    except ImportError:
        return False
    return callable(getattr(life, "cycle_life", None))


def cycle_life_columns(designs: list[Design], n_cycles: int | None) -> dict[str, np.ndarray]:
    """Cycle life of each design: the one hook into ``lpt.cycling.life.cycle_life``.

    ``cycle_life(designs, n_cycles)`` may return an array (cycles, one per design) or a
    dict of per-design arrays; dict keys become columns prefixed ``cycle_life_``.
    """
    from lpt.cycling.life import cycle_life

    res = cycle_life(designs, n_cycles or DEFAULT_CYCLES)
    if isinstance(res, dict):
        return {k if k.startswith("cycle_life") else f"cycle_life_{k}": np.asarray(v) for k, v in res.items()}
    return {"cycle_life_cycles": np.asarray(res)}


def evaluate_chunk(spec: ChunkSpec, frame: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Results of one chunk: the rows' design id and varied keys, then every output asked for."""
    t0 = time.perf_counter()
    outs = set(spec.outputs)
    need_inputs = bool(outs & {"asr", "utilization", "capacity", "energy_density"})
    frame = frame.reset_index(drop=True)
    batch = build_batch(spec, frame, need_inputs=need_inputs)
    cols: dict[str, Any] = {c: frame[c] for c in frame.columns}

    from lpt.interface import evaluate

    acc = metrics.accounting(batch.stack)
    util = None
    if need_inputs:
        res, resu = evaluate(batch.x), evaluate(batch.xu)
        util = res.cathode_utilization
    if "asr" in outs:
        total = res.bulk_ohm_cm2 + res.anode.asr_ohm_cm2 + res.cathode.asr_ohm_cm2
        cols.update({
            "bulk_ohm_cm2": res.bulk_ohm_cm2,
            "asr_anode_ohm_cm2": res.anode.asr_ohm_cm2,
            "asr_cathode_ohm_cm2": res.cathode.asr_ohm_cm2,
            "asr_total_ohm_cm2": total,
            "asr_anode_untreated_ohm_cm2": resu.anode.asr_ohm_cm2,
            "asr_cathode_untreated_ohm_cm2": resu.cathode.asr_ohm_cm2,
            "asr_total_untreated_ohm_cm2": resu.bulk_ohm_cm2 + resu.anode.asr_ohm_cm2 + resu.cathode.asr_ohm_cm2,
            "anode_wetted_fraction": res.anode.wetted_fraction,
            "cathode_wetted_fraction": res.cathode.wetted_fraction,
        })
        c_rate = _base_or_column(spec, frame, "cycling.c_rate")
        if np.isfinite(c_rate).any():
            # the ohmic part of the polarization at the design's C-rate (A cm⁻² × Ω cm²)
            cols["ohmic_drop_V"] = total * c_rate * acc["capacity_mAh_cm2"] * util * 1e-3
    if "utilization" in outs:
        cols["cathode_utilization"] = util
        cols["cathode_utilization_untreated"] = resu.cathode_utilization
    if "capacity" in outs:
        cols["capacity_mAh_cm2"] = acc["capacity_mAh_cm2"]
        cols["delivered_capacity_mAh_cm2"] = acc["capacity_mAh_cm2"] * util
        cols["delivered_specific_capacity_mAh_g"] = batch.stack.cathode_specific_capacity_mAh_g * util
    if "energy_density" in outs:
        for k in ("cell_voltage_V", "stack_mass_mg_cm2", "stack_thickness_um",
                  "gravimetric_energy_density_Wh_kg", "volumetric_energy_density_Wh_L"):
            cols[k] = acc[k]
        # utilization scales the energy, not the mass or the volume
        cols["delivered_gravimetric_energy_density_Wh_kg"] = acc["gravimetric_energy_density_Wh_kg"] * util
        cols["delivered_volumetric_energy_density_Wh_L"] = acc["volumetric_energy_density_Wh_L"] * util
    if "flammable" in outs:
        for k in ("liquid_mg_cm2", "flammable_liquid_mg_cm2", "flammable_liquid_mg_Wh",
                  "combustion_heat_J_Wh", "flammable_combustion_heat_J_Wh", "safety_class"):
            cols[k] = acc[k]
    if "cost" in outs:
        cols["liquid_cost_USD_Wh"] = acc["liquid_cost_USD_Wh"]
    designs = None
    if "screening" in outs:
        from lpt.screening import screen

        designs = _designs(spec, frame, batch)
        verdict, crit, warn = [], np.zeros(len(frame), np.int64), np.zeros(len(frame), np.int64)
        for i, d in enumerate(designs):
            r = screen(d)
            verdict.append(r.verdict)
            sev = [f.severity for f in r.findings]
            crit[i], warn[i] = sev.count("critical"), sev.count("warning")
        cols["screening_verdict"] = verdict
        cols["screening_critical"] = crit
        cols["screening_warnings"] = warn
    if "cycle_life" in outs:
        designs = designs or _designs(spec, frame, batch)
        cols.update(cycle_life_columns(designs, spec.cycles))
    out = pd.DataFrame(cols, copy=False)
    stats = {"n": len(frame), "groups": len(batch.representatives), "exact_groups": batch.exact_groups,
             "mismatch": batch.mismatch, "seconds": time.perf_counter() - t0}
    return out, stats
