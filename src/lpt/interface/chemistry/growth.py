"""How an interphase grows, and what it costs in Li (review §2.2.1 and §3.1).

A reaction layer between a reducing electrode and what it reduces grows only while
electrons and Li⁺ both cross it.  Wagner's law for a layer of ionic and electronic
conductivity σ_i and σ_e, driven by the reaction's voltage E (its onset vs the
electrode), with V_m the layer volume made per mole of electrons:

    dL/dt = V_m σ_amb E / (F L) ,   σ_amb = σ_i σ_e / (σ_i + σ_e)
    L² = L0² + 2 k t ,   k = V_m σ_amb E / F                                       (W)

(Wagner, Z. Phys. Chem. B 21 (1933) 25; for Li|SSE interphases: Wenzel et al., Chem.
Mater. 28 (2016) 2400 — R ∝ √t).  An electronically insulating layer (σ_e → 0) stops:
it passivates; one that conducts electrons keeps growing: a mixed-conducting interphase.
Where the growth of an SSE's interphase with Li has been measured (charge consumed vs
time, and resistance vs time), σ_amb and σ_i are taken from the measurement instead of
the species (`reactants.toml [sse.X]`).

Coulombic efficiency of Li plated under a liquid: each plated volume exposes fresh Li of
specific surface S = 2/r (deposits of radius r), which the liquid covers with its SEI of
thickness L_c (eq. W over the half cycle); the Li in that SEI is lost:

    1 − CE = S · L_c · c_SEI / c_Li                                                  (CE)

c_SEI the Li stored per SEI volume (from its species), c_Li = 2062 mAh cm⁻³.  The deposit
radius falls between the whiskers of an organic SEI and the compact grains under an
inorganic one, geometrically in the SEI's inorganic volume fraction f:
r = r_org^(1−f) · r_inorg^f (Fang et al., Nature 572 (2019) 511: dense, large deposits
under inorganic, LiF-rich SEIs; mossy whiskers under organic ones).
"""

from __future__ import annotations

import functools
import math

import numpy as np
from dataclasses import dataclass

from lpt import overrides
from lpt.constants import F_C_MOL, SECONDS_PER_HOUR, ZERO_CELSIUS_K, arrhenius
from lpt.errors import LptError
from lpt.interface.chemistry.inventory import Composition, Interphase, reduction_interphase
from lpt.interface.chemistry.properties import MAH_PER_MOL, LayerProperties, layer_properties, series
from lpt.interface.chemistry.tables import cited, entry, reactants, species
from lpt.parameters import parameters

LI_METAL_MAH_CM3 = 3861.0 * 0.534   # Li: 3861 mAh/g × 0.534 g/cm³
# a layer that would pass 1 µm within 1000 h is "mixed conducting" (SEIs and passivating
# SSE interphases stay at tens to hundreds of nm: Aktekin et al. 2023, ~0.5 µm on Li6PS5Cl
# after 400 h; LGPS reaches ~5 µm in a week)
MCI_TEST_HOURS = 1000.0
MCI_TEST_THICKNESS_CM = 1e-4


def wagner_rate_cm2_h(molar_volume_cm3_mol: float, ambipolar_S_cm: float, driving_V: float) -> float:
    """k of L² = L0² + 2 k t (cm² h⁻¹), eq. (W)."""
    return molar_volume_cm3_mol * ambipolar_S_cm * driving_V / F_C_MOL * SECONDS_PER_HOUR


def ambipolar(sigma_i: float, sigma_e: float) -> float:
    return sigma_i * sigma_e / (sigma_i + sigma_e) if sigma_i + sigma_e > 0 else 0.0


def electronic_for_ambipolar(ambipolar_S_cm: float, sigma_i: float) -> float:
    """The electronic conductivity that gives ``ambipolar_S_cm`` beside ``sigma_i`` (the
    inverse of :func:`ambipolar`; ∞ where σ_i alone is not above it)."""
    a = ambipolar_S_cm
    return a * sigma_i / (sigma_i - a) if sigma_i > a * (1 + 1e-9) else math.inf


