"""Liquid | SSE surface reactions: the films of the SLEI (review §2.2.3).

Which reactions of ``reactants.toml [surface.X]`` run is decided by the liquid's
composition and the SSE's surface: free carbonate on a Li⁺/H⁺-exchanged garnet (its
LiOH/Li₂O attack the carbonate), the liquid's water on a garnet (Li⁺/H⁺ exchange), free
carbonate, ether or nitrile on a thiophosphate (nucleophilic attack of PS₄³⁻).  A proton
scavenger (n-BuLi) relithiates the garnet surface, so the first does not run and the
exchange layer is gone.

A reaction whose reagent is an impurity of the liquid (``limited_by = "water"``) is
bounded by what the liquid holds, not by a growth law.  The water of a loading V (µL cm⁻²)
of a liquid of density ρ and water content w (mass ppm) is shared by area among the faces
the liquid wets — the SSE face and the electrode's (a Li foil's equal face; a porous
cathode's particle surface A_el per geometric area) — and leaves on the SSE face

    n_H2O = V ρ w / (M_H2O (1 + A_el)) ,   L = n_H2O · v_film                        (H2O)

with v_film the film volume made per mole of water (its products' molar volumes).  The
reaction is acid–base (no electrons cross the film), so it stops when the water is spent,
whatever the layer's electronic conductivity; a proton scavenger in the liquid takes the
water first (C₄H₉Li + H₂O → LiOH + C₄H₁₀ in the liquid), so none reaches the face.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lpt.interface.chemistry.inventory import Composition, makes_hf, scavenges_protons, solvent_classes
from lpt.interface.chemistry.properties import LayerProperties, layer_properties
from lpt.interface.chemistry.tables import cited, reactants

WATER_MOLAR_MASS_G_MOL = 18.015
UL_TO_CM3 = 1e-3
PPM = 1e-6


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
    """What the SSE's surface offers a liquid: "oxide", "sulfide", "proton_exchanging" (a
    garnet: it trades Li⁺ for the protons a liquid brings), "proton_exchanged" (its
    air-handled, already exchanged surface, unless a proton scavenger relithiates it)."""
    out = set()
    if sse.chemistry == "sulfide":
        out.add("sulfide")
    if sse.chemistry == "oxide":
        out.add("oxide")
    if "proton_exchange" in sse.sensitivities:
        out.add("proton_exchanging")
        if not (c is not None and scavenges_protons(c)):
            out.add("proton_exchanged")
    return out


def _runs(rec: dict, surface: set[str], c: Composition) -> bool:
    """The reaction's conditions hold for the liquid ``c`` on a surface offering ``surface``."""
    classes = solvent_classes(c, free_only=True)
    if rec["needs_surface"] not in surface:
        return False
    if "needs_solvent_class" in rec and rec["needs_solvent_class"] not in classes:
        return False
    if "needs_free_solvent_class" in rec and not classes & set(rec["needs_free_solvent_class"]):
        return False
    return not (rec.get("needs_hf") and not makes_hf(c))


def slei_films(sse, c: Composition) -> list[Film]:
    """The films of fixed thickness and growth the liquid ``c`` grows on ``sse`` (empty:
    only desolvation); the water-limited ones are :func:`water_limited_films`."""
    films = []
    surface = surface_state(sse, c)
    for name, rec in reactants()["surface"].items():
        if rec.get("limited_by") or not _runs(rec, surface, c):
            continue
        where = f"reactants.toml [surface.{name}]"
        layer = layer_properties(f"SLEI {name}", rec["products"], 0.0)
        films.append(Film(name, layer, cited(rec, "film_thickness_nm", where) * 1e-7,
                          cited(rec, "growth_ohm2_cm4_h", where)))
    return films


def water_on_surface_mol_cm2(c: Composition, liquid_density_g_cm3: float, loading_uL_cm2,
                             electrode_area_cm2_cm2) -> np.ndarray:
    """Water of the liquid that reaches the SSE face (mol per geometric cm²), eq. (H2O):
    shared by area with the electrode's wetted surface; none past a proton scavenger."""
    loading = np.asarray(loading_uL_cm2, float)
    if scavenges_protons(c):
        return np.zeros_like(loading)
    water_mol_cm2 = loading * UL_TO_CM3 * liquid_density_g_cm3 * c.water_ppm * PPM / WATER_MOLAR_MASS_G_MOL
    return water_mol_cm2 / (1.0 + np.asarray(electrode_area_cm2_cm2, float))


def water_limited_films(sse, c: Composition, water_mol_cm2) -> list[tuple[LayerProperties, np.ndarray]]:
    """The films the liquid's water makes on ``sse`` (``limited_by = "water"``), each with
    its thickness (cm) from the ``water_mol_cm2`` reaching the face, eq. (H2O)."""
    out = []
    surface = surface_state(sse, c)
    for name, rec in reactants()["surface"].items():
        if rec.get("limited_by") != "water" or not _runs(rec, surface, c):
            continue
        layer = layer_properties(f"SLEI {name}", rec["products"], 0.0)   # products per H2O
        out.append((layer, np.asarray(water_mol_cm2, float) * layer.volume_cm3))
    return out
