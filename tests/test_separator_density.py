"""A separator's relative density: a pressed or sintered pellet keeps residual porosity (its
conductivity σ ρ^1.5, its mass ρ), a film cast from a polymer slurry is dense unless the
design says otherwise (docs/model.md §1.2)."""

from __future__ import annotations

import pytest

from lpt import materials
from lpt.design import design_from_dict
from lpt.interface import build_inputs
from lpt.metrics import mass_breakdown_mg_cm2, stack_of
from lpt.parameters import parameters


def full(sse, thickness_um=100.0, **electrolyte):
    return design_from_dict({
        "name": "c", "area_cm2": 1.0, "temperature_C": 25.0, "stack_pressure_MPa": 5.0,
        "cathode": {"material": "LFP", "loading_mg_cm2": 10.0, "thickness_um": 60.0},
        "electrolyte": {"material": sse, "thickness_um": thickness_um, **electrolyte},
        "anode": {"material": "Li", "thickness_um": 50.0}})


def test_a_cast_polymer_film_conducts_as_its_dense_material_and_a_pellet_as_rho_to_the_1_5():
    rho = parameters().pellet_relative_density
    x = build_inputs([full("PEO-LiTFSI"), full("LLZO"), full("LLZO", relative_density=0.8),
                      full("PEO-LiTFSI", relative_density=0.9)])
    peo, llzo = materials.get("PEO-LiTFSI").conductivity_S_cm, materials.get("LLZO").conductivity_S_cm
    assert x.sse_sigma_S_cm[0] == pytest.approx(peo, rel=1e-12)
    assert x.sse_sigma_S_cm[1] == pytest.approx(llzo * rho**1.5, rel=1e-12)
    assert x.sse_sigma_S_cm[2] == pytest.approx(llzo * 0.8**1.5, rel=1e-12)
    assert x.sse_sigma_S_cm[3] == pytest.approx(peo * 0.9**1.5, rel=1e-12)   # a stated value is honoured


def test_the_separator_mass_is_thickness_times_density_times_relative_density():
    rho = parameters().pellet_relative_density
    m = mass_breakdown_mg_cm2(stack_of([full("PEO-LiTFSI"), full("LLZO")]))["separator"]
    for k, (sse, r) in enumerate((("PEO-LiTFSI", 1.0), ("LLZO", rho))):
        assert m[k] == pytest.approx(100e-4 * materials.get(sse).density_g_cm3 * r * 1e3, rel=1e-12)
