"""The garnet | LiPF6-carbonate interphase from the liquid's water (eq. H2O, docs/model.md §1.4).

A garnet trades Li⁺ for the protons a liquid brings (Li⁺/H⁺ exchange → LiOH), and the
liquid's water is all it has to give: the film is bounded by the water inventory, shared by
area with the electrode's wetted surface, and a proton scavenger (n-BuLi) takes the water
in the liquid first."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from lpt import materials
from lpt.batch import DesignBatch
from lpt.design import load_design
from lpt.interface.chemistry import liquid_composition, slei_films
from lpt.interface.chemistry.surfaces import (
    WATER_MOLAR_MASS_G_MOL, water_limited_films, water_on_surface_mol_cm2,
)
from lpt.interface.chemistry.tables import species
from lpt.therapies.base import electrode_wetted_area_cm2_cm2, side_context

LLZO, LATP, LP30 = materials.get("LLZO"), materials.get("LATP"), materials.get("LP30")
EXAMPLE = "examples/table1/llzo_nbuli_lfp.toml"


def _film_cm(sse, comp, loading_uL_cm2=2.0, electrode_area=1.0):
    water = water_on_surface_mol_cm2(comp, LP30.density_g_cm3, loading_uL_cm2, electrode_area)
    return sum((L for _, L in water_limited_films(sse, comp, water)), np.zeros(()))


def test_a_drier_liquid_leaves_a_proportionally_thinner_exchange_film_on_the_garnet():
    # the film is the water's: halve the water, halve the film (to rounding)
    wet = liquid_composition(LP30)
    dry = replace(wet, water_ppm=wet.water_ppm / 2.0)
    assert wet.water_ppm > 0
    assert float(_film_cm(LLZO, dry)) == pytest.approx(0.5 * float(_film_cm(LLZO, wet)), rel=1e-12)
    assert float(_film_cm(LLZO, replace(wet, water_ppm=0.0))) == 0.0


def test_the_film_holds_exactly_the_lioh_the_water_makes_no_more_however_long_it_sits():
    # volume conservation: one LiOH per H2O reaching the face, at LiOH's molar volume; the
    # bound has no time in it (an acid-base reaction stops when its reagent is spent)
    comp = liquid_composition(LP30)
    water = water_on_surface_mol_cm2(comp, LP30.density_g_cm3, 2.0, 1.0)
    expected_water = 2.0e-3 * LP30.density_g_cm3 * comp.water_ppm * 1e-6 / WATER_MOLAR_MASS_G_MOL / 2.0
    assert float(water) == pytest.approx(expected_water, rel=1e-12)
    lioh = species()["LiOH"]
    assert float(_film_cm(LLZO, comp)) == pytest.approx(expected_water * lioh.molar_volume_cm3_mol, rel=1e-9)


def test_n_buli_takes_the_water_in_the_liquid_so_no_exchange_film_and_no_carbonate_attack():
    plain = liquid_composition(LP30)
    cured = liquid_composition(LP30, materials.get("nBuLi"))
    assert float(_film_cm(LLZO, plain)) > 0.0
    assert float(_film_cm(LLZO, cured)) == 0.0
    assert [f.reaction for f in slei_films(LLZO, cured)] == []
    assert "carbonate_on_hydroxylated_garnet" in [f.reaction for f in slei_films(LLZO, plain)]


def test_a_nasicon_does_not_exchange_protons_so_the_water_leaves_it_no_film():
    assert float(_film_cm(LATP, liquid_composition(LP30))) == 0.0


def test_a_porous_cathode_takes_nearly_all_the_water_so_the_garnet_face_there_gets_little():
    # the LFP electrode of the Xu et al. row: ~100 cm² of particle surface per cm² shares the
    # water with the pellet's face, where a Li foil shares it half and half
    design = load_design(EXAMPLE)
    nums = DesignBatch.from_designs([design]).numbers
    anode_area = electrode_wetted_area_cm2_cm2(side_context(design, "anode", nums))
    cathode_area = electrode_wetted_area_cm2_cm2(side_context(design, "cathode", nums))
    assert float(anode_area[0]) == 1.0
    assert float(cathode_area[0]) > 50.0
    comp = liquid_composition(LP30)
    ratio = float(_film_cm(LLZO, comp, electrode_area=cathode_area[0]) / _film_cm(LLZO, comp, electrode_area=1.0))
    assert ratio == pytest.approx(2.0 / (1.0 + float(cathode_area[0])), rel=1e-12)
    assert ratio < 0.04
