"""Designs → struct-of-arrays inputs of the interface model.

All knowledge-base and parameter look-ups happen here, once per group of designs that
share their materials (:class:`lpt.batch.DesignBatch`); the design's numbers enter as
arrays.  The physics in :mod:`lpt.interface.model` then works on plain NumPy arrays
(one entry per design), so one design, a batch of 10⁶ and a sweep chunk share one code
path.  Units inside are the CGS the field uses: cm, S cm⁻¹, Ω cm², cm³ cm⁻².

The dry interface (solid contacts, the SSE's own interphase, a garnet's Li⁺/H⁺-exchange
layer) is set here, the SSE's interphase from the chemistry engine
(:func:`lpt.interface.chemistry.electrode_interphase`); what a therapy adds is asked of its
registry entry (:meth:`lpt.therapies.Therapy.side_inputs`).
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
from lpt.interface.chemistry import electrode_interphase
from lpt.interface.cathode_network import active_area_cm2_cm2, active_particle_radius_um
from lpt.parameters import parameters
from lpt.therapies.base import SideContext, side_context

UM_TO_CM = 1e-4
NM_TO_CM = 1e-7


@dataclass(frozen=True)
class SideInputs:
    """Per-design arrays describing one interface (anode|SSE or cathode|SSE)."""

    hardness_MPa: np.ndarray          # softer body's contact hardness
    # the interphase the SSE forms with the electrode on the solid contacts (chemistry engine)
    interphase_sigma_S_cm: np.ndarray       # its Li+ conductivity (inf: no interphase)
    interphase_ambipolar_S_cm: np.ndarray   # sigma_i sigma_e / (sigma_i + sigma_e): Wagner growth
    interphase_molar_volume_cm3_mol: np.ndarray  # layer volume per mole of e-
    interphase_driving_V: np.ndarray        # reaction voltage across it
    interphase_li_mAh_cm3: np.ndarray       # Li from the electrode stored per layer volume
    interphase_initial_cm: np.ndarray       # thickness as assembled (bare contact)
    cover_cm: np.ndarray              # a layer on the electrode over the solid contacts (pre-formed
    cover_sigma_e_S_cm: np.ndarray    # SEI, designed layer): thickness and electronic conductivity
    contamination: np.ndarray         # garnet Li+/H+-exchange layer present (bool)
    contamination_cm: np.ndarray      # its thickness (design's surface_layer_nm, else the parameter's)
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
    sei_li_mAh_cm3: np.ndarray        # Li stored per SEI volume (its species)
    li_loss_per_mAh: np.ndarray       # 1 - coulombic efficiency of Li plated under the liquid
    consumes: np.ndarray              # the liquid reacts (wetting) vs not (polymer)
    ages: np.ndarray                  # a polymer interlayer that loses contact with cycling
    layer_ohm_cm2: np.ndarray         # designed reaction layer t/sigma at 25 °C
    layer_Ea_eV: np.ndarray
    is_li: np.ndarray                 # electrode is Li metal or Li–In (SEI, dendrites)
    li_metal: np.ndarray              # electrode is Li metal itself (creep, voids)
    network_share: np.ndarray         # share of solid contacts that reach an ionic network
                                      # (anode: 1; cathode: SSE share of the composite's face)
    liquid_carries_li: np.ndarray     # the liquid (or polymer) holds Li⁺ (a neat IL does not)
    oxidation_onset_V: np.ndarray     # the liquid's oxidation limit vs Li (inf: none)


@dataclass(frozen=True)
class Inputs:
    """Per-design arrays for the whole cell's interfaces."""

    n: int
    temperature_K: np.ndarray
    pressure_MPa: np.ndarray
    contact_pressure_MPa: np.ndarray  # the highest pressure the Li saw: attachment or stack
    cathode_contact_pressure_MPa: np.ndarray  # the highest the cathode|SSE saw: pressing or stack
    sse_sigma_S_cm: np.ndarray
    sse_Ea_eV: np.ndarray
    sse_thickness_cm: np.ndarray
    sse_flaw_size_cm: np.ndarray              # surface flaw depth (dendrite onset)
    sse_fracture_toughness_MPa_m05: np.ndarray
    sse_electronic_S_cm: np.ndarray           # electronic conductivity (Li inside the SSE)
    sse_melting_K: np.ndarray                 # a polymer SSE's melting point (inf: none, a ceramic)
    li_spot_spacing_cm: np.ndarray            # spacing of Li's contact spots (the SSE's grains)
    cathode_thickness_cm: np.ndarray
    cathode_porosity: np.ndarray
    cathode_sse_fraction: np.ndarray
    particle_radius_cm: np.ndarray
    sse_particle_radius_cm: np.ndarray
    cathode_volume_change_percent: np.ndarray
    cathode_active_area_cm2_cm2: np.ndarray   # particle surface per geometric area
    cathode_active_fraction: np.ndarray       # active-material volume fraction of the composite
    cathode_upper_V: np.ndarray               # the charged cathode's potential (upper cut-off)
    cathode_i0_mA_cm2: np.ndarray
    cathode_i0_Ea_eV: np.ndarray
    # a sulfide SSE oxidized on the composite's active|SSE contacts (docs/model.md §3.3)
    sse_oxidation_driving_V: np.ndarray       # mean cathode potential - the SSE's oxidation onset (0: none)
    cathode_coating_cm: np.ndarray            # coating on the active particles (LiNbO3-type)
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
        ip = electrode_interphase(sse, electrode)
        interphase = _interphase_inputs(ip)
        pores = 0.0
    else:
        h_sse = (sse.hardness_GPa or 5.0) * 1e3
        h = min(h_sse, P.cathode_layer_hardness_MPa)
        # an SSE oxidized by the charged cathode forms a passivating CEI (fixed film)
        upper = electrode.upper_cutoff_V or electrode.average_potential_V
        interphase = _interphase_inputs(None)
        if upper > sse.window_high_V + 0.5:
            interphase.update(interphase_sigma_S_cm=P.passivating_interphase_conductivity_S_cm,
                              interphase_initial_cm=P.passivating_interphase_thickness_nm * NM_TO_CM)
        pores = nums["cathode.porosity"] * nums["cathode.thickness_um"] * UM_TO_CM
    layer_nm = nums["electrolyte.surface_layer_nm"]
    return dict(
        hardness_MPa=h, **interphase, cover_cm=0.0, cover_sigma_e_S_cm=0.0,
        # Li+/H+-exchange layer on the garnet face the Li meets: as the design states it
        # (0 nm: a cleaned surface), else the air-handled pellet's
        contamination=side == "anode" and "proton_exchange" in sse.sensitivities,
        contamination_cm=np.where(np.isnan(layer_nm), P.garnet_contamination_thickness_nm, layer_nm) * NM_TO_CM,
        therapy=ctx.interface.therapy, liquid_cm3_cm2=0.0,
        open_volume_cm3_cm2=gap + pores, pore_volume_cm3_cm2=pores, wettability=0.0,
        film_sigma_S_cm=1.0, film_Ea_eV=0.0, transfer_r0_ohm_cm2=0.0,
        transfer_growth_ohm2_cm4_h=0.0, transfer_Ea_eV=0.0, sei_r0_ohm_cm2=0.0,
        sei_growth_ohm2_cm4_h=0.0, sei_li_mAh_cm3=0.0, li_loss_per_mAh=0.0, consumes=False, ages=False,
        layer_ohm_cm2=0.0, layer_Ea_eV=0.0, is_li=ctx.is_li, li_metal=side == "anode" and electrode.id == "Li",
        liquid_carries_li=True, oxidation_onset_V=np.inf,
        # at the cathode a solid contact touches either an SSE particle of the composite
        # (a way into its SSE network) or an active particle (a dead end: only that
        # particle's charge transfer); their shares follow the composite's solid volume
        network_share=1.0 if side == "anode" else
        cathode_network_share(nums["cathode.sse_volume_fraction"], nums["cathode.porosity"]),
    )


