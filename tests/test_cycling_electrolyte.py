"""The pore liquid of the composite cathode (lpt.cycling.electrolyte): limits, conservation,
the steady profile, the limiting current, batching and bad input."""

from __future__ import annotations

import numpy as np
import pytest

from lpt.constants import F_C_MOL, R_J_MOLK
from lpt.cycling import ConstantInterface, cell_parameters, simulate
from lpt.cycling.electrolyte import electrolyte_grid, limiting_current_A_m2, overpotential_V
from lpt.errors import LptError

LIQUID = dict(cathode_thickness_um=60.0, cathode_porosity=0.3, electrolyte_li_mol_L=1.0,
              transference_number=0.38, electrolyte_diffusivity_m2_s=3e-10, electrolyte_conductivity_S_cm=0.01)
PROTO = "Discharge at 1C until 3.0 V; Rest for 20 minutes; Charge at 1C until 4.2 V; Hold at 4.2 V until C/20"


def _run(cells, proto=PROTO, n=2, **kw):
    return simulate(cells, proto, n, ConstantInterface(asr_anode_ohm_cm2=20.0), initial_state="charged", **kw)


def test_a_liquid_that_does_not_polarize_changes_nothing():
    # t⁺ = 1 (single-ion) with infinite D_e and κ are the defaults: results are exactly
    # those of the model without the liquid, alone and inside a batch whose other
    # designs' liquids do polarize.
    plain = cell_parameters("NCM811", 12.0, n=3)
    stated = cell_parameters("NCM811", 12.0, n=3, cathode_thickness_um=60.0, cathode_porosity=0.3,
                             transference_number=1.0, electrolyte_diffusivity_m2_s=np.inf,
                             electrolyte_conductivity_S_cm=np.inf)
    a, b = _run(plain), _run(stated)
    for key in ("discharge_capacity_mAh_g", "charge_capacity_mAh_g", "discharge_energy_mWh_g", "time_h"):
        np.testing.assert_array_equal(getattr(a, key), getattr(b, key))
    mixed = cell_parameters("NCM811", 12.0, n=3, **{**LIQUID, "transference_number": [1.0, 0.38, 1.0],
                                                     "electrolyte_conductivity_S_cm": [np.inf, 0.01, np.inf]})
    c = _run(mixed)
    for key in ("discharge_capacity_mAh_g", "charge_capacity_mAh_g", "discharge_energy_mWh_g"):
        np.testing.assert_array_equal(getattr(c, key)[[0, 2]], getattr(a, key)[[0, 2]])
    assert c.discharge_energy_mWh_g[1, 0] < (1 - 1e-3) * a.discharge_energy_mWh_g[1, 0]


@pytest.mark.parametrize("t_plus, diffusivity", [(1.0, 3e-10), (0.38, np.inf)])
def test_a_uniform_salt_adds_exactly_the_ohmic_drop_of_a_uniformly_reacting_electrode(t_plus, diffusivity):
    # With t⁺ = 1 or D_e → ∞ the salt stays uniform: the liquid then only conducts, and the
    # voltage falls by I L / (3 κ ε^1.5) at every instant (the same states at the same
    # times in a time-limited step).
    kappa_S_cm, L_um, eps = 0.005, 80.0, 0.25
    dry = cell_parameters("LFP", 10.0)
    wet = cell_parameters("LFP", 10.0, cathode_thickness_um=L_um, cathode_porosity=eps,
                          transference_number=t_plus, electrolyte_diffusivity_m2_s=diffusivity,
                          electrolyte_conductivity_S_cm=kappa_S_cm)
    proto = "Discharge at 2C for 20 minutes"
    a = simulate(dry, proto, 1, initial_state="charged", record_cycles=[1]).curves[1][0]
    b = simulate(wet, proto, 1, initial_state="charged", record_cycles=[1]).curves[1][0]
    current_A_m2 = 2.0 * dry.capacity_C_m2[0] / 3600.0
    drop_V = current_A_m2 * L_um * 1e-6 / (3.0 * kappa_S_cm * 100.0 * eps**1.5)
    np.testing.assert_allclose(b["time_h"], a["time_h"], rtol=1e-15)
    np.testing.assert_allclose(a["voltage_V"] - b["voltage_V"], drop_V, rtol=1e-9)


