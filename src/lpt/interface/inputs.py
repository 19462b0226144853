"""Designs → struct-of-arrays inputs of the interface model.

All knowledge-base and parameter look-ups happen here, once per group of designs that
share their materials (:class:`lpt.batch.DesignBatch`); the design's numbers enter as
arrays.  The physics in :mod:`lpt.interface.model` then works on plain NumPy arrays
(one entry per design), so one design, a batch of 10⁶ and a sweep chunk share one code
path.  Units inside are the CGS the field uses: cm, S cm⁻¹, Ω cm², cm³ cm⁻².

The dry interface (solid contacts, the SSE's own interphase, a garnet's Li⁺/H⁺-exchange
layer) is set here; what a therapy adds is asked of its registry entry
(:meth:`lpt.therapies.Therapy.side_inputs`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from lpt import materials, therapies
from lpt.batch import DesignBatch, take
from lpt.constants import ZERO_CELSIUS_K
from lpt.design import Design
from lpt.parameters import parameters
from lpt.therapies.base import SideContext, side_context

INTERPHASE_CODE = {"stable": 0, "passivating": 1, "mixed_conducting": 2}
UM_TO_CM = 1e-4
NM_TO_CM = 1e-7


@dataclass(frozen=True)
class SideInputs:
    """Per-design arrays describing one interface (anode|SSE or cathode|SSE)."""

    hardness_MPa: np.ndarray          # softer body's contact hardness
    interphase: np.ndarray            # 0 stable, 1 passivating, 2 mixed-conducting
    interphase_r0_ohm_cm2: np.ndarray  # passivating interphase per contact area (0 otherwise)
    contamination: np.ndarray         # garnet Li+/H+-exchange layer present (bool)
    therapy: np.ndarray               # the therapy's registry name
    liquid_cm3_cm2: np.ndarray        # liquid (or precursor) volume per area
    open_volume_cm3_cm2: np.ndarray   # interface gap (+ cathode pores) it can fill
    pore_volume_cm3_cm2: np.ndarray   # cathode pores only (0 at the anode)
    wettability: np.ndarray           # cos(theta) clipped to [0, 1]
    film_sigma_S_cm: np.ndarray       # liquid or polymer conductivity
    film_Ea_eV: np.ndarray
    transfer_r0_ohm_cm2: np.ndarray   # SLEI + desolvation at 25 °C, per wetted area
    transfer_growth_ohm2_cm4_h: np.ndarray
    transfer_Ea_eV: np.ndarray
    sei_r0_ohm_cm2: np.ndarray        # liquid|Li SEI per wetted area (anode only)
    sei_growth_ohm2_cm4_h: np.ndarray
    consumes: np.ndarray              # the liquid reacts (wetting) vs not (polymer)
    layer_ohm_cm2: np.ndarray         # designed reaction layer t/sigma at 25 °C
    layer_Ea_eV: np.ndarray
    blocks_reduction: np.ndarray      # reaction layer / polymer stop SSE reduction (bool)
    is_li: np.ndarray                 # electrode is Li metal or Li–In (SEI, dendrites)
    li_metal: np.ndarray              # electrode is Li metal itself (creep, voids)
    network_share: np.ndarray         # share of solid contacts that reach an ionic network
                                      # (anode: 1; cathode: SSE share of the composite's face)


@dataclass(frozen=True)
class Inputs:
    """Per-design arrays for the whole cell's interfaces."""

    n: int
    temperature_K: np.ndarray
    pressure_MPa: np.ndarray
    contact_pressure_MPa: np.ndarray  # the highest pressure the Li saw: attachment or stack
    sse_sigma_S_cm: np.ndarray
    sse_Ea_eV: np.ndarray
    sse_thickness_cm: np.ndarray
    sse_ccd_mA_cm2: np.ndarray
    sse_flaw_size_cm: np.ndarray              # surface flaw depth (dendrite onset)
    sse_fracture_toughness_MPa_m05: np.ndarray
    cathode_thickness_cm: np.ndarray
    cathode_porosity: np.ndarray
    cathode_sse_fraction: np.ndarray
    particle_radius_cm: np.ndarray
    sse_particle_radius_cm: np.ndarray
    cathode_volume_change_percent: np.ndarray
    cathode_active_area_cm2_cm2: np.ndarray   # particle surface per geometric area
    cathode_i0_mA_cm2: np.ndarray
    cathode_i0_Ea_eV: np.ndarray
    anode: SideInputs
    cathode: SideInputs

    def take(self, idx: np.ndarray | slice) -> "Inputs":
        """A sub-batch (used for chunking and for the one-vs-batch identity test)."""
        return take(self, idx)


