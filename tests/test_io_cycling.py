"""Cycling tables from made-up but physical traces: conservation of charge, units,
sign conventions, dialects, BDF round trip, dQ/dV, symmetric-cell shorts and CCD,
and hostile input (never a traceback: a table or an LptError)."""

import string
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lpt.errors import LptError
from lpt.io import read_cycling
from lpt.io.analysis import (CapacityMismatchWarning, critical_current_density, cycle_summary, detect_short,
                             dqdv, half_cycles)
from lpt.io.bdf import write_bdf
from lpt.io.cycling import FORMATS
from lpt.io.formats.neware import test_time_from_step_time as step_to_test_time


def cc_cycles(n_cycles=3, current_A=0.002, hours=2.0, dt_s=30.0, v0=3.4, slope_V_per_h=0.1):
    """CC charge then CC discharge, linear voltage: every number known in closed form.
    Logged as cyclers do: a record at each step's end and one 1 ms into the next step
    (so the charge between the two steps, 2 mA × 1 ms, is 1.4e-7 of a half cycle)."""
    rows, t = [], 0.0
    for cycle in range(1, n_cycles + 1):
        for sign in (1, -1):
            for k in range(int(hours * 3600 / dt_s) + 1):
                tau = k * dt_s
                v = v0 + sign * slope_V_per_h * tau / 3600
                rows.append((t + tau, v, sign * current_A, cycle))
            t += hours * 3600 + 1e-3
    return pd.DataFrame(rows, columns=["time_s", "V", "I_A", "cycle"])


def test_integrated_capacity_is_current_times_time_and_ce_is_one(tmp_path):
    """2 mA for 2 h each way: 4 mAh in, 4 mAh out, CE 1, mean voltages v0 ± slope·1 h."""
    f = cc_cycles()
    path = tmp_path / "cc.csv"
    f.rename(columns={"time_s": "Test Time (s)", "V": "Voltage (V)", "I_A": "Current (mA)",
                      "cycle": "Cycle Index"}).assign(**{"Current (mA)": f["I_A"] * 1e3}).to_csv(path, index=False)
    summary = cycle_summary(read_cycling(path))
    np.testing.assert_allclose(summary["charge_capacity_mAh"], 4.0, rtol=1e-6)
    np.testing.assert_allclose(summary["discharge_capacity_mAh"], 4.0, rtol=1e-6)
    np.testing.assert_allclose(summary["coulombic_efficiency"], 1.0, rtol=1e-6)
    np.testing.assert_allclose(summary["mean_charge_voltage_V"], 3.5, rtol=1e-6)
    np.testing.assert_allclose(summary["mean_discharge_voltage_V"], 3.3, rtol=1e-6)
    np.testing.assert_allclose(summary["charge_energy_Wh"], 4e-3 * 3.5, rtol=1e-6)


@pytest.mark.parametrize("unit, scale", [("A", 1.0), ("mA", 1e3), ("uA", 1e6), ("µA", 1e6)])
@pytest.mark.parametrize("time_unit, time_scale", [("s", 1.0), ("min", 1 / 60), ("h", 1 / 3600)])
def test_units_in_headers_give_the_same_capacity(tmp_path, unit, scale, time_unit, time_scale):
    f = cc_cycles(n_cycles=1)
    path = tmp_path / "u.csv"
    pd.DataFrame({f"time/{time_unit}": f["time_s"] * time_scale, "Ewe/V": f["V"],
                  f"I/{unit}": f["I_A"] * scale}).to_csv(path, index=False)
    summary = cycle_summary(read_cycling(path))
    assert summary["charge_capacity_mAh"].iat[0] == pytest.approx(4.0, rel=1e-9)


def test_capacity_in_mAs_and_decimal_commas(tmp_path):
    """mA·s accumulators in a ';'-separated, decimal-comma file: 4 mAh = 14400 mA·s."""
    f = cc_cycles(n_cycles=1)
    charge_mAs = np.where(f["I_A"] > 0, f["I_A"] * 1e3 * (f["time_s"] - 0.0), 0.0)
    frame = pd.DataFrame({"Time [s]": f["time_s"], "Voltage [mV]": f["V"] * 1e3, "Current [mA]": f["I_A"] * 1e3,
                          "Charge Capacity [mAs]": charge_mAs,
                          "Discharge Capacity [mAs]": np.where(f["I_A"] < 0, -f["I_A"] * 1e3 * (f["time_s"] - 7200.001), 0.0)})
    path = tmp_path / "comma.csv"
    frame.to_csv(path, sep=";", decimal=",", index=False)
    summary = cycle_summary(read_cycling(path))
    assert summary["charge_capacity_mAh"].iat[0] == pytest.approx(4.0, rel=1e-9)
    assert summary["discharge_capacity_mAh"].iat[0] == pytest.approx(4.0, rel=1e-9)


