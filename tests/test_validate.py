"""`lpt validate`: Table 1, reported vs predicted (lpt.validation)."""

import json
from pathlib import Path

import pytest

from lpt.validation import CALIBRATION, validate_table1

ROOT = Path(__file__).resolve().parents[1]
STEMS = sorted(p.stem for p in (ROOT / "examples" / "table1").glob("*.toml"))


@pytest.fixture(scope="module")
def result():
    return validate_table1(ROOT / "examples" / "table1")


def test_all_nine_designs_and_contract_keys(result):
    assert len(STEMS) == 9
    assert result["designs"] == STEMS
    assert {c["design"] for c in result["cases"] if not c["id"].startswith("ce:")} == set(STEMS)
    assert 0 <= result["passed"] <= result["total"] == len(result["cases"])
    assert result["passed"] == sum(c["within_tolerance"] for c in result["cases"])
    for c in result["cases"]:
        assert {"id", "metric", "unit", "reported", "predicted", "within_tolerance", "calibration"} <= set(c)
        assert isinstance(c["within_tolerance"], bool)
        assert c["reported"] is None or isinstance(c["reported"], float)


def test_calibration_rows_are_marked(result):
    marked = {(c["design"], c["metric"]) for c in result["cases"] if c["calibration"]}
    assert marked == CALIBRATION


def test_every_reported_result_is_compared_or_explained(result):
    # Each arm-prefixed number of a [reported] table is a case or a listed skip: nothing
    # is dropped silently.
    import tomllib

    ids = {c["id"] for c in result["cases"]} | {s["id"] for s in result["skipped"]}
    for stem in STEMS:
        rep = tomllib.loads((ROOT / "examples" / "table1" / f"{stem}.toml").read_text())["reported"]
        for k, v in rep.items():
            if k.startswith(("treated_", "untreated_")) and not k.endswith(("_cycles", "_cycle")):
                assert any(i.startswith(f"{stem}:{k}") for i in ids), (stem, k)


def test_treated_vs_untreated_check_per_row(result):
    for stem in STEMS:
        metrics = {c["metric"] for c in result["cases"] if c["design"] == stem}
        assert "treated_beats_untreated_resistance" in metrics


def test_interface_resistance_in_ohm_uses_the_area(result):
    # LATP row: reported in Ω, so the model's Ω cm² are divided by the 1.13 cm² area.
    case = next(c for c in result["cases"] if c["id"] == "latp_carbonate_lfp:treated_interface_resistance_ohm")
    assert case["unit"] == "ohm"
    assert case["reported"] == 90.0
    assert case["within_tolerance"]  # the calibration row must reproduce


def test_cli_validate_json():
    from typer.testing import CliRunner

    from lpt.cli import app
    res = CliRunner().invoke(app, ["validate", "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert set(doc) >= {"passed", "total", "cases"}
