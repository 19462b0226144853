"""Salt polarization of a salt-in-polymer separator (Li|PEO-LiTFSI|Li): physical facts.

The binary salt piles up at the stripping side and drains from the plating side; the
steady state, the Bruce–Vincent ratio, Sand's time and the single-ion limit are checked
against their closed forms (docs/model.md §7.6).
"""

from __future__ import annotations

import numpy as np
import pytest

from lpt.constants import F_C_MOL, R_J_MOLK
from lpt.materials import get
from lpt.materials.transport import transport_of
from lpt.symmetric import simulate_symmetric
from lpt.symmetric.salt import salt_layer

from test_symmetric import sym

T70 = 343.15


def peo(T=70.0, thickness_um=100.0):
    return sym(sse="PEO-LiTFSI", p=1.0, T=T, thickness_um=thickness_um)


def test_a_ceramic_separator_is_a_single_ion_conductor_and_never_polarizes():
    layer = salt_layer([sym(sse="LLZO"), sym(sse="LPSCl")], np.array([298.15, 298.15]))
    assert not layer.active.any()
    assert transport_of(get("LLZO", "solid_electrolyte")) is None


def test_steady_polarization_is_the_linear_profile_of_the_closed_form():
    d = peo()
    layer = salt_layer([d], np.array([T70]))
    i = 0.05
    a = layer.advance(layer.initial(), np.array([i]), 50.0 / layer.rate_per_h[0])   # 50 L²/D
    q = layer.q_per_mA_cm2[0] * i
    c0, c1 = layer.surfaces(a)
    assert c0[0] == pytest.approx(1 + q / 2, rel=1e-3) and c1[0] == pytest.approx(1 - q / 2, rel=1e-3)
    expected = 2 * R_J_MOLK * T70 / F_C_MOL * (1 - 0.17) * np.log((1 + q / 2) / (1 - q / 2))
    assert layer.overpotential_V(a)[0] == pytest.approx(expected, rel=2e-3)


def test_steady_concentration_overpotential_is_bruce_vincent_one_minus_t_over_t_of_the_ohmic_drop():
    # with D and σ related by Nernst–Einstein (the knowledge base's PEO entry), a small
    # steady current adds (1 − t⁺)/t⁺ × i R_bulk: the cell's steady resistance is R_bulk/t⁺
    d = peo(T=25.0)
    layer = salt_layer([d], np.array([298.15]))
    i = 1e-4                                     # mA cm⁻², far below the limiting current
    a = layer.advance(layer.initial(), np.array([i]), 50.0 / layer.rate_per_h[0])
    tr = transport_of(get("PEO-LiTFSI", "solid_electrolyte"))
    ohmic_V = i * 1e-3 * (d.electrolyte.thickness_um * 1e-4) / tr.conductivity_S_cm
    t = tr.transference_number
    assert layer.overpotential_V(a)[0] / ohmic_V == pytest.approx((1 - t) / t, rel=0.01)


def test_depletion_comes_at_sands_time():
    # semi-infinite regime: Sand's time ≪ L²/D
    d = peo(thickness_um=1000.0)
    layer = salt_layer([d], np.array([T70]))
    tr = transport_of(get("PEO-LiTFSI", "solid_electrolyte"))
    D = float(tr.diffusivity_at(T70)) * 1e4                  # cm² s⁻¹
    c0 = tr.li_mol_L * 1e-3
    i = 1.0                                       # mA cm⁻²: the counter (plating) side drains
    sand_h = np.pi * D * (c0 * F_C_MOL) ** 2 / (4 * (i * 1e-3 * (1 - tr.transference_number)) ** 2) / 3600
    assert sand_h * layer.rate_per_h[0] < 0.05
    before = layer.advance(layer.initial(), np.array([i]), 0.97 * sand_h)
    after = layer.advance(layer.initial(), np.array([i]), 1.03 * sand_h)
    assert not layer.depleted(before)[0] and layer.depleted(after)[0]


def test_polarization_is_antisymmetric_and_relaxes_at_rest():
    d = peo()
    layer = salt_layer([d], np.array([T70]))
    strip = layer.advance(layer.initial(), np.array([0.05]), 0.5)
    plate = layer.advance(layer.initial(), np.array([-0.05]), 0.5)
    assert layer.overpotential_V(strip)[0] == pytest.approx(-layer.overpotential_V(plate)[0], rel=1e-9)
    rests = [layer.overpotential_V(layer.advance(strip, np.array([0.0]), h))[0] for h in (0.0, 0.1, 0.5, 2.0)]
    assert all(a > b for a, b in zip(rests, rests[1:])) and rests[-1] < 0.05 * rests[0]


def test_a_room_temperature_peo_cell_shorts_at_sands_time_and_the_same_cell_at_70C_does_not():
    # PEO-LiTFSI at 25 °C: limiting current ~5 µA cm⁻² for 100 µm (it is run hot in practice)
    protocol = "Plate at 0.05 mA cm-2 for 1 hour; Strip at 0.05 mA cm-2 for 1 hour"
    r = simulate_symmetric([peo(T=25.0), peo(T=70.0)], protocol, 5)
    assert list(r.end_reason) == ["short_circuit", "completed"]
    # the run ends when the salt at the plating side runs out: Sand's time (semi-infinite,
    # √(D τ_S) ≈ 15 µm ≪ 100 µm)
    tr = transport_of(get("PEO-LiTFSI", "solid_electrolyte"))
    D = float(tr.diffusivity_at(298.15)) * 1e4
    sand_h = np.pi * D * (tr.li_mol_L * 1e-3 * F_C_MOL) ** 2 / (4 * (0.05e-3 * (1 - tr.transference_number)) ** 2) / 3600
    assert r.time_h[0] == pytest.approx(sand_h, rel=0.03)


def test_the_cell_voltage_carries_the_salt_overpotential_through_a_current_reversal():
    # at the reversal the ohmic and interface drops change sign at once while the salt
    # profile (and η_c) has not moved yet: half the sum of the voltages on either side of
    # it is η_c, which after 10 h ≫ L²/D (≈ 0.8 h) is the steady (1 − t⁺)/t⁺ · i R_bulk
    protocol = "Plate at 0.05 mA cm-2 for 10 hours; Strip at 0.05 mA cm-2 for 10 hours"
    r = simulate_symmetric([peo()], protocol, 1)
    v = r.trace_voltage_V[0]
    eta_c = 0.5 * (v[19] + v[20])                  # end of the 10th plating hour, start of stripping
    tr = transport_of(get("PEO-LiTFSI", "solid_electrolyte"))
    bulk_V = 0.05e-3 * 100e-4 / tr.conductivity_at(T70)
    t = tr.transference_number
    assert v[19] < v[20] < 0 < v[21]             # just after the reversal η_c still outweighs i R
    assert -eta_c == pytest.approx((1 - t) / t * bulk_V, rel=0.02)


def test_a_ramp_that_fails_at_its_first_current_says_the_ccd_is_at_most_that():
    from lpt.symmetric import ccd_map

    pts = ccd_map(peo(T=25.0), None, [25.0, 80.0])["points"]
    assert pts[0]["end_reason"] == "short_circuit" and pts[0]["at_first_step"]     # Sand's time at once
    assert pts[1]["ccd_mA_cm2"] > 0.1 and not pts[1]["at_first_step"]