def _interphase_inputs(ip) -> dict[str, float]:
    """Side inputs of an SSE|electrode interphase (None: the SSE is not reduced)."""
    if ip is None:
        return dict(interphase_sigma_S_cm=np.inf, interphase_ambipolar_S_cm=0.0,
                    interphase_molar_volume_cm3_mol=0.0, interphase_driving_V=0.0,
                    interphase_li_mAh_cm3=0.0, interphase_initial_cm=0.0)
    amb = ip.ionic_S_cm if np.isinf(ip.electronic_S_cm) else (
        ip.ionic_S_cm * ip.electronic_S_cm / (ip.ionic_S_cm + ip.electronic_S_cm))
    return dict(interphase_sigma_S_cm=ip.ionic_S_cm, interphase_ambipolar_S_cm=amb,
                interphase_molar_volume_cm3_mol=ip.layer.molar_volume_cm3_per_mol_li,
                interphase_driving_V=ip.driving_V, interphase_li_mAh_cm3=ip.li_capacity_mAh_cm3,
                interphase_initial_cm=ip.initial_cm)


def side_row(design: Design, side: str, nums: Mapping[str, np.ndarray]) -> dict[str, Any]:
    """One side's inputs for a group of designs sharing ``design``'s materials."""
    ctx = side_context(design, side, nums)
    row = _dry_side(ctx, nums)
    row.update(therapies.get(ctx.interface.therapy).side_inputs(ctx))
    return row


def cathode_fabrication_pressure_MPa(nums: Mapping[str, np.ndarray]) -> np.ndarray:
    """Pressure that formed the cathode|SSE contacts (MPa): the design's
    ``cathode.fabrication_pressure_MPa``, else a composite with SSE particles was
    cold-pressed onto the separator at the typical pressure of such cells
    (``cathode_fabrication_pressure_MPa``), and an electrode cast without SSE was only laid
    on the pellet at assembly (the stack pressure)."""
    given = nums["cathode.fabrication_pressure_MPa"]
    pressed = np.where(nums["cathode.sse_volume_fraction"] > 0, parameters().cathode_fabrication_pressure_MPa,
                       nums["stack_pressure_MPa"])
    return np.where(np.isnan(given), pressed, given)


