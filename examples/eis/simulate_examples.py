"""Rewrite the simulated example spectra from the current model (run after a physics change).

    .venv/bin/python examples/eis/simulate_examples.py

tests/test_calibrate.py checks that the files are the current model's (so `lpt calibrate`'s
worked example returns the shipped values); when the model moves, that test names this script.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lpt.calibrate import model_spectra
from lpt.calibrate.sources import Measurement
from lpt.design import load_design

HERE = Path(__file__).resolve().parent
DESIGN = HERE.parent / "table1" / "llzo_nbuli_lfp.toml"
TEMPERATURES_C = (25, 40, 60)
FREQUENCY_HZ = np.logspace(6, -2, 81)        # 1 MHz to 10 mHz, 10 points per decade


def main() -> None:
    design = load_design(DESIGN)
    ms = [Measurement(FREQUENCY_HZ, np.ones(FREQUENCY_HZ.size, complex), float(t)) for t in TEMPERATURES_C]
    for t, z in zip(TEMPERATURES_C, model_spectra(design, ms, {})):
        rows = "\n".join(f"{f:g},{v.real:g},{v.imag:g}" for f, v in zip(FREQUENCY_HZ, z))
        (HERE / f"llzo_nbuli_{t}C.csv").write_text("frequency_Hz,z_real_ohm,z_imag_ohm\n" + rows + "\n")


if __name__ == "__main__":
    main()
