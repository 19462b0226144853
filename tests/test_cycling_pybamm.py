"""lpt.cycling against PyBaMM's half-cell SPM (Xu2019 parameters) on the cases both describe.

PyBaMM's SPM of a Li-metal | NMC532 half cell (``working electrode: positive``,
``ParameterValues("Xu2019")``) has no electrolyte polarization at leading order, so it is
the same physics as lpt's model with an ideal SSE: one particle with Fickian diffusion,
Butler–Volmer at the cathode (i₀ ∝ sqrt(c_s (c_max − c_s))) and at the Li metal, and a
series resistance (PyBaMM's "contact resistance" option stands for lpt's SSE + interface
ASR).  lpt takes the same numbers from its knowledge base (entry ``NMC532``) except the
Li-metal exchange current, which is set to Xu2019's value here.

Tolerances: RMS voltage ≤ 10 mV and capacity within 1 % (the project's acceptance bar);
both models discretise the particle differently (PyBaMM: 20 uniform shells and an
implicit DAE solver; lpt: 16 shells solved exactly in time), so they are not expected to
agree to machine precision — in practice they agree to about 1 mV and 0.1 %.
"""

from __future__ import annotations

import numpy as np
import pytest

pybamm = pytest.importorskip("pybamm")

from lpt.cycling import ConstantInterface, cell_parameters, simulate  # noqa: E402

F = 96485.33212
ASR_OHM_CM2 = 10.0  # SSE + interfaces, as one series resistance in both models


@pytest.fixture(scope="module")
def setup():
    pybamm.set_logging_level("ERROR")
    pv = pybamm.ParameterValues("Xu2019")
    area_m2 = pv["Electrode height [m]"] * pv["Electrode width [m]"]
    eps = pv["Positive electrode active material volume fraction"]
    thickness = pv["Positive electrode thickness [m]"]
    c_max = pv["Maximum concentration in positive electrode [mol.m-3]"]
    # lpt: active mass per area = ε L ρ with the knowledge base's ρ = c_max M (4.657 g/cm³)
    loading_mg_cm2 = eps * thickness * 4.657e3 * 1e2
    # Xu2019's Li-metal exchange current: 3.5e-8 F c_Li^0.7 c_e^0.3 with c_Li = 1/1.3e-5
    i0_li_mA_cm2 = 3.5e-8 * F * (1 / 1.3e-5) ** 0.7 * 1000.0**0.3 / 10.0
    cells = cell_parameters("NMC532", loading_mg_cm2, anode="Li", area_cm2=area_m2 * 1e4,
                            anode_exchange_current_mA_cm2=i0_li_mA_cm2)
    capacity_Ah = cells.capacity_C_m2[0] * area_m2 / 3600.0
    pv.update({"Contact resistance [Ohm]": ASR_OHM_CM2 / (area_m2 * 1e4),
               "Nominal cell capacity [A.h]": capacity_Ah})
    model = pybamm.lithium_ion.SPM({"working electrode": "positive", "contact resistance": "true"})
    grams = cells.loading_kg_m2[0] * 1e3 * area_m2
    return dict(pv=pv, model=model, cells=cells, grams=grams, c_max=c_max)


def _pybamm(setup, steps, y0, period_s):
    pv = setup["pv"].copy()
    pv["Initial concentration in positive electrode [mol.m-3]"] = y0 * setup["c_max"]
    exp = pybamm.Experiment([pybamm.step.string(s, period=f"{period_s} seconds") for s in steps])
    sim = pybamm.Simulation(setup["model"], parameter_values=pv, experiment=exp)
    return sim.solve()


def _rms_mV(q_ref, v_ref, q, v):
    top = min(q_ref[-1], q[-1])
    keep = q_ref <= top
    return 1e3 * float(np.sqrt(np.mean((np.interp(q_ref[keep], q, v) - v_ref[keep]) ** 2)))


@pytest.mark.parametrize("rate", [0.1, 1.0])
def test_discharge_matches_pybamm_spm(setup, rate):
    y0 = 4631.0 / 48230.0  # PyBaMM Xu2019's initial state (OCP 4.2 V)
    sol = _pybamm(setup, [f"Discharge at {rate}C until 3.5 V"], y0, period_s=20.0 / rate)
    q_ref = sol["Discharge capacity [A.h]"].entries * 1e3 / setup["grams"]  # mAh/g
    v_ref = sol["Voltage [V]"].entries
    res = simulate(setup["cells"], f"Discharge at {rate}C until 3.5 V", 1,
                   ConstantInterface(asr_anode_ohm_cm2=ASR_OHM_CM2), initial_state=y0, record_cycles=[1])
    curve = res.curves[1][0]
    ok = ~np.isnan(curve["capacity_mAh_g"][:, 0])
    q, v = curve["capacity_mAh_g"][ok, 0], curve["voltage_V"][ok, 0]
    rms = _rms_mV(q_ref, v_ref, q, v)
    cap_err = res.discharge_capacity_mAh_g[0, 0] / q_ref[-1] - 1.0
    print(f"\n{rate}C discharge: RMS {rms:.2f} mV, capacity {100 * cap_err:+.3f} % "
          f"(PyBaMM {q_ref[-1]:.2f}, lpt {res.discharge_capacity_mAh_g[0, 0]:.2f} mAh/g)")
    assert rms <= 10.0
    assert abs(cap_err) <= 0.01


def test_cccv_charge_matches_pybamm_spm(setup):
    # From the discharged end (OCP 3.5 V): 1C to 4.2 V, then hold until C/50.
    y0 = 0.97
    steps = ["Charge at 1C until 4.2 V", "Hold at 4.2 V until C/50"]
    sol = _pybamm(setup, steps, y0, period_s=10.0)
    q_ref = -sol["Discharge capacity [A.h]"].entries * 1e3 / setup["grams"]
    cc = sol.cycles[0].steps[0]
    q_cc = -cc["Discharge capacity [A.h]"].entries * 1e3 / setup["grams"]
    res = simulate(setup["cells"], "; ".join(steps), 1, ConstantInterface(asr_anode_ohm_cm2=ASR_OHM_CM2),
                   initial_state=y0, record_cycles=[1])
    curve = res.curves[1][0]
    ok = ~np.isnan(curve["capacity_mAh_g"][:, 0])
    rms = _rms_mV(q_cc, cc["Voltage [V]"].entries, curve["capacity_mAh_g"][ok, 0], curve["voltage_V"][ok, 0])
    cc_err = np.nanmax(curve["capacity_mAh_g"]) / q_cc[-1] - 1.0
    total_err = res.charge_capacity_mAh_g[0, 0] / q_ref[-1] - 1.0
    print(f"\nCCCV charge: CC RMS {rms:.2f} mV, CC capacity {100 * cc_err:+.3f} %, "
          f"CC+CV capacity {100 * total_err:+.3f} %")
    assert rms <= 10.0
    assert abs(cc_err) <= 0.01
    assert abs(total_err) <= 0.01