@dataclass(frozen=True)
class Growth:
    """A layer's transport and growth (25 °C)."""

    layer: LayerProperties
    ionic_S_cm: float
    electronic_S_cm: float
    rate_cm2_h: float            # k of eq. (W)
    driving_V: float
    initial_cm: float            # thickness as assembled
    li_capacity_mAh_cm3: float

    @property
    def resistance0_ohm_cm2(self) -> float:
        return self.initial_cm / self.ionic_S_cm

    @property
    def kind(self) -> str:
        """"mixed_conducting" when it would grow beyond 1 µm in 1000 h (eq. W), else "passivating"."""
        grown = math.sqrt(self.initial_cm ** 2 + 2.0 * self.rate_cm2_h * MCI_TEST_HOURS)
        return "mixed_conducting" if grown > MCI_TEST_THICKNESS_CM else "passivating"


def driving_voltage(ip: Interphase) -> float:
    """Onset of what reaches the layer's outer face, vs its surface: the reactants' onsets
    weighted by their share of the molecules that react (an additive used up into the inner
    layer no longer sets the voltage across it)."""
    tab = reactants()
    total = 0.0
    for name, share in ip.reacted.items():
        onset = None
        for section in ("solvent", "anion", "cation"):
            rec = tab.get(section, {}).get(name)
            if rec is not None and rec["reduction"] is not None:
                onset = rec["reduction"].onset_V
                break
        total += share * max((onset or 0.0) - ip.potential_V, 0.0)
    return total


_SEI_CACHE: dict[tuple, Growth] = {}


def _sei_growth(c: Composition) -> Growth:
    P = parameters()
    ip = reduction_interphase(c, 0.0)
    lays = list(ip.layers)
    vols = [lay.volume_cm3 for lay in lays]
    total = sum(vols)
    sig_i, sig_e = series(lays, [v / total for v in vols])
    E = driving_voltage(ip)
    whole = ip.whole
    k = wagner_rate_cm2_h(whole.molar_volume_cm3_per_mol_li, ambipolar(sig_i, sig_e), E)
    P = parameters()
    L0 = math.sqrt((P.sei_tunnelling_thickness_nm * 1e-7) ** 2 + 2.0 * k * P.mci_assembly_hours)
    return Growth(whole, sig_i, sig_e, k, E, L0, whole.li_capacity_mAh_cm3)


def sei_growth(c: Composition) -> Growth:
    """The SEI a liquid forms on Li: its transport, Wagner growth and as-assembled thickness.

    The first nanometres form by electron tunnelling (``sei_tunnelling_thickness_nm``);
    beyond, growth needs electrons through the layer (eq. W), over the assembly time."""
    key = c.key()
    if key not in _SEI_CACHE:
        _SEI_CACHE[key] = _sei_growth(c)
    return _SEI_CACHE[key]


def deposit_radius_cm(inorganic_fraction: float) -> float:
    P = parameters()
    r_org, r_inorg = P.li_deposit_radius_organic_sei_um, P.li_deposit_radius_inorganic_sei_um
    return r_org ** (1.0 - inorganic_fraction) * r_inorg ** inorganic_fraction * 1e-4


def coulombic_efficiency(c: Composition, current_mA_cm2: float = 0.5, capacity_mAh_cm2: float = 1.0) -> float:
    """Li plating/stripping coulombic efficiency in the liquid, eq. (CE)."""
    P = parameters()
    g = sei_growth(c)
    ip = reduction_interphase(c, 0.0)
    hours = capacity_mAh_cm2 / current_mA_cm2
    L_c = math.sqrt((P.sei_tunnelling_thickness_nm * 1e-7) ** 2 + 2.0 * g.rate_cm2_h * hours)
    specific_surface = 2.0 / deposit_radius_cm(ip.inorganic_fraction)
    loss = specific_surface * L_c * g.li_capacity_mAh_cm3 / LI_METAL_MAH_CM3
    return max(0.0, 1.0 - loss)


# --- SSE | Li ----------------------------------------------------------------

