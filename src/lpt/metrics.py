"""Stack accounting: energy density, flammable content and liquid cost (DESIGN.md "Accounting").

What a few µL cm⁻² of liquid cost a solid-state cell is measured on one unit stack
(per cm² of electrode area):

    Al collector | composite cathode | SSE separator | Li or Li–In | Cu collector
                 ^ cathode interface                 ^ anode interface

* **mass** (mg cm⁻²): the cathode's active material (its loading), the SSE and carbon
  in the composite (volume fraction × thickness × density), the separator (thickness
  × SSE density × relative density), the anode foil (thickness × density), the two
  current collectors (thickness × foil density, ``data/metrics.toml``), the liquid or
  polymer precursor put on each interface (µL cm⁻² × g cm⁻³ = mg cm⁻²) and each
  designed reaction layer (thickness × density).  Pores weigh nothing; the liquid
  that fills them is counted once, as the added liquid.
* **thickness** (µm): the layers' thicknesses, a reaction layer's thickness, and
  the liquid that does not fit in the composite cathode's pores (at the anode the Li
  foil is dense, so all of it): 1 µL cm⁻² spread as a film is 10 µm.
* **energy** (mWh cm⁻²): cathode loading × specific capacity (× the model's cathode
  utilization when given) × cell voltage, the cathode's average potential minus the
  anode's (Li 0 V, Li–In ≈ 0.62 V vs Li/Li⁺).
* **flammable content**: mass of flammable liquid per Wh (only liquids the knowledge
  base marks ``flammable``), heat of combustion of everything combustible that was
  added (all liquids and precursors, flammable or not) per Wh, and a safety class
  from the thresholds in ``data/metrics.toml``.
* **cost**: USD of the added liquid / precursor / reagent per Wh.

Everything is a pure function of NumPy arrays (one entry per design): one design, a
sweep of 10⁶ and a Dask partition share one code path (:class:`lpt.batch.DesignBatch`).
What each therapy deposits is asked of its registry entry
(:meth:`lpt.therapies.Therapy.deposit`); for the shipped ones:

=================  ================================  =========================
therapy            deposit counted                    stays liquid (flammable)
=================  ================================  =========================
wetting            loading × liquid density           all of it
polymerization     loading × precursor density        1 − conversion_fraction
reaction_layer     thickness × layer density          none (the solvent leaves)
none               nothing                            none
=================  ================================  =========================

Additives (FEC, LiNO3, n-BuLi) are dissolved in the liquid and counted in its volume.
"""

from __future__ import annotations

import functools
import math
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np

from lpt import materials, therapies
from lpt.batch import DesignBatch, take
from lpt.design import Design, current_collectors
from lpt.errors import LptError, did_you_mean
from lpt.parameters import parameters
from lpt.therapies.base import side_context

UL_CM2_TO_UM = 10.0  # 1 µL cm⁻² spread over 1 cm² is 1e-3 cm = 10 µm


@functools.cache
def constants() -> dict:
    """``data/metrics.toml``: collector and carbon densities, safety classes (cached)."""
    raw = tomllib.loads((resources.files("lpt") / "data" / "metrics.toml").read_text())
    classes = raw["safety"]["classes"]
    bounds = [float(c["max_flammable_liquid_mg_Wh"]) for c in classes]
    if bounds != sorted(bounds) or not math.isinf(bounds[-1]):
        raise LptError("data/metrics.toml: safety classes must have increasing bounds ending at inf.")
    return {
        "collectors": current_collectors(),
        "anode_collector": raw["current_collectors"]["anode_default"],
        "carbon_density_g_cm3": float(raw["carbon"]["density_g_cm3"]),
        "class_names": np.array([c["name"] for c in classes]),
        "class_bounds_mg_Wh": np.array(bounds),
    }


@dataclass(frozen=True)
class Deposit:
    """What one interface's therapy put into the stack (arrays, one entry per design)."""

    loading_uL_cm2: np.ndarray          # as in the design (0 when it has none)
    kept: np.ndarray                    # 1 if the deposited volume stays in the cell
    density_g_cm3: np.ndarray           # of the deposited liquid / precursor
    liquid_fraction: np.ndarray         # of that mass that stays liquid
    flammable: np.ndarray               # bool: the liquid part is flammable
    heat_of_combustion_kJ_g: np.ndarray
    cost_USD_kg: np.ndarray
    layer_thickness_nm: np.ndarray      # as in the design (0 when it has none)
    layer_density_g_cm3: np.ndarray     # 0 unless the therapy is a reaction layer
    layer_cost_USD_kg: np.ndarray


