"""Li⁺ transport in the liquid and polymer phases, the composite cathode's network, and
the CEI of a pore liquid oxidized at the cathode (lab notes)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from lpt import materials
from lpt.cycling import cell_parameters, simulate, ConstantInterface
from lpt.cycling.pore_liquid import NO_LIQUID, pore_electrolyte
from lpt.design import load_design
from lpt.interface import advance, build_inputs, evaluate, initial_state
from lpt.interface.cathode_network import coordination, connected_share, wetted_area_share
from lpt.materials.transport import transport_of

TABLE1 = "examples/table1"
LIQUIDS = [k for k, v in materials.load_all().items() if v.kind == "liquid"]
PRECURSORS = [k for k, v in materials.load_all().items() if v.kind == "precursor"]


@pytest.mark.parametrize("mid", LIQUIDS + PRECURSORS)
def test_every_liquid_and_polymer_has_cited_li_transport(mid):
    rec = materials.get(mid)
    for f in ("li_concentration_mol_L", "transference_number", "salt_diffusivity_m2_s"):
        assert getattr(rec, f) is not None and rec.sources[f]
    t = transport_of(rec)
    # a salt-free ionic liquid carries no Li⁺; every other electrolyte does
    assert t.carries_li == (rec.li_concentration_mol_L > 0)


@pytest.mark.parametrize("mid", [m for m in LIQUIDS + PRECURSORS if materials.get(m).vtf_A_S_cm is not None])
def test_vtf_law_passes_through_the_records_own_conductivity_with_its_local_slope(mid):
    """A is set from the record's own conductivity (at 25 °C, 30 °C for the solvate ILs
    whose source gives 30 °C): within 25 %, and the local slope near the record's Ea."""
    rec, t = materials.get(mid), transport_of(materials.get(mid))
    at = 303.15 if rec.id.startswith("LiG") else 298.15
    sigma = rec.polymer_conductivity_S_cm if rec.kind == "precursor" else rec.conductivity_S_cm
    ea = rec.polymer_activation_energy_eV if rec.kind == "precursor" else rec.conductivity_activation_energy_eV
    assert float(t.conductivity_at(at)) == pytest.approx(sigma, rel=0.25)
    assert float(t.local_activation_energy_eV(298.15)) == pytest.approx(ea, abs=0.05)
    # the Arrhenius law handed to Arrhenius-only models is exact at the design temperature
    assert float(t.reference_conductivity_S_cm(330.0)) * np.exp(
        -float(t.local_activation_energy_eV(330.0)) / 8.617333262e-5 * (1 / 330.0 - 1 / 298.15)
    ) == pytest.approx(float(t.conductivity_at(330.0)), rel=1e-12)


def _with_cathode_liquid(design, liquid, loading):
    iface = dataclasses.replace(design.cathode_interface, therapy="wetting" if loading > 0 else "none",
                                liquid=liquid if loading > 0 else None, loading_uL_cm2=loading)
    return dataclasses.replace(design, cathode_interface=iface)


def test_a_neat_ionic_liquid_in_the_cathode_connects_nothing_and_its_film_conducts_nothing():
    """Pyr14TFSI has no Li⁺: the wetted cathode is as connected as the dry one and the
    wetted area carries no current (only the solid path is left)."""
    d = load_design(f"{TABLE1}/llzto_bmptfsi_ncm811.toml")
    wet, dry = d, _with_cathode_liquid(d, None, 0.0)
    rw, rd = evaluate(build_inputs([wet])), evaluate(build_inputs([dry]))
    assert rw.cathode_utilization[0] == pytest.approx(rd.cathode_utilization[0], rel=1e-12)
    assert rw.cathode.wetted_fraction[0] == 0.0
    # the same cathode with a Li salt in the liquid is connected
    salted = evaluate(build_inputs([_with_cathode_liquid(d, "LiTFSI-Pyr13TFSI", 2.0)]))
    assert salted.cathode_utilization[0] > 0.9 > 0.1 > rw.cathode_utilization[0]


def test_a_dry_cathode_and_a_neat_ionic_liquid_keep_no_liquid_phase_in_the_cell_model():
    d = load_design(f"{TABLE1}/lgps_doldme_tis2.toml")
    assert pore_electrolyte(d) == NO_LIQUID
    assert pore_electrolyte(load_design(f"{TABLE1}/llzto_bmptfsi_ncm811.toml")) == NO_LIQUID