def _without_unformed_metals(products: dict[str, float], potential_V: float) -> dict[str, float]:
    """Alloys form only below their lithiation potential (a Li–In anode sits at 0.62 V)."""
    sp = species()
    return {k: n for k, n in products.items()
            if sp[k].kind != "metal" or potential_V < P_FORM.get(k, math.inf)}


# lithiation potentials below which the metallic products form (vs Li/Li⁺): Li–Ge and
# Li–Sn alloy plateaus lie at 0.1–0.6 V (Obrovac & Chevrier, Chem. Rev. 114 (2014) 11444);
# Ti⁴⁺ → Ti³⁺ in NASICON/perovskites at ~2.2 / 1.8 V (Zhu, He & Mo 2015)
P_FORM = {"LiGe": 0.5, "LiSn": 0.6, "Ti3Phase": 1.8}


def sse_interphase(sse_id: str, window_low_V: float, electrode_potential_V: float = 0.0) -> Growth | None:
    """The interphase an SSE forms with a Li (alloy) electrode; None if the SSE is not reduced."""
    # cached per set of user values (chemistry data and global parameters both enter)
    return _sse_interphase(sse_id, window_low_V, electrode_potential_V, overrides.current())


@functools.lru_cache(maxsize=256)
def _sse_interphase(sse_id: str, window_low_V: float, electrode_potential_V: float,
                    _overridden: tuple) -> Growth | None:
    rec = reactants()["sse"].get(sse_id)
    if rec is None:
        if window_low_V > electrode_potential_V:
            raise LptError(
                f"reactants.toml has no [sse.{sse_id}] entry, but the SSE's window_low_V ({window_low_V:g} V)"
                f" lies above the electrode's {electrode_potential_V:g} V: the chemistry engine cannot say what"
                f" the electrode forms on it; add its reduction products and source to"
                f" src/lpt/interface/chemistry/data/reactants.toml (a [sse.{sse_id}] table).")
        return None
    onset_V = reduction_onset_V(rec, window_low_V)
    if onset_V <= electrode_potential_V:
        return None
    where = f"reactants.toml [sse.{sse_id}]"
    products = _without_unformed_metals(rec["products"], electrode_potential_V)
    lay = layer_properties(f"{sse_id}|Li interphase", products, float(rec["electrons"]))
    E = onset_V - electrode_potential_V
    vm = lay.molar_volume_cm3_per_mol_li
    sig_i, sig_e = lay.ionic_conductivity_S_cm, lay.electronic_conductivity_S_cm
    measured = "growth_charge_mAh_cm2" in rec and electrode_potential_V == 0.0
    aged = "open_circuit_resistance_ohm_cm2" in rec and electrode_potential_V == 0.0
    if measured or aged:
        if measured:
            q = cited(rec, "growth_charge_mAh_cm2", where)
            hours = float(rec["growth_charge_mAh_cm2"]["hours"])
            L = q / MAH_PER_MOL * vm
            k = L * L / (2.0 * hours)
            if "resistance_growth_ohm2_cm4_h" in rec:
                sig_i = math.sqrt(k / cited(rec, "resistance_growth_ohm2_cm4_h", where))
        else:
            # one measured (t, R) point at open circuit: R² = 2 k_R t at its temperature;
            # with σ_i and σ_amb sharing the interphase's activation energy, k_R = k / σ_i²
            # scales as 1/g(T), so the 25 °C value is k_R(T) g(T) (docs/model.md §1.6, eq. OC)
            k = open_circuit_growth_ohm2_cm4_h(rec, where) * sig_i * sig_i
        # the measured growth fixes the ambipolar conductivity (eq. W read backwards)
        amb = k / wagner_rate_cm2_h(vm, 1.0, E)
        sig_e = electronic_for_ambipolar(amb, sig_i)
    else:
        amb = ambipolar(sig_i, sig_e)
        k = wagner_rate_cm2_h(vm, amb, E)
    P = parameters()
    L0 = math.sqrt((P.sei_tunnelling_thickness_nm * 1e-7) ** 2 + 2.0 * k * P.mci_assembly_hours)
    return Growth(lay, sig_i, sig_e, k, E, L0, lay.li_capacity_mAh_cm3)


