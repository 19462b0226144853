"""The interface model: ASR of treated and untreated SSE|electrode interfaces.

Pure, vectorized functions over :class:`~lpt.interface.inputs.Inputs` (one array
entry per design).  Each mechanism is a function of one
:class:`~lpt.interface.mechanisms.SideView`, registered in a slot
(:mod:`lpt.interface.mechanisms`); this module sums the slots.
Equations, symbols and references: docs/model.md.

Per interface, current flows through two parallel paths that share the
constriction in the SSE (Holm; Cooper–Mikic–Yovanovich)::

    ASR = pi a / (4 sigma_SSE phi) (1 - sqrt(phi))^1.5  +  1 / (f_c / r_s + f_w / r_l)
    phi = f_c + f_w

with ``f_c`` the solid contact fraction (the ``contact`` slot's law), ``r_s`` the
specific resistance of a solid contact (interphase, contamination, reaction layer,
charge transfer), ``f_w`` the wetted fraction and ``r_l`` the specific resistance
of the liquid path (film, SLEI/desolvation, SEI).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from lpt import batch
from lpt.constants import F_C_MOL, R_J_MOLK, arrhenius
from lpt.interface.chemistry.growth import interphase_thickness_cm
from lpt.interface.cathode_network import reached_fraction, touched_share
from lpt.interface.inputs import Inputs, SideInputs
from lpt.interface.mechanisms import Growth, SideView, slot
from lpt.interface.mechanisms.cathode_oxidation import cei_resistance_ohm_cm2, sse_oxidation_resistance_ohm_cm2
from lpt.interface.mechanisms.contact import constriction_asr, spot_radius_cm
from lpt.parameters import parameters


@dataclass(frozen=True)
class SideState:
    """How one interface has evolved (arrays, one entry per design)."""

    age_h: np.ndarray
    transfer_r2: np.ndarray          # (SLEI + desolvation ASR)^2, Ω² cm⁴, per wetted area
    sei_r2: np.ndarray               # (Li|liquid SEI ASR)^2, per wetted area
    interphase_cm: np.ndarray        # SSE/electrode interphase thickness on the solid contacts
    liquid_consumed_cm3_cm2: np.ndarray
    contact_retention: np.ndarray    # solid contact kept against voids / volume change
    li_consumed_mAh_cm2: np.ndarray  # Li metal turned into SEI and interphases
    coverage_retention: np.ndarray   # share of the wetted area a polymer interlayer still covers
    cei_thickness_cm: np.ndarray     # CEI of the oxidized pore liquid on the wetted active surface
    active_lost_fraction: np.ndarray  # active material made inactive under that CEI
    sse_oxidation_cm: np.ndarray     # the SSE's oxidation layer on the composite's active|SSE contacts


@dataclass(frozen=True)
class State:
    anode: SideState
    cathode: SideState
    solid_network_retention: np.ndarray  # SSE network in the composite cathode


def _initial_side(s: SideInputs, n: int) -> SideState:
    P = parameters()
    # under a cover (pre-formed SEI, designed layer) the interphase grows from nothing over
    # the assembly time, electron-limited by the cover; bare, it is the engine's as-assembled one
    covered = s.cover_cm > 0
    grown = interphase_thickness_cm(np.zeros(n), s.interphase_ambipolar_S_cm, s.interphase_molar_volume_cm3_mol,
                                    s.interphase_driving_V, np.full(n, P.mci_assembly_hours),
                                    s.cover_cm, s.cover_sigma_e_S_cm)
    return SideState(
        age_h=np.zeros(n), transfer_r2=s.transfer_r0_ohm_cm2 ** 2, sei_r2=s.sei_r0_ohm_cm2 ** 2,
        interphase_cm=np.where(covered, grown, s.interphase_initial_cm) * np.ones(n),
        liquid_consumed_cm3_cm2=np.zeros(n), contact_retention=np.ones(n),
        li_consumed_mAh_cm2=np.zeros(n), coverage_retention=np.ones(n),
        cei_thickness_cm=np.zeros(n), active_lost_fraction=np.zeros(n), sse_oxidation_cm=np.zeros(n),
    )


def interphase_span_margin(x: Inputs, st: State) -> np.ndarray:
    """Fraction of the SSE's thickness the two sides' interphases have not yet grown through
    (≤ 0: they span it)."""
    return 1.0 - (st.anode.interphase_cm + st.cathode.interphase_cm) / x.sse_thickness_cm


def interphase_spans(x: Inputs, st: State) -> np.ndarray:
    """A mixed-conducting interphase that has grown through the SSE shorts the cell (soft short)."""
    return interphase_span_margin(x, st) <= 0.0


def initial_state(x: Inputs) -> State:
    """The interface as assembled (after the therapy, before cycling)."""
    return State(anode=_initial_side(x.anode, x.n), cathode=_initial_side(x.cathode, x.n),
                 solid_network_retention=np.ones(x.n))


@dataclass(frozen=True)
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
    network_contact_fraction: np.ndarray  # solid contacts into the ionic network
    solid_ohm_cm2: dict[str, np.ndarray]   # each solid mechanism, per contact area
    liquid_ohm_cm2: dict[str, np.ndarray]  # each liquid mechanism, per wetted area


@dataclass(frozen=True)
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


def _per_area(r: np.ndarray, f: np.ndarray) -> np.ndarray:
    """A specific resistance over the area fraction it acts on (∞ where there is none)."""
    return np.where(f > 0, r / np.where(f > 0, f, 1.0), np.inf)


def interface_asr(x: Inputs, side: str, st: SideState, T: np.ndarray) -> SideResult:
    """Constriction, and the solid-network, direct-contact and liquid paths of one side.

    The returned ``asr_ohm_cm2`` is constriction + network ‖ liquid; at the cathode,
    :func:`evaluate` then weights the network part by the share of the connected
    active material that sits behind it (direct contacts end on a particle, whose
    charge transfer the cycling model's kinetics carries).
    """
    s: SideInputs = getattr(x, side)
    v = SideView(x, side, s, st, T)
    # a wetted area conducts only if the liquid holds Li⁺ (a neat ionic liquid blocks it)
    f_c, f_w, sat = v.contact_fraction, np.where(s.liquid_carries_li, v.wetted_fraction, 0.0), v.saturation
    sigma = x.sse_sigma_S_cm * arrhenius(x.sse_Ea_eV, T)
    solid = {m.name: m.function(v) for m in slot("solid", side)}
    liquid = {m.name: m.function(v) for m in slot("liquid", side)}
    r_s = sum(solid.values(), np.zeros_like(T))
    r_l = sum(liquid.values(), np.zeros_like(T))
    f_net = f_c * s.network_share
    f_dir = f_c - f_net
    r_ct = contact_charge_transfer(x, T) if side == "cathode" else np.zeros_like(T)
    r_d = r_s + r_ct
    with np.errstate(divide="ignore", invalid="ignore"):
        g_net = f_net / np.maximum(r_s, 1e-12)
        g_liq = np.where(f_w > 0, f_w / r_l, 0.0)
        g_dir = np.where(f_dir > 0, f_dir / r_d, 0.0)
        network = np.where(g_net + g_liq > 0, 1.0 / (g_net + g_liq), np.inf)
        constr = constriction_asr(sigma, f_c + f_w, spot_radius_cm(v, f_c + f_w))
        comps = {"constriction": constr, "solid_path": _per_area(r_s, f_net), "liquid_path": _per_area(r_l, f_w)}
        comps.update({f"solid_{k}": _per_area(r, f_net) for k, r in solid.items()})
        if side == "cathode":
            comps["direct_contact_path"] = _per_area(r_d, f_dir)
            comps["direct_charge_transfer"] = _per_area(r_ct, f_dir)
        comps.update({k: _per_area(r, f_w) for k, r in liquid.items()})
        total = g_net + g_liq + g_dir
        share = np.where(total > 0, g_net / total, 1.0)
    return SideResult(constr + network, comps, f_c, f_w, sat, share, constr, network, g_dir, f_net, solid, liquid)


def cathode_utilization(x: Inputs, cath: SideResult, st: State) -> tuple[np.ndarray, np.ndarray]:
    """Fraction of the active material that is ionically connected, and the part of it
    reached only by direct solid contacts at the planar interface.

    Particles in the first layer touch the SSE through the planar interface; the rest are
    reached through the composite's ionic network — the SSE particles (percolation from
    the particles' coordination, their contacts with the active particles degraded by
    volume change) and the Li⁺-carrying liquid or polymer in the pores
    (:mod:`lpt.interface.cathode_network`, docs/model.md §2).
    """
    # a wetting, Li⁺-carrying liquid fills the pores by capillarity, smallest first
    fills = x.cathode.liquid_carries_li & (x.cathode.wettability > 0)
    sat = np.where(fills, cath.saturation, 0.0)
    reached = reached_fraction(
        sse_fraction=x.cathode_sse_fraction, active_fraction=x.cathode_active_fraction,
        sse_radius=x.sse_particle_radius_cm, active_radius=x.particle_radius_cm,
        contact_retention=st.solid_network_retention, liquid_fraction=sat * x.cathode_porosity,
        saturation=sat, touched_share=touched_share(sat))
    first_layer = np.minimum(1.0, 2.0 * x.particle_radius_cm / x.cathode_thickness_cm)
    u_surface = first_layer * np.minimum(1.0, cath.contact_fraction + cath.wetted_fraction)
    u = u_surface + (1.0 - u_surface) * reached
    u_direct = (first_layer * cath.contact_fraction * (1.0 - x.cathode.network_share)
                * (1.0 - reached))
    return u, np.minimum(u_direct, u)


def _temperature(x: Inputs, temperature_K) -> np.ndarray:
    if temperature_K is None:
        return x.temperature_K
    return np.broadcast_to(np.asarray(temperature_K, float), (x.n,))


def evaluate(x: Inputs, st: State | None = None, temperature_K: np.ndarray | float | None = None) -> Result:
    """ASR of both interfaces, bulk, utilization and dendrite indicator for a batch."""
    st = initial_state(x) if st is None else st
    T = _temperature(x, temperature_K)
    bulk = x.sse_thickness_cm / (x.sse_sigma_S_cm * arrhenius(x.sse_Ea_eV, T))
    an = interface_asr(x, "anode", st.anode, T)
    ca = interface_asr(x, "cathode", st.cathode, T)
    util, u_dir = cathode_utilization(x, ca, st)
    # particles whose wetted surface the oxidized liquid has reconstructed lose that part
    util = util * (1.0 - st.cathode.active_lost_fraction)
    u_dir = np.minimum(u_dir, util)
    u_net = util - u_dir
    # the connected particles behind the network see its resistance, the directly
    # touched ones do not: the cycling model gets the utilization-weighted mean
    w = np.where(util > 0, u_net / np.maximum(util, 1e-300), 0.0)
    net = np.where(np.isfinite(ca.network_ohm_cm2), ca.network_ohm_cm2, 0.0)
    # the CEI of an oxidized pore liquid, for the liquid's share of the composite's ionic phase
    liquid_vol = np.where(x.cathode.liquid_carries_li, ca.saturation * x.cathode_porosity, 0.0)
    liquid_share = liquid_vol / np.maximum(liquid_vol + x.cathode_sse_fraction, 1e-12)
    cei = cei_resistance_ohm_cm2(x, st, ca.saturation, util) * liquid_share
    # the SSE's oxidation layer, for the SSE's share of it
    sse_share = x.cathode_sse_fraction / np.maximum(liquid_vol + x.cathode_sse_fraction, 1e-12)
    ox = sse_oxidation_resistance_ohm_cm2(x, st, T, util) * sse_share
    ca = replace(ca, asr_ohm_cm2=ca.constriction_ohm_cm2 + w * net + cei + ox,
                 components_ohm_cm2={**ca.components_ohm_cm2, "cathode_cei": cei, "cathode_sse_oxidation": ox})
    r_ct = contact_charge_transfer(x, T)
    ct = r_ct / (x.cathode_active_area_cm2_cm2 * np.maximum(u_net, 1e-9))
    with np.errstate(divide="ignore"):
        behind = np.where(np.isfinite(ca.network_ohm_cm2), 1.0 / (ca.network_ohm_cm2 + ct), 0.0)
        cath_ir = ca.constriction_ohm_cm2 + 1.0 / np.maximum(ca.direct_conductance_S_cm2 + behind, 1e-300)
    # Dendrite indicator: current density at the solid Li|SSE contacts relative to
    # that of the dry, as-assembled interface on which critical current densities
    # are measured.  A liquid path takes current off the contacts; voids focus it.
    retained = st.anode.contact_retention
    f_dry = np.where(retained > 0, an.contact_fraction / np.where(retained > 0, retained, 1.0), 0.0)
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

def _advance_side(x: Inputs, side: str, st: SideState, dt_h: np.ndarray, T: np.ndarray,
                  strip_mAh_cm2: np.ndarray, i_mA_cm2: np.ndarray) -> SideState:
    """Apply every growth law of ``side`` over the interval (each from the start state)."""
    P = parameters()
    s: SideInputs = getattr(x, side)
    v = SideView(x, side, s, st, T, dt_h, strip_mAh_cm2, i_mA_cm2)
    updates: dict[str, np.ndarray] = {}
    film = li_film = direct_liquid = direct_li = 0.0
    for m in slot("growth", side):
        g: Growth = m.function(v)
        clash = updates.keys() & g.state.keys()
        if clash:
            raise ValueError(f"growth law '{m.name}' sets {sorted(clash)}, which another law owns")
        updates.update(g.state)
        film = film + g.film_cm
        li_film = li_film + g.li_film_cm
        direct_liquid = direct_liquid + g.liquid_cm3_cm2
        direct_li = direct_li + g.li_mAh_cm2
    # films grown under the liquid consume it (volume of liquid per volume of film)
    consumed = st.liquid_consumed_cm3_cm2 + P.liquid_per_film_volume * v.wetted_fraction * film + direct_liquid
    # the SEI on Li stores Li taken from the metal (the SLEI's Li comes from the SSE)
    li = st.li_consumed_mAh_cm2 + v.wetted_fraction * li_film * s.sei_li_mAh_cm3 + direct_li
    return replace(st, **updates, age_h=st.age_h + dt_h,
                   liquid_consumed_cm3_cm2=np.minimum(consumed, s.liquid_cm3_cm2), li_consumed_mAh_cm2=li)


# Largest relative change of a quantity that a growth law reads at the start of an interval
# and holds over it (the contact and wetted fractions, the liquid's saturation) in one
# sub-step of :func:`advance`.  Updated once a cycle, these fractions move by up to 0.5 %
# per cycle where the liquid is being used up fastest (LATP|carbonate at 1C); sub-steps
# that move them by at most 0.3 % (and never finer than a cycle) integrate a many-cycle
# interval at least as finely as an update every cycle does.
HELD_FRACTION_TOLERANCE = 0.003


def _held_fractions(x: Inputs, st: State, T: np.ndarray) -> np.ndarray:
    """What the growth laws hold over an interval: contact fraction, wetted fraction and
    saturation of both sides, shape ``(6, n)``."""
    rows = []
    for side in ("anode", "cathode"):
        s = getattr(x, side)
        v = SideView(x, side, s, getattr(st, side), T)
        rows += [v.contact_fraction, v.wetted_fraction, v.saturation]
    return np.array(rows)


def _advance_once(x: Inputs, st: State, dt: np.ndarray, T: np.ndarray, q: np.ndarray, i: np.ndarray,
                  cyc: np.ndarray) -> State:
    P = parameters()
    an = _advance_side(x, "anode", st.anode, dt, T, q, i)
    ca = _advance_side(x, "cathode", st.cathode, dt, T, q, i)
    # chemo-mechanics: particle breathing breaks solid contacts; liquid and polymer follow
    # (only the contacts the stack pressure does not hold can break: m -> m_inf)
    loss = np.clip(1.0 - P.chemomechanical_contact_loss * x.cathode_volume_change_percent, 0.0, 1.0)
    keep = loss ** cyc
    m_inf = P.chemomechanical_residual_contact

    def breathe(m: np.ndarray) -> np.ndarray:
        return np.minimum(m, m_inf + (m - m_inf) * keep)

    # an in-situ polymer follows the breathing only partly: it loses contact by the same law
    # (review §3.2; Koerver et al. 2017), where the electrode breathes (the cathode)
    ca = replace(ca, contact_retention=breathe(ca.contact_retention),
                 coverage_retention=np.where(x.cathode.ages, ca.coverage_retention * keep, ca.coverage_retention))
    return State(anode=an, cathode=ca, solid_network_retention=breathe(st.solid_network_retention))


def advance(x: Inputs, st: State, dt_h: np.ndarray | float, *, temperature_K=None,
            strip_mAh_cm2: np.ndarray | float = 0.0, current_mA_cm2: np.ndarray | float = 0.0,
            cycles: np.ndarray | float = 0.0) -> State:
    """Evolve the interfaces over ``dt_h`` hours with ``cycles`` full cycles in it.

    ``strip_mAh_cm2`` is the Li stripped (per geometric area) in the interval and
    ``current_mA_cm2`` its current density.  Returns a new state (inputs untouched).

    Each growth law is exact in time for the fractions it reads at the start (contact,
    wetting, saturation); where a many-cycle interval moves those by more than
    :data:`HELD_FRACTION_TOLERANCE`, the interval is split into equal sub-steps (at most
    one per cycle, the cycling model's own update) so that each moves them by less.
    """
    n = x.n
    T = _temperature(x, temperature_K)
    dt = np.broadcast_to(np.asarray(dt_h, float), (n,))
    q = np.broadcast_to(np.asarray(strip_mAh_cm2, float), (n,))
    i = np.broadcast_to(np.asarray(current_mA_cm2, float), (n,))
    cyc = np.broadcast_to(np.asarray(cycles, float), (n,))
    whole = _advance_once(x, st, dt, T, q, i, cyc)
    if not np.any(cyc > 1):
        return whole
    before, after = _held_fractions(x, st, T), _held_fractions(x, whole, T)
    with np.errstate(divide="ignore", invalid="ignore"):
        moved = np.where(before > 0, np.abs(after - before) / np.where(before > 0, before, 1.0), 0.0).max(axis=0)
    steps = np.minimum(np.ceil(moved / HELD_FRACTION_TOLERANCE), np.maximum(np.floor(cyc), 1.0))
    steps = np.maximum(np.nan_to_num(steps, nan=1.0, posinf=1.0), 1.0)
    if not np.any(steps > 1):
        return whole
    part = (dt / steps, q / steps, i, cyc / steps)
    out = st
    for k in range(int(steps.max())):
        out = batch.where(k < steps, _advance_once(x, out, part[0], T, part[1], part[2], part[3]), out)
    return out


def liquid_left_margin(x: Inputs, st: State, threshold: float = 0.01) -> np.ndarray:
    """Fraction of its wetting liquid a side has left above ``threshold``, the smaller of
    the two sides (∞ where neither has a liquid that reactions consume; ≤ 0: depleted)."""
    out = np.full(x.n, np.inf)
    for s, ss in ((x.anode, st.anode), (x.cathode, st.cathode)):
        had = s.consumes & (s.liquid_cm3_cm2 > 0)
        left = (s.liquid_cm3_cm2 - ss.liquid_consumed_cm3_cm2) / np.where(had, s.liquid_cm3_cm2, 1.0)
        out = np.where(had, np.minimum(out, left - threshold), out)
    return out


def liquid_depleted(x: Inputs, st: State, threshold: float = 0.01) -> np.ndarray:
    """True where a wetting liquid was present and less than ``threshold`` of it is left."""
    return liquid_left_margin(x, st, threshold) <= 0.0
