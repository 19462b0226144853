"""Interface-model throughput: evaluations per second for a batch of 10⁶ designs.

Run: .venv/bin/python bench/interface.py
There is no open-source model of a liquid-wetted SSE interface to anchor against,
so the anchor here is lpt's own per-design loop (one design per call, as a user
scripting a spreadsheet-like loop would do), measured in the same run.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from lpt.design import load_design
from lpt.interface import build_inputs, evaluate, initial_state, advance

ROOT = Path(__file__).resolve().parents[1]


def main(n: int = 1_000_000) -> None:
    designs = [load_design(p) for p in sorted((ROOT / "examples" / "table1").glob("*.toml"))]
    base = build_inputs(designs)
    rng = np.random.default_rng(1)
    x = base.take(rng.integers(0, base.n, n))
    # vary the continuous inputs so no two designs are identical
    x = replace(x, pressure_MPa=x.pressure_MPa * rng.uniform(0.5, 2.0, n),
                anode=replace(x.anode, liquid_cm3_cm2=x.anode.liquid_cm3_cm2 * rng.uniform(0.1, 2.0, n)),
                cathode=replace(x.cathode, liquid_cm3_cm2=x.cathode.liquid_cm3_cm2 * rng.uniform(0.1, 2.0, n)))
    st = initial_state(x)
    evaluate(x, st)  # warm-up
    t0 = time.perf_counter()
    r = evaluate(x, st)
    t_eval = time.perf_counter() - t0
    t0 = time.perf_counter()
    advance(x, st, 1.0, strip_mAh_cm2=1.0, current_mA_cm2=0.1, cycles=1)
    t_adv = time.perf_counter() - t0
    # anchor: the same model called one design at a time
    m = 2000
    t0 = time.perf_counter()
    for k in range(m):
        one = x.take(slice(k, k + 1))
        evaluate(one)
    t_loop = (time.perf_counter() - t0) / m
    per_s = n / t_eval
    print(f"designs in batch            : {n:,}")
    print(f"evaluate (both interfaces)  : {t_eval:.3f} s -> {per_s:,.0f} designs/s "
          f"({2 * per_s:,.0f} interface evaluations/s)")
    print(f"advance one step            : {t_adv:.3f} s -> {n / t_adv:,.0f} designs/s")
    print(f"one-design-per-call loop    : {1 / t_loop:,.0f} designs/s")
    print(f"ratio batch / loop          : {per_s * t_loop:,.0f}x")
    assert np.isfinite(r.anode.asr_ohm_cm2).all()


if __name__ == "__main__":
    main()
