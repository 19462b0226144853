"""Every command (walked from the app, so a new command cannot be missed) against a
small table of hostile inputs: a missing file, a folder, /dev/null, a binary file, a
UTF-16 file, a UTF-8 file with a byte-order mark, a NaN and a huge number in a
number field -- and NaN, infinity and a huge number in every numeric option.

The promise (docs/cli.md): a non-zero exit, exactly one line on stderr, nothing on
stdout, no traceback. The inputs allowed to succeed are the byte-order-marked file,
which is valid content (Windows editors write the mark), and, for instrument files
(spectra, cycler exports), UTF-16 text (Windows "Unicode" saves); if a command
accepts them, its output must be clean. TOML must be UTF-8, so a UTF-16 design is one
sentence.
"""

from __future__ import annotations

import json
import math
import typing
from pathlib import Path

import pytest

from test_reliability_cli import DESIGN, SMALL_SWEEP, SPECTRUM, TABLE1, cli

# How each command takes its input: the kind of input and the argv ({input}, {out}).
COMMANDS: dict[tuple[str, ...], tuple[str, list[str]]] = {
    ("materials", "list"): ("text", ["--kind", "{input}", "--json"]),
    ("materials", "show"): ("text", ["{input}", "--json"]),
    ("screen",): ("design", ["{input}", "--json"]),
    ("asr",): ("design", ["{input}", "--json"]),
    ("simulate",): ("design", ["{input}", "--cycles", "2", "--json"]),
    ("ccd",): ("design", ["{input}", "--json"]),
    ("report",): ("design", ["{input}", "--out", "{out}/r.html", "--cycles", "1"]),
    ("demo",): ("design", ["--design", "{input}", "--out", "{out}/d.html"]),
    ("validate",): ("designs folder", ["--dir", "{input}", "--json"]),
    ("eis", "simulate"): ("design", ["{input}", "--json"]),
    ("eis", "validate"): ("spectrum", ["{input}", "--json"]),
    ("eis", "fit"): ("spectrum", ["{input}", "--circuit", "R0-p(R1,C1)", "--json"]),
    ("eis", "drt"): ("spectrum", ["{input}", "--json"]),
    ("eis", "arrhenius"): ("spectrum", ["{input}", "--temperatures-c", "25", "--circuit", "R0-p(R1,C1)",
                                        "--json"]),
    ("sweep", "run"): ("sweep", ["{input}", "--out", "{out}/s", "--workers", "0", "--json"]),
    ("sweep", "pareto"): ("results folder", ["{input}", "--json"]),
    ("parameters", "list"): ("design", ["{input}", "--json"]),
    ("data", "summarize"): ("cycling", ["{input}", "--json"]),
    ("data", "convert"): ("cycling", ["{input}", "--to", "bdf", "--out", "{out}/c.csv"]),
    ("data", "plot"): ("cycling", ["{input}", "--out", "{out}/p.png"]),
    ("calibrate",): ("design", ["{input}", "--fit", "LATP.conductivity_S_cm", "--eis", str(SPECTRUM),
                                "--out", "{out}/cal.toml", "--json"]),
}

# Numeric options where a huge value is harmless (a display cap), so it may succeed.
HUGE_IS_HARMLESS = {("sweep", "pareto", "--limit")}

# a two-half-cycle cycler export with Battery Data Format column names
CYCLING_CSV = ("test_time_second,voltage_volt,current_ampere\n0,3.0,0.001\n3600,3.5,0.001\n"
               "3601,3.4,-0.001\n7200,2.9,-0.001\n")

HOSTILE = ("missing", "folder", "devnull", "binary", "utf16", "bom", "nan", "huge")


def leaf_commands() -> list[tuple[str, ...]]:
    from lpt.cli.main import cli_command

    found = []

    def walk(command, path):
        subs = getattr(command, "commands", None)
        if subs:
            for name, sub in subs.items():
                walk(sub, (*path, name))
        else:
            found.append(path)

    walk(cli_command(), ())
    return sorted(found)


def test_the_table_covers_every_command():
    assert sorted(COMMANDS) == leaf_commands()


def _valid_content(kind: str) -> tuple[str, str, str]:
    """(text, text with a NaN in a number field, text with a huge number) of a kind."""
    if kind in ("design", "designs folder", "text"):
        text = DESIGN.read_text()
        return (text, text.replace("temperature_C = 25.0", "temperature_C = nan"),
                text.replace("stack_pressure_MPa = ", "stack_pressure_MPa = 1e308 #"))
    if kind == "cycling":
        text = CYCLING_CSV
        return text, text.replace("3.5,", "nan,"), text.replace("3.5,", "1e308,")
    if kind == "spectrum":
        text = SPECTRUM.read_text()
        first, rest = text.split("\n", 1)
        f, zr, zi = first.split(",")
        return text, f"{f},nan,{zi}\n{rest}", f"{f},1e308,{zi}\n{rest}"
    if kind == "sweep":
        text = f'base = "{DESIGN}"\n' + SMALL_SWEEP
        return (text, text.replace("min = 0.05", "min = nan"), text.replace("n = 30", "n = 1000000000000000000"))
    if kind == "results folder":  # a sweep.json as lpt writes it
        doc = {"sweep_id": "x", "n_designs": 30, "lpt_version": "0.1.0", "varied": []}
        return (json.dumps(doc), json.dumps(dict(doc, n_designs=math.nan)),
                json.dumps(dict(doc, n_designs=10**300)))
    raise AssertionError(kind)


