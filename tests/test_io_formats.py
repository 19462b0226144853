"""Every reader on real instrument files, value by value against the file's own
text (parsed here independently: first, middle and last data row), and the three
misreads of the former reader kept as regression cases."""

import json
import time
from pathlib import Path

import numpy as np
import pytest

from lpt.errors import LptError
from lpt.io import read_folder, read_spectra, read_spectrum

IO = Path(__file__).parent / "data" / "io"
EIS = Path(__file__).parent / "data" / "eis"


def _rows(path, start_after, stop_at=None, split=None, encoding="latin-1", keep=lambda t: True):
    """Data rows after the first line containing ``start_after`` (until a line
    containing ``stop_at``), split by ``split`` (None: white space)."""
    lines = path.read_text(encoding=encoding).splitlines()
    k = next(i for i, ln in enumerate(lines) if start_after in ln) + 1
    rows = []
    for ln in lines[k:]:
        if stop_at and stop_at in ln:
            break
        if not ln.strip():
            continue
        tokens = [t.strip() for t in (ln.split(split) if split else ln.split())]
        if keep(tokens):
            rows.append(tokens)
    return rows


# file, row locator, column of f, Z', Z'' (sign: +1 physical, -1 stored as -Z'')
TEXT_CASES = {
    "chi/exampleDataCHInstruments.txt": (dict(start_after="Freq/Hz", split=","), 0, 1, 2, 1),
    "ametek/exampleDataParstat.txt": (dict(start_after="Frequency (Hz)", split="\t",
                                           keep=lambda t: float(t[3]) != 0), 3, 4, 5, 1),
    "ametek/exampleDataPowersuite.txt": (dict(start_after="Frequency", split="\t"), 0, 1, 2, 1),
    "ametek/exampleDataVersaStudio.par": (dict(start_after="Definition=", stop_at="</Segment1>", split=","),
                                          9, 14, 15, 1),
    "scribner/exampleDataZPlot_noComments.z": (dict(start_after="Freq(Hz)", split=","), 0, 4, 5, 1),
    "scribner/Circuit1_EIS_1.z": (dict(start_after="End Comments", split="\t"), 0, 4, 5, 1),
    "scribner/Circuit3_EIS_1.z": (dict(start_after="End Comments", split="\t"), 0, 4, 5, 1),
    "gamry/eispot_data.dta": (dict(start_after="\t#\t"), 2, 3, 4, 1),
    "gamry/eispot_data_curveaborted.dta": (dict(start_after="\t#\t", stop_at="EXPERIMENTABORTED"), 2, 3, 4, 1),
    "gamry/exampleDataGamryABORT.DTA": (dict(start_after="\t#\ts\tHz", stop_at="EXPERIMENTABORTED"), 2, 3, 4, 1),
}


