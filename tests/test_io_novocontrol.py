"""Novocontrol WinDETA exports (tests/data/io/novocontrol, MIT; numbers scrambled by
their publisher, layout WinDETA's): every row of the file against the impedance its
own Eps', Eps'' and geometry line define, Z = 1/(j 2π f C0 (Eps' − j Eps'')) with
C0 = ε0 π (D/2)² / d, recomputed here from the text with the standard library."""

import cmath
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_io_fuzz import reads_or_says_one_sentence

from lpt.errors import LptError
from lpt.io import read_spectra

NOVO = Path(__file__).parent / "data" / "io" / "novocontrol"
EPSILON_0_F_M = 8.8541878128e-12          # CODATA 2018, written out here on purpose


def _rows(path):
    lines = path.read_text(encoding="latin-1").splitlines()
    geometry = lines[1].split()
    diameter_m = float(geometry[geometry.index("Diameter[mm]") + 1]) / 1e3
    thickness_m = float(geometry[geometry.index("Thickness[mm]") + 1]) / 1e3
    headers = [h.strip() for h in lines[3].split("\t")]
    rows = [dict(zip(headers, map(float, ln.split("\t")))) for ln in lines[4:] if ln.strip()]
    return EPSILON_0_F_M * math.pi * (diameter_m / 2) ** 2 / thickness_m, rows


@pytest.mark.parametrize("name", ["test_X005.txt", "20250217-X7_20DEG_01_scrambled.txt",
                                  "Test_X4_22-50-70-90DEG.txt"])
def test_every_row_is_the_impedance_its_permittivity_and_geometry_define(name):
    c0_F, rows = _rows(NOVO / name)
    spectra = read_spectra(NOVO / name)
    f = np.concatenate([s.frequency_Hz for s in spectra])
    z = np.concatenate([s.z for s in spectra])
    assert len(f) == len(rows)
    for k, row in enumerate(rows):
        expected = 1 / (1j * 2 * math.pi * row["Freq. [Hz]"] * c0_F * complex(row["Eps'"], -row["Eps''"]))
        assert f[k] == row["Freq. [Hz]"]
        assert cmath.isclose(z[k], expected, rel_tol=1e-12)
    assert all(s.metadata["instrument"] == "Novocontrol" for s in spectra)


def test_a_temperature_column_gives_one_spectrum_per_temperature():
    spectra = read_spectra(NOVO / "Test_X4_22-50-70-90DEG.txt")
    assert [s.metadata["temperature_C"] for s in spectra] == [22.0, 50.0, 70.0, 90.0]
    assert [len(s) for s in spectra] == [60, 60, 60, 60]


def test_a_dielectric_with_positive_permittivity_is_capacitive():
    """Eps' > 0 makes Z'' < 0 at every frequency (a capacitor), whatever the losses."""
    for name in ("test_X005.txt", "Test_X4_22-50-70-90DEG.txt"):
        for s in read_spectra(NOVO / name):
            assert np.all(s.z.imag < 0)


def test_a_zero_thickness_is_one_sentence(tmp_path):
    text = (NOVO / "test_X005.txt").read_text(encoding="latin-1").replace("Thickness[mm] 1.070e+00",
                                                                         "Thickness[mm] 0.000e+00")
    p = tmp_path / "flat.TXT"
    p.write_text(text, encoding="latin-1")
    with pytest.raises(LptError, match=r"flat\.TXT: Diameter\[mm\] 40 and Thickness\[mm\] 0 must be positive"):
        read_spectra(p)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(geometry=st.text(alphabet="0123456789.e+-x ", max_size=12),
       body=st.text(alphabet="0123456789.eE+-\t\n naZ'", max_size=400),
       header=st.sampled_from([" Freq. [Hz]\t Eps'\t Eps''", " Freq. [Hz]\t Temp. [°C]\t Eps'\t Eps''",
                               " Freq. [Hz]\t Z' [Ohm]\t Z'' [Ohm]", " Freq. [Hz]\t Sig' [S/cm]"]))
def test_fuzz_windeta_header_with_any_body_reads_or_says_one_sentence(tmp_path, geometry, body, header):
    p = tmp_path / "fuzz.TXT"
    p.write_text(f"X1, 1.1.2025, 10:00\nDiameter[mm] 4.0e+01  Thickness[mm] {geometry}\n"
                 f"Fixed value(s) :  AC Volt  [Vrms]=1.0\n{header}\n{body}", encoding="latin-1")
    reads_or_says_one_sentence(p)
