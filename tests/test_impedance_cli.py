"""`lpt eis ...` through the real entry point: contract keys, clean failures."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data" / "eis"
SRC = Path(__file__).parents[1] / "src"


def lpt(*args):
    env = dict(os.environ, PYTHONPATH=str(SRC) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-c", "from lpt.cli import main; main()", "eis", *args],
                          capture_output=True, text=True, env=env, timeout=120)


def test_validate_json():
    out = lpt("validate", str(DATA / "exampleData.csv"), "--json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert isinstance(doc["valid"], bool) and isinstance(doc["max_residual_percent"], float)


def test_fit_json_several_files():
    out = lpt("fit", str(DATA / "exampleData.csv"), str(DATA / "exampleDataZPlot.z"),
              "--circuit", "R0-p(R1,CPE1)-p(R2,CPE2)-W1", "--json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert isinstance(doc["wall_s"], float) and len(doc["spectra"]) == 2
    s = doc["spectra"][0]
    assert {"file", "circuit", "converged", "chi_square", "parameters"} <= set(s)
    assert set(s["parameters"]) == {"R0", "R1", "CPE1_0", "CPE1_1", "R2", "CPE2_0", "CPE2_1", "W1"}
    assert {"value", "stderr"} == set(s["parameters"]["R0"])


def test_drt_json():
    out = lpt("drt", str(DATA / "1ZARC.csv"), "--json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert len(doc["tau_s"]) == len(doc["gamma_ohm"]) > 10
    assert doc["peaks"] and {"tau_s", "resistance_ohm"} <= set(doc["peaks"][0])


def test_arrhenius_json_with_temperatures_after_one_flag():
    files = [str(DATA / n) for n in ("exampleData.csv", "exampleDataAutolab.txt", "exampleData.csv")]
    out = lpt("arrhenius", *files, "--temperatures-c", "25", "40", "60", "--circuit", "R0-p(R1,CPE1)-W1", "--json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert {"activation_energy_eV", "stderr_eV", "prefactor"} <= set(doc["processes"]["R1"])


@pytest.mark.parametrize("args", [
    ("validate", str(DATA / "SHA256SUMS"), "--json"),
    ("fit", str(DATA / "exampleData.csv"), "--circuit", "R0-p(R1,Q1)", "--json"),
    ("drt", str(DATA / "missing.csv"), "--json"),
    ("arrhenius", str(DATA / "exampleData.csv"), "--temperatures-c", "25", "40", "--circuit", "R0-p(R1,C1)"),
])
def test_failures_are_one_line_on_stderr(args):
    out = lpt(*args)
    assert out.returncode != 0
    assert out.stdout == ""
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1


IO = Path(__file__).parent / "data" / "io"


def test_fit_of_a_folder_goes_on_past_the_mpr_of_a_cycling_step(tmp_path):
    """EC-Lab writes a .mpr beside each .mpt; a folder with a GCPL .mpr (no impedance)
    is fitted on its readable spectra and the skipped file is named on stderr."""
    for src in (DATA / "exampleDataBioLogic.mpt", IO / "biologic" / "v1150_GCPL.mpr"):
        (tmp_path / src.name).write_bytes(src.read_bytes())
    out = lpt("fit", str(tmp_path), "--circuit", "R0-p(R1,CPE1)", "--json")
    assert out.returncode == 0, out.stderr
    assert len(json.loads(out.stdout)["spectra"]) == 1
    assert "skipped" in out.stderr and "v1150_GCPL.mpr" in out.stderr


def test_spectrum_option_picks_one_sweep_of_a_multi_sweep_file():
    mpr = str(IO / "biologic" / "v1150_PEIS.mpr")
    refused = lpt("drt", mpr, "--json")
    assert refused.returncode != 0 and "--spectrum" in refused.stderr
    out = lpt("validate", mpr, "--spectrum", "2", "--json")
    assert out.returncode == 0, out.stderr
    (row,) = json.loads(out.stdout)["spectra"]
    assert row["file"].endswith("#sweep2")
    too_far = lpt("validate", mpr, "--spectrum", "9", "--json")
    assert too_far.returncode != 0 and "holds 4" in too_far.stderr
