"""Circuit elements: exact derivatives, the limits their papers state, and impedance.py."""

import warnings

import numpy as np
import pytest

from lpt.errors import LptError
from lpt.impedance.circuit import Circuit
from lpt.impedance.elements import ELEMENTS, derivative, element

OMEGA = 2 * np.pi * np.logspace(-3, 6, 60)

# A typical parameter set for every built-in element (SI units, impedance.py's order).
TYPICAL = {
    "R": [50.0], "C": [1e-6], "L": [1e-6], "CPE": [1e-5, 0.85], "W": [20.0],
    "Wo": [80.0, 20.0], "Ws": [80.0, 20.0], "Wop": [80.0, 20.0, 0.45], "Wsp": [80.0, 20.0, 0.45],
    "G": [40.0, 1e-2], "Gs": [40.0, 1e-2, 1.5], "HN": [100.0, 1e-3, 0.8, 0.7],
    "Zarc": [100.0, 1e-3, 0.85], "La": [1e-6, 0.9], "TLMQ": [30.0, 1e-4, 0.9],
    "TLMo": [30.0, 300.0, 1e-4, 0.9], "TLMs": [30.0, 300.0, 1e-4, 0.9], "TLMi": [60.0, 1e-3, 0.8],
}


def test_every_built_in_element_has_a_typical_parameter_set_here():
    assert set(TYPICAL) <= set(ELEMENTS)
    assert all(len(TYPICAL[k]) == ELEMENTS[k].n_params for k in TYPICAL)


@pytest.mark.parametrize("name", sorted(TYPICAL))
def test_analytic_derivative_equals_central_differences(name):
    """dZ/dp from the formula agrees with central differences of Z to 1e-6: the
    difference step 1e-5 p leaves an O(1e-10) truncation error, and rounding
    contributes about 1e-16 |Z| / 1e-5 = 1e-11 relative."""
    e = ELEMENTS[name]
    p = [np.float64(v) for v in TYPICAL[name]]
    Z = e.impedance(p, OMEGA)
    assert e.derivatives is not None, f"{name} has no analytic derivative"
    analytic = e.derivatives(p, OMEGA, Z)
    for k in range(e.n_params):
        h = 1e-5 * p[k]
        up = [v + h if j == k else v for j, v in enumerate(p)]
        down = [v - h if j == k else v for j, v in enumerate(p)]
        fd = (e.impedance(up, OMEGA) - e.impedance(down, OMEGA)) / (2 * h)
        scale = np.abs(fd).max()
        np.testing.assert_allclose(analytic[k], fd, rtol=1e-6, atol=1e-9 * scale,
                                   err_msg=f"{name} parameter {k}")


def test_blocking_transmission_line_tends_to_r_ion_over_3_plus_the_wall_at_low_frequency():
    """de Levie, blocking wall: Z -> R_ion/3 + 1/(Q (j omega)^alpha) as omega -> 0
    (the next term is of order R_ion^2 Q omega^alpha, 1e-7 relative at 1 mHz here),
    and -> sqrt(R_ion zeta) (a 45°-ish line) at high frequency."""
    r_ion, Q, alpha = 30.0, 1e-4, 0.9
    w_low = np.array([2 * np.pi * 1e-4])
    zeta = 1 / (Q * (1j * w_low) ** alpha)
    Z = ELEMENTS["TLMQ"]([r_ion, Q, alpha], w_low)
    np.testing.assert_allclose(Z - zeta, r_ion / 3, rtol=1e-4)
    w_high = np.array([2 * np.pi * 1e7])
    zeta = 1 / (Q * (1j * w_high) ** alpha)
    np.testing.assert_allclose(ELEMENTS["TLMQ"]([r_ion, Q, alpha], w_high), np.sqrt(r_ion * zeta), rtol=1e-9)


def test_transmission_lines_with_charge_transfer_reach_their_dc_limits():
    """At omega -> 0 the wall is R_ct: reflective end Z = sqrt(R R_ct) coth(sqrt(R/R_ct))
    ~ R_ct + R/3, transmissive end sqrt(R R_ct) tanh(sqrt(R/R_ct)) ~ R (R_ct >> R)."""
    r_ion, r_ct = 30.0, 3e4
    w = np.array([2 * np.pi * 1e-7])
    zo = ELEMENTS["TLMo"]([r_ion, r_ct, 1e-4, 0.9], w)[0]
    zs = ELEMENTS["TLMs"]([r_ion, r_ct, 1e-4, 0.9], w)[0]
    k = np.sqrt(r_ion / r_ct)
    np.testing.assert_allclose(zo.real, np.sqrt(r_ion * r_ct) / np.tanh(k), rtol=1e-5)
    np.testing.assert_allclose(zs.real, np.sqrt(r_ion * r_ct) * np.tanh(k), rtol=1e-5)
    # leftovers: -R^2/(45 R_ct) = 7e-4 ohm and the CPE's admittance at 1e-7 Hz,
    # R_ct Q omega^alpha ~ 8e-6 of R_ct = 0.04 ohm
    assert abs(zo.real - (r_ct + r_ion / 3)) < 3e-3 * r_ion
    assert abs(zs.real - r_ion) < 2e-3 * r_ion


