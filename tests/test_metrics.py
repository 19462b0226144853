"""Stack accounting (lpt.metrics): a hand calculation, limit cases and the vectorized path.

Tolerances: the hand calculation repeats the same floating-point arithmetic in a
different order, so it agrees to ~1e-15; 1e-9 relative leaves room for that and
nothing else.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from lpt import materials, metrics
from lpt.design import design_from_dict, load_design
from lpt.errors import LptError
from lpt.parameters import parameters

ROOT = Path(__file__).resolve().parents[1]
LATP = ROOT / "examples" / "table1" / "latp_carbonate_lfp.toml"


def test_hand_calculation_latp_carbonate_lfp():
    # Table 1, row 6 (Wang et al., Nano Energy 2018): LFP | LATP pellet | Li with
    # LiPF6 EC/DMC/DEC at both interfaces.  Every part of one unit stack by hand.
    d = load_design(LATP)
    lfp, latp = materials.get(d.cathode.material), materials.get(d.electrolyte.material)
    li, lp = materials.get(d.anode.material), materials.get(d.anode_interface.liquid)
    assert d.cathode_interface.liquid == d.anode_interface.liquid
    Al, Cu, carbon = 2.70, 8.96, 2.0  # g cm-3, data/metrics.toml
    c = d.cathode

    # mass, mg cm-2 (µm × g cm-3 × 0.1 = mg cm-2; µL cm-2 × g cm-3 = mg cm-2)
    m_active = c.loading_mg_cm2
    m_cat_sse = c.sse_volume_fraction * c.thickness_um * latp.density_g_cm3 * 0.1
    m_carbon = c.carbon_volume_fraction * c.thickness_um * carbon * 0.1
    m_al = c.current_collector_thickness_um * Al * 0.1
    # a sintered pellet that states no density: the pellet default (a cast polymer film: 1)
    rho_sep = d.electrolyte.relative_density or parameters().pellet_relative_density
    m_sep = d.electrolyte.thickness_um * latp.density_g_cm3 * rho_sep * 0.1
    m_li = d.anode.thickness_um * li.density_g_cm3 * 0.1
    m_cu = d.anode.current_collector_thickness_um * Cu * 0.1
    m_liq_a = d.anode_interface.loading_uL_cm2 * lp.density_g_cm3
    m_liq_c = d.cathode_interface.loading_uL_cm2 * lp.density_g_cm3
    m_total = m_active + m_cat_sse + m_carbon + m_al + m_sep + m_li + m_cu + m_liq_a + m_liq_c

    # thickness, µm: the cathode's pores (porosity × thickness, 10 µm per µL cm-2)
    # take part of the cathode-side liquid; the rest, and all of the anode-side
    # liquid, is a film (1 µL cm-2 = 10 µm)
    pores_uL = c.porosity * c.thickness_um / 10.0
    t_total = (c.current_collector_thickness_um + c.thickness_um + d.electrolyte.thickness_um
               + d.anode.thickness_um + d.anode.current_collector_thickness_um
               + max(d.cathode_interface.loading_uL_cm2 - pores_uL, 0.0) * 10.0
               + d.anode_interface.loading_uL_cm2 * 10.0)

    # energy: mg × mAh g-1 × 1e-3 = mAh cm-2; × V = mWh cm-2
    cap = m_active * lfp.specific_capacity_mAh_g * 1e-3
    volt = lfp.average_potential_V - li.average_potential_V
    e_mWh = cap * volt
    wh_kg = e_mWh / m_total * 1e3          # mWh/mg = Wh/g
    wh_l = e_mWh / (t_total * 1e-4)        # mWh/cm3 = Wh/L
    e_Wh = e_mWh * 1e-3
    flam_mg_Wh = (m_liq_a + m_liq_c) / e_Wh          # LP is flammable
    heat_J_Wh = (m_liq_a + m_liq_c) * lp.heat_of_combustion_kJ_g / e_Wh   # mg × kJ/g = J
    cost_USD_Wh = (m_liq_a + m_liq_c) * 1e-6 * lp.cost_USD_kg / e_Wh

    rep = metrics.metrics_report(d)
    assert rep["gravimetric_energy_density_Wh_kg"] == pytest.approx(wh_kg, rel=1e-9)
    assert rep["volumetric_energy_density_Wh_L"] == pytest.approx(wh_l, rel=1e-9)
    assert rep["flammable_liquid_mg_Wh"] == pytest.approx(flam_mg_Wh, rel=1e-9)
    assert rep["combustion_heat_J_Wh"] == pytest.approx(heat_J_Wh, rel=1e-9)
    assert rep["liquid_cost_USD_Wh"] == pytest.approx(cost_USD_Wh, rel=1e-9)
    assert rep["stack_mass_mg_cm2"] == pytest.approx(m_total, rel=1e-9)
    assert rep["stack_thickness_um"] == pytest.approx(t_total, rel=1e-9)
    mb = rep["mass_breakdown_mg_cm2"]
    assert mb["separator"] == pytest.approx(m_sep, rel=1e-9)
    assert mb["anode_liquid"] + mb["cathode_liquid"] == pytest.approx(m_liq_a + m_liq_c, rel=1e-9)
    assert sum(mb.values()) == pytest.approx(m_total, rel=1e-9)
    # ~4 mg of carbonate on ~1 mWh cm-2 is far above a tenth of a Li-ion cell's 270 mg/Wh
    assert rep["safety_class"] == "C"
    # the numbers of the shipped file, for the record (2.0 mg LFP, 500 µm pellet):
    # 172.0 mg cm-2 of which 138.7 mg is the LATP pellet → ~6.3 Wh/kg at the stack level
    if (c.loading_mg_cm2, d.electrolyte.thickness_um, d.anode.thickness_um) == (2.0, 500.0, 250.0):
        assert m_total == pytest.approx(172.0004, rel=1e-9)
        assert wh_kg == pytest.approx(1.088 / 172.0004 * 1e3, rel=1e-9)


def _cell(anode=None, cathode=None, anode_material="Li", sse_thickness=30.0):
    raw = {
        "name": "thin-separator cell", "area_cm2": 1.0, "temperature_C": 25.0, "stack_pressure_MPa": 1.0,
        "cathode": {"material": "NCM811", "loading_mg_cm2": 20.0, "thickness_um": 70.0, "porosity": 0.2,
                    "sse_volume_fraction": 0.25, "carbon_volume_fraction": 0.05},
        "electrolyte": {"material": "LLZO", "thickness_um": sse_thickness},
        "anode": {"material": anode_material, "thickness_um": 20.0},
        "interfaces": {},
    }
    if anode:
        raw["interfaces"]["anode"] = anode
    if cathode:
        raw["interfaces"]["cathode"] = cathode
    return design_from_dict(raw)


def test_dry_cell_is_class_A_and_carries_no_liquid():
    rep = metrics.metrics_report(_cell())
    assert rep["safety_class"] == "A"
    assert rep["flammable_liquid_mg_Wh"] == 0.0 and rep["combustion_heat_J_Wh"] == 0.0
    assert rep["liquid_cost_USD_Wh"] == 0.0


def test_ionic_liquid_is_combustible_but_not_flammable():
    # the review's point: RTILs / solvate ILs are not flammable, yet they burn in a fire
    il = {"therapy": "wetting", "liquid": "LiG3TFSI", "loading_uL_cm2": 1.0}
    rep = metrics.metrics_report(_cell(anode=il))
    assert rep["safety_class"] == "A"
    assert rep["flammable_liquid_mg_Wh"] == 0.0
    assert rep["combustion_heat_J_Wh"] > 0.0


def test_a_little_carbonate_on_a_practical_cathode_is_class_B_and_more_is_C():
    # NCM811 at 20 mg cm-2 ≈ 3.8 mAh cm-2 ≈ 14 mWh cm-2; 0.1 µL of carbonate ≈ 0.13 mg
    # ≈ 9 mg/Wh (below 27), 5 µL ≈ 460 mg/Wh (above)
    low = metrics.metrics_report(_cell(anode={"therapy": "wetting", "liquid": "LP30", "loading_uL_cm2": 0.1}))
    high = metrics.metrics_report(_cell(anode={"therapy": "wetting", "liquid": "LP30", "loading_uL_cm2": 5.0}))
    assert low["safety_class"] == "B" and high["safety_class"] == "C"


def test_liquid_lowers_energy_density_and_liin_lowers_the_voltage():
    dry = metrics.metrics_report(_cell())
    wet = metrics.metrics_report(_cell(anode={"therapy": "wetting", "liquid": "LP30", "loading_uL_cm2": 2.0}))
    assert wet["gravimetric_energy_density_Wh_kg"] < dry["gravimetric_energy_density_Wh_kg"]
    assert wet["volumetric_energy_density_Wh_L"] < dry["volumetric_energy_density_Wh_L"]
    liin = metrics.metrics_report(_cell(anode_material="LiIn"))
    assert liin["cell_voltage_V"] == pytest.approx(dry["cell_voltage_V"] - materials.get("LiIn").average_potential_V)


def test_cathode_liquid_fills_the_pores_before_it_adds_thickness():
    # pores: 0.2 × 70 µm = 1.4 µL cm-2; 1.0 µL adds no thickness, 2.4 µL adds 10 µm
    t0 = metrics.metrics_report(_cell())["stack_thickness_um"]
    t1 = metrics.metrics_report(_cell(cathode={"therapy": "wetting", "liquid": "LP30", "loading_uL_cm2": 1.0}))
    t2 = metrics.metrics_report(_cell(cathode={"therapy": "wetting", "liquid": "LP30", "loading_uL_cm2": 2.4}))
    assert t1["stack_thickness_um"] == pytest.approx(t0, rel=1e-12)
    assert t2["stack_thickness_um"] == pytest.approx(t0 + 10.0, rel=1e-12)


def test_reaction_layer_counts_its_layer_not_its_solvent():
    # H3PO4 in THF: the THF leaves, a LiH2PO4 layer stays (thickness × layer density)
    d = _cell(anode={"therapy": "reaction_layer", "reagent": "H3PO4-THF", "thickness_nm": 500.0})
    rep = metrics.metrics_report(d)
    rho = materials.get("H3PO4-THF").layer_density_g_cm3
    assert rep["mass_breakdown_mg_cm2"]["anode_interlayer"] == pytest.approx(500.0 * 1e-7 * rho * 1e3, rel=1e-12)
    assert rep["flammable_liquid_mg_Wh"] == 0.0 and rep["safety_class"] == "A"


def test_polymerized_precursor_is_mostly_solid():
    pre = materials.get("PEGMEA")
    d = _cell(cathode={"therapy": "polymerization", "precursor": "PEGMEA", "loading_uL_cm2": 1.0})
    rep = metrics.metrics_report(d)
    assert rep["mass_breakdown_mg_cm2"]["cathode_liquid"] == pytest.approx(pre.density_g_cm3, rel=1e-12)
    assert rep["combustion_heat_J_Wh"] > 0.0


def test_utilization_scales_energy_not_mass():
    d = _cell()
    full, half = metrics.metrics_report(d), metrics.metrics_report(d, utilization=0.5)
    assert half["gravimetric_energy_density_Wh_kg"] == pytest.approx(0.5 * full["gravimetric_energy_density_Wh_kg"])
    assert half["stack_mass_mg_cm2"] == full["stack_mass_mg_cm2"]


def test_no_energy_means_infinite_liquid_per_Wh():
    s = metrics.stack_of([_cell(anode={"therapy": "wetting", "liquid": "LP30", "loading_uL_cm2": 1.0})])
    acc = metrics.accounting(s, utilization=np.array([0.0]))
    assert np.isinf(acc["flammable_liquid_mg_Wh"][0]) and acc["safety_class"][0] == "C"


def test_batch_equals_one_design_at_a_time():
    designs = [_cell(anode={"therapy": "wetting", "liquid": liq, "loading_uL_cm2": v}, sse_thickness=t)
               for liq in ("LP30", "LiG3TFSI") for v in (0.1, 3.0) for t in (20.0, 300.0)]
    df = metrics.metrics_frame(designs)
    for i, d in enumerate(designs):
        rep = metrics.metrics_report(d)
        for k in ("gravimetric_energy_density_Wh_kg", "volumetric_energy_density_Wh_L",
                  "flammable_liquid_mg_Wh", "combustion_heat_J_Wh", "liquid_cost_USD_Wh"):
            assert df[k].iat[i] == pytest.approx(rep[k], rel=1e-12)
        assert df["safety_class"].iat[i] == rep["safety_class"]


def test_unknown_current_collector_is_one_sentence():
    import dataclasses

    d = _cell()
    d = dataclasses.replace(d, cathode=dataclasses.replace(d.cathode, current_collector="Alu"), source="x.toml")
    with pytest.raises(LptError, match=r"x.toml: field 'cathode.current_collector' = 'Alu'.*did you mean \"Al\""):
        metrics.stack_of([d])


def test_safety_class_thresholds_come_from_the_data_file():
    c = metrics.constants()
    assert list(c["class_names"]) == ["A", "B", "C"]
    assert list(metrics.safety_class(np.array([0.0, 1.0, 27.0, 27.1, np.nan]))) == ["A", "B", "B", "C", "C"]
