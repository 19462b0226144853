"""Designs → struct-of-arrays inputs of the interface model.

All knowledge-base and parameter look-ups happen here, once per design; the
physics in :mod:`lpt.interface.model` then works on plain NumPy arrays (one entry
per design), so one design, a batch of 10⁶ and a Dask partition share one code path.
Units inside are SI-like CGS as the field uses them: cm, S cm⁻¹, Ω cm², cm³ cm⁻².
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np

from lpt import materials
from lpt.design import Design, Interface
from lpt.interface.params import parameters

THERAPY_CODE = {"none": 0, "wetting": 1, "polymerization": 2, "reaction_layer": 3}
INTERPHASE_CODE = {"stable": 0, "passivating": 1, "mixed_conducting": 2}


@dataclass
class SideInputs:
    """Per-design arrays describing one interface (anode|SSE or cathode|SSE)."""

    hardness_MPa: np.ndarray          # softer body's contact hardness
    interphase: np.ndarray            # 0 stable, 1 passivating, 2 mixed-conducting
    interphase_r0_ohm_cm2: np.ndarray  # passivating interphase per contact area (0 otherwise)
    contamination: np.ndarray         # garnet Li+/H+-exchange layer present (bool)
    therapy: np.ndarray               # THERAPY_CODE
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
    is_li: np.ndarray                 # electrode is Li metal (voids, SEI, dendrites)
    network_share: np.ndarray         # share of solid contacts that reach an ionic network
                                      # (anode: 1; cathode: SSE share of the composite's face)


@dataclass
class Inputs:
    """Per-design arrays for the whole cell's interfaces."""

    n: int
    temperature_K: np.ndarray
    pressure_MPa: np.ndarray
    sse_sigma_S_cm: np.ndarray
    sse_Ea_eV: np.ndarray
    sse_thickness_cm: np.ndarray
    sse_ccd_mA_cm2: np.ndarray
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
        def sub(obj):
            kw = {}
            for f in fields(obj):
                v = getattr(obj, f.name)
                kw[f.name] = v[idx] if isinstance(v, np.ndarray) else v
            return kw
        kw = sub(self)
        kw["anode"] = SideInputs(**sub(self.anode))
        kw["cathode"] = SideInputs(**sub(self.cathode))
        kw["n"] = len(kw["temperature_K"])
        return Inputs(**kw)

    @staticmethod
    def concatenate(parts: list["Inputs"]) -> "Inputs":
        def cat(objs, cls):
            kw = {}
            for f in fields(cls):
                vals = [getattr(o, f.name) for o in objs]
                if isinstance(vals[0], np.ndarray):
                    kw[f.name] = np.concatenate(vals)
                else:
                    kw[f.name] = vals[0]
            return kw
        kw = cat(parts, Inputs)
        kw["anode"] = SideInputs(**cat([p.anode for p in parts], SideInputs))
        kw["cathode"] = SideInputs(**cat([p.cathode for p in parts], SideInputs))
        kw["n"] = sum(p.n for p in parts)
        return Inputs(**kw)


def cathode_network_share(sse_volume_fraction, porosity):
    """Share of the composite cathode's solid face that is SSE (the rest is active
    material and carbon): the solid contacts at the planar interface that lead into
    the composite's SSE network rather than onto an active particle."""
    return np.minimum(1.0, np.asarray(sse_volume_fraction) / np.maximum(1.0 - np.asarray(porosity), 1e-9))