@dataclass(frozen=True)
class Stack:
    """Per-design arrays of one unit stack, in the units of the design file."""

    n: int
    cathode_loading_mg_cm2: np.ndarray
    cathode_thickness_um: np.ndarray
    cathode_porosity: np.ndarray
    cathode_sse_volume_fraction: np.ndarray
    cathode_carbon_volume_fraction: np.ndarray
    cathode_current_collector_thickness_um: np.ndarray
    electrolyte_thickness_um: np.ndarray
    electrolyte_relative_density: np.ndarray
    anode_thickness_um: np.ndarray
    anode_current_collector_thickness_um: np.ndarray
    # material properties
    cathode_density_g_cm3: np.ndarray
    cathode_specific_capacity_mAh_g: np.ndarray
    cathode_potential_V: np.ndarray
    cathode_collector_density_g_cm3: np.ndarray
    carbon_density_g_cm3: np.ndarray
    sse_density_g_cm3: np.ndarray
    anode_density_g_cm3: np.ndarray
    anode_potential_V: np.ndarray
    anode_collector_density_g_cm3: np.ndarray
    anode: Deposit
    cathode: Deposit

    def take(self, idx: np.ndarray | slice) -> "Stack":
        """A sub-batch (or, with repeated indices, copies of rows)."""
        return take(self, idx)


def _collector_density(name: str, where: str, src: str) -> float:
    dens = constants()["collectors"]
    if name not in dens:
        raise LptError(f"{src}: field '{where}' = '{name}' is not a known current collector"
                       f"{did_you_mean(name, dens)}; allowed: {', '.join(dens)}.")
    return dens[name]


_NO_DEPOSIT = dict(kept=0.0, density_g_cm3=0.0, liquid_fraction=0.0, flammable=False,
                   heat_of_combustion_kJ_g=0.0, cost_USD_kg=0.0, layer_density_g_cm3=0.0, layer_cost_USD_kg=0.0)


def _deposit_row(design: Design, side: str, nums) -> dict:
    """The deposit of one interface's therapy (its registry entry), from the knowledge base."""
    ctx = side_context(design, side, nums)
    row = dict(_NO_DEPOSIT, loading_uL_cm2=ctx.number("loading_uL_cm2"), layer_thickness_nm=ctx.number("thickness_nm"))
    row.update(therapies.get(ctx.interface.therapy).deposit(ctx))
    return row


def _stack_row(d: Design, nums) -> dict:
    c = constants()
    cath, sse, an = (materials.get(d.cathode.material), materials.get(d.electrolyte.material),
                     materials.get(d.anode.material))
    return dict(
        cathode_loading_mg_cm2=nums["cathode.loading_mg_cm2"], cathode_thickness_um=nums["cathode.thickness_um"],
        cathode_porosity=nums["cathode.porosity"], cathode_sse_volume_fraction=nums["cathode.sse_volume_fraction"],
        cathode_carbon_volume_fraction=nums["cathode.carbon_volume_fraction"],
        cathode_current_collector_thickness_um=nums["cathode.current_collector_thickness_um"],
        electrolyte_thickness_um=nums["electrolyte.thickness_um"],
        electrolyte_relative_density=sse.relative_density(nums["electrolyte.relative_density"],
                                                          parameters().pellet_relative_density),
        anode_thickness_um=nums["anode.thickness_um"],
        anode_current_collector_thickness_um=nums["anode.current_collector_thickness_um"],
        cathode_density_g_cm3=cath.density_g_cm3,
        cathode_specific_capacity_mAh_g=cath.specific_capacity_mAh_g,
        cathode_potential_V=cath.average_potential_V,
        cathode_collector_density_g_cm3=_collector_density(
            d.cathode.current_collector, "cathode.current_collector", d.source),
        carbon_density_g_cm3=c["carbon_density_g_cm3"],
        sse_density_g_cm3=sse.density_g_cm3,
        anode_density_g_cm3=an.density_g_cm3, anode_potential_V=an.average_potential_V,
        anode_collector_density_g_cm3=c["collectors"][c["anode_collector"]],
    )


def stack_from_batch(batch: DesignBatch) -> Stack:
    """Look up everything the accounting needs for a batch (knowledge base + data file)."""
    return Stack(n=batch.n, **batch.assemble(_stack_row),
                 anode=Deposit(**batch.assemble(lambda d, nums: _deposit_row(d, "anode", nums))),
                 cathode=Deposit(**batch.assemble(lambda d, nums: _deposit_row(d, "cathode", nums))))


def stack_of(designs: Sequence[Design]) -> Stack:
    """Look up everything the accounting needs for ``designs`` (knowledge base + data file)."""
    if not designs:
        raise LptError("no designs to account for.")
    return stack_from_batch(DesignBatch.from_designs(designs))


