"""The cathode's pore electrolyte of a design, for :mod:`lpt.cycling.electrolyte`.

A design whose cathode interface is wetted (a liquid) or polymerized (a precursor) has
that electrolyte in the composite's pores, up to what its loading fills: the liquid-filled
volume fraction ``ε_l = ε s``, ``s = min(1, V / (h_gap + ε L))`` (the same saturation as the
interface model, docs/model.md eq. 6).  Its Li⁺ transport comes from the knowledge base
(:mod:`lpt.materials.transport`), at the design's temperature: a VTF liquid is handed
over as the Arrhenius law through κ(T) with its local slope, and ``D`` follows κ (Walden).

Where the composite also has an SSE network, the two ionic phases share the current in
proportion to their steady Li⁺ conductances, ``ε_l^1.5 t⁺ κ`` and the network's
``σ_eff`` (:func:`lpt.interface.cathode_network.network_conductivity_S_cm`): the liquid's
salt sees only its share, and the ohmic drop through the thickness is that of the two in
parallel.  A dry cathode, and a liquid without Li⁺ of its own (a neat ionic liquid: it
carries none, the interface model leaves its pores unconnected), keep "no liquid phase".
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lpt import materials
from lpt.constants import ZERO_CELSIUS_K, arrhenius
from lpt.interface.cathode_network import coordination, network_conductivity_S_cm
from lpt.materials.transport import transport_of
from lpt.parameters import parameters

UM_TO_CM = 1e-4
NO_LIQUID = dict(electrolyte_li_mol_L=1.0, transference_number=1.0, electrolyte_diffusivity_m2_s=np.inf,
                 electrolyte_conductivity_S_cm=np.inf, electrolyte_activation_energy_eV=0.0,
                 filled_porosity=0.0, electrolyte_current_share=1.0, network_conductivity_S_cm=0.0)


def _record(design):
    iface = design.cathode_interface
    if iface.therapy == "polymerization" and iface.precursor:
        rec = materials.get(iface.precursor)
        return rec, iface.loading_uL_cm2 * (rec.conversion_fraction or 1.0)
    if iface.therapy == "wetting" and iface.liquid:
        return materials.get(iface.liquid), iface.loading_uL_cm2
    return None, 0.0


def pore_electrolyte(design) -> dict[str, float]:
    """Keyword arguments of :func:`lpt.cycling.cell_parameters` for one design's pore
    electrolyte (the defaults of "no liquid phase" where there is none)."""
    rec, loading_uL_cm2 = _record(design)
    t = transport_of(rec) if rec is not None else None
    if t is None or not t.carries_li or t.diffusivity_m2_s <= 0:
        return dict(NO_LIQUID)
    P, cath = parameters(), design.cathode
    T = design.temperature_C + ZERO_CELSIUS_K
    pores_cm = cath.porosity * cath.thickness_um * UM_TO_CM
    open_cm = P.interface_gap_um * UM_TO_CM + pores_cm
    sat = min(1.0, loading_uL_cm2 * 1e-3 / open_cm) if open_cm > 0 else 0.0
    filled = cath.porosity * sat
    if filled <= 0:
        return dict(NO_LIQUID)
    kappa_ref = float(t.reference_conductivity_S_cm(T))
    ea = float(t.local_activation_energy_eV(T))
    # D at T by Nernst–Einstein (∝ κ T), handed over as a 25 °C value with κ's local slope
    diffusivity_ref = float(t.diffusivity_at(T)) / float(arrhenius(ea, T))
    # the SSE network beside the liquid (its conductivity at T, as the liquid's)
    sse = materials.get(design.electrolyte.material)
    el = materials.get(cath.material)
    r_a = (cath.particle_radius_um or el.particle_radius_um or 2.0) * UM_TO_CM
    r_s = (cath.sse_particle_radius_um or P.sse_particle_radius_um) * UM_TO_CM
    active = cath.loading_mg_cm2 * 1e-3 / el.density_g_cm3 / (cath.thickness_um * UM_TO_CM)
    z_ss, _ = coordination(cath.sse_volume_fraction, active, r_s, r_a)
    sigma_sse = sse.conductivity_S_cm * arrhenius(sse.activation_energy_eV, T)
    net = float(network_conductivity_S_cm(sigma_sse, cath.sse_volume_fraction, z_ss)) if cath.sse_volume_fraction > 0 else 0.0
    liquid = filled**1.5 * t.transference_number * float(t.conductivity_at(T))
    return dict(electrolyte_li_mol_L=t.li_mol_L, transference_number=t.transference_number,
                electrolyte_diffusivity_m2_s=diffusivity_ref, electrolyte_conductivity_S_cm=kappa_ref,
                electrolyte_activation_energy_eV=ea, filled_porosity=filled,
                electrolyte_current_share=liquid / (liquid + net),
                # σ_eff of the network as a 25 °C value with the liquid's slope (exact at T)
                network_conductivity_S_cm=net / arrhenius(ea, T))


def pore_electrolytes(designs: Sequence) -> dict[str, list[float]]:
    """:func:`pore_electrolyte` for every design, as lists per keyword."""
    rows = [pore_electrolyte(d) for d in designs]
    return {k: [r[k] for r in rows] for k in NO_LIQUID}
