"""Kramers-Kronig, DRT and Arrhenius on spectra of known physics."""

from pathlib import Path

import numpy as np
import pytest

from lpt.impedance.arrhenius import K_B_EV, arrhenius_fit, arrhenius_from_spectra, plot_arrhenius
from lpt.impedance.circuit import Circuit
from lpt.impedance.drt import calculate_drt
from lpt.io import Spectrum
from lpt.io import read_spectrum as read
from lpt.impedance.validate import kramers_kronig

DATA = Path(__file__).parent / "data" / "eis"
TWO_ARCS = Circuit("R0-p(R1,CPE1)-p(R2,CPE2)")
P_TWO_ARCS = np.array([10, 50, 1e-6, 0.9, 100, 1e-3, 0.85])


def _drifting_spectrum(drift, rng, noise=0.002):
    """Sweep from 100 kHz down to 10 mHz, 3 periods per point; R2 grows linearly in
    *time*, so nearly all the drift falls on the slow low-frequency points, as in
    a cell whose interface is still changing (Schönleber 2014, Fig. 8)."""
    f = np.logspace(5, -2, 50)
    t = np.cumsum(3 / f)
    P = np.tile(P_TWO_ARCS, (len(f), 1))
    P[:, 4] *= 1 + drift * t / t[-1]
    Z = TWO_ARCS(P, f[:, None])[:, 0]
    return f, Z + noise * np.abs(Z) * (rng.normal(size=Z.shape) + 1j * rng.normal(size=Z.shape))


def test_kk_passes_clean_and_flags_drifting_spectra():
    """0.2 % noise: clean spectra pass (max residual ~0.5 %), 20 % drift of R2 over
    the sweep gives ~5 % residuals and is flagged, in every one of 20 trials."""
    rng = np.random.default_rng(1)
    for _ in range(20):
        assert kramers_kronig(*_drifting_spectrum(0.0, rng)).valid
        assert not kramers_kronig(*_drifting_spectrum(0.2, rng)).valid


def test_kk_on_impedance_py_example_is_valid():
    s = read(DATA / "exampleData.csv")
    r = kramers_kronig(s.frequency_Hz, s.z)
    assert r.valid and r.max_residual_percent < 1.0


def test_drt_recovers_two_rc_time_constants_and_resistances():
    """R0 + (30 ohm, 0.1 ms) + (60 ohm, 0.1 s) with 0.1 % noise: both tau within 5 %,
    both R within 10 % (the regularized peaks are broadened but keep their area)."""
    c = Circuit("R0-p(R1,C1)-p(R2,C2)")
    f = np.logspace(6, -2, 81)
    Z = c([10, 30, 1e-4 / 30, 60, 1e-1 / 60], f)
    rng = np.random.default_rng(0)
    Z = Z + 1e-3 * np.abs(Z) * (rng.normal(size=Z.shape) + 1j * rng.normal(size=Z.shape))
    r = calculate_drt(f, Z)
    assert len(r.peaks) == 2
    (p1, p2) = sorted(r.peaks, key=lambda p: p.tau_s)
    assert p1.tau_s == pytest.approx(1e-4, rel=0.05) and p2.tau_s == pytest.approx(0.1, rel=0.05)
    assert p1.resistance_ohm == pytest.approx(30, rel=0.10) and p2.resistance_ohm == pytest.approx(60, rel=0.10)
    assert r.r_inf_ohm == pytest.approx(10, rel=0.05)


def test_drt_of_zarc_example_has_main_peak():
    s = read(DATA / "1ZARC.csv")
    r = calculate_drt(s.frequency_Hz, s.z)
    main = max(r.peaks, key=lambda p: p.resistance_ohm)
    assert 30 < main.resistance_ohm < 60 and r.inductance_H > 0


def test_arrhenius_line_recovers_activation_energy_exactly():
    T = np.array([273.15, 298.15, 323.15])
    R = 10 * np.exp(0.4 / K_B_EV * (1 / T - 1 / 298.15))
    r = arrhenius_fit(T, R)
    assert r.activation_energy_eV == pytest.approx(0.4, abs=1e-9)


def test_arrhenius_from_spectra_recovers_bulk_and_slei():
    """Bulk arc 0.30 eV (1 nF, alpha 0.95) and SLEI arc 0.55 eV (10 uF, alpha 0.85)
    at 0-80 °C with 1 % noise: both activation energies within 0.02 eV."""
    c = Circuit("R0-p(R1,CPE1)-p(R2,CPE2)")
    f = np.logspace(7, -2, 64)
    rng = np.random.default_rng(3)
    temps_c = np.array([0, 20, 40, 60, 80.0])
    spectra = []
    for t in temps_c + 273.15:
        act = lambda ea: np.exp(ea / K_B_EV * (1 / t - 1 / 298.15))  # noqa: E731
        Z = c([5 * act(0.3), 100 * act(0.3), 1e-9, 0.95, 300 * act(0.55), 1e-5, 0.85], f)
        Z = Z + 0.01 * np.abs(Z) * (rng.normal(size=Z.shape) + 1j * rng.normal(size=Z.shape))
        spectra.append(Spectrum(f, Z, f"{t} K"))
    res = arrhenius_from_spectra(spectra, temps_c, c)
    assert res["R1"].activation_energy_eV == pytest.approx(0.30, abs=0.02)
    assert res["R2"].activation_energy_eV == pytest.approx(0.55, abs=0.02)
    assert res["R2"].stderr_eV < 0.02
    fig = plot_arrhenius(res)
    assert fig.axes[0].get_xlabel() == "1000/T (1/K)"


def test_arrhenius_regression_survives_noise_free_fits():
    # Simulated (noise-free) spectra give resistance standard errors ~1e-12: only the
    # relative weights matter, so the regression must not go singular.
    from lpt.impedance.arrhenius import arrhenius_fit

    T = np.array([298.15, 313.15, 333.15])
    R = 100.0 * np.exp(0.5 / 8.617333262e-5 * (1 / T - 1 / 298.15))
    res = arrhenius_fit(T, R, resistance_stderr_ohm=R * 1e-14)
    assert res.activation_energy_eV == pytest.approx(0.5, rel=1e-6)


def test_arrhenius_flags_lines_built_on_undetermined_fits():
    # The simulated LLZO/n-BuLi stack at three temperatures (examples/eis): the 4-arc
    # circuit resolves it (every resistance determined, Ea of the SSE and interface
    # arcs between 0.3 and 0.6 eV, as in the model behind the spectra); a 2-arc circuit
    # cannot and its fits at 40 and 60 °C collapse onto degenerate parameters, which
    # must be flagged instead of turned into an activation energy silently.
    root = Path(__file__).resolve().parents[1] / "examples" / "eis"
    spectra = [read(root / f"llzo_nbuli_{t}C.csv") for t in (25, 40, 60)]
    good = arrhenius_from_spectra(spectra, [25, 40, 60], "R0-p(R1,CPE1)-p(R2,CPE2)-p(R3,CPE3)-Wo1")
    assert all(r.reliable for r in good.values())
    assert all(0.3 <= r.activation_energy_eV <= 0.6 for r in good.values())
    bad = arrhenius_from_spectra(spectra, [25, 40, 60], "R0-p(R1,CPE1)-p(R2,CPE2)")
    assert not bad["R0"].reliable and bad["R0"].problems