def _side_row(design: Design, side: str, iface: Interface) -> dict:
    P = parameters()
    sse = materials.get(design.electrolyte.material)
    electrode = materials.get(design.anode.material if side == "anode" else design.cathode.material)
    # SSE class of the [slei] table: garnets (Li2CO3/LiOH-covered) apart from other oxides
    chem = {"sulfide": "sulfide", "polymer": "polymer", "composite": "polymer"}.get(
        sse.chemistry, "garnet" if sse.family == "garnet" else "oxide")
    gap = P.interface_gap_um * 1e-4
    is_li = side == "anode" and electrode.id in ("Li", "LiIn")

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
        pores = design.cathode.porosity * design.cathode.thickness_um * 1e-4
    # a passivating interphase is a fixed film; an MCI is tracked as a growing resistance
    isig = (sse.interphase_conductivity_S_cm if side == "anode" and sse.interphase_conductivity_S_cm
            else P.passivating_interphase_conductivity_S_cm)
    r_int = P.passivating_interphase_thickness_nm * 1e-7 / isig if interphase == 1 else 0.0

    row = dict(
        hardness_MPa=h, interphase=interphase, interphase_r0_ohm_cm2=r_int,
        # Li+/H+-exchange layer on the garnet face the Li meets
        contamination=side == "anode" and "proton_exchange" in sse.sensitivities,
        therapy=THERAPY_CODE[iface.therapy], liquid_cm3_cm2=0.0,
        open_volume_cm3_cm2=gap + pores, pore_volume_cm3_cm2=pores, wettability=0.0,
        film_sigma_S_cm=1.0, film_Ea_eV=0.0, transfer_r0_ohm_cm2=0.0,
        transfer_growth_ohm2_cm4_h=0.0, transfer_Ea_eV=0.0, sei_r0_ohm_cm2=0.0,
        sei_growth_ohm2_cm4_h=0.0, consumes=False, layer_ohm_cm2=0.0, layer_Ea_eV=0.0,
        blocks_reduction=False, is_li=is_li,
        # at the cathode a solid contact touches either an SSE particle of the composite
        # (a way into its SSE network) or an active particle (a dead end: only that
        # particle's charge transfer); their shares follow the composite's solid volume
        network_share=1.0 if side == "anode" else float(
            cathode_network_share(design.cathode.sse_volume_fraction, design.cathode.porosity)),
    )
    effects: list[str] = []
    if iface.additive:
        effects += materials.get(iface.additive).effects
    liquid = materials.get(iface.liquid) if iface.liquid else None
    if liquid is not None and is_li and iface.therapy == "wetting":
        effects += liquid.effects

    if iface.therapy in ("wetting", "polymerization") and liquid is not None:
        # n-BuLi strips the Li2CO3/LiOH layer: the garnet then behaves as any oxide
        cls = "oxide" if chem == "garnet" and "removes_proton_exchange_layer" in effects else chem
        key = f"{cls}.{liquid.liquid_class}"
        slei = P.slei[key]
        row.update(
            wettability=max(0.0, math.cos(math.radians(liquid.contact_angle_deg))),
            film_sigma_S_cm=liquid.conductivity_S_cm,
            film_Ea_eV=liquid.conductivity_activation_energy_eV,
            transfer_r0_ohm_cm2=slei.r0_ohm_cm2, transfer_growth_ohm2_cm4_h=slei.growth_ohm2_cm4_h,
            transfer_Ea_eV=liquid.transfer_activation_energy_eV,
        )
        if is_li:
            sei = P.sei[liquid.anion]
            r0, k = sei.r0_ohm_cm2, sei.growth_ohm2_cm4_h
            if liquid.cation == "imidazolium":
                k += P.imidazolium_extra_ohm2_cm4_h
            if not liquid.salt:
                r0 += P.no_li_salt_extra_ohm_cm2
            if "lif_rich_sei" in effects:
                r0, k = 0.5 * r0, 0.5 * k
            row.update(sei_r0_ohm_cm2=r0, sei_growth_ohm2_cm4_h=k)
            if "blocks_sse_reduction" in effects and iface.therapy == "wetting":
                # Li pre-wetted by a liquid whose SEI keeps it from reducing the SSE: that
                # SEI also sits on the solid contact spots (Li|SEI|SSE), as a fixed layer
                row.update(layer_ohm_cm2=r0, layer_Ea_eV=P.interphase_activation_energy_eV)
    if iface.therapy == "wetting":
        row.update(liquid_cm3_cm2=iface.loading_uL_cm2 * 1e-3, consumes=True)
    elif iface.therapy == "polymerization":
        pre = materials.get(iface.precursor)
        conv = pre.conversion_fraction if pre.conversion_fraction is not None else 1.0
        row.update(
            liquid_cm3_cm2=iface.loading_uL_cm2 * 1e-3 * conv, consumes=False,
            wettability=max(row["wettability"], 0.9),  # monomers are low-viscosity, wetting
            film_sigma_S_cm=pre.polymer_conductivity_S_cm,
            film_Ea_eV=pre.polymer_activation_energy_eV,
            transfer_r0_ohm_cm2=P.polymer_transfer_ohm_cm2, transfer_growth_ohm2_cm4_h=0.0,
            transfer_Ea_eV=P.polymer_transfer_activation_energy_eV,
            sei_growth_ohm2_cm4_h=0.0, blocks_reduction=True,
        )
        if is_li:
            row["sei_r0_ohm_cm2"] = P.sei["TFSI"].r0_ohm_cm2
    elif iface.therapy == "reaction_layer":
        rea = materials.get(iface.reagent)
        row.update(
            layer_ohm_cm2=iface.thickness_nm * 1e-7 / rea.layer_conductivity_S_cm,
            layer_Ea_eV=rea.layer_activation_energy_eV, blocks_reduction=True,
            contamination=False,
        )
    if "removes_proton_exchange_layer" in effects:
        row["contamination"] = False
    if "blocks_sse_reduction" in effects:
        row["blocks_reduction"] = True
    return row


