"""``lpt data``: the contract keys, an atomic BDF export that never overwrites its
input, a plot, and one sentence (no traceback) on a bad file."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

DATA = Path(__file__).parent / "data" / "io"
SRC = Path(__file__).parents[1] / "src"


def lpt(*args):
    env = dict(os.environ, PYTHONPATH=str(SRC) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-c", "from lpt.cli import main; main()", "data", *args],
                          capture_output=True, text=True, env=env, timeout=300)


def test_summarize_json_has_the_contract_keys_and_the_files_capacities():
    done = lpt("summarize", str(DATA / "neware/neware_uio_head.csv"), "--json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert {"file", "format", "rows", "cycles"} <= set(doc) and doc["format"] == "neware_csv"
    f = pd.read_csv(DATA / "neware/neware_uio_head.csv")
    assert doc["rows"] == len(f)
    first = doc["cycles"][0]
    assert {"cycle", "charge_capacity_mAh", "discharge_capacity_mAh", "coulombic_efficiency"} <= set(first)
    # one cycle, discharge only in this cut: its capacity is the largest DChg. Cap. of its step
    assert first["discharge_capacity_mAh"] == pytest.approx(f["DChg. Cap.(Ah)"].max() * 1e3, rel=1e-9)
    assert first["coulombic_efficiency"] is None


def test_convert_writes_bdf_and_refuses_to_overwrite_its_input(tmp_path):
    src = DATA / "maccor/PredictionDiagnostics_000151_test.052"
    out = tmp_path / "cell.bdf.csv"
    assert lpt("convert", str(src), "--to", "bdf", "--out", str(out)).returncode == 0
    bdf = pd.read_csv(out)
    assert list(bdf.columns[:3]) == ["Test Time / s", "Voltage / V", "Current / A"]
    assert np.isclose(bdf["Current / A"].iat[0], -4.8400091554)
    before = src.read_bytes()
    refused = lpt("convert", str(src), "--to", "bdf", "--out", str(src))
    assert refused.returncode != 0 and "overwrite" in refused.stderr and "Traceback" not in refused.stderr
    assert src.read_bytes() == before


def test_plot_writes_a_png(tmp_path):
    out = tmp_path / "cell.png"
    assert lpt("plot", str(DATA / "neware/test.ndax"), "--out", str(out)).returncode == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_file_that_is_not_cycling_data_is_one_sentence(tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("shopping list\neggs\nmilk\n")
    done = lpt("summarize", str(bad), "--json")
    assert done.returncode != 0 and done.stdout == "" and "Traceback" not in done.stderr
    assert done.stderr.strip().count("\n") == 0