def test_pore_liquid_beside_an_sse_network_carries_a_share_and_alone_carries_all():
    # LPSCl network (percolating) beside the SIL; in the LGPS/nano-LFP row the network does
    # not percolate (small LFP among large LGPS particles), so the SIL carries it all
    g3 = pore_electrolyte(load_design("examples/lpscl_lig3tfsi_ncm622.toml"))
    assert pore_electrolyte(load_design(f"{TABLE1}/lgps_g3_lfp.toml"))["electrolyte_current_share"] == 1.0
    latp = pore_electrolyte(load_design(f"{TABLE1}/latp_carbonate_lfp.toml"))  # no SSE in the cathode
    assert 0.0 < g3["electrolyte_current_share"] < 0.5
    assert latp["electrolyte_current_share"] == 1.0
    assert latp["transference_number"] == materials.get("LP-ECDMCDEC").transference_number


def test_unit_transference_and_infinite_diffusivity_leave_only_the_ohmic_drop():
    """t⁺ = 1 (or D = ∞) keeps the salt uniform: the pore liquid adds exactly I L/(3 κ_eff)
    — with an SSE network beside it, that of the two in parallel.  Compared on the mean
    discharge voltage, which also carries the capacity the drop costs at the cut-off: 5 %;
    the ratio of the two drops cancels that: 1 %."""
    proto = "Discharge at 1C until 2.5 V"
    base = dict(cathode_thickness_um=60.0, cathode_porosity=0.3, electrolyte_conductivity_S_cm=2e-3)
    ref = cell_parameters("LFP", 5.0, **base, transference_number=1.0)
    inf_d = cell_parameters("LFP", 5.0, **base, transference_number=0.3, electrolyte_diffusivity_m2_s=np.inf)
    net = cell_parameters("LFP", 5.0, **base, transference_number=1.0, network_conductivity_S_cm=1e-3,
                          electrolyte_current_share=0.5)
    none = cell_parameters("LFP", 5.0)
    v = {k: simulate(c, proto, 1, ConstantInterface()).mean_discharge_voltage_V[0, 0]
         for k, c in dict(ref=ref, inf_d=inf_d, net=net, none=none).items()}
    cap = 5.0 * materials.get("LFP").specific_capacity_mAh_g * 1e-3 * 10.0   # 1C, A m⁻²
    eps_b = 0.3**1.5
    r_liq = 60e-6 / (3 * 0.2 * eps_b)
    r_par = 60e-6 / (3 * (0.2 * eps_b + 0.1))
    assert v["ref"] == pytest.approx(v["inf_d"], abs=1e-9)
    assert v["none"] - v["ref"] == pytest.approx(cap * r_liq, rel=5e-2)
    assert (v["none"] - v["net"]) / (v["none"] - v["ref"]) == pytest.approx(r_par / r_liq, rel=1e-2)


def test_equal_sizes_percolate_at_a_fifth_of_the_solids_and_small_sse_lower():
    """Bouvard & Lange: Z_ss = 1.5 at x_s = 1.5/7 for equal spheres; smaller SSE particles
    among larger active ones reach it at a lower SSE fraction (Bielefeld et al. 2019)."""
    x = np.linspace(0.01, 0.6, 600)
    z_eq, _ = coordination(x, 1 - x, 1.0, 1.0)
    z_small, _ = coordination(x, 1 - x, 1.0, 5.0)
    thr_eq = x[np.argmax(connected_share(z_eq) > 0)]
    thr_small = x[np.argmax(connected_share(z_small) > 0)]
    assert thr_eq == pytest.approx(1.5 / 7.0, abs=0.01)
    assert thr_small < 0.5 * thr_eq


def test_wetted_area_exceeds_the_filled_volume_and_is_whole_when_full():
    s = np.array([0.0, 0.2, 0.5, 0.8, 1.0])
    a = wetted_area_share(s)
    assert a[0] == 0.0 and a[-1] == 1.0
    assert np.all(a[1:-1] > s[1:-1]) and np.all(np.diff(a) > 0)


def test_breathing_thins_the_lgps_tis2_network_gradually_not_over_a_cliff():
    """TiS2 breathes 10 %: the contacts it keeps fall to 70 %, the connected fraction by a
    few per cent (it fell to a fifth over the old volume-fraction cliff)."""
    x = build_inputs([load_design(f"{TABLE1}/lgps_doldme_tis2.toml")])
    st = advance(x, initial_state(x), 2000.0, cycles=200)
    u0 = evaluate(x).cathode_utilization[0]
    u = evaluate(x, st).cathode_utilization[0]
    assert 0.85 < u / u0 < 1.0