def test_salt_is_conserved_and_its_steady_profile_is_the_parabola():
    # ∂θ/∂τ = θ'' − q, −θ'(0) = q, θ'(1) = 0: the steady state is q(ξ²/2 − ξ + 1/3) and the
    # mean stays 0.  The finite-volume solution is the parabola's cell averages,
    # q(ξ²/2 − ξ + 1/3 + h²/24), and its front value, extrapolated with the inflow
    # gradient, q(1/3 + h²/6): within h²/6 of the wall value q/3.
    grid = electrolyte_grid(10)
    q = np.array([0.7])
    a = grid.advance(np.zeros((1, grid.mu.size)), q, np.array([50.0]))
    nodes, front = grid.nodes_and_front(a, q)
    h = 0.1
    xi = (np.arange(10) + 0.5) * h
    exact_cell_mean = q * (xi**2 / 2 - xi + 1 / 3 + h**2 / 24)
    np.testing.assert_allclose(nodes[0], exact_cell_mean, atol=1e-12)
    assert nodes.mean() == pytest.approx(0.0, abs=1e-14)
    assert front[0] == pytest.approx(q[0] * (1 / 3 + h**2 / 6), rel=1e-12)
    # early on the profile differs, and the salt is still conserved
    early = grid.nodes_and_front(grid.advance(np.zeros((1, grid.mu.size)), q, np.array([0.01])), q)[0]
    assert early.mean() == pytest.approx(0.0, abs=1e-14) and not np.allclose(early, nodes)


def test_steady_concentration_overpotential_is_the_integral_of_the_log_profile():
    # η = (2RT/F)(1 − t⁺)[ln c(0) − ⟨ln c⟩] on the steady parabola (quadrature of the exact
    # profile): the 10-cell grid is within 1 %.
    grid = electrolyte_grid(10)
    T, t_plus = 298.15, 0.38
    pref = 2 * R_J_MOLK * T / F_C_MOL * (1 - t_plus)
    for q in (0.5, 2.0, 5.0):
        a = grid.advance(np.zeros((1, grid.mu.size)), np.array([q]), np.array([50.0]))
        value, lowest = overpotential_V(grid, a, np.array([q]), np.array([pref]))
        xi = np.linspace(0, 1, 20001)
        theta = q * (xi**2 / 2 - xi + 1 / 3)
        exact = pref * (np.log(1 + q / 3) - np.trapezoid(np.log(1 + theta), xi))
        assert value[0] == pytest.approx(exact, rel=1e-2)
        # the lowest is the last cell's average: q(ξ²/2 − ξ + 1/3 + h²/24) at ξ = 0.95
        assert lowest[0] == pytest.approx(1 + q * (0.95**2 / 2 - 0.95 + 1 / 3 + 0.01 / 24), rel=1e-12)


@pytest.mark.parametrize("thickness_um", [60.0, 120.0])
def test_doubling_the_thickness_halves_the_diffusion_limited_current(thickness_um):
    # I_lim = 6 F ε^1.5 D c₀ / ((1 − t⁺) L): below it a long discharge runs its full time
    # (the salt at the current collector settles above zero), above it the salt runs
    # out and the step ends early — for both thicknesses at the currents the formula gives.
    kw = dict(LIQUID, cathode_thickness_um=thickness_um, electrolyte_diffusivity_m2_s=3e-11,
              electrolyte_conductivity_S_cm=np.inf)
    cells = cell_parameters("NCM811", 40.0, particle_radius_um=0.5, exchange_current_mA_cm2=50.0, **kw)
    i_lim = limiting_current_A_m2(thickness_um * 1e-6, 0.3, 1000.0, 0.38, 3e-11)
    assert i_lim * thickness_um == pytest.approx(limiting_current_A_m2(60e-6, 0.3, 1000.0, 0.38, 3e-11) * 60.0)
    tau_s = 0.3 * (thickness_um * 1e-6) ** 2 / (0.3**1.5 * 3e-11)  # ε L²/D_eff
    minutes = 3.0 * tau_s / 60.0
    for factor, runs_full in ((0.9, True), (1.1, False)):
        mA_cm2 = factor * i_lim / 10.0
        res = simulate(cells, f"Discharge at {mA_cm2:.6f} mA cm-2 for {minutes:.4f} minutes or until 2.5 V", 1,
                       initial_state="charged")
        full = mA_cm2 * minutes / 60.0
        assert (res.discharge_capacity_mAh_cm2[0, 0] >= 0.999 * full) == runs_full, (factor, thickness_um)


