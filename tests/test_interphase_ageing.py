"""Li-side interphases ageing at open circuit: the mixed-conducting Li|LGPS interphase, the
passivating Li|argyrodite one and the Li|polymer (PEO-LiTFSI) interphase.

Each test states a physical fact of interphase growth (Wagner's parabolic law and its
limits, Arrhenius temperature dependence) or the one published number the polymer law
rests on, and checks the interface model reproduces it."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from lpt import materials
from lpt.constants import ZERO_CELSIUS_K
from lpt.design import load_design
from lpt.interface import advance, build_inputs, evaluate, initial_state
from lpt.interface.chemistry import electrode_interphase, polymer_sei_growth_ohm2_cm4_h
from lpt.interface.chemistry.growth import interphase_thickness_cm, open_circuit_growth_ohm2_cm4_h
from lpt.interface.chemistry.tables import reactants
from lpt.symmetric import half_cells
from lpt.validation_suites import literature_cases, predict

ROOT = Path(__file__).resolve().parents[1]
LIT = ROOT / "examples" / "literature"
PEO_CASE = LIT / "li2001_peo_litfsi_30d_asr.toml"


def _side(sse: str, temperature_C: float, hours, pressure_MPa: float = 1.0):
    """Interphase resistance (per contact area) of one Li|SSE side after ``hours`` at open circuit."""
    d = load_design(PEO_CASE)
    d = replace(d, electrolyte=replace(d.electrolyte, material=sse), temperature_C=temperature_C,
                stack_pressure_MPa=pressure_MPa)
    x = build_inputs([half_cells(d)[0]] * len(hours))
    st = advance(x, initial_state(x), np.asarray(hours, float))
    return evaluate(x, st).anode.solid_ohm_cm2["interphase"]


def test_wagner_growth_is_parabolic_when_bare_and_linear_behind_an_insulating_cover():
    # bare (no cover): L² − L0² = 2 k t, so doubling the time doubles L² − L0²
    vm, E, amb = 20.0, 1.7, 1e-9
    work = lambda t: vm * E * t * 3600.0 / 96485.33212  # noqa: E731  (eq. W's V_m E t / F)
    L0 = np.array([1e-6])
    L1 = interphase_thickness_cm(L0, amb, vm, E, np.array([10.0]), 0.0, 0.0)
    L2 = interphase_thickness_cm(L0, amb, vm, E, np.array([20.0]), 0.0, 0.0)
    assert (L2**2 - L0**2) / (L1**2 - L0**2) == pytest.approx(2.0, rel=1e-9)
    assert (L1**2 - L0**2) == pytest.approx(2 * amb * work(10.0), rel=1e-9)
    # behind a thick, barely conducting cover the electron leak through the cover limits:
    # L − L0 ≈ σ_c V_m E t / (F L_c), linear in t
    cover_cm, sigma_c = 1e-4, 1e-16
    d1 = interphase_thickness_cm(L0, amb, vm, E, np.array([100.0]), cover_cm, sigma_c) - L0
    d2 = interphase_thickness_cm(L0, amb, vm, E, np.array([200.0]), cover_cm, sigma_c) - L0
    assert d2 / d1 == pytest.approx(2.0, rel=1e-3)
    assert d1 == pytest.approx(sigma_c * work(100.0) / cover_cm, rel=1e-3)


def test_interphase_resistance_grows_monotonically_at_open_circuit_for_lgps_argyrodite_and_peo():
    hours = [0.0, 1.0, 10.0, 100.0, 1000.0]
    for sse in ("LGPS", "LPSCl", "PEO-LiTFSI"):
        r = _side(sse, 25.0, hours)
        assert np.all(np.diff(r) > 0), sse


def test_mixed_conducting_lgps_grows_as_sqrt_t_and_far_faster_than_the_passivating_argyrodite():
    # long after assembly R² is linear in t (R ∝ √t): R(4t)/R(t) → 2
    r = _side("LGPS", 25.0, [1000.0, 4000.0])
    assert r[1] / r[0] == pytest.approx(2.0, rel=0.02)
    ip_lgps = electrode_interphase(materials.get("LGPS"), materials.get("Li"))
    ip_lpscl = electrode_interphase(materials.get("LPSCl"), materials.get("Li"))
    assert ip_lgps.kind == "mixed_conducting" and ip_lpscl.kind == "passivating"
    # the electron-conducting LGPS interphase thickens orders of magnitude faster
    # (Aktekin et al. 2023: ~0.7 mAh cm⁻² of Li in a week on LGPS, ~0.06 in 400 h on Li6PS5Cl)
    assert ip_lgps.rate_cm2_h > 100.0 * ip_lpscl.rate_cm2_h


def test_li_lgps_interphase_keeps_wenzels_published_sqrt_t_slope_long_after_assembly():
    # Wenzel et al. (Solid State Ionics 318 (2018) 102) fit the Li|LGPS interphase resistance as
    # R = 83.9 + 45.1 √(t/h) Ω cm²; lpt's R² − R0² = 2 k_R t carries the same slope once R ≫ R0:
    # between 1000 h and 4000 h dR/d√t is 45.1 Ω cm² h^-½ per contact area (to 1 %: the
    # remaining curvature of √(R0² + 2 k_R t) there is ~1e-3).
    r = _side("LGPS", 25.0, [1000.0, 4000.0])
    assert (r[1] - r[0]) / (math.sqrt(4000.0) - math.sqrt(1000.0)) == pytest.approx(45.1, rel=0.01)


def test_li_lgps_resistance_series_is_within_30_percent_of_wenzels_fit_over_its_first_12_hours():
    # the R(t) calibration cases at 0, 1, 6 and 12 h (examples/literature/wenzel2018_lgps_*h_asr.toml;
    # their slope sets k_R, so this checks the law's shape, assembly time and contact bookkeeping);
    # 30 %: the model's square-root law has no non-growing offset, the published fit does, so
    # the model lags most (~25 %) an hour or two after assembly, where √t grows fastest
    # (docs/validation.md, "Li|LGPS resistance vs time").
    for hours in (0, 1, 6, 12):
        path = LIT / f"wenzel2018_lgps_{hours}h_asr.toml"
        reported = load_design(path).reported
        assert float(reported["value"]) == pytest.approx(83.9 + 45.1 * math.sqrt(hours), abs=0.05)
        predicted, _ = predict(str(path))
        assert predicted == pytest.approx(float(reported["value"]), rel=0.30), hours


def test_li_peo_interphase_reproduces_its_source_point_per_contact_area():
    # the law's one published point: 67 Ω cm² after 30 days at 80 °C (Li et al. 2001);
    # per contact area, the model's interphase after that rest is the measured value plus
    # what was there at assembly (grown over mci_assembly_hours)
    r = _side("PEO-LiTFSI", 80.0, [720.0])[0]
    assert r == pytest.approx(67.0, rel=0.02)


def test_li_peo_interphase_falls_with_temperature_at_a_given_age():
    # R = L/σ: a hotter film grows thicker but conducts more; with one activation energy
    # R(t) ∝ g(T)^(-1/2) — the polymer interphase is smaller at 80 °C than at 60 °C
    hours = [500.0]
    r60, r80 = _side("PEO-LiTFSI", 60.0, hours)[0], _side("PEO-LiTFSI", 80.0, hours)[0]
    assert r80 < r60
    from lpt.constants import arrhenius
    from lpt.parameters import parameters
    Ea = parameters().interphase_activation_energy_eV
    g = lambda c: float(arrhenius(Ea, c + ZERO_CELSIUS_K))  # noqa: E731
    assert r60 / r80 == pytest.approx(math.sqrt(g(80.0) / g(60.0)), rel=0.05)


def test_open_circuit_growth_constant_is_the_source_point_moved_to_25C():
    rec = reactants()["sse"]["PEO-LiTFSI"]
    k25 = open_circuit_growth_ohm2_cm4_h(rec, "test")
    point = rec["open_circuit_resistance_ohm_cm2"]
    k80 = point["value"] ** 2 / (2 * point["hours"])
    assert k25 > k80  # the film resists more at 25 °C for the same age
    assert polymer_sei_growth_ohm2_cm4_h() == pytest.approx(2 * k25)


def test_an_in_situ_polymer_interlayer_on_li_now_ages_and_costs_li_not_polymer():
    d = load_design(ROOT / "examples" / "literature" / "wang2021_gel_sulfide_ccd.toml")
    x = build_inputs([half_cells(d)[0]])
    st0 = initial_state(x)
    st = advance(x, st0, 100.0)
    r0 = evaluate(x, st0).anode.liquid_ohm_cm2["sei"][0]
    r1 = evaluate(x, st).anode.liquid_ohm_cm2["sei"][0]
    assert r1 > r0
    assert st.anode.li_consumed_mAh_cm2[0] > 0
    assert st.anode.liquid_consumed_cm3_cm2[0] == 0.0


def test_a_case_that_set_a_parameter_is_counted_as_calibration_not_heldout():
    cases = {c["id"]: c for c in literature_cases()}
    c = cases["li2001_peo_litfsi_30d_asr:interface_resistance_ohm_cm2"]
    assert c["kind"] == "calibration" and c["calibration"] is True
    assert "720 h at open circuit" in c["note"]
    # resting raises the resistance a case reports: the same design read as assembled is lower
    assert np.isfinite(c["predicted"]) and c["predicted"] > _side("PEO-LiTFSI", 80.0, [0.0])[0] * 0.37


@pytest.mark.parametrize("rest", ['"a day"', "-5.0"])
def test_a_rest_time_that_is_not_hours_is_one_sentence(tmp_path, rest):
    from lpt.errors import LptError
    from lpt.validation_suites import predict

    text = (LIT / "li2001_peo_litfsi_30d_asr.toml").read_text()
    assert "rest_h" in text
    bad = tmp_path / "case.toml"
    bad.write_text("\n".join(f"rest_h = {rest}" if line.startswith("rest_h") else line
                             for line in text.splitlines()))
    with pytest.raises(LptError, match=r"rest_h must be a finite number of hours ≥ 0"):
        predict(str(bad))
