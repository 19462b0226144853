"""Kramers-Kronig checks: lin-KK with automatic series L/C, and Z-HIT."""

import numpy as np
import pytest

from lpt.impedance.circuit import Circuit
from lpt.impedance.validate import kramers_kronig, z_hit
from test_impedance_analysis import _drifting_spectrum

F = np.logspace(5, -2, 50)


@pytest.mark.parametrize("text, p", [("p(R1,C1)", [100, 1e-5]), ("R0-p(R1,C1)", [10, 100, 1e-5]),
                                     ("R0-p(R1,CPE1)-p(R2,CPE2)", [10, 50, 1e-6, 0.9, 100, 1e-3, 0.85])])
def test_exact_spectra_pass_lin_kk_to_a_thousandth_of_a_percent_of_z(text, p):
    """Noise-free, KK-exact data: an RC series must reproduce them to rounding-ish
    (pyimpspec reaches 0.000 %); 0.1 % is the acceptance bound of this project."""
    r = kramers_kronig(F, Circuit(text)(p, F))
    assert r.valid and r.max_residual_percent < 0.1


@pytest.mark.parametrize("noise", [0.0, 0.003])
def test_repeating_every_row_changes_nothing(noise):
    """Each frequency twice (as some instruments export): same M, same residuals."""
    rng = np.random.default_rng(4)
    Z = Circuit("R0-p(R1,C1)")([10, 100, 1e-5], F)
    Z = Z + noise * np.abs(Z) * (rng.normal(size=Z.shape) + 1j * rng.normal(size=Z.shape))
    once = kramers_kronig(F, Z)
    twice = kramers_kronig(np.repeat(F, 2), np.repeat(Z, 2))
    assert twice.n_rc == once.n_rc and twice.valid == once.valid
    np.testing.assert_allclose(twice.residual_real_percent[::2], once.residual_real_percent, atol=1e-9)
    if noise == 0:
        assert twice.max_residual_percent < 0.1


def test_a_blocking_electrode_gets_its_series_capacitance():
    """Bulk arc then a blocking capacitor (10 uF): the test adds C, finds it within 0.1 %,
    and passes; no inductance is invented."""
    Z = Circuit("R0-p(R1,CPE1)-C2")([10, 100, 1e-7, 0.95, 1e-5], F)
    r = kramers_kronig(F, Z)
    assert r.valid and r.series_capacitance_F == pytest.approx(1e-5, rel=1e-3)
    assert r.series_inductance_H is None


def test_lead_inductance_is_added_when_the_high_frequency_end_is_inductive():
    f = np.logspace(6, -1, 50)
    Z = Circuit("R0-L1-p(R1,CPE1)")([1, 2e-6, 20, 1e-5, 0.9], f)
    r = kramers_kronig(f, Z)
    assert r.valid and r.series_inductance_H == pytest.approx(2e-6, rel=1e-3)


def test_drift_is_caught_by_both_lin_kk_and_z_hit():
    """20 % growth of the low-frequency resistance during the sweep (0.2 % noise):
    lin-KK ~4.5 % and Z-HIT ~10 % residuals, both over their thresholds in 10 of 10;
    the same cell without drift passes both."""
    rng = np.random.default_rng(1)
    for _ in range(10):
        f, Z = _drifting_spectrum(0.0, rng)
        assert kramers_kronig(f, Z).valid and z_hit(f, Z).valid
        f, Z = _drifting_spectrum(0.2, rng)
        assert not kramers_kronig(f, Z).valid and not z_hit(f, Z).valid


def test_z_hit_modulus_follows_the_phase_of_an_exact_two_arc_spectrum():
    """Ehm et al.'s first-order formula: within its own ~5 % approximation error."""
    Z = Circuit("R0-p(R1,CPE1)-p(R2,CPE2)")([10, 50, 1e-6, 0.9, 100, 1e-3, 0.85], F)
    r = z_hit(F, Z)
    assert r.method == "Z-HIT" and r.max_residual_percent < 5
    assert np.max(np.abs(r.residual_real_percent[10:40])) < 3
