"""Circuit parsing/compilation and CNLS fitting, against known truths and impedance.py."""

import json
import warnings
from pathlib import Path

import numpy as np
import pytest

from lpt.errors import LptError
from lpt.impedance.circuit import Circuit
from lpt.impedance.fit import chi_square, fit_spectra
from lpt.io import read_spectrum as read

DATA = Path(__file__).parent / "data" / "eis"
CIRCUITS = {
    "R0-p(R1,CPE1)-p(R2,CPE2)-Wo1": [10, 50, 1e-7, 0.9, 100, 1e-4, 0.8, 80, 20.0],
    "R0-p(R1,C1)-p(R2-Wo1,C2)": [0.01, 0.01, 100, 0.01, 0.05, 100, 1],
    "R0-L1-p(R1,CPE1)-Ws1-W1-C1": [1, 1e-6, 2, 1e-3, 0.7, 3, 2, 0.5, 0.1],
}


@pytest.mark.parametrize("text", list(CIRCUITS))
def test_compiled_circuit_equals_impedance_py(text):
    """Same string, same parameters -> the same Z as impedance.py, to rounding."""
    from impedance.models.circuits import CustomCircuit

    f = np.logspace(-3, 6, 50)
    p = CIRCUITS[text]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = CustomCircuit(text, initial_guess=p).predict(f, use_initial=True)
    c = Circuit(text)
    assert c.param_names == CustomCircuit(text, initial_guess=p).get_param_names()[0]
    np.testing.assert_allclose(c(p, f), ref, rtol=1e-12)


@pytest.mark.parametrize("text", list(CIRCUITS))
def test_analytic_jacobian_matches_finite_differences(text):
    """The exact Jacobian used by the fitter agrees with central differences."""
    c = Circuit(text)
    f = np.logspace(-3, 6, 40)
    p = np.array(CIRCUITS[text], dtype=float)
    _, J = c.impedance_and_jacobian(p[None], f)
    for k in range(len(p)):
        h = 1e-4 * p[k]
        dp = np.zeros_like(p)
        dp[k] = h
        fd = (c(p + dp, f) - c(p - dp, f)) / (2 * h)
        # central differences: O(h^2) truncation plus cancellation of ~1e-16 |Z| / h
        atol = 1e-13 * np.abs(c(p, f)).max() / h + 1e-9 * np.abs(J[0, :, k]).max()
        np.testing.assert_allclose(J[0, :, k], fd, rtol=1e-5, atol=atol)


def test_vectorized_over_spectra_and_frequency_rows():
    c = Circuit("R0-p(R1,CPE1)")
    P = np.array([[1, 2, 1e-3, 0.9], [2, 3, 1e-4, 0.8]])
    f = np.logspace(-1, 4, 7)
    Z = c(P, f)
    assert Z.shape == (2, 7)
    np.testing.assert_allclose(Z[1], c(P[1], f))
    np.testing.assert_allclose(c(P, np.vstack([f, f * 2]))[1], c(P[1], f * 2))


@pytest.mark.parametrize("bad, word", [("R0-p(R1,X1)", "X1"), ("R0--R1", "-"), ("p(R1)", "two"),
                                       ("R0-p(R1,C1", ")"), ("R0-R0", "twice"), ("", "empty"),
                                       ("R0-Rct", "Rct")])
def test_bad_circuit_strings_say_what_and_what_is_allowed(bad, word):
    with pytest.raises(LptError) as err:
        Circuit(bad)
    msg = str(err.value)
    assert word in msg and "\n" not in msg


def test_json_round_trip_keeps_fitted_values():
    f = np.logspace(-2, 5, 40)
    c = Circuit("R0-p(R1,C1)")
    c.fit(f, c([1.0, 5.0, 1e-4], f))
    d = Circuit.from_json(c.to_json())
    np.testing.assert_allclose(d.parameters_, c.parameters_)
    np.testing.assert_allclose(d.predict(f), c.predict(f))
    assert json.loads(c.to_json())["parameters"]["R1"]["unit"] == "Ohm"


