"""The shape every therapy has, the context it is filled from, and the registry."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from lpt import materials
from lpt.constants import REFERENCE_TEMPERATURE_K, ZERO_CELSIUS_K
from lpt.materials.transport import film_inputs
from lpt.errors import LptError, did_you_mean
from lpt.parameters import Parameters, parameters

# the keys of an [interfaces.<side>] table that name knowledge-base records, and their kind
MATERIAL_KEYS = {"liquid": "liquid", "additive": "additive", "precursor": "precursor", "reagent": "reagent"}


@dataclass(frozen=True)
class SideContext:
    """One interface of a group of designs that share every material: the records
    resolved once, the design numbers of the group's rows as arrays."""

    side: str                         # "anode" | "cathode"
    interface: Any                    # lpt.design.Interface of the group's representative
    sse: Any                          # knowledge-base records
    electrode: Any
    liquid: Any = None
    additive: Any = None
    precursor: Any = None
    reagent: Any = None
    numbers: Mapping[str, np.ndarray] = field(default_factory=dict)

    @property
    def parameters(self) -> Parameters:
        return parameters()

    @property
    def is_li(self) -> bool:
        """The electrode is Li metal or a Li alloy (voids, SEI, dendrites)."""
        return self.side == "anode" and self.electrode.id in ("Li", "LiIn")

    @property
    def sse_class(self) -> str:
        """SSE class of the desolvation (SLEI) table; what a liquid does to the surface
        beyond desolvation is chemistry (:func:`lpt.interface.chemistry.slei_films`)."""
        return {"sulfide": "sulfide", "polymer": "polymer", "composite": "polymer"}.get(self.sse.chemistry, "oxide")

    @property
    def composition(self):
        """The liquid (with its additive) as the chemistry engine sees it, or None."""
        from lpt.interface.chemistry import liquid_composition

        return None if self.liquid is None else liquid_composition(self.liquid, self.additive)

    @property
    def temperature_K(self) -> np.ndarray:
        """The group's design temperatures (25 °C where no numbers were given)."""
        if "temperature_C" not in self.numbers:
            return np.asarray(REFERENCE_TEMPERATURE_K)
        return self.numbers["temperature_C"] + ZERO_CELSIUS_K

    def number(self, key: str) -> np.ndarray:
        """A number of this interface's table (e.g. ``loading_uL_cm2``) for the group's rows."""
        return self.numbers[f"interfaces.{self.side}.{key}"]


class Therapy:
    """Base of every therapy; subclasses set the class attributes and override the hooks."""

    name: ClassVar[str]
    summary: ClassVar[str]
    required_keys: ClassVar[frozenset[str]] = frozenset()
    allowed_keys: ClassVar[frozenset[str]] = frozenset()
    separates: ClassVar[bool] = True        # something sits between electrode and SSE
    liquid_touches: ClassVar[bool] = False  # a liquid touches electrode and SSE at assembly
    consumed: ClassVar[bool] = False        # it reacts away with time (lasts while the liquid lasts)
    liquid_effects: ClassVar[bool] = False  # its liquid stays liquid on Li and reacts with it

    def side_inputs(self, ctx: SideContext) -> dict[str, Any]:
        """Interface-model side inputs this therapy sets (the rest keep the dry values)."""
        return {}

    def deposit(self, ctx: SideContext) -> dict[str, Any]:
        """What it puts in the stack (fields of :class:`lpt.metrics.Deposit`), default nothing."""
        return {}

    def barrier(self, ctx: SideContext) -> str:
        """What it puts between electrode and SSE, in words (screening's messages)."""
        return "the interlayer"


THERAPIES: dict[str, Therapy] = {}


def register(cls: type[Therapy]) -> type[Therapy]:
    """Class decorator: one instance of ``cls`` in the registry under ``cls.name``."""
    if cls.name in THERAPIES:
        raise ValueError(f"therapy '{cls.name}' is registered twice")
    THERAPIES[cls.name] = cls()
    return cls


def names() -> tuple[str, ...]:
    return tuple(THERAPIES)


def get(name: str) -> Therapy:
    try:
        return THERAPIES[name]
    except KeyError:
        raise LptError(f"'{name}' is not a therapy{did_you_mean(name, THERAPIES)};"
                       f" allowed: {', '.join(THERAPIES)}.") from None


def side_context(design: Any, side: str, numbers: Mapping[str, np.ndarray] | None = None) -> SideContext:
    """Resolve the knowledge-base records one interface of ``design`` needs."""
    iface = design.interfaces[side]
    records = {key: materials.get(getattr(iface, key)) if getattr(iface, key) else None for key in MATERIAL_KEYS}
    electrode = materials.get(design.anode.material if side == "anode" else design.cathode.material)
    return SideContext(side=side, interface=iface, sse=materials.get(design.electrolyte.material),
                       electrode=electrode, numbers=numbers or {}, **records)


