"""How an interface changes with time and charge (docs/model.md §3).

Each law returns a :class:`Growth` computed from the state at the start of the
interval; :func:`lpt.interface.advance` applies them together.
"""

from __future__ import annotations

import numpy as np

from lpt.constants import arrhenius
from lpt.interface.chemistry.growth import interphase_thickness_cm
from lpt.interface.mechanisms.registry import Growth, SideView, mechanism


def _film_cm(r2_old: np.ndarray, r2_new: np.ndarray, v: SideView) -> np.ndarray:
    """Film thickness that a rise in resistance means (film resistivity ρ_film)."""
    return (np.sqrt(r2_new) - np.sqrt(r2_old)) / v.parameters.film_resistivity_ohm_cm


@mechanism("growth", reference="parabolic growth R² = R0² + k t: Liu, ..., Janek, Bruce, Joule 3 (2019) 2030")
def slei_growth(v: SideView) -> Growth:
    """SLEI + desolvation layer under a reacting liquid thickens parabolically."""
    s, st = v.inputs, v.state
    k = np.where(v.wet & s.consumes, s.transfer_growth_ohm2_cm4_h * arrhenius(s.transfer_Ea_eV, v.temperature_K), 0.0)
    r2 = st.transfer_r2 + k * v.dt_h
    return Growth({"transfer_r2": r2}, film_cm=_film_cm(st.transfer_r2, r2, v))


@mechanism("growth", reference="Peled & Menkin, J. Electrochem. Soc. 164 (2017) A1703; Li|PEO-LiTFSI: "
           "Li et al., J. Power Sources 94 (2001) 201")
def sei_growth(v: SideView) -> Growth:
    """The SEI on Li under a liquid or an in-situ polymer thickens parabolically; it stores Li
    taken from the metal.  A liquid's SEI consumes the liquid; a polymer's (from its salt)
    does not take measurable polymer volume."""
    s, st = v.inputs, v.state
    g = arrhenius(v.parameters.interphase_activation_energy_eV, v.temperature_K)
    k = np.where(v.wet & s.is_li, s.sei_growth_ohm2_cm4_h * g, 0.0)
    r2 = st.sei_r2 + k * v.dt_h
    film = _film_cm(st.sei_r2, r2, v)
    return Growth({"sei_r2": r2}, film_cm=np.where(s.consumes, film, 0.0), li_film_cm=film)


@mechanism("growth", reference="Fang et al., Nature 572 (2019) 511 (SEI Li⁺ vs dead Li per cycle); "
           "lpt.interface.chemistry coulombic efficiency")
def fresh_sei(v: SideView) -> Growth:
    """Fresh Li exposed by plating/stripping under the liquid re-forms SEI: the Li lost per
    cycle is (1 − CE) of the Li cycled, CE from the liquid's SEI (chemistry engine); it is
    shed with dead Li, so it consumes liquid and Li without adding resistance."""
    s = v.inputs
    li_mAh_cm2 = np.where(v.wet & s.consumes & s.is_li, s.li_loss_per_mAh * v.strip_mAh_cm2, 0.0)
    film = np.where(s.sei_li_mAh_cm3 > 0, li_mAh_cm2 / np.maximum(s.sei_li_mAh_cm3, 1e-12), 0.0)
    return Growth(film_cm=film, li_film_cm=film)


@mechanism("growth", reference="Wagner, Z. Phys. Chem. B 21 (1933) 25; Wenzel et al., Chem. Mater. 28 (2016) 2400; "
           "Aktekin et al., Nat. Commun. 14 (2023)")
def mixed_conducting_interphase(v: SideView) -> Growth:
    """The SSE's interphase on the solid contacts grows by Wagner's law from its ambipolar
    conductivity, behind whatever covers the electrode (an insulating SEI or designed layer
    lets few electrons through); the Li it takes comes from the metal."""
    P, s, st = v.parameters, v.inputs, v.state
    g = arrhenius(P.interphase_activation_energy_eV, v.temperature_K)
    L = interphase_thickness_cm(st.interphase_cm, s.interphase_ambipolar_S_cm * g, s.interphase_molar_volume_cm3_mol,
                                s.interphase_driving_V, v.dt_h, s.cover_cm, s.cover_sigma_e_S_cm * g)
    li = v.contact_fraction * (L - st.interphase_cm) * s.interphase_li_mAh_cm3
    return Growth({"interphase_cm": L}, li_mAh_cm2=li)

