"""Screening: the chemistry of the review, rule by rule, on the Table 1 designs and on
their treated/untreated or swapped-liquid counterparts.

Each test is one lab note: the cell, the chemical fact the review states, and the
code (and severity) the screen must report for it -- or must not.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from lpt.design import Interface, load_design
from lpt.interface import interface_layers
from lpt.materials import by_kind
from lpt.screening import RULES, SEVERITY_RANK, Finding, ScreeningResult, rule_data, rule_table, screen

ROOT = Path(__file__).resolve().parents[1]
TABLE1 = ROOT / "examples" / "table1"
VERDICT_RANK = {"compatible": 0, "caution": 1, "incompatible": 2}


def table1(name: str):
    return load_design(TABLE1 / f"{name}.toml")


def example(name: str):
    return load_design(ROOT / "examples" / f"{name}.toml")


def severities(result: ScreeningResult, code: str) -> set[str]:
    return {f.severity for f in result.by_code(code)}


def with_side(design, side: str, **changes):
    """The design with one interface's therapy fields changed."""
    key = f"{side}_interface"
    return replace(design, **{key: replace(getattr(design, key), **changes)})


# ------------------------------------------------------------------ the registry


def test_at_least_twelve_named_rules_each_with_references_and_summary():
    data = rule_data()
    assert len(RULES) >= 12
    assert set(RULES) == set(data.references), "every rule code has a data entry and vice versa"
    for code in RULES:
        assert code.isupper() and data.references[code], code
        assert data.summaries[code], code
    assert [r["code"] for r in rule_table()] == list(RULES)


def test_every_finding_carries_its_rules_code_and_references():
    data = rule_data()
    for path in sorted(TABLE1.glob("*.toml")) + sorted(ROOT.glob("examples/*.toml")):
        for untreated in (False, True):
            for f in screen(load_design(path), untreated=untreated).findings:
                assert f.code in RULES
                assert f.references == data.references[f.code]
                assert f.severity in SEVERITY_RANK
                # one sentence: one line, one final full stop
                assert "\n" not in f.message and f.message.endswith(".")
                assert f.pair == "cell" or "|" in f.pair


def test_verdict_follows_the_worst_finding():
    def result(*sevs):
        return ScreeningResult("x", False, tuple(Finding("SSE|anode", s, "X", "m.") for s in sevs))

    assert result().verdict == "compatible"
    assert result("info", "info").verdict == "compatible"
    assert result("info", "warning").verdict == "caution"
    assert result("warning", "critical", "info").verdict == "incompatible"


def test_json_has_exactly_the_contract_keys():
    doc = screen(table1("latp_carbonate_lfp")).to_json()
    assert set(doc) == {"design", "verdict", "findings"}
    assert doc["verdict"] in VERDICT_RANK and isinstance(doc["design"], str)
    assert doc["findings"]
    for f in doc["findings"]:
        assert set(f) == {"pair", "severity", "code", "message", "references"}
        assert isinstance(f["references"], list) and all(isinstance(r, str) for r in f["references"])
    json.dumps(doc)  # serializable as is


def test_screen_is_pure_and_untreated_means_design_untreated():
    d = table1("llzo_nbuli_lfp")
    before = replace(d)
    a, b = screen(d), screen(d)
    assert a == b and d == before
    assert screen(d, untreated=True).findings == screen(d.untreated()).findings
    assert screen(d, untreated=True).untreated and not a.untreated


def test_findings_are_sorted_most_severe_first():
    fs = screen(table1("latp_carbonate_lfp"), untreated=True).findings
    ranks = [SEVERITY_RANK[f.severity] for f in fs]
    assert ranks == sorted(ranks, reverse=True)


@pytest.mark.parametrize("path", sorted(TABLE1.glob("*.toml")), ids=lambda p: p.stem)
def test_the_papers_therapy_never_makes_the_verdict_worse(path):
    d = load_design(path)
    assert VERDICT_RANK[screen(d).verdict] <= VERDICT_RANK[screen(d, untreated=True).verdict]


