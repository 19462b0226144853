"""A layer's conductivities from its species (effective-medium mixing).

Each layer is a random mixture of its species' grains.  Its ionic and its electronic
conductivity follow the symmetric Bruggeman effective-medium approximation for spheres,

    Σ_i φ_i (σ_i − σ) / (σ_i + 2 σ) = 0 ,

(Bruggeman, Ann. Phys. 416 (1935) 636; Landauer, J. Appl. Phys. 23 (1952) 779), which
percolates at φ = 1/3: a minority of conducting grains does not carry current through an
insulating matrix, a majority does.  φ_i are volume fractions from the mole fractions and
the molar volumes of ``species.toml``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from scipy.optimize import brentq

from lpt.interface.chemistry.tables import species


def volume_fractions(moles: Mapping[str, float]) -> dict[str, float]:
    """Volume fraction of each species from its amount (any unit of moles)."""
    sp = species()
    vol = {k: n * sp[k].molar_volume_cm3_mol for k, n in moles.items() if n > 0}
    total = sum(vol.values())
    return {k: v / total for k, v in vol.items()} if total > 0 else {}


def bruggeman_S_cm(phases: Mapping[str, float], conductivity: Mapping[str, float]) -> float:
    """Bruggeman effective conductivity of phases with volume fractions ``phases``."""
    items = [(phi, conductivity[k]) for k, phi in phases.items() if phi > 0]
    if not items:
        return 0.0
    if len(items) == 1:
        return items[0][1]

    def residual(log_sigma: float) -> float:
        s = math.exp(log_sigma)
        return sum(phi * (si - s) / (si + 2.0 * s) for phi, si in items)

    lo = math.log(min(si for _, si in items))
    hi = math.log(max(si for _, si in items))
    if hi - lo < 1e-12:
        return math.exp(lo)
    return math.exp(brentq(residual, lo, hi, xtol=1e-10))


@dataclass(frozen=True)
class LayerProperties:
    """Composition and transport of one layer (the `lpt asr --json` layer record)."""

    name: str
    species: dict[str, float]          # mole fractions
    volume_fractions: dict[str, float]
    ionic_conductivity_S_cm: float
    electronic_conductivity_S_cm: float
    molar_volume_cm3_per_mol_li: float  # layer volume per mole of Li (electrons) it took
    li_capacity_mAh_cm3: float          # Li from the electrode stored per layer volume
    moles: dict[str, float]             # amounts for the reacting flux (relative units)
    volume_cm3: float                   # volume of those amounts

    def record(self, thickness_nm: float) -> dict:
        return {"name": self.name, "thickness_nm": float(thickness_nm),
                "species": {k: round(v, 4) for k, v in self.species.items()},
                "ionic_conductivity_S_cm": self.ionic_conductivity_S_cm,
                "electronic_conductivity_S_cm": self.electronic_conductivity_S_cm}


MAH_PER_MOL = 96485.33212 / 3.6


def layer_properties(name: str, moles: Mapping[str, float], electrons: float) -> LayerProperties:
    """Properties of a layer holding ``moles`` of species made with ``electrons`` moles of e⁻."""
    sp = species()
    moles = {k: v for k, v in moles.items() if v > 0}
    total = sum(moles.values())
    phases = volume_fractions(moles)
    volume = sum(n * sp[k].molar_volume_cm3_mol for k, n in moles.items())
    per_li = volume / electrons if electrons > 0 else math.inf
    return LayerProperties(
        name=name, species={k: n / total for k, n in moles.items()} if total else {},
        volume_fractions=phases,
        ionic_conductivity_S_cm=bruggeman_S_cm(phases, {k: sp[k].ionic_conductivity_S_cm for k in phases}),
        electronic_conductivity_S_cm=bruggeman_S_cm(phases, {k: sp[k].electronic_conductivity_S_cm for k in phases}),
        molar_volume_cm3_per_mol_li=per_li,
        li_capacity_mAh_cm3=(electrons / volume * MAH_PER_MOL) if volume > 0 else 0.0,
        moles=dict(moles), volume_cm3=volume,
    )


def series(layers: list[LayerProperties], thickness_cm: list[float]) -> tuple[float, float]:
    """Thickness-weighted series conductivities (ionic, electronic) of stacked layers."""
    L = sum(thickness_cm)
    if L <= 0:
        return math.inf, 0.0
    r_i = sum(t / lay.ionic_conductivity_S_cm for lay, t in zip(layers, thickness_cm))
    r_e = sum(t / max(lay.electronic_conductivity_S_cm, 1e-30) for lay, t in zip(layers, thickness_cm))
    return L / r_i, L / r_e
