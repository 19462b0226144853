"""The knowledge base: every number cited, the physics sane, the chemistry right.

Each test states the case, the fact it expects and, where a number is compared,
why the bound is what it is.
"""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

import lpt.materials as materials
from lpt.errors import LptError
from lpt.materials import Liquid, Reagent, SolidElectrolyte, by_kind, get, load_all
from lpt.interface.chemistry import electrode_interphase
from lpt.cli.materials import app as materials_app

SOLID_ELECTROLYTES = [
    "LGPS", "LSPS", "LPS", "LPSCl", "LLZO", "LLZTO", "Ga-LLZO", "Al-LLZO",
    "LATP", "LAGP", "LLTO", "LiPON", "PEO-LiTFSI", "PEO-LLZTO",
]
LIQUIDS = [
    "LP30", "LP-ECDMCDEC", "LiTFSI-DOLDME", "LiTFSI-ECDMC", "LiG3TFSI", "LiG4TFSI",
    "Pyr13TFSI", "LiTFSI-Pyr13TFSI", "LiFSI-Pyr13TFSI", "Pyr14TFSI", "BMIMTFSI",
    "EMIMBF4", "PP13FSI", "SN-LiTFSI",
]
REAGENTS = ["nBuLi", "FEC", "LiNO3", "PEGMEA", "PETEA", "DOL-ring-opening", "PEGDE", "H3PO4-THF"]

SENSITIVITIES = {
    "moisture", "proton_exchange", "nucleophilic_attack", "ti_reduction", "ge_reduction",
    "polysulfide_dissolution", "hf_attack", "oxidation_high_voltage",
}
EFFECTS = {"scavenges_protons", "sei_former", "forms_interlayer", "polymerizes"}
INITIATIONS = {"thermal", "uv", "lewis_acid", "electrochemical"}
IONIC_LIQUID_CLASSES = {"ionic_liquid", "solvate_ionic_liquid"}


# ------------------------------------------------------------------ citations


def test_every_number_in_the_knowledge_base_has_a_source():
    """Case: all records. Fact: no numeric field without a citation (DESIGN.md)."""
    missing = [
        f"{mid}.{field}"
        for mid, record in load_all().items()
        for field in record.numeric_fields()
        if not record.sources.get(field, "").strip()
    ]
    assert missing == []


def test_a_value_without_a_source_is_rejected_by_the_model():
    """Case: a conductivity written without its source. Fact: validation fails and
    says which field lacks the source."""
    entry = {
        "id": "BAD", "name": "bad", "chemistry": "oxide", "family": "garnet",
        "conductivity_S_cm": {"value": 1e-3},
        "activation_energy_eV": {"value": 0.3, "source": "x"},
        "density_g_cm3": {"value": 5.0, "source": "x"},
        "window_low_V": {"value": 0.1, "source": "x"},
        "window_high_V": {"value": 3.0, "source": "x"},
    }
    with pytest.raises(ValidationError, match="conductivity_S_cm.*no source"):
        SolidElectrolyte.model_validate(entry)


