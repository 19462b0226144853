"""Dendrite shorts in full cells follow the symmetric cell's Li-side physics: physical facts.

A full cell plates Li onto its anode on charge; it shorts when the charge-transfer
overpotential at the anode's contacts reaches Porz's critical overpotential of the SSE's
flaw (docs/model.md §7, eq. 14-15), the same criterion as a Li|SSE|Li cell.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from lpt.constants import F_C_MOL, SECONDS_PER_HOUR
from lpt.cycling.life import InterfaceModelHook
from lpt.design import design_from_dict, load_design
from lpt.interface import build_inputs
from lpt.parameters import parameters
from lpt.symmetric import half_cells, simulate_symmetric

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "table1"


def sym(sse, p=5.0, T=25.0, **electrolyte):
    return design_from_dict({"name": "sym", "cell": "symmetric", "area_cm2": 1.0, "temperature_C": T,
                             "stack_pressure_MPa": p, "anode": {"material": "Li", "thickness_um": 100.0},
                             "electrolyte": {"material": sse, "thickness_um": 800.0, **electrolyte},
                             "interfaces": {}})


def first_verdict(designs, current_mA_cm2):
    """The full-cell hook's record before cycle 1 at ``current_mA_cm2`` (fresh interfaces)."""
    x = build_inputs(designs)
    hook = InterfaceModelHook(x)
    n = x.n
    return hook(cycle=1, charge_passed_mAh_cm2=np.zeros(n), time_h=np.zeros(n),
                current_density_mA_cm2=np.full(n, float(current_mA_cm2)), temperature_K=x.temperature_K)


@pytest.mark.parametrize("sse, p, T, flaw_um", [("LPSCl", 5.0, 25.0, None), ("Al-LLZO", 0.0, 25.0, None),
                                                ("Al-LLZO", 3.0, 60.0, 20.0)])
def test_full_cell_and_symmetric_cell_of_one_interface_short_at_the_same_current(sse, p, T, flaw_um):
    extra = {} if flaw_um is None else {"flaw_size_um": flaw_um}
    d = sym(sse, p, T, **extra)
    full = half_cells(d)[0]           # the same Li|SSE interface as the anode of a full cell
    rec = first_verdict([full], 1.0)
    # eta = i_loc R_ct is linear in the current: the full cell's shorting current
    i_star = float(rec["critical_overpotential_V"][0] / rec["plating_overpotential_V"][0])
    assert 0.0 < i_star < 1e3
    for factor, shorts in ((0.98, False), (1.02, True)):
        i = factor * i_star
        assert bool(first_verdict([full], i)["short_circuit"][0]) is shorts
        res = simulate_symmetric([d], f"Plate at {i:.6g} mA cm-2 for 0.01 hour", cycles=1)
        assert (res.end_reason[0] == "short_circuit") is shorts


def test_no_current_no_dendrite_short():
    designs = [half_cells(sym(s, p))[0] for s in ("LPSCl", "Al-LLZO") for p in (0.0, 5.0)]
    rec = first_verdict(designs, 0.0)
    assert np.all(rec["plating_overpotential_V"] == 0.0)
    assert not rec["short_circuit"].any()


def test_a_larger_flaw_shorts_the_full_cell_at_a_lower_current():
    # Porz et al. 2017: eta_c ~ 1/sqrt(c), so a 4x deeper flaw halves the shorting current
    designs = [half_cells(sym("Al-LLZO", 3.0, flaw_size_um=c))[0] for c in (5.0, 20.0)]
    rec = first_verdict(designs, 1.0)
    i_star = rec["critical_overpotential_V"] / rec["plating_overpotential_V"]
    assert i_star[1] == pytest.approx(0.5 * i_star[0], rel=1e-9)


def test_published_llzto_ionic_liquid_ncm811_cell_does_not_short_at_its_nominal_current():
    # Table 1: the LLZTO | Pyr14TFSI-wetted Li | NCM811 cell cycles at 0.30 mA cm-2, above
    # LLZO's 0.28 mA cm-2 single-crystal CCD (Flatscher 2020) that no longer decides the short
    d = load_design(EXAMPLES / "llzto_bmptfsi_ncm811.toml")
    rec = first_verdict([d], 0.30)
    assert not rec["short_circuit"][0]
    assert rec["plating_overpotential_V"][0] < rec["critical_overpotential_V"][0]


def test_electronic_leakage_shorts_a_full_cell_after_the_plating_time_hans_law_gives():
    # Han et al. 2019 (eq. 15): Li reduced inside an SSE of electronic conductivity sigma_e
    # lengthens the flaw by (V_m/F) sigma_e eta t / c; the cell shorts once the lengthened
    # flaw's eta_c falls to eta, at t* = c ((eta_c0/eta)^2 - 1) / ((V_m/F) sigma_e eta / c).
    # 0.3 mA cm-2 at 5 MPa is below the Li supply (no voids), so eta stays constant.
    sigma_e, c_cm, i = 1e-3, 5e-4, 0.3
    designs = [half_cells(sym("Al-LLZO", 5.0, electronic_conductivity_S_cm=s, flaw_size_um=5.0))[0]
               for s in (0.0, sigma_e)]
    x = build_inputs(designs)
    eta, eta_c0 = (first_verdict(designs, i)[k][1] for k in ("plating_overpotential_V", "critical_overpotential_V"))
    v_m_per_F = parameters().li_molar_volume_cm3_mol / F_C_MOL
    t_star_h = c_cm * ((eta_c0 / eta) ** 2 - 1.0) / (v_m_per_F * sigma_e * eta / c_cm * SECONDS_PER_HOUR)
    for factor, leaky_shorts in ((0.9, False), (1.1, True)):
        hook = InterfaceModelHook(x, max_stride=1)
        for cycle, plated_h in ((1, 0.0), (2, factor * t_star_h)):
            rec = hook(cycle=cycle, charge_passed_mAh_cm2=np.full(2, 2.0 * i * plated_h),
                       time_h=np.full(2, 2.0 * plated_h), current_density_mA_cm2=np.full(2, i),
                       temperature_K=x.temperature_K)
        assert rec["plating_overpotential_V"][1] == pytest.approx(eta, rel=0.02)
        assert not rec["short_circuit"][0]                  # an ionic-only SSE never does
        assert bool(rec["short_circuit"][1]) is leaky_shorts
