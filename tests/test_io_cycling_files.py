"""Real cycler files of six makers: per-cycle capacities and coulombic efficiencies
against references computed here from the files' raw columns, and a few records
checked value by value against the files' text.

The references use pandas (or NewareNDA / the shared BioLogic table for binary
files) on the raw columns, grouped by the file's own cycle and step numbers —
none of lpt's unrolling of accumulators. Tolerance 1e-6 relative: both sides sum
the same float values, so only rounding in the running totals separates them.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lpt.errors import LptError
from lpt.io import read_biologic_table, read_cycling
from lpt.io.analysis import cycle_summary

DATA = Path(__file__).parent / "data" / "io"
REL = 1e-6


def _segment_max(frame, keys, columns):
    """Sum over the contiguous (keys) segments of each column's maximum, per cycle:
    the total of an accumulator that restarts from zero at every segment."""
    change = np.zeros(len(frame), bool)
    for key in keys:
        values = frame[key].to_numpy()
        change[1:] |= values[1:] != values[:-1]
    segment = np.cumsum(change)
    per_segment = frame.groupby(segment)[columns + ["cycle"]].max()
    return per_segment.groupby("cycle")[columns].sum()


def _split_by(frame, capacity, sign):
    frame["charge"] = np.where(sign > 0, frame[capacity], 0.0)
    frame["discharge"] = np.where(sign < 0, frame[capacity], 0.0)
    return frame


def ref_neware_csv(path):
    f = pd.read_csv(path)
    f["cycle"], f["charge"], f["discharge"] = f["Cycle Index"], f["Chg. Cap.(Ah)"], f["DChg. Cap.(Ah)"]
    return _segment_max(f, ["Cycle Index", "Step Index"], ["charge", "discharge"]) * 1e3


def ref_maccor(path):
    lines = path.read_text(encoding="latin-1").splitlines()
    k = next(i for i, ln in enumerate(lines) if ln.split("\t")[0] in ("Rec#", "Rec"))
    f = pd.read_csv(path, sep="\t", skiprows=k, encoding="latin-1", index_col=False)
    cap = "Amp-hr" if "Amp-hr" in f else "Cap. [Ah]"
    f["cycle"] = f["Cyc#"] if "Cyc#" in f else f["Cycle C"]
    state = f["State"] if "State" in f else f["Md"]
    f = _split_by(f, cap, np.where(state == "C", 1, np.where(state == "D", -1, 0)))
    return _segment_max(f, ["cycle", "Step"], ["charge", "discharge"]) * 1e3


def ref_novonix(path):
    lines = path.read_text().splitlines()
    k = lines.index("[Data]") + 1
    body = "\n".join(ln.strip().strip('"') for ln in lines[k:])
    f = pd.read_csv(pd.io.common.StringIO(body))
    # Novonix's capacity runs on across the steps of a charge (0 -> 0.669 -> 3.468 mAh
    # over steps 2 and 3): the charge of a cycle is its largest value on charge
    f["cycle"] = f["Cycle Number"]
    f = _split_by(f, "Capacity (Ah)", np.sign(f["Current (A)"]))
    return f.groupby("cycle")[["charge", "discharge"]].max() * 1e3


def ref_newarenda(path):
    import NewareNDA

    f = NewareNDA.read(str(path), software_cycle_number=False)
    f["cycle"], f["charge"], f["discharge"] = f["Cycle"], f["Charge_Capacity(mAh)"], f["Discharge_Capacity(mAh)"]
    if path.name == "test.nda":
        # a Li plating/stripping cell logged as one cycle: a cycle is a plating
        # (discharge) step and the stripping after it
        plating = f["Status"].astype(str).str.contains("DChg")
        f["cycle"] = np.maximum(np.cumsum(plating & ~plating.shift(fill_value=False)), 1)
    return _segment_max(f, ["Step"], ["charge", "discharge"])


def ref_bdf(path):
    f = pd.read_csv(path)
    f["cycle"], f["charge"], f["discharge"] = f["Cycle Count / 1"], f["Charge Capacity / Ah"], f["Discharge Capacity / Ah"]
    return _segment_max(f, ["cycle", "Step Index / 1"], ["charge", "discharge"]) * 1e3


def ref_biologic(path):
    table, _ = read_biologic_table(path)
    if "freq/Hz" in table:
        table = table[~(table["freq/Hz"] > 0)]
    dq = table["dq/mA.h"]
    return pd.DataFrame({"charge": dq.clip(lower=0), "discharge": (-dq).clip(lower=0),
                         "cycle": table["cycle number"]}).groupby("cycle").sum()


def ref_arbin_xlsx(path):
    f = pd.read_excel(path, sheet_name="Channel_11_1")
    # graphite|Li discharged first: a cycle is a discharge (step 2) and the charge after it
    starts = (f["Step_Index"] == 2) & (f["Step_Index"].shift() != 2)
    f["cycle"] = np.maximum(np.cumsum(starts), 1)
    # Arbin's accumulators run over the whole Cycle_Index (constant here): a derived
    # cycle's capacity is the rise of the accumulator over it
    last = f.groupby("cycle")[["Charge_Capacity(Ah)", "Discharge_Capacity(Ah)"]].last()
    rise = last.diff().fillna(last) * 1e3
    return rise.rename(columns={"Charge_Capacity(Ah)": "charge", "Discharge_Capacity(Ah)": "discharge"})


def ref_arbin_csv(path):
    f = pd.read_csv(path)            # no cycle index in this export: one cycle, never reset
    return pd.DataFrame({"charge": [f["Charge_Capacity"].max() * 1e3],
                         "discharge": [f["Discharge_Capacity"].max() * 1e3]}, index=[1])


def ref_neware_layered(path):
    """The export's own cycle lines: 'cycle, Chg. Cap.(Ah), DChg. Cap.(Ah), ...'
    (rounded to 1e-5 A h in the file, so compared to 5e-6 A h)."""
    rows = [ln.split(",") for ln in path.read_text().splitlines()[3:] if ln and ln[0].isdigit()]
    return pd.DataFrame({"charge": [float(r[1]) * 1e3 for r in rows],
                         "discharge": [float(r[2]) * 1e3 for r in rows]},
                        index=[int(r[0]) for r in rows])


FILES = {
    "arbin/2017-05-09_test-TC-contact_CH33.csv": ("arbin", "Arbin", ref_arbin_csv),
    "arbin/bs542_004_gr_li_50ua_50mv_1v_191020_Channel_11.xlsx": ("excel", "Arbin", ref_arbin_xlsx),
    "maccor/PredictionDiagnostics_000151_test.052": ("maccor", "Maccor", ref_maccor),
    "maccor/maccor_001_head.txt": ("maccor", "Maccor", ref_maccor),
    "maccor/maccor_002_window.txt": ("maccor", "Maccor", ref_maccor),
    "neware/test.nda": ("neware_nda", "Neware", ref_newarenda),
    "neware/test.ndax": ("neware_ndax", "Neware", ref_newarenda),
    "neware/TESTCELL0001-Test_Data_Collection_Ndc17.ndax": ("neware_ndax", "Neware", ref_newarenda),
    "neware/123456789012_Unit27_Example_Data_File.ndax": ("neware_ndax", "Neware", ref_newarenda),
    "neware/neware_uio_head.csv": ("neware_csv", "Neware", ref_neware_csv),
    "neware/nw_regular_export_ife_example_head.csv": ("neware_csv", "Neware", ref_neware_layered),
    "novonix/test_Nova_Form-CH01-01_short_head.csv": ("novonix", "Novonix", ref_novonix),
    "bdf/batmo_bdf_head.csv": ("bdf", "BDF", ref_bdf),
    "biologic/v1150_GCPL.mpr": ("biologic_mpr", "BioLogic", ref_biologic),
    "biologic/v1150_MB.mpr": ("biologic_mpr", "BioLogic", ref_biologic),
}


@pytest.fixture(scope="module")
def summaries():
    return {}


@pytest.mark.parametrize("name", list(FILES))
def test_per_cycle_capacity_and_efficiency_equal_the_raw_columns(name):
    fmt, instrument, reference = FILES[name]
    table = read_cycling(DATA / name)
    assert table.attrs["format"] == fmt and table.attrs["instrument"] == instrument
    summary = cycle_summary(table).set_index("cycle")
    ref = reference(DATA / name)
    if name.startswith("neware/nw_"):
        complete = ref.index[:-1]                  # the cut file ends inside the last cycle
        for side in ("charge", "discharge"):
            np.testing.assert_allclose(summary.loc[complete, f"{side}_capacity_mAh"],
                                       ref.loc[complete, side], atol=5e-3)
        return
    assert list(summary.index) == [int(c) for c in ref.index]
    np.testing.assert_allclose(summary["charge_capacity_mAh"], ref["charge"], rtol=REL, atol=1e-12)
    np.testing.assert_allclose(summary["discharge_capacity_mAh"], ref["discharge"], rtol=REL, atol=1e-12)


def _paired_reference(frame, into):
    """Coulombic efficiency per cycle from per-segment capacities, as the field pairs
    them: each charge-in half cycle with the charge-out half cycle after it, credited
    to the cycle in which the charge-in began. ``frame`` has one row per segment
    (a step of the file) with ``cycle``, ``sign`` (+1 charge, -1 discharge, 0 rest),
    ``charge`` and ``discharge`` (the segment's own capacities)."""
    moving = frame[frame["sign"] != 0].reset_index(drop=True)
    half = (moving["sign"] != moving["sign"].shift()).cumsum()
    halves = moving.groupby(half).agg(cycle=("cycle", "first"), sign=("sign", "first"),
                                      charge=("charge", "sum"), discharge=("discharge", "sum"))
    q_in, q_out = ("charge", "discharge") if into > 0 else ("discharge", "charge")
    ce = {}
    rows = list(halves.itertuples())
    for k, row in enumerate(rows):
        if row.sign != into:
            continue
        num, den = ce.get(row.cycle, (0.0, 0.0))
        if k + 1 < len(rows):
            ce[row.cycle] = (num + getattr(rows[k + 1], q_out), den + getattr(row, q_in))
        else:
            ce[row.cycle] = (np.nan, np.nan)            # the test ends before the charge comes out
    return {c: n / d for c, (n, d) in ce.items()}


def _segments_bdf(path):
    f = pd.read_csv(path)
    key = f["Cycle Count / 1"].astype(str) + "/" + f["Step Index / 1"].astype(str)
    seg = (key != key.shift()).cumsum()
    return f.groupby(seg).agg(cycle=("Cycle Count / 1", "first"), charge=("Charge Capacity / Ah", "max"),
                              discharge=("Discharge Capacity / Ah", "max"))


def _segments_maccor(path):
    lines = path.read_text(encoding="latin-1").splitlines()
    k = next(i for i, ln in enumerate(lines) if ln.split("\t")[0] in ("Rec#", "Rec"))
    f = pd.read_csv(path, sep="\t", skiprows=k, encoding="latin-1", index_col=False)
    cycle = f["Cyc#"] if "Cyc#" in f else f["Cycle C"]
    state = (f["State"] if "State" in f else f["Md"]).astype(str).str.strip()
    cap = f["Amp-hr"] if "Amp-hr" in f else f["Cap. [Ah]"]
    seg = ((cycle != cycle.shift()) | (f["Step"] != f["Step"].shift())).cumsum()
    g = pd.DataFrame({"cycle": cycle,
                      "charge": np.where(state == "C", cap, 0.0), "discharge": np.where(state == "D", cap, 0.0)})
    return g.groupby(seg).agg(cycle=("cycle", "first"), charge=("charge", "max"), discharge=("discharge", "max"))


def _segments_biologic(path):
    t, _ = read_biologic_table(path)
    dq = t["dq/mA.h"] / 1e3
    seg = (t["Ns"] != t["Ns"].shift()).cumsum()
    g = pd.DataFrame({"cycle": t["cycle number"],
                      "charge": dq.clip(lower=0), "discharge": (-dq).clip(lower=0)})
    return g.groupby(seg).agg(cycle=("cycle", "first"), charge=("charge", "sum"), discharge=("discharge", "sum"))


PAIRED = {
    # begins with a discharge; Cycle Count rises at each charge: cycles are (D, C, D), (C, D)...
    "bdf/batmo_bdf_head.csv": (_segments_bdf, 1),
    # cycle 0 is a discharge then a charge: the first discharge pairs with nothing
    "maccor/maccor_001_head.txt": (_segments_maccor, 1),
    "maccor/maccor_002_window.txt": (_segments_maccor, 1),
    # EC-Lab's cycle number is half cycle // 2: (C, D) pairs
    "biologic/v1150_GCPL.mpr": (_segments_biologic, 1),
}


@pytest.mark.parametrize("name", list(PAIRED))
def test_efficiency_pairs_each_charge_in_with_the_charge_out_after_it(name):
    """A cycle that begins with a discharge (an as-assembled cathode cell) must not
    divide two discharges by one charge: the efficiency of cycle n is the discharge
    after cycle n's charge over that charge, recomputed here from the file's own
    per-step capacities (segment maxima, not lpt's unrolled accumulators)."""
    segments_of, into = PAIRED[name]
    segments = segments_of(DATA / name)
    # the direction of a step from the capacity it counted (this BDF file logs
    # discharge current as positive; rests count nothing)
    segments["sign"] = np.sign(segments["charge"] - segments["discharge"]).astype(int)
    expected = _paired_reference(segments, into)
    summary = cycle_summary(read_cycling(DATA / name)).set_index("cycle")
    for cycle in summary.index:
        value = summary.at[cycle, "coulombic_efficiency"]
        if cycle in expected and np.isfinite(expected[cycle]):
            np.testing.assert_allclose(value, expected[cycle], rtol=REL)
        else:
            assert np.isnan(value), (cycle, value)
    ce = summary["coulombic_efficiency"].to_numpy()
    assert (ce[np.isfinite(ce)] < 1.1).all()                        # no (D + D) / C


def test_instrument_and_integrated_capacity_agree_within_two_percent_on_every_complete_cycle():
    """Integrating the logged current must recount the instrument's charge: 1-60 s
    sampling of smooth currents integrates to well under 2 %."""
    for name in FILES:
        summary = cycle_summary(read_cycling(DATA / name))
        assert not [n for n in summary.attrs["notes"] if n.startswith("WARNING")], name


# -- value by value against the text ------------------------------------------------------
def test_maccor_052_first_record_as_written():
    """Rec 249791: 769267.2400 s, 3.86823835 V, -4.8400091554 A on D, 0.0191579754 A h."""
    t = read_cycling(DATA / "maccor/PredictionDiagnostics_000151_test.052")
    row = t.iloc[0]
    assert row["test_time_second"] == pytest.approx(769267.24, abs=1e-6)
    assert row["voltage_volt"] == pytest.approx(3.86823835, abs=1e-9)
    assert row["current_ampere"] == pytest.approx(-4.8400091554, abs=1e-9)
    assert row["discharging_capacity_ah"] == pytest.approx(0.0191579754, abs=1e-12)
    assert row["cycle_count"] == 37 and row["step_id"] == 44


def test_maccor_duration_dialect_and_unsigned_current():
    """Rec 3 of maccor_001: '0d 00:00:5.05000019073486', 0.50401 A on D -> -0.50401 A."""
    t = read_cycling(DATA / "maccor/maccor_001_head.txt")
    assert t["test_time_second"].iat[2] == pytest.approx(5.05000019073486, abs=1e-9)
    assert t["current_ampere"].iat[2] == pytest.approx(-0.50401, abs=1e-9)
    assert t["voltage_volt"].iat[2] == pytest.approx(3.41627, abs=1e-9)


def test_maccor_minutes_inferred_from_the_dates():
    """Record 2199 at TestTime 1228.775833 (minutes; its date is 20 h 28 min 46.5 s after start)."""
    t = read_cycling(DATA / "maccor/maccor_002_window.txt")
    assert t["test_time_second"].iat[0] == pytest.approx(1228.775833 * 60, rel=1e-12)
    assert t["current_ampere"].iat[0] == pytest.approx(0.00016022, abs=1e-12)
    assert any("read in min" in n for n in t.attrs["notes"])


def test_arbin_unitless_export_first_record():
    t = read_cycling(DATA / "arbin/2017-05-09_test-TC-contact_CH33.csv")
    assert t["current_ampere"].iat[0] == pytest.approx(6.600444793701172)
    assert t["voltage_volt"].iat[0] == pytest.approx(3.298668384552002)
    assert t["unix_time_second"].iat[1] == pytest.approx(1494377253.8629)
    assert t["temperature_t1_celsius"].iat[0] == pytest.approx(25.174373626708984)


def test_novonix_quoted_line_read_in_hours():
    """Line '2022-04-11 10:58:08 AM,1,0,0.0003111,…,0.13736194,…': 0.0003111 h, 0.13736194 V."""
    t = read_cycling(DATA / "novonix/test_Nova_Form-CH01-01_short_head.csv")
    assert t["test_time_second"].iat[1] == pytest.approx(0.0003111 * 3600)
    assert t["voltage_volt"].iat[1] == pytest.approx(0.13736194)
    assert t["unix_time_second"].iat[1] - t["unix_time_second"].iat[0] == pytest.approx(1.0)


def test_neware_csv_record_and_signed_current():
    f = pd.read_csv(DATA / "neware/neware_uio_head.csv")
    t = read_cycling(DATA / "neware/neware_uio_head.csv")
    on = f.index[f["Current(A)"] != 0][0]
    assert t["current_ampere"].iat[on] == pytest.approx(f["Current(A)"].iat[on])
    assert t["voltage_volt"].iat[on] == pytest.approx(f["Voltage(V)"].iat[on])


def test_neware_step_time_becomes_test_time():
    """NewareNDA gives step time; test time must never decrease and must end at the
    sum of the steps' last step times."""
    import NewareNDA

    f = NewareNDA.read(str(DATA / "neware/test.ndax"), software_cycle_number=False)
    t = read_cycling(DATA / "neware/test.ndax")
    assert (np.diff(t["test_time_second"]) >= 0).all()
    assert t["test_time_second"].iat[-1] == pytest.approx(f.groupby("Step")["Time"].last().sum(), rel=1e-6)


def test_bdf_file_with_discharge_positive_current_is_flipped_to_bdf_sign():
    t = read_cycling(DATA / "bdf/batmo_bdf_head.csv")
    grows = np.diff(t["charging_capacity_ah"].to_numpy()) > 0
    assert (t["current_ampere"].to_numpy()[1:][grows] > 0).mean() > 0.99
    assert any("sign reversed" in n for n in t.attrs["notes"])


def test_gcpl_mpr_without_measured_current_gets_it_from_dq():
    """The GCPL .mpr has only the control setpoint: I = dq·3600/Δt must reproduce the
    charge per record exactly when multiplied back by Δt."""
    table, _ = read_biologic_table(DATA / "biologic/v1150_GCPL.mpr")
    t = read_cycling(DATA / "biologic/v1150_GCPL.mpr")
    dt = np.diff(t["test_time_second"].to_numpy())
    np.testing.assert_allclose(t["current_ampere"].to_numpy()[1:] * dt / 3.6,
                               table["dq/mA.h"].to_numpy()[1:], rtol=1e-9, atol=1e-18)


def test_a_comma_spliced_into_the_first_arbin_record_is_refused_not_shifted(tmp_path):
    """'6.600444793701172' split by a comma moves every later cell of the first record
    one column right; pandas then cut the row to the header with a mere warning and the
    voltage read 44793701172 V."""
    lines = (DATA / "arbin/2017-05-09_test-TC-contact_CH33.csv").read_text().splitlines()
    lines[1] = lines[1].replace("6.600444793701172", "6.6004,44793701172", 1)
    p = tmp_path / "spliced.csv"
    p.write_text("\n".join(lines) + "\n")
    with pytest.raises(LptError, match=r"spliced\.csv line 2: 16 cells where the header \(line 1\) names 15 columns"):
        read_cycling(p)
    lines[1] = lines[1].replace("6.6004,44793701172", "6.600444793701172", 1) + ",,"   # empty cells at the end
    p.write_text("\n".join(lines) + "\n")
    assert read_cycling(p)["current_ampere"].iat[0] == pytest.approx(6.600444793701172)


def test_a_whitespace_separated_cycler_table_is_read():
    """A table whose columns are separated by blanks only goes to pandas' python engine."""
    from lpt.io.text import read_body
    frame = read_body("Time  Voltage  Current\n0.0  3.30  0.1\n1.0  3.31  0.1\n", 0, r"\s+", ".", "w.txt")
    assert frame["Voltage"].tolist() == [3.30, 3.31]


def test_a_neware_layered_record_with_cells_past_its_header_is_refused(tmp_path):
    """Records were read into eight spare columns and cut back to the header: a
    spliced comma shifted a record with no word said. Now the line is named."""
    lines = (DATA / "neware/nw_regular_export_ife_example_head.csv").read_text().splitlines()
    for k in (4, 7):                       # the first record (line 5), then a later one (line 8)
        edited = list(lines)
        edited[k] = edited[k].replace(",4.318", ",4,318", 1)
        p = tmp_path / "layered.csv"
        p.write_text("\n".join(edited) + "\n")
        with pytest.raises(LptError, match=rf"layered\.csv line {k + 1}: 21 cells where the record header "
                                           r"\(line 3\) names 20 columns"):
            read_cycling(p)


def test_a_bdf_row_wider_than_its_header_is_refused_not_shifted(tmp_path):
    """pandas took the extra first cell of such rows for an index and moved every value
    one column left (time read as current) without a warning."""
    lines = (DATA / "bdf/batmo_bdf_head.csv").read_text().splitlines()
    p = tmp_path / "wide.csv"
    p.write_text("\n".join([lines[0]] + ["0," + ln for ln in lines[1:]]) + "\n")
    with pytest.raises(LptError, match=r"wide\.csv line 2: 10 cells where the header \(line 1\) names 9 columns"):
        read_cycling(p)
    lines[3] = lines[3] + ",7"                  # a later row: pandas' own error, now with the line named
    p.write_text("\n".join(lines) + "\n")
    with pytest.raises(LptError, match=r"wide\.csv line 4: 10 cells where the header \(line 1\) names 9 columns"):
        read_cycling(p)
