"""Validation suites: Table 1 of the review and the literature suite of Li|SSE|Li
symmetric-cell and CCD cases (``lpt validate --suite table1|literature|all``;
docs/validation.md).

Every literature case is one design in ``examples/literature/`` whose ``[reported]``
table names its ``metric``, ``value``, ``bound`` (``value``, ``lower`` — the paper says
"more than" —, ``upper`` — "less than"), source and what is estimated; trends the papers
report are orderings in ``examples/literature/orderings.toml``. Tolerances:

============================  ==================================================
CCD, mA cm⁻²                   within a factor 2 (a lower bound: predicted ≥ value / 2)
lifetime, h                    within a factor 3 (a lower bound: predicted ≥ value / 3)
overpotential, mV              within a factor 3 (an upper bound: predicted ≤ 3 × value)
interface resistance, Ω cm²    within a factor 3 (an upper bound: predicted ≤ 3 × value)
============================  ==================================================

An interface-resistance case may name ``rest_h``: the Li|SSE side is then aged that many
hours at open circuit (every growth law of the interface model, no current) before its
resistance is read — a published R(t) series is one case per time.  A case whose number
set one of the model's parameters says ``calibration = true`` and is counted apart.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from lpt.design import load_design
from lpt.errors import LptError
from lpt.fileio import read_toml

SUITES = ("table1", "literature", "all")
FACTORS = {"ccd_mA_cm2": 2.0, "lifetime_h": 3.0, "overpotential_mV": 3.0, "interface_resistance_ohm_cm2": 3.0}
UNITS = {"ccd_mA_cm2": "mA_cm2", "lifetime_h": "h", "overpotential_mV": "mV", "interface_resistance_ohm_cm2": "ohm_cm2"}


def literature_dir() -> Path:
    """examples/literature of the source tree (the designs ship beside the package)."""
    for parent in Path(__file__).resolve().parents:
        cand = parent / "examples" / "literature"
        if cand.is_dir():
            return cand
    return Path("examples/literature")


def within(metric: str, bound: str, reported: float, predicted: float) -> bool:
    """The tolerance of a literature case (see the module's table)."""
    f = FACTORS[metric]
    if not np.isfinite(predicted):
        return False
    if bound == "lower":
        return predicted >= reported / f
    if bound == "upper":
        return predicted <= reported * f
    return reported > 0 and predicted > 0 and 1.0 / f <= predicted / reported <= f


def _ramp_number(rep: dict, key: str, path: str) -> float:
    """A CCD case's ramp number from its [reported] table, or one sentence naming it."""
    try:
        value = float(rep[key])
    except KeyError:
        raise LptError(f"{path}: [reported] of a CCD case needs {key}.") from None
    except (TypeError, ValueError):
        value = float("nan")
    if not (np.isfinite(value) and value > 0):
        raise LptError(f"{path}: [reported] {key} must be a positive number (got {rep[key]!r}).")
    return value


@lru_cache(maxsize=128)
def predict(path: str) -> tuple[float, str]:
    """The model's value of a literature case's metric, and a note (how the run ended)."""
    from lpt.interface import advance, build_inputs, evaluate, initial_state
    from lpt.symmetric import critical_current_density, half_cells, simulate_symmetric

    d = load_design(path)
    rep = d.reported
    metric = rep["metric"]
    if metric == "ccd_mA_cm2":
        # each half-cycle passes a stated charge, or lasts a stated time (the paper's "1 h / 1 h")
        per_half = {k: _ramp_number(rep, k, path) for k in ("capacity_per_half_cycle_mAh_cm2", "ramp_half_cycle_h")
                    if k in rep}
        if len(per_half) != 1:
            raise LptError(f"{path}: [reported] of a CCD case needs capacity_per_half_cycle_mAh_cm2 or "
                           f"ramp_half_cycle_h, one of the two (got {', '.join(per_half) or 'neither'}).")
        step = _ramp_number(rep, "ramp_step_mA_cm2", path)
        out = critical_current_density([d], step_mA_cm2=step,
                                       capacity_mAh_cm2=per_half.get("capacity_per_half_cycle_mAh_cm2"),
                                       half_cycle_h=per_half.get("ramp_half_cycle_h"),
                                       start_mA_cm2=_ramp_number(rep, "ramp_start_mA_cm2", path) if "ramp_start_mA_cm2" in rep
                                       else step)
        return float(out["ccd_mA_cm2"][0]), f"ramp ended by {out['end_reason'][0]}"
    if metric == "interface_resistance_ohm_cm2":
        x = build_inputs([half_cells(d)[0]])
        try:
            rest_h = float(rep.get("rest_h", 0.0))
        except (TypeError, ValueError):
            rest_h = float("nan")
        if not rest_h >= 0 or not np.isfinite(rest_h):
            raise LptError(f"{path}: [reported] rest_h must be a finite number of hours ≥ 0 (got {rep.get('rest_h')!r}).")
        if rest_h == 0:
            return float(evaluate(x).anode.asr_ohm_cm2[0]), "interface model, one Li|SSE side as assembled"
        aged = advance(x, initial_state(x), rest_h)
        return (float(evaluate(x, aged).anode.asr_ohm_cm2[0]),
                f"interface model, one Li|SSE side after {rest_h:g} h at open circuit")
    res = simulate_symmetric([d], d.cycling.protocol, d.cycling.cycles)
    if metric == "lifetime_h":
        return float(res.time_h[0]), f"{res.end_reason[0]} after {res.time_h[0]:.4g} h"
    if metric == "overpotential_mV":
        eta = res.overpotential_V[0]
        return float(1e3 * np.nanmedian(eta)), f"median of {np.isfinite(eta).sum()} cycles; {res.end_reason[0]}"
    raise LptError(f"{path}: [reported] metric '{metric}' has no predictor; allowed: {', '.join(FACTORS)}.")


def _case(suite: str, kind: str, cid: str, metric: str, unit: str, reported, predicted: float, ok: bool,
          tolerance: str, source: str, note: str = "", calibration: bool = False) -> dict:
    return {"id": cid, "suite": suite, "kind": kind, "design": cid.split(":")[0], "metric": metric, "unit": unit,
            "reported": None if reported is None else float(reported), "predicted": float(predicted),
            "within_tolerance": bool(ok), "tolerance": tolerance, "calibration": calibration,
            "source": source, "note": note}


def literature_cases(directory: Path | None = None, progress=None) -> list[dict]:
    """Every literature case and every reported trend, reported vs predicted."""
    directory = literature_dir() if directory is None else Path(directory)
    paths = sorted(directory.glob("*.toml"))
    designs = [p for p in paths if p.name != "orderings.toml"]
    cases, values, metrics = [], {}, {}
    for k, p in enumerate(designs):
        rep = load_design(p).reported
        metric, bound, value = rep["metric"], rep.get("bound", "value"), float(rep["value"])
        pred, note = predict(str(p))
        values[p.stem], metrics[p.stem] = pred, metric
        tol = {"lower": f"≥ value / {FACTORS[metric]:g}", "upper": f"≤ {FACTORS[metric]:g} × value"}.get(
            bound, f"factor {FACTORS[metric]:g}")
        # a case whose reported number set one of the model's own parameters is a calibration
        # case ([reported] calibration = true), counted apart from the held-out ones
        calibration = bool(rep.get("calibration", False))
        cases.append(_case("literature", "calibration" if calibration else "heldout", f"{p.stem}:{metric}", metric,
                           UNITS[metric], value, pred, within(metric, bound, value, pred), tol,
                           rep.get("reference", ""), f"{bound}; {note}; estimated: {rep.get('what_is_estimated', '')}",
                           calibration=calibration))
        if progress is not None:
            progress(k + 1, len(designs))
    orderings = directory / "orderings.toml"
    if orderings.exists():
        for o in read_toml(orderings, "orderings").get("ordering", []):
            for key in ("id", "metric", "higher", "lower", "source"):
                if key not in o:
                    raise LptError(f"{orderings}: an [[ordering]] has no '{key}' (each names id, metric, higher, "
                                   f"lower and source).")
            for side in ("higher", "lower"):
                if o[side] not in values:
                    raise LptError(f"{orderings}: ordering '{o['id']}' names {side} = '{o[side]}', which is not a "
                                   f"case in {directory} (a file name without .toml).")
                if metrics[o[side]] != o["metric"]:
                    raise LptError(f"{orderings}: ordering '{o['id']}' compares {o['metric']}, but case "
                                   f"'{o[side]}' reports {metrics[o[side]]}.")
            hi, lo = values[o["higher"]], values[o["lower"]]
            ok = bool(np.isfinite(hi) and np.isfinite(lo) and hi > lo)
            cases.append(_case("literature", "ordering", f"{o['id']}:ordering", o["metric"], "bool", 1.0, float(ok), ok,
                               "same ordering", o["source"], f"{o['higher']} {hi:.4g} vs {o['lower']} {lo:.4g}"))
    return cases


def _counts(cases: list[dict]) -> dict:
    def count(kind: str) -> dict:
        sel = [c for c in cases if c["kind"] == kind]
        return {"passed": sum(c["within_tolerance"] for c in sel), "total": len(sel)}
    return {"heldout": count("heldout"), "orderings": count("ordering"), "calibration": count("calibration")}


def validate(suite: str = "table1", progress=None, table1_directory: Path | None = None) -> dict:
    """The ``lpt validate --json`` document for one suite or all (docs/cli.md)."""
    from lpt.validation import validate_table1

    if suite not in SUITES:
        raise LptError(f"--suite '{suite}' is not a suite; allowed: {', '.join(SUITES)}.")
    cases, skipped, extra = [], [], {}
    if suite in ("table1", "all"):
        t1 = validate_table1(table1_directory, progress=progress)
        cases += t1["cases"]
        skipped += t1["skipped"]
        extra["tolerances"] = t1["tolerances"]
    if suite in ("literature", "all"):
        cases += literature_cases(progress=progress)
    names = [s for s in ("table1", "literature") if suite in (s, "all")]
    return {"passed": int(sum(c["within_tolerance"] for c in cases)), "total": len(cases),
            "suites": {s: _counts([c for c in cases if c["suite"] == s]) for s in names},
            "cases": cases, "skipped": skipped, **extra}
