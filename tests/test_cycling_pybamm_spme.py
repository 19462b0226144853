"""lpt's pore-liquid model against PyBaMM's half-cell SPMe and DFN (Xu2019 parameters).

The cathode is flooded with Xu2019's LiPF6 electrolyte (no SSE network): t⁺ = 0.38,
thermodynamic factor 1, Bruggeman 1.5, porosity 0.331, 42 µm.  lpt's salt diffusivity and
conductivity are constants per design, so PyBaMM gets the same constants (Valøen &
Reimers 2005 at 1 M and 25 °C) instead of its concentration-dependent functions.
lpt's separator is a single-ion SSE, PyBaMM's a porous liquid-filled film: PyBaMM's is
thinned to 1 µm and lpt's SSE given its ohmic resistance ``L_s/(κ ε_s^1.5)``, so both
describe the same cell.  Small meshes keep PyBaMM's solves short.

A second case divides the diffusivity by 10: the liquid's concentration overpotential is
then ~15 mV at 1C, so agreement there checks the electrolyte model itself (lpt without
its liquid term misses PyBaMM by more than the tolerance).

Tolerances (up to 1C): RMS voltage ≤ 5 mV against SPMe and ≤ 15 mV against DFN,
capacity within 2 %.  At 3C the DFN's reaction moves to the cathode's front when the salt
at the back runs low, which the uniform-reaction SPMe (PyBaMM's and lpt's) leaves out:
the bounds there are the measured differences with margin, to catch regressions.
"""

from __future__ import annotations

import numpy as np
import pytest

pybamm = pytest.importorskip("pybamm")

from lpt.constants import F_C_MOL  # noqa: E402
from lpt.cycling import ConstantInterface, cell_parameters, simulate  # noqa: E402

ASR_OHM_CM2 = 10.0
SEPARATOR_M = 1e-6
VAR_PTS = {"x_n": 5, "x_s": 3, "x_p": 10, "r_n": 5, "r_p": 15}
Y0 = 4631.0 / 48230.0  # PyBaMM Xu2019's initial state (OCP 4.2 V)


def _setup(diffusivity_scale: float) -> dict:
    from pybamm.input.parameters.lithium_ion.Xu2019 import (
        electrolyte_conductivity_Valoen2005, electrolyte_diffusivity_Valoen2005,
    )
    pybamm.set_logging_level("ERROR")
    pv = pybamm.ParameterValues("Xu2019")
    D = float(electrolyte_diffusivity_Valoen2005(1000.0, 298.15)) * diffusivity_scale
    kappa = float(electrolyte_conductivity_Valoen2005(1000.0, 298.15))
    area_m2 = pv["Electrode height [m]"] * pv["Electrode width [m]"]
    thickness = pv["Positive electrode thickness [m]"]
    loading_mg_cm2 = pv["Positive electrode active material volume fraction"] * thickness * 4.657e3 * 1e2
    i0_li_mA_cm2 = 3.5e-8 * F_C_MOL * (1 / 1.3e-5) ** 0.7 * 1000.0**0.3 / 10.0
    liquid = dict(cathode_thickness_um=thickness * 1e6, cathode_porosity=pv["Positive electrode porosity"],
                  electrolyte_li_mol_L=pv["Initial concentration in electrolyte [mol.m-3]"] / 1e3,
                  transference_number=pv["Cation transference number"], electrolyte_diffusivity_m2_s=D,
                  electrolyte_conductivity_S_cm=kappa / 100.0)
    common = dict(anode="Li", area_cm2=area_m2 * 1e4, anode_exchange_current_mA_cm2=i0_li_mA_cm2)
    cells = cell_parameters("NMC532", loading_mg_cm2, **common, **liquid)
    dry = cell_parameters("NMC532", loading_mg_cm2, **common)
    pv.update({"Contact resistance [Ohm]": ASR_OHM_CM2 / (area_m2 * 1e4),
               "Nominal cell capacity [A.h]": cells.capacity_C_m2[0] * area_m2 / 3600.0,
               "Electrolyte diffusivity [m2.s-1]": D, "Electrolyte conductivity [S.m-1]": kappa,
               "Separator thickness [m]": SEPARATOR_M})
    separator_ohm_cm2 = SEPARATOR_M / (kappa * pv["Separator porosity"] ** 1.5) * 1e4
    return dict(pv=pv, cells=cells, dry=dry, grams=cells.loading_kg_m2[0] * 1e3 * area_m2,
                hook=ConstantInterface(asr_anode_ohm_cm2=ASR_OHM_CM2 + separator_ohm_cm2))


