"""Arrhenius series that guard against slips, and the capacitance-based labelling
of each arc (Irvine, Sinclair, West 1990)."""

import numpy as np
import pytest

from lpt.constants import K_B_EV, ZERO_CELSIUS_K
from lpt.errors import LptError
from lpt.impedance.arrhenius import arrhenius_from_spectra
from lpt.impedance.assign import assign, assign_drt_peaks, effective_capacitance
from lpt.impedance.circuit import Circuit
from lpt.impedance.drt import calculate_drt
from lpt.io import Spectrum

CIRCUIT = Circuit("R0-p(R1,CPE1)-p(R2,CPE2)")
F = np.logspace(7, -2, 50)


def _series(temps_c, seed=3):
    """Bulk arc 0.30 eV (10 kohm at 25 °C, 20 pF, alpha 0.97: apex 0.8-4 MHz) and
    interface arc 0.55 eV (30 kohm, 2 uF, alpha 0.85), 0.5 % noise, one spectrum per
    temperature in the order given."""
    rng = np.random.default_rng(seed)
    out = []
    for t in np.asarray(temps_c, float) + ZERO_CELSIUS_K:
        def act(ea, t=t):
            return np.exp(ea / K_B_EV * (1 / t - 1 / 298.15))

        Z = CIRCUIT([50 * act(0.3), 1e4 * act(0.3), 2e-11, 0.97, 3e4 * act(0.55), 2e-6, 0.85], F)
        Z = Z + 0.005 * np.abs(Z) * (rng.normal(size=Z.shape) + 1j * rng.normal(size=Z.shape))
        out.append(Spectrum(F, Z, f"{t:.0f} K"))
    return out


def test_kelvin_typed_as_celsius_is_refused_with_the_likely_slip_named():
    """298/313/333 read as °C would give ~1.27 eV instead of 0.36 eV: refused."""
    with pytest.raises(LptError) as err:
        arrhenius_from_spectra(_series([25, 40, 60]), [298, 313, 333], CIRCUIT)
    message = str(err.value)
    assert "kelvin" in message and "25, 40, 60 °C" in message and "\n" not in message


def test_a_confirmed_high_temperature_series_is_accepted():
    res = arrhenius_from_spectra(_series([200, 225, 250]), [200, 225, 250], CIRCUIT, high_temperature=True)
    assert res["R2"].activation_energy_eV == pytest.approx(0.55, abs=0.03)


def test_unsorted_temperatures_paired_right_give_the_sorted_answer():
    temps = [60, 0, 40, 20]
    res = arrhenius_from_spectra(_series(temps), temps, CIRCUIT)
    assert res["R1"].activation_energy_eV == pytest.approx(0.30, abs=0.02)
    assert res["R2"].activation_energy_eV == pytest.approx(0.55, abs=0.02)
    assert res["R1"].reliable and res["R2"].reliable


def test_temperatures_paired_with_the_wrong_files_give_a_negative_energy_flagged_unreliable():
    spectra = _series([0, 20, 40, 60])
    res = arrhenius_from_spectra(spectra, [60, 40, 20, 0], CIRCUIT)
    assert res["R2"].activation_energy_eV < 0
    assert not res["R2"].reliable and any("negative" in p for p in res["R2"].problems)


def test_one_file_at_two_temperatures_is_flagged_unreliable():
    spectra = _series([0, 20, 40])
    spectra = [spectra[0], spectra[1], spectra[1]]
    res = arrhenius_from_spectra(spectra, [0, 20, 40], CIRCUIT)
    assert not res["R1"].reliable
    assert any("same as the one at" in p for p in res["R1"].problems)


def test_a_fixed_series_resistance_is_not_regressed_and_arcs_are_labelled_with_their_energy():
    c = Circuit("R0-p(R1,CPE1)-p(R2,CPE2)", fixed={"R0": 50.0})
    with pytest.raises(LptError):
        arrhenius_from_spectra(_series([25]), [25], c)
    res = arrhenius_from_spectra(_series([0, 25, 50]), [0, 25, 50], c, area_cm2=1.0, thickness_cm=0.1)
    assert "R0" not in res
    assert res["R1"].assignment.likely_origin == "bulk"
    assert res["R2"].assignment.likely_origin == "sample-electrode interface"
    assert res["R1"].assignment.activation_energy_eV == pytest.approx(0.30, abs=0.02)
    assert "activation energy" in res["R1"].assignment.basis


@pytest.mark.parametrize("capacitance, origin", [
    (1e-12, "bulk"), (1e-10, "grain boundary"), (5e-9, "grain boundary or surface layer"),
    (5e-8, "surface layer"), (1e-6, "sample-electrode interface"), (1e-4, "electrochemical reaction")])
def test_irvine_sinclair_west_ranges(capacitance, origin):
    a = assign("R1", 100.0, capacitance)
    assert a.likely_origin == origin and "Irvine" in a.basis and "assumed" in a.basis


def test_geometry_turns_a_pellets_capacitance_into_per_cell_constant_units():
    """44 pF across 1 mm and 1 cm^2 is 4.4 pF/cm: bulk, though 44 pF alone reads as grain boundary."""
    assert assign("R1", 359.0, 4.4e-11).likely_origin == "grain boundary"
    a = assign("R1", 359.0, 4.4e-11, area_cm2=1.0, thickness_cm=0.1)
    assert a.likely_origin == "bulk" and a.specific_capacitance_F_cm == pytest.approx(4.4e-12)
    with pytest.raises(LptError):
        assign("R1", 1.0, 1e-9, area_cm2=1.0)


def test_brug_capacitance_is_q_for_an_ideal_capacitor_and_matches_its_formula():
    assert effective_capacitance(100.0, 1e-6, 1.0) == pytest.approx(1e-6)
    assert effective_capacitance(100.0, 1e-6, 0.8) == pytest.approx((1e-6 * 100.0**0.2) ** 1.25)


def test_drt_peaks_of_a_pellet_are_labelled_bulk_and_grain_boundary():
    c = Circuit("p(R1,C1)-p(R2,C2)-CPE3")
    f = np.logspace(np.log10(3e7), -2, 95)
    Z = c([359, 4.4e-11, 150, 5e-9, 2e-6, 0.8], f)
    labels = [a.likely_origin for a in assign_drt_peaks(calculate_drt(f, Z).peaks, 1.0, 0.1)]
    assert labels[:2] == ["bulk", "grain boundary"]