def cathode_network_share(sse_volume_fraction, porosity):
    """Share of the composite cathode's solid face that is SSE (the rest is active
    material and carbon): the solid contacts at the planar interface that lead into
    the composite's SSE network rather than onto an active particle."""
    return np.minimum(1.0, np.asarray(sse_volume_fraction) / np.maximum(1.0 - np.asarray(porosity), 1e-9))


def _dry_side(ctx: SideContext, nums: Mapping[str, np.ndarray]) -> dict[str, Any]:
    """The as-assembled solid|solid interface of one side (no therapy)."""
    P, sse, electrode, side = parameters(), ctx.sse, ctx.electrode, ctx.side
    gap = P.interface_gap_um * UM_TO_CM
    if side == "anode":
        if electrode.id == "Li" or not electrode.hardness_GPa:
            h = P.li_contact_hardness_MPa
        else:  # alloys are harder than Li; never softer than it
            h = max(electrode.hardness_GPa * 1e3, P.li_contact_hardness_MPa)
        interphase = INTERPHASE_CODE[sse.li_interphase] if electrode.id == "Li" else (
            min(INTERPHASE_CODE[sse.li_interphase], 1))
        pores = 0.0
    else:
        h_sse = (sse.hardness_GPa or 5.0) * 1e3
        h = min(h_sse, P.cathode_layer_hardness_MPa)
        # an SSE oxidized by the charged cathode forms a passivating CEI
        upper = electrode.upper_cutoff_V or electrode.average_potential_V
        interphase = 1 if upper > sse.window_high_V + 0.5 else 0
        pores = nums["cathode.porosity"] * nums["cathode.thickness_um"] * UM_TO_CM
    # a passivating interphase is a fixed film; an MCI is tracked as a growing resistance
    isig = (sse.interphase_conductivity_S_cm if side == "anode" and sse.interphase_conductivity_S_cm
            else P.passivating_interphase_conductivity_S_cm)
    r_int = P.passivating_interphase_thickness_nm * NM_TO_CM / isig if interphase == 1 else 0.0
    return dict(
        hardness_MPa=h, interphase=interphase, interphase_r0_ohm_cm2=r_int,
        # Li+/H+-exchange layer on the garnet face the Li meets
        contamination=side == "anode" and "proton_exchange" in sse.sensitivities,
        therapy=ctx.interface.therapy, liquid_cm3_cm2=0.0,
        open_volume_cm3_cm2=gap + pores, pore_volume_cm3_cm2=pores, wettability=0.0,
        film_sigma_S_cm=1.0, film_Ea_eV=0.0, transfer_r0_ohm_cm2=0.0,
        transfer_growth_ohm2_cm4_h=0.0, transfer_Ea_eV=0.0, sei_r0_ohm_cm2=0.0,
        sei_growth_ohm2_cm4_h=0.0, consumes=False, layer_ohm_cm2=0.0, layer_Ea_eV=0.0,
        blocks_reduction=False, is_li=ctx.is_li, li_metal=side == "anode" and electrode.id == "Li",
        # at the cathode a solid contact touches either an SSE particle of the composite
        # (a way into its SSE network) or an active particle (a dead end: only that
        # particle's charge transfer); their shares follow the composite's solid volume
        network_share=1.0 if side == "anode" else
        cathode_network_share(nums["cathode.sse_volume_fraction"], nums["cathode.porosity"]),
    )


