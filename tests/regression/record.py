"""Record lpt's outputs on every shipped example (the "behaviour unchanged" reference).

Refactors must leave these numbers unchanged; a physics change re-records them in the
same commit that changes the physics, and says in its message what moved and why:

    .venv/bin/python tests/regression/record.py      # writes tests/regression/golden.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).with_name("golden.json")
SWEEP_SAMPLE_ROWS = 300


def designs() -> list[Path]:
    return sorted((ROOT / "examples").glob("*.toml")) + sorted((ROOT / "examples" / "table1").glob("*.toml"))


def _plain(v):
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items() if k not in ("wall_s", "seconds")}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, (np.floating, np.integer)):
        return v.item()
    if isinstance(v, float) and not np.isfinite(v):
        return repr(v)
    return v


def sweep_rows(spec_path: Path) -> dict:
    from lpt.sweep import expand, load_sweep
    from lpt.sweep.chunk import ChunkSpec, evaluate_chunk

    sweep = load_sweep(spec_path)
    plan = expand(sweep)
    frame = plan.frame
    rng = np.random.default_rng(0)
    pick = np.sort(rng.choice(len(frame), size=min(SWEEP_SAMPLE_ROWS, len(frame)), replace=False))
    spec = ChunkSpec(base_raw=sweep.base_raw, source=sweep.source, outputs=sweep.outputs, cycles=sweep.cycles)
    out, _ = evaluate_chunk(spec, frame.iloc[pick])
    cols = {}
    for c in out.columns:
        v = out[c].to_numpy()
        cols[c] = [x if isinstance(x, str) else (None if x is None else _plain(float(x)) if np.issubdtype(type(x), np.number) else str(x)) for x in v]
    return {"rows": [int(i) for i in pick], "columns": cols}


def record() -> dict:
    from lpt.design import load_design
    from lpt.impedance.model import spectrum_json
    from lpt.interface import asr_report
    from lpt.validation import validate_table1

    out: dict = {"asr": {}, "eis": {}, "simulate": {}, "sweeps": {}}
    for p in designs():
        d = load_design(p)
        key = str(p.relative_to(ROOT))
        out["asr"][key] = _plain(asr_report(d))
        out["eis"][key] = _plain(spectrum_json(d))
    from lpt.cycling.life import simulate_designs

    for p in sorted((ROOT / "examples" / "table1").glob("*.toml")):
        d = load_design(p)
        res, _ = simulate_designs([d], 5)
        rec = res.design_record(0)
        out["simulate"][str(p.relative_to(ROOT))] = _plain({k: v for k, v in rec.items() if k != "wall_s"})
    val = validate_table1()
    out["validate"] = _plain({"passed": val["passed"], "total": val["total"],
                              "cases": [{k: c.get(k) for k in ("id", "metric", "kind", "reported", "predicted",
                                                                "within_tolerance")} for c in val["cases"]]})
    for p in sorted((ROOT / "examples" / "sweeps").glob("*.toml")):
        out["sweeps"][str(p.relative_to(ROOT))] = sweep_rows(p)
    return out


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    GOLDEN.write_text(json.dumps(record(), indent=0, sort_keys=True))
    print(f"wrote {GOLDEN}")
