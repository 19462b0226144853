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
    doc = json.loads(res.out)
    pts = doc["points"]
    assert {(p["pressure_MPa"], p["temperature_C"]) for p in pts} == {(1, 25), (1, 60), (10, 25), (10, 60)}
    # the ramp the CCD belongs to travels with it, as a sentence lpt simulate reads back
    assert doc["protocol"] == ("Ramp from 0.1 mA cm-2 by 0.1 mA cm-2 every 1 cycle until short; "
                               "Plate for 0.5 mAh cm-2; Strip for 0.5 mAh cm-2")
    timed = json.loads(run("ccd", SYM, "--half-cycle-h", 0.5, "--json").out)["protocol"]
    assert timed.endswith("Plate for 0.5 hours; Strip for 0.5 hours")


@pytest.mark.parametrize("args, words", [
    (["simulate", SYM, "--protocol", "Plate for 1 hour", "--json"], "has no current"),
    (["simulate", SYM, "--protocol", "Rest for 1 hour", "--json"], "passes no current"),
    (["simulate", SYM, "--protocol", "Ramp from 0.1 mA cm-2 by 0.1 mA cm-2 every 1 cycle; Plate for 0.5 mAh cm-2; "
      "Strip for 0.5 mAh cm-2", "--json"], "a ramp needs an end"),
    (["ccd", SYM, "--step-ma-cm2", 0, "--json"], "a CCD ramp needs a current step"),
    (["ccd", SYM, "--half-cycle-h", 1, "--areal-capacity-mah-cm2", 0.5, "--json"], "one of the two; got both"),
    (["ccd", SYM, "--half-cycle-h", -1, "--json"], "a time of 0 to 100 h per half-cycle"),
])
def test_bad_symmetric_protocols_are_one_sentence(args, words):
    assert_one_sentence(run(*args), words)


def test_a_symmetric_design_with_a_cathode_section_is_one_sentence(tmp_path):
    bad = tmp_path / "sym_with_cathode.toml"
    bad.write_text(SYM.read_text() + '\n[cathode]\nmaterial = "LFP"\nloading_mg_cm2 = 5.0\nthickness_um = 40.0\n')
    for cmd in ("ccd", "simulate"):
        assert_one_sentence(run(cmd, bad, "--json"), "has no [cathode]", bad.name)


def test_a_timed_ramp_passes_current_times_time_each_half_cycle():
    # "1 h / 1 h" ramps: each half-cycle lasts the stated time, so its charge is i x t; a ramp of
    # 0.1 mA cm-2 steps run to its fifth current (an end) has run exactly 5 cycles x 2 h, and the
    # timed ramp is the protocol sentence it stands for
    from lpt.symmetric import simulate_symmetric
    from lpt.symmetric.protocol import ccd_protocol, parse_symmetric_protocol

    d = load_design(SYM)
    timed = ccd_protocol(0.1, half_cycle_h=1.0)
    assert timed == parse_symmetric_protocol("Ramp from 0.1 mA cm-2 by 0.1 mA cm-2 every 1 cycle until short; "
                                             "Plate for 1 hours; Strip for 1 hours")
    assert [s.duration_h(i) for s in timed.steps for i in (0.1, 0.7)] == [1.0, 1.0, 1.0, 1.0]
    capped = "Ramp from 0.01 mA cm-2 by 0.01 mA cm-2 every 1 cycle until 0.05 mA cm-2; Plate for 1 hour; Strip for 1 hour"
    r = simulate_symmetric([d], capped)
    assert r.end_reason[0] == "completed" and r.time_h[0] == pytest.approx(10.0, rel=1e-12)


def test_a_literature_ccd_case_states_its_charge_or_its_time_per_half_cycle(tmp_path):
    from lpt.errors import LptError
    from lpt.validation_suites import predict

    src = (ROOT / "examples" / "literature" / "zhang2025_lpscl_ccd.toml").read_text()
    both = tmp_path / "both.toml"
    both.write_text(src + "capacity_per_half_cycle_mAh_cm2 = 0.5\n")
    with pytest.raises(LptError, match="one of the two"):
        predict(str(both))
    bad = tmp_path / "bad.toml"
    bad.write_text(src.replace("ramp_half_cycle_h = 1.0", 'ramp_half_cycle_h = "an hour"'))
    with pytest.raises(LptError, match="ramp_half_cycle_h must be a positive number"):
        predict(str(bad))