def test_table1_verdicts():
    """The verdicts of the nine Table 1 cells, treated / untreated.  Every untreated
    cell that the papers report as failing (negligible capacity, failure in 7 cycles,
    4470 Ohm, growing ASR) is at least 'caution'; no treated cell is 'incompatible'."""
    expected_untreated_incompatible = {
        "lgps_doldme_tis2", "lsps_pyr13tfsi_lfp", "lgps_lih2po4_lco",
        "latp_carbonate_lfp", "llzto_bmptfsi_ncm811", "llzo_pegmea_lfp"}
    # (llzo_nbuli_lfp's control keeps its LP30 without n-BuLi: 'caution', not dry)
    for path in sorted(TABLE1.glob("*.toml")):
        d = load_design(path)
        assert screen(d).verdict != "incompatible", path.stem
        untreated = screen(d, untreated=True).verdict
        assert untreated != "compatible", path.stem
        if path.stem in expected_untreated_incompatible:
            assert untreated == "incompatible", path.stem
    assert screen(table1("lgps_g3_lfp")).verdict == "compatible"


# ------------------------------------------------------------------- SSE | anode


def test_latp_on_bare_li_is_critical_ti_reduction():
    """Li reduces Ti4+ of LATP (below 2.17 V) into an electronically conducting layer."""
    r = screen(table1("latp_carbonate_lfp"), untreated=True)
    assert severities(r, "LATP_TI_REDUCTION") == {"critical"}
    assert r.by_code("LATP_TI_REDUCTION")[0].pair == "SSE|anode"
    assert r.verdict == "incompatible"
    assert "SSE_LI_MCI" not in r.codes  # the specific rule speaks, not the generic one


def test_carbonate_interlayer_downgrades_ti_reduction_to_info():
    """Wang 2018: the SLEI of 2 uL LE keeps Li off LATP; what remains is the liquid's
    own SEI/SLEI and its consumption."""
    r = screen(table1("latp_carbonate_lfp"))
    assert severities(r, "LATP_TI_REDUCTION") == {"info"}
    assert "SLEI_FORMATION" in r.codes
    assert severities(r, "WINDOW_ANODE") == {"warning"}  # carbonate reduced on Li, consumed
    assert severities(r, "LIPF6_HF") == {"warning"}      # LATP is HF-sensitive
    assert "FLAMMABLE_CONTENT" in r.codes
    assert r.verdict == "caution"


def test_lagp_on_li_is_critical_ge_reduction():
    d = replace(table1("latp_carbonate_lfp"), electrolyte=replace(table1("latp_carbonate_lfp").electrolyte,
                                                                  material="LAGP"))
    r = screen(d, untreated=True)
    assert severities(r, "LAGP_GE_REDUCTION") == {"critical"}
    assert "LATP_TI_REDUCTION" not in r.codes
    assert severities(screen(d), "LAGP_GE_REDUCTION") == {"info"}


def test_lgps_on_bare_li_is_critical_mci_and_lih2po4_blocks_it():
    lco = table1("lgps_lih2po4_lco")
    bare = screen(lco, untreated=True)
    assert severities(bare, "SSE_LI_MCI") == {"critical"}
    assert bare.verdict == "incompatible"
    treated = screen(lco)
    assert severities(treated, "SSE_LI_MCI") == {"info"}
    assert "LiH2PO4" in treated.by_code("SSE_LI_MCI")[0].message
    assert severities(treated, "REACTION_LAYER_BLOCKS") == {"info"}
    assert "ACID_REAGENT_SULFIDE" in treated.codes  # H3PO4 must be used up before LGPS meets it
    assert "SSE_LI_MCI" not in {f.code for f in treated.findings if f.severity == "critical"}


def test_lgps_against_li_in_alloy_passivates_because_ge_does_not_alloy_at_0p62_V():
    """Li-In (0.62 V) still reduces LGPS (below 1.71 V), but above the Li-Ge alloying
    potential (~0.5 V, Obrovac & Chevrier 2014): the products are Li2S and Li3P, both
    electronic insulators, so the interphase passivates -- why Li-In is the standard anode
    of thio-LISICON cells (Kamaya 2011, Oh 2015)."""
    r = screen(table1("lgps_g3_lfp"))
    assert severities(r, "SSE_LI_PASSIVATING") == {"info"}
    assert "SSE_LI_MCI" not in r.codes
    assert r.verdict == "compatible"


