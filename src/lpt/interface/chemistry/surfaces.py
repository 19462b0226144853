"""Liquid | SSE surface reactions: the films of the SLEI (review §2.2.3).

Which reactions of ``reactants.toml [surface.X]`` run is decided by the liquid's
composition and the SSE's surface: free carbonate on a Li⁺/H⁺-exchanged garnet (its
LiOH/Li₂O attack the carbonate), HF from LiPF₆ hydrolysis on an oxide, free carbonate,
ether or nitrile on a thiophosphate (nucleophilic attack of PS₄³⁻).  A proton scavenger
(n-BuLi) relithiates the garnet surface, so the first does not run and the exchange layer
is gone.
"""

from __future__ import annotations

from dataclasses import dataclass

from lpt.interface.chemistry.inventory import Composition, makes_hf, scavenges_protons, solvent_classes
from lpt.interface.chemistry.properties import LayerProperties, layer_properties
from lpt.interface.chemistry.tables import cited, reactants


@dataclass(frozen=True)
class Film:
    reaction: str
    layer: LayerProperties
    thickness_cm: float
    growth_ohm2_cm4_h: float

    @property
    def resistance_ohm_cm2(self) -> float:
        return self.thickness_cm / self.layer.ionic_conductivity_S_cm


def surface_state(sse, c: Composition | None) -> set[str]:
    """What the SSE's surface offers a liquid: "oxide", "sulfide", "proton_exchanged"."""
    out = set()
    if sse.chemistry == "sulfide":
        out.add("sulfide")
    if sse.chemistry == "oxide":
        out.add("oxide")
    if "proton_exchange" in sse.sensitivities and not (c is not None and scavenges_protons(c)):
        out.add("proton_exchanged")
    return out


def slei_films(sse, c: Composition) -> list[Film]:
    """The films the liquid ``c`` grows on ``sse`` (empty: only desolvation)."""
    films = []
    surface = surface_state(sse, c)
    classes = solvent_classes(c, free_only=True)
    for name, rec in reactants()["surface"].items():
        if rec["needs_surface"] not in surface:
            continue
        if "needs_solvent_class" in rec and rec["needs_solvent_class"] not in classes:
            continue
        if "needs_free_solvent_class" in rec and not classes & set(rec["needs_free_solvent_class"]):
            continue
        if rec.get("needs_hf") and not makes_hf(c):
            continue
        where = f"reactants.toml [surface.{name}]"
        layer = layer_properties(f"SLEI {name}", rec["products"], 0.0)
        films.append(Film(name, layer, cited(rec, "film_thickness_nm", where) * 1e-7,
                          cited(rec, "growth_ohm2_cm4_h", where)))
    return films
