"""Life of every Table 1 design: 1,000 cycles with the interfaces evolving.

Run: .venv/bin/python bench/life.py
Target (issue "Cycling and life"): 1,000 cycles of one Table 1 design in ≤ 2 s.  No
other open tool runs a solid-state cell with an evolving liquid-wetted interface, so
there is no anchor here; bench/cycling_vs_pybamm.py compares the cycling engine with
PyBaMM's SPM on the physics both describe.  Best of two runs per design.
"""

from __future__ import annotations

import time
from pathlib import Path

from lpt.cycling.life import simulate_designs
from lpt.design import load_design

ROOT = Path(__file__).resolve().parents[1]


def main(n_cycles: int = 1000) -> None:
    for path in sorted((ROOT / "examples" / "table1").glob("*.toml")):
        d = load_design(path)
        simulate_designs([d], 3)  # warm caches (knowledge base, OCV tables)
        best = float("inf")
        for _ in range(2):
            t0 = time.perf_counter()
            res, _ = simulate_designs([d], n_cycles)
            best = min(best, time.perf_counter() - t0)
        print(f"{path.stem:26s} {best:6.2f} s  {int(res.cycles_completed[0]):5d} cycles  "
              f"{res.end_reason[0]:15s} {res.protocol}")


if __name__ == "__main__":
    main()