@pytest.mark.parametrize("name", list(TEXT_CASES))
def test_text_readers_equal_the_files_own_numbers_first_middle_last(name):
    locate, fi, ri, ii, sign = TEXT_CASES[name]
    rows = _rows(IO / name, **locate)
    (s,) = read_spectra(IO / name)
    assert len(s) == len(rows), "no row dropped"
    for k in (0, len(rows) // 2, len(rows) - 1):
        assert s.frequency_Hz[k] == pytest.approx(float(rows[k][fi]), rel=1e-12)
        assert s.z[k].real == pytest.approx(float(rows[k][ri]), rel=1e-12)
        assert s.z[k].imag == pytest.approx(sign * float(rows[k][ii]), rel=1e-12)


@pytest.mark.parametrize("name", ["palmsens/eis_5freq.pssession", "palmsens/eis_3ch_4scan_5freq.pssession"])
def test_palmsens_session_equals_its_json_with_zim_as_minus_z_imag(name):
    text = (IO / name).read_bytes().decode("utf-16")
    doc = json.loads(text[: text.rfind("}") + 1])
    expected = []
    for meas in doc["Measurements"]:
        for entry in meas["EISDataList"]:
            sets = [entry["DataSet"]] if "DataSet" in entry else [s["DataSet"] for s in entry["SubScans"]]
            for ds in sets:
                v = {x["Description"]: [d["V"] for d in x["DataValues"]] for x in ds["Values"]}
                expected.append(v)
    spectra = read_spectra(IO / name)
    assert len(spectra) == len(expected)
    for s, v in zip(spectra, expected):
        np.testing.assert_allclose(s.frequency_Hz, v["Frequency"], rtol=1e-12)
        np.testing.assert_allclose(s.z, np.array(v["ZRe"]) - 1j * np.array(v["ZIm"]), rtol=1e-12)
        # PSTrace's own admittance confirms the sign: Y = 1/Z.
        np.testing.assert_allclose(1 / s.z, np.array(v["YRe"]) + 1j * np.array(v["YIm"]), rtol=1e-6)


def test_mpr_peis_gives_its_four_loops_with_ec_labs_exported_values():
    """Values from EC-Lab's .mpt export of the same file (see biologic/PROVENANCE.md)."""
    spectra = read_spectra(IO / "biologic" / "v1150_PEIS.mpr")
    assert [len(s) for s in spectra] == [21, 21, 21, 21]
    assert [s.metadata["cycle"] for s in spectra] == [1, 2, 3, 4]
    assert spectra[0].z[0] == pytest.approx(1.2753284E+001 - 9.6167845E-001j, rel=1e-7)
    assert spectra[1].z[-1] == pytest.approx(8.3539688E+001 - 1.7836231E+001j, rel=1e-7)
    assert spectra[3].frequency_Hz[19] == pytest.approx(1.4626384E+002, rel=1e-7)
    assert spectra[3].z[19] == pytest.approx(7.8841736E+001 - 1.9340343E+001j, rel=1e-7)


def test_mpr_geis_gives_four_loops_of_falling_frequency():
    spectra = read_spectra(IO / "biologic" / "v1150_GEIS.mpr")
    assert [len(s) for s in spectra] == [21] * 4
    assert spectra[0].metadata["technique"] == "GEIS"
    assert all(np.all(np.diff(s.frequency_Hz) < 0) and np.mean(s.z.imag < 0) > 0.5 for s in spectra)


def test_modulo_bat_impedance_between_cycling_rows_is_read_and_the_rest_noted():
    """The MB file has 16 impedance sweeps (13 frequencies, 10 kHz-100 Hz) between
    OCV and galvanostatic rows; it stores |Z| and phase only."""
    spectra = read_spectra(IO / "biologic" / "v1150_MB.mpr")
    assert [len(s) for s in spectra] == [13] * 16
    notes = " ".join(spectra[0].notes)
    assert "rows without a frequency" in notes and "|Z|/Ohm and Phase(Z)/deg" in notes
    assert all(np.all(np.diff(s.frequency_Hz) < 0) for s in spectra)


def test_mpt_without_a_frequency_column_is_refused_in_one_sentence(tmp_path):
    # impedance.py's test file lost the name freq/Hz from its header but kept the
    # frequency cells: 18 cells under 17 names, which must not be read shifted
    with pytest.raises(LptError, match="MissingFreq.mpt line 62: 18 fields where the header names 17 columns"):
        read_spectra(IO / "biologic" / "exampleDataBioLogic_MissingFreq.mpt")
    # the same table with the frequency cells gone as well: the header check speaks
    lines = (IO / "biologic" / "exampleDataBioLogic_MissingFreq.mpt").read_bytes().decode("latin-1").split("\n")
    rows = [ln.split("\t", 1)[1] if k >= 61 and "\t" in ln else ln for k, ln in enumerate(lines)]
    p = tmp_path / "nofreq.mpt"
    p.write_bytes("\n".join(rows).encode("latin-1"))
    with pytest.raises(LptError, match="no freq/Hz column"):
        read_spectra(p)


# -- the three misreads of the former reader ----------------------------------------
def _rc_spectrum(f):
    return 10.0 + 100.0 / (1 + 1j * 2 * np.pi * f * 100.0 * 1e-6)


def test_regression_excel_mangled_minus_im_header_does_not_take_admittance_as_z(tmp_path):
    """EC-Lab table saved by Excel: "-Im(Z)/Ohm" became "#NAME?". The reader must
    build Z from |Z| and phase (or 1/Y), never take Im(Y)/Ohm-1 as Z''."""
    f = np.logspace(5, -1, 31)
    z = _rc_spectrum(f)
    y = 1 / z
    header = "freq/Hz\tRe(Z)/Ohm\t#NAME?\t|Z|/Ohm\tPhase(Z)/deg\ttime/s\tRe(Y)/Ohm-1\tIm(Y)/Ohm-1"
    rows = [f"{a!r}\t{b.real!r}\t{-b.imag!r}\t{abs(b)!r}\t{float(np.degrees(np.angle(b)))!r}\t{k!r}\t{c.real!r}\t{c.imag!r}"
            for k, (a, b, c) in enumerate(zip(f.tolist(), z.tolist(), y.tolist()))]
    p = tmp_path / "excel_export.txt"
    p.write_text("\n".join([header] + rows))
    s = read_spectrum(p)
    np.testing.assert_allclose(s.z, z, rtol=1e-9)
    no_modulus = tmp_path / "admittance_only.txt"
    no_modulus.write_text("\n".join(["freq/Hz\tRe(Z)/Ohm\t#NAME?\tRe(Y)/Ohm-1\tIm(Y)/Ohm-1"]
                                    + [f"{a!r}\t{b.real!r}\t0\t{c.real!r}\t{c.imag!r}" for a, b, c in zip(f.tolist(), z.tolist(), y.tolist())]))
    s = read_spectrum(no_modulus)
    np.testing.assert_allclose(s.z, z, rtol=1e-9)
    assert any("1/Y" in n for n in s.notes)


def test_regression_three_sweeps_with_constant_cycle_number_are_three_spectra(tmp_path):
    """Three repeats of a 43-point sweep in one .mpt, cycle number 1 throughout:
    the frequency restarting at the top is where a sweep begins."""
    src = (EIS / "exampleDataBioLogic.mpt").read_text(encoding="latin-1").splitlines()
    n = int(src[1].split(":")[1])
    p = tmp_path / "three.mpt"
    p.write_text("\n".join(src[:n] + src[n:] * 3) + "\n", encoding="latin-1")
    one = read_spectrum(EIS / "exampleDataBioLogic.mpt")
    spectra = read_spectra(p)
    assert [len(s) for s in spectra] == [43, 43, 43]
    for s in spectra:
        np.testing.assert_array_equal(s.z, one.z)
    assert read_spectrum(p, sweep=3).metadata["sweep"] == 3


def test_regression_gamry_rows_with_spaces_are_all_read():
    """gamry-parser's file: rows 7-10 separate their first fields by spaces; all
    10 rows are points (the former reader kept 6 and dropped 4 without a note)."""
    s = read_spectrum(IO / "gamry" / "eispot_data.dta")
    np.testing.assert_allclose(s.frequency_Hz, [10000, 5000, 1000, 500.1, 100, 50, 10, 5, 1, 0.5])


def test_gamry_with_decimal_commas_reads_the_same_numbers(tmp_path):
    text = (IO / "gamry" / "eispot_data.dta").read_text(encoding="latin-1")
    head, _, table = text.partition("ZCURVE")
    comma = head.replace("1.30000E+000", "1,30000E+000") + "ZCURVE" + table.replace(".", ",")
    p = tmp_path / "comma.DTA"
    p.write_text(comma, encoding="latin-1")
    a, b = read_spectrum(IO / "gamry" / "eispot_data.dta"), read_spectrum(p)
    np.testing.assert_array_equal(a.z, b.z)
    assert "decimal comma" in b.notes


@pytest.mark.parametrize("f_unit, f_scale, z_unit, z_scale", [
    ("kHz", 1e3, "kOhm", 1e3), ("MHz", 1e6, "mOhm", 1e-3), ("mHz", 1e-3, "MOhm", 1e6), ("Hz", 1.0, "Ohm", 1.0)])
def test_header_units_are_honoured(tmp_path, f_unit, f_scale, z_unit, z_scale):
    """A DRT peak at 663 Hz must not land at 0.663 Hz because the file said kHz."""
    f = np.logspace(2, -2, 25)
    z = _rc_spectrum(f)
    p = tmp_path / "units.csv"
    p.write_text("\n".join([f"Freq/{f_unit},Z'/{z_unit},-Z''/{z_unit}"]
                           + [f"{a!r},{b.real!r},{-b.imag!r}" for a, b in zip(f.tolist(), z.tolist())]))
    s = read_spectrum(p)
    np.testing.assert_allclose(s.frequency_Hz, f * f_scale, rtol=1e-12)
    np.testing.assert_allclose(s.z, z * z_scale, rtol=1e-12)


def test_modulus_phase_table_gives_z(tmp_path):
    f = np.logspace(4, -1, 20)
    z = _rc_spectrum(f)
    p = tmp_path / "bode.txt"
    p.write_text("\n".join(["Frequency [Hz]\t|Z| [Ohm]\tPhase [deg]"]
                           + [f"{a!r}\t{abs(b)!r}\t{float(np.degrees(np.angle(b)))!r}" for a, b in zip(f.tolist(), z.tolist())]))
    np.testing.assert_allclose(read_spectrum(p).z, z, rtol=1e-12)


def test_folder_read_goes_on_past_unreadable_files(tmp_path):
    for src in (EIS / "exampleDataBioLogic.mpt", IO / "biologic" / "v1150_GCPL.mpr", IO / "chi" /
                "exampleDataCHInstruments.txt"):
        (tmp_path / src.name).write_bytes(src.read_bytes())
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04" + bytes(200))
    spectra, unreadable = read_folder(tmp_path)
    assert [len(s) for s in spectra] == [43, 73]
    assert sorted(Path(f).name for f, _ in unreadable) == ["notes.docx", "v1150_GCPL.mpr"]
    assert all("\n" not in why for _, why in unreadable)


def test_ten_thousand_row_table_reads_in_well_under_a_second(tmp_path):
    """The brief's budget is 50 ms on the development machine (measured ~17 ms);
    the test allows 10x for a loaded CI machine."""
    f = np.logspace(6, -2, 10_000)
    z = _rc_spectrum(f)
    p = tmp_path / "big.csv"
    np.savetxt(p, np.c_[f, z.real, z.imag], delimiter=",", header="frequency_Hz,z_real_ohm,z_imag_ohm",
               comments="")
    read_spectra(p)
    start = time.perf_counter()
    (s,) = read_spectra(p)
    assert time.perf_counter() - start < 0.5 and len(s) == 10_000


def test_two_headed_blocks_of_a_relaxis_style_export_are_two_spectra(tmp_path):
    """Text exports of several spectra (RelaxIS, WinDETA per temperature) repeat a
    title and a header before each block; each block is one spectrum."""
    f = np.logspace(5, -1, 13)
    lines = []
    for k, scale in enumerate((1.0, 2.0), 1):
        z = _rc_spectrum(f) * scale
        lines += [f"Spectrum {k}: T = {20 * k} C", "Freq. [Hz]\tZ' [Ohm]\tZ'' [Ohm]"]
        lines += [f"{a!r}\t{b.real!r}\t{b.imag!r}" for a, b in zip(f.tolist(), z.tolist())] + [""]
    p = tmp_path / "relaxis.txt"
    p.write_text("\n".join(lines))
    spectra = read_spectra(p)
    assert len(spectra) == 2
    np.testing.assert_allclose(spectra[1].z, 2 * _rc_spectrum(f), rtol=1e-12)


def test_ivium_idf_layout_reads_z_real_z_imag_frequency(tmp_path):
    """IviumSoft .idf layout (a primary_data block: columns, points, rows of
    Z', Z'', f); written here because no redistributable Ivium file was found."""
    f = np.logspace(4, 0, 9)
    z = _rc_spectrum(f)
    rows = [f"{b.real:.5E}  {b.imag:.5E}\t{a:.5E} " for a, b in zip(f.tolist(), z.tolist())]
    text = "\r\n".join(["Method=Impedance", "Title=Test", "Data Objects    ", "primary_data    ", "3         ",
                        f"{len(f)}        "] + rows + ["osc_data        "])
    p = tmp_path / "cell.idf"
    p.write_bytes(b"\x00" * 16 + text.encode("latin-1"))
    s = read_spectrum(p)
    np.testing.assert_allclose(s.frequency_Hz, f, rtol=1e-5)
    np.testing.assert_allclose(s.z, z, rtol=1e-5)
    assert s.metadata["instrument"] == "Ivium"


@pytest.mark.parametrize("suffix, engine", [(".xlsx", "openpyxl"), (".ods", "odf")])
def test_spreadsheet_sheets_are_read_with_full_precision(tmp_path, suffix, engine):
    import pandas as pd

    f = np.logspace(5, -1, 19)
    z = _rc_spectrum(f)
    p = tmp_path / f"book{suffix}"
    with pd.ExcelWriter(p, engine=engine) as book:
        pd.DataFrame({"Frequency (Hz)": f, "Z' (Ohm)": z.real, "-Z'' (Ohm)": -z.imag}).to_excel(
            book, sheet_name="cell A", index=False)
        pd.DataFrame({"note": ["no data here"]}).to_excel(book, sheet_name="notes", index=False)
    (s,) = read_spectra(p)
    np.testing.assert_allclose(s.frequency_Hz, f, rtol=1e-12)
    np.testing.assert_allclose(s.z, z, rtol=1e-12)
    assert s.metadata["sheet"] == "cell A"


def test_palmsens_session_with_lower_case_keys_gives_its_one_eis_and_notes_the_cv_and_dpv():
    path = IO / "palmsens" / "Demo CV DPV EIS IS-C electrode.pssession"
    text = path.read_bytes().decode("utf-16")
    doc = json.loads(text[: text.rfind("}") + 1])
    (eis,) = [m for m in doc["measurements"] if m["eisdatalist"]]
    v = {x["description"]: [d["v"] for d in x["datavalues"]] for x in eis["eisdatalist"][0]["dataset"]["values"]}
    (s,) = read_spectra(path)
    np.testing.assert_allclose(s.frequency_Hz, v["Frequency"], rtol=1e-12)
    np.testing.assert_allclose(s.z, np.array(v["ZRe"]) - 1j * np.array(v["ZIm"]), rtol=1e-12)
    assert any("2 non-impedance measurements" in n for n in s.notes)
