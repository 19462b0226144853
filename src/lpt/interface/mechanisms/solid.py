"""Series resistances on the solid contacts (per contact area; docs/model.md §1.2)."""

from __future__ import annotations

import numpy as np

from lpt.constants import F_C_MOL, R_J_MOLK, arrhenius
from lpt.interface.mechanisms.registry import (
    CHARGE_TRANSFER_CPE_ALPHA, DOUBLE_LAYER_CAPACITANCE_F_CM2, FILM_CAPACITANCE_F_CM2, FILM_CPE_ALPHA,
    SideView, mechanism,
)

_FILM = dict(capacitance_F_cm2=FILM_CAPACITANCE_F_CM2, cpe_alpha=FILM_CPE_ALPHA)


@mechanism("solid", **_FILM, reference="Wenzel et al., Chem. Mater. 28 (2016) 2400; Solid State Ionics 318 (2018) 102")
def interphase(v: SideView) -> np.ndarray:
    """The interphase the SSE forms with the electrode: thickness / its Li⁺ conductivity
    (chemistry engine; passivating or growing, docs/model.md §1.6)."""
    g = arrhenius(v.parameters.interphase_activation_energy_eV, v.temperature_K)
    sigma = v.inputs.interphase_sigma_S_cm * g
    return np.where(np.isfinite(sigma), v.state.interphase_cm / sigma, 0.0)


@mechanism("solid", **_FILM, reference="Sharafi et al., Chem. Mater. 29 (2017) 7961")
def contamination(v: SideView) -> np.ndarray:
    """Li2CO3/LiOH from Li⁺/H⁺ exchange on a garnet's surface: t / σ(T), t the design's
    ``[electrolyte] surface_layer_nm`` (0 for a cleaned surface) or the air-handled default."""
    P = v.parameters
    sigma = (P.garnet_contamination_conductivity_S_cm
             * arrhenius(P.garnet_contamination_activation_energy_eV, v.temperature_K))
    return np.where(v.inputs.contamination, v.inputs.contamination_cm / sigma, 0.0)


@mechanism("solid", **_FILM, reference="review (seed) §3.3: designed interlayers")
def reaction_layer(v: SideView) -> np.ndarray:
    """A designed layer (or an SEI that sits on the contact spots): t / σ(T)."""
    s = v.inputs
    return s.layer_ohm_cm2 / arrhenius(s.layer_Ea_eV, v.temperature_K)


@mechanism("solid", capacitance_F_cm2=DOUBLE_LAYER_CAPACITANCE_F_CM2, cpe_alpha=CHARGE_TRANSFER_CPE_ALPHA,
           reference="Krauskopf et al., ACS Appl. Mater. Interfaces 11 (2019) 14463")
def charge_transfer(v: SideView) -> np.ndarray:
    """Linearized Butler–Volmer at the Li|SSE contact, R_ct = R T / (F i0); 0 off Li."""
    P, T = v.parameters, v.temperature_K
    i0_A_cm2 = P.li_sse_exchange_current_mA_cm2 * 1e-3 * arrhenius(P.interphase_activation_energy_eV, T)
    if v.side != "anode":
        return np.zeros_like(T)
    return np.where(v.inputs.is_li, R_J_MOLK * T / (F_C_MOL * i0_A_cm2), 0.0)
