"""Impedance of Li|SSE|Li symmetric cells: the standard measurement of an interface's ASR.

The spectrum's DC limit is the symmetric model's cell resistance (bulk + both Li|SSE
interfaces), its high-frequency plateau the bulk, and a salt-in-polymer separator adds the
finite-length Warburg of its salt, whose DC limit is eq. 16's steady concentration
overpotential per current and whose shape is impedance.py's ``Ws`` element.
"""

from __future__ import annotations

import numpy as np
import pytest

from lpt.impedance.model import GRAIN_BOUNDARY_FRACTION_BY_FAMILY, simulate_spectrum, spectrum_json, stack_circuit
from lpt.impedance.validate import kramers_kronig
from lpt.interface import build_inputs, evaluate
from lpt.symmetric import half_cells
from lpt.symmetric.salt import salt_layer

from test_symmetric import sym


def test_the_dc_limit_is_bulk_plus_both_li_interfaces_of_the_interface_model():
    d = sym(sse="LLZO", p=5.0, counter={"therapy": "wetting", "liquid": "LiTFSI-Pyr13TFSI", "loading_uL_cm2": 1.0})
    x = build_inputs(list(half_cells(d)))
    r = evaluate(x)
    expected_ohm = (r.bulk_ohm_cm2[0] + r.anode.asr_ohm_cm2[0] + r.anode.asr_ohm_cm2[1]) / d.area_cm2
    c = stack_circuit(d)
    assert c.dc_resistance_ohm() == pytest.approx(expected_ohm, rel=1e-9)
    z = simulate_spectrum(d, frequencies_Hz=[1e-4])["z"]
    assert z.real[0] == pytest.approx(expected_ohm, rel=1e-3)
    # the high-frequency plateau: the grains' bulk share and the constrictions (same τ)
    grains = 1.0 - GRAIN_BOUNDARY_FRACTION_BY_FAMILY["garnet"]
    hf = (grains * r.bulk_ohm_cm2[0] + r.anode.constriction_ohm_cm2[0] + r.anode.constriction_ohm_cm2[1]) / d.area_cm2
    assert c.high_frequency_resistance_ohm() == pytest.approx(hf, rel=1e-9)


def test_equal_sides_give_equal_arcs_and_a_treated_counter_side_does_not():
    arcs = stack_circuit(sym(sse="LLZO")).arcs()
    w = {a.name.removeprefix("working_"): a.resistance_ohm for a in arcs if a.name.startswith("working_")}
    c = {a.name.removeprefix("counter_"): a.resistance_ohm for a in arcs if a.name.startswith("counter_")}
    assert w and w == c
    treated = stack_circuit(sym(sse="LLZO", counter={"therapy": "wetting", "liquid": "LiTFSI-Pyr13TFSI",
                                                     "loading_uL_cm2": 1.0})).arcs()
    assert any(a.name.startswith("counter_") and "sei" in a.name for a in treated)
    assert not any(a.name.startswith("working_") and "sei" in a.name for a in treated)


def test_a_ceramic_cell_has_no_salt_diffusion_and_its_spectrum_is_kramers_kronig_valid():
    doc = spectrum_json(sym(sse="LPSCl"))
    assert doc["separator_warburg"] == {"Z0_ohm": None, "tau_s": None}
    s = simulate_spectrum(sym(sse="LLZO"))
    assert kramers_kronig(s["frequency_Hz"], s["z"]).valid


def test_the_polymer_separator_warburg_is_impedance_py_ws_with_the_steady_polarization_as_dc_limit():
    from impedance.models.circuits.elements import Ws

    d = sym(sse="PEO-LiTFSI", p=1.0, T=70.0, thickness_um=100.0)
    c = stack_circuit(d)
    z0, tau = c.separator_warburg_Z0_ohm, c.separator_warburg_tau_s
    # DC limit = the steady concentration overpotential per unit current (eq. 16, small q)
    layer = salt_layer([d], np.array([343.15]))
    i = 1e-4
    steady = layer.advance(layer.initial(), np.array([i]), 50.0 / layer.rate_per_h[0])
    assert z0 * d.area_cm2 == pytest.approx(layer.overpotential_V(steady)[0] / (i * 1e-3), rel=1e-3)
    # τ = (L/2)²/D: the mid-plane keeps c₀ by symmetry
    assert tau == pytest.approx(3600.0 / (4 * layer.rate_per_h[0]), rel=1e-12)
    f = np.logspace(3, -4, 36)
    with_ws = c.impedance(f)
    from dataclasses import replace
    without = replace(c, separator_warburg_Z0_ohm=None, separator_warburg_tau_s=None).impedance(f)
    assert np.allclose(with_ws - without, Ws([z0, tau], f), rtol=1e-12, atol=1e-12)
    s = simulate_spectrum(d, frequencies_Hz=np.logspace(7, -5, 121))
    assert kramers_kronig(s["frequency_Hz"], s["z"]).valid


def test_a_labs_li_llzo_li_spectrum_calibrates_the_li_exchange_current_it_was_made_with():
    # the standard way to measure an interface: fit the symmetric model to a Li|LLZO|Li
    # spectrum; a spectrum made with i0 = 3 mA cm⁻² (default 10) gives back 3
    from lpt import overrides
    from lpt.calibrate import Measurement, calibrate

    d = sym(sse="LLZO", p=10.0)
    with overrides.applied({"li_sse_exchange_current_mA_cm2": 3.0}):
        s = simulate_spectrum(d)
    cal = calibrate(d, ["li_sse_exchange_current_mA_cm2"], [Measurement(s["frequency_Hz"], s["z"], 25.0)])
    assert cal.converged
    assert cal.parameters["li_sse_exchange_current_mA_cm2"].value == pytest.approx(3.0, rel=1e-4)
