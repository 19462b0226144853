"""Series resistances on the liquid (or polymer) path (per wetted area; docs/model.md §1.3)."""

from __future__ import annotations

import numpy as np

from lpt.constants import arrhenius
from lpt.interface.mechanisms.registry import FILM_CAPACITANCE_F_CM2, FILM_CPE_ALPHA, SideView, mechanism

_FILM = dict(capacitance_F_cm2=FILM_CAPACITANCE_F_CM2, cpe_alpha=FILM_CPE_ALPHA)


# ohmic drop in a µm liquid gap: its dielectric τ (ns) is far above any measured
# frequency, so the stack circuit draws it as a plain resistor
@mechanism("liquid", reference="Ohm's law across the interfacial gap")
def liquid_film(v: SideView) -> np.ndarray:
    s = v.inputs
    gap_cm = v.parameters.interface_gap_um * 1e-4
    return gap_cm / (s.film_sigma_S_cm * arrhenius(s.film_Ea_eV, v.temperature_K))


@mechanism("liquid", **_FILM, reference="Schleutker et al., Phys. Chem. Chem. Phys. 19 (2017) 26596")
def slei(v: SideView) -> np.ndarray:
    """Li⁺ transfer across liquid|SSE: SLEI and desolvation, Arrhenius in its own Ea."""
    s = v.inputs
    return np.sqrt(v.state.transfer_r2) / arrhenius(s.transfer_Ea_eV, v.temperature_K)


@mechanism("liquid", **_FILM, reference="Peled & Menkin, J. Electrochem. Soc. 164 (2017) A1703")
def sei(v: SideView) -> np.ndarray:
    """The SEI the liquid forms on Li."""
    return np.sqrt(v.state.sei_r2) / arrhenius(v.parameters.interphase_activation_energy_eV, v.temperature_K)
