"""Fixed, bounded and linked parameters, and a convergence flag that tells the truth."""

import numpy as np
import pytest

from lpt.errors import LptError
from lpt.impedance.circuit import Circuit
from lpt.impedance.fit import _polish, fit_spectra
from lpt.impedance.lm import Problem

F = np.logspace(6, -2, 57)
TEXT = "R0-p(R1,CPE1)-p(R2,CPE2)"
TRUE = np.array([10, 50, 1e-6, 0.88, 100, 1e-3, 0.88])


def _noisy(P=TRUE, noise=0.003, seed=3, f=F, text=TEXT):
    rng = np.random.default_rng(seed)
    Z = Circuit(text)(P, f)
    return Z + noise * np.abs(Z) * (rng.normal(size=Z.shape) + 1j * rng.normal(size=Z.shape))


def test_a_fixed_series_resistance_stays_put_and_the_rest_is_recovered():
    """R0 fixed at 10 ohm (as when it is measured apart): reported exactly, with no
    standard error; the arcs still come out within 3 sigma of the truth."""
    Z = _noisy()
    r = fit_spectra(Circuit(TEXT, fixed={"R0": 10.0}), F, Z)[0]
    assert r.parameters[0] == 10.0 and not np.isfinite(r.stderr[0])
    assert r.fixed == ["R0"] and r.converged
    free = slice(1, None)
    assert np.all(np.abs(r.parameters[free] - TRUE[free]) < 3 * r.stderr[free])


def test_an_exponent_bounded_above_the_truth_ends_on_its_bound_and_says_so():
    """True alpha = 0.88; bounded to 0.95..1 the best fit presses alpha1 against 0.95
    and lists it in at_bound: the solver still met its tests there."""
    Z = _noisy()
    r = fit_spectra(Circuit(TEXT, bounds={"CPE1_1": (0.95, 1.0)}), F, Z)[0]
    k = r.param_names.index("CPE1_1")
    assert r.parameters[k] == pytest.approx(0.95, abs=1e-6)
    assert "CPE1_1" in r.at_bound
    assert r.converged


def test_linked_exponents_are_equal_and_cost_nothing_when_the_data_share_them():
    """Both arcs have alpha = 0.88: linking CPE2_1 to CPE1_1 removes one parameter and
    raises chi^2 by no more than one noise unit (chi^2/(2N - p) per dropped parameter)."""
    Z = _noisy()
    free = fit_spectra(Circuit(TEXT), F, Z)[0]
    linked = fit_spectra(Circuit(TEXT, links={"CPE2_1": "CPE1_1"}), F, Z)[0]
    k1, k2 = linked.param_names.index("CPE1_1"), linked.param_names.index("CPE2_1")
    assert linked.parameters[k1] == linked.parameters[k2]
    assert linked.stderr[k1] == linked.stderr[k2]
    assert linked.links == {"CPE2_1": "CPE1_1"}
    noise_unit = free.chi_square / (2 * len(F) - len(TRUE))
    assert free.chi_square <= linked.chi_square <= free.chi_square + 4 * noise_unit


def test_initial_values_by_name_join_the_automatic_starts():
    Z = _noisy()
    r = fit_spectra(Circuit(TEXT), F, Z, initial_guess={"R1": 40.0, "CPE1_1": 0.9})[0]
    assert r.converged and abs(r.parameters[1] - 50) < 3 * r.stderr[1]


@pytest.mark.parametrize("kwargs, words", [
    ({"fixed": {"R9": 1.0}}, ["R9", "did you mean", "R0"]),
    ({"bounds": {"CPE1_1": (0.5, 1.5)}}, ["CPE1_1", "domain", "(0, 1]"]),
    ({"bounds": {"R1": (-1, 10)}}, ["R1", "domain"]),
    ({"bounds": {"R1": (10, 1)}}, ["LO < HI"]),
    ({"fixed": {"R1": 5.0}, "bounds": {"R1": (1, 10)}}, ["R1", "both fixed and bounded"]),
    ({"fixed": {"CPE1_1": 1.2}}, ["CPE1_1", "outside its domain"]),
    ({"links": {"CPE1_1": "R1"}}, ["one kind"]),
    ({"links": {"R1": "R2", "R2": "R1"}}, ["cycle"]),
    ({"links": {"R1": "R2"}, "fixed": {"R1": 3.0}}, ["linked", "fix or bound R2"]),
])
def test_bad_constraints_are_one_sentence_naming_the_parameter(kwargs, words):
    with pytest.raises(LptError) as err:
        Circuit(TEXT, **kwargs)
    message = str(err.value)
    assert "\n" not in message
    for w in words:
        assert w in message


def test_a_link_to_a_fixed_parameter_fixes_both():
    r = fit_spectra(Circuit(TEXT, fixed={"CPE1_1": 0.88}, links={"CPE2_1": "CPE1_1"}), F, _noisy())[0]
    assert r.parameters[3] == r.parameters[6] == 0.88
    assert set(r.fixed) == {"CPE1_1", "CPE2_1"}


def test_constraints_survive_a_json_round_trip():
    c = Circuit(TEXT, fixed={"R0": 10.0}, bounds={"CPE1_1": (0.7, 1.0)}, links={"CPE2_1": "CPE1_1"})
    back = Circuit.from_json(c.to_json())
    assert back.fixed == c.fixed and back.bounds == c.bounds and back.links == c.links


def test_noise_free_fit_converges_to_rounding():
    Z = Circuit(TEXT)(TRUE, F)
    r = fit_spectra(TEXT, F, Z)[0]
    assert r.converged and r.chi_square < 1e-20
    np.testing.assert_allclose(r.parameters, TRUE, rtol=1e-7)


def test_a_polish_that_finds_nothing_better_keeps_the_solvers_verdict():
    """At the exact optimum the trf polish cannot lower chi^2: the loop's 'converged'
    stands (it used to be overwritten by False)."""
    c = Circuit(TEXT)
    Z = _noisy()
    r = fit_spectra(c, F, Z)[0]
    wr = np.abs(Z)[None]
    problem = Problem(c, c.parameter_map, F, Z[None], wr, wr)
    theta, ok = _polish(problem, r.parameters.copy(), True)
    assert ok
    np.testing.assert_allclose(theta, r.parameters)


def test_sixty_six_points_at_one_frequency_never_converge():
    """One frequency repeated 66 times holds two numbers; 7 parameters cannot be
    determined from them, whatever the solver's tests say."""
    f = np.full(66, 1000.0)
    Z = Circuit(TEXT)(TRUE, f)
    r = fit_spectra(TEXT, f, Z)[0]
    assert not r.converged and "degenerate" in r.message


def test_nine_parameters_from_five_points_never_converge():
    text = "R0-p(R1,CPE1)-p(R2,CPE2)-Wo1"
    f = np.logspace(4, 0, 5)
    Z = Circuit(text)([10, 50, 1e-6, 0.9, 100, 1e-3, 0.8, 80, 20.0], f)
    r = fit_spectra(text, f, Z)[0]
    assert not r.converged
    assert "5 distinct frequencies" in r.message


def test_an_arc_the_data_do_not_contain_is_flagged_undetermined():
    """A one-arc spectrum fitted with two arcs: the second arc's parameters have
    relative standard errors above 1 (or a singular Jacobian) and are listed."""
    f = np.logspace(5, -1, 40)
    Z = _noisy(np.array([10, 50, 1e-6, 0.9]), f=f, text="R0-p(R1,CPE1)")
    r = fit_spectra(TEXT, f, Z)[0]
    assert len(r.undetermined) >= 2
