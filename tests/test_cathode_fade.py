"""Capacity fade at the cathode when the Li side and the liquid are healthy (docs/model.md §3.3).

The sulfide SSE is oxidized by the charged cathode on the composite's active|SSE contacts;
the layer grows by Wagner's law (parabolic in time), is electron-limited behind a coating
on the particles, and sits in series for the current entering the particles through the SSE.
Particle breathing breaks solid contacts in proportion to the volume change (Koerver 2017).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from lpt.design import design_from_dict
from lpt.interface import advance, build_inputs, evaluate, initial_state
from lpt.interface.mechanisms.cathode_oxidation import sse_oxidation_resistance_ohm_cm2
from lpt.parameters import parameters


def composite(sse="LGPS", cathode="LCO", coating_nm=0.0, T=25.0):
    """A dry composite cathode (35 vol% SSE) on the SSE pellet, Li anode behind a designed layer."""
    return design_from_dict({
        "name": "composite cathode", "area_cm2": 1.0, "temperature_C": T, "stack_pressure_MPa": 50.0,
        "cathode": {"material": cathode, "loading_mg_cm2": 4.0, "thickness_um": 20.0, "porosity": 0.2,
                    "sse_volume_fraction": 0.35, "coating_thickness_nm": coating_nm},
        "electrolyte": {"material": sse, "thickness_um": 500.0},
        "anode": {"material": "Li", "thickness_um": 100.0},
        "interfaces": {"anode": {"therapy": "reaction_layer", "reagent": "H3PO4-THF", "thickness_nm": 500.0}},
    })


def grown_cm(designs, hours):
    x = build_inputs(designs)
    return advance(x, initial_state(x), hours).cathode.sse_oxidation_cm


def test_the_oxidation_layer_grows_parabolically_from_nothing():
    # Wagner's law from L0 = 0: L² = 2 k t, so four times the time doubles the layer.  The
    # closed-form update is exact over any interval, so one step of 4t equals four of t.
    d = composite()
    L1, L4 = grown_cm([d], 100.0)[0], grown_cm([d], 400.0)[0]
    assert L1 > 0
    assert L4 / L1 == pytest.approx(2.0, rel=1e-9)
    x = build_inputs([d])
    st = initial_state(x)
    for _ in range(4):
        st = advance(x, st, 100.0)
    assert st.cathode.sse_oxidation_cm[0] == pytest.approx(L4, rel=1e-9)


def test_the_layer_matches_the_estimate_it_was_set_from():
    # The ambipolar conductivity was set from ~10 nm in the first 10 h at LGPS|LiCoO2
    # (parameters.toml): the model must give back that order of magnitude (5-20 nm).
    L_nm = grown_cm([composite()], 10.0)[0] * 1e7
    assert 5.0 < L_nm < 20.0


def test_an_oxide_sse_and_a_cathode_below_the_onset_grow_no_oxidation_layer():
    # LLZO is kinetically stable at cathode potentials; TiS2 (2.15 V mean) sits 0.01 V
    # above the LGPS onset (2.14 V), LiCoO2 1.76 V: L ∝ sqrt(E) puts TiS2's layer below a
    # tenth of LiCoO2's.
    assert grown_cm([composite(sse="LLZO")], 1000.0)[0] == 0.0
    tis2, lco = grown_cm([composite(cathode="TiS2"), composite(cathode="LCO")], 1000.0)
    assert tis2 < 0.1 * lco


def test_a_higher_cathode_potential_grows_a_thicker_layer():
    # LiCoO2 (3.9 V mean) drives the LGPS oxidation harder than LiFePO4 (3.4 V): the
    # parabolic constant scales with the driving voltage, L ∝ sqrt(E).
    lco, lfp = grown_cm([composite(cathode="LCO"), composite(cathode="LFP")], 1000.0)
    assert lco > lfp > 0
    x = build_inputs([composite(cathode="LCO"), composite(cathode="LFP")])
    e_lco, e_lfp = x.sse_oxidation_driving_V
    assert lco / lfp == pytest.approx(np.sqrt(e_lco / e_lfp), rel=1e-9)


def test_a_coated_cathode_grows_its_layer_much_slower_and_a_zero_coating_is_bare():
    # Electrons must cross an insulating LiNbO3-type coating (Ohta et al. 2007).  Over
    # 1000 h its electronic resistance L_c/σ_c is several times the bare layer's
    # L/(2σ_amb), so growth is cover-limited (nearly linear) and the layer stays below a
    # quarter of the bare one; 0 nm is the bare cathode exactly, and thicker coats slow more.
    bare, zero, coated, thick = grown_cm([composite(), composite(coating_nm=0.0), composite(coating_nm=10.0),
                                          composite(coating_nm=20.0)], 1000.0)
    assert zero == bare
    assert coated < 0.25 * bare
    assert thick < coated


def test_the_layer_adds_its_resistance_over_the_active_surface_reached():
    # R = L / (σ_ox a_s u) × (SSE share of the ionic phase; 1 in a dry composite), and the
    # cathode ASR rises by exactly that component.
    d = composite()
    x = build_inputs([d])
    st0 = initial_state(x)
    st = advance(x, st0, 2000.0)
    r0, r = evaluate(x, st0), evaluate(x, st)
    ox = r.cathode.components_ohm_cm2["cathode_sse_oxidation"][0]
    P = parameters()
    expected = st.cathode.sse_oxidation_cm[0] / P.sse_oxidation_conductivity_S_cm / (
        x.cathode_active_area_cm2_cm2[0] * r.cathode_utilization[0])
    assert ox == pytest.approx(expected, rel=1e-9)
    assert r0.cathode.components_ohm_cm2["cathode_sse_oxidation"][0] == 0.0
    assert r.cathode.asr_ohm_cm2[0] - r0.cathode.asr_ohm_cm2[0] == pytest.approx(ox, rel=1e-6)
    assert sse_oxidation_resistance_ohm_cm2(x, st0, x.temperature_K, r0.cathode_utilization)[0] == 0.0


def test_a_cathode_without_sse_particles_has_no_oxidation_resistance():
    # A liquid-filled porous electrode (no SSE in it) meets the SSE only at its face: the
    # composite's contacts, where the layer grows, do not exist.
    d = composite()
    d = dataclasses.replace(d, cathode=dataclasses.replace(d.cathode, sse_volume_fraction=0.0))
    x = build_inputs([d])
    r = evaluate(x, advance(x, initial_state(x), 2000.0))
    assert r.cathode.components_ohm_cm2["cathode_sse_oxidation"][0] == 0.0


def test_the_layer_fades_the_capacity_and_a_coating_keeps_it():
    # Over 60 cycles at C/10 (~1200 h) the growing layer costs LGPS|LiCoO2 capacity; the
    # coated cathode keeps more of it.  Both start from the same capacity within 0.5 %.
    from lpt.cycling.life import simulate_designs

    result, _ = simulate_designs([composite(), composite(coating_nm=10.0)], 60,
                                 protocol="Charge at 0.1C until 4.2 V; Discharge at 0.1C until 3.0 V")
    q = np.asarray(result.discharge_capacity_mAh_g)
    keep = q[:, 59] / q[:, 0]
    assert q[1, 0] == pytest.approx(q[0, 0], rel=5e-3)
    assert keep[0] < 0.99
    assert keep[1] > keep[0]


def test_no_volume_change_breaks_no_contacts_and_more_breaks_more():
    # Chemo-mechanical contact loss (Koerver et al. 2017): a cathode that does not breathe
    # keeps all its solid contacts; the loss per cycle grows with the volume change.
    d = composite()
    x = build_inputs([d, d, d])
    x = dataclasses.replace(x, cathode_volume_change_percent=np.array([0.0, 2.0, 6.8]))
    st = advance(x, initial_state(x), 0.0, cycles=200)
    m = st.solid_network_retention
    assert m[0] == 1.0
    assert 1.0 > m[1] > m[2] >= parameters().chemomechanical_residual_contact