def test_gerischer_becomes_the_semi_infinite_warburg_when_its_rate_constant_vanishes():
    """Z0/sqrt(k + j omega) -> Z0/sqrt(j omega) = (Z0/sqrt 2)(1 - j)/sqrt(omega) as k -> 0:
    with k = 1e-12 s^-1 and omega >= 6e-3 rad/s the difference is ~k/omega ~ 1e-10."""
    z0, k = 7.0, 1e-12
    Zg = ELEMENTS["G"]([z0 / np.sqrt(k), 1 / k], OMEGA)
    Zw = ELEMENTS["W"]([z0 / np.sqrt(2)], OMEGA)
    np.testing.assert_allclose(Zg, Zw, rtol=1e-8)


def test_semi_infinite_line_with_ideal_wall_is_the_gerischer_element():
    np.testing.assert_allclose(ELEMENTS["TLMi"]([60.0, 1e-3, 1.0], OMEGA),
                               ELEMENTS["G"]([60.0, 1e-3], OMEGA), rtol=1e-12)


def test_finite_gerischer_tends_to_gerischer_for_a_long_layer():
    np.testing.assert_allclose(ELEMENTS["Gs"]([40.0, 1e-2, 40.0], OMEGA),
                               ELEMENTS["G"]([40.0, 1e-2], OMEGA), rtol=1e-12)


def test_havriliak_negami_special_cases_are_rc_and_r_parallel_cpe():
    R, tau = 100.0, 1e-3
    rc = Circuit("p(R1,C1)")([R, tau / R], OMEGA / (2 * np.pi))
    np.testing.assert_allclose(ELEMENTS["HN"]([R, tau, 1.0, 1.0], OMEGA), rc, rtol=1e-12)
    alpha = 0.8
    rq = Circuit("p(R1,CPE1)")([R, tau**alpha / R, alpha], OMEGA / (2 * np.pi))
    np.testing.assert_allclose(ELEMENTS["HN"]([R, tau, alpha, 1.0], OMEGA), rq, rtol=1e-12)
    np.testing.assert_allclose(ELEMENTS["Zarc"]([R, tau, alpha], OMEGA), rq, rtol=1e-12)


def test_generalized_warburgs_at_exponent_one_half_are_wo_and_ws():
    np.testing.assert_allclose(ELEMENTS["Wop"]([80.0, 20.0, 0.5], OMEGA), ELEMENTS["Wo"]([80.0, 20.0], OMEGA),
                               rtol=1e-12)
    np.testing.assert_allclose(ELEMENTS["Wsp"]([80.0, 20.0, 0.5], OMEGA), ELEMENTS["Ws"]([80.0, 20.0], OMEGA),
                               rtol=1e-12)


def test_finite_warburgs_tend_to_their_dc_limits():
    """Reflective: Z -> R/3 + R/(j omega tau); transmissive: Z -> R (Macdonald & Barsoukov)."""
    w = np.array([1e-8])
    R, tau = 80.0, 20.0
    np.testing.assert_allclose(ELEMENTS["Wo"]([R, tau], w), R / 3 + R / (1j * w * tau), rtol=1e-6)
    np.testing.assert_allclose(ELEMENTS["Ws"]([R, tau], w), R, rtol=1e-6)


@pytest.mark.parametrize("name", ["G", "Gs", "Zarc", "TLMQ", "La"])
def test_shared_elements_equal_impedance_py(name):
    from impedance.models.circuits import CustomCircuit

    text = f"R0-{name}1"
    p = [5.0] + TYPICAL[name]
    f = OMEGA / (2 * np.pi)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = CustomCircuit(text, initial_guess=p).predict(f, use_initial=True)
    np.testing.assert_allclose(Circuit(text)(p, f), ref, rtol=1e-10)


def test_element_registered_in_user_code_fits_without_a_derivative():
    """A user's element without @derivative gets difference-quotient Jacobian columns
    good to ~1e-9, enough for the fit to find a resistor hidden in it."""

    @element("Rtest", units=("Ohm",), kinds=("positive",), description="test resistor")
    def _rtest(p, omega):
        return 2.0 * p[0] + 0j * omega

    try:
        c = Circuit("R0-p(Rtest1,C1)")
        f = np.logspace(5, -2, 40)
        Z = c([10.0, 25.0, 1e-5], f)
        _, J = c.impedance_and_jacobian(np.array([[10.0, 25.0, 1e-5]]), f)
        h = 1e-6 * 25.0
        fd = (c([10.0, 25 + h, 1e-5], f) - c([10.0, 25 - h, 1e-5], f)) / (2 * h)
        np.testing.assert_allclose(J[0, :, 1], fd, rtol=1e-6)
        fitted = c.fit(f, Z)
        np.testing.assert_allclose(fitted.parameters_, [10.0, 25.0, 1e-5], rtol=1e-6)
        derivative("Rtest")(lambda p, omega, Z: [2.0 + 0 * Z])
        assert ELEMENTS["Rtest"].derivatives is not None
    finally:
        ELEMENTS.pop("Rtest", None)


@pytest.mark.parametrize("name, units, kinds", [("R2d2", ("Ohm",), ("positive",)),
                                                ("Rx", ("Ohm",), ("angle",)),
                                                ("Rx", ("Ohm", "F"), ("positive",))])
def test_badly_declared_elements_are_refused_in_one_sentence(name, units, kinds):
    with pytest.raises(LptError):
        element(name, units, kinds)(lambda p, omega: p[0] + 0j * omega)
    assert name not in ELEMENTS or name == "R"
