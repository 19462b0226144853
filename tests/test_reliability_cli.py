"""The command line's promises (docs/reliability.md), each checked at its mechanism.

Commands run in this process through ``lpt.cli.main.main`` (the console script's
own error handling), except the interrupt tests, which need a real process to
signal.
"""

from __future__ import annotations

import fcntl
import io
import json
import os
import signal
import subprocess
import sys
import time
import warnings
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

from lpt.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
TABLE1 = ROOT / "examples" / "table1"
DESIGN = TABLE1 / "latp_carbonate_lfp.toml"
LONG_DESIGN = TABLE1 / "lgps_doldme_tis2.toml"  # 100000 cycles run for minutes, never ends early
SPECTRUM = ROOT / "tests" / "data" / "eis" / "exampleData.csv"
SRC = ROOT / "src"

SMALL_SWEEP = """
chunk_size = 10
[sampling]
method = "random"
n = 30
seed = 3
[vary]
"interfaces.anode.loading_uL_cm2" = { min = 0.05, max = 8.0, log = true }
"electrolyte.thickness_um" = { min = 30.0, max = 600.0 }
[outputs]
include = ["asr", "utilization", "capacity", "energy_density", "flammable", "cost"]
"""


@dataclass
class Run:
    code: int
    out: str
    err: str


def cli(*args: str | Path) -> Run:
    """`lpt ARGS` in this process, through the console script's entry point."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            main([str(a) for a in args])
        except SystemExit as exc:
            code = exc.code
        else:  # pragma: no cover - main always exits
            code = 0
    return Run(code, out.getvalue(), err.getvalue())


def assert_one_sentence(run: Run, *must_contain: str) -> str:
    assert run.code not in (0, None), f"exit code 0: {run.out[:300]!r}"
    assert "Traceback" not in run.err + run.out
    lines = run.err.splitlines()
    assert len(lines) == 1, f"stderr has {len(lines)} lines:\n{run.err}"
    assert run.out == "", f"stdout not empty: {run.out[:300]!r}"
    for text in must_contain:
        assert text in lines[0], f"{text!r} not in: {lines[0]}"
    return lines[0]


def design_text(**changes: str) -> str:
    """DESIGN's text with top-level keys replaced, e.g. name='"x"'."""
    lines = DESIGN.read_text().splitlines()
    for key, value in changes.items():
        lines = [f"{key} = {value}" if ln.split("=")[0].strip() == key else ln for ln in lines]
    return "\n".join(lines) + "\n"


# --- interrupts -----------------------------------------------------------------------

