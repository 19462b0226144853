"""The error corpus: every bad design in tests/bad_inputs/ (plus a missing file and a
folder) must make `lpt screen FILE --json` -- and `lpt asr FILE --json` -- fail with
one clear sentence on stderr that names the file, no traceback and nothing on stdout.
Misspelt names must come back with the right "did you mean"."""

from __future__ import annotations

import functools
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
BAD = HERE / "bad_inputs"
CORPUS = sorted(BAD.glob("*.toml"))

# file -> text the one-line message must contain (a suggestion or the field at fault)
EXPECTED = {
    "unknown_sse.toml": 'did you mean "LATP"',
    "unknown_liquid.toml": 'did you mean "LP30"',
    "unknown_cathode.toml": 'did you mean "LFP"',
    "unknown_additive.toml": 'did you mean "nBuLi"',
    "wrong_unit_key_mL.toml": 'did you mean "loading_uL_cm2"',
    "wrong_unit_key_mm.toml": 'did you mean "thickness_um"',
    "unknown_therapy.toml": 'did you mean "wetting"',
    "unknown_interface_side.toml": 'did you mean "anode"',
    "unknown_top_level_key.toml": "temprature_K",
    "negative_loading.toml": "cathode.loading_mg_cm2",
    "absurd_liquid_loading.toml": "loading_uL_cm2",
    "zero_wetting_loading.toml": "loading_uL_cm2",
    "zero_area.toml": "area_cm2",
    "section_not_a_table.toml": "cathode",
    "interfaces_not_a_table.toml": "interfaces",
    "temperature_in_kelvin.toml": "temperature_C",
    "missing_section.toml": "[anode]",
    "missing_required_field.toml": "cathode.thickness_um",
    "missing_name.toml": "name",
    "string_for_number.toml": "area_cm2",
    "bool_for_number.toml": "stack_pressure_MPa",
    "nan_value.toml": "temperature_C",
    "inf_value.toml": "stack_pressure_MPa",
    "therapy_missing_liquid.toml": "liquid",
    "polymerization_missing_precursor.toml": "precursor",
    "reaction_layer_missing_thickness.toml": "thickness_nm",
    "key_not_applicable.toml": "thickness_nm",
    "none_therapy_with_liquid.toml": "liquid",
    "cathode_as_anode.toml": "anode",
    "anode_as_cathode.toml": "cathode",
    "liquid_as_sse.toml": "solid electrolyte",
    "sse_as_liquid.toml": "liquid",
    "liquid_as_additive.toml": "additive",
    "porosity_sum.toml": "porosity",
    "unknown_initiation.toml": "initiation",
    "cycles_not_whole.toml": "cycling.cycles",
    "empty.toml": "empty",
    "whitespace_only.toml": "empty",
    "binary.toml": "binary",
    "not_utf8.toml": "UTF-8",
    "malformed_toml.toml": "TOML",
    "malformed_table_header.toml": "TOML",
    "duplicate_key.toml": "TOML",
}


def _lpt(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lpt.cli", *args], capture_output=True, text=True,
                          timeout=120)


@functools.cache
def _has_command(name: str) -> bool:
    return _lpt(name, "--help").returncode == 0


def _assert_one_clear_sentence(proc: subprocess.CompletedProcess, path: Path) -> str:
    assert proc.returncode != 0, f"{path.name}: exit code 0"
    assert proc.stdout == "", f"{path.name}: stdout not empty: {proc.stdout[:200]!r}"
    err = proc.stderr
    assert "Traceback" not in err, err
    lines = err.splitlines()
    assert len(lines) == 1, f"{path.name}: stderr has {len(lines)} lines:\n{err}"
    assert path.name in lines[0], f"{path.name}: message does not name the file: {lines[0]}"
    return lines[0]


def test_corpus_is_large_enough():
    assert len(CORPUS) >= 25
    assert set(EXPECTED) <= {p.name for p in CORPUS}
    assert {p.name for p in CORPUS} <= set(EXPECTED), "every bad input states what its message must name"


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_screen_rejects_bad_design_with_one_sentence(path):
    line = _assert_one_clear_sentence(_lpt("screen", str(path), "--json"), path)
    assert EXPECTED[path.name] in line, f"{path.name}: expected {EXPECTED[path.name]!r} in: {line}"


def test_screen_missing_file_and_folder(tmp_path):
    missing = tmp_path / "no_such_design.toml"
    line = _assert_one_clear_sentence(_lpt("screen", str(missing), "--json"), missing)
    assert "no such" in line
    line = _assert_one_clear_sentence(_lpt("screen", str(tmp_path), "--json"), tmp_path)
    assert "folder" in line


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_asr_rejects_bad_design_with_one_sentence(path):
    if not _has_command("asr"):
        pytest.skip("`lpt asr` is not there yet")
    line = _assert_one_clear_sentence(_lpt("asr", str(path), "--json"), path)
    assert EXPECTED[path.name] in line, f"{path.name}: expected {EXPECTED[path.name]!r} in: {line}"


def test_asr_missing_file_and_folder(tmp_path):
    if not _has_command("asr"):
        pytest.skip("`lpt asr` is not there yet")
    missing = tmp_path / "no_such_design.toml"
    _assert_one_clear_sentence(_lpt("asr", str(missing), "--json"), missing)
    _assert_one_clear_sentence(_lpt("asr", str(tmp_path), "--json"), tmp_path)
