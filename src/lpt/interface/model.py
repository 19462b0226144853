"""The interface model: ASR of treated and untreated SSE|electrode interfaces.

Pure, vectorized functions over :class:`~lpt.interface.inputs.Inputs` (one array
entry per design).  Each mechanism is a small function with the signature
``mechanism(side, state, T_K, x) -> arrays`` so that adding one touches one place.
Equations, symbols and references: docs/model.md.

Per interface, current flows through two parallel paths that share the
constriction in the SSE (Holm; Cooper–Mikic–Yovanovich)::

    ASR = pi a / (4 sigma_SSE phi) (1 - sqrt(phi))^1.5  +  1 / (f_c / r_s + f_w / r_l)
    phi = f_c + f_w

with ``f_c`` the solid contact fraction (Bowden–Tabor, ``p / (p + H)``), ``r_s`` the
specific resistance of a solid contact (interphase, contamination, reaction layer,
charge transfer), ``f_w`` the wetted fraction and ``r_l`` the specific resistance
of the liquid path (film, SLEI/desolvation, SEI).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from lpt.constants import F_C_MOL, K_B_EV, R_J_MOLK
from lpt.interface.inputs import Inputs, SideInputs
from lpt.interface.params import parameters


def arrhenius(Ea_eV: np.ndarray | float, T_K: np.ndarray | float) -> np.ndarray:
    """Conductance (or rate) factor relative to the reference temperature (25 °C)."""
    T_ref = parameters().reference_temperature_C + 273.15
    return np.exp(np.multiply(Ea_eV, -(1.0 / np.asarray(T_K) - 1.0 / T_ref) / K_B_EV))


@dataclass
class SideState:
    """How one interface has evolved (arrays, one entry per design)."""

    age_h: np.ndarray
    transfer_r2: np.ndarray          # (SLEI + desolvation ASR)^2, Ω² cm⁴, per wetted area
    sei_r2: np.ndarray               # (Li|liquid SEI ASR)^2, per wetted area
    interphase_r2: np.ndarray        # (SSE/electrode interphase ASR per contact area)^2
    liquid_consumed_cm3_cm2: np.ndarray
    contact_retention: np.ndarray    # solid contact kept against voids / volume change
    li_consumed_mAh_cm2: np.ndarray  # Li metal turned into SEI under the liquid


@dataclass
class State:
    anode: SideState
    cathode: SideState
    solid_network_retention: np.ndarray  # SSE network in the composite cathode


def _initial_side(s: SideInputs, n: int) -> SideState:
    P = parameters()
    mci = (s.interphase == 2) & ~s.blocks_reduction
    r2 = np.where(mci, 2.0 * P.mci_growth_ohm2_cm4_h * P.mci_assembly_hours, s.interphase_r0_ohm_cm2 ** 2)
    return SideState(
        age_h=np.zeros(n), transfer_r2=s.transfer_r0_ohm_cm2 ** 2, sei_r2=s.sei_r0_ohm_cm2 ** 2,
        interphase_r2=r2, liquid_consumed_cm3_cm2=np.zeros(n), contact_retention=np.ones(n),
        li_consumed_mAh_cm2=np.zeros(n),
    )


def initial_state(x: Inputs) -> State:
    """The interface as assembled (after the therapy, before cycling)."""
    return State(anode=_initial_side(x.anode, x.n), cathode=_initial_side(x.cathode, x.n),
                 solid_network_retention=np.ones(x.n))


# --- mechanisms -------------------------------------------------------------

def contact_fraction(pressure_MPa: np.ndarray, hardness_MPa: np.ndarray) -> np.ndarray:
    """Bowden–Tabor real contact fraction of yielding asperities, saturating at 1."""
    return pressure_MPa / (pressure_MPa + hardness_MPa)


def liquid_saturation(s: SideInputs, st: SideState) -> np.ndarray:
    """Fraction of the open volume (interface gap + cathode pores) that liquid fills.

    Capillarity fills gap and pores alike; more liquid than the open volume stays as
    a reservoir at the edges and refills what reactions consume.
    """
    remaining = np.maximum(s.liquid_cm3_cm2 - st.liquid_consumed_cm3_cm2, 0.0)
    return np.minimum(1.0, remaining / np.maximum(s.open_volume_cm3_cm2, 1e-12))


def _fractions(s: SideInputs, st: SideState, p: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    f_c = contact_fraction(p, s.hardness_MPa) * st.contact_retention
    sat = liquid_saturation(s, st)
    f_w = (1.0 - f_c) * s.wettability * sat
    return f_c, f_w, sat


def constriction_asr(sigma: np.ndarray, phi: np.ndarray) -> np.ndarray:
    """Holm constriction of spots of radius a covering a fraction phi (CMY correction)."""
    P = parameters()
    a = P.contact_spot_radius_um * 1e-4
    phi = np.clip(phi, 1e-9, 1.0)
    return np.pi * a / (4.0 * sigma * phi) * (1.0 - np.sqrt(phi)) ** P.constriction_exponent


def solid_path(s: SideInputs, st: SideState, T: np.ndarray, side: str) -> dict[str, np.ndarray]:
    """Specific resistances (per contact area) of a solid SSE|electrode contact."""
    P = parameters()
    g_int = arrhenius(P.interphase_activation_energy_eV, T)
    interphase = np.sqrt(st.interphase_r2) / g_int
    contam = np.where(
        s.contamination,
        P.garnet_contamination_thickness_nm * 1e-7
        / (P.garnet_contamination_conductivity_S_cm * arrhenius(P.garnet_contamination_activation_energy_eV, T)),
        0.0,
    )
    layer = s.layer_ohm_cm2 / arrhenius(s.layer_Ea_eV, T)
    if side == "anode":
        # linearized Butler–Volmer at the Li|SSE contact: R_ct = RT / (F i0)
        i0 = P.li_sse_exchange_current_mA_cm2 * 1e-3 * g_int
        ct = np.where(s.is_li, R_J_MOLK * T / (F_C_MOL * i0), 0.0)
    else:
        ct = np.zeros_like(T)
    return {"interphase": interphase, "contamination": contam, "reaction_layer": layer,
            "charge_transfer": ct}


def liquid_path(s: SideInputs, st: SideState, T: np.ndarray) -> dict[str, np.ndarray]:
    """Specific resistances (per wetted area) of the liquid (or polymer) path."""
    P = parameters()
    gap = P.interface_gap_um * 1e-4
    film = gap / (s.film_sigma_S_cm * arrhenius(s.film_Ea_eV, T))
    transfer = np.sqrt(st.transfer_r2) / arrhenius(s.transfer_Ea_eV, T)
    sei = np.sqrt(st.sei_r2) / arrhenius(P.interphase_activation_energy_eV, T)
    return {"liquid_film": film, "slei": transfer, "sei": sei}


@dataclass
class SideResult:
    asr_ohm_cm2: np.ndarray
    components_ohm_cm2: dict[str, np.ndarray]
    contact_fraction: np.ndarray
    wetted_fraction: np.ndarray
    saturation: np.ndarray
    solid_current_share: np.ndarray   # share of the current crossing solid contacts
    constriction_ohm_cm2: np.ndarray
    network_ohm_cm2: np.ndarray       # solid-network ‖ liquid paths (per geometric area)
    direct_conductance_S_cm2: np.ndarray  # solid contacts onto active particles (cathode)


@dataclass
class Result:
    temperature_K: np.ndarray
    bulk_ohm_cm2: np.ndarray
    anode: SideResult
    cathode: SideResult
    cathode_utilization: np.ndarray
    local_current_factor: np.ndarray      # solid-contact current density vs the dry as-assembled one
    liquid_remaining_fraction: np.ndarray
    cathode_charge_transfer_ohm_cm2: np.ndarray  # RT/(F i0 a u_net): network-connected particles
    cathode_interfacial_ohm_cm2: np.ndarray      # cathode side as an impedance fit sees it
    cathode_direct_utilization: np.ndarray       # particles reached only by direct solid contacts
    extras: dict[str, np.ndarray] = field(default_factory=dict)


def contact_charge_transfer(x: Inputs, T: np.ndarray) -> np.ndarray:
    """Linearized Butler–Volmer R T/(F i0) of the cathode material (per particle area)."""
    i0 = x.cathode_i0_mA_cm2 * 1e-3 * arrhenius(x.cathode_i0_Ea_eV, T)
    return R_J_MOLK * T / (F_C_MOL * i0)


def interface_asr(x: Inputs, s: SideInputs, st: SideState, T: np.ndarray, side: str) -> SideResult:
    """Constriction, and the solid-network, direct-contact and liquid paths of one side.

    The returned ``asr_ohm_cm2`` is constriction + network ‖ liquid; at the cathode,
    :func:`evaluate` then weights the network part by the share of the connected
    active material that sits behind it (direct contacts end on a particle, whose
    charge transfer the cycling model's kinetics carries).
    """
    f_c, f_w, sat = _fractions(s, st, x.pressure_MPa)
    sigma = x.sse_sigma_S_cm * arrhenius(x.sse_Ea_eV, T)
    solid = solid_path(s, st, T, side)
    liquid = liquid_path(s, st, T)
    r_s = sum(solid.values())
    r_l = sum(liquid.values())
    f_net = f_c * s.network_share
    f_dir = f_c - f_net
    r_ct = contact_charge_transfer(x, T) if side == "cathode" else np.zeros_like(T)
    r_d = r_s + r_ct
    with np.errstate(divide="ignore", invalid="ignore"):
        g_net = f_net / np.maximum(r_s, 1e-12)
        g_liq = np.where(f_w > 0, f_w / r_l, 0.0)
        g_dir = np.where(f_dir > 0, f_dir / r_d, 0.0)
        network = np.where(g_net + g_liq > 0, 1.0 / (g_net + g_liq), np.inf)
        constr = constriction_asr(sigma, f_c + f_w)
        asr = constr + network
        comps = {"constriction": constr,
                 "solid_path": np.where(f_net > 0, r_s / np.where(f_net > 0, f_net, 1.0), np.inf),
                 "liquid_path": np.where(f_w > 0, r_l / np.where(f_w > 0, f_w, 1.0), np.inf)}
        for k, v in solid.items():
            comps[f"solid_{k}"] = np.where(f_net > 0, v / np.where(f_net > 0, f_net, 1.0), np.inf)
        if side == "cathode":
            comps["direct_contact_path"] = np.where(f_dir > 0, r_d / np.where(f_dir > 0, f_dir, 1.0), np.inf)
            comps["direct_charge_transfer"] = np.where(f_dir > 0, r_ct / np.where(f_dir > 0, f_dir, 1.0), np.inf)
        for k, v in liquid.items():
            comps[k] = np.where(f_w > 0, v / np.where(f_w > 0, f_w, 1.0), np.inf)
        total = g_net + g_liq + g_dir
        share = np.where(total > 0, g_net / total, 1.0)
    return SideResult(asr, comps, f_c, f_w, sat, share, constr, network, g_dir)


def cathode_utilization(x: Inputs, cath: SideResult, st: State) -> tuple[np.ndarray, np.ndarray]:
    """Fraction of the active material that is ionically connected, and the part of it
    reached only by direct solid contacts at the planar interface.

    Particles in the first layer touch the SSE through the planar interface; the rest
    need a percolating ionic phase inside the composite: the SSE network (degraded by
    volume change) plus the liquid or polymer filling the pores.  Percolation:
    P = ((phi - phi_c)/(phi_full - phi_c))^beta (Stauffer & Aharony; Bielefeld 2019).
    """
    P = parameters()
    # Small active particles among large SSE particles are touched at few points
    # (Strauss et al. 2018): the solid network reaches a fraction kappa of them; a
    # wetting liquid bridges the rest of the SSE-particle gaps.
    kappa = x.particle_radius_cm / (x.particle_radius_cm + x.sse_particle_radius_cm)
    wet = cath.saturation * x.cathode.wettability
    phi = (wet * x.cathode_porosity
           + x.cathode_sse_fraction * st.solid_network_retention * (kappa + (1.0 - kappa) * wet))
    frac = np.clip((phi - P.percolation_threshold)
                   / (P.full_connection_fraction - P.percolation_threshold), 0.0, 1.0)
    perc = frac ** P.percolation_exponent
    first_layer = np.minimum(1.0, 2.0 * x.particle_radius_cm / x.cathode_thickness_cm)
    u_surface = first_layer * np.minimum(1.0, cath.contact_fraction + cath.wetted_fraction)
    u = u_surface + (1.0 - u_surface) * perc
    u_direct = (first_layer * cath.contact_fraction * (1.0 - x.cathode.network_share)
                * (1.0 - perc))
    return u, np.minimum(u_direct, u)


def evaluate(x: Inputs, st: State | None = None, temperature_K: np.ndarray | float | None = None) -> Result:
    """ASR of both interfaces, bulk, utilization and dendrite indicator for a batch."""
    st = initial_state(x) if st is None else st
    T = x.temperature_K if temperature_K is None else np.broadcast_to(
        np.asarray(temperature_K, float), (x.n,))
    bulk = x.sse_thickness_cm / (x.sse_sigma_S_cm * arrhenius(x.sse_Ea_eV, T))
    an = interface_asr(x, x.anode, st.anode, T, "anode")
    ca = interface_asr(x, x.cathode, st.cathode, T, "cathode")
    util, u_dir = cathode_utilization(x, ca, st)
    u_net = util - u_dir
    # the connected particles behind the network see its resistance, the directly
    # touched ones do not: the cycling model gets the utilization-weighted mean
    w = np.where(util > 0, u_net / np.maximum(util, 1e-300), 0.0)
    net = np.where(np.isfinite(ca.network_ohm_cm2), ca.network_ohm_cm2, 0.0)
    ca.asr_ohm_cm2 = ca.constriction_ohm_cm2 + w * net
    r_ct = contact_charge_transfer(x, T)
    ct = r_ct / (x.cathode_active_area_cm2_cm2 * np.maximum(u_net, 1e-9))
    with np.errstate(divide="ignore"):
        behind = np.where(np.isfinite(ca.network_ohm_cm2), 1.0 / (ca.network_ohm_cm2 + ct), 0.0)
        cath_ir = ca.constriction_ohm_cm2 + 1.0 / np.maximum(ca.direct_conductance_S_cm2 + behind, 1e-300)
    # Dendrite indicator: current density at the solid Li|SSE contacts relative to
    # that of the dry, as-assembled interface on which critical current densities
    # are measured.  A liquid path takes current off the contacts; voids focus it.
    f_dry = contact_fraction(x.pressure_MPa, x.anode.hardness_MPa)
    focus = an.solid_current_share * f_dry / np.maximum(an.contact_fraction, 1e-12)
    v0 = x.anode.liquid_cm3_cm2 + x.cathode.liquid_cm3_cm2
    left = (np.maximum(x.anode.liquid_cm3_cm2 - st.anode.liquid_consumed_cm3_cm2, 0)
            + np.maximum(x.cathode.liquid_cm3_cm2 - st.cathode.liquid_consumed_cm3_cm2, 0))
    remaining = np.where(v0 > 0, left / np.where(v0 > 0, v0, 1.0), 1.0)
    return Result(T, bulk, an, ca, util, focus, remaining, ct, cath_ir, u_dir)


def interfacial_resistance(r: Result) -> np.ndarray:
    """What an EIS fit of a full cell's interface arcs reports (Table 1's "interfacial
    resistance"): the anode ASR, plus the cathode side with its charge transfer —
    constriction + [direct contacts (films + charge transfer)] ‖ [(network ‖ liquid)
    + charge transfer on the network-connected particles]."""
    return r.anode.asr_ohm_cm2 + r.cathode_interfacial_ohm_cm2


# --- evolution --------------------------------------------------------------

def _advance_side(x: Inputs, s: SideInputs, st: SideState, dt_h: np.ndarray, T: np.ndarray,
                  strip_mAh_cm2: np.ndarray, i_mA_cm2: np.ndarray, side: str) -> SideState:
    P = parameters()
    f_c, f_w, sat = _fractions(s, st, x.pressure_MPa)
    wet = (f_w > 0) & (sat > 0)
    g = arrhenius(P.interphase_activation_energy_eV, T)
    # SLEI + SEI: parabolic growth in resistance (thickness) with time, R^2 += k t
    k_t = np.where(wet & s.consumes, s.transfer_growth_ohm2_cm4_h * arrhenius(s.transfer_Ea_eV, T), 0.0)
    r_t_old = np.sqrt(st.transfer_r2)
    transfer_r2 = st.transfer_r2 + k_t * dt_h
    k_s = np.where(wet & s.consumes & s.is_li, s.sei_growth_ohm2_cm4_h * g, 0.0)
    r_s_old = np.sqrt(st.sei_r2)
    r_s_new = np.sqrt(st.sei_r2 + k_s * dt_h)
    # fresh Li exposed by plating/stripping under the liquid re-forms SEI (linear per
    # charge); it is shed with dead Li, so it consumes liquid without adding resistance
    fresh_cm = np.where(wet & s.consumes & s.is_li,
                        P.sei_per_cycle_nm_per_mAh_cm2 * 1e-7 * strip_mAh_cm2, 0.0)
    sei_cm = (r_s_new - r_s_old) / P.film_resistivity_ohm_cm + fresh_cm
    grown_cm = (np.sqrt(transfer_r2) - r_t_old) / P.film_resistivity_ohm_cm + sei_cm
    consumed = st.liquid_consumed_cm3_cm2 + P.liquid_per_film_volume * f_w * grown_cm
    consumed = np.minimum(consumed, s.liquid_cm3_cm2)
    # the SEI on Li stores Li taken from the metal (the SLEI's Li comes from the SSE)
    li = st.li_consumed_mAh_cm2 + f_w * sei_cm * P.sei_li_capacity_mAh_cm3
    # mixed-conducting interphase keeps growing on the solid contacts (Wenzel 2016)
    mci = (s.interphase == 2) & ~s.blocks_reduction
    r2 = np.where(mci, st.interphase_r2 + 2.0 * P.mci_growth_ohm2_cm4_h * g * dt_h, st.interphase_r2)
    keep = st.contact_retention
    if side == "anode":
        # voids: stripping faster than Li creep/vacancy diffusion refills the contact
        i_lim = (P.void_limit_current_mA_cm2 * (1.0 + x.pressure_MPa / P.void_pressure_MPa)
                 * arrhenius(P.li_self_diffusion_activation_energy_eV, T))
        over = np.where(s.is_li & (i_mA_cm2 > i_lim),
                        1.0 - i_lim / np.maximum(i_mA_cm2, 1e-12), 0.0)
        keep = keep * np.clip(1.0 - P.void_contact_loss_per_mAh_cm2 * over * strip_mAh_cm2, 0.01, 1.0)
    return SideState(age_h=st.age_h + dt_h, transfer_r2=transfer_r2, sei_r2=r_s_new ** 2,
                     interphase_r2=r2, liquid_consumed_cm3_cm2=consumed, contact_retention=keep,
                     li_consumed_mAh_cm2=li)


def advance(x: Inputs, st: State, dt_h: np.ndarray | float, *, temperature_K=None,
            strip_mAh_cm2: np.ndarray | float = 0.0, current_mA_cm2: np.ndarray | float = 0.0,
            cycles: np.ndarray | float = 0.0) -> State:
    """Evolve the interfaces over ``dt_h`` hours with ``cycles`` full cycles in it.

    ``strip_mAh_cm2`` is the Li stripped (per geometric area) in the interval and
    ``current_mA_cm2`` its current density.  Returns a new state (inputs untouched).
    """
    P = parameters()
    n = x.n
    T = x.temperature_K if temperature_K is None else np.broadcast_to(np.asarray(temperature_K, float), (n,))
    dt = np.broadcast_to(np.asarray(dt_h, float), (n,))
    q = np.broadcast_to(np.asarray(strip_mAh_cm2, float), (n,))
    i = np.broadcast_to(np.asarray(current_mA_cm2, float), (n,))
    cyc = np.broadcast_to(np.asarray(cycles, float), (n,))
    an = _advance_side(x, x.anode, st.anode, dt, T, q, i, "anode")
    ca = _advance_side(x, x.cathode, st.cathode, dt, T, q, i, "cathode")
    # chemo-mechanics: particle breathing breaks solid contacts; liquid and polymer follow
    # (only the contacts the stack pressure does not hold can break: m -> m_inf)
    loss = np.clip(1.0 - P.chemomechanical_contact_loss * x.cathode_volume_change_percent, 0.0, 1.0)
    keep = loss ** cyc
    m_inf = P.chemomechanical_residual_contact

    def breathe(m: np.ndarray) -> np.ndarray:
        return np.minimum(m, m_inf + (m - m_inf) * keep)

    ca = replace(ca, contact_retention=breathe(ca.contact_retention))
    return State(anode=an, cathode=ca, solid_network_retention=breathe(st.solid_network_retention))


def liquid_depleted(x: Inputs, st: State, threshold: float = 0.01) -> np.ndarray:
    """True where a wetting liquid was present and less than ``threshold`` of it is left."""
    out = np.zeros(x.n, bool)
    for s, ss in ((x.anode, st.anode), (x.cathode, st.cathode)):
        had = s.consumes & (s.liquid_cm3_cm2 > 0)
        out |= had & (s.liquid_cm3_cm2 - ss.liquid_consumed_cm3_cm2 <= threshold * s.liquid_cm3_cm2)
    return out
