"""`lpt eis` constraints, truthful flags, DRT options and guards, through the real entry point."""

import json
import os
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).parent / "data" / "eis"
SRC = Path(__file__).parents[1] / "src"
CSV = str(DATA / "exampleData.csv")


def lpt(*args):
    env = dict(os.environ, PYTHONPATH=str(SRC) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-c", "from lpt.cli import main; main()", "eis", *args],
                          capture_output=True, text=True, env=env, timeout=120)


def test_fit_with_fixed_bounded_and_linked_parameters_reports_them(tmp_path):
    start = tmp_path / "start.toml"
    start.write_text("R1 = 0.01\nCPE1_0 = 100.0\n")
    out = lpt("fit", CSV, "--circuit", "R0-p(R1,CPE1)-p(R2,CPE2)-W1", "--fix", "R0=0.015",
              "--bounds", "CPE1_1=0.5:1", "--link", "CPE2_1=CPE1_1", "--initial", "R2=0.01",
              "--initial-file", str(start), "--json")
    assert out.returncode == 0, out.stderr
    s = json.loads(out.stdout)["spectra"][0]
    assert s["parameters"]["R0"]["value"] == 0.015 and s["parameters"]["R0"]["stderr"] is None
    assert s["parameters"]["CPE2_1"]["value"] == s["parameters"]["CPE1_1"]["value"]
    assert s["fixed"] == ["R0"] and s["links"] == {"CPE2_1": "CPE1_1"}
    assert isinstance(s["at_bound"], list) and isinstance(s["undetermined"], list)
    assert {p["name"] for p in s["processes"]} == {"R1", "R2"}


def test_a_saved_fit_seeds_the_next_one(tmp_path):
    first = lpt("fit", CSV, "--circuit", "R0-p(R1,CPE1)-p(R2,CPE2)", "--json")
    saved = tmp_path / "fit.json"
    saved.write_text(first.stdout)
    again = lpt("fit", CSV, "--circuit", "R0-p(R1,CPE1)-p(R2,CPE2)", "--initial-file", str(saved), "--json")
    assert again.returncode == 0, again.stderr
    a, b = (json.loads(o.stdout)["spectra"][0]["chi_square"] for o in (first, again))
    assert b <= a * (1 + 1e-9)


def test_bad_constraints_fail_in_one_sentence():
    for args, word in [(["--fix", "R9=1"], "did you mean"), (["--bounds", "CPE1_1=0.5:2"], "domain"),
                       (["--fix", "R0"], "NAME=VALUE"), (["--bounds", "R1=1"], "LO:HI"),
                       (["--fix", "R1=1", "--bounds", "R1=0.1:2"], "both fixed and bounded")]:
        out = lpt("fit", CSV, "--circuit", "R0-p(R1,CPE1)", *args, "--json")
        assert out.returncode != 0 and word in out.stderr and "Traceback" not in out.stderr
        assert out.stderr.strip().count("\n") == 0


def test_drt_json_has_band_rule_blocking_and_warnings():
    out = lpt("drt", CSV, "--lambda-rule", "lcurve", "--json")
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert d["lambda_rule"] == "lcurve" and len(d["gamma_lower_ohm"]) == len(d["tau_s"])
    assert all({"resistance_stderr_ohm", "likely_origin", "basis"} <= set(p) for p in d["peaks"])
    assert "blocking" in d and isinstance(d["warnings"], list)


def test_arrhenius_refuses_kelvin_given_as_celsius():
    """273 and 298 "°C" are 0 and 25 °C typed in kelvin (both inside the CLI's -60 to 300 °C)."""
    out = lpt("arrhenius", CSV, str(DATA / "exampleDataZPlot.z"), "--temperatures-c", "273", "298",
              "--circuit", "R0-p(R1,CPE1)", "--json")
    assert out.returncode != 0 and "kelvin" in out.stderr and "Traceback" not in out.stderr


def test_validate_reports_z_hit_beside_lin_kk():
    out = lpt("validate", CSV, "--json")
    d = json.loads(out.stdout)
    assert d["valid"] and d["spectra"][0]["z_hit"]["max_residual_percent"] > 0