def test_a_liquid_oxidized_at_the_cathode_grows_a_cei_and_a_stable_one_none():
    """NCM811 charged to 4.3 V: LiTFSI in DOL/DME (oxidized from 4.0 V) grows a CEI, costs
    liquid, Li and capacity; LiTFSI in Pyr13TFSI (stable to 5 V) grows a negligible one."""
    d = load_design(f"{TABLE1}/llzto_bmptfsi_ncm811.toml")
    designs = [_with_cathode_liquid(d, "LiTFSI-DOLDME", 2.0), _with_cathode_liquid(d, "LiTFSI-Pyr13TFSI", 2.0)]
    x = build_inputs(designs)
    st = advance(x, initial_state(x), 200.0)
    ether = st.cathode.cei_thickness_cm * 1e7
    assert ether[0] > 10.0 and ether[1] < 0.1        # nm
    assert st.cathode.liquid_consumed_cm3_cm2[0] > 100 * st.cathode.liquid_consumed_cm3_cm2[1]
    assert st.cathode.li_consumed_mAh_cm2[0] > 0
    r = evaluate(x, st)
    assert r.cathode_utilization[0] < r.cathode_utilization[1]
    assert r.cathode.components_ohm_cm2["cathode_cei"][0] > 10 * r.cathode.components_ohm_cm2["cathode_cei"][1]


def _capacity_vs_liquid_content(liquid, shares, cycle):
    """Discharge capacity at ``cycle`` of an NCM622 composite whose LPSCl network (6 vol%)
    does not percolate alone, filled with ``shares`` × its pore volume of ``liquid``."""
    from lpt.cycling.life import simulate_designs

    d = load_design("examples/lpscl_lig3tfsi_ncm622.toml")
    d = dataclasses.replace(d, cathode=dataclasses.replace(d.cathode, sse_volume_fraction=0.06, porosity=0.3))
    pore_uL_cm2 = d.cathode.porosity * d.cathode.thickness_um * 1e-4 * 1e3
    designs = [_with_cathode_liquid(d, liquid, f * pore_uL_cm2) for f in shares]
    res, _ = simulate_designs(designs, cycle)
    return np.nan_to_num(res.discharge_capacity_mAh_g[:, cycle - 1])


SHARES = (0.2, 0.4, 0.6, 0.8, 1.0, 1.5, 3.0)


def test_a_liquid_oxidized_at_the_cathode_has_an_optimum_content_and_a_stable_one_none():
    """Cheng et al. 2022 (iScience 25, 103896): an optimum ionic-liquid content in the
    cathode, the fade beyond it from the liquid's oxidation.  The pore liquid connects the
    particles once it percolates in the pore space (s ≈ 0.35, Brooks–Corey residual
    saturation); beyond that it only adds wetted surface to oxidize.  After 20 cycles at
    4.3 V, LiTFSI in DOL/DME (oxidized from 4.0 V) delivers most at an interior content,
    ≥ 5 % above both ends; LiTFSI in Pyr13TFSI (stable to 5 V) never loses by adding liquid
    (0.5 mAh g⁻¹ allows the cycling model's cut-off interpolation)."""
    ox = _capacity_vs_liquid_content("LiTFSI-DOLDME", SHARES, 20)
    best = int(np.argmax(ox))
    assert 0 < best < len(SHARES) - 1
    assert ox[best] > 1.05 * ox[0] and ox[best] > 1.05 * ox[-1]
    stable = _capacity_vs_liquid_content("LiTFSI-Pyr13TFSI", SHARES, 20)
    assert np.all(np.diff(stable) > -0.5)
    assert stable[-1] > 100.0


def test_the_pore_liquid_connects_once_it_percolates_in_the_pore_space_not_the_composite():
    """A wetting liquid lines the (connected) pore space: at 40 % of a 30 % porosity it
    connects the particles fully, although it is only 12 % of the composite's volume
    (below the continuum threshold 0.16 that would apply to a randomly placed phase)."""
    from lpt.interface.cathode_network import liquid_percolation, reached_fraction, touched_share

    s = np.array([0.1, 0.4])
    reached = reached_fraction(sse_fraction=0.0, active_fraction=0.5, sse_radius=2.5e-4, active_radius=5e-4,
                               contact_retention=1.0, liquid_fraction=0.3 * s, saturation=s,
                               touched_share=touched_share(s))
    assert liquid_percolation(0.1) == 0.0 and reached[0] == 0.0
    assert reached[1] > 0.99