# the SSE|anode findings that say the anode reduces the SSE, by the interphase's kind
REDUCTION_CODES = {"mixed_conducting": {"SSE_LI_MCI", "LATP_TI_REDUCTION", "LAGP_GE_REDUCTION"},
                   "passivating": {"SSE_LI_PASSIVATING"}}


def test_every_sse_on_li_and_li_in_screens_as_the_interface_model_grows_its_interphase():
    """Case: every SSE of the knowledge base on bare Li and on bare Li-In (untreated arm).
    Fact: one chemistry engine -- screening's SSE|anode reduction finding names the
    interphase the interface model grows (`lpt asr --json` anode layers): no finding when
    the model has no SSE interphase, SSE_LI_PASSIVATING (info) for an insulating one, one
    mixed-conducting code (critical on Li, warning on the alloy) for one that keeps
    growing.  A rule that kept its own table of SSE verdicts would disagree here (it did
    for PEO-LiTFSI and PEO-LLZTO: 'passivating' in the table, not reduced in the model)."""
    base = table1("lgps_lih2po4_lco")
    all_codes = set().union(*REDUCTION_CODES.values())
    for sse in by_kind("solid_electrolyte"):
        for anode in ("Li", "LiIn"):
            d = replace(base, electrolyte=replace(base.electrolyte, material=sse.id),
                        anode=replace(base.anode, material=anode))
            grown = [lay["kind"] for lay in interface_layers(d, "anode") if lay["name"] == f"{sse.id}|Li interphase"]
            model_kind = grown[0] if grown else None
            found = [f for f in screen(d, untreated=True).findings if f.code in all_codes]
            case = f"{sse.id} on {anode}: interface model {model_kind}, screening {[f.code for f in found]}"
            if model_kind is None:
                assert found == [], case
                continue
            assert len(found) == 1 and found[0].code in REDUCTION_CODES[model_kind], case
            expected = {"passivating": "info", "mixed_conducting": "critical" if anode == "Li" else "warning"}
            assert found[0].severity == expected[model_kind], case


def test_lsps_ionic_liquid_sei_replaces_the_mixed_conducting_interphase():
    d = table1("lsps_pyr13tfsi_lfp")
    assert severities(screen(d, untreated=True), "SSE_LI_MCI") == {"critical"}
    r = screen(d)
    assert severities(r, "SSE_LI_MCI") == {"info"}
    assert severities(r, "TFSI_FSI_SEI") == {"info"}
    assert "FSI_LIF_SULFIDE" not in r.codes


def test_lifsi_enriches_lif_between_lsps_and_li():
    """Zheng 2018: LiFSI instead of LiTFSI in Pyr13TFSI gives a LiF-rich, more resistive layer."""
    r = screen(with_side(table1("lsps_pyr13tfsi_lfp"), "anode", liquid="LiFSI-Pyr13TFSI"))
    assert severities(r, "FSI_LIF_SULFIDE") == {"warning"}


def test_dol_dme_derived_interlayer_protects_lgps():
    r = screen(table1("lgps_doldme_tis2"))
    assert severities(r, "SSE_LI_MCI") == {"info"}
    assert "POLYMER_CONFORMAL" in r.codes
    assert "SULFIDE_NUCLEOPHILIC_ATTACK" not in r.codes  # the ether was used up on Li


def _dry(d):
    """The cell with no treatment at all (a row's control arm may keep its liquid)."""
    return replace(d, anode_interface=Interface(), cathode_interface=Interface())


def test_bare_li_on_a_garnet_pellet_in_a_coin_cell_is_point_contact():
    r = screen(_dry(table1("llzo_nbuli_lfp")))
    assert severities(r, "ANODE_POINT_CONTACT") == {"warning"}
    assert "ANODE_POINT_CONTACT" not in screen(table1("llzo_nbuli_lfp")).codes
    assert "ANODE_POINT_CONTACT" not in screen(table1("llzo_nbuli_lfp"), untreated=True).codes  # LP30 stays
    pressed = replace(_dry(table1("llzo_nbuli_lfp")), stack_pressure_MPa=20.0)
    assert "ANODE_POINT_CONTACT" not in screen(pressed).codes