def test_a_data_file_with_an_uncited_value_is_an_LptError(tmp_path, monkeypatch):
    """Case: a knowledge-base file whose entry lacks a source. Fact: loading raises
    LptError naming the file, the material and the field (one sentence, no traceback)."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "solid_electrolytes.toml").write_text(
        "[BAD]\nname = 'bad'\nchemistry = 'oxide'\nfamily = 'garnet'\n"
        "conductivity_S_cm = { value = 1e-3 }\n"
        "activation_energy_eV = { value = 0.3, source = 'x' }\n"
        "density_g_cm3 = { value = 5.0, source = 'x' }\n"
        "window_low_V = { value = 0.1, source = 'x' }\n"
        "window_high_V = { value = 3.0, source = 'x' }\n"
    )
    monkeypatch.setattr(materials, "_FILES", {"solid_electrolytes.toml": SolidElectrolyte})
    monkeypatch.setattr(materials.resources, "files", lambda package: tmp_path)
    materials._shipped.cache_clear()
    materials._with_overrides.cache_clear()
    try:
        with pytest.raises(LptError, match=r"solid_electrolytes\.toml.*'BAD'.*no source"):
            load_all()
    finally:
        materials._shipped.cache_clear()
        materials._with_overrides.cache_clear()


# --------------------------------------------------------------- completeness


def test_the_required_materials_are_all_there():
    """Case: the ids the review's Table 1 and DESIGN.md name. Fact: each is present
    with the right kind (at least 11 SSEs, 14 liquids, 7 reagents)."""
    for mid in SOLID_ELECTROLYTES:
        assert isinstance(get(mid, "solid_electrolyte"), SolidElectrolyte)
    for mid in LIQUIDS:
        assert isinstance(get(mid, "liquid"), Liquid)
    for mid in REAGENTS:
        assert isinstance(get(mid, ("additive", "precursor", "reagent")), Reagent)
    assert len(by_kind("solid_electrolyte")) >= 11
    assert len(by_kind("liquid")) >= 14
    assert sum(len(by_kind(k)) for k in ("additive", "precursor", "reagent")) >= 7


def test_an_unknown_id_suggests_the_closest_one():
    """Case: a typo 'LAPT'. Fact: LptError with a 'did you mean' pointing at LATP."""
    with pytest.raises(LptError, match='did you mean "LATP"'):
        get("LAPT")


# ------------------------------------------------------------- physical sanity


def _conductivities():
    for record in load_all().values():
        for field, value in record.numeric_fields().items():
            if field.endswith("conductivity_S_cm") and not field.startswith("electronic"):
                yield record.id, field, value


def test_conductivities_lie_between_thin_film_polymers_and_liquids():
    """Fact: every ionic conductivity at 25 C is between 1e-9 S/cm (poorest
    interlayers) and 1e-1 S/cm (no Li conductor beats concentrated aqueous acid)."""
    for mid, field, value in _conductivities():
        assert 1e-9 <= value <= 1e-1, f"{mid}.{field} = {value}"


def test_electronic_conductivities_are_those_of_electrolytes():
    """Fact: a solid electrolyte's electronic conductivity lies between LiPON's (~1e-15 S/cm,
    Han et al. 2019) and 1e-6 S/cm (beyond it a Li|SSE|Li cell self-discharges visibly), and
    below its ionic conductivity by at least three decades."""
    for record in load_all().values():
        sigma_e = record.numeric_fields().get("electronic_conductivity_S_cm")
        if sigma_e is not None:
            assert 1e-16 <= sigma_e <= 1e-6, f"{record.id}: {sigma_e}"
            assert sigma_e <= 1e-3 * record.conductivity_S_cm, record.id


def test_activation_energies_are_those_of_ion_hopping():
    """Fact: every activation energy is 0.1-1.2 eV: below is faster than liquids,
    above would freeze the conductor at room temperature.  NMC532 is the exception by
    design: it mirrors PyBaMM's Xu2019 electrode, which has no Arrhenius terms, for the
    lpt-vs-PyBaMM cross-check."""
    for record in load_all().values():
        for field, value in record.numeric_fields().items():
            if field.endswith("_eV") and not (record.id == "NMC532" and value == 0.0):
                assert 0.1 <= value <= 1.2, f"{record.id}.{field} = {value}"


def test_densities_are_those_of_condensed_matter():
    """Fact: 0.5 g/cm3 (Li metal, 0.534, the lightest solid) to 8 g/cm3 (heavier than any Ta garnet)."""
    for record in load_all().values():
        for field, value in record.numeric_fields().items():
            if field.endswith("density_g_cm3"):
                assert 0.5 <= value <= 8.0, f"{record.id}.{field} = {value}"


def test_every_window_is_a_window():
    """Fact: window_low < window_high, both within 0-6 V vs Li."""
    for record in [*by_kind("solid_electrolyte"), *by_kind("liquid")]:
        assert 0.0 <= record.window_low_V < record.window_high_V <= 6.0, record.id


def test_liquid_properties_are_physical():
    """Fact: viscosities from ~1 mPa s (ethers) to a few hundred (Li-salt ILs);
    heats of combustion below pure hydrocarbons (~48 kJ/g); contact angles 0-90 deg."""
    for liquid in by_kind("liquid"):
        assert 0.5 <= liquid.viscosity_mPa_s <= 1000, liquid.id
        assert 0.0 < liquid.heat_of_combustion_kJ_g < 48.0, liquid.id
        assert 0.0 <= liquid.contact_angle_deg < 90.0, liquid.id
        assert liquid.cost_USD_kg > 0, liquid.id


def test_garnets_are_stiffer_and_harder_than_sulfides():
    """Fact: oxide garnets ~150 GPa, sulfides ~20-25 GPa (Ni 2012; Sakuda 2013):
    the contact model relies on this ordering."""
    garnets = [get(m) for m in ("LLZO", "LLZTO", "Ga-LLZO", "Al-LLZO")]
    sulfides = [get(m) for m in ("LGPS", "LSPS", "LPS", "LPSCl")]
    assert min(g.youngs_modulus_GPa for g in garnets) > 4 * max(s.youngs_modulus_GPa for s in sulfides)
    assert min(g.hardness_GPa for g in garnets) > max(s.hardness_GPa for s in sulfides)


# ------------------------------------------------------------- chemistry facts


def test_ti_and_ge_conductors_and_thio_lisicons_form_mixed_conducting_interphases():
    """Fact: Li reduces Ti4+/Ge4+ (LATP, LAGP, LLTO) and LGPS/LSPS to electronically
    conducting products that grow without limit (Zhu 2015; Wenzel 2016); LPS, LPSCl and
    LiPON to insulators that passivate (Wenzel 2018; Nolan 2018).  The knowledge base
    holds no verdict of its own: the chemistry engine derives it from the products."""
    li = get("Li")
    for mid in ("LATP", "LAGP", "LLTO", "LGPS", "LSPS"):
        assert electrode_interphase(get(mid), li).kind == "mixed_conducting", mid
    for mid in ("LPS", "LPSCl", "LiPON"):
        assert electrode_interphase(get(mid), li).kind == "passivating", mid
    assert "ti_reduction" in get("LATP").sensitivities
    assert "ge_reduction" in get("LAGP").sensitivities


def test_garnets_are_kinetically_stable_but_exchange_protons():
    """Fact: garnets resist Li but swap Li+ for H+ with trace water (Xu 2017)."""
    for mid in ("LLZO", "LLZTO", "Ga-LLZO", "Al-LLZO"):
        garnet = get(mid)
        # Li reduces a garnet only to a tetragonal-like interphase of a few unit cells that
        # stops growing (Ma et al., Nano Lett. 16 (2016) 7030)
        ip = electrode_interphase(garnet, get("Li"))
        assert garnet.family == "garnet" and ip.kind == "passivating" and ip.initial_cm < 10e-7, mid
        assert {"proton_exchange", "moisture"} <= set(garnet.sensitivities), mid


def test_sulfides_fear_water_and_nucleophiles():
    """Fact: sulfides release H2S with moisture and are attacked by free carbonate
    and ether oxygen (Oh 2015, review Fig. 5b)."""
    for sse in by_kind("solid_electrolyte"):
        if sse.chemistry == "sulfide":
            assert {"moisture", "nucleophilic_attack"} <= set(sse.sensitivities), sse.id


def test_sensitivities_and_effects_use_the_shared_vocabulary():
    """Fact: the screening rules only understand the fixed vocabularies."""
    for sse in by_kind("solid_electrolyte"):
        assert set(sse.sensitivities) <= SENSITIVITIES, sse.id
    for kind in ("additive", "precursor", "reagent"):
        for reagent in by_kind(kind):
            assert reagent.effects and set(reagent.effects) <= EFFECTS, reagent.id
            assert set(reagent.initiation) <= INITIATIONS, reagent.id


def test_emim_bf4_is_an_imidazolium_tetrafluoroborate():
    liquid = get("EMIMBF4")
    assert (liquid.anion, liquid.cation) == ("BF4", "imidazolium")


def test_solvate_ionic_liquid_binds_its_glyme_and_lp30_does_not():
    """Fact: in [Li(G3)]TFSI the glyme is coordinated (no free solvent), LP30 is a
    LiPF6 solution in free carbonate.  No flag says so: the chemistry engine derives it
    from the composition (one glyme wraps one Li⁺, a carbonate gives one of four sites)."""
    from lpt.interface.chemistry import liquid_composition

    assert not liquid_composition(get("LiG3TFSI")).free_solvent
    assert not liquid_composition(get("LiG4TFSI")).free_solvent
    lp30 = get("LP30")
    assert liquid_composition(lp30).free_solvent and lp30.anion == "PF6"
    assert not hasattr(lp30, "free_solvent")


def test_ionic_liquids_do_not_flash_and_molecular_solvents_do():
    """Fact: ionic liquids have no flash point of their own; carbonate and ether
    electrolytes flash below 40 C (DMC ~17 C, DME ~-2 C)."""
    for liquid in by_kind("liquid"):
        if liquid.liquid_class in IONIC_LIQUID_CLASSES:
            assert liquid.flammable is False and liquid.flash_point_C is None, liquid.id
        if liquid.liquid_class in {"carbonate", "ether"}:
            assert liquid.flammable is True, liquid.id
            assert liquid.flash_point_C is not None and liquid.flash_point_C < 40.0, liquid.id


def test_liquid_li_transfer_is_slower_from_ionic_liquids_than_from_dmc():
    """Fact: desolvation sets the Li+ transfer barrier: DMC-only 0.33 eV < EC
    carbonates 0.52 eV (Yamada 2009) <= ionic liquids (Ishihara 2014)."""
    assert get("LP30").transfer_activation_energy_eV == pytest.approx(0.52, abs=0.01)
    assert get("Pyr14TFSI").transfer_activation_energy_eV >= get("LP30").transfer_activation_energy_eV


def test_precursors_describe_their_polymer_and_reagents_their_layer():
    for precursor in by_kind("precursor"):
        assert precursor.polymer_conductivity_S_cm is not None, precursor.id
        assert 0.0 < precursor.conversion_fraction <= 1.0, precursor.id
        assert "polymerizes" in precursor.effects, precursor.id
    reagent = get("H3PO4-THF")
    assert reagent.product == "LiH2PO4" and reagent.layer_conductivity_S_cm is not None
    assert "forms_interlayer" in reagent.effects
    assert "scavenges_protons" in get("nBuLi").effects


# ------------------------------------------------------------------------ CLI


def test_cli_list_json_matches_the_contract():
    """Contract: `lpt materials list --json` -> [{"id", "kind", "name"}, ...]."""
    result = CliRunner().invoke(materials_app, ["list", "--json"])
    assert result.exit_code == 0, result.output
    items = json.loads(result.output)
    assert all(set(item) == {"id", "kind", "name"} for item in items)
    assert {i["id"] for i in items} >= set(SOLID_ELECTROLYTES + LIQUIDS + REAGENTS)


def test_cli_list_filters_by_kind_and_rejects_unknown_kinds():
    runner = CliRunner()
    result = runner.invoke(materials_app, ["list", "--kind", "liquid", "--json"])
    assert result.exit_code == 0
    assert {i["kind"] for i in json.loads(result.output)} == {"liquid"}
    result = runner.invoke(materials_app, ["list", "--kind", "liquids"])
    assert isinstance(result.exception, LptError)
    assert 'did you mean "liquid"' in str(result.exception)


def test_cli_show_prints_value_unit_and_source():
    runner = CliRunner()
    result = runner.invoke(materials_app, ["show", "LATP", "--json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    sigma = shown["fields"]["conductivity_S_cm"]
    assert sigma["unit"] == "S/cm" and sigma["value"] == pytest.approx(7e-4)
    assert "Jackman" in sigma["source"]
    assert shown["fields"]["density_g_cm3"]["unit"] == "g/cm³"
    table = runner.invoke(materials_app, ["show", "LP30"], env={"COLUMNS": "200"})
    assert table.exit_code == 0
    assert "flash_point_C" in table.output and "°C" in table.output


def test_cli_show_unknown_id_is_one_sentence_with_a_suggestion():
    result = CliRunner().invoke(materials_app, ["show", "LAPT"])
    assert isinstance(result.exception, LptError)
    assert 'did you mean "LATP"' in str(result.exception)


def test_cli_is_wired_into_lpt():
    """The top-level `lpt materials ...` reaches the same commands."""
    import lpt.cli

    result = CliRunner().invoke(lpt.cli.app, ["materials", "list", "--json"])
    assert result.exit_code == 0, result.output
    assert any(i["id"] == "LP30" for i in json.loads(result.output))