@pytest.fixture(scope="module")
def xu2019():
    return _setup(1.0)


@pytest.fixture(scope="module")
def slow_salt():
    return _setup(0.1)


_MODELS: dict = {}


def _compare(setup: dict, model_name: str, rate: float, cells=None) -> tuple[float, float]:
    """RMS voltage difference (mV, over PyBaMM's capacity points) and capacity difference
    (fraction) of one discharge from 4.2 V to 3.5 V."""
    if model_name not in _MODELS:
        _MODELS[model_name] = getattr(pybamm.lithium_ion, model_name)(
            {"working electrode": "positive", "contact resistance": "true"})
    pv = setup["pv"].copy()
    pv["Initial concentration in positive electrode [mol.m-3]"] = Y0 * pv["Maximum concentration in positive electrode [mol.m-3]"]
    step = f"Discharge at {rate}C until 3.5 V"
    exp = pybamm.Experiment([pybamm.step.string(step, period=f"{20.0 / rate} seconds")])
    sol = pybamm.Simulation(_MODELS[model_name], parameter_values=pv, experiment=exp, var_pts=VAR_PTS).solve()
    q_ref = sol["Discharge capacity [A.h]"].entries * 1e3 / setup["grams"]
    v_ref = sol["Voltage [V]"].entries
    res = simulate(setup["cells"] if cells is None else cells, step, 1, setup["hook"], initial_state=Y0,
                   record_cycles=[1])
    curve = res.curves[1][0]
    ok = ~np.isnan(curve["capacity_mAh_g"][:, 0])
    q, v = curve["capacity_mAh_g"][ok, 0], curve["voltage_V"][ok, 0]
    keep = q_ref <= min(q_ref[-1], q[-1])
    rms_mV = 1e3 * float(np.sqrt(np.mean((np.interp(q_ref[keep], q, v) - v_ref[keep]) ** 2)))
    cap = res.discharge_capacity_mAh_g[0, 0] / q_ref[-1] - 1.0
    print(f"\n{model_name} {rate}C: RMS {rms_mV:.2f} mV, capacity {100 * cap:+.3f} % "
          f"(PyBaMM {q_ref[-1]:.2f}, lpt {res.discharge_capacity_mAh_g[0, 0]:.2f} mAh/g)")
    return rms_mV, cap


@pytest.mark.parametrize("rate", [0.1, 1.0])
@pytest.mark.parametrize("model_name, bar_mV", [("SPMe", 5.0), ("DFN", 15.0)])
def test_flooded_cathode_discharge_matches_pybamm(xu2019, model_name, bar_mV, rate):
    rms_mV, cap = _compare(xu2019, model_name, rate)
    assert rms_mV <= bar_mV
    assert abs(cap) <= 0.02


@pytest.mark.parametrize("model_name, bar_mV, bar_cap", [("SPMe", 5.0, 0.01), ("DFN", 8.0, 0.02)])
def test_at_3c_the_uniform_reaction_still_holds_for_xu2019s_thin_cathode(xu2019, model_name, bar_mV, bar_cap):
    rms_mV, cap = _compare(xu2019, model_name, 3.0)
    assert rms_mV <= bar_mV and abs(cap) <= bar_cap


@pytest.mark.parametrize("model_name, bar_mV", [("SPMe", 5.0), ("DFN", 15.0)])
def test_a_slow_salt_is_polarized_as_pybamm_has_it(slow_salt, model_name, bar_mV):
    rms_mV, cap = _compare(slow_salt, model_name, 1.0)
    assert rms_mV <= bar_mV and abs(cap) <= 0.02
    if model_name == "SPMe":  # the liquid's term is what makes the agreement
        rms_dry, _ = _compare(slow_salt, model_name, 1.0, cells=slow_salt["dry"])
        assert rms_dry > 2 * bar_mV
