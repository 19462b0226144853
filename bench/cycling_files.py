"""Benchmark: reading and summarising a 10⁶-record cycler file, lpt beside cellpy and navani.

Run from the repository root::

    .venv/bin/python bench/cycling_files.py [--rows 1000000] [--peers-python /work/venv-peers/bin/python]

Writes an Arbin-style CSV export (``Data_Point, Date_Time, Test_Time(s), Step_Index,
Cycle_Index, Current(A), Voltage(V), Charge_Capacity(Ah), Discharge_Capacity(Ah)``;
CC cycles of 2 A at 1 s records; the capacities accumulate over a cycle, as Arbin's do)
and a Maccor-style tab export of the same data (unsigned current beside a ``State``
column, ``0d hh:mm:ss`` times, ``Amp-hr`` per step), then times ``lpt.io.read_cycling``
+ ``cycle_summary`` on each (best of three; wall clock and CPU time) and checks the per-cycle
capacities against the closed form (2 A × 1800 s = 1000 mA h).

cellpy (MIT) and navani (MIT) pin NumPy < 2 / pandas < 3 and do not install beside
lpt, so they run in a separate virtual environment (``python -m venv /work/venv-peers;
/work/venv-peers/bin/pip install cellpy navani``) through ``bench/peers/*.py`` as
subprocesses: navani reads the Maccor file (its Maccor reader expects the one-line
"Today's Date" preamble written here), cellpy the Arbin CSV (``arbin_sql_csv``). Their
times include reading and summarising, not importing (timed apart).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
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
    step_Ah = CURRENT_A * tau / 3600.0
    cycle = half // 2 + 1
    charge_Ah = pd.Series(np.where(charging, step_Ah, 0.0)).groupby(cycle).cummax().to_numpy()
    return pd.DataFrame({
        "Data_Point": k + 1,
        "Date_Time": (pd.Timestamp("2024-01-01") + pd.to_timedelta(k + 1, unit="s")).strftime("%Y-%m-%d %H:%M:%S"),
        "Test_Time(s)": k + 1.0, "Step_Index": np.where(charging, 2, 3),
        "Cycle_Index": cycle, "Current(A)": current,
        "Voltage(V)": np.where(charging, 3.5 + 0.2 * tau / HALF_CYCLE_S, 3.9 - 0.2 * tau / HALF_CYCLE_S),
        "Charge_Capacity(Ah)": charge_Ah,                    # held through the cycle's discharge
        "Discharge_Capacity(Ah)": np.where(charging, 0.0, step_Ah),
    }), step_Ah


def as_maccor(frame: pd.DataFrame, step_Ah: np.ndarray, path: Path) -> None:
    seconds = frame["Test_Time(s)"].to_numpy()
    days, rest = np.divmod(seconds, 86400)
    clock = pd.to_datetime(rest, unit="s").strftime("%H:%M:%S")
    out = pd.DataFrame({"Rec#": frame["Data_Point"], "Cyc#": frame["Cycle_Index"], "Step": frame["Step_Index"],
                        "TestTime": [f"{int(d)}d {c}" for d, c in zip(days, clock)],
                        "Amp-hr": step_Ah, "Amps": frame["Current(A)"].abs(), "Volts": frame["Voltage(V)"],
                        "State": np.where(frame["Current(A)"] > 0, "C", "D")})
    with open(path, "w") as stream:
        stream.write("Today's Date 01/01/2024  Date of Test:\t01/01/2024\t Filename:\tbench.001\n")
        out.to_csv(stream, sep="\t", index=False)


def peer(python: str, script: str, path: Path) -> dict | str:
    """A peer's JSON result, or why there is none."""
    if not Path(python).exists():
        return f"no peers' Python at {python} (see the module docstring)"
    run = subprocess.run([python, str(Path(__file__).parent / "peers" / script), str(path)],
                         capture_output=True, text=True, timeout=3600, check=False)
    if run.returncode:
        return "failed: " + (run.stderr.strip().splitlines() or ["no message"])[-1][:200]
    return json.loads(run.stdout.strip().splitlines()[-1])


def best_of(n, fn):
    """(wall s, CPU s, result): the best of n runs. The CPU time (all threads) is what
    a run costs when other jobs share the 2 cores and stretch the wall clock."""
    walls, cpus = [], []
    for _ in range(n):
        start, cpu = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--peers-python", default=os.environ.get("LPT_PEERS_PYTHON", "/work/venv-peers/bin/python"))
    args = parser.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.2f}; pandas {pd.__version__}, numpy {np.__version__}")
    frame, step_Ah = synthetic(args.rows)
    expected_mAh = CURRENT_A * HALF_CYCLE_S / 3.6
    peers = {"arbin csv": ("cellpy", "cellpy_summary.py"), "maccor txt": ("navani", "navani_summary.py")}
    with tempfile.TemporaryDirectory() as tmp:
        files = {"arbin csv": Path(tmp) / "arbin.csv", "maccor txt": Path(tmp) / "maccor.txt"}
        frame.to_csv(files["arbin csv"], index=False)
        as_maccor(frame, step_Ah, files["maccor txt"])
        for label, path in files.items():
            size = path.stat().st_size / 2**20
            wall, cpu, summary = best_of(3, lambda path=path: cycle_summary(read_cycling(path)))
            full = summary.iloc[:-1]
            error = np.abs(full[["charge_capacity_mAh", "discharge_capacity_mAh"]] / expected_mAh - 1).max().max()
            print(f"{label}: {args.rows:,} records ({size:.0f} MiB); lpt read + summarise {wall:.2f} s (CPU {cpu:.2f} s), "
                  f"{len(summary)} cycles, max capacity error {error:.1e} (closed form {expected_mAh:.1f} mAh), "
                  f"CE of cycle 1 {summary['coulombic_efficiency'].iat[0]:.9f}")
            name, script = peers[label]
            result = peer(args.peers_python, script, path)
            if isinstance(result, str):
                print(f"  {name}: {result}")
                continue
            charge, discharge = np.array(result["charge_mAh"][:-1]), np.array(result["discharge_mAh"][:-1])
            peer_error = np.abs(np.r_[charge, discharge] / expected_mAh - 1).max()
            print(f"  {name}: read + summarise {result['read_summarise_s']:.2f} s (CPU {result['cpu_s']:.2f} s; "
                  f"import {result['import_s']:.2f} s), "
                  f"{result['cycles']} cycles, max capacity error {peer_error:.1e}, cycle 1: charge "
                  f"{charge[0]:.4f} mAh, discharge {discharge[0]:.4f} mAh, CE {result['efficiency'][0]:.9f}")


if __name__ == "__main__":
    main()
