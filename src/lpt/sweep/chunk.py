"""One chunk of a sweep → one table of results (pure; runs on a Dask worker or in-process).

The hot path has no per-design Python.  A chunk's designs are grouped by their
text-valued keys (materials, liquids, therapies): for each group one representative
design is built and validated; the chunk then becomes a :class:`lpt.batch.DesignBatch`
(the representatives, and every numeric design key as an array with the rows' varied
values written in) and goes through the same path as any list of designs:
:func:`lpt.interface.inputs.inputs_from_batch` and :func:`lpt.metrics.stack_from_batch`.
The physics then runs once on the whole chunk.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from lpt import metrics, overrides
from lpt.batch import DesignBatch, Group, design_numbers
from lpt.design import Design, design_from_dict
from lpt.interface.inputs import Inputs, inputs_from_batch
from lpt.sweep.spec import Rows, apply_values, categorical_columns, combos, raw_design


# --- the chunk -----------------------------------------------------------------------------

@dataclass(frozen=True)
class ChunkSpec:
    """What a worker needs besides the chunk's rows (small, picklable)."""

    base_raw: dict
    source: str
    outputs: tuple[str, ...]
    cycles: int | None = None
    parameters: tuple[tuple[str, float], ...] = ()   # values in force (lpt.overrides) on the client


@dataclass(frozen=True)
class Batch:
    """A chunk's designs as arrays: interface inputs (treated, untreated) and stack."""

    designs: DesignBatch
    x: Inputs | None
    xu: Inputs | None
    stack: metrics.Stack

    @property
    def representatives(self) -> tuple[Group, ...]:
        return self.designs.groups


def design_batch(spec: ChunkSpec, frame: pd.DataFrame) -> DesignBatch:
    """The designs of ``frame`` (rows = designs, columns = varied keys) as a batch."""
    n = len(frame)
    cats = categorical_columns(frame)
    row = Rows(frame)
    groups = tuple(Group(design_from_dict(raw_design(spec.base_raw, row(idx[0])), spec.source), idx)
                   for _, idx in combos(frame, cats))
    numbers: dict[str, np.ndarray] = {}
    for g in groups:
        for key, value in design_numbers(g.design).items():
            numbers.setdefault(key, np.empty(n))[g.rows] = value
    for key in frame.columns:
        if key in numbers:
            v = row.numbers(key).astype(float)
            # a key the row's therapy does not take is empty: the representative's value stands
            numbers[key] = np.where(np.isnan(v), numbers[key], v)
    return DesignBatch(n, numbers, groups)


def build_batch(spec: ChunkSpec, frame: pd.DataFrame, *, need_inputs: bool = True) -> Batch:
    """Inputs for every design of ``frame`` in row order: one path for all of them."""
    designs = design_batch(spec, frame)
    x = inputs_from_batch(designs) if need_inputs else None
    xu = inputs_from_batch(designs, untreated=True) if need_inputs else None
    return Batch(designs, x, xu, metrics.stack_from_batch(designs))


def _designs(spec: ChunkSpec, frame: pd.DataFrame, batch: Batch) -> list[Design]:
    """Every design of the chunk as a :class:`Design` (for per-design models: screening, life)."""
    row = Rows(frame)
    out: list[Design | None] = [None] * len(frame)
    for g in batch.representatives:
        for i in g.rows:
            out[i] = apply_values(g.design, row(i))
    return out  # type: ignore[return-value]


def _base_or_column(spec: ChunkSpec, frame: pd.DataFrame, key: str) -> np.ndarray:
    if key in frame:
        return frame[key].to_numpy(dtype=float)
    node: Any = spec.base_raw
    for p in key.split("."):
        node = node.get(p) if isinstance(node, dict) else None
    return np.full(len(frame), np.nan if node is None else float(node))


DEFAULT_CYCLES = 100


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
    with overrides.applied(dict(spec.parameters)):
        return _evaluate_chunk(spec, frame)


def _evaluate_chunk(spec: ChunkSpec, frame: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
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
        # every term of the ASR breakdown, walked from the mechanism registry
        for side in ("anode", "cathode"):
            for name, v in getattr(res, side).components_ohm_cm2.items():
                cols[f"asr_{side}_{name}_ohm_cm2"] = v
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
    stats = {"n": len(frame), "groups": len(batch.representatives), "seconds": time.perf_counter() - t0}
    return out, stats
