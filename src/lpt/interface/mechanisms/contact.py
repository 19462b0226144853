"""Solid contact between electrode and SSE: how much touches, how large the spots are,
and the constriction of the current into them (docs/model.md §1.1–1.2).

Li side: a soft metal pressed on a hard, rough ceramic. Li flows (power-law creep) at
stresses far below the ceramic's hardness, so it meets every summit of the SSE surface
almost at once; more pressure widens each contact patch. The spots keep the spacing of
the surface's summits and grow, ``a = spacing · sqrt(φ/π)``, so the constriction falls as
``φ^-1/2`` — the measured ``R ∝ P^-0.5`` at low pressure (arXiv:2501.00600, Li6PS5Cl) —
instead of ``φ^-1`` for spots of fixed size. The contact fraction is Bowden–Tabor at the
Li's flow hardness at the cell's temperature and the highest pressure the Li has seen
(attachment or stack: a metal keeps its plastic deformation).

A polymer SSE above its melting point (PEO-LiTFSI, ~60 °C) is a melt, softer than Li and
without a yield stress: it flows into the Li's roughness and touches it everywhere (contact
fraction 1); below it, semicrystalline PEO (yield strength of several MPa) is the harder body
and the Li's law applies.

Cathode side: a porous composite layer pressed on a ceramic. Only its solid face (a
fraction ``1 − ε`` of the area) can touch: the contact is Bowden–Tabor, ``p/(p + H)``,
capped at ``1 − ε``, at the highest pressure the layer saw — its cold-pressing
(``cathode.fabrication_pressure_MPa``) or the stack: the composite keeps its plastic
deformation, so a stack pressure below the pressing pressure only holds the contacts; the pore mouths stay open to the liquid whatever the
pressure, so pressing harder cannot squeeze a wetting liquid out of the interface.
"""

from __future__ import annotations

import numpy as np

from lpt.interface.mechanisms.li_metal import li_flow_hardness_MPa, sse_molten
from lpt.interface.mechanisms.registry import SideView, mechanism
from lpt.parameters import parameters

UM_TO_CM = 1e-4


def bowden_tabor(pressure_MPa: np.ndarray, hardness_MPa: np.ndarray) -> np.ndarray:
    """Real contact fraction of plastically yielding asperities, p / (p + H) (saturates at 1)."""
    return pressure_MPa / (pressure_MPa + hardness_MPa)


@mechanism("contact", reference="Bowden & Tabor, The Friction and Lubrication of Solids (1950); "
           "LePage et al., J. Electrochem. Soc. 166 (2019) A89 (Li power-law creep)")
def contact_law(v: SideView) -> np.ndarray:
    """Li: p/(p + 3σ_flow(T)) at the attachment/stack pressure (1 on a molten polymer SSE);
    cathode: min(p/(p + H), 1 − ε), Bowden–Tabor capped at the composite's solid face."""
    x, s = v.x, v.inputs
    if v.side == "anode":
        hardness = np.where(s.li_metal, li_flow_hardness_MPa(s.hardness_MPa, v.temperature_K), s.hardness_MPa)
        # a polymer SSE above its melting point is the softer body and has no yield stress:
        # it flows into the electrode's roughness and touches it everywhere
        return np.where(sse_molten(x, v.temperature_K), 1.0, bowden_tabor(x.contact_pressure_MPa, hardness))
    return np.minimum(bowden_tabor(x.cathode_contact_pressure_MPa, s.hardness_MPa), 1.0 - x.cathode_porosity)


def spot_radius_cm(v: SideView, phi: np.ndarray) -> np.ndarray:
    """Radius of the contact spots: growing patches at a fixed spacing on Li, fixed at the cathode."""
    P = parameters()
    fixed = np.full_like(np.asarray(phi, float), P.contact_spot_radius_um * UM_TO_CM)
    if v.side != "anode":
        return fixed
    growing = v.x.li_spot_spacing_cm * np.sqrt(np.clip(phi, 0.0, 1.0) / np.pi)
    return np.where(v.inputs.li_metal, growing, fixed)


def constriction_asr(sigma_S_cm: np.ndarray, phi: np.ndarray, spot_radius_cm: np.ndarray) -> np.ndarray:
    """Holm constriction of spots of radius a covering a fraction phi, with the
    Cooper–Mikic–Yovanovich flux-tube correction (1 − √phi)^1.5."""
    P = parameters()
    phi = np.clip(phi, 1e-9, 1.0)
    a = np.maximum(spot_radius_cm, 1e-12)
    return np.pi * a / (4.0 * sigma_S_cm * phi) * (1.0 - np.sqrt(phi)) ** P.constriction_exponent