def design_row(design: Design, nums: Mapping[str, np.ndarray]) -> dict[str, Any]:
    """The cell-level inputs for a group of designs sharing ``design``'s materials."""
    sse = materials.get(design.electrolyte.material)
    cath = materials.get(design.cathode.material)
    P = parameters()
    flaw_um = nums["electrolyte.flaw_size_um"]
    kic = nums["electrolyte.fracture_toughness_MPa_m05"]
    sigma_e = nums["electrolyte.electronic_conductivity_S_cm"]
    grain_um = nums["electrolyte.grain_size_um"]
    ctx = side_context(design, "anode")
    kic_class = "garnet" if ctx.sse.family == "garnet" else ctx.sse_class  # garnet / oxide / sulfide / polymer
    radius_um = active_particle_radius_um(nums["cathode.particle_radius_um"], cath)
    sse_radius_um = nums["cathode.sse_particle_radius_um"]
    sse_radius_um = np.where(np.isnan(sse_radius_um), P.sse_particle_radius_um, sse_radius_um)
    return dict(
        temperature_K=nums["temperature_C"] + ZERO_CELSIUS_K,
        pressure_MPa=nums["stack_pressure_MPa"],
        # Li keeps the plastic deformation of its attachment (no spring-back of a metal)
        contact_pressure_MPa=np.fmax(nums["fabrication_pressure_MPa"], nums["stack_pressure_MPa"]),
        # the composite keeps the contacts its cold-pressing made; the stack only holds them
        cathode_contact_pressure_MPa=np.fmax(cathode_fabrication_pressure_MPa(nums), nums["stack_pressure_MPa"]),
        # Bruggeman-type correction of the pellet's conductivity, σ ∝ ρ_rel^1.5
        sse_sigma_S_cm=sse.conductivity_S_cm * sse.relative_density(nums["electrolyte.relative_density"],
                                                                    P.pellet_relative_density) ** 1.5,
        sse_Ea_eV=sse.activation_energy_eV,
        sse_thickness_cm=nums["electrolyte.thickness_um"] * UM_TO_CM,
        sse_flaw_size_cm=np.where(np.isnan(flaw_um), P.sse_flaw_size_um, flaw_um) * UM_TO_CM,
        sse_fracture_toughness_MPa_m05=np.where(np.isnan(kic), P.fracture_toughness_MPa_m05[kic_class].value, kic),
        sse_electronic_S_cm=np.where(np.isnan(sigma_e), sse.electronic_conductivity_S_cm or 0.0, sigma_e),
        sse_melting_K=np.inf if sse.melting_point_C is None else sse.melting_point_C + ZERO_CELSIUS_K,
        li_spot_spacing_cm=np.where(np.isnan(grain_um), P.li_contact_spot_spacing_um, grain_um) * UM_TO_CM,
        cathode_thickness_cm=nums["cathode.thickness_um"] * UM_TO_CM,
        cathode_porosity=nums["cathode.porosity"],
        cathode_sse_fraction=nums["cathode.sse_volume_fraction"],
        particle_radius_cm=radius_um * UM_TO_CM,
        sse_particle_radius_cm=sse_radius_um * UM_TO_CM,
        cathode_volume_change_percent=abs(cath.volume_change_percent),
        cathode_active_area_cm2_cm2=active_area_cm2_cm2(nums["cathode.loading_mg_cm2"], cath.density_g_cm3, radius_um),
        cathode_active_fraction=nums["cathode.loading_mg_cm2"] * 1e-3 / cath.density_g_cm3
        / (nums["cathode.thickness_um"] * UM_TO_CM),
        cathode_upper_V=cath.upper_cutoff_V or cath.average_potential_V,
        cathode_i0_mA_cm2=cath.exchange_current_mA_cm2,
        cathode_i0_Ea_eV=cath.exchange_current_activation_energy_eV,
        sse_oxidation_driving_V=sse_oxidation_driving_V(sse, cath),
        cathode_coating_cm=nums["cathode.coating_thickness_nm"] * NM_TO_CM,
    )


def sse_oxidation_driving_V(sse, cathode) -> float:
    """Mean driving voltage of the SSE's oxidation by the cathode (V): the cathode's mean
    potential over a cycle above the SSE's oxidation onset, for sulfides.  Oxides (garnet,
    NASICON, perovskite) and polymers are not given this growth: their computed onsets lie
    below 4 V too, but their oxidation is kinetically negligible at cathode potentials
    (LLZO stable to ~6 V in practice; the knowledge base's window notes)."""
    if sse.chemistry != "sulfide":
        return 0.0
    return max((cathode.average_potential_V or 0.0) - sse.window_high_V, 0.0)


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
