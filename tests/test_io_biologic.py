"""BioLogic .mpr (binary) and .mpt (text) read value by value against EC-Lab's own
text export of the same measurement and against the file's own text."""

from pathlib import Path

import numpy as np
import pytest

from lpt.errors import LptError
from lpt.io import read_biologic_table

DATA = Path(__file__).parent / "data" / "io" / "biologic"
EIS = Path(__file__).parent / "data" / "eis"

# Rows of EC-Lab's .mpt export of the same measurement (see PROVENANCE.md):
# row index -> {column: value as EC-Lab printed it}. The .mpr stores float32 for
# most columns, printed by EC-Lab with 8 significant digits: they agree to the last
# printed digit, so 1e-7 relative (float32 spacing is 6e-8 relative).
MPT_ROWS = {
    "v1150_PEIS.mpr": (84, {
        0: {"freq/Hz": 1.9999814E+005, "Re(Z)/Ohm": 1.2753284E+001, "-Im(Z)/Ohm": 9.6167845E-001,
            "|Z|/Ohm": 1.2789492E+001, "Phase(Z)/deg": -4.3123035E+000, "time/s": 8.034147426584968E+001,
            "<Ewe>/V": 3.4222958E+000, "cycle number": 1.0, "I Range": 38},
        41: {"freq/Hz": 9.9968163E+001, "Re(Z)/Ohm": 8.3539688E+001, "-Im(Z)/Ohm": 1.7836231E+001,
             "time/s": 2.954344044443569E+002, "cycle number": 2.0, "I Range": 39},
        82: {"freq/Hz": 1.4626384E+002, "Re(Z)/Ohm": 7.8841736E+001, "-Im(Z)/Ohm": 1.9340343E+001,
             "|Z|/Ohm": 8.1179237E+001, "time/s": 6.938128298237862E+002, "cycle number": 4.0},
    }),
    "v1150_MB.mpr": (564, {
        0: {"mode": 3, "ox/red": 0, "control changes": 1, "Ns": 0, "I Range": 39,
            "time/s": 9.582200017444848E+001, "Ewe/V": 3.4214761E+000, "I/mA": 0.0},
        281: {"mode": 1, "ox/red": 1, "Ns changes": 1, "counter inc.": 1, "Ns": 2,
              "time/s": 4.002301986141392E+002, "control/V/mA": 3.4593883E+000, "Ewe/V": 3.4474623E+000},
        562: {"mode": 1, "ox/red": 1, "control changes": 0, "counter inc.": 1, "Ns": 2,
              "time/s": 7.993381971749186E+002, "control/V/mA": 1.0000000E-001, "Ewe/V": 3.4548721E+000},
    }),
    "v1150_GCPL.mpr": (132, {
        0: {"mode": 3, "ox/red": 1, "Ns": 0, "time/s": 3.015299923827115E+001, "dq/mA.h": 0.0,
            "(Q-Qo)/mA.h": 6.092006547583474E-010, "Ewe/V": 3.4228721E+000},
        65: {"mode": 1, "ox/red": 0, "Ns": 2, "time/s": 2.605735978019511E+002,
             "dq/mA.h": -8.328744080228110E-006, "(Q-Qo)/mA.h": 3.490641371657451E-008,
             "control/V/mA": -3.0000001E-002, "Ewe/V": 3.4221132E+000},
        130: {"mode": 1, "Ns": 2, "time/s": 6.589861964024167E+002, "dq/mA.h": -8.332236246205867E-006,
              "(Q-Qo)/mA.h": 8.357358452294849E-006, "Ewe/V": 3.4321744E+000},
    }),
}


@pytest.mark.parametrize("name", list(MPT_ROWS))
def test_mpr_table_equals_ec_labs_own_text_export_row_by_row(name):
    n_rows, rows = MPT_ROWS[name]
    table, meta = read_biologic_table(DATA / name)
    assert len(table) == n_rows
    for i, expected in rows.items():
        for col, value in expected.items():
            got = table[col].iloc[i]
            assert got == pytest.approx(value, rel=1e-7, abs=1e-12), (name, i, col)
    assert meta["instrument"] == "BioLogic"


def test_mpr_technique_and_start_come_from_the_settings_and_log_modules():
    _, meta = read_biologic_table(DATA / "v1150_PEIS.mpr")
    assert meta["technique"] == "PEIS"
    assert meta["acquisition_start"].startswith("2024-01-10 11:02:29")  # .mpt: 01/10/2024 11:02:29.886
    assert meta["loops"] == [(0, 20), (21, 41), (42, 62), (63, 83)]   # .mpt: "Loop 0 from point number 0 to 20" ...


def test_gcpl_cycle_number_is_half_cycle_floor_divided_by_two():
    table, meta = read_biologic_table(DATA / "v1150_GCPL.mpr")
    np.testing.assert_array_equal(table["cycle number"], table["half cycle"] // 2)
    assert table["half cycle"].max() == 7 and table["cycle number"].max() == 3  # as in the .mpt export


def test_mpt_table_equals_its_own_text_first_middle_last_row():
    path = EIS / "exampleDataBioLogic.mpt"
    lines = path.read_text(encoding="latin-1").splitlines()
    n_header = int(lines[1].split(":")[1])
    names = [c for c in lines[n_header - 1].split("\t") if c]
    table, meta = read_biologic_table(path)
    data = lines[n_header:]
    assert len(table) == len(data)
    for k in (0, len(data) // 2, len(data) - 1):
        values = [float(v) for v in data[k].split("\t") if v.strip()]
        for col, v in zip(names, values):
            assert table[col].iloc[k] == pytest.approx(v, rel=1e-12), (k, col)
    assert meta["technique"] == "Potentio Electrochemical Impedance Spectroscopy"


def test_mpt_with_decimal_commas_reads_the_same_numbers(tmp_path):
    path = EIS / "exampleDataBioLogic.mpt"
    text = path.read_text(encoding="latin-1")
    head, _, body = text.partition("freq/Hz")
    comma = tmp_path / "comma.mpt"
    comma.write_bytes((head + "freq/Hz" + body.replace(".", ",")).encode("latin-1"))
    a, _ = read_biologic_table(path)
    b, meta = read_biologic_table(comma)
    assert meta["decimal_comma"]
    np.testing.assert_allclose(a.to_numpy(float), b.to_numpy(float), rtol=1e-15)


def test_truncated_mpr_is_one_sentence(tmp_path):
    raw = (DATA / "v1150_PEIS.mpr").read_bytes()
    for cut in (60, 200, 5000, len(raw) - 7):
        p = tmp_path / f"cut{cut}.mpr"
        p.write_bytes(raw[:cut])
        with pytest.raises(LptError, match=str(p.name)):
            read_biologic_table(p)
