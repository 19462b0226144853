"""Synthetic cells for the calibration tests and bench/calibration.py (shared, not a test)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lpt.calibrate.fit import Measurement, calibrate, model_spectra
from lpt.calibrate.names import lookup
from lpt.design import load_design

ROOT = Path(__file__).resolve().parents[1]
DESIGN = ROOT / "examples" / "table1" / "llzo_nbuli_lfp.toml"
TEMPERATURES_C = (25.0, 40.0, 60.0)
NOISE = 0.01   # 1 % of |Z| on Z' and on Z''

COVERAGE_NAMES = ["li_contact_hardness_MPa", "li_sse_exchange_current_mA_cm2", "materials.LLZO.conductivity_S_cm"]
SIX_NAMES = COVERAGE_NAMES + ["materials.LFP.exchange_current_mA_cm2", "interphase_activation_energy_eV",
                              "slei.oxide.carbonate.r0_ohm_cm2"]


def synthetic_cell(names, rng, n_points: int = 30, temperatures=TEMPERATURES_C):
    """A design, the true values of ``names`` drawn from their priors, and noisy spectra."""
    design = load_design(DESIGN)
    truth = {p.name: p.value * float(np.exp(rng.normal(0.0, p.prior_sigma_ln))) for p in lookup(names, design)}
    f = np.logspace(6, -1, n_points)
    clean = model_spectra(design, [Measurement(f, np.ones(n_points, complex), T) for T in temperatures], truth)
    ms = [Measurement(f, z + NOISE * np.abs(z) * (rng.normal(size=n_points) + 1j * rng.normal(size=n_points)), T)
          for z, T in zip(clean, temperatures)]
    return design, truth, ms


def coverage_run(n_cells: int, names, seed: int) -> tuple[int, int, int]:
    """(intervals covering the truth, intervals, parameters flagged not identifiable)."""
    rng = np.random.default_rng(seed)
    hits = total = undetermined = 0
    for _ in range(n_cells):
        design, truth, ms = synthetic_cell(names, rng)
        c = calibrate(design, names, ms)
        for name, e in c.parameters.items():
            if e.identifiable:
                total += 1
                hits += int(e.ci90[0] <= truth[name] <= e.ci90[1])
            else:
                undetermined += 1
    return hits, total, undetermined
