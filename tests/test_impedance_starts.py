"""The peak finder of the automatic starts against scipy.signal.find_peaks."""

import numpy as np
import pytest

from lpt.impedance.starts import peaks_with_prominence

signal = pytest.importorskip("scipy.signal")


def test_peaks_and_prominences_are_those_of_scipy_find_peaks():
    """Same peaks (plateaus: the middle index rounded down; none at either end) and the
    same prominences, bit for bit, on noise, on integer steps full of plateaus and on
    smoothed random walks like the -Z'' curves the starts read."""
    rng = np.random.default_rng(0)
    for trial in range(3000):
        n = int(rng.integers(1, 80))
        if trial % 3 == 0:
            x = rng.normal(size=n)
        elif trial % 3 == 1:
            x = rng.integers(0, 4, size=n).astype(float)
        else:
            x = np.convolve(rng.normal(size=n).cumsum(), np.ones(3) / 3, mode="same")
        least = float(rng.uniform(0, 1) * np.ptp(x))
        expected, props = signal.find_peaks(x, prominence=least)
        peaks, prominences = peaks_with_prominence(x, least)
        assert np.array_equal(peaks, expected), x
        assert np.array_equal(prominences, props["prominences"]), x


def test_a_lone_arc_is_one_peak_as_high_as_its_apex():
    """-Z'' of one R-C arc on a log grid: one peak at omega = 1/(RC), prominence R/2
    (both tails fall to near zero)."""
    f = np.logspace(6, -2, 81)
    omega = 2 * np.pi * f
    R, C = 100.0, 1e-4
    minus_imag = R * omega * R * C / (1 + (omega * R * C) ** 2)
    peaks, prominences = peaks_with_prominence(minus_imag, 1.0)
    assert len(peaks) == 1
    np.testing.assert_allclose(omega[peaks[0]], 1 / (R * C), rtol=0.12)
    np.testing.assert_allclose(prominences[0], R / 2, rtol=0.01)
