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


def _mpt_with_data_lines_edited(tmp_path, edit):
    """The real EC-Lab export with its data lines (line 62 on) passed through ``edit``."""
    lines = SAMPLES["mpt"].read_bytes().decode("latin-1").split("\n")
    head, data = lines[:61], lines[61:]
    p = tmp_path / "edited.mpt"
    p.write_bytes("\n".join(head + edit(data)).encode("latin-1"))
    return p


def test_a_first_data_row_with_two_cells_too_many_is_refused_not_cut(tmp_path):
    # pandas sized the table by this row and dropped its last cells behind a ParserWarning
    p = _mpt_with_data_lines_edited(tmp_path, lambda data: [data[0].rstrip("\r\t") + "\t7.0\t8.0\r"] + data[1:])
    with pytest.raises(LptError, match=r"edited\.mpt line 62: 20 fields where the header names 18 columns\.$"):
        read_spectra(p)


def test_a_tab_spliced_into_a_number_is_refused_not_shifted(tmp_path):
    # "6.3611004E+001" -> "6.36" and "11004E+001": every later cell moves one column right
    def splice(data):
        data[1] = data[1].replace("6.3611004E+001", "6.36\t11004E+001", 1)
        return data
    p = _mpt_with_data_lines_edited(tmp_path, splice)
    with pytest.raises(LptError, match=r"edited\.mpt line 63: 19 fields where the header names 18 columns\.$"):
        read_spectra(p)


def test_a_row_split_in_two_by_a_spliced_line_break_is_refused(tmp_path):
    # the tail of the row would otherwise read as a point whose frequency is its 11th cell
    def split(data):
        cells = data[1].split("\t")
        return [data[0], "\t".join(cells[:10]), "\t".join(cells[10:])] + data[2:]
    p = _mpt_with_data_lines_edited(tmp_path, split)
    with pytest.raises(LptError, match=r"edited\.mpt line 63: 10 fields where the table has 18 columns "):
        read_spectra(p)