# ------------------------------------------------------------------ SSE | cathode


def test_dry_cast_cathode_on_a_ceramic_pellet_has_no_ion_path():
    """Wang 2018: 4470 Ohm without liquid; the pores of a cast LFP electrode hold no SSE."""
    for name in ("latp_carbonate_lfp", "llzo_nbuli_lfp", "llzto_bmptfsi_ncm811", "llzo_pegmea_lfp"):
        assert severities(screen(_dry(table1(name))), "CATHODE_POINT_CONTACT") == {"critical"}, name
        assert "CATHODE_POINT_CONTACT" not in screen(table1(name)).codes, name


def test_nano_lfp_in_a_dry_sulfide_composite_loses_contact():
    """Oh 2015: negligible capacity of the dry LFP/LGPS composite; Li(G3)TFSI restores it."""
    d = table1("lgps_g3_lfp")
    assert severities(screen(d, untreated=True), "CATHODE_POINT_CONTACT") == {"warning"}
    assert "CATHODE_POINT_CONTACT" not in screen(d).codes
    coarse = replace(d, cathode=replace(d.cathode, particle_radius_um=5.0))
    assert "CATHODE_POINT_CONTACT" not in screen(coarse, untreated=True).codes


def test_sulfide_against_layered_oxide_is_oxidized_but_not_against_lfp():
    assert severities(screen(table1("lgps_lih2po4_lco")), "SSE_CATHODE_OXIDATION") == {"warning"}
    assert severities(screen(example("lpscl_lig3tfsi_ncm622")), "SSE_CATHODE_OXIDATION") == {"warning"}
    lfp = screen(table1("lgps_g3_lfp"))
    assert "warning" not in severities(lfp, "SSE_CATHODE_OXIDATION")


def test_wetted_cast_cathode_keeps_the_garnet_off_ncm811():
    r = screen(table1("llzto_bmptfsi_ncm811"))
    assert severities(r, "SSE_CATHODE_OXIDATION") <= {"info"}


def test_peo_oxidizes_on_a_high_voltage_cathode_not_on_lfp():
    d = table1("peo_llzto_bmimtfsi_lfp")
    assert "PEO_HIGH_VOLTAGE" not in screen(d, untreated=True).codes
    ncm = replace(d, cathode=replace(d.cathode, material="NCM811"))
    assert severities(screen(ncm, untreated=True), "PEO_HIGH_VOLTAGE") == {"warning"}
    pure_peo = replace(ncm, electrolyte=replace(ncm.electrolyte, material="PEO-LiTFSI"))
    assert severities(screen(pure_peo, untreated=True), "PEO_HIGH_VOLTAGE") == {"warning"}


# -------------------------------------------------------------------- liquid | SSE


def test_solvate_ionic_liquid_does_not_attack_lgps_but_carbonate_and_ether_do():
    """Oh 2015: glyme bound to Li+ in Li(G3)TFSI is too weak a nucleophile for PS4 3-;
    free carbonate and ether solvents attack it."""
    g3 = table1("lgps_g3_lfp")
    r = screen(g3)
    assert "SULFIDE_NUCLEOPHILIC_ATTACK" not in r.codes
    assert severities(r, "SIL_BOUND_GLYME_OK") == {"info"}
    for liquid in ("LP30", "LiTFSI-DOLDME", "LiTFSI-ECDMC"):
        bad = screen(with_side(g3, "cathode", liquid=liquid))
        assert severities(bad, "SULFIDE_NUCLEOPHILIC_ATTACK") == {"critical"}, liquid
        assert "SIL_BOUND_GLYME_OK" not in bad.codes
        assert bad.verdict == "incompatible"
    assert screen(example("lgps_lp30_lfp")).verdict == "incompatible"


def test_neat_ionic_liquids_do_not_attack_sulfides():
    g3 = table1("lgps_g3_lfp")
    for liquid in ("Pyr13TFSI", "LiTFSI-Pyr13TFSI", "LiG4TFSI"):
        assert "SULFIDE_NUCLEOPHILIC_ATTACK" not in screen(with_side(g3, "cathode", liquid=liquid)).codes


