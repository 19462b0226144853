"""The interphase layers of a design's interfaces, as the chemistry engine sees them
(`lpt asr --json`: ``interfaces.{anode,cathode}.layers``; docs/cli.md).

Anode: the SEI the wetting liquid forms on Li (inner inorganic, outer organic layer, as
assembled) and the SSE's own interphase with the electrode; at the liquid|SSE boundary
the films the liquid grows there.  Cathode: the CEI the liquid forms on the cathode at
its upper cut-off.  Thicknesses are those at assembly (``mci_assembly_hours``).
"""

from __future__ import annotations

from lpt import materials
from lpt.design import Design
from lpt.interface.chemistry import (
    electrode_interphase, liquid_composition, oxidation_interphase, reduction_interphase, sei_growth, slei_films,
)

CEI_THICKNESS_NM = 5.0   # "CEI ... only several nanometers thick" (review §2.2.2)


def interface_layers(design: Design, side: str) -> list[dict]:
    iface = design.interfaces[side]
    sse = materials.get(design.electrolyte.material)
    electrode = materials.get(design.anode.material if side == "anode" else design.cathode.material)
    liquid = materials.get(iface.liquid) if getattr(iface, "liquid", None) else None
    additive = materials.get(iface.additive) if getattr(iface, "additive", None) else None
    comp = liquid_composition(liquid, additive) if liquid is not None else None
    out: list[dict] = []
    if side == "anode":
        if comp is not None and electrode.id in ("Li", "LiIn"):
            g = sei_growth(comp)
            ip = reduction_interphase(comp, 0.0)
            for lay in ip.layers:
                out.append(lay.record(g.initial_cm * 1e7 * lay.volume_cm3 / ip.volume_cm3))
        if electrode.id in ("Li", "LiIn"):
            g = electrode_interphase(sse, electrode)
            if g is not None:
                rec = g.layer.record(g.initial_cm * 1e7)
                rec["electronic_conductivity_S_cm"] = g.electronic_S_cm
                rec["ionic_conductivity_S_cm"] = g.ionic_S_cm
                rec["kind"] = g.kind
                out.append(rec)
    elif comp is not None and electrode.upper_cutoff_V:
        ip = oxidation_interphase(comp, electrode.upper_cutoff_V)
        if ip is not None:
            out.append(ip.whole.record(CEI_THICKNESS_NM))
    if comp is not None:
        for film in slei_films(sse, comp):
            out.append(film.layer.record(film.thickness_cm * 1e7))
    return out