def side_row(design: Design, side: str, nums: Mapping[str, np.ndarray]) -> dict[str, Any]:
    """One side's inputs for a group of designs sharing ``design``'s materials."""
    ctx = side_context(design, side, nums)
    row = _dry_side(ctx, nums)
    row.update(therapies.get(ctx.interface.therapy).side_inputs(ctx))
    if "removes_proton_exchange_layer" in ctx.effects:
        row["contamination"] = False
    if "blocks_sse_reduction" in ctx.effects:
        row["blocks_reduction"] = True
    return row


def design_row(design: Design, nums: Mapping[str, np.ndarray]) -> dict[str, Any]:
    """The cell-level inputs for a group of designs sharing ``design``'s materials."""
    sse = materials.get(design.electrolyte.material)
    cath = materials.get(design.cathode.material)
    P = parameters()
    flaw_um = nums["electrolyte.flaw_size_um"]
    kic = nums["electrolyte.fracture_toughness_MPa_m05"]
    kic_class = side_context(design, "anode").sse_class  # garnet / oxide / sulfide / polymer
    radius_um = nums["cathode.particle_radius_um"]
    radius_um = np.where(np.isnan(radius_um), cath.particle_radius_um or 2.0, radius_um)
    sse_radius_um = nums["cathode.sse_particle_radius_um"]
    sse_radius_um = np.where(np.isnan(sse_radius_um), P.sse_particle_radius_um, sse_radius_um)
    return dict(
        temperature_K=nums["temperature_C"] + ZERO_CELSIUS_K,
        pressure_MPa=nums["stack_pressure_MPa"],
        # Li keeps the plastic deformation of its attachment (no spring-back of a metal)
        contact_pressure_MPa=np.fmax(nums["fabrication_pressure_MPa"], nums["stack_pressure_MPa"]),
        # Bruggeman-type correction of the pellet's conductivity, σ ∝ ρ_rel^1.5
        sse_sigma_S_cm=sse.conductivity_S_cm * nums["electrolyte.relative_density"] ** 1.5,
        sse_Ea_eV=sse.activation_energy_eV,
        sse_thickness_cm=nums["electrolyte.thickness_um"] * UM_TO_CM,
        sse_ccd_mA_cm2=sse.critical_current_density_mA_cm2 or P.default_critical_current_mA_cm2,
        sse_flaw_size_cm=np.where(np.isnan(flaw_um), P.sse_flaw_size_um, flaw_um) * UM_TO_CM,
        sse_fracture_toughness_MPa_m05=np.where(np.isnan(kic), P.fracture_toughness_MPa_m05[kic_class].value, kic),
        cathode_thickness_cm=nums["cathode.thickness_um"] * UM_TO_CM,
        cathode_porosity=nums["cathode.porosity"],
        cathode_sse_fraction=nums["cathode.sse_volume_fraction"],
        particle_radius_cm=radius_um * UM_TO_CM,
        sse_particle_radius_cm=sse_radius_um * UM_TO_CM,
        cathode_volume_change_percent=abs(cath.volume_change_percent),
        # spheres: surface = 3 V / r, V = loading / density (mg → g is 1e-3)
        cathode_active_area_cm2_cm2=3.0 * nums["cathode.loading_mg_cm2"] * 1e-3
        / cath.density_g_cm3 / (radius_um * UM_TO_CM),
        cathode_i0_mA_cm2=cath.exchange_current_mA_cm2,
        cathode_i0_Ea_eV=cath.exchange_current_activation_energy_eV,
    )


def inputs_from_batch(batch: DesignBatch, untreated: bool = False) -> Inputs:
    """The interface model's inputs of a batch (therapies removed if ``untreated``)."""
    for g in batch.groups:
        g.design.require_full_cell("this command")
    if untreated:
        batch = batch.untreated()
    return Inputs(
        n=batch.n, **batch.assemble(design_row),
        anode=SideInputs(**batch.assemble(lambda d, nums: side_row(d, "anode", nums))),
        cathode=SideInputs(**batch.assemble(lambda d, nums: side_row(d, "cathode", nums))),
    )


def build_inputs(designs: Sequence[Design], untreated: bool = False) -> Inputs:
    """Look up everything the model needs for ``designs`` (therapies removed if ``untreated``)."""
    return inputs_from_batch(DesignBatch.from_designs(designs), untreated)
