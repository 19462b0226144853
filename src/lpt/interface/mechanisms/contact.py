"""Solid contact between electrode and SSE: how much touches, and the constriction of
the current into the contact spots (docs/model.md §1.1)."""

from __future__ import annotations

import numpy as np

from lpt.interface.mechanisms.registry import SideView, mechanism
from lpt.parameters import parameters


@mechanism("contact", reference="Bowden & Tabor, The Friction and Lubrication of Solids (1950)")
def bowden_tabor(v: SideView) -> np.ndarray:
    """Real contact fraction of plastically yielding asperities, p / (p + H), saturating at 1."""
    p = v.x.pressure_MPa
    return p / (p + v.inputs.hardness_MPa)


def constriction_asr(sigma_S_cm: np.ndarray, phi: np.ndarray) -> np.ndarray:
    """Holm constriction of spots of radius a covering a fraction phi, with the
    Cooper–Mikic–Yovanovich flux-tube correction (1 − √phi)^1.5."""
    P = parameters()
    a = P.contact_spot_radius_um * 1e-4
    phi = np.clip(phi, 1e-9, 1.0)
    return np.pi * a / (4.0 * sigma_S_cm * phi) * (1.0 - np.sqrt(phi)) ** P.constriction_exponent