def _noisy(c, truth, n, rng, f):
    P = np.array(truth) * np.exp(rng.normal(0, 0.2, (n, len(truth))))
    ex = [i for i, k in enumerate(c.param_kinds) if k == "exponent"]
    P[:, ex] = np.clip(np.array(truth)[ex] + rng.normal(0, 0.03, (n, len(ex))), 0.5, 0.99)
    Z = c(P, f)
    # 1 % complex noise: sigma = 0.01 |Z| on the real and on the imaginary part.
    Z = Z + 0.01 * np.abs(Z) * (rng.normal(size=Z.shape) + 1j * rng.normal(size=Z.shape))
    return P, Z


def test_fits_cover_truth_within_three_standard_errors():
    """200 two-arc spectra with 1 % noise: for >= 95 % of them every fitted parameter
    is within 3 stderr of the truth (for correct errors ~99 % per spectrum of 7
    parameters would be; 95 % leaves room for the non-linearity of small samples)."""
    rng = np.random.default_rng(0)
    c = Circuit("R0-p(R1,CPE1)-p(R2,CPE2)")
    f = np.logspace(6, -2, 57)
    P, Z = _noisy(c, [10, 50, 1e-7, 0.9, 100, 1e-4, 0.8], 200, rng, f)
    res = fit_spectra(c, f, Z)
    truth = c.canonical_order(P)[0]
    z = np.array([(r.parameters - truth[i]) / r.stderr for i, r in enumerate(res)])
    assert np.mean(np.all(np.abs(z) < 3, axis=1)) >= 0.95
    assert np.mean([r.converged for r in res]) >= 0.98
    # chi^2 of modulus-weighted fits with 1 % noise ~ 2 N sigma^2 = 0.0114
    assert 0.008 < np.median([r.chi_square for r in res]) < 0.014


@pytest.mark.parametrize("text, guess", [
    ("R0-p(R1,C1)-p(R2-Wo1,C2)", [0.01, 0.01, 100, 0.01, 0.05, 100, 1]),
    ("R0-p(R1,CPE1)-p(R2,CPE2)-W1", [0.01, 0.01, 100, 0.9, 0.01, 10, 0.8, 0.01]),
])
@pytest.mark.parametrize("weighting", ["unit", "modulus"])
def test_chi_square_no_worse_than_impedance_py(text, guess, weighting):
    """impedance.py's documented example (exampleData.csv, positive Z'' dropped as in
    its tutorial): lpt's chi^2, from its automatic starts, is <= 1.01x the chi^2 of
    impedance.py's fit from the tutorial guess, both computed by one function."""
    from impedance import preprocessing
    from impedance.models.circuits import CustomCircuit

    f, Z = preprocessing.readCSV(str(DATA / "exampleData.csv"))
    f, Z = preprocessing.ignoreBelowX(f, Z)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = CustomCircuit(text, initial_guess=guess).fit(f, Z, weight_by_modulus=weighting == "modulus")
    c = Circuit(text)
    ours = fit_spectra(c, f, Z, weighting=weighting)[0]
    theirs = chi_square(c, ref.parameters_, f, Z, weighting)[0]
    assert ours.chi_square <= 1.01 * theirs


def test_fit_rejects_too_few_points_and_bad_weighting():
    c = Circuit("R0-p(R1,CPE1)-p(R2,CPE2)")
    f = np.logspace(0, 3, 3)
    with pytest.raises(LptError):
        fit_spectra(c, f, np.ones(3, complex))
    with pytest.raises(LptError, match="did you mean"):
        fit_spectra(c, np.logspace(0, 3, 20), np.ones(20, complex), weighting="modulous")


def test_fit_of_every_example_file_runs_and_converges():
    for name in ["exampleData.csv", "exampleDataZPlot.z", "exampleDataAutolab.txt", "exampleDataGamry.DTA"]:
        s = read(DATA / name)
        r = fit_spectra("R0-p(R1,CPE1)-p(R2,CPE2)", s.frequency_Hz, s.z)[0]
        assert np.all(np.isfinite(r.parameters)) and r.chi_square < 1.0
