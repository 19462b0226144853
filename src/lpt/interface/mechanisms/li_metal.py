"""The Li metal side: creep, voids on stripping, contact recovery, dendrite onset on
plating (docs/model.md §7).

Pure, vectorized laws (one array entry per design) and the ``voids`` growth mechanism
that applies them inside :func:`lpt.interface.advance`; the symmetric-cell simulator
(:mod:`lpt.symmetric`) integrates the same laws half-cycle by half-cycle.

- **Creep.** Li deforms by power-law creep, ε̇ ∝ σⁿ exp(−Q/RT) (LePage et al. 2019;
  Masias et al. 2019): at a given strain rate its flow stress, and so its contact
  hardness 3σ, scales as exp(Q/(n R T)).
- **Li supply to the contacts.** Vacancy diffusion supplies ``i_vac`` without pressure
  (Krauskopf et al. 2019), creep adds ``i_vac p/p0`` under stack pressure
  (Kasemchainan et al. 2019); each is Arrhenius (self-diffusion 0.55 eV, creep Q).
- **Voids.** The contacts carry ``i_loc = i / (f_c + f_w r_s/r_l)`` (the liquid path takes
  its share). The supply is a flux per geometric area measured on as-assembled contacts,
  so the demand on it is ``i_loc f_as = i · share / retention`` (voids focus the current
  on what is left); Li removed faster than the supply opens a gap that grows by
  ``V_m/F (demand − i_supply)`` per time; the contact is lost once the gap reaches the
  surface's peak-to-valley height, ``retention = 1 − gap / depth``. Voids focus the
  current on the remaining contacts, which grows them faster (Kasemchainan 2019).
  Under pressure, creep closes the gap at ``V_m/F · i_creep`` when not stripping.
- **Dendrite onset (Porz et al. 2017).** Li plated at a charge-transfer overpotential
  η at the contacts is under a stress ``F η / V_m`` (10 mV ≈ 75 MPa); a surface flaw of
  depth c opens when it exceeds ``K_IC / (Y √(π c))``.
- **Electronic leakage (Han et al. 2019).** The SSE's electronic conductivity lets Li⁺
  be reduced inside it ahead of the flaw, which lengthens the flaw by
  ``(V_m/F) σ_e η t / c`` while plating; the Griffith threshold falls with it.
"""

from __future__ import annotations

import numpy as np

from lpt.constants import F_C_MOL, R_J_MOLK, REFERENCE_TEMPERATURE_K, SECONDS_PER_HOUR, arrhenius
from lpt.interface.mechanisms.registry import Growth, SideView, mechanism, slot
from lpt.parameters import parameters

CM_PER_UM = 1e-4
MIN_RETENTION = 0.01          # a fully detached contact keeps a trace (no division by zero)
VOID_SUBSTEPS = 16            # explicit steps of the void feedback within one stripping phase


def li_flow_hardness_MPa(hardness_25C_MPa: np.ndarray, temperature_K: np.ndarray) -> np.ndarray:
    """Contact hardness of creeping Li at temperature T: H(25 °C) · exp(Q/(n R) (1/T − 1/T_ref))."""
    P = parameters()
    q_over_nr = P.li_creep_activation_energy_kJ_mol * 1e3 / (P.li_creep_stress_exponent * R_J_MOLK)
    return hardness_25C_MPa * np.exp(q_over_nr * (1.0 / np.asarray(temperature_K, float) - 1.0 / REFERENCE_TEMPERATURE_K))


def creep_factor(temperature_K: np.ndarray) -> np.ndarray:
    """Creep rate relative to 25 °C, exp(−Q/R (1/T − 1/T_ref))."""
    P = parameters()
    q_ev = P.li_creep_activation_energy_kJ_mol * 1e3 / F_C_MOL   # kJ/mol → eV per atom
    return arrhenius(q_ev, temperature_K)


