"""The literature suite's reported trends (examples/literature/orderings.toml) name real cases,
compare like with like, and agree with the numbers their own cases report."""

from __future__ import annotations

from pathlib import Path

import pytest

from lpt.design import load_design
from lpt.fileio import read_toml

LIT = Path(__file__).resolve().parents[1] / "examples" / "literature"
ORDERINGS = read_toml(LIT / "orderings.toml", "orderings")["ordering"]


def _reported(stem: str) -> dict:
    path = LIT / f"{stem}.toml"
    assert path.exists(), f"ordering names {stem}, which has no design in {LIT.name}"
    return load_design(path).reported


def test_every_ordering_has_a_unique_id_and_a_source():
    ids = [o["id"] for o in ORDERINGS]
    assert len(ids) == len(set(ids))
    assert all(o["source"].strip() for o in ORDERINGS)


@pytest.mark.parametrize("o", ORDERINGS, ids=[o["id"] for o in ORDERINGS])
def test_an_ordering_compares_two_cases_of_its_own_metric_and_the_papers_numbers_obey_it(o):
    """A trend the model is held to must hold in the reported numbers first: the higher case's
    value (or lower bound) is at least the lower case's value (or upper bound)."""
    hi, lo = _reported(o["higher"]), _reported(o["lower"])
    assert o["higher"] != o["lower"]
    assert hi["metric"] == lo["metric"] == o["metric"]
    if hi.get("bound", "value") in ("value", "lower") and lo.get("bound", "value") in ("value", "upper"):
        assert float(hi["value"]) > float(lo["value"])


def test_the_within_study_trends_compare_cases_from_one_source():
    """The orderings added as trends within one study take both cases from the same paper."""
    within = {"compaction_raises_llzto_ccd", "ionic_liquid_interlayer_lowers_garnet_overpotential",
              "pressure_lowers_li_llzo_resistance_10_41", "pressure_lowers_li_llzo_resistance_41_400"}
    for o in ORDERINGS:
        if o["id"] in within:
            assert _reported(o["higher"])["doi"] == _reported(o["lower"])["doi"], o["id"]


def test_an_ordering_naming_a_missing_case_or_another_metric_is_one_sentence(tmp_path):
    import shutil

    from lpt.errors import LptError
    from lpt.validation_suites import literature_cases

    src = Path(__file__).resolve().parents[1] / "examples" / "literature"
    for name in ("duan_lpscl_ccd.toml", "duan_lpscl_fibre_ccd.toml", "duan_lpscl_life.toml"):
        shutil.copy(src / name, tmp_path / name)
    base = '[[ordering]]\nid = "t"\nmetric = "ccd_mA_cm2"\nsource = "test"\n'
    (tmp_path / "orderings.toml").write_text(base + 'higher = "duan_lpscl_fibre_ccd"\nlower = "duan_lpscl_cdd"\n')
    with pytest.raises(LptError, match="not a case"):
        literature_cases(tmp_path)
    (tmp_path / "orderings.toml").write_text(base + 'higher = "duan_lpscl_fibre_ccd"\nlower = "duan_lpscl_life"\n')
    with pytest.raises(LptError, match="reports lifetime_h"):
        literature_cases(tmp_path)
