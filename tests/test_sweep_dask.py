"""Sweeps on a real Dask cluster (local worker processes on loopback).

The case: a worker process is killed (SIGKILL) while chunks are in flight.  Dask
reschedules its tasks on the surviving worker; the client writes each chunk once.
The expected fact: the sweep finishes with exactly the rows of an uninterrupted run —
none lost, none doubled, the same numbers to the last bit (the chunks are pure).
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lpt.sweep import load_results, run_sweep

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "examples" / "table1" / "latp_carbonate_lfp.toml"

SWEEP = f"""
base = "{BASE}"
chunk_size = 100
[sampling]
method = "lhs"
n = 3000
seed = 5
[vary]
"interfaces.anode.liquid" = ["LP30", "LiG3TFSI", "Pyr13TFSI", "LP-ECDMCDEC"]
"interfaces.cathode.liquid" = ["LP30", "LiG3TFSI", "Pyr13TFSI", "LP-ECDMCDEC"]
"interfaces.anode.loading_uL_cm2" = {{ min = 0.05, max = 8.0, log = true }}
"electrolyte.material" = ["LATP", "LLZO", "LAGP"]
"electrolyte.thickness_um" = {{ min = 30.0, max = 600.0 }}
"temperature_C" = {{ min = 0.0, max = 80.0 }}
[outputs]
include = ["asr", "utilization", "energy_density", "flammable", "cost"]
"""


@pytest.fixture(scope="module")
def cluster():
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", processes=True,
                      dashboard_address=None) as c, Client(c) as client:
        yield c, client


def test_worker_killed_mid_sweep_loses_and_doubles_nothing(tmp_path, cluster):
    _, client = cluster
    p = tmp_path / "sweep.toml"
    p.write_text(SWEEP)
    before = set(client.scheduler_info()["workers"])
    killed: dict = {}

    def kill_a_busy_worker(index, path):
        if killed:
            return
        busy = {w: ks for w, ks in client.processing().items() if ks}
        addr = next(iter(busy), next(iter(before)))
        pid = client.run(os.getpid, workers=[addr])[addr]
        killed.update(addr=addr, in_flight=list(busy.get(addr, [])))
        os.kill(pid, signal.SIGKILL)  # the worker process dies at once, mid-chunk

    summary = run_sweep(p, tmp_path / "killed", client=client, on_chunk_written=kill_a_busy_worker)
    assert killed["in_flight"], "the killed worker had no chunk in flight; the test proved nothing"
    assert killed["addr"] not in set(client.scheduler_info()["workers"])
    assert sorted(summary.computed) == list(range(30)) and not summary.failed

    ref = run_sweep(p, tmp_path / "ref", workers=0)
    assert ref.n_designs == 3000
    got, want = load_results(tmp_path / "killed"), load_results(tmp_path / "ref")
    assert len(got) == 3000 and got["design_id"].is_unique
    assert np.array_equal(got["design_id"], want["design_id"])
    pd.testing.assert_frame_equal(got, want)


def test_a_scheduler_address_is_used_as_given(tmp_path, cluster):
    c, _ = cluster
    p = tmp_path / "sweep.toml"
    p.write_text(SWEEP.replace("n = 3000", "n = 400"))
    s = run_sweep(p, tmp_path / "out", scheduler=c.scheduler_address)
    assert len(s.computed) == 4 and len(load_results(tmp_path / "out")) == 400
