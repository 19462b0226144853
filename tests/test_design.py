"""Design files: the nine Table 1 systems of the review and the other examples load,
say what the papers did, and carry the papers' numbers in a consistent vocabulary."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from lpt import materials
from lpt.design import Interface, load_design
from lpt.errors import LptError

ROOT = Path(__file__).resolve().parents[1]
TABLE1 = ROOT / "examples" / "table1"
TABLE1_NAMES = {
    "lgps_g3_lfp", "lgps_doldme_tis2", "lsps_pyr13tfsi_lfp", "lgps_lih2po4_lco", "llzo_nbuli_lfp",
    "latp_carbonate_lfp", "peo_llzto_bmimtfsi_lfp", "llzto_bmptfsi_ncm811", "llzo_pegmea_lfp",
}
EXAMPLES = sorted(ROOT.glob("examples/*.toml"))

# The [reported] vocabulary (docs/screening.md, "Reported numbers"): identity and
# conditions as they are, results prefixed by the arm they belong to.
_PLAIN = {"table1_row", "reference", "doi", "notes", "c_rate", "temperature_C", "cycles",
          "current_density_mA_cm2", "current_densities_mA_cm2", "symmetric_current_density_mA_cm2"}
_METRIC = re.compile(
    r"^(treated|untreated)_("
    r"initial_capacity_mAh_g|final_capacity_mAh_g|final_capacity_cycle|capacity_retention|"
    r"retention_cycles|failure_cycle|(anode_)?stable_cycles|interface_resistance_ohm|symmetric_cycle_life_h|"
    r"capacity_at_\d+(\.\d+)?C_mAh_g|(anode|cathode)_asr_ohm_cm2|(anode|cathode)_asr_after_\d+_cycles_ohm_cm2"
    r")$")


def table1(name: str):
    return load_design(TABLE1 / f"{name}.toml")


def test_exactly_the_nine_table1_files_exist():
    assert {p.stem for p in TABLE1.glob("*.toml")} == TABLE1_NAMES


@pytest.mark.parametrize("name", sorted(TABLE1_NAMES))
def test_table1_design_loads_with_reported_numbers_and_protocol(name):
    d = table1(name)
    assert d.name and d.description
    assert d.reported["reference"] and d.reported["table1_row"]
    assert any(k.startswith("treated_") for k in d.reported), "every row reports the treated cell"
    assert d.cycling.protocol and d.cycling.cycles
    assert d.cycling.c_rate or d.cycling.current_density_mA_cm2
    assert d.anode_interface.treated or d.cathode_interface.treated


@pytest.mark.parametrize("path", sorted(TABLE1.glob("*.toml")) + EXAMPLES, ids=lambda p: p.stem)
def test_reported_keys_follow_the_vocabulary(path):
    d = load_design(path)
    unknown = [k for k in d.reported if k not in _PLAIN and not _METRIC.match(k)]
    assert not unknown, f"{path.name}: [reported] keys outside the documented vocabulary: {unknown}"
    for key, value in d.reported.items():
        if key.endswith(("_retention",)):
            assert 0.0 < value <= 1.0, "retention is a fraction, not a percentage"


@pytest.mark.parametrize("path", sorted(TABLE1.glob("*.toml")) + EXAMPLES, ids=lambda p: p.stem)
def test_cathode_volume_fractions_add_up(path):
    """Active material (loading / density / thickness) + pores + SSE + carbon must fit
    in the electrode: a loading or thickness off by a unit shows here.  2 % slack for
    the rounded numbers of the files."""
    d = load_design(path)
    cat = materials.get(d.cathode.material, "electrode")
    active = d.cathode.loading_mg_cm2 / 1000.0 / cat.density_g_cm3 / (d.cathode.thickness_um * 1e-4)
    total = active + d.cathode.porosity + d.cathode.sse_volume_fraction + d.cathode.carbon_volume_fraction
    assert 0.1 < active < 0.75
    assert total <= 1.02


def test_reported_temperatures_are_the_papers():
    assert table1("lgps_g3_lfp").temperature_C == 30.0
    assert table1("llzo_pegmea_lfp").temperature_C == 55.0
    for name in TABLE1_NAMES - {"lgps_g3_lfp", "llzo_pegmea_lfp"}:
        assert table1(name).temperature_C == 25.0, name


def test_stack_pressure_follows_the_cell_type():
    """Sulfide pellets are pressed (tens of MPa); oxide and polymer cells are coin cells."""
    for name in TABLE1_NAMES:
        d = table1(name)
        chem = materials.get(d.electrolyte.material, "solid_electrolyte").chemistry
        if chem == "sulfide":
            assert 10.0 <= d.stack_pressure_MPa <= 500.0, name
        else:
            assert 0.1 <= d.stack_pressure_MPa <= 1.0, name


def test_therapies_are_what_the_papers_did():
    latp = table1("latp_carbonate_lfp")
    for iface in (latp.anode_interface, latp.cathode_interface):
        assert (iface.therapy, iface.liquid) == ("wetting", "LP-ECDMCDEC")
        assert iface.loading_uL_cm2 * latp.area_cm2 == pytest.approx(2.0, rel=0.01)  # 2 uL per interface

    nbuli = table1("llzo_nbuli_lfp")
    assert nbuli.anode_interface.additive == "nBuLi"
    assert materials.get(nbuli.anode_interface.liquid, "liquid").liquid_class == "carbonate"

    lih2po4 = table1("lgps_lih2po4_lco").anode_interface
    assert (lih2po4.therapy, lih2po4.reagent) == ("reaction_layer", "H3PO4-THF")

    pegmea = table1("llzo_pegmea_lfp").cathode_interface
    assert (pegmea.therapy, pegmea.precursor) == ("polymerization", "PEGMEA")

    g3 = table1("lgps_g3_lfp")
    assert (g3.cathode_interface.therapy, g3.cathode_interface.liquid) == ("wetting", "LiG3TFSI")
    assert g3.anode.material == "LiIn" and g3.cathode.sse_volume_fraction > 0

    assert table1("lgps_doldme_tis2").anode_interface.precursor == "DOL-ring-opening"
    lsps = table1("lsps_pyr13tfsi_lfp")
    assert lsps.anode_interface.liquid == "LiTFSI-Pyr13TFSI"
    # the liquid inside the LFP electrode is in both arms: the paper compares the Li side
    assert lsps.cathode_interface.baseline and not lsps.anode_interface.baseline
    bmim = table1("peo_llzto_bmimtfsi_lfp")
    assert bmim.anode_interface.liquid == "BMIMTFSI" and bmim.anode_interface.loading_uL_cm2 == 1.8
    assert table1("llzto_bmptfsi_ncm811").cathode_interface.liquid == "Pyr14TFSI"


@pytest.mark.parametrize("name", sorted(TABLE1_NAMES))
def test_untreated_removes_every_therapy_and_nothing_else(name):
    d = table1(name)
    u = d.untreated()
    for side in ("anode", "cathode"):
        kept = d.interfaces[side]
        # a baseline treatment (in both arms of the paper's comparison) stays; an interface
        # whose comparison is its additive keeps the rest; the rest goes
        if kept.baseline:
            expected = kept
        elif kept.compared == "additive":
            expected = replace(kept, additive=None, compared="therapy")
        else:
            expected = Interface()
        assert u.interfaces[side] == expected
    assert any(not i.baseline and i.treated for i in d.interfaces.values())  # something is removed
    assert (u.cathode, u.electrolyte, u.anode, u.area_cm2, u.temperature_C, u.stack_pressure_MPa) == (
        d.cathode, d.electrolyte, d.anode, d.area_cm2, d.temperature_C, d.stack_pressure_MPa)
    assert u.reported == d.reported
    assert d.anode_interface.treated or d.cathode_interface.treated  # the original is untouched


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_other_examples_load(path):
    assert load_design(path).name


def test_compared_additive_needs_an_additive_and_names_what_is_allowed(tmp_path):
    base = (ROOT / "examples" / "table1" / "llzo_nbuli_lfp.toml").read_text()
    bad = tmp_path / "bad.toml"
    bad.write_text(base.replace('compared = "additive"', 'compared = "liquid"', 1))
    with pytest.raises(LptError, match=r"interfaces.anode.compared' = 'liquid' is not allowed; allowed: therapy, additive"):
        load_design(bad)
    lone = tmp_path / "lone.toml"
    lone.write_text(base.replace('additive = "nBuLi"\ncompared', 'compared', 1))
    with pytest.raises(LptError, match=r"compared' = 'additive' needs 'interfaces.anode.additive'"):
        load_design(lone)


def test_baseline_is_true_or_false_and_only_for_a_therapy(tmp_path):
    base = (ROOT / "examples" / "table1" / "lsps_pyr13tfsi_lfp.toml").read_text()
    bad = tmp_path / "bad.toml"
    bad.write_text(base.replace("baseline = true", 'baseline = "yes"'))
    with pytest.raises(LptError, match=r"interfaces.cathode.baseline' must be true or false"):
        load_design(bad)
    none = tmp_path / "none.toml"
    none.write_text(base.replace('therapy = "wetting"            # the liquid inside the cathode, in both arms\n'
                                 'liquid = "LiTFSI-Pyr13TFSI"\nloading_uL_cm2 = 1.0           # fills the electrode\'s pores, 25 um x 0.35 (estimated)\n',
                                 'therapy = "none"\n'))
    with pytest.raises(LptError, match="does not apply to therapy 'none'"):
        load_design(none)

