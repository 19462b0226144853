"""A real temperature series: one Panasonic NCR18650PF cell, EIS at -20, -10, 0, 10 and
25 °C at about 70 % SOC (Kollmeyer, Mendeley Data 2018, CC BY 4.0; see
tests/data/eis/temperature_series/panasonic18650pf/PROVENANCE.md)."""

from pathlib import Path

import numpy as np
import pytest

from lpt.constants import K_B_EV, ZERO_CELSIUS_K
from lpt.impedance.arrhenius import arrhenius_from_spectra
from lpt.io import read_spectrum

SERIES = Path(__file__).parent / "data" / "eis" / "temperature_series" / "panasonic18650pf"
# chamber set point (°C) -> (plain CSV lpt reads, original Digatron export)
FILES = {
    -20.0: ("pan18650pf_Tm20C_soc70.csv", "n20degC_3914_EIS00005.csv"),
    -10.0: ("pan18650pf_Tm10C_soc70.csv", "n10degC_3740_EIS00005.csv"),
    0.0: ("pan18650pf_T0C_soc70.csv", "0degC_3623_EIS00005.csv"),
    10.0: ("pan18650pf_T10C_soc70.csv", "10degC_3576_EIS00005.csv"),
    25.0: ("pan18650pf_T25C_soc70.csv", "25degC_3541_EIS00005.csv"),
}
CIRCUIT = "L0-R0-p(R1,CPE1)-p(R2,CPE2)"


def _digatron_spectrum(path: Path):
    """ActFreq, Zreal1, Zimg1 (mOhm) of the rows whose Status is EIS."""
    lines = path.read_text(encoding="latin-1").splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("Time Stamp"))
    cols = lines[head].split(";")
    rows = [r.split(";") for r in lines[head + 2:] if r.strip()]
    rows = [r for r in rows if len(r) > len(cols) // 2 and r[2] == "EIS"]
    f, zr, zi = (np.array([float(r[cols.index(c)]) for r in rows])
                 for c in ("ActFreq", "Zreal1", "Zimg1"))
    return f, (zr + 1j * zi) * 1e-3


@pytest.mark.parametrize("temperature_c", sorted(FILES))
def test_plain_csv_is_the_digatron_export_in_ohm(temperature_c):
    """The CSV lpt reads holds the original export's points, mOhm turned into ohm,
    inductive (Z'' > 0) at 6 kHz and capacitive on the arcs."""
    plain, original = FILES[temperature_c]
    s = read_spectrum(SERIES / plain)
    f, z = _digatron_spectrum(SERIES / "original" / original)
    assert len(s.frequency_Hz) == len(f) == 54
    np.testing.assert_allclose(s.frequency_Hz, f, rtol=1e-9)
    np.testing.assert_allclose(s.z, z, rtol=1e-6)
    assert s.z[0].imag > 0 and s.z[len(s.z) // 2].imag < 0


@pytest.fixture(scope="module")
def arrhenius():
    temps = sorted(FILES)
    spectra = [read_spectrum(SERIES / FILES[t][0]) for t in temps]
    return temps, arrhenius_from_spectra(spectra, temps, CIRCUIT)


def test_interfacial_arc_of_one_cell_is_thermally_activated(arrhenius):
    """R1 (C about 0.3-2 F: SEI and charge transfer of a 2.9 Ah cell) falls at every
    step from -20 to 25 °C, and its Arrhenius line is Ea = 0.52 eV, the value
    recorded in PROVENANCE.md, with a standard error under 0.03 eV."""
    _, res = arrhenius
    r1 = res["R1"]
    assert np.all(np.diff(r1.resistance_ohm) < 0)
    assert r1.reliable
    assert r1.activation_energy_eV == pytest.approx(0.52, abs=0.03)
    assert r1.stderr_eV < 0.03


def test_two_temperatures_predict_the_third_interfacial_resistance(arrhenius):
    """An Arrhenius line through the -10 and 10 °C arcs predicts the 0 °C arc to within
    15 % (8 % with the recorded fits)."""
    temps, res = arrhenius
    R = dict(zip(temps, res["R1"].resistance_ohm))
    inv_T = {t: 1.0 / (t + ZERO_CELSIUS_K) for t in temps}
    ea_eV = K_B_EV * np.log(R[-10.0] / R[10.0]) / (inv_T[-10.0] - inv_T[10.0])
    predicted = R[-10.0] * np.exp(ea_eV / K_B_EV * (inv_T[0.0] - inv_T[-10.0]))
    assert predicted == pytest.approx(R[0.0], rel=0.15)
