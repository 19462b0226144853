"""Zahner Thales ``.ism`` files measured by the maker (tests/data/io/zahner), read by
lpt and compared with Zahner-Elektrik's own reader (``zahner_analysis`` IsmImport,
MIT), whose values are written below: frequency and complex impedance at the lowest,
the middle and the highest frequency of the spectrum it returns (sorted upwards).

Both readers decode the same big-endian float64 numbers and form Z = |Z|·e^{jφ}
(lpt) or |Z|cos φ + j|Z|sin φ (Zahner), so they may differ only in the last bit:
1e-12 relative.
"""

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_io_fuzz import reads_or_says_one_sentence

from lpt.errors import LptError
from lpt.io import read_spectra

ZAHNER = Path(__file__).parent / "data" / "io" / "zahner"
REL = 1e-12

# file: (points, [(f_Hz, Z' ohm, Z'' ohm) at lowest, middle (index n // 2), highest f],
#        acquisition start, system string)
REFERENCE = {
    "rc-data.ism": (55, [(0.2, 99513834.0720253, -1933631.4253542447),
                         (212.92000000000002, 268113.9324595052, -5004826.838849594),
                         (100000.0, 165.60710138014684, -10868.178381324426)],
                    "2024-07-16T09:32:48", "RC HIZ"),
    "500uR_measurement_pro.ism": (160, [(1.0, 0.000511774926406614, -1.4409209342156016e-07),
                                        (2384.8, 0.0005140977198475419, 9.671618868011519e-06),
                                        (1000000.0, -0.001198013819713258, 0.0012545891917857606)],
                                  "2023-04-26T11:36:05", None),
    "drift.ism": (47, [(0.1, 1651.4091640488948, -16.23307643338097),
                       (260.09000000000003, 23.27803935699632, -65.69986984961864),
                       (50000.0, 23.391801843938918, 34.00369331333918)],
                  "2023-03-17T16:17:05", "drift 100Hz"),
    "100_mvdc.ism": (38, [(100.0, 358.3668466292153, -0.2886054239457143),
                          (7933.6, 356.17270498300263, -22.68759478193226),
                          (500000.0, 20.802213953294803, -84.59645973711594)],
                     "2021-10-15T07:18:47", None),
}


@pytest.mark.parametrize("name", list(REFERENCE))
def test_ism_spectrum_equals_zahners_own_reader(name):
    points, rows, start, system = REFERENCE[name]
    spectra = read_spectra(ZAHNER / name)
    assert len(spectra) == 1
    s = spectra[0]
    assert len(s) == points and s.metadata["instrument"] == "Zahner"
    order = np.argsort(s.frequency_Hz)
    f, z = s.frequency_Hz[order], s.z[order]
    for k, (f_ref, re_ref, im_ref) in zip((0, points // 2, points - 1), rows):
        assert f[k] == f_ref
        np.testing.assert_allclose([z[k].real, z[k].imag], [re_ref, im_ref], rtol=REL)
    assert s.metadata["acquisition_start"] == start
    assert s.metadata.get("system") == system


def test_overlapping_start_branch_is_left_out_and_said():
    """rc-data.ism starts at 1 kHz, climbs to 100 kHz (points 1-21), then sweeps down
    to 0.2 Hz: the 20 points before the top overlap the sweep and are left out."""
    s = read_spectra(ZAHNER / "rc-data.ism")[0]
    assert s.frequency_Hz[0] == 100000.0 and np.all(np.diff(s.frequency_Hz) < 0)
    assert any("20 points measured before" in note for note in s.notes)


def test_a_capacitive_rc_circuit_has_negative_imaginary_part_below_its_corner():
    """Physical sign: the RC test circuit's Z'' is negative at every frequency."""
    s = read_spectra(ZAHNER / "rc-data.ism")[0]
    assert np.all(s.z.imag < 0)


def test_ism_renamed_is_still_found_by_content(tmp_path):
    p = tmp_path / "spectrum.bin"
    p.write_bytes((ZAHNER / "drift.ism").read_bytes())
    assert len(read_spectra(p)[0]) == 47


def test_truncated_ism_is_one_sentence(tmp_path):
    p = tmp_path / "cut.ism"
    p.write_bytes((ZAHNER / "drift.ism").read_bytes()[:900])
    with pytest.raises(LptError, match=r"cut\.ism: the file announces 47 points .* truncated"):
        read_spectra(p)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(points=st.integers(-5, 300), body=st.binary(max_size=3000),
       frequencies=st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=20))
def test_fuzz_ism_header_with_any_body_reads_or_says_one_sentence(tmp_path, points, body, frequencies):
    """An .ism header announcing any number of points over any bytes: either
    spectra with finite positive frequencies and finite impedances, or one LptError
    sentence naming the file — never a traceback."""
    raw = (b"\x00\x00\xff\xff\xff\xfe" + (points - 1).to_bytes(6, "big", signed=True)
           + np.asarray(frequencies, ">f8").tobytes() + body)
    p = tmp_path / "fuzz.ism"
    p.write_bytes(raw)
    reads_or_says_one_sentence(p)