def test_wrong_current_unit_is_flagged_loudly(tmp_path):
    """Current written in mA under an 'A' header: the instrument's Ah column and the
    integral disagree 1000-fold, and the summary says so in a note and a warning."""
    f = cc_cycles(n_cycles=1)
    path = tmp_path / "bad.csv"
    pd.DataFrame({"Test Time (s)": f["time_s"], "Voltage (V)": f["V"], "Current (A)": f["I_A"] * 1e3,
                  "Charge Capacity (Ah)": np.where(f["I_A"] > 0, f["I_A"] * f["time_s"] / 3600, 0),
                  "Discharge Capacity (Ah)": np.where(f["I_A"] < 0, -f["I_A"] * (f["time_s"] - 7200.001) / 3600, 0),
                  }).to_csv(path, index=False)
    with pytest.warns(CapacityMismatchWarning):
        summary = cycle_summary(read_cycling(path))
    assert any(n.startswith("WARNING") and "disagree" in n for n in summary.attrs["notes"])


def test_maccor_dialect_unsigned_current_decimal_comma_and_durations(tmp_path):
    f = cc_cycles(n_cycles=2)
    state = np.where(f["I_A"] > 0, "C", "D")
    step = np.cumsum(np.r_[True, state[1:] != state[:-1]])
    start = pd.Series(f["time_s"]).groupby(step).transform("first")
    days, rest = np.divmod(f["time_s"], 86400)
    duration = [f"{int(d)}d {int(r // 3600):02d}:{int(r % 3600 // 60):02d}:{r % 60:05.2f}" for d, r in zip(days, rest)]
    body = pd.DataFrame({"Rec#": np.arange(1, len(f) + 1), "Cyc#": f["cycle"], "Step": step,
                         "TestTime": duration, "Amp-hr": np.abs(f["I_A"]) * (f["time_s"] - start) / 3600,
                         "Amps": np.abs(f["I_A"]), "Volts": f["V"], "State": state})
    path = tmp_path / "maccor.txt"
    with open(path, "w") as out:
        out.write("Today's Date 01/01/2024  Date of Test:\t01/01/2024\t Filename:\tx.001\n")
        body.to_csv(out, sep="\t", decimal=",", index=False)
    table = read_cycling(path)
    assert table.attrs["format"] == "maccor"
    summary = cycle_summary(table)
    np.testing.assert_allclose(summary["charge_capacity_mAh"], 4.0, rtol=1e-9)
    np.testing.assert_allclose(summary["discharge_capacity_mAh"], 4.0, rtol=1e-9)
    assert (table["current_ampere"][state == "D"] < 0).all()


def test_neware_time_is_step_time_or_total_time():
    step = np.repeat([1, 2, 3], 4)
    step_time = np.tile([0.0, 10.0, 20.0, 30.0], 3)
    notes = []
    np.testing.assert_allclose(step_to_test_time(step_time, step, notes),
                               [0, 10, 20, 30, 30, 40, 50, 60, 60, 70, 80, 90])
    total = np.arange(12) * 10.0
    np.testing.assert_allclose(step_to_test_time(total, step, notes), total)


def test_time_going_back_is_repaired_and_said(tmp_path):
    f = cc_cycles(n_cycles=1)
    t = f["time_s"].to_numpy().copy()
    t[100:] -= 1000.0
    path = tmp_path / "back.csv"
    pd.DataFrame({"Test Time (s)": t, "Voltage (V)": f["V"], "Current (A)": f["I_A"]}).to_csv(path, index=False)
    table = read_cycling(path)
    assert (np.diff(table["test_time_second"]) >= 0).all()
    assert any("goes back" in n for n in table.attrs["notes"])


def test_anode_half_cell_cycles_start_on_discharge_and_ce_is_charge_over_discharge(tmp_path):
    """Graphite|Li at 0.1-0.3 V, discharged (lithiated) first, 5 mAh in, 4.5 mAh out."""
    t = np.arange(0, 3600 * 2 + 1, 10.0)
    rows, base = [], 0.0
    for cycle in range(2):
        rows += [(base + s, 0.3 - 0.1 * s / 7200, -2.5e-3) for s in t]
        base += 7200.001
        rows += [(base + s, 0.15 + 0.1 * s / 7200, 2.5e-3 * 0.9) for s in t]
        base += 7200.001
    path = tmp_path / "anode.csv"
    pd.DataFrame(rows, columns=["Time (s)", "Voltage (V)", "Current (A)"]).to_csv(path, index=False)
    summary = cycle_summary(read_cycling(path))
    assert list(summary["cycle"]) == [1, 2]
    np.testing.assert_allclose(summary["coulombic_efficiency"], 0.9, rtol=1e-6)
    assert summary.attrs["efficiency"] == "charge/discharge"


