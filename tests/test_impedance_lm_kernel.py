"""The compiled fitting loop against the NumPy one, and the staged starts of the fitter."""

import numpy as np
import pytest

from lpt.impedance import lm, lm_kernel
from lpt.impedance.circuit import Circuit
from lpt.impedance.fit import _trusted, fit_spectra, weights
from lpt.impedance.starts import initial_guesses_many

pytest.importorskip("numba")

CASES = {
    "R0-p(R1,CPE1)-p(R2,CPE2)-p(R3,CPE3)": [10, 50, 1e-8, 0.9, 100, 1e-6, 0.85, 300, 1e-3, 0.8],
    "R0-p(R1,C1)-p(R2-Wo1,C2)": [10, 50, 1e-8, 100, 200, 1.0, 1e-5],
    "R0-L1-p(R1,CPE1)-Ws1-W1-C1": [1, 1e-6, 2, 1e-3, 0.7, 3, 2, 0.5, 0.1],
}


def _noisy(text, params, seed=5, noise=0.005):
    rng = np.random.default_rng(seed)
    c = Circuit(text)
    f = np.logspace(6, -2, 60)
    Z = c(params, f) * (1 + noise * (rng.normal(size=60) + 1j * rng.normal(size=60)))
    return c, f, Z


@pytest.mark.parametrize("text", list(CASES))
def test_compiled_program_gives_the_circuits_impedance_and_exact_jacobian(text):
    """Postfix program in the kernel == the NumPy compiled circuit, Z and dZ/dp, to rounding
    (tanh of a large argument included: Ws and Wo at 1 MHz with tau = 1 s)."""
    from lpt.impedance import _lm_numba

    c = Circuit(text)
    P = np.array(CASES[text], dtype=float)
    f = np.logspace(6, -3, 40)
    omega = 2 * np.pi * f
    prog = lm_kernel.program(c)
    depth = len(prog) + 1
    stack = np.zeros((depth, len(f)), dtype=complex)
    D = np.zeros((len(P), len(f)), dtype=complex)
    _lm_numba._circuit(prog, P, omega, np.log(omega), stack, np.zeros(depth, np.int64),
                       np.zeros(depth, np.int64), D)
    Z, J = c.impedance_and_jacobian(P, f)
    np.testing.assert_allclose(stack[0], Z[0], rtol=1e-12)
    np.testing.assert_allclose(D.T, J[0], rtol=1e-9, atol=1e-12 * np.abs(J[0]).max())


@pytest.mark.parametrize("constraints", [{}, {"fixed": {"R0": 10.5}}, {"bounds": {"CPE1_1": (0.7, 0.88)}},
                                         {"links": {"CPE3_1": "CPE2_1"}}])
def test_compiled_loop_ends_every_start_where_the_numpy_loop_does(constraints):
    """Same starts, same damping and tests: every row ends at the same chi^2 (1e-8) with the
    same verdict, with fixed, bounded and linked parameters too."""
    text = "R0-p(R1,CPE1)-p(R2,CPE2)-p(R3,CPE3)"
    _, f, Z = _noisy(text, CASES[text])
    c = Circuit(text, **constraints)
    pmap = c.parameter_map
    starts = initial_guesses_many(c, f[None], Z[None])[0]
    n = len(starts)
    wr, wi = weights(Z[None], "modulus")
    problem = lm.Problem(c, pmap, f, np.repeat(Z[None], n, 0), np.repeat(wr, n, 0), np.repeat(wi, n, 0))
    U0 = pmap.to_u(pmap.clip_inside(starts[:, pmap.free]))
    _, cost_np, conv_np = lm.levenberg_marquardt(problem, U0.copy())
    _, cost_jit, conv_jit = lm_kernel.levenberg_marquardt_compiled(problem, U0)
    np.testing.assert_allclose(cost_jit, cost_np, rtol=1e-8)
    assert np.array_equal(conv_jit, conv_np)


def _count_compiled_runs(monkeypatch) -> list:
    calls = []
    compiled = lm_kernel.levenberg_marquardt_compiled

    def counted(problem, U0, *args, **kwargs):
        calls.append(len(U0))
        return compiled(problem, U0, *args, **kwargs)

    monkeypatch.setattr(lm_kernel, "levenberg_marquardt_compiled", counted)
    return calls


@pytest.mark.parametrize("text", list(CASES))
def test_fit_with_and_without_the_compiled_loop_agree(text, monkeypatch):
    """LPT_JIT=1 takes the compiled loop even for one spectrum, LPT_NO_JIT=1 the NumPy
    loop; both reach the same optimum."""
    _, f, Z = _noisy(text, CASES[text])
    calls = _count_compiled_runs(monkeypatch)
    monkeypatch.setenv("LPT_JIT", "1")
    assert lm_kernel.use_compiled(Circuit(text), 1)
    jit = fit_spectra(Circuit(text), f, Z)[0]
    assert calls
    monkeypatch.setenv("LPT_NO_JIT", "1")
    assert not lm_kernel.available(Circuit(text))
    calls.clear()
    plain = fit_spectra(Circuit(text), f, Z)[0]
    assert not calls
    assert jit.converged and plain.converged
    assert jit.chi_square <= plain.chi_square * (1 + 1e-6)
    np.testing.assert_allclose(jit.parameters, plain.parameters, rtol=1e-4)