# --- the accounting ---------------------------------------------------------------

def deposit_mass_mg_cm2(dep: Deposit) -> np.ndarray:
    """Liquid or precursor put on an interface: µL cm⁻² × g cm⁻³ = mg cm⁻²."""
    return dep.loading_uL_cm2 * dep.kept * np.where(dep.kept > 0, dep.density_g_cm3, 0.0)


def layer_mass_mg_cm2(dep: Deposit) -> np.ndarray:
    """Reaction layer: nm × 1e-7 cm × g cm⁻³ × 1e3 mg g⁻¹ = nm × density × 1e-4 mg cm⁻²."""
    return dep.layer_thickness_nm * 1e-4 * np.where(dep.layer_density_g_cm3 > 0, dep.layer_density_g_cm3, 0.0)


def mass_breakdown_mg_cm2(s: Stack) -> dict[str, np.ndarray]:
    """Areal mass of every part of the stack (µm × g cm⁻³ × 0.1 = mg cm⁻²)."""
    um = 0.1  # 1 µm × 1 g cm⁻³ = 1e-4 g cm⁻² = 0.1 mg cm⁻²
    return {
        "cathode_active": s.cathode_loading_mg_cm2,
        "cathode_sse": s.cathode_sse_volume_fraction * s.cathode_thickness_um * s.sse_density_g_cm3 * um,
        "cathode_carbon": s.cathode_carbon_volume_fraction * s.cathode_thickness_um * s.carbon_density_g_cm3 * um,
        "cathode_current_collector": s.cathode_current_collector_thickness_um * s.cathode_collector_density_g_cm3 * um,
        "separator": s.electrolyte_thickness_um * s.sse_density_g_cm3 * s.electrolyte_relative_density * um,
        "anode": s.anode_thickness_um * s.anode_density_g_cm3 * um,
        "anode_current_collector": s.anode_current_collector_thickness_um * s.anode_collector_density_g_cm3 * um,
        "anode_liquid": deposit_mass_mg_cm2(s.anode),
        "cathode_liquid": deposit_mass_mg_cm2(s.cathode),
        "anode_interlayer": layer_mass_mg_cm2(s.anode),
        "cathode_interlayer": layer_mass_mg_cm2(s.cathode),
    }


def cathode_pore_volume_uL_cm2(s: Stack) -> np.ndarray:
    """Open pore volume of the composite cathode: porosity × thickness (10 µm = 1 µL cm⁻²)."""
    return s.cathode_porosity * s.cathode_thickness_um / UL_CM2_TO_UM


def thickness_breakdown_um(s: Stack) -> dict[str, np.ndarray]:
    """Thickness of every part; liquid adds thickness only beyond the pores it can fill."""
    v_c = s.cathode.loading_uL_cm2 * s.cathode.kept
    v_a = s.anode.loading_uL_cm2 * s.anode.kept
    return {
        "cathode_current_collector": s.cathode_current_collector_thickness_um,
        "cathode": s.cathode_thickness_um,
        "separator": s.electrolyte_thickness_um,
        "anode": s.anode_thickness_um,
        "anode_current_collector": s.anode_current_collector_thickness_um,
        "cathode_liquid_excess": np.maximum(v_c - cathode_pore_volume_uL_cm2(s), 0.0) * UL_CM2_TO_UM,
        "anode_liquid_excess": v_a * UL_CM2_TO_UM,
        "anode_interlayer": np.where(s.anode.layer_density_g_cm3 > 0, s.anode.layer_thickness_nm, 0.0) * 1e-3,
        "cathode_interlayer": np.where(s.cathode.layer_density_g_cm3 > 0, s.cathode.layer_thickness_nm, 0.0) * 1e-3,
    }


def cell_voltage_V(s: Stack) -> np.ndarray:
    """Average discharge voltage: cathode average potential − anode potential (vs Li/Li⁺)."""
    return s.cathode_potential_V - s.anode_potential_V


def capacity_mAh_cm2(s: Stack, utilization: np.ndarray | float | None = None) -> np.ndarray:
    """Areal capacity: loading × specific capacity (× cathode utilization when given)."""
    u = 1.0 if utilization is None else np.asarray(utilization, float)
    return s.cathode_loading_mg_cm2 * 1e-3 * s.cathode_specific_capacity_mAh_g * u


