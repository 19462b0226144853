"""Interface model: limit cases, conservation laws and the review's Table 1.

Each test states the physical fact it checks and why its tolerance is what it is.
A tiny scalar re-implementation of the dry/wet parallel-path formula is kept here
(as PyBaMM keeps basic_spm beside the modular models) to check the vectorized one.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from lpt.design import design_from_dict, load_design
from lpt.interface import advance, arrhenius, build_inputs, evaluate, initial_state
from lpt.constants import K_B_EV, REFERENCE_TEMPERATURE_K
from lpt.interface.model import interfacial_resistance, liquid_depleted
from lpt.parameters import parameters

ROOT = Path(__file__).resolve().parents[1]
TABLE1 = ROOT / "examples" / "table1"


def make(anode=None, cathode=None, sse="LATP", T=25.0, p=1.0, cath_sse=0.0):
    raw = {
        "name": "test cell", "area_cm2": 1.0, "temperature_C": T, "stack_pressure_MPa": p,
        "cathode": {"material": "LFP", "loading_mg_cm2": 5.0, "thickness_um": 40.0,
                    "porosity": 0.3, "sse_volume_fraction": cath_sse},
        "electrolyte": {"material": sse, "thickness_um": 500.0},
        "anode": {"material": "Li", "thickness_um": 50.0},
        "interfaces": {},
    }
    if anode:
        raw["interfaces"]["anode"] = anode
    if cathode:
        raw["interfaces"]["cathode"] = cathode
    return design_from_dict(raw)


def wet(liquid="LP-ECDMCDEC", loading=2.0):
    return {"therapy": "wetting", "liquid": liquid, "loading_uL_cm2": loading}


def test_no_liquid_gives_the_dry_result():
    # A design with therapy "none" and its `untreated()` twin are the same cell.
    d = make(anode=wet(), cathode=wet())
    dry = evaluate(build_inputs([d], untreated=True))
    none = evaluate(build_inputs([make()]))
    for side in ("anode", "cathode"):
        assert getattr(dry, side).asr_ohm_cm2[0] == pytest.approx(getattr(none, side).asr_ohm_cm2[0], rel=1e-12)
        assert getattr(dry, side).wetted_fraction[0] == 0.0


def test_more_liquid_never_raises_asr_and_saturates_when_the_gap_is_full():
    loadings = np.concatenate([np.linspace(0.001, 0.2, 40), [0.5, 1, 2, 5, 10]])
    designs = [make(anode=wet(loading=v), cathode=wet(loading=v)) for v in loadings]
    r = evaluate(build_inputs(designs))
    for side in (r.anode, r.cathode):
        asr = side.asr_ohm_cm2
        assert np.all(np.diff(asr) <= 1e-9 * asr[:-1]), "ASR rose with more liquid"
    # anode gap = 1 µm = 0.1 µL cm-2: beyond it, nothing changes
    full = loadings >= parameters().interface_gap_um * 0.1 + 1e-9
    a = r.anode.asr_ohm_cm2[full]
    assert np.allclose(a, a[0], rtol=1e-12)
    assert r.anode.asr_ohm_cm2[0] > 1.5 * a[0]


def test_reference_temperature_gives_reference_values_and_arrhenius_slopes():
    assert arrhenius(0.5, REFERENCE_TEMPERATURE_K) == pytest.approx(1.0)
    d = make()
    x = build_inputs([d])
    r = evaluate(x, temperature_K=298.15)
    bulk = x.sse_thickness_cm[0] / x.sse_sigma_S_cm[0]
    assert r.bulk_ohm_cm2[0] == pytest.approx(bulk, rel=1e-12)
    # slope of ln(1/R_bulk) vs 1/T is -Ea/k exactly (bulk is a single Arrhenius process)
    T = np.array([273.15, 298.15, 333.15])
    rb = np.array([evaluate(x, temperature_K=t).bulk_ohm_cm2[0] for t in T])
    slope = np.polyfit(1 / T, np.log(1 / rb), 1)[0]
    assert -slope * K_B_EV == pytest.approx(x.sse_Ea_eV[0], rel=1e-9)


def test_liquid_path_activation_energy_is_the_transfer_barrier_when_it_dominates():
    # Fully wetted anode of a conductive SSE: the SLEI/desolvation term dominates, so
    # the apparent Ea of the liquid path lies between film and transfer barriers and
    # within 15 % of the transfer barrier (the SEI term has its own 0.45 eV).
    d = make(anode=wet("LP-ECDMCDEC", 5.0), sse="LLZO", p=1.0)
    x = build_inputs([d])
    T = np.array([283.15, 298.15, 313.15])
    # per wetted area: the wetted fraction itself moves with T (Li creeps, its contact grows)
    rl = np.array([(lambda a: a.components_ohm_cm2["slei"][0] * a.wetted_fraction[0])(
        evaluate(x, temperature_K=t).anode) for t in T])
    Ea = -np.polyfit(1 / T, np.log(1 / rl), 1)[0] * K_B_EV
    assert Ea == pytest.approx(x.anode.transfer_Ea_eV[0], rel=1e-9)


def test_consumption_conserves_liquid_volume():
    d = make(anode=wet(loading=0.05), cathode=wet(loading=0.5))
    x = build_inputs([d])
    st = initial_state(x)
    for _ in range(200):
        st = advance(x, st, 10.0, strip_mAh_cm2=1.0, current_mA_cm2=0.1, cycles=1)
    r = evaluate(x, st)
    for s, ss in ((x.anode, st.anode), (x.cathode, st.cathode)):
        assert 0.0 <= ss.liquid_consumed_cm3_cm2[0] <= s.liquid_cm3_cm2[0]
    left = (x.anode.liquid_cm3_cm2 - st.anode.liquid_consumed_cm3_cm2
            + x.cathode.liquid_cm3_cm2 - st.cathode.liquid_consumed_cm3_cm2)
    total = x.anode.liquid_cm3_cm2 + x.cathode.liquid_cm3_cm2
    assert r.liquid_remaining_fraction[0] == pytest.approx(left[0] / total[0], rel=1e-12)
    assert r.liquid_remaining_fraction[0] < 1.0


def test_liquid_runs_out_and_the_wetted_fraction_follows():
    d = make(anode=wet(loading=0.02))
    x = build_inputs([d])
    st = initial_state(x)
    f0 = evaluate(x, st).anode.wetted_fraction[0]
    for _ in range(3000):
        st = advance(x, st, 2.0, strip_mAh_cm2=2.0, current_mA_cm2=0.1, cycles=1)
        if liquid_depleted(x, st)[0]:
            break
    assert liquid_depleted(x, st)[0]
    assert evaluate(x, st).anode.wetted_fraction[0] < 0.02 * f0


def test_a_polymerized_layer_does_not_consume_or_grow():
    d = make(cathode={"therapy": "polymerization", "precursor": "PEGMEA", "loading_uL_cm2": 1.0,
                      "liquid": "LiTFSI-ECDMC"}, sse="LLZO")
    x = build_inputs([d])
    st0 = initial_state(x)
    st = st0
    for _ in range(100):
        st = advance(x, st, 10.0, strip_mAh_cm2=1.0, current_mA_cm2=0.1, cycles=0)
    assert st.cathode.liquid_consumed_cm3_cm2[0] == 0.0
    assert evaluate(x, st).cathode.asr_ohm_cm2[0] == pytest.approx(evaluate(x, st0).cathode.asr_ohm_cm2[0])


def test_mixed_conducting_interphase_grows_parabolically_and_a_reaction_layer_blocks_it():
    # Wenzel 2016: R_MCI ∝ sqrt(t), so L^2 grows by equal steps in equal times (Wagner).
    # Behind 200 nm of LiH2PO4 (an electronic insulator) the electrons that would reduce
    # LGPS must tunnel through the layer: it grows by less than a nanometre in 100 h.
    dry = make(sse="LGPS", p=10.0)
    layer = make(sse="LGPS", p=10.0, anode={"therapy": "reaction_layer", "reagent": "H3PO4-THF",
                                            "thickness_nm": 200.0})
    x = build_inputs([dry, layer])
    st = initial_state(x)
    L2 = [st.anode.interphase_cm.copy() ** 2]
    for _ in range(2):
        st = advance(x, st, 50.0)
        L2.append(st.anode.interphase_cm.copy() ** 2)
    L2 = np.array(L2)
    d2 = np.diff(L2[:, 0])
    assert d2[0] == pytest.approx(d2[1], rel=1e-9) and d2[0] > 0
    assert np.sqrt(L2[-1, 1]) < 1e-7


def test_a_li_prewetting_liquid_whose_sei_is_an_electronic_insulator_stops_the_mci():
    # Zheng 2018: LiTFSI/Pyr13TFSI on Li forms a stable SEI instead of the Li|LSPS mixed
    # conductor.  Li meets the liquid before the SSE, so its SEI covers the contact spots
    # too (in series there) and LSPS is reduced behind it only by the electrons that leak
    # through it (a current set by the SEI's electronic conductivity, ~1e-13 S/cm): in
    # 100 h the treated interphase stays below a micrometre, an order of magnitude below
    # the dry one, which grows to micrometres as sqrt(t).
    il = make(sse="LSPS", p=10.0, anode=wet("LiTFSI-Pyr13TFSI", 8.0))
    dry = make(sse="LSPS", p=10.0)
    x = build_inputs([il, dry])
    st0 = initial_state(x)
    st = advance(x, st0, 100.0)
    assert st.anode.interphase_cm[0] < 1e-4 < st.anode.interphase_cm[1]
    assert st.anode.interphase_cm[0] < 0.1 * st.anode.interphase_cm[1]
    r = evaluate(x, st).anode
    assert r.components_ohm_cm2["solid_reaction_layer"][0] * r.contact_fraction[0] == pytest.approx(
        x.anode.layer_ohm_cm2[0], rel=1e-9)
    assert r.components_ohm_cm2["solid_reaction_layer"][1] == 0.0
    assert r.asr_ohm_cm2[0] < r.asr_ohm_cm2[1]


def test_voids_form_only_when_stripping_outruns_the_li_supply():
    # at 5 MPa the Li supply (vacancy diffusion + creep) is 0.35 mA cm-2: 0.05 is far below it
    d = make(sse="LLZO", p=5.0)
    x = build_inputs([d, d])
    st = advance(x, initial_state(x), 1.0, strip_mAh_cm2=1.0, current_mA_cm2=np.array([0.05, 2.0]))
    assert st.anode.contact_retention[0] == 1.0
    assert st.anode.contact_retention[1] < 1.0
    r = evaluate(x, st)
    assert r.local_current_factor[1] > 1.0 and r.local_current_factor[0] == pytest.approx(1.0)


def test_one_design_equals_the_same_design_inside_a_batch_of_10000():
    designs = [make(anode=wet(loading=v), cathode=wet(loading=2 * v), p=p)
               for v, p in zip(np.linspace(0.01, 3, 7), np.linspace(0.1, 50, 7))]
    x_all = build_inputs(designs)
    rng = np.random.default_rng(0)
    idx = rng.integers(0, len(designs), 10_000)
    big = x_all.take(idx)
    rb = evaluate(big)
    st = advance(big, initial_state(big), 5.0, strip_mAh_cm2=0.5, current_mA_cm2=0.3, cycles=1)
    rb2 = evaluate(big, st)
    for k in (3, 5):
        one = x_all.take(np.array([k]))
        r1 = evaluate(one)
        r12 = evaluate(one, advance(one, initial_state(one), 5.0, strip_mAh_cm2=0.5,
                                    current_mA_cm2=0.3, cycles=1))
        j = np.flatnonzero(idx == k)[0]
        for side in ("anode", "cathode"):
            assert getattr(rb, side).asr_ohm_cm2[j] == getattr(r1, side).asr_ohm_cm2[0]
            assert getattr(rb2, side).asr_ohm_cm2[j] == getattr(r12, side).asr_ohm_cm2[0]
        assert rb.cathode_utilization[j] == r1.cathode_utilization[0]


def scalar_asr(sigma, p, H, r_s, r_l, wettability, saturation, spacing_cm):
    """Readable scalar version of the parallel-path formula of docs/model.md (Li side:
    contact patches at a fixed spacing, radius spacing * sqrt(phi / pi))."""
    f_c = p / (p + H)
    f_w = (1 - f_c) * wettability * saturation
    phi = f_c + f_w
    a_cm = spacing_cm * math.sqrt(phi / math.pi)
    constr = math.pi * a_cm / (4 * sigma * phi) * (1 - math.sqrt(phi)) ** 1.5
    g = f_c / r_s + (f_w / r_l if f_w > 0 else 0.0)
    return constr + 1 / g


def test_vectorized_model_matches_the_scalar_reference():
    P = parameters()
    d = make(anode=wet(loading=0.05), sse="LLZO", p=2.0)
    x = build_inputs([d])
    r = evaluate(x)
    c = r.anode.components_ohm_cm2
    f_c = r.anode.contact_fraction[0]
    f_w = r.anode.wetted_fraction[0]
    r_s = c["solid_path"][0] * f_c
    r_l = c["liquid_path"][0] * f_w
    ref = scalar_asr(x.sse_sigma_S_cm[0], 2.0, x.anode.hardness_MPa[0], r_s, r_l,
                     x.anode.wettability[0], r.anode.saturation[0], P.li_contact_spot_spacing_um * 1e-4)
    assert r.anode.asr_ohm_cm2[0] == pytest.approx(ref, rel=1e-12)


# --- the review's Table 1, global parameters only ---------------------------------

def _table1(name):
    return load_design(TABLE1 / f"{name}.toml")


def test_latp_untreated_and_treated_interfacial_resistance_within_3x_of_reported():
    # Table 1: 4470 Ω untreated vs 90 Ω with 2 µL LiPF6 EC/DMC/DEC.
    # Calibration row for oxide|carbonate transfer (docs/model.md), so this checks
    # that the calibrated value, with everything else from the literature, holds, each
    # arm within the factor 3 that `lpt validate` allows a resistance.
    # "Interfacial resistance" as the paper's EIS fit counts it: both interface
    # ASRs plus the cathode's charge transfer on its connected particles, over the area.
    d = _table1("latp_carbonate_lfp")
    t = interfacial_resistance(evaluate(build_inputs([d])))[0] / d.area_cm2
    u = interfacial_resistance(evaluate(build_inputs([d], untreated=True)))[0] / d.area_cm2
    assert 90 / 3 <= t <= 90 * 3, t
    assert 4470 / 3 <= u <= 4470 * 3, u


def test_llzo_nbuli_control_arm_is_the_same_liquid_without_the_superbase():
    # Xu et al. 2017 compare LP30 with and without n-BuLi on the garnet: the untreated arm
    # keeps the liquid (compared = "additive"), and the superbase, by scavenging the protons
    # that would exchange the garnet's surface, lowers the anode ASR (no carbonate-attacked
    # exchanged surface under the liquid).
    d = _table1("llzo_nbuli_lfp")
    control = d.untreated()
    assert control.anode_interface.therapy == "wetting" and control.anode_interface.liquid == "LP30"
    assert control.anode_interface.additive is None and control.cathode_interface.additive is None
    t = evaluate(build_inputs([d]))
    u = evaluate(build_inputs([d], untreated=True))
    assert t.anode.asr_ohm_cm2[0] < u.anode.asr_ohm_cm2[0]
    # and the dry cell (every treatment removed) is worse than either liquid arm
    dry = evaluate(build_inputs([d.with_(anode_interface=type(d.anode_interface)(),
                                         cathode_interface=type(d.cathode_interface)())]))
    assert dry.anode.asr_ohm_cm2[0] > u.anode.asr_ohm_cm2[0]


def test_lgps_lfp_cathode_utilization_negligible_dry_and_high_with_g3():
    # Held out: nothing was calibrated on this row.
    d = _table1("lgps_g3_lfp")
    t = evaluate(build_inputs([d]))
    u = evaluate(build_inputs([d], untreated=True))
    assert u.cathode_utilization[0] < 0.10
    assert t.cathode_utilization[0] > 0.80


def test_li_and_liquid_consumed_by_the_sei_are_the_same_film():
    # One cycle of plating/stripping under the liquid, no time: the fresh SEI's volume
    # is both the liquid consumed / nu and the Li consumed / (Li per SEI volume).
    P = parameters()
    d = make(anode=wet(loading=5.0), sse="LLZO")
    x = build_inputs([d])
    st = advance(x, initial_state(x), 0.0, strip_mAh_cm2=1.0, current_mA_cm2=0.05, cycles=1)
    film_from_liquid = st.anode.liquid_consumed_cm3_cm2[0] / P.liquid_per_film_volume
    film_from_li = st.anode.li_consumed_mAh_cm2[0] / x.anode.sei_li_mAh_cm3[0]
    assert film_from_li > 0
    assert film_from_liquid == pytest.approx(film_from_li, rel=1e-12)
    # and a dry interface or a polymer consumes no Li this way
    # (a dry garnet's own interphase is self-limiting: a few nm, < 1 nAh cm-2 of Li in 10 h)
    dry = build_inputs([make(sse="LLZO")])
    assert advance(dry, initial_state(dry), 10.0, strip_mAh_cm2=1.0).anode.li_consumed_mAh_cm2[0] < 1e-6


def _pressed(design, fabrication_MPa, stack_MPa):
    import dataclasses

    cath = dataclasses.replace(design.cathode, fabrication_pressure_MPa=fabrication_MPa)
    return dataclasses.replace(design, cathode=cath, stack_pressure_MPa=stack_MPa)


def test_a_cathode_pressed_harder_touches_more_and_its_contacts_resist_less():
    """Bowden–Tabor at the pressing pressure: the LATP cell's cast LFP (soft layer, 5 MPa)
    laid on at 0.5 MPa touches 9 % of the pellet, pressed at 1 and 10 MPa more (up to its
    solid face 1 − ε = 0.55); the untreated cathode constriction and interfacial resistance
    fall with it."""
    d = load_design("examples/table1/latp_carbonate_lfp.toml")
    x = build_inputs([_pressed(d, None, 0.5), _pressed(d, 1.0, 0.5), _pressed(d, 10.0, 0.5)], untreated=True)
    r = evaluate(x)
    f_c = r.cathode.contact_fraction
    assert f_c[0] == pytest.approx(0.5 / 5.5, rel=1e-9)             # default: laid on at the stack pressure
    assert f_c[0] < f_c[1] < f_c[2] == pytest.approx(1.0 - d.cathode.porosity)
    assert np.all(np.diff(r.cathode.asr_ohm_cm2) < 0)
    assert np.all(np.diff(interfacial_resistance(r)) < 0)


def test_a_stack_pressure_below_the_pressing_pressure_only_keeps_the_cathode_contacts():
    """The composite keeps the plastic deformation of its pressing: below it the stack
    pressure changes the cathode side by nothing (the Li side still feels it); above it,
    the stack presses further."""
    d = load_design("examples/table1/latp_carbonate_lfp.toml")
    r = evaluate(build_inputs([_pressed(d, 3.0, 0.5), _pressed(d, 3.0, 2.0), _pressed(d, 3.0, 6.0)],
                              untreated=True))
    assert r.cathode.contact_fraction[1] == pytest.approx(r.cathode.contact_fraction[0], rel=1e-12)
    assert r.cathode.asr_ohm_cm2[1] == pytest.approx(r.cathode.asr_ohm_cm2[0], rel=1e-12)
    assert r.cathode.contact_fraction[2] > 1.2 * r.cathode.contact_fraction[0]
    # a composite with SSE particles was cold-pressed (375 MPa by default): 5 or 50 MPa of stack alike
    g = load_design("examples/lpscl_lig3tfsi_ncm622.toml")
    r = evaluate(build_inputs([_pressed(g, None, 5.0), _pressed(g, None, 50.0)], untreated=True))
    assert r.cathode.asr_ohm_cm2[1] == pytest.approx(r.cathode.asr_ohm_cm2[0], rel=1e-12)
    assert r.cathode.contact_fraction[0] == pytest.approx(1.0 - g.cathode.porosity, rel=1e-9)   # at its solid face


def test_a_cathode_polymer_interlayer_loses_its_coverage_as_the_cathode_breathes():
    # Review §3.2: an in-situ polymer's physical adhesion does not survive the cathode's
    # volume change; each cycle it loses k_cm·ΔV% of what it covers (the chemo-mechanical
    # law of the solid contacts, Koerver et al. 2017), so after N cycles (1 − k_cm ΔV%)^N
    # is left, the wetted fraction follows and the cathode ASR rises.  A wetting liquid
    # follows the volume change and keeps its coverage.
    from lpt import materials

    P = parameters()
    poly = make(cathode={"therapy": "polymerization", "precursor": "PEGMEA", "loading_uL_cm2": 1.0,
                         "liquid": "LiTFSI-ECDMC"}, sse="LLZO")
    liq = make(cathode=wet("LiTFSI-ECDMC", 1.0), sse="LLZO")
    x = build_inputs([poly, liq])
    st0 = initial_state(x)
    st = advance(x, st0, 0.0, strip_mAh_cm2=0.0, current_mA_cm2=0.0, cycles=100)
    dv = materials.get("LFP").volume_change_percent
    expected = (1.0 - P.chemomechanical_contact_loss * dv) ** 100
    assert st.cathode.coverage_retention[0] == pytest.approx(expected, rel=1e-12)
    assert expected < 0.9                                     # the law does something in 100 cycles
    assert st.cathode.coverage_retention[1] == 1.0
    r0, r1 = evaluate(x, st0), evaluate(x, st)
    # of the area out of solid contact (which breathing also changes), the polymer covers `expected`
    cover = [r.cathode.wetted_fraction[0] / (1.0 - r.cathode.contact_fraction[0]) for r in (r0, r1)]
    assert cover[1] == pytest.approx(expected * cover[0], rel=1e-9)
    assert r1.cathode.asr_ohm_cm2[0] > r0.cathode.asr_ohm_cm2[0]
