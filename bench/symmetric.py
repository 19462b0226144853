"""Speed of the symmetric-cell simulator (docs/benchmarks.md, "Symmetric cells").

    PYTHONPATH=src python bench/symmetric.py

Prints the wall time of 1,000 h of a Li|Li6PS5Cl|Li cell at 1 h half-cycles (one design),
the same for a Li|PEO-LiTFSI|Li cell at 70 °C (its salt polarization: 400 modes per
piece), and of a CCD map of 10 pressures × 10 temperatures (100 designs in one run).
"""

from __future__ import annotations

import time
from pathlib import Path

from lpt.design import load_design
from lpt.symmetric import ccd_map, simulate_symmetric

ROOT = Path(__file__).resolve().parents[1]


def best_of(n: int, run) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    d = load_design(ROOT / "examples" / "literature" / "doux2020_lpscl_5mpa_life.toml")
    protocol = "Plate at 0.1 mA cm-2 for 1 hour; Strip at 0.1 mA cm-2 for 1 hour"
    simulate_symmetric([d], protocol, 5)  # imports, caches
    t_life = best_of(3, lambda: simulate_symmetric([d], protocol, 500))
    peo = load_design(ROOT / "examples" / "literature" / "westover2023_peo_li_eta.toml")
    polymer = "Plate at 0.05 mA cm-2 for 1 hour; Strip at 0.05 mA cm-2 for 1 hour"
    simulate_symmetric([peo], polymer, 5)
    t_peo = best_of(3, lambda: simulate_symmetric([peo], polymer, 500))
    pressures = [0.5 + 2.0 * k for k in range(10)]
    temps = [0.0 + 10.0 * k for k in range(10)]
    t_map = best_of(3, lambda: ccd_map(d, pressures, temps, step_mA_cm2=0.1, capacity_mAh_cm2=0.5))
    print(f"1,000 h at 1 h half-cycles, one design: {t_life:.3f} s")
    print(f"1,000 h of Li|PEO-LiTFSI|Li at 70 C (salt polarization), one design: {t_peo:.3f} s")
    print(f"CCD map, 10 pressures x 10 temperatures: {t_map:.3f} s")


if __name__ == "__main__":
    main()