def safety_class(flammable_liquid_mg_Wh: np.ndarray) -> np.ndarray:
    """First class of ``data/metrics.toml`` whose bound the flammable content does not exceed."""
    c = constants()
    x = np.nan_to_num(np.asarray(flammable_liquid_mg_Wh, float), nan=np.inf)
    return c["class_names"][np.searchsorted(c["class_bounds_mg_Wh"], x, side="left")]


def _per_Wh(amount_per_cm2: np.ndarray, energy_mWh_cm2: np.ndarray) -> np.ndarray:
    """amount cm⁻² / Wh cm⁻²; a cell that stores no energy has ∞ per Wh of anything it holds."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = 1e3 * amount_per_cm2 / energy_mWh_cm2
    return np.where(amount_per_cm2 == 0, 0.0, np.where(energy_mWh_cm2 > 0, out, np.inf))


def accounting(s: Stack, utilization: np.ndarray | float | None = None) -> dict[str, np.ndarray]:
    """All metrics of a batch, keyed with units (the sweep's columns)."""
    mass = mass_breakdown_mg_cm2(s)
    thick = thickness_breakdown_um(s)
    m_tot = sum(mass.values())
    t_tot = sum(thick.values())
    cap = capacity_mAh_cm2(s, utilization)
    volt = cell_voltage_V(s)
    energy = cap * volt  # mAh × V = mWh
    flam = np.zeros(s.n)
    heat = np.zeros(s.n)
    flam_heat = np.zeros(s.n)
    cost = np.zeros(s.n)
    liquid = np.zeros(s.n)
    for dep, m_dep, m_layer in ((s.anode, mass["anode_liquid"], mass["anode_interlayer"]),
                                (s.cathode, mass["cathode_liquid"], mass["cathode_interlayer"])):
        m_liq = m_dep * dep.liquid_fraction
        liquid += m_dep
        flam += np.where(dep.flammable, m_liq, 0.0)
        # mg × kJ g⁻¹ = J
        h = m_dep * np.where(m_dep > 0, dep.heat_of_combustion_kJ_g, 0.0)
        heat += h
        flam_heat += np.where(dep.flammable, h * dep.liquid_fraction, 0.0)
        # mg × 1e-6 kg mg⁻¹ × USD kg⁻¹
        cost += 1e-6 * (m_dep * np.where(m_dep > 0, dep.cost_USD_kg, 0.0)
                        + m_layer * np.where(m_layer > 0, dep.layer_cost_USD_kg, 0.0))
    flam_Wh = _per_Wh(flam, energy)
    with np.errstate(divide="ignore", invalid="ignore"):
        grav = 1e3 * energy / m_tot            # mWh mg⁻¹ = Wh g⁻¹ = 1e3 Wh kg⁻¹
        vol = energy / (t_tot * 1e-4)          # mWh cm⁻³ = Wh L⁻¹
    return {
        "capacity_mAh_cm2": cap,
        "cell_voltage_V": volt,
        "energy_mWh_cm2": energy,
        "stack_mass_mg_cm2": m_tot,
        "stack_thickness_um": t_tot,
        "gravimetric_energy_density_Wh_kg": grav,
        "volumetric_energy_density_Wh_L": vol,
        "liquid_mg_cm2": liquid,
        "flammable_liquid_mg_cm2": flam,
        "flammable_liquid_mg_Wh": flam_Wh,
        "combustion_heat_J_Wh": _per_Wh(heat, energy),
        "flammable_combustion_heat_J_Wh": _per_Wh(flam_heat, energy),
        "liquid_cost_USD_Wh": _per_Wh(cost, energy),
        "safety_class": safety_class(flam_Wh),
    }


def metrics_frame(designs: Sequence[Design], utilization: np.ndarray | float | None = None):
    """:func:`accounting` of ``designs`` as a pandas DataFrame, one row per design."""
    import pandas as pd

    return pd.DataFrame(accounting(stack_of(designs), utilization))


def metrics_report(design: Design, utilization: float | None = None) -> dict:
    """One design's accounting as a JSON-ready dict (units in every key).

    ``utilization`` (0–1) scales the cathode capacity, e.g. by the interface model's
    ``cathode_utilization``; by default the full capacity of the loading counts.
    """
    s = stack_of([design])
    acc = accounting(s, None if utilization is None else np.array([utilization]))
    out = {"design": design.name, "cathode_utilization": 1.0 if utilization is None else float(utilization)}
    for k, v in acc.items():
        out[k] = str(v[0]) if k == "safety_class" else float(v[0])
    out["mass_breakdown_mg_cm2"] = {k: float(v[0]) for k, v in mass_breakdown_mg_cm2(s).items()}
    out["thickness_breakdown_um"] = {k: float(v[0]) for k, v in thickness_breakdown_um(s).items()}
    return out
