"""Calibration: coverage of the 90 % intervals over synthetic cells, and the time of one fit.

Run: .venv/bin/python bench/calibration.py [--cells 100]

Synthetic cells: the LLZO | n-BuLi | LFP design of Table 1 with its parameters drawn
from their priors (ln-normal, widths from their status), spectra at 25, 40 and 60 °C
(60 points, 1 MHz–0.1 Hz) with 1 % Gaussian noise on Z' and Z'' (relative to |Z|); each
cell calibrated from the shipped values. There is no open tool that fits SSE-interface
parameters (PyBOP fits PyBaMM models), so the figure of merit is statistical: a 90 %
interval must cover the truth in 85–95 % of cases; and the time per fit (≤ 5 s for 6
parameters on 3 × 60 points).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from calibration_cases import COVERAGE_NAMES, SIX_NAMES, coverage_run, synthetic_cell  # noqa: E402


def symmetric_time_domain(cycles: int = 30):
    """One time-domain calibration: a Li|LPSCl|Li cell's per-cycle overpotential."""
    from lpt import overrides
    from lpt.calibrate import SymmetricCycling, calibrate
    from lpt.design import load_design
    from lpt.symmetric import simulate_symmetric

    design = load_design(ROOT / "examples" / "literature" / "doux2020_lpscl_5mpa_life.toml")
    protocol = "Plate at 0.2 mA cm-2 for 60 minutes; Strip at 0.2 mA cm-2 for 60 minutes"
    names = ["materials.LPSCl.conductivity_S_cm", "li_contact_hardness_MPa"]
    with overrides.applied({names[0]: 2e-3, names[1]: 4.0}):
        eta = simulate_symmetric([design], protocol, cycles=cycles).overpotential_V[0]
    eta = eta * (1 + 0.01 * np.random.default_rng(0).normal(size=eta.size))
    calibrate(design, names, sources=[SymmetricCycling(eta, protocol)])
    return cycles, names


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cells", type=int, default=100)
    args = ap.parse_args()
    from lpt.calibrate.fit import calibrate

    design, truth, ms = synthetic_cell(SIX_NAMES, np.random.default_rng(11), n_points=60)
    calibrate(design, SIX_NAMES, ms)  # warm caches
    t0 = time.perf_counter()
    c = calibrate(design, SIX_NAMES, ms)
    t_six = time.perf_counter() - t0
    print(f"one fit, 6 parameters on 3 x 60 points: {t_six:.2f} s, {c.evaluations} model evaluations")
    from lpt.calibrate.profile import profile

    t0 = time.perf_counter()
    pr = profile(c, SIX_NAMES[0])
    print(f"profile of {SIX_NAMES[0]}: {time.perf_counter() - t0:.2f} s, {pr.values.size} points")
    t0 = time.perf_counter()
    n, names = symmetric_time_domain()
    print(f"symmetric cell, {len(names)} parameters on {n} cycles of overpotential: {time.perf_counter() - t0:.2f} s")
    t0 = time.perf_counter()
    hits, total, undetermined = coverage_run(args.cells, COVERAGE_NAMES, seed=2024)
    wall = time.perf_counter() - t0
    print(f"{args.cells} synthetic cells, {len(COVERAGE_NAMES)} parameters each: {total} intervals of identifiable "
          f"parameters, {hits} cover the truth = {hits / total:.1%} (nominal 90 %); "
          f"{undetermined} flagged not identifiable; {wall:.1f} s")


if __name__ == "__main__":
    main()
