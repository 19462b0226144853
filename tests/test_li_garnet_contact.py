"""Li|garnet contact: what the interface resistance is made of, and how pressure and
stripping move it (docs/model.md §1.1–1.2 and §7). Lab notes, one physical fact each."""

from __future__ import annotations

import numpy as np
import pytest

from lpt.constants import F_C_MOL, R_J_MOLK
from lpt.design import design_from_dict
from lpt.errors import LptError
from lpt.interface import build_inputs, evaluate
from lpt.interface.chemistry import electrode_interphase
from lpt.interface.mechanisms.li_metal import evolve_retention
from lpt.materials import get
from lpt.parameters import parameters
from lpt.symmetric import half_cells


def garnet(p=0.0, fab=None, layer_nm=None):
    electrolyte = {"material": "Al-LLZO", "thickness_um": 1000.0}
    if layer_nm is not None:
        electrolyte["surface_layer_nm"] = layer_nm
    raw = {"name": "Li|LLZO|Li", "cell": "symmetric", "area_cm2": 1.0, "temperature_C": 25.0,
           "stack_pressure_MPa": p, "electrolyte": electrolyte, "anode": {"material": "Li", "thickness_um": 100.0}}
    if fab is not None:
        raw["fabrication_pressure_MPa"] = fab
    return design_from_dict(raw)


def li_side(designs):
    return evaluate(build_inputs([half_cells(d)[0] for d in designs])).anode


def intrinsic_charge_transfer_ohm_cm2():
    """R T / (F i0) at 25 °C from the Li|SSE exchange current (per contact area)."""
    i0_A_cm2 = parameters().li_sse_exchange_current_mA_cm2 * 1e-3
    return R_J_MOLK * 298.15 / (F_C_MOL * i0_A_cm2)


def test_the_pressure_independent_floor_is_the_air_handled_garnets_carbonate_layer():
    # same Li, same pressure; the only difference is the Li2CO3/LiOH layer (15 nm at
    # 1e-8 S/cm = 150 Ω cm² per contact area): it adds t/σ over the real contact fraction
    P = parameters()
    for p in (10.0, 41.0, 400.0):
        side = li_side([garnet(p), garnet(p, layer_nm=0.0)])
        air, clean = side.asr_ohm_cm2
        layer = P.garnet_contamination_thickness_nm * 1e-7 / P.garnet_contamination_conductivity_S_cm
        assert layer == pytest.approx(150.0, rel=1e-12)
        assert air - clean == pytest.approx(layer / side.contact_fraction[0], rel=1e-9)
        assert side.components_ohm_cm2["solid_contamination"][1] == 0.0


def test_a_thinner_surface_layer_gives_a_proportionally_smaller_series_resistance():
    thin, thick = li_side([garnet(10.0, layer_nm=5.0), garnet(10.0, layer_nm=20.0)]).components_ohm_cm2[
        "solid_contamination"]
    assert thick == pytest.approx(4.0 * thin, rel=1e-12)


def test_infinite_pressure_leaves_only_the_intrinsic_charge_transfer_of_a_clean_interface():
    # attached at 2 GPa the Li covers 99.9 % of the surface: constriction (1 − √φ)^1.5 → 0
    # and the charge transfer spreads over the whole area; 0.2 % covers what is left of 1/φ
    # (plus the garnet's own passivating interphase, a few nm of tetragonal-like LLZO)
    side = li_side([garnet(0.0, fab=2000.0, layer_nm=0.0)])
    ip = electrode_interphase(get("LLZO"), get("Li"))
    own = ip.initial_cm / ip.ionic_S_cm
    assert own < 0.5
    assert side.asr_ohm_cm2[0] == pytest.approx(intrinsic_charge_transfer_ohm_cm2() + own, rel=2e-3)
    assert side.components_ohm_cm2["constriction"][0] < 1e-4


def test_a_clean_interface_resistance_falls_monotonically_with_pressure():
    pressures = np.logspace(-2, np.log10(500.0), 12)
    asr = li_side([garnet(p, layer_nm=0.0) for p in pressures]).asr_ohm_cm2
    assert np.all(np.diff(asr) < 0)


def test_at_low_pressure_the_clean_interface_falls_between_p_to_the_minus_half_and_minus_one():
    # P ≪ H: φ ∝ P. Constriction into growing spots at a fixed spacing gives P^-1/2
    # (arXiv:2501.00600); charge transfer through the real contact area gives P^-1. Their
    # sum must fall with a log-slope between the two (a steeper or flatter slope is a bug).
    a, b = li_side([garnet(p, layer_nm=0.0) for p in (0.01, 0.04)]).asr_ohm_cm2
    slope = np.log(b / a) / np.log(4.0)
    assert -1.0 <= slope <= -0.5


def test_no_stripping_opens_no_voids_even_far_above_the_li_supply():
    # 10 mA cm⁻² is 100× the vacancy supply; with no stripping time the contact can only
    # recover (creep closes voids), never shrink
    rho0 = np.array([1.0, 0.6, 0.3])
    common = dict(current_mA_cm2=10.0, as_assembled=np.full(3, 0.5), ratio=np.zeros(3), wet=np.zeros(3),
                  supply_mA_cm2=np.full(3, 0.1), creep_mA_cm2=np.full(3, 0.05))
    rested = evolve_retention(rho0, strip_h=np.zeros(3), recover_h=np.zeros(3), **common)
    assert np.array_equal(rested, rho0)
    recovered = evolve_retention(rho0, strip_h=np.zeros(3), recover_h=np.full(3, 1.0), **common)
    assert np.all(recovered >= rho0) and recovered[0] == 1.0
    stripped = evolve_retention(rho0, strip_h=np.full(3, 0.1), recover_h=np.zeros(3), **common)
    assert np.all(stripped < rho0)          # the same current while stripping does open voids


def test_a_negative_surface_layer_is_one_sentence():
    with pytest.raises(LptError, match="surface_layer_nm"):
        garnet(10.0, layer_nm=-1.0)