def _design_row(design: Design) -> dict:
    sse = materials.get(design.electrolyte.material)
    cath = materials.get(design.cathode.material)
    P = parameters()
    radius_um = design.cathode.particle_radius_um or cath.particle_radius_um or 2.0
    return dict(
        temperature_K=design.temperature_C + 273.15,
        pressure_MPa=design.stack_pressure_MPa,
        sse_sigma_S_cm=sse.conductivity_S_cm * design.electrolyte.relative_density ** 1.5,
        sse_Ea_eV=sse.activation_energy_eV,
        sse_thickness_cm=design.electrolyte.thickness_um * 1e-4,
        sse_ccd_mA_cm2=sse.critical_current_density_mA_cm2 or P.default_critical_current_mA_cm2,
        cathode_thickness_cm=design.cathode.thickness_um * 1e-4,
        cathode_porosity=design.cathode.porosity,
        cathode_sse_fraction=design.cathode.sse_volume_fraction,
        particle_radius_cm=radius_um * 1e-4,
        sse_particle_radius_cm=(design.cathode.sse_particle_radius_um or P.sse_particle_radius_um) * 1e-4,
        cathode_volume_change_percent=abs(cath.volume_change_percent),
        # spheres: surface = 3 V / r, V = loading / density
        cathode_active_area_cm2_cm2=3.0 * design.cathode.loading_mg_cm2 * 1e-3
        / cath.density_g_cm3 / (radius_um * 1e-4),
        cathode_i0_mA_cm2=cath.exchange_current_mA_cm2,
        cathode_i0_Ea_eV=cath.exchange_current_activation_energy_eV,
    )


def build_inputs(designs: list[Design], untreated: bool = False) -> Inputs:
    """Look up everything the model needs for ``designs`` (therapies removed if ``untreated``)."""
    if untreated:
        designs = [d.untreated() for d in designs]
    rows = [_design_row(d) for d in designs]
    sides = {s: [_side_row(d, s, d.interfaces[s]) for d in designs] for s in ("anode", "cathode")}

    def arrays(rs: list[dict]) -> dict:
        return {k: np.array([r[k] for r in rs]) for k in rs[0]}

    return Inputs(
        n=len(designs), **arrays(rows),
        anode=SideInputs(**arrays(sides["anode"])),
        cathode=SideInputs(**arrays(sides["cathode"])),
    )