def make_input(kind: str, hostile: str, tmp: Path) -> Path:
    """The hostile input of one kind; folder kinds get a folder holding the file."""
    if hostile == "missing":
        return tmp / "no_such_input"
    if hostile == "folder":
        (tmp / "empty").mkdir()
        return tmp / "empty"
    if hostile == "devnull":
        return Path("/dev/null")
    text, with_nan, with_huge = _valid_content(kind)
    data = {"binary": bytes(range(256)) * 4, "utf16": text.encode("utf-16"),
            "bom": b"\xef\xbb\xbf" + text.encode(), "nan": with_nan.encode(), "huge": with_huge.encode()}[hostile]
    if kind == "designs folder":
        (tmp / "designs").mkdir()
        path = tmp / "designs" / f"{hostile}.toml"
    elif kind == "results folder":
        (tmp / "results").mkdir()
        path = tmp / "results" / "sweep.json"
    else:
        path = tmp / f"{hostile}.{ {'spectrum': 'csv', 'cycling': 'csv', 'sweep': 'toml'}.get(kind, 'toml') }"
    path.write_bytes(data)
    return path.parent if kind.endswith("folder") else path


def _argv(command: tuple[str, ...], given: Path | str, out: Path) -> list[str]:
    _, template = COMMANDS[command]
    return [*command, *(a.replace("{input}", str(given)).replace("{out}", str(out)) for a in template)]


def _assert_one_sentence(run, what: str) -> None:
    assert "Traceback" not in run.err + run.out, what
    assert run.code not in (0, None), f"{what}: exit code 0, stdout {run.out[:200]!r}"
    lines = run.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), f"{what}: stderr {run.err!r}"
    assert run.out == "", f"{what}: stdout {run.out[:200]!r}"


@pytest.mark.parametrize("command", sorted(COMMANDS), ids=" ".join)
def test_hostile_files_give_one_sentence(command, tmp_path):
    kind, _ = COMMANDS[command]
    for hostile in HOSTILE:
        case = tmp_path / hostile
        case.mkdir()
        given = make_input(kind, hostile, case)
        run = cli(*_argv(command, given, case))
        what = f"lpt {' '.join(command)} on {hostile}"
        if kind == "cycling" and hostile == "nan" and run.code == 0:
            # a record without a number is skipped and the skip is noted (docs/io_cycling.md)
            assert "Traceback" not in run.err and "skipped" in run.err, what
            continue
        if (hostile == "bom" or (hostile == "utf16" and kind in ("spectrum", "cycling"))) and run.code == 0:
            # what a successful run may say on stderr: warnings, a reader's notes, the file it wrote
            assert all(ln.startswith(("warning: ", "note: ", "wrote ")) for ln in run.err.splitlines()), what
            if "--json" in _argv(command, given, case):
                json.loads(run.out)
            continue
        _assert_one_sentence(run, what)


def _number_kind(param) -> str | None:
    """'float' or 'int' for a numeric parameter (click's types or typer's annotations)."""
    name = getattr(getattr(param, "type", None), "name", None)
    if name in ("float", "integer"):
        return "float" if name == "float" else "int"
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    inside = {annotation, *typing.get_args(annotation)}
    inside |= {a for t in list(inside) for a in typing.get_args(t)}
    return "float" if float in inside else "int" if int in inside else None


def _numeric_options(command: tuple[str, ...]) -> list[tuple[str, str]]:
    from lpt.cli.main import cli_command

    node = cli_command()
    for name in command:
        node = node.commands[name]
    return [(p.opts[0], _number_kind(p)) for p in node.params
            if p.param_type_name == "option" and _number_kind(p)]


def test_numeric_options_are_found():
    assert ("--temperature-c", "float") in _numeric_options(("asr",))
    assert ("--cycles", "int") in _numeric_options(("simulate",))


@pytest.mark.parametrize("command", sorted(COMMANDS), ids=" ".join)
def test_nan_infinite_and_huge_numbers_in_options_give_one_sentence(command, tmp_path):
    kind, _ = COMMANDS[command]
    valid = {"design": DESIGN, "designs folder": TABLE1, "spectrum": SPECTRUM, "text": "LATP",
             "results folder": tmp_path / "no_results", "sweep": tmp_path / "s.toml",
             "cycling": tmp_path / "cell.csv"}[kind]
    if kind == "cycling":
        valid.write_text(CYCLING_CSV)
    if kind == "sweep":
        valid.write_text(f'base = "{DESIGN}"\n' + SMALL_SWEEP)
    for option, number_kind in _numeric_options(command):
        values = ("nan", "inf", "-1e308", "1e308") if number_kind == "float" else ("nan", "99999999999999999999")
        for value in values:
            if (*command, option) in HUGE_IS_HARMLESS and value != "nan":
                continue
            run = cli(*_argv(command, valid, tmp_path), option, value)
            _assert_one_sentence(run, f"lpt {' '.join(command)} {option} {value}")
