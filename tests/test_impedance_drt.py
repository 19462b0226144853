"""DRT: series terms and a blocking branch, lambda rules, credible bands that cover
the truth, peak uncertainties, a misfit warning and a cost that does not grow with
the basis."""

import numpy as np
import pytest

from lpt.errors import LptError
from lpt.impedance.circuit import Circuit
from lpt.impedance.drt import MAX_POINTS, calculate_drt
from lpt.impedance.drt_lambda import LAMBDA_RULES
from lpt.impedance.fit import fit_spectra

TWO_RC = Circuit("R0-p(R1,C1)-p(R2,C2)")
P_TWO_RC = [10, 30, 1e-4 / 30, 60, 1e-1 / 60]


def _noisy(Z, level, seed):
    rng = np.random.default_rng(seed)
    return Z + level * np.abs(Z) * (rng.normal(size=Z.shape) + 1j * rng.normal(size=Z.shape))


def _ion_blocking_pellet(seed=0):
    """Li6PS5Cl-like pellet between blocking electrodes, 30 MHz - 10 mHz, 0.2 % noise:
    bulk 359 ohm || 44 pF (geometric, eps_r ~ 50 for 1 mm x 1 cm^2), grain boundary
    150 ohm || 5 nF, blocking CPE Q = 2 uF s^-0.2, alpha = 0.8; Z' spans 36 ohm to 1.4 Mohm."""
    c = Circuit("p(R1,C1)-p(R2,C2)-CPE3")
    f = np.logspace(np.log10(3e7), -2, 95)
    return c, f, _noisy(c([359, 4.4e-11, 150, 5e-9, 2e-6, 0.8], f), 2e-3, seed)


def test_ion_blocking_pellet_keeps_its_bulk_arc_and_names_the_capacitive_tail():
    """The DRT's bulk peak is within 10 % of the circuit fit's bulk resistance, the
    grain boundary too, and the tail comes back as the blocking branch (Q and alpha
    within 5 %), not as a megaohm peak at the edge of the tau range."""
    c, f, Z = _ion_blocking_pellet()
    fit = fit_spectra(c, f, Z)[0]
    r_bulk, r_gb = fit.parameters[0], fit.parameters[2]
    drt = calculate_drt(f, Z)
    assert drt.blocking_alpha == pytest.approx(0.8, abs=0.051)
    assert drt.blocking_q == pytest.approx(2e-6, rel=0.05)
    bulk = min(drt.peaks, key=lambda p: abs(np.log(p.tau_s / (359 * 4.4e-11))))
    gb = min(drt.peaks, key=lambda p: abs(np.log(p.tau_s / (150 * 5e-9))))
    assert bulk.resistance_ohm == pytest.approx(r_bulk, rel=0.10)
    assert gb.resistance_ohm == pytest.approx(r_gb, rel=0.10)
    assert all(p.resistance_ohm < 1e3 for p in drt.peaks)
    assert not drt.warnings


def test_without_the_branch_the_tail_becomes_an_edge_peak_and_a_warning():
    _, f, Z = _ion_blocking_pellet()
    drt = calculate_drt(f, Z, blocking=False)
    assert drt.blocking_alpha is None
    assert max(p.resistance_ohm for p in drt.peaks) > 1e6
    assert any("edge of the tau range" in w for w in drt.warnings)


@pytest.mark.parametrize("rule", LAMBDA_RULES)
def test_every_lambda_rule_finds_both_time_constants_and_says_which_it_was(rule):
    """R0 + (30 ohm, 0.1 ms) + (60 ohm, 0.1 s), 0.1 % noise: tau within 5 %, R within
    10 % and within 3 standard errors, whichever rule chose lambda."""
    f = np.logspace(6, -2, 81)
    Z = _noisy(TWO_RC(P_TWO_RC, f), 1e-3, 0)
    r = calculate_drt(f, Z, lambda_rule=rule)
    assert r.lambda_rule == rule and 1e-10 <= r.lambda_ <= 10
    assert len(r.peaks) == 2
    for p, tau, R in zip(sorted(r.peaks, key=lambda p: p.tau_s), (1e-4, 0.1), (30, 60)):
        assert p.tau_s == pytest.approx(tau, rel=0.05)
        assert p.resistance_ohm == pytest.approx(R, rel=0.10)
        assert abs(p.resistance_ohm - R) < 3 * p.resistance_stderr_ohm
    assert r.r_inf_ohm == pytest.approx(10, rel=0.05)