def reduction_onset_V(rec: dict, window_low_V: float) -> float:
    """The voltage (vs Li) below which Li reduces the SSE: its window's lower end, or, for a
    polymer whose own window reaches 0 V, the reduction onset of the salt's anion it holds
    (``reduced_by_anion``; the interphase is the salt's)."""
    anion = rec.get("reduced_by_anion")
    if anion is None:
        return window_low_V
    red = entry("anion", anion)["reduction"]
    return max(window_low_V, red.onset_V if red is not None else window_low_V)


def open_circuit_growth_ohm2_cm4_h(rec: dict, where: str) -> float:
    """k_R of R² = R0² + 2 k_R t at 25 °C from one measured interphase resistance R after
    t hours at open circuit at temperature T: k_R(25 °C) = R² / (2 t) · g(T), with
    g = arrhenius(interphase_activation_energy_eV, T) (eq. OC of docs/model.md §1.6)."""
    point = rec["open_circuit_resistance_ohm_cm2"]
    r = cited(rec, "open_circuit_resistance_ohm_cm2", where)
    hours = float(point["hours"])
    T_K = float(point["temperature_C"]) + ZERO_CELSIUS_K
    g = float(arrhenius(parameters().interphase_activation_energy_eV, T_K))
    return r * r / (2.0 * hours) * g


# the polymer electrolyte whose measured open-circuit ageing on Li stands for an ether-based
# polymer holding LiTFSI (an in-situ polymerized interlayer)
POLYMER_ON_LI = "PEO-LiTFSI"


def polymer_sei_growth_ohm2_cm4_h() -> float:
    """Growth constant of the SEI under a LiTFSI-holding ether polymer on Li at 25 °C, in the
    form the interface model's SEI law integrates (r² += k g(T) Δt, so k = 2 k_R): the
    measured Li|PEO-LiTFSI ageing (eq. OC).  It does not consume the polymer."""
    rec = reactants()["sse"][POLYMER_ON_LI]
    return 2.0 * open_circuit_growth_ohm2_cm4_h(rec, f"reactants.toml [sse.{POLYMER_ON_LI}]")


def electrode_interphase(sse, electrode) -> Growth | None:
    """The interphase a knowledge-base SSE forms with a knowledge-base anode: Li metal at
    0 V, an alloy at its own potential (Li–In at 0.62 V makes no Li–Ge or Li–Sn alloy).

    The one answer to "does the anode reduce this SSE, and does the product passivate or
    keep growing" (:attr:`Growth.kind`), read by the interface model and by screening."""
    potential_V = 0.0 if electrode.id == "Li" else electrode.average_potential_V
    return sse_interphase(sse.id, sse.window_low_V, potential_V)


def interphase_thickness_cm(L_cm, ambipolar_S_cm, molar_volume_cm3_mol, driving_V, dt_h, cover_cm, cover_sigma_e_S_cm):
    """Wagner growth of an interphase (eq. W of docs/model.md §1.6) behind a cover layer.

    Electrons cross the cover (thickness L_c, electronic conductivity σ_c) and the
    interphase (ambipolar σ_amb) in series, so

        L² / (2 σ_amb) + L L_c / σ_c = L_old² / (2 σ_amb) + L_old L_c / σ_c + V_m E Δt / F

    — parabolic when bare, and held to the cover's leak when covered by an insulator.
    """
    L = np.asarray(L_cm, float)
    amb = np.asarray(ambipolar_S_cm, float)
    work = molar_volume_cm3_mol * driving_V * np.asarray(dt_h, float) * SECONDS_PER_HOUR / F_C_MOL
    with np.errstate(divide="ignore", invalid="ignore"):
        b = np.where(cover_cm > 0, cover_cm / np.maximum(cover_sigma_e_S_cm, 1e-300), 0.0)
        a = 0.5 / np.where(amb > 0, amb, 1.0)
        c = a * L * L + b * L + work
        new = (-b + np.sqrt(b * b + 4.0 * a * c)) / (2.0 * a)
    return np.where((amb > 0) & (work > 0), np.maximum(new, L), L)
