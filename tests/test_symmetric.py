"""Li|SSE|Li symmetric cells and critical current densities: physical facts.

Each test names the fact it checks; tolerances say why they are what they are. The CCD
is resolved to the ramp's step, so orderings are asserted as "≥ one step more".
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from lpt.design import design_from_dict
from lpt.errors import LptError
from lpt.interface import build_inputs, evaluate, initial_state
from lpt.interface.mechanisms.li_metal import critical_overpotential_V
from lpt.symmetric import ccd_map, critical_current_density, half_cells, parse_symmetric_protocol, simulate_symmetric
from lpt.symmetric.cell import li_terms

ONE_HOUR = "Plate at 0.1 mA cm-2 for 1 hour; Strip at 0.1 mA cm-2 for 1 hour"


def sym(sse="LPSCl", p=5.0, T=25.0, anode=None, counter=None, fab=None, **electrolyte):
    raw = {"name": "sym", "cell": "symmetric", "area_cm2": 1.0, "temperature_C": T, "stack_pressure_MPa": p,
           "electrolyte": {"material": sse, "thickness_um": 800.0, **electrolyte},
           "anode": {"material": "Li", "thickness_um": 100.0}, "interfaces": {}}
    if fab is not None:
        raw["fabrication_pressure_MPa"] = fab
    if anode:
        raw["interfaces"]["anode"] = anode
    if counter:
        raw["interfaces"]["counter"] = counter
    return design_from_dict(raw)


def ccd(designs, step=0.1, q=0.5):
    return critical_current_density(designs, step_mA_cm2=step, capacity_mAh_cm2=q)["ccd_mA_cm2"]


def test_ccd_rises_with_stack_pressure_and_temperature():
    pressures = [1.0, 5.0, 20.0]
    m = ccd_map(sym(), pressures, [25.0, 60.0])
    c = {(pt["pressure_MPa"], pt["temperature_C"]): pt["ccd_mA_cm2"] for pt in m["points"]}
    for T in (25.0, 60.0):
        assert c[(1.0, T)] < c[(5.0, T)] < c[(20.0, T)]
    for p in pressures:
        assert c[(p, 60.0)] >= c[(p, 25.0)] + 0.1


def test_ccd_falls_as_a_poorer_contact_raises_the_interface_asr():
    # Li attached at 2, 20 and 200 MPa, tested without stack pressure (Flatscher et al. 2020:
    # CCD falls as the interface ASR rises)
    designs = [sym(sse="Al-LLZO", p=0.0, fab=f) for f in (2.0, 20.0, 200.0)]
    x = build_inputs([half_cells(d)[0] for d in designs])
    asr = evaluate(x).anode.asr_ohm_cm2
    c = ccd(designs, step=0.05, q=0.1)
    assert asr[0] > asr[1] > asr[2]
    assert c[0] < c[1] <= c[2]


def test_a_gel_interlayer_and_a_wetting_liquid_raise_the_ccd():
    gel = {"therapy": "polymerization", "precursor": "DOL-ring-opening", "loading_uL_cm2": 1.0}
    liquid = {"therapy": "wetting", "liquid": "LiTFSI-Pyr13TFSI", "loading_uL_cm2": 2.0}
    bare, with_gel, wetted = ccd([sym(), sym(anode=gel, counter=gel), sym(anode=liquid, counter=liquid)])
    assert with_gel >= bare + 0.1 and wetted >= bare + 0.1


def test_very_high_pressure_leaves_no_voids():
    # 500 MPa: creep supplies 25 mA cm-2, far above 1 mA cm-2 of stripping
    r = simulate_symmetric([sym(p=500.0)], "Plate at 1 mA cm-2 for 1 hour; Strip at 1 mA cm-2 for 1 hour", 20)
    x = build_inputs([half_cells(sym(p=500.0))[0]])
    full = evaluate(x).anode.contact_fraction[0]
    assert r.end_reason[0] == "completed"
    assert np.allclose(r.contact_working[0], full, rtol=1e-12)


def test_zero_current_gives_zero_overpotential_and_rests_are_at_zero_volts():
    r = simulate_symmetric([sym()], "Plate at 1e-9 mA cm-2 for 1 hour; Rest for 30 minutes; "
                                    "Strip at 1e-9 mA cm-2 for 1 hour", 3)
    assert np.nanmax(r.overpotential_V) < 1e-9       # 1e-12 A cm-2 × ~100 Ω cm²
    rec = r.design_record(0)
    assert 0.0 in rec["voltage_V"]


def test_equal_sides_give_a_symmetric_voltage_and_unequal_sides_do_not():
    # on a garnet only a self-limited interphase of a few nm forms (Ma et al. 2016: it
    # stops at ~5 unit cells; electronically insulating, it grows by < 0.1 pm in an hour),
    # so the plating and stripping halves of equal sides mirror each other to 1e-4; on
    # Li6PS5Cl the interphase thickens with time as sqrt(t) (Aktekin 2023), so the later
    # half is larger
    r = simulate_symmetric([sym(sse="LLZO")], ONE_HOUR, 2)
    v = np.asarray(r.design_record(0)["voltage_V"])
    plate, strip = v[v < 0], v[v > 0]
    assert plate.min() == pytest.approx(-strip.max(), rel=1e-4)
    gel = {"therapy": "polymerization", "precursor": "DOL-ring-opening", "loading_uL_cm2": 1.0}
    lop = simulate_symmetric([sym(anode=gel, counter={"therapy": "none"})], ONE_HOUR, 2)
    assert lop.asr_working_ohm_cm2[0, 0] != pytest.approx(lop.asr_counter_ohm_cm2[0, 0], rel=1e-3)


def test_the_fast_li_side_asr_equals_the_interface_model():
    designs = [sym(p=p, anode={"therapy": "wetting", "liquid": "LiTFSI-Pyr13TFSI", "loading_uL_cm2": 0.02})
               for p in (0.5, 5.0, 50.0)]
    x = build_inputs([half_cells(d)[0] for d in designs])
    st = initial_state(x)
    ref = evaluate(x, st).anode.asr_ohm_cm2
    fast = li_terms(x, st, x.temperature_K).asr_ohm_cm2(st.anode.contact_retention)
    assert np.allclose(fast, ref, rtol=1e-12)


def test_the_stand_in_cathode_does_not_touch_the_li_side():
    working = half_cells(sym())[0]
    other = replace(working, cathode=replace(working.cathode, material="NCM811", loading_mg_cm2=20.0))
    a, b = (evaluate(build_inputs([d])).anode.asr_ohm_cm2[0] for d in (working, other))
    assert a == b


def test_li_contact_constriction_falls_as_p_to_the_minus_half_at_low_pressure():
    # patches at a fixed spacing grow with the contact: R ∝ phi^-1/2 (arXiv:2501.00600)
    designs = [sym(sse="Al-LLZO", p=p) for p in (0.01, 0.04)]
    r = evaluate(build_inputs([half_cells(d)[0] for d in designs]))
    constr = r.anode.components_ohm_cm2["constriction"]
    phi = r.anode.contact_fraction
    # without the flux-tube factor the spots give exactly phi^-1/2 ...
    bare = constr / (1.0 - np.sqrt(phi)) ** 1.5
    assert np.log(bare[1] / bare[0]) / np.log(phi[1] / phi[0]) == pytest.approx(-0.5, rel=1e-9)
    # ... and in pressure the slope stays near -1/2 (spots of fixed size would give -1)
    slope = np.log(constr[1] / constr[0]) / np.log(4.0)
    assert -0.6 < slope < -0.5


def test_porz_criterion_75_MPa_at_10_mV():
    # Duan et al. quoting Porz et al. 2017: 10 mV of overpotential stresses Li by 75 MPa;
    # a flaw whose Griffith stress is 75 MPa opens at 10 mV (V_m = 13 cm3/mol: 1 %)
    c_cm = (1.0 / (1.12 * 75.0)) ** 2 / np.pi * 1e2          # K_IC 1 MPa m^0.5
    assert critical_overpotential_V(1.0, c_cm) == pytest.approx(0.0101, rel=0.01)


@pytest.mark.parametrize("text, why", [
    ("Plate for 1 hour", "no current"),
    ("Ramp from 0.1 mA cm-2 by 0.1 mA cm-2 every 1 cycle; Plate for 0.5 mAh cm-2", "needs an end"),
    ("Rest for 1 hour", "passes no current"),
    ("Charge at 0.1 mA cm-2 for 1 hour", "not a step"),
    ("Plate at 0 mA cm-2 for 1 hour", "above 0"),
])
def test_bad_protocols_are_one_sentence(text, why):
    with pytest.raises(LptError, match=why):
        parse_symmetric_protocol(text)


def test_a_symmetric_design_rejects_a_cathode_and_a_full_cell_rejects_a_counter_side():
    raw = {"name": "s", "cell": "symmetric", "area_cm2": 1.0, "temperature_C": 25.0, "stack_pressure_MPa": 1.0,
           "cathode": {"material": "LFP", "loading_mg_cm2": 5.0, "thickness_um": 40.0},
           "electrolyte": {"material": "LPSCl", "thickness_um": 500.0}, "anode": {"material": "Li", "thickness_um": 50.0}}
    with pytest.raises(LptError, match="has no \\[cathode\\]"):
        design_from_dict(raw)
    full = {**raw, "cell": "full", "interfaces": {"counter": {"therapy": "none"}}}
    with pytest.raises(LptError, match="second Li side"):
        design_from_dict(full)
    with pytest.raises(LptError, match="symmetric cell"):
        build_inputs([sym()])


def test_latp_wetted_cathode_asr_no_longer_climbs_with_pressure():
    # The pore mouths of the composite stay liquid: contact is capped at its solid face
    # (1 - porosity), so the wetted area cannot vanish; from 50 to 500 MPa the treated
    # cathode ASR changes by < 10 % (it used to rise 10x), and the untreated arm's
    # interfacial resistance falls with pressure over the whole range.
    from lpt.design import load_design
    from lpt.interface.model import interfacial_resistance
    from pathlib import Path

    d = load_design(Path(__file__).resolve().parents[1] / "examples" / "table1" / "latp_carbonate_lfp.toml")
    designs = [d.with_(stack_pressure_MPa=p) for p in (0.5, 5.0, 50.0, 500.0)]
    treated = evaluate(build_inputs(designs))
    untreated = evaluate(build_inputs(designs, untreated=True))
    ca = treated.cathode.asr_ohm_cm2
    assert ca[3] < 1.1 * ca[2]
    assert ca[3] < ca[0] / (1.0 - 0.45) / 0.45      # bounded by the porosity: f_w >= eps cos(theta)
    assert np.all(np.diff(interfacial_resistance(untreated)) < 0)


def test_the_cyclers_voltage_limit_is_the_designs_when_it_states_one():
    # a thick LLZO pellet at 0 °C: 0.5 mA cm⁻² through it needs ~2.5 V (no voids at 20 MPa);
    # the default 1 V limit counts that as lost contact, a stated 5 V limit does not
    def cell(limit=None):
        raw = {"name": "v", "cell": "symmetric", "area_cm2": 1.0, "temperature_C": 0.0, "stack_pressure_MPa": 20.0,
               "electrolyte": {"material": "LLZO", "thickness_um": 1000.0},
               "anode": {"material": "Li", "thickness_um": 100.0}}
        if limit is not None:
            raw["cycling"] = {"voltage_limit_V": limit}
        return design_from_dict(raw)

    r = simulate_symmetric([cell(), cell(5.0)], "Plate at 0.5 mA cm-2 for 0.2 hours; Strip at 0.5 mA cm-2 for 0.2 hours", 2)
    assert 1.0 < r.overpotential_V[1, 0] < 5.0
    assert list(r.end_reason) == ["contact_lost", "completed"]


def test_a_voltage_limit_on_a_full_cell_is_one_sentence():
    import tomllib

    raw = tomllib.loads((Path(__file__).resolve().parents[1] / "examples" / "table1" / "latp_carbonate_lfp.toml").read_text())
    raw.setdefault("cycling", {})["voltage_limit_V"] = 5.0
    with pytest.raises(LptError, match="voltage_limit_V is the cycler's limit of a symmetric cell"):
        design_from_dict(raw)