def test_carbonate_on_garnet_without_nbuli_exchanges_protons_with_nbuli_is_cured():
    """Xu 2017: Li+/H+ exchange at LLZT|LE; n-BuLi suppresses it and lithiates the interface."""
    d = table1("llzo_nbuli_lfp")
    cured = screen(d)
    assert "GARNET_PROTON_EXCHANGE" not in cured.codes
    assert severities(cured, "NBULI_CURE") == {"info"}
    assert len(cured.by_code("NBULI_CURE")) == 2  # both wetted interfaces
    assert severities(cured, "LIPF6_HF") == {"info"}  # the superbase neutralizes HF
    assert "NBULI_CATHODE_CONSUMED" in cured.codes

    plain = screen(with_side(with_side(d, "anode", additive=None), "cathode", additive=None))
    assert severities(plain, "GARNET_PROTON_EXCHANGE") == {"warning"}
    assert "NBULI_CURE" not in plain.codes
    assert severities(plain, "LIPF6_HF") == {"warning"}


def test_ionic_liquids_on_garnet_do_not_exchange_protons():
    assert "GARNET_PROTON_EXCHANGE" not in screen(table1("llzto_bmptfsi_ncm811")).codes


def test_nbuli_reduces_titanium_phosphates():
    d = with_side(table1("latp_carbonate_lfp"), "anode", additive="nBuLi")
    assert severities(screen(d), "NBULI_REDUCES_SSE") == {"warning"}
    assert "NBULI_REDUCES_SSE" not in screen(table1("llzo_nbuli_lfp")).codes


def test_liquid_on_the_peo_composite_plasticizes_it():
    assert severities(screen(table1("peo_llzto_bmimtfsi_lfp")), "POLYMER_SSE_SWELLING") == {"info"}


# ------------------------------------------------------------------ liquid | anode


def test_imidazolium_is_reduced_at_li_pyrrolidinium_is_not():
    d = table1("peo_llzto_bmimtfsi_lfp")
    r = screen(d)
    assert severities(r, "IMIDAZOLIUM_C2H_REDUCTION") == {"warning"}
    assert r.by_code("IMIDAZOLIUM_C2H_REDUCTION")[0].pair == "liquid(anode side)|anode"
    assert severities(r, "RTIL_WITHOUT_LI_SALT") == {"info"}  # neat [BMIM]TFSI, Li+ from LLZTO
    pyr = screen(with_side(d, "anode", liquid="Pyr14TFSI"))
    assert "IMIDAZOLIUM_C2H_REDUCTION" not in pyr.codes
    cathode_only = screen(with_side(d, "anode", therapy="none", liquid=None, loading_uL_cm2=0.0))
    assert "IMIDAZOLIUM_C2H_REDUCTION" not in cathode_only.codes  # never meets Li


def test_bf4_gives_a_resistive_sei_tfsi_a_conductive_one():
    emim = screen(example("llzto_emimbf4_lfp"))
    assert severities(emim, "BF4_RESISTIVE_SEI") == {"warning"}
    assert "IMIDAZOLIUM_C2H_REDUCTION" in emim.codes
    assert "TFSI_FSI_SEI" not in emim.codes
    bmp = screen(table1("llzto_bmptfsi_ncm811"))
    assert "BF4_RESISTIVE_SEI" not in bmp.codes
    assert severities(bmp, "TFSI_FSI_SEI") == {"info"}


def test_carbonate_at_li_is_consumed_ionic_liquid_passivates():
    assert severities(screen(table1("llzo_nbuli_lfp")), "WINDOW_ANODE") == {"warning"}
    assert "WINDOW_ANODE" not in screen(table1("lsps_pyr13tfsi_lfp")).codes  # window reaches 0 V


# ---------------------------------------------------------------- liquid | cathode