# --- what a liquid (or monomer) in contact fills, shared by wetting and polymerization ------

def liquid_contact_inputs(ctx: SideContext) -> dict[str, Any]:
    """The liquid path of an interface whose liquid touches electrode and SSE.

    Li⁺ transfer across liquid|SSE: desolvation from the ``[slei]`` table by SSE class ×
    liquid class, plus the films the liquid grows on that SSE's surface (chemistry engine:
    carbonate on a H⁺-exchanged garnet, HF on oxides, solvent on thiophosphates); a proton
    scavenger relithiates the garnet surface (no exchange layer).  At Li, the SEI the
    liquid forms from its composition: resistance, Wagner growth, Li stored, and the Li
    lost per plated charge (docs/model.md §1.4, §1.6).
    """
    from lpt.interface.chemistry import coulombic_efficiency, scavenges_protons, sei_growth, slei_films
    from lpt.interface.chemistry.surfaces import water_limited_films, water_on_surface_mol_cm2

    P, liquid, comp = ctx.parameters, ctx.liquid, ctx.composition
    slei = P.slei[f"{ctx.sse_class}.{liquid.liquid_class}"]
    films = slei_films(ctx.sse, comp)
    water = water_on_surface_mol_cm2(comp, liquid.density_g_cm3, ctx.number("loading_uL_cm2"),
                                     electrode_wetted_area_cm2_cm2(ctx))
    water_films = sum((L / layer.ionic_conductivity_S_cm for layer, L in water_limited_films(ctx.sse, comp, water)),
                      np.zeros_like(water))
    row = dict(
        wettability=max(0.0, math.cos(math.radians(liquid.contact_angle_deg))),
        film_sigma_S_cm=liquid.conductivity_S_cm,
        film_Ea_eV=liquid.conductivity_activation_energy_eV,
        transfer_r0_ohm_cm2=slei.r0_ohm_cm2 + sum(f.resistance_ohm_cm2 for f in films) + water_films,
        transfer_growth_ohm2_cm4_h=slei.growth_ohm2_cm4_h + sum(f.growth_ohm2_cm4_h for f in films),
        transfer_Ea_eV=liquid.transfer_activation_energy_eV,
    )
    if scavenges_protons(comp):
        row["contamination"] = False
    # the film's steady Li⁺ conductance t⁺κ(T); a neat ionic liquid blocks Li⁺
    row.update(film_inputs(liquid, ctx.temperature_K), oxidation_onset_V=liquid.window_high_V)
    if ctx.is_li:
        g = sei_growth(comp)
        row.update(sei_r0_ohm_cm2=g.resistance0_ohm_cm2,
                   # R = L / sigma_i, L^2 = L0^2 + 2 k t  ->  R^2 = R0^2 + (2 k / sigma_i^2) t
                   sei_growth_ohm2_cm4_h=2.0 * g.rate_cm2_h / g.ionic_S_cm ** 2,
                   sei_li_mAh_cm3=g.li_capacity_mAh_cm3,
                   li_loss_per_mAh=1.0 - coulombic_efficiency(comp))
    return row


def electrode_wetted_area_cm2_cm2(ctx: SideContext) -> np.ndarray:
    """Surface of the electrode a liquid at this interface wets, per geometric area: a metal
    foil's face (1), a cathode's active-particle surface (the pores hold the liquid)."""
    if ctx.side == "anode":
        return np.ones_like(ctx.number("loading_uL_cm2"))
    from lpt.interface.cathode_network import active_area_cm2_cm2, active_particle_radius_um

    radius_um = active_particle_radius_um(ctx.numbers["cathode.particle_radius_um"], ctx.electrode)
    return active_area_cm2_cm2(ctx.numbers["cathode.loading_mg_cm2"], ctx.electrode.density_g_cm3, radius_um)


def liquid_deposit(ctx: SideContext, record: Any, liquid_fraction: float | np.ndarray) -> dict[str, Any]:
    """The deposit of a liquid or precursor put on the interface (µL cm⁻² × g cm⁻³)."""

    def prop(name: str) -> float:
        # a precursor record may leave a bulk property to the liquid it is dissolved in
        val = getattr(record, name, None)
        if val is None and ctx.liquid is not None:
            val = getattr(ctx.liquid, name)
        return float("nan") if val is None else float(val)

    flammable = bool(getattr(record, "flammable", False) or (ctx.liquid is not None and ctx.liquid.flammable))
    return dict(loading_uL_cm2=ctx.number("loading_uL_cm2"), kept=1.0, density_g_cm3=prop("density_g_cm3"),
                liquid_fraction=liquid_fraction, flammable=flammable,
                heat_of_combustion_kJ_g=prop("heat_of_combustion_kJ_g"), cost_USD_kg=prop("cost_USD_kg"))