def test_bdf_round_trip_keeps_every_number(tmp_path):
    f = cc_cycles(n_cycles=2)
    src = tmp_path / "src.csv"
    pd.DataFrame({"Test Time (s)": f["time_s"], "Voltage (V)": f["V"], "Current (A)": f["I_A"],
                  "Cycle": f["cycle"]}).to_csv(src, index=False)
    table = read_cycling(src)
    out = write_bdf(table, tmp_path / "out.bdf.csv", inputs=(src,))
    again = read_cycling(out)
    assert again.attrs["format"] == "bdf"
    for column in ("test_time_second", "voltage_volt", "current_ampere", "charging_capacity_ah"):
        np.testing.assert_allclose(again[column], table[column], rtol=1e-12, atol=1e-15)
    with pytest.raises(LptError, match="overwrite"):
        write_bdf(table, src, inputs=(src,))


# -- dQ/dV ------------------------------------------------------------------------------
def test_dqdv_of_a_linear_curve_is_the_inverse_slope():
    """V = 3.4 + 0.1 V/h·t at 2 mA: dV/dQ = 0.05 V/mAh, so dQ/dV = 20 mAh/V everywhere."""
    f = cc_cycles(n_cycles=1)
    table = _table(f)
    curve = dqdv(table, 1, "charge")
    np.testing.assert_allclose(curve["dqdv_mAh_V"], 20.0, rtol=1e-6)
    assert (dqdv(table, 1, "discharge")["dqdv_mAh_V"] < 0).all()


def test_dqdv_peak_integrates_to_the_plateau_capacity():
    """A two-phase plateau (tanh step of 2 mAh at 3.45 V on a 4 mAh charge): the area
    under dQ/dV across the step is its capacity, within 2 % after smoothing."""
    q = np.linspace(0, 4.0, 4001)                       # mAh
    v = 3.3 + 0.05 * q + 0.0 * q
    v = 3.2 + 0.25 * (np.tanh((q - 1.0) / 0.15) + 1) / 2 + 0.02 * q + 0.25 * (np.tanh((q - 3.0) / 0.15) + 1) / 2
    t = q / 2.0 * 3600                                   # 2 mA
    table = _table(pd.DataFrame({"time_s": t, "V": v, "I_A": 2e-3, "cycle": 1}))
    curve = dqdv(table, 1, "charge", points=2000, window_fraction=0.02)
    total = np.trapezoid(curve["dqdv_mAh_V"].fillna(0), curve["voltage_V"])
    assert total == pytest.approx(4.0, rel=0.02)


def _table(frame):
    from lpt.io.cycling import build_table

    cols = {"test_time_second": frame["time_s"].to_numpy(float), "voltage_volt": frame["V"].to_numpy(float),
            "current_ampere": np.broadcast_to(frame["I_A"].to_numpy(float), len(frame)).copy(),
            "cycle_count": frame["cycle"].to_numpy(float)}
    return build_table(cols, {"format": "test"}, [], "synthetic")


# -- symmetric cells ----------------------------------------------------------------------
def symmetric_ramp(area_cm2=1.0, asr_ohm_cm2=100.0, steps_mA_cm2=(0.1, 0.2, 0.4, 0.8, 1.6),
                   short_at=None, noise_V=0.0, seed=0):
    """Li|SSE|Li: plate then strip 1 h at each current density; ohmic V = j·ASR;
    optionally a short (V -> 0.5 mV) 40 min into the plating at ``short_at``."""
    rng = np.random.default_rng(seed)
    rows, t, shorted = [], 0.0, False
    for j in steps_mA_cm2:
        for sign in (-1, 1):
            for k in range(121):
                current = sign * j * area_cm2 * 1e-3
                if short_at is not None and j == short_at and sign < 0 and k >= 80:
                    shorted = True
                v = 5e-4 * sign if shorted else current / area_cm2 * asr_ohm_cm2 * 1e3 * 1e-3 * 1e0
                rows.append((t + 30.0 * k, v + noise_V * rng.standard_normal(), current))
            t += 3630.0
    f = pd.DataFrame(rows, columns=["time_s", "V", "I_A"])
    f["cycle"] = 1
    from lpt.io.cycling import build_table

    return build_table({"test_time_second": f["time_s"].to_numpy(), "voltage_volt": f["V"].to_numpy(),
                        "current_ampere": f["I_A"].to_numpy()}, {"format": "test"}, [], "sym")