def _zarc_gamma(tau, R, tau0, alpha):
    """The exact DRT of R/(1 + (j omega tau0)^alpha) (Cole & Cole 1941)."""
    x = np.log(tau / tau0)
    return R / (2 * np.pi) * np.sin((1 - alpha) * np.pi) / (np.cosh(alpha * x) - np.cos((1 - alpha) * np.pi))


def test_ninety_percent_bands_cover_the_true_distribution_85_to_95_percent_of_the_time():
    """20 random two-ZARC spectra (R 20-80 ohm, alpha 0.70-0.85, 0.5 % noise): the
    fraction of tau points inside the measured range whose true gamma lies in the
    90 % band, averaged, is between 0.85 and 0.95 (seeds 1-3 give 0.91-0.93)."""
    c = Circuit("R0-Zarc1-Zarc2")
    f = np.logspace(5, -1, 61)
    rng = np.random.default_rng(7)
    coverage = []
    for _ in range(20):
        R1, R2 = rng.uniform(20, 80, 2)
        t1, t2 = 10 ** rng.uniform(-4.5, -3.5), 10 ** rng.uniform(-1.5, -0.5)
        a1, a2 = rng.uniform(0.7, 0.85, 2)
        Z = c([10, R1, t1, a1, R2, t2, a2], f)
        Z = Z + 0.005 * np.abs(Z) * (rng.normal(size=len(f)) + 1j * rng.normal(size=len(f)))
        r = calculate_drt(f, Z)
        inside = (r.tau_s >= 1 / (2 * np.pi * f.max())) & (r.tau_s <= 1 / (2 * np.pi * f.min()))
        g = _zarc_gamma(r.tau_s, R1, t1, a1) + _zarc_gamma(r.tau_s, R2, t2, a2)
        coverage.append(np.mean(((g >= r.gamma_lower_ohm) & (g <= r.gamma_upper_ohm))[inside]))
    assert 0.85 <= np.mean(coverage) <= 0.95


def test_the_basis_and_the_answer_do_not_depend_on_the_number_of_points():
    """100 and 10,000 points of one two-ZARC spectrum: same tau grid, both arcs'
    resistances within 3 % of each other."""
    c = Circuit("R0-p(R1,CPE1)-p(R2,CPE2)")
    out = []
    for n in (100, 10_000):
        f = np.logspace(6, -2, n)
        Z = _noisy(c([10, 50, 1e-6, 0.9, 100, 1e-3, 0.85], f), 2e-3, 1)
        out.append(calculate_drt(f, Z))
    assert len(out[0].tau_s) == len(out[1].tau_s)
    big = [sorted(r.peaks, key=lambda p: -p.resistance_ohm)[:2] for r in out]
    for a, b in zip(sorted(big[0], key=lambda p: p.tau_s), sorted(big[1], key=lambda p: p.tau_s)):
        assert a.resistance_ohm == pytest.approx(b.resistance_ohm, rel=0.03)


def test_a_million_points_are_refused_in_one_sentence():
    f = np.logspace(6, -2, MAX_POINTS + 1)
    with pytest.raises(LptError) as err:
        calculate_drt(f, np.ones_like(f) * (1 - 1j))
    assert "decimate" in str(err.value) and "\n" not in str(err.value)


def test_an_inductive_loop_the_drt_cannot_hold_raises_the_misfit_warning():
    """A low-frequency inductive loop (p(R,L) in series: Z'' > 0 below 1 Hz) has no
    non-negative relaxation-time distribution: the DRT misses it and says so."""
    c = Circuit("R0-p(R1,CPE1)-p(R2,L2)")
    f = np.logspace(5, -2, 60)
    Z = _noisy(c([10, 50, 1e-5, 0.9, 30, 20.0], f), 2e-3, 2)
    r = calculate_drt(f, Z)
    assert any("reproduces the data only" in w for w in r.warnings)
