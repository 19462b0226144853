"""Readers: every shipped example file, sign conventions, and hostile input."""

import string
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lpt.errors import LptError
from lpt.io import MIN_POINTS, read_paths, read_spectra, read_spectrum

read, read_all = read_spectrum, read_spectra

DATA = Path(__file__).parent / "data" / "eis"
# file -> number of points (counted in the files by hand / with impedance.py's readers)
EXAMPLES = {"exampleData.csv": 66, "exampleDataAutolab.txt": 41, "exampleDataBioLogic.mpt": 43,
            "exampleDataGamry.DTA": 72, "exampleDataZPlot.z": 21, "1ZARC.csv": 81, "LIB_data.txt": 107}


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_example_files_read_with_right_length_and_capacitive_sign(name):
    """Capacitive arcs dominate all examples: most points must have Z'' < 0."""
    s = read(DATA / name)
    assert len(s) == EXAMPLES[name]
    assert np.all(s.frequency_Hz > 0) and np.all(np.isfinite(s.z))
    assert np.mean(s.z.imag < 0) > 0.6
    assert s.notes


@pytest.mark.parametrize("name, reader", [("exampleData.csv", "readCSV"), ("exampleDataZPlot.z", "readZPlot"),
                                          ("exampleDataGamry.DTA", "readGamry"),
                                          ("exampleDataBioLogic.mpt", "readBioLogic"),
                                          ("exampleDataAutolab.txt", "readAutolab")])
def test_same_numbers_as_impedance_py_readers(name, reader):
    from impedance import preprocessing

    f, Z = getattr(preprocessing, reader)(str(DATA / name))
    s = read(DATA / name)
    np.testing.assert_allclose(s.frequency_Hz, f)
    np.testing.assert_allclose(s.z, Z)


def test_biologic_negation_is_noted_and_cycle_kept():
    s = read(DATA / "exampleDataBioLogic.mpt")
    assert any("-Im(Z)" in n for n in s.notes)
    assert s.metadata["cycle"] == 1


def test_header_with_minus_imag_is_negated(tmp_path):
    p = tmp_path / "x.csv"
    f = np.logspace(4, -1, 10)
    lines = ["Frequency (Hz);Z' (Ohm);-Z'' (Ohm)"] + [f"{x:.6g};{10 + x * 0:.6g};{1.5:.6g}" for x in f]
    p.write_text("\n".join(lines).replace(".", ","))
    s = read(p)
    assert np.all(s.z.imag == -1.5) and any("negated" in n for n in s.notes)
    assert "decimal comma" in s.notes


def test_read_many_of_folder(tmp_path):
    for name in ("exampleData.csv", "exampleDataZPlot.z"):
        (tmp_path / name).write_bytes((DATA / name).read_bytes())
    spectra, unreadable = read_paths([tmp_path])
    assert [len(s) for s in spectra] == [66, 21] and unreadable == []


@pytest.mark.parametrize("content, word", [
    (b"", "empty"), (b"\x00\x01\x02binary" * 10, "binary"), (b"a,b,c\nx,y,z\n", "numeric"),
    (b"1,2,3\n2,2,3\n", "at least"), (b"1,2,3\n2,nan,3\n3,1,1\n4,1,1\n5,1,1\n", "line 2"),
    (b"1,2,3\n-2,2,3\n3,1,1\n4,1,1\n5,1,1\n", "line 2"),
])
def test_bad_files_give_one_sentence_naming_the_file(tmp_path, content, word):
    p = tmp_path / "bad.csv"
    p.write_bytes(content)
    with pytest.raises(LptError) as err:
        read(p)
    assert word in str(err.value) and "bad.csv" in str(err.value)


def test_damaged_mpr_is_one_sentence_naming_the_file(tmp_path):
    p = tmp_path / "x.mpr"
    p.write_bytes(b"BIO-LOGIC MODULAR FILE\x1a" + bytes(100))
    with pytest.raises(LptError, match="x.mpr"):
        read(p)


def _check(path):
    """A reader may refuse (LptError) or return a spectrum that satisfies the
    invariants; any other exception is a bug."""
    try:
        spectra = read_all(path)
    except LptError as err:
        assert "\n" not in str(err)
        return
    for s in spectra:
        assert len(s) >= MIN_POINTS
        assert np.all(np.isfinite(s.frequency_Hz)) and np.all(s.frequency_Hz > 0)
        assert np.all(np.isfinite(s.z))


SUFFIXES = [".csv", ".mpt", ".DTA", ".z", ".txt", ".mpr"]
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(data=st.binary(max_size=2000), suffix=st.sampled_from(SUFFIXES))
def test_fuzz_random_bytes(tmp_path, data, suffix):
    p = tmp_path / f"fuzz{suffix}"
    p.write_bytes(data)
    _check(p)


@FUZZ
@given(name=st.sampled_from(["exampleData.csv", "exampleDataBioLogic.mpt", "exampleDataGamry.DTA",
                             "exampleDataZPlot.z", "exampleDataAutolab.txt"]),
       cuts=st.lists(st.tuples(st.integers(0, 40000), st.integers(0, 60),
                               st.text(alphabet=string.printable, max_size=5)), max_size=5))
def test_fuzz_mangled_instrument_text(tmp_path, name, cuts):
    """Delete/replace random stretches of real files (truncation, stray characters)."""
    text = (DATA / name).read_bytes()
    for start, length, insert in cuts:
        start %= max(len(text), 1)
        text = text[:start] + insert.encode() + text[start + length:]
    p = tmp_path / name
    p.write_bytes(text)
    _check(p)