def test_symmetric_asr_is_overpotential_over_current_density():
    """Ohmic Li|Li at 100 Ω cm²: η = j·ASR at every step, ASR recovered exactly."""
    steps = half_cycles(symmetric_ramp(), area_cm2=1.0)
    np.testing.assert_allclose(steps["asr_ohm_cm2"], 100.0, rtol=1e-9)
    np.testing.assert_allclose(steps["overpotential_max_V"], steps["current_density_mA_cm2"] * 0.1, rtol=1e-9)
    np.testing.assert_allclose(steps["areal_capacity_mAh_cm2"], steps["current_density_mA_cm2"], rtol=1e-9)


def test_short_is_found_where_it_was_made_and_sets_the_ccd():
    table = symmetric_ramp(short_at=0.8)
    short = detect_short(table, area_cm2=1.0)
    assert short is not None and short.current_density_mA_cm2 == pytest.approx(0.8)
    assert short.overpotential_after_V < 0.2 * short.overpotential_before_V
    ccd = critical_current_density(table, area_cm2=1.0)
    # plating comes first at each current density: the last half cycle passed is the
    # stripping at 0.4 mA cm-2
    assert ccd.ccd_mA_cm2 == pytest.approx(0.8) and ccd.last_passed_mA_cm2 == pytest.approx(0.4)


def test_healthy_noisy_cell_has_no_short_and_no_ccd():
    """5 % noise on a healthy ramp must not look like a collapse to under 20 %."""
    table = symmetric_ramp(noise_V=0.0005)
    assert detect_short(table, area_cm2=1.0) is None
    ccd = critical_current_density(table, area_cm2=1.0)
    assert ccd.ccd_mA_cm2 is None and ccd.last_passed_mA_cm2 == pytest.approx(1.6)


# -- hostile input ------------------------------------------------------------------------
HEADERS = {
    "csv": "Test Time (s),Voltage (V),Current (mA),Cycle\n",
    "arbin": "Data_Point,Test_Time(s),Step_Index,Cycle_Index,Current(A),Voltage(V),Charge_Capacity(Ah),Discharge_Capacity(Ah)\n",
    "maccor": "Rec#\tCyc#\tStep\tTestTime\tStepTime\tAmp-hr\tWatt-hr\tAmps\tVolts\tState\n",
    "neware_csv": "DataPoint,Cycle Index,Step Index,Step Type,Time,Cumulative Time,Current(A),Voltage(V),Capacity(Ah)\n",
    "novonix": "[Summary]\nNovonix\n[Data]\n\"Date and Time,Cycle Number,Run Time (h),Current (A),Potential (V),Capacity (Ah),Step Number\"\n",
    "bdf": "Test Time / s,Voltage / V,Current / A\n",
}
cells = st.one_of(st.floats(allow_nan=True, allow_infinity=True).map(repr), st.integers().map(str),
                  st.text(alphabet=string.printable, max_size=6), st.sampled_from(["C", "D", "R", "CC_Chg", "", "N/A"]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fmt=st.sampled_from(sorted(HEADERS)), rows=st.lists(st.lists(cells, min_size=0, max_size=10), max_size=12))
def test_fuzzed_tables_give_a_table_or_one_clear_error(tmp_path, fmt, rows):
    sep = "\t" if fmt == "maccor" else ","
    body = "\n".join(sep.join(r) for r in rows)
    if fmt == "novonix":
        body = "\n".join(f'"{ln}"' for ln in body.splitlines())
    path = tmp_path / f"fuzz_{fmt}.txt"
    path.write_text(HEADERS[fmt] + body, encoding="utf-8")
    _table_or_error(path, fmt)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=400), fmt=st.sampled_from(FORMATS))
def test_fuzzed_bytes_give_a_table_or_one_clear_error(tmp_path, raw, fmt):
    suffix = {"neware_nda": ".nda", "neware_ndax": ".ndax", "biologic_mpr": ".mpr", "excel": ".xlsx"}.get(fmt, ".txt")
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(raw)
    _table_or_error(path, fmt)
    _table_or_error(path, None)


@pytest.mark.parametrize("raw", [b"", b"\xef\xbb\xbf", b"\n\n"])
def test_an_empty_or_bom_only_biologic_text_file_is_one_clear_error(tmp_path, raw):
    # a file of nothing but a UTF-8 byte-order mark decodes to no line at all
    path = tmp_path / "empty.mpt"
    path.write_bytes(raw)
    with pytest.raises(LptError) as err:
        read_cycling(path, format="biologic_mpt")
    assert "\n" not in str(err.value)


def _table_or_error(path, fmt):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            table = read_cycling(path, format=fmt)
        except LptError as err:
            assert str(err) and "\n" not in str(err)
            return
        assert len(table) >= 2 and {"test_time_second", "voltage_volt", "current_ampere"} <= set(table)
        cycle_summary(table)
