"""`lpt ccd` and symmetric `lpt simulate`: grids, progress, and bad protocols in one sentence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lpt.design import load_design
from lpt.symmetric import ccd_map
from lpt.symmetric.ccd import MAX_MAP_POINTS

ROOT = Path(__file__).resolve().parents[1]
SYM = ROOT / "examples" / "literature" / "pervez2020_llzo_il_eta.toml"


from test_reliability_cli import assert_one_sentence, cli as run


def test_ccd_grid_json_is_complete_and_progress_counts_every_point():
    calls = []
    out = ccd_map(load_design(SYM), [1.0, 5.0, 10.0], [25.0, 60.0], progress=lambda d, t: calls.append((d, t)))
    assert len(out["points"]) == 6
    done = [d for d, _ in calls]
    assert done == sorted(done) and calls[-1] == (6, 6)


def test_a_grid_beyond_the_limit_is_one_sentence():
    pressures = [float(p) for p in range(MAX_MAP_POINTS // 10 + 1)]
    res = run("ccd", SYM, *[a for p in pressures for a in ("--pressure-mpa", p)],
              *[a for t in range(10) for a in ("--temperature-c", t)], "--json")
    assert_one_sentence(res, f"at most {MAX_MAP_POINTS} run at once")


def test_ccd_json_over_a_grid(tmp_path):
    res = run("ccd", SYM, "--pressure-mpa", 1, "--pressure-mpa", 10, "--temperature-c", 25, "--temperature-c", 60,
              "--json")
    assert res.code == 0, res.err
    pts = json.loads(res.out)["points"]
    assert {(p["pressure_MPa"], p["temperature_C"]) for p in pts} == {(1, 25), (1, 60), (10, 25), (10, 60)}


@pytest.mark.parametrize("args, words", [
    (["simulate", SYM, "--protocol", "Plate for 1 hour", "--json"], "has no current"),
    (["simulate", SYM, "--protocol", "Rest for 1 hour", "--json"], "passes no current"),
    (["simulate", SYM, "--protocol", "Ramp from 0.1 mA cm-2 by 0.1 mA cm-2 every 1 cycle; Plate for 0.5 mAh cm-2; "
      "Strip for 0.5 mAh cm-2", "--json"], "a ramp needs an end"),
    (["ccd", SYM, "--step-ma-cm2", 0, "--json"], "a CCD ramp needs a current step"),
])
def test_bad_symmetric_protocols_are_one_sentence(args, words):
    assert_one_sentence(run(*args), words)


def test_a_symmetric_design_with_a_cathode_section_is_one_sentence(tmp_path):
    bad = tmp_path / "sym_with_cathode.toml"
    bad.write_text(SYM.read_text() + '\n[cathode]\nmaterial = "LFP"\nloading_mg_cm2 = 5.0\nthickness_um = 40.0\n')
    for cmd in ("ccd", "simulate"):
        assert_one_sentence(run(cmd, bad, "--json"), "has no [cathode]", bad.name)