def test_sigint_exits_130_and_sigterm_143_with_one_sentence():
    """A long simulate is interrupted by each signal: it must stop with the shell's
    codes (128 + signal), one sentence on stderr, nothing on stdout -- not exit 0 in
    silence, which is what typer's non-standalone mode does with the 130 it returns."""
    env = dict(os.environ, PYTHONPATH=f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    cmd = [sys.executable, "-m", "lpt.cli", "simulate", str(LONG_DESIGN), "--cycles", "100000", "--json"]
    procs = {sig: subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for sig in (signal.SIGINT, signal.SIGTERM)}
    time.sleep(6.0)  # past start-up (imports, design), well inside the minutes of cycling
    for sig, proc in procs.items():
        assert proc.poll() is None, "the simulation ended before it could be interrupted"
        proc.send_signal(sig)
    for sig, proc in procs.items():
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 128 + sig, (sig, proc.returncode, err)
        assert out == ""
        assert err.splitlines() == [f"error: `lpt simulate` interrupted by {signal.Signals(sig).name}."]


def test_an_interrupt_during_a_write_leaves_the_old_file_and_no_temporary(tmp_path):
    """The one atomic writer: an interrupt (a BaseException, as lpt raises on SIGINT)
    in the middle of writing leaves the previous file intact and no .tmp behind."""
    from lpt.cli.main import Interrupted
    from lpt.fileio import atomic_file

    target = tmp_path / "report.html"
    target.write_text("old report")
    with pytest.raises(Interrupted):
        with atomic_file(target) as fh:
            fh.write("half of a new rep")
            raise Interrupted(signal.SIGINT)
    assert target.read_text() == "old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


# --- the guard at the edge -------------------------------------------------------------

def test_an_unexpected_exception_is_one_sentence_naming_command_and_input(monkeypatch):
    import lpt.screening

    def broken(*args, **kwargs):
        raise ZeroDivisionError("float division by zero")

    monkeypatch.setattr(lpt.screening, "screen", broken)
    run = cli("screen", DESIGN, "--json")
    assert run.code == 1
    assert_one_sentence(run, "`lpt screen`", str(DESIGN), "ZeroDivisionError")


def test_warnings_go_to_stderr_once_and_the_json_stays_clean(monkeypatch):
    import lpt.impedance.model as model

    real = model.spectrum_json

    def noisy(*args, **kwargs):
        for _ in range(3):
            warnings.warn("overflow encountered in exp", RuntimeWarning, stacklevel=1)
        return real(*args, **kwargs)

    monkeypatch.setattr(model, "spectrum_json", noisy)
    run = cli("eis", "simulate", DESIGN, "--json")
    assert run.code == 0, run.err
    assert set(json.loads(run.out)) >= {"frequency_Hz", "z_real_ohm", "z_imag_ohm"}
    assert run.err.splitlines() == ["warning: RuntimeWarning: overflow encountered in exp"]


def test_nan_and_infinity_are_refused_by_every_float_option():
    for value in ("nan", "inf", "-inf"):
        line = assert_one_sentence(cli("asr", DESIGN, "--temperature-c", value, "--json"), "--temperature-c")
        assert "finite" in line


# --- report: never lose someone's file -------------------------------------------------

def test_report_refuses_to_overwrite_its_own_inputs(tmp_path):
    design = tmp_path / "d.toml"
    design.write_text(DESIGN.read_text())
    assert_one_sentence(cli("report", design, "--out", design), "is also an input")
    assert design.read_text() == DESIGN.read_text()
    spectrum = tmp_path / "m.csv"
    spectrum.write_bytes(SPECTRUM.read_bytes())
    assert_one_sentence(cli("report", design, "--eis", spectrum, "--out", spectrum), "is also an input")
    assert spectrum.read_bytes() == SPECTRUM.read_bytes()


def test_report_names_a_folder_and_wants_an_html_name(tmp_path):
    line = assert_one_sentence(cli("report", DESIGN, "--out", tmp_path), "is a folder")
    assert line.startswith(f"error: {tmp_path}:") and ".tmp" not in line
    assert_one_sentence(cli("report", DESIGN, "--out", tmp_path / "r.pdf"), ".html")
    assert list(tmp_path.iterdir()) == []


def test_report_replaces_only_what_lpt_wrote_unless_forced(tmp_path):
    from lpt.report.html import GENERATOR_META, written_by_lpt

    theirs = tmp_path / "notes.html"
    theirs.write_text("<html>my lab notes</html>")
    assert_one_sentence(cli("report", DESIGN, "--out", theirs), "not written by lpt", "--force")
    assert theirs.read_text() == "<html>my lab notes</html>"

    ours = tmp_path / "old.html"
    ours.write_text(f"<html><head>{GENERATOR_META}</head></html>")
    run = cli("report", DESIGN, "--out", ours, "--cycles", "1")
    assert run.code == 0, run.err
    assert written_by_lpt(ours) and "Summary" in ours.read_text()

    run = cli("report", DESIGN, "--out", theirs, "--cycles", "1", "--force")
    assert run.code == 0, run.err
    assert written_by_lpt(theirs)


@pytest.mark.parametrize("cycles", ["-5", "0", "501"])
def test_report_cycles_out_of_range_is_one_sentence(tmp_path, cycles):
    assert_one_sentence(cli("report", DESIGN, "--out", tmp_path / "r.html", "--cycles", cycles), "--cycles")
    assert not (tmp_path / "r.html").exists()


def test_report_with_an_unreadable_cycling_protocol_fails_naming_the_design(tmp_path):
    bad = tmp_path / "bad_protocol.toml"
    bad.write_text(DESIGN.read_text().replace('protocol = "Charge at 1C', 'protocol = "Charge at banana'))
    assert "banana" in bad.read_text()
    assert_one_sentence(cli("report", bad, "--out", tmp_path / "r.html"), str(bad), "protocol")
    assert not (tmp_path / "r.html").exists()


# --- validate --------------------------------------------------------------------------

def test_validate_of_no_designs_is_an_error_not_zero_of_zero(tmp_path):
    assert_one_sentence(cli("validate", "--dir", "/no/such", "--json"), "/no/such")
    assert_one_sentence(cli("validate", "--dir", tmp_path, "--json"), str(tmp_path), "no design")


# --- sweep -----------------------------------------------------------------------------

def _sweep_file(tmp_path: Path) -> Path:
    p = tmp_path / "s.toml"
    p.write_text(f'base = "{DESIGN}"\n' + SMALL_SWEEP)
    return p


def test_sweep_never_replaces_a_sweep_json_it_did_not_write(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "sweep.json").write_text('{"my": "own notes"}\n')
    assert_one_sentence(cli("sweep", _sweep_file(tmp_path), "--out", out, "--workers", "0"), "sweep.json",
                        "not a sweep manifest written by lpt")
    assert (out / "sweep.json").read_text() == '{"my": "own notes"}\n'


def test_a_second_sweep_into_a_busy_folder_touches_nothing(tmp_path):
    """While another run holds the folder's lock, a second run must fail before it
    deletes the first one's temporary chunk or rewrites the manifest."""
    out = tmp_path / "out"
    out.mkdir()
    in_flight = out / ".chunk-00001-0123456789abcdef.parquet.x1y2.tmp"
    in_flight.write_bytes(b"PAR1 half a chunk")
    with open(out / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # the first run
        assert_one_sentence(cli("sweep", _sweep_file(tmp_path), "--out", out, "--workers", "0"),
                            "another `lpt sweep`")
    assert in_flight.read_bytes() == b"PAR1 half a chunk"
    assert not (out / "sweep.json").exists()


def test_pareto_of_a_partial_sweep_says_so_on_stderr_and_in_json(tmp_path):
    out = tmp_path / "out"
    assert cli("sweep", _sweep_file(tmp_path), "--out", out, "--workers", "0", "--json").code == 0
    chunks = sorted(out.glob("chunk-*.parquet"))
    assert len(chunks) == 3
    run = cli("sweep", "pareto", out, "--json")
    assert run.code == 0 and run.err == "", run.err
    doc = json.loads(run.out)
    assert doc["complete"] and doc["n_designs"] == doc["n_designs_expected"] == 30

    chunks[1].unlink()  # as if the run had been stopped before this chunk
    run = cli("sweep", "pareto", out, "--json")
    assert run.code == 0
    doc = json.loads(run.out)
    assert not doc["complete"] and (doc["n_designs"], doc["n_designs_expected"]) == (20, 30)
    assert run.err.splitlines() == [line for line in run.err.splitlines() if "20 of 30" in line]
    assert len(run.err.splitlines()) == 1 and "partial" in run.err


# --- user text through rich -------------------------------------------------------------

@pytest.mark.parametrize("command", [["screen"], ["asr"], ["eis", "simulate"], ["simulate", "--cycles", "2"]],
                         ids=" ".join)
def test_a_design_name_with_markup_is_printed_as_written(tmp_path, monkeypatch, command):
    """Rich reads "[/]" as a closing tag (and fails) and "[bold]" as a style (and
    hides it); every user-provided text is escaped, so the name comes out verbatim."""
    monkeypatch.setenv("COLUMNS", "200")
    name = "LATP [/] LFP cell [bold]x[/bold]"
    design = tmp_path / "markup.toml"
    design.write_text(design_text(name=json.dumps(name)))
    n_words = 2 if command[0] == "eis" else 1
    run = cli(*command[:n_words], design, *command[n_words:])
    assert run.code == 0, run.err
    assert name in " ".join(run.out.split())


def test_calibrate_replaces_only_a_parameter_file_lpt_wrote(tmp_path):
    theirs = tmp_path / "cal.toml"
    theirs.write_text('"LATP.conductivity_S_cm" = 1e-3  # my own numbers\n')
    args = ["calibrate", DESIGN, "--fit", "LATP.conductivity_S_cm", "--eis", SPECTRUM]
    assert_one_sentence(cli(*args, "--out", theirs), "not written by lpt", "--force")
    assert theirs.read_text() == '"LATP.conductivity_S_cm" = 1e-3  # my own numbers\n'
    assert_one_sentence(cli(*args, "--out", DESIGN), "is also an input")


def test_a_cycler_file_named_like_markup_is_printed_as_written(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")
    odd = tmp_path / "cell [bold]2 run [red].csv"  # a file name cannot hold "/"; rich would hide these tags
    odd.write_bytes((ROOT / "tests" / "data" / "io" / "neware" / "neware_uio_head.csv").read_bytes())
    run = cli("data", "summarize", odd)
    assert run.code == 0, run.err
    assert odd.name in " ".join(run.out.split())