def test_ether_at_ncm811_oxidizes_and_tfsi_corrodes_al():
    d = with_side(table1("llzto_bmptfsi_ncm811"), "cathode", liquid="LiTFSI-DOLDME")
    r = screen(d)
    assert severities(r, "WINDOW_CATHODE") & {"warning", "critical"}  # 4.0 V ether vs 4.3 V charge
    assert severities(r, "TFSI_AL_CORROSION") == {"warning"}
    assert "WINDOW_CATHODE" not in screen(table1("llzto_bmptfsi_ncm811")).codes
    assert "TFSI_AL_CORROSION" not in screen(table1("llzto_bmptfsi_ncm811")).codes  # no molecular solvent


# ------------------------------------------------------------------ polymerization


def test_pegmea_forms_a_conformal_layer_conductive_enough_at_55C_not_at_10C():
    d = table1("llzo_pegmea_lfp")
    r = screen(d)
    assert severities(r, "POLYMER_CONFORMAL") == {"info"}
    assert r.by_code("POLYMER_CONFORMAL")[0].pair == "polymer(cathode side)|SSE"
    assert "POLYMER_LOW_CONDUCTIVITY" not in r.codes
    cold = screen(replace(d, temperature_C=10.0))
    assert severities(cold, "POLYMER_LOW_CONDUCTIVITY") == {"warning"}


def test_initiation_must_suit_the_precursor():
    d = table1("llzo_pegmea_lfp")
    assert severities(screen(with_side(d, "cathode", initiation="lewis_acid")), "INITIATION_MISMATCH") == {"warning"}
    assert "INITIATION_MISMATCH" not in screen(d).codes


def test_lewis_acid_initiator_next_to_a_sulfide():
    d = with_side(table1("lgps_doldme_tis2"), "anode", initiation="lewis_acid")
    assert severities(screen(d), "LEWIS_ACID_INITIATOR_SULFIDE") == {"warning"}
    assert "LEWIS_ACID_INITIATOR_SULFIDE" not in screen(table1("lgps_doldme_tis2")).codes


# ----------------------------------------------------------------------- the cell


def test_flammable_content_counts_only_flammable_liquids_and_scales_with_amount():
    """2 uL of carbonate per interface on a 2 mg cm-2 LFP cathode is already more fuel
    per mAh than a lean Li-ion cell; ionic liquids add none."""
    latp = table1("latp_carbonate_lfp")
    f = screen(latp).by_code("FLAMMABLE_CONTENT")
    assert len(f) == 1 and f[0].pair == "cell" and "LP-ECDMCDEC" in f[0].message
    assert "FLAMMABLE_CONTENT" not in screen(table1("llzto_bmptfsi_ncm811")).codes
    assert "FLAMMABLE_CONTENT" not in screen(latp, untreated=True).codes
    thick = replace(latp, cathode=replace(latp.cathode, loading_mg_cm2=20.0, thickness_um=120.0))
    lean = with_side(with_side(thick, "anode", loading_uL_cm2=0.5), "cathode", loading_uL_cm2=0.5)
    assert severities(screen(lean), "FLAMMABLE_CONTENT") == {"info"}
    flooded = with_side(latp, "cathode", loading_uL_cm2=20.0)
    assert severities(screen(flooded), "FLAMMABLE_CONTENT") == {"warning"}


# ---------------------------------------------------------------------------- CLI


def _lpt(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lpt.cli", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def test_cli_screen_json_matches_the_api():
    path = TABLE1 / "latp_carbonate_lfp.toml"
    for flags in ((), ("--untreated",)):
        proc = _lpt("screen", str(path), *flags, "--json")
        assert proc.returncode == 0, proc.stderr
        doc = json.loads(proc.stdout)
        assert doc == screen(load_design(path), untreated=bool(flags)).to_json()


def test_cli_screen_table_shows_findings_and_verdict():
    proc = _lpt("screen", str(TABLE1 / "latp_carbonate_lfp.toml"), "--untreated")
    assert proc.returncode == 0, proc.stderr
    assert "LATP_TI_REDUCTION" in proc.stdout and "incompatible" in proc.stdout


def test_interface_default_is_dry():
    assert Interface().therapy == "none"


def test_docs_list_every_rule():
    doc = (ROOT / "docs" / "screening.md").read_text()
    missing = [code for code in RULES if f"`{code}`" not in doc]
    assert not missing, f"docs/screening.md does not describe {missing}"
