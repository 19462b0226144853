"""Interphase chemistry: which layers a liquid or an SSE forms on a surface, what they are
made of, how they conduct and grow (docs/model.md §1.6; data with references in
``data/species.toml`` and ``data/reactants.toml``).

>>> from lpt import materials
>>> from lpt.interface.chemistry import liquid_composition, sei_growth
>>> sei_growth(liquid_composition(materials.get("LP30"))).resistance0_ohm_cm2
"""

from __future__ import annotations

from lpt.interface.chemistry.growth import (
    Growth, coulombic_efficiency, electrode_interphase, polymer_sei_growth_ohm2_cm4_h, sei_growth, sse_interphase,
    wagner_rate_cm2_h,
)
from lpt.interface.chemistry.inventory import (
    Composition, Interphase, composition, free_anion_fraction, liquid_composition, makes_hf, oxidation_interphase,
    reduction_interphase, scavenges_protons, solvation_shell, solvent_classes,
)
from lpt.interface.chemistry.properties import LayerProperties, bruggeman_S_cm, layer_properties
from lpt.interface.chemistry.surfaces import slei_films

__all__ = [
    "Composition", "Growth", "Interphase", "LayerProperties", "bruggeman_S_cm", "composition",
    "coulombic_efficiency", "electrode_interphase", "free_anion_fraction", "layer_properties", "liquid_composition",
    "makes_hf", "oxidation_interphase", "polymer_sei_growth_ohm2_cm4_h", "reduction_interphase", "scavenges_protons",
    "sei_growth", "slei_films", "solvation_shell",
    "solvent_classes", "sse_interphase", "wagner_rate_cm2_h",
]
