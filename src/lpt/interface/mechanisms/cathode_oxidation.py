"""Oxidation of the pore liquid at the cathode: a CEI on the wetted active surface.

A liquid whose oxidation limit (``window_high_V`` of the knowledge base) lies near or
below the potential the charged cathode reaches (its upper cut-off) is oxidized on the
active surface it wets.  The cathode–electrolyte interphase (CEI) it leaves thickens
parabolically (it passivates, as the SEI does), faster the further the cathode's
potential is beyond the liquid's limit — Tafel-like, one decade per
``liquid_oxidation_tafel_V``::

    L² ← L² + 2 k_on 10^((U_top − U_ox)/b) g(T) Δt

(``k_on`` the growth at the limit itself; g the interphases' Arrhenius factor).  The CEI

- adds ``L ρ_film`` per wetted active area in series for the current that enters the
  particles through the liquid (:func:`cei_resistance_ohm_cm2`);
- consumes liquid, ``ν`` volumes per volume of film, and Li, ``c_Li`` per volume of film
  (as the SEI: ``liquid_per_film_volume``, ``sei_li_capacity_mAh_cm3``), over the wetted
  active area ``a_s a(s)``;
- reconstructs the host's surface under it into an electrochemically inactive layer
  (rock-salt/spinel on layered oxides exposed to an oxidizing electrolyte: Lin et al.,
  Nat. Commun. 5 (2014) 3529; Jung et al., J. Electrochem. Soc. 164 (2017) A1361) of depth
  ``cei_reconstruction_depth_per_film × L``, which costs ``3 δ / r`` of every wetted
  particle's capacity.

The loss scales with the wetted active area, while the connected fraction saturates once
the liquid bridges the network, so an unstable liquid has an optimum content (Cheng,
Shoji, Abe & Kanamura, iScience 25 (2022) 103896: ~11 wt% ionic liquid in an LCO|LLZO
cathode, capacity fade from the liquid's instability).  A liquid stable at the cathode's
potential grows none.
"""

from __future__ import annotations

import numpy as np

from lpt.constants import arrhenius
from lpt.interface.cathode_network import wetted_area_share
from lpt.interface.chemistry.growth import interphase_thickness_cm
from lpt.interface.mechanisms.registry import Growth, SideView, mechanism


def oxidation_rate_cm2_h(v: SideView) -> np.ndarray:
    """Parabolic CEI growth constant 2 k (cm² h⁻¹) on the wetted active surface."""
    P, s = v.parameters, v.inputs
    over = v.x.cathode_upper_V - s.oxidation_onset_V
    k = P.cei_growth_at_onset_nm2_h * 1e-14 * np.power(10.0, over / P.liquid_oxidation_tafel_V)
    k = k * arrhenius(P.interphase_activation_energy_eV, v.temperature_K)
    return np.where(s.consumes & np.isfinite(s.oxidation_onset_V), 2.0 * k, 0.0)


def wetted_active_area_cm2_cm2(v: SideView) -> np.ndarray:
    """Active surface the pore liquid wets, per geometric area (capillary filling)."""
    return v.x.cathode_active_area_cm2_cm2 * wetted_area_share(v.saturation) * (v.inputs.wettability > 0)


@mechanism("growth", sides=("cathode",), reference="Cheng et al., iScience 25 (2022) 103896; "
           "Lin et al., Nat. Commun. 5 (2014) 3529")
def cathode_liquid_oxidation(v: SideView) -> Growth:
    """CEI from the pore liquid oxidized at the charged cathode's potential."""
    P, st = v.parameters, v.state
    old = st.cei_thickness_cm
    new = np.sqrt(old**2 + oxidation_rate_cm2_h(v) * v.dt_h)
    grown = (new - old) * wetted_active_area_cm2_cm2(v)       # film volume per geometric area
    depth = P.cei_reconstruction_depth_per_film * new
    lost = np.minimum(1.0, 3.0 * depth / v.x.particle_radius_cm) * wetted_area_share(v.saturation)
    return Growth({"cei_thickness_cm": new, "active_lost_fraction": np.maximum(st.active_lost_fraction, lost)},
                  liquid_cm3_cm2=P.liquid_per_film_volume * grown,
                  li_mAh_cm2=P.sei_li_capacity_mAh_cm3 * grown)


@mechanism("growth", sides=("cathode",), reference="Zhu, He & Mo, ACS Appl. Mater. Interfaces 7 (2015) 23685; "
           "Koerver et al., Chem. Mater. 29 (2017) 5574; Zhang et al., ACS Appl. Mater. Interfaces 10 (2018) 22226")
def sse_oxidation(v: SideView) -> Growth:
    """The sulfide SSE oxidized by the cathode on the composite's active|SSE contacts:
    Wagner growth (eq. W) of a Li-poor layer driven by the cathode's mean potential above
    the SSE's onset, electron-limited behind a coating on the particles.  Its Li⁺ goes
    into the cell's electrolyte, not into the Li metal."""
    P, x = v.parameters, v.x
    g = arrhenius(P.interphase_activation_energy_eV, v.temperature_K)
    new = interphase_thickness_cm(v.state.sse_oxidation_cm, P.sse_oxidation_ambipolar_S_cm * g,
                                  P.sse_oxidation_molar_volume_cm3_mol, x.sse_oxidation_driving_V, v.dt_h,
                                  x.cathode_coating_cm, P.cathode_coating_electronic_conductivity_S_cm * g)
    return Growth({"sse_oxidation_cm": new})


def sse_oxidation_resistance_ohm_cm2(x, st, temperature_K, utilization) -> np.ndarray:
    """The SSE's oxidation layer in series for the current entering the connected particles
    through the SSE, per geometric area: ``L / (σ_ox a_s u)`` (on the same active surface
    as the particles' charge transfer)."""
    from lpt.parameters import parameters

    P = parameters()
    sigma = P.sse_oxidation_conductivity_S_cm * arrhenius(P.interphase_activation_energy_eV, temperature_K)
    area = x.cathode_active_area_cm2_cm2 * np.maximum(utilization, 1e-9)
    return np.where(area > 0, st.cathode.sse_oxidation_cm / sigma / np.maximum(area, 1e-300), 0.0)


def cei_resistance_ohm_cm2(x, st, saturation, utilization) -> np.ndarray:
    """The CEI in series for the current entering the connected particles through the
    liquid, per geometric area: ``L ρ_film / (a_s a(s) u)``."""
    from lpt.parameters import parameters

    area = x.cathode_active_area_cm2_cm2 * wetted_area_share(saturation) * np.maximum(utilization, 1e-9)
    r = st.cathode.cei_thickness_cm * parameters().film_resistivity_ohm_cm
    return np.where(area > 0, r / np.maximum(area, 1e-300), 0.0)
