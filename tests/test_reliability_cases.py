"""Cases from a hostile user's audit, each checked at the mechanism that now holds it
(docs/reliability.md): a coulombic efficiency only where a cycle closes, design keys
that would do nothing, a dry interface without contact, files that are no files,
messages a user can act on, plausibility warnings, long inputs that can be stopped.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from test_reliability_cli import DESIGN, assert_one_sentence, cli, design_text


# --- coulombic efficiency --------------------------------------------------------------

def test_a_cycle_that_charged_a_trickle_has_no_coulombic_efficiency():
    """From a charged cell, a hold at 4.0 V passes ~0.2 mAh/g in and the discharge
    ~158 out: the ratio (~700) is no efficiency and must be null, while the next cycle
    (a full charge by the hold, a full discharge) closes with CE = 1."""
    from lpt.cycling import cell_parameters, simulate

    res = simulate(cell_parameters("LFP", 5.0), "Hold at 4.0 V until C/50; Discharge at 1C until 2.5 V", 3)
    assert res.charge_capacity_mAh_g[0, 0] < 0.01 * res.discharge_capacity_mAh_g[0, 0]
    assert np.isnan(res.coulombic_efficiency[0, 0])
    np.testing.assert_allclose(res.coulombic_efficiency[0, 1:], 1.0, atol=1e-3)

    run = cli("simulate", DESIGN, "--cycles", "2", "--protocol",
              "Hold at 4.0 V until C/50; Discharge at 1C until 2.5 V; Charge at 1C until 4.0 V", "--json")
    assert run.code == 0, run.err
    for c in json.loads(run.out)["cycles"]:
        ce = c["coulombic_efficiency"]
        assert ce is None or 0.0 <= ce <= 2.0, c


def test_coulombic_efficiency_is_null_only_where_a_cycle_emptied_charge_stored_before_it():
    """A cycle that charged nothing, or discharged more than twice its charge, has no
    CE; a low CE (a cell that cannot give back what it took) is reported as it is."""
    from lpt.cycling.model import coulombic_efficiency

    ce = coulombic_efficiency([1.0, 1.0, 1.0, 0.0, 1.0, 1e-6], [0.99, 2.0, 2.01, 1.0, 0.0, 0.12])
    np.testing.assert_array_equal(np.isnan(ce), [False, False, True, True, False, True])
    np.testing.assert_allclose(ce[[0, 1, 4]], [0.99, 2.0, 0.0])



def test_a_protocol_number_that_is_not_finite_is_one_sentence_naming_the_step():
    """float("1e309") is infinity: a 1e309C charge ended as a silent "short_circuit"."""
    import pytest

    from lpt.cycling.protocol import parse_protocol
    from lpt.errors import LptError
    from lpt.symmetric.protocol import parse_symmetric_protocol

    for text in ("Charge at 1e309C until 4.0 V", "Discharge at C/1e-309 until 2.5 V",
                 "Charge at 1C for 1e309 hours", "Charge at 1C for 1e305 hours", "Hold at 1e309 V until C/20"):
        with pytest.raises(LptError, match="protocol step 1 .*finite|outside 0 to 10 V"):
            parse_protocol(text)
    with pytest.raises(LptError, match="finite"):
        parse_symmetric_protocol("Plate at 1e309 mA cm-2 for 1 hour; Strip at 0.1 mA cm-2 for 1 hour")
    assert_one_sentence(cli("simulate", DESIGN, "--cycles", "1", "--json", "--protocol",
                            "Charge at 1e309C until 4.0 V; Discharge at 1C until 2.5 V"), "--protocol", "finite")

# --- design keys that would do nothing ---------------------------------------------------

def test_an_unknown_current_collector_is_refused_by_every_command_not_only_by_the_accounting(tmp_path):
    """The foil's name was checked only where its density is used (screening, report);
    `asr`, `simulate` and `eis simulate` ran on and exited 0."""
    design = tmp_path / "foil.toml"
    design.write_text(DESIGN.read_text().replace("[cathode]\n", '[cathode]\ncurrent_collector = "Alu"\n'))
    for command in (["asr"], ["simulate", "--cycles", "1"], ["eis", "simulate"], ["parameters", "list"]):
        n_words = 2 if command[0] in ("eis", "parameters") else 1
        assert_one_sentence(cli(*command[:n_words], design, *command[n_words:], "--json"),
                            "cathode.current_collector", 'did you mean "Al"', "allowed: Al, Cu, Ni, SS")


def test_a_reaction_layer_takes_no_liquid_and_no_loading(tmp_path):
    """The reagent's carrier solvent is gone before assembly: a liquid and a loading
    on a reaction layer would change nothing (not the ASR, not the stack's mass)."""
    base = (DESIGN.parent / "lgps_lih2po4_lco.toml").read_text()
    for extra in ('liquid = "LP30"', "loading_uL_cm2 = 2.0"):
        design = tmp_path / "layer.toml"
        design.write_text(base.replace('reagent = "H3PO4-THF"', f'reagent = "H3PO4-THF"\n{extra}'))
        key = extra.split(" ")[0]
        assert_one_sentence(cli("asr", design, "--json"), f"interfaces.anode.{key}", "carrier solvent",
                            "it takes baseline, reagent, thickness_nm")


# --- a dry interface without contact ------------------------------------------------------

def test_a_dry_interface_at_zero_pressure_is_an_open_circuit_and_the_report_shows_it(tmp_path):
    """At 0 MPa a dry Li|SSE interface has no contact spot: its ASR is infinite (no
    current path) and the untreated cell cannot cycle. The report drew its Nyquist axes
    from that infinite spectrum and died on NaN limits; now it shows ∞ and says why."""
    import re

    from lpt.design import load_design
    from lpt.interface import asr_report

    design = tmp_path / "p0.toml"
    design.write_text(design_text(stack_pressure_MPa="0.0"))
    rep = asr_report(load_design(design))
    assert rep["interfaces"]["anode"]["untreated_ohm_cm2"] == np.inf
    assert np.isfinite(rep["interfaces"]["anode"]["treated_ohm_cm2"])  # the liquid carries the current

    out = tmp_path / "r.html"
    run = cli("report", design, "--out", out, "--cycles", "2")
    assert run.code == 0 and run.err == "", run.err
    text = re.sub(r"<[^>]+>", "|", out.read_text())
    assert re.search(r"anode ASR \(Ω cm²\)\|+[0-9.]+\|+∞", text)
    assert "life simulation" not in text  # no model failure noted on the page


# --- files that are not files --------------------------------------------------------------

def _cli_with_timeout(fifo, *args, seconds: float = 30.0):
    """`lpt ARGS` in a thread: if it blocks (opened the FIFO and waits for a writer),
    open the FIFO's write end to set it free, and fail."""
    import os
    import threading

    box = {}
    worker = threading.Thread(target=lambda: box.setdefault("run", cli(*args)), daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)
        worker.join(10)
        raise AssertionError(f"lpt {' '.join(map(str, args))} blocked on a named pipe")
    return box["run"]


def test_a_named_pipe_or_dev_zero_is_refused_by_every_reader_before_it_is_opened(tmp_path):
    """A FIFO blocks its reader until a writer comes (forever); /dev/zero is read until
    memory runs out. Every reader of a user's file checks the type with stat first."""
    import os

    from test_reliability_cli import SMALL_SWEEP

    sweep = tmp_path / "s.toml"
    sweep.write_text(f'base = "{DESIGN}"\n' + SMALL_SWEEP)
    results = tmp_path / "results"
    results.mkdir()
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    os.mkfifo(results / "sweep.json")
    uses = {  # (argv with {f} for the file, what the sentence calls it)
        "design": (["asr", "{f}", "--json"], "design"),
        "parameter file": (["asr", DESIGN, "--parameters", "{f}", "--json"], "parameter"),
        "sweep": (["sweep", "run", "{f}", "--out", tmp_path / "o", "--workers", "0"], "sweep"),
        "spectrum": (["eis", "validate", "{f}", "--json"], "spectrum"),
        "spectra of a fit": (["calibrate", DESIGN, "--fit", "LATP.conductivity_S_cm", "--eis", "{f}",
                              "--out", tmp_path / "c.toml"], "spectrum"),
        "cycler file": (["data", "summarize", "{f}", "--json"], "cycling"),
    }
    for argv, what in uses.values():
        for given, kind in ((fifo, "named pipe"), (Path("/dev/zero"), "character device")):
            args = [given if a == "{f}" else a for a in argv]
            assert_one_sentence(_cli_with_timeout(fifo, *args), str(given), kind, f"{what} file")
    assert_one_sentence(_cli_with_timeout(results / "sweep.json", "sweep", "pareto", results, "--json"),
                        "named pipe")
    theirs = tmp_path / "out.html"
    os.mkfifo(theirs)  # an output that is a pipe: looking inside it (whose file is it?) would block
    assert_one_sentence(_cli_with_timeout(theirs, "report", DESIGN, "--out", theirs), "not a regular file")


def test_a_file_above_the_size_limit_is_refused_by_its_size_without_reading_it(tmp_path):
    from lpt.fileio import MAX_SPECTRUM_BYTES, MAX_TOML_BYTES

    for name, limit, argv in (("big.toml", MAX_TOML_BYTES, ["asr", "{f}", "--json"]),
                              ("big.csv", MAX_SPECTRUM_BYTES, ["eis", "drt", "{f}", "--json"])):
        big = tmp_path / name
        with open(big, "wb") as fh:  # sparse: no disk used, no time spent
            fh.truncate(limit + 1)
        assert_one_sentence(cli(*[big if a == "{f}" else a for a in argv]), str(big), "MiB lpt reads")


# --- plausibility warnings -------------------------------------------------------------------

def _warnings(run) -> list[str]:
    assert run.code == 0, run.err
    lines = run.err.splitlines()
    assert lines and all(line.startswith("warning: ") for line in lines), run.err
    return lines


def test_a_temperature_in_kelvin_given_as_celsius_is_computed_and_warned_about():
    run = cli("asr", DESIGN, "--temperature-c", "298", "--json")
    lines = _warnings(run)
    assert json.loads(run.out)["temperature_c"] == 298.0  # computed as given
    assert any("kelvin" in line and "298 K = 24.85 °C" in line for line in lines)
    assert any("melting point of the Li anode, 180.5 °C" in line for line in lines)


def test_a_carbonate_at_200_c_warns_with_its_range_and_source(tmp_path):
    design = tmp_path / "hot.toml"
    design.write_text(design_text(temperature_C="200.0"))
    run = cli("asr", design, "--json")
    lines = _warnings(run)
    assert json.loads(run.out)["interfaces"]["anode"]["treated_ohm_cm2"] > 0
    assert any("200 °C" in line and "85 °C" in line and "carbonate" in line and "Campion" in line for line in lines)


def test_a_charge_cutoff_of_9_9_v_for_lfp_and_a_step_at_220_c_warn_and_still_simulate():
    run = cli("simulate", DESIGN, "--cycles", "1", "--json", "--protocol",
              "Charge at 1C until 9.9 V; Discharge at 1C until 2.5 V at 220 C")
    lines = _warnings(run)
    assert len(json.loads(run.out)["cycles"]) == 1
    cutoff = [line for line in lines if "9.9 V vs Li" in line]
    assert any("LFP" in line and "3.91 V" in line for line in cutoff)          # the cathode's OCV end
    assert any("oxidation limit" in line and "4.5 V" in line for line in cutoff)  # the carbonate's window
    assert any("220 °C (protocol step 2)" in line and "180.5 °C" in line for line in lines)


def test_the_shipped_designs_raise_no_plausibility_warning_and_the_checks_print_nothing():
    """No false alarms on the designs lpt ships (their own temperatures and protocols);
    the library returns sentences and emits no warning itself."""
    import warnings

    from lpt.design import load_design
    from lpt.plausibility import CHECKS, check

    assert set(CHECKS) >= {"liquid_temperature", "electrode_temperature", "kelvin_slip", "cutoff_above_cathode",
                           "cutoff_above_liquid"}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for path in sorted(DESIGN.parents[1].glob("**/*.toml")):
            if "sweeps" in path.parts or path.name == "orderings.toml":
                continue
            assert check(load_design(path)) == [], path
        assert len(check(load_design(DESIGN), temperature_C=298.0)) == 3
    assert caught == []


# --- messages a user can act on ----------------------------------------------------------------

def test_utf16_spectra_and_cycler_files_are_read_not_called_binary(tmp_path):
    """Windows "Unicode" saves are UTF-16 with a byte-order mark: text, not binary."""
    from test_hostile_inputs import CYCLING_CSV
    from test_reliability_cli import SPECTRUM

    utf16 = tmp_path / "spectrum.csv"
    utf16.write_bytes(SPECTRUM.read_text().encode("utf-16"))
    run, reference = cli("eis", "validate", utf16, "--json"), cli("eis", "validate", SPECTRUM, "--json")
    assert run.code == 0, run.err
    assert json.loads(run.out)["max_residual_percent"] == json.loads(reference.out)["max_residual_percent"]
    cycling = tmp_path / "cell.csv"
    cycling.write_bytes(CYCLING_CSV.encode("utf-16"))
    run = cli("data", "summarize", cycling, "--json")
    assert run.code == 0, run.err
    assert json.loads(run.out)["format"] == "bdf"


def test_a_row_cut_short_is_named_by_its_line(tmp_path):
    """An export interrupted mid-line leaves a short last row; it was reported as "no
    numeric data lines" (last row) or as line 1 (a short row inside)."""
    from test_reliability_cli import SPECTRUM

    rows = SPECTRUM.read_text().strip().split("\n")
    for k in (len(rows) - 1, 10):
        cut = list(rows)
        cut[k] = ",".join(cut[k].split(",")[:2])
        path = tmp_path / f"cut{k}.csv"
        path.write_text("\n".join(cut) + "\n")
        assert_one_sentence(cli("eis", "validate", path, "--json"), f"line {k + 1}:", "2 fields", "3 columns")


def test_a_circuit_nested_too_deep_is_one_sentence_not_a_recursion_error():
    from test_reliability_cli import SPECTRUM

    circuit = "".join(f"p(R{i}," for i in range(3000)) + "R9999" + ")" * 3000
    line = assert_one_sentence(cli("eis", "fit", SPECTRUM, "--circuit", circuit, "--json"), "nested more than 32")
    assert len(line) < 400 and "RecursionError" not in line


def test_spectra_outside_what_an_analyser_measures_are_refused_before_lapack(tmp_path):
    """Frequencies of 1e-292 Hz made the KK test's LAPACK call print DLASCL lines and
    raise LinAlgError; |Z| of 1e-310 ohm (denormal) did the same in the fit. Every
    command that reads measured spectra checks the analyser's range first."""
    from test_reliability_cli import SPECTRUM

    rows = [ln.split(",") for ln in SPECTRUM.read_text().strip().split("\n")]
    slow = tmp_path / "slow.csv"
    slow.write_text("".join(f"{float(f) * 1e-290},{zr},{zi}\n" for f, zr, zi in rows))
    tiny = tmp_path / "tiny.csv"
    tiny.write_text("".join(f"{f},1e-310,-1e-310\n" for f, _, _ in rows))
    for bad in (slow, tiny):
        for argv in (["eis", "validate", bad, "--json"], ["eis", "fit", bad, "--circuit", "R0-p(R1,C1)", "--json"],
                     ["eis", "drt", bad, "--json"],
                     ["report", DESIGN, "--eis", bad, "--out", tmp_path / "r.html", "--cycles", "1"],
                     ["calibrate", DESIGN, "--fit", "LATP.conductivity_S_cm", "--eis", bad, "--temperatures-c", "25",
                      "--out", tmp_path / "c.toml"]):
            assert_one_sentence(cli(*argv), str(bad), "beyond what an impedance analyser measures")


def test_a_sweep_manifest_with_a_size_lpt_never_writes_is_refused_in_one_sentence(tmp_path):
    """n_designs = "many", -3 or 1e400 reached int() (ValueError, OverflowError)."""
    from test_reliability_cli import SMALL_SWEEP

    sweep, out = tmp_path / "s.toml", tmp_path / "out"
    sweep.write_text(f'base = "{DESIGN}"\n' + SMALL_SWEEP.replace("n = 30", "n = 10"))
    assert cli("sweep", "run", sweep, "--out", out, "--workers", "0").code == 0
    good = json.loads((out / "sweep.json").read_text())
    for bad in ('"many"', "-3", "1e400", "true"):
        (out / "sweep.json").write_text(json.dumps(good).replace(f'"n_designs": {good["n_designs"]}',
                                                                 f'"n_designs": {bad}'))
        assert_one_sentence(cli("sweep", "pareto", out, "--json"), "not a sweep manifest written by lpt")


# --- long and huge inputs ------------------------------------------------------------------------

def test_a_long_cc_cv_run_shows_its_progress_and_time_left_and_stops_on_ctrl_c():
    """100000 cycles of a 5-step CC-CV protocol run for about half an hour: on a
    terminal the bar counts cycles and says the time left; Ctrl-C ends it with 130."""
    import os
    import pty
    import select
    import signal
    import subprocess
    import sys
    import time

    from test_reliability_cli import SRC

    protocol = ("Charge at 0.5C until 4.0 V; Hold at 4.0 V until C/20; Rest for 10 minutes; "
                "Discharge at 1C until 2.5 V; Rest for 10 minutes")
    env = dict(os.environ, PYTHONPATH=f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}", COLUMNS="120")
    master, slave = pty.openpty()  # stderr is a terminal, as for a user
    proc = subprocess.Popen([sys.executable, "-m", "lpt.cli", "simulate", str(DESIGN), "--cycles", "100000",
                             "--protocol", protocol, "--json"], stdout=subprocess.PIPE, stderr=slave, env=env)
    os.close(slave)
    seen, start = b"", time.monotonic()
    while time.monotonic() - start < 45 and not (b"left" in seen and seen.count(b"/100000") >= 2):
        if select.select([master], [], [], 0.5)[0]:  # until the bar has been drawn twice
            seen += os.read(master, 1 << 16)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=60)
    while select.select([master], [], [], 0.2)[0]:
        try:
            seen += os.read(master, 1 << 16)
        except OSError:
            break
    os.close(master)
    text = seen.decode(errors="replace")
    assert proc.returncode == 130 and out == b""
    assert "/100000" in text and "left" in text, text[-300:]
    assert "interrupted by SIGINT" in text


def test_a_spectrum_of_more_points_than_an_analyser_records_is_refused_at_once(tmp_path):
    """A KK test of 10⁶ points took 150 s and 4.6 GB (10⁵: 24 s, 0.7 GB); the DRT of
    10⁶ points once asked for 24 GB. Every command that reads measured spectra refuses
    more than 100000 points in one spectrum before any analysis."""
    import time

    from lpt.io.spectrum import MAX_POINTS

    f = np.logspace(-2, 6, MAX_POINTS + 1)
    z = 10 + 100 / (1 + 2j * np.pi * f * 1e-4)
    big = tmp_path / "big.csv"
    np.savetxt(big, np.c_[f, z.real, z.imag], delimiter=",")
    for command in (["eis", "validate"], ["eis", "drt"], ["eis", "fit", "--circuit", "R0-p(R1,C1)"]):
        t0 = time.perf_counter()
        assert_one_sentence(cli(*command[:2], big, *command[2:], "--json"), "100,001 points", "100,000")
        assert time.perf_counter() - t0 < 20