def test_a_polarizing_liquid_lowers_capacity_more_at_higher_rate_and_relaxes_at_rest():
    cells = cell_parameters("NCM811", 12.0, **{**LIQUID, "electrolyte_diffusivity_m2_s": 5e-11})
    plain = cell_parameters("NCM811", 12.0)
    loss = []
    for rate in ("C/5", "2C"):
        proto = f"Discharge at {rate} until 3.0 V"
        loss.append(_run(plain, proto, 1).mean_discharge_voltage_V[0, 0] - _run(cells, proto, 1).mean_discharge_voltage_V[0, 0])
    assert 0 < 3 * loss[0] < loss[1]  # the polarization grows with the current
    res = _run(cells, "Discharge at 2C for 10 minutes; Rest for 2 hours", 1, record_cycles=[1])
    ref = _run(plain, "Discharge at 2C for 10 minutes; Rest for 2 hours", 1, record_cycles=[1])
    gap = ref.curves[1][1]["voltage_V"][:, 0] - res.curves[1][1]["voltage_V"][:, 0]
    assert gap[0] > 5e-3 and abs(gap[-1]) < 1e-6  # the salt gradient relaxes fully at rest


@pytest.mark.parametrize("seed", [3, 4])
def test_a_design_with_a_polarizing_liquid_alone_equals_itself_in_a_batch(seed):
    rng = np.random.default_rng(seed)
    n = 8
    cells = cell_parameters("NCM811", rng.uniform(4, 20, n), particle_radius_um=rng.uniform(0.5, 6, n),
                            cathode_thickness_um=rng.uniform(30, 150, n), cathode_porosity=rng.uniform(0.2, 0.45, n),
                            transference_number=rng.uniform(0.2, 1.0, n),
                            electrolyte_diffusivity_m2_s=10 ** rng.uniform(-11, -9, n),
                            electrolyte_conductivity_S_cm=10 ** rng.uniform(-3, -1.5, n),
                            electrolyte_li_mol_L=rng.uniform(0.5, 2, n), temperature_K=rng.uniform(280, 330, n))
    batch = _run(cells, n=3)
    for i in range(n):
        alone = _run(cells.take([i]), n=3)
        assert alone.end_reason[0] == batch.end_reason[i]
        for key in ("discharge_capacity_mAh_g", "charge_capacity_mAh_g", "discharge_energy_mWh_g", "time_h"):
            np.testing.assert_allclose(getattr(alone, key)[0], getattr(batch, key)[i], rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("kw, words", [
    (dict(transference_number=1.2), "transference_number"),
    (dict(electrolyte_diffusivity_m2_s=0.0), "electrolyte_diffusivity_m2_s"),
    (dict(electrolyte_li_mol_L=-1.0), "electrolyte_li_mol_L"),
    (dict(transference_number=0.4, electrolyte_diffusivity_m2_s=3e-10), "cathode_thickness_um"),
    (dict(electrolyte_conductivity_S_cm=0.01, cathode_thickness_um=50.0, cathode_porosity=1.5), "cathode_porosity"),
])
def test_bad_liquid_numbers_are_one_clear_sentence(kw, words):
    with pytest.raises(LptError, match=words):
        cell_parameters("LFP", 5.0, **kw)