def li_supply_mA_cm2(pressure_MPa: np.ndarray, temperature_K: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Li the bulk metal brings to the stripped contacts, as a current density:
    (vacancy diffusion + creep, creep alone).

    The vacancies that stripping leaves at the contact spots diffuse into the Li and are
    annihilated at its own sinks (grain boundaries, dislocations: Yoon, Sulaimon & Siegel
    2023). The diffusion resistance per geometric area is the path to those sinks, L_Li,
    in series with the spreading from the spots into the Li, ``π a / (4 φ)`` (a disk sink
    draws 4 D Δc a; φ/(π a²) spots per area), about half the spots' spacing s. With L_Li
    (Li's grains: hundreds of µm) far beyond s (the SSE's grains or roughness, ≤ 40 µm) the
    spreading term is a small correction: the supply is the Li's own, measured ``i_vac``
    (Krauskopf et al. 2019), whatever the SSE's grain size (docs/model.md eq. 11a)."""
    P = parameters()
    diffusion = P.void_limit_current_mA_cm2 * arrhenius(P.li_self_diffusion_activation_energy_eV, temperature_K)
    creep = P.void_limit_current_mA_cm2 * np.asarray(pressure_MPa, float) / P.void_pressure_MPa * creep_factor(temperature_K)
    return diffusion + creep, creep


def sse_molten(x, temperature_K) -> np.ndarray:
    """The SSE of inputs ``x`` is a polymer above its melting point at ``temperature_K``: a
    melt, softer than Li and without a yield stress (contact and voids, docs/model.md §1.1)."""
    return np.asarray(temperature_K, float) > x.sse_melting_K


def side_supply_mA_cm2(x, temperature_K) -> tuple[np.ndarray, np.ndarray]:
    """:func:`li_supply_mA_cm2` for the Li sides of inputs ``x``; against a molten polymer
    SSE the supply is unbounded: the melt, the softer body with no yield stress, follows
    the receding Li, so no gap opens (docs/model.md §1.1 and §7)."""
    supply, creep = li_supply_mA_cm2(x.pressure_MPa, temperature_K)
    return np.where(sse_molten(x, temperature_K), np.inf, supply), creep


def li_um_per_mAh_cm2() -> float:
    """Thickness of Li per areal charge, V_m / F (4.85 µm per mAh cm⁻²)."""
    return parameters().li_molar_volume_cm3_mol / F_C_MOL * 3.6 / CM_PER_UM


def liquid_ratio(r_solid, r_liquid):
    """r_s / r_l: how much better (per area) the liquid path conducts than a solid contact."""
    ok = np.isfinite(r_liquid) & (r_liquid > 0)
    return np.where(ok, r_solid / np.where(ok, r_liquid, 1.0), 0.0)


def contact_current_mA_cm2(current_mA_cm2, as_assembled, retention, ratio, wet):
    """Current density at the solid contacts, i / (f_c + f_w r_s/r_l), with
    f_c = as_assembled · retention and f_w = (1 − f_c) · wet (wettability × saturation)."""
    f_c = np.maximum(as_assembled * retention, 1e-12)
    return current_mA_cm2 / (f_c + (1.0 - f_c) * wet * ratio)


def evolve_retention(retention, *, strip_h, recover_h, current_mA_cm2, as_assembled, ratio, wet,
                     supply_mA_cm2, creep_mA_cm2):
    """Contact retention after a stripping phase (voids) and a phase without stripping
    (creep closes them). Arrays per design; ``strip_h`` is 0 where the side does not strip."""
    per_depth = li_um_per_mAh_cm2() / parameters().void_detach_depth_um   # retention per mAh cm⁻² of gap
    rho = np.asarray(retention, float)
    strip_h = np.asarray(strip_h, float)
    # the supply is a flux per geometric area measured on as-assembled contacts
    # (Krauskopf 2019); the demand is the current through the contacts, focused by the
    # voids onto what is left of them: i · share / retention = i_loc · f_as
    demand = as_assembled * contact_current_mA_cm2(current_mA_cm2, as_assembled, rho, ratio, wet)
    growing = (strip_h > 0) & (demand > supply_mA_cm2)
    steps = VOID_SUBSTEPS if growing.any() else 1
    dt = strip_h / steps
    for k in range(steps):
        if k:
            demand = as_assembled * contact_current_mA_cm2(current_mA_cm2, as_assembled, rho, ratio, wet)
        net = np.where(strip_h > 0, demand - supply_mA_cm2, 0.0)
        rho = np.minimum(np.maximum(rho - per_depth * net * dt, MIN_RETENTION), 1.0)
    return np.minimum(1.0, rho + per_depth * creep_mA_cm2 * np.asarray(recover_h, float))


def griffith_overpotential_V_m05(fracture_toughness_MPa_m05):
    """K_IC / Y · V_m / F: the plating overpotential that opens a flaw, times √(π c) (V m^½)."""
    P = parameters()
    return (np.asarray(fracture_toughness_MPa_m05, float) * 1e6 / P.flaw_geometry_factor
            * P.li_molar_volume_cm3_mol * 1e-6 / F_C_MOL)


def flaw_overpotential_V(griffith_V_m05, flaw_size_cm):
    """The critical overpotential of a flaw of depth c from ``griffith_overpotential_V_m05``,
    η_c = (K_IC / Y · V_m / F) / √(π c) (c in cm, converted to m)."""
    return np.asarray(griffith_V_m05, float) / np.sqrt(np.pi * np.asarray(flaw_size_cm, float) * 1e-2)


def critical_flaw_size_cm(griffith_V_m05, overpotential_V):
    """The inverse of :func:`flaw_overpotential_V`: the flaw depth (cm) that a plating
    overpotential η opens, c* = (K_IC/Y · V_m/F / η)² / π (m, converted to cm)."""
    eta = np.maximum(np.asarray(overpotential_V, float), 1e-30)
    return (np.asarray(griffith_V_m05, float) / eta) ** 2 / np.pi * 1e2


def critical_overpotential_V(fracture_toughness_MPa_m05, flaw_size_cm):
    """Porz et al. 2017: the plating overpotential whose stress F η/V_m opens a flaw of depth c,
    η_c = K_IC / (Y √(π c)) · V_m / F."""
    return flaw_overpotential_V(griffith_overpotential_V_m05(fracture_toughness_MPa_m05), flaw_size_cm)


def plating_overpotential_V(current_mA_cm2, as_assembled, retention, ratio, wet, charge_transfer_ohm_cm2):
    """Charge-transfer overpotential at the solid contacts of a plating Li side, η = i_loc R_ct
    (eq. 12 and 14; mA cm⁻² × Ω cm² = mV). Ohmic drops in films and the SSE do not stress Li."""
    i_loc = contact_current_mA_cm2(current_mA_cm2, as_assembled, retention, ratio, wet)
    return 1e-3 * i_loc * np.asarray(charge_transfer_ohm_cm2, float)


def leak_extension_cm_per_V_h(electronic_S_cm, flaw_size_cm):
    """(V_m / F) σ_e / c per hour: the flaw's growth per volt of plating overpotential and hour."""
    v_m_per_F = parameters().li_molar_volume_cm3_mol / F_C_MOL                 # cm³ C⁻¹
    return v_m_per_F * np.asarray(electronic_S_cm, float) / np.asarray(flaw_size_cm, float) * SECONDS_PER_HOUR


def internal_li_extension_cm(electronic_S_cm, overpotential_V, flaw_size_cm, hours):
    """Han et al. 2019: electrons leaking into the SSE reduce Li⁺ inside it, ahead of a
    Li-filled flaw of depth c whose Li sits at the plating overpotential η above the Li
    potential; the electronic current σ_e η / c deposits Li there and lengthens the flaw by
    Δc = (V_m / F) σ_e η t / c over a plating time t (an ionic-only SSE, σ_e → 0: Δc = 0)."""
    return (leak_extension_cm_per_V_h(electronic_S_cm, flaw_size_cm)
            * np.maximum(np.asarray(overpotential_V, float), 0.0) * np.asarray(hours, float))


def li_side_terms(v: SideView) -> dict[str, np.ndarray]:
    """What the Li-side laws read of an interface: the as-assembled contact fraction, the
    specific resistances of the solid and liquid paths, the wetting, the charge transfer."""
    from lpt.interface.mechanisms.registry import MECHANISMS

    (law,) = MECHANISMS["contact"].values()
    solid = {m.name: m.function(v) for m in slot("solid", v.side)}
    liquid = {m.name: m.function(v) for m in slot("liquid", v.side)}
    zero = np.zeros_like(v.temperature_K)
    return {
        "as_assembled": law.function(v),
        "r_solid": sum(solid.values(), zero),
        "r_liquid": sum(liquid.values(), zero) if liquid else np.full_like(zero, np.inf),
        "wet": v.inputs.wettability * v.saturation,
        "charge_transfer": solid.get("charge_transfer", zero),
    }


def side_plating_overpotential_V(v: SideView, current_mA_cm2) -> np.ndarray:
    """η at the contacts of the Li side ``v`` (its state's contact retention) plated at
    ``current_mA_cm2`` per geometric area: eq. (14) for any cell that plates Li on it."""
    t = li_side_terms(v)
    return plating_overpotential_V(current_mA_cm2, t["as_assembled"], v.state.contact_retention,
                                   liquid_ratio(t["r_solid"], t["r_liquid"]), t["wet"], t["charge_transfer"])


@mechanism("growth", sides=("anode",), reference="Krauskopf et al., ACS AMI 11 (2019) 14463; "
           "Kasemchainan et al., Nat. Mater. 18 (2019) 1105; LePage et al., JES 166 (2019) A89")
def voids(v: SideView) -> Growth:
    """Voids where stripping outruns the Li supply at the contacts; creep closes them.

    Over an interval of ``dt_h`` in which ``strip_mAh_cm2`` is stripped at ``current_mA_cm2``,
    the stripping lasts ``strip/i`` and the rest of the interval recovers."""
    s = v.inputs
    i = np.asarray(v.current_mA_cm2, float)
    strip_h = np.where(s.li_metal & (i > 0), np.asarray(v.strip_mAh_cm2, float) / np.maximum(i, 1e-12), 0.0)
    strip_h = np.minimum(strip_h, v.dt_h)
    t = li_side_terms(v)
    supply, creep = side_supply_mA_cm2(v.x, v.temperature_K)
    rho = evolve_retention(v.state.contact_retention, strip_h=strip_h, recover_h=np.where(s.li_metal, v.dt_h - strip_h, 0.0),
                           current_mA_cm2=i, as_assembled=t["as_assembled"],
                           ratio=liquid_ratio(t["r_solid"], t["r_liquid"]), wet=t["wet"],
                           supply_mA_cm2=supply, creep_mA_cm2=creep)
    return Growth({"contact_retention": np.where(s.li_metal, rho, v.state.contact_retention)})
