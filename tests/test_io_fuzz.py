"""Hostile input for every reader: real files truncated, spliced with random bytes
or random text must give spectra that satisfy the invariants or one LptError
sentence — never another exception."""

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lpt.errors import LptError
from lpt.io import MIN_POINTS, read_spectra

IO = Path(__file__).parent / "data" / "io"
EIS = Path(__file__).parent / "data" / "eis"
SAMPLES = {
    "mpr": IO / "biologic" / "v1150_PEIS.mpr",
    "mpr_mb": IO / "biologic" / "v1150_MB.mpr",
    "mpt": EIS / "exampleDataBioLogic.mpt",
    "dta": IO / "gamry" / "eispot_data.dta",
    "z": IO / "scribner" / "Circuit1_EIS_1.z",
    "z60w": EIS / "exampleDataAutolab.txt",
    "par": IO / "ametek" / "exampleDataVersaStudio.par",
    "pssession": IO / "palmsens" / "eis_5freq.pssession",
    "chi": IO / "chi" / "exampleDataCHInstruments.txt",
    "csv": EIS / "exampleData.csv",
    "ism": IO / "zahner" / "rc-data.ism",
    "windeta": IO / "novocontrol" / "Test_X4_22-50-70-90DEG.txt",
}
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def reads_or_says_one_sentence(path):
    """The fuzz invariant (also used by the single-format fuzz tests): spectra that
    satisfy the invariants, or one LptError sentence naming the file."""
    try:
        spectra = read_spectra(path)
    except LptError as err:
        assert "\n" not in str(err) and str(path.name) in str(err)
        return
    for s in spectra:
        assert len(s) >= MIN_POINTS
        assert np.all(np.isfinite(s.frequency_Hz)) and np.all(s.frequency_Hz > 0)
        assert np.all(np.isfinite(s.z))


@pytest.mark.parametrize("kind", list(SAMPLES))
@FUZZ
@given(edits=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 64), st.binary(max_size=8)), max_size=4),
       keep=st.floats(0, 1))
def test_fuzz_spliced_and_truncated_real_files(tmp_path, kind, edits, keep):
    raw = SAMPLES[kind].read_bytes()
    for where, length, insert in edits:
        at = int(where * len(raw))
        raw = raw[:at] + insert + raw[at + length:]
    raw = raw[: max(1, int(keep * len(raw)))] if keep < 0.98 else raw
    p = tmp_path / f"fuzz{SAMPLES[kind].suffix}"
    p.write_bytes(raw)
    reads_or_says_one_sentence(p)


@FUZZ
@given(text=st.text(alphabet="0123456789.,;\t -eE+\nabcZ'\"|()/HzOhm#", max_size=600),
       suffix=st.sampled_from([".csv", ".txt", ".mpt", ".DTA", ".z", ".par", ".idf", ".xlsx", ".pssession", ".ism"]))
def test_fuzz_random_text_in_any_format(tmp_path, text, suffix):
    p = tmp_path / f"fuzz{suffix}"
    p.write_text(text)
    reads_or_says_one_sentence(p)


@FUZZ
@given(prefix=st.sampled_from([b"BIO-LOGIC MODULAR FILE\x1a", b"EC-Lab ASCII FILE\r\nNb header lines : 3\r\n",
                               b"EXPLAIN\r\nZCURVE\tTABLE\r\n", b"ZPLOT2 ASCII\r\n", b"\xff\xfe{\x00T\x00y\x00p\x00e\x00",
                               b"PK\x03\x04xl/", b"primary_data\r\n3\r\n",
                               b"\x00\x00\xff\xff\xff\xfe\x00\x00\x00\x00\x00\x07@Y\x00\x00\x00\x00\x00\x00"]),
       tail=st.binary(max_size=1500))
def test_fuzz_right_magic_random_body(tmp_path, prefix, tail):
    p = tmp_path / "fuzz.bin"
    p.write_bytes(prefix + tail)
    reads_or_says_one_sentence(p)
