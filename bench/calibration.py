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
    t0 = time.perf_counter()
    hits, total, undetermined = coverage_run(args.cells, COVERAGE_NAMES, seed=2024)
    wall = time.perf_counter() - t0
    print(f"{args.cells} synthetic cells, {len(COVERAGE_NAMES)} parameters each: {total} intervals of identifiable "
          f"parameters, {hits} cover the truth = {hits / total:.1%} (nominal 90 %); "
          f"{undetermined} flagged not identifiable; {wall:.1f} s")


if __name__ == "__main__":
    main()