def test_small_jobs_take_the_numpy_loop_and_large_ones_the_compiled_loop(monkeypatch):
    """The loop is chosen by the number of spectra alone: below MIN_SPECTRA the NumPy
    loop (no Numba to load), from MIN_SPECTRA on the compiled one; a spectrum fitted
    alone or in a batch ends at the same chi^2 (1e-8) either way."""
    monkeypatch.delenv("LPT_JIT", raising=False)
    monkeypatch.delenv("LPT_NO_JIT", raising=False)
    text = "R0-p(R1,CPE1)-p(R2,CPE2)-p(R3,CPE3)"
    c = Circuit(text)
    assert not lm_kernel.use_compiled(c, lm_kernel.MIN_SPECTRA - 1)
    assert lm_kernel.use_compiled(c, lm_kernel.MIN_SPECTRA)
    monkeypatch.setattr(lm_kernel, "MIN_SPECTRA", 4)
    spectra = [_noisy(text, CASES[text], seed=s)[2] for s in range(4)]
    f = _noisy(text, CASES[text])[1]
    calls = _count_compiled_runs(monkeypatch)
    small = [fit_spectra(c, f, Z)[0] for Z in spectra]
    assert not calls
    batch = fit_spectra(c, f, np.array(spectra))
    assert calls
    for one, many in zip(small, batch):
        assert one.converged and many.converged
        np.testing.assert_allclose(many.chi_square, one.chi_square, rtol=1e-8)


def test_a_one_off_fit_loads_neither_numba_nor_scipy_signal():
    """A single spectrum is fitted in a fresh interpreter without importing Numba or
    scipy.signal, the two largest imports a one-off fit used to pay for."""
    import os
    import subprocess
    import sys

    code = ("import sys, numpy as np\n"
            "from lpt.impedance.circuit import Circuit\n"
            "c = Circuit('R0-p(R1,CPE1)-p(R2,CPE2)')\n"
            "f = np.logspace(5, -1, 40)\n"
            "c.fit(f, c([10, 50, 1e-7, 0.9, 100, 1e-4, 0.8], f))\n"
            "print(sorted(m for m in ('numba', 'scipy.signal') if m in sys.modules))\n")
    import lpt

    env = {k: v for k, v in os.environ.items() if k not in ("LPT_JIT", "LPT_NO_JIT")}
    src = os.path.dirname(os.path.dirname(lpt.__file__))
    env["PYTHONPATH"] = os.pathsep.join([src] + [p for p in [env.get("PYTHONPATH")] if p])
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "[]"


def test_circuits_with_other_elements_keep_the_numpy_loop():
    for text in ("R0-G1", "R0-p(R1,CPE1)-TLMQ1", "R0-HN1"):
        assert lm_kernel.program(Circuit(text)) is None
        assert not lm_kernel.available(Circuit(text))


def test_a_fit_that_misses_an_arc_is_not_trusted_and_a_right_one_is():
    """Two arcs fitted with one leave a smooth trend in the residuals (lag-1
    autocorrelation near 1): the other starts are then tried. The right circuit
    leaves white residuals and is trusted from its primary starts."""
    truth = "R0-p(R1,CPE1)-p(R2,CPE2)"
    _, f, Z = _noisy(truth, [10, 50, 1e-7, 0.9, 100, 1e-4, 0.8], noise=0.01)
    for text, expected in ((truth, True), ("R0-p(R1,CPE1)", False)):
        c = Circuit(text)
        pmap = c.parameter_map
        res = fit_spectra(c, f, Z)[0]
        wr, wi = weights(Z[None], "modulus")
        theta = res.parameters[None, pmap.free]
        U = pmap.to_u(theta)[:, None, :]
        costs = np.array([[res.chi_square]])
        trusted = _trusted(c, pmap, f[None], Z[None], wr, wi, theta, np.array([res.chi_square]),
                           np.array([res.converged]), U, costs)
        assert bool(trusted[0]) is expected, text


def test_an_element_registered_again_under_a_builtin_name_keeps_the_numpy_loop(monkeypatch):
    """The kernel holds the built-in formulas: a user's own "CPE" must not be replaced by them."""
    import dataclasses

    from lpt.impedance import elements

    own = dataclasses.replace(elements.ELEMENTS["CPE"], impedance=lambda p, omega: 1.0 / (p[0] * omega ** p[1]))
    monkeypatch.setitem(elements.ELEMENTS, "CPE", own)
    assert lm_kernel.program(Circuit("R0-p(R1,CPE1)")) is None
