"""Which interphase a liquid forms on a surface, from its composition (review §2.2).

A liquid is its salt anions and concentration, solvents, ionic-liquid cations, additives
and water.  Li⁺ carries its first solvation shell to a reducing surface, so what the shell
holds is what Li reduces into the SEI (review §2.2.1, ref [69]): the shell's
``SOLVATION_NUMBER`` sites are shared among solvent donor sites and anions by their
affinity, and when the solvent cannot fill them (high-concentration and localized
high-concentration electrolytes, ionic liquids) anions must.  Ions that do not bind Li⁺
(ionic-liquid cations) reach the surface on their own and react if the surface is below
their reduction onset (imidazolium C2–H).  At a cathode the free species whose oxidation
onset lies below the upper cut-off are oxidized, in proportion to their amount and
overpotential, into the CEI.  Products split into the inner inorganic layer and the outer
organic one (review §2.2.1: "inorganic compositions ... approaching the anode, and organic
compositions ... above").
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lpt.errors import LptError
from lpt.interface.chemistry.properties import LayerProperties, layer_properties
from lpt.interface.chemistry.tables import Reaction, cited, entry, reactants, species

# Li⁺ is four-coordinate by O donors and anions in carbonate and ether electrolytes
# (Xu, Chem. Rev. 104 (2004) 4303; Borodin et al.; Qian et al., Nat. Commun. 6 (2015) 6362).
SOLVATION_NUMBER = 4.0
LI_MOLAR_MASS = 6.94
# a Li salt's own volume in solution, per mole: its mass at ~1.6 g/cm³ (estimate; it only
# corrects the solvents' molarity at high concentration)
SALT_DENSITY_G_CM3 = 1.6
# a solvent counts as free when more than this share of it is outside the Li⁺ shells
# (numerical zero: the equimolar solvate ionic liquids leave exactly none)
FREE_SOLVENT_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Composition:
    """A liquid as the chemistry sees it (concentrations in mol L⁻¹)."""

    label: str
    li_mol_L: float
    anions: dict[str, float]
    solvents: dict[str, float] = field(default_factory=dict)
    cations: dict[str, float] = field(default_factory=dict)
    additives: dict[str, float] = field(default_factory=dict)   # additives with chemistry of their own
    water_ppm: float = 0.0

    def key(self) -> tuple:
        return (self.label, self.li_mol_L, tuple(sorted(self.anions.items())), tuple(sorted(self.solvents.items())),
                tuple(sorted(self.cations.items())), tuple(sorted(self.additives.items())), self.water_ppm)

    @property
    def free_solvent_mol_L(self) -> dict[str, float]:
        """Solvent molecules not held in a Li⁺ shell (mol L⁻¹), by solvent.

        Each Li⁺ takes ``SOLVATION_NUMBER`` donor sites; a coordinating molecule gives it
        ``min(donors, N)`` of its own (a glyme wraps one Li⁺ — [Li(G3)]⁺, [Li(G4)]⁺: Ueno et
        al., J. Phys. Chem. B 116 (2012) 11323; Yoshida et al., J. Am. Chem. Soc. 133 (2011)
        13121 —, a carbonate gives one O, four molecules per Li⁺: Xu 2004), and the solvents
        share the Li⁺ by their donor sites × affinity.  What the Li⁺ cannot hold is free:
        an equimolar solvate ionic liquid or a high-concentration electrolyte has none, a
        1 M carbonate most of it; a non-coordinating diluent (affinity 0) is all free.
        """
        sites = {s: n * entry("solvent", s)["donors"] * entry("solvent", s)["affinity"]
                 for s, n in self.solvents.items()}
        total = sum(sites.values())
        out = {}
        for s, n in self.solvents.items():
            donors = entry("solvent", s)["donors"]
            per_li = SOLVATION_NUMBER / min(donors, SOLVATION_NUMBER) if sites[s] > 0 else 0.0
            held = self.li_mol_L * (sites[s] / total if total > 0 else 0.0) * per_li
            out[s] = max(n - held, 0.0)
        return out

    @property
    def free_solvent(self) -> bool:
        """Some solvent is not held in a Li⁺ shell (it can attack a sulfide's PS₄³⁻)."""
        return any(f > FREE_SOLVENT_TOLERANCE * n for f, n in zip(self.free_solvent_mol_L.values(),
                                                                   self.solvents.values()))


def _salt_volume_L_mol(anion: str) -> float:
    return (float(entry("anion", anion)["molar_mass_g_mol"]) + LI_MOLAR_MASS) / SALT_DENSITY_G_CM3 / 1000.0


def composition(label: str, *, salt_anion: str | None, salt_mol_L: float, solvents_volume: Mapping[str, float] | None = None,
                solvents_molar_ratio: Mapping[str, float] | None = None, cation: str | None = None,
                il_mol_L: float = 0.0, il_anion: str | None = None, additives: Mapping[str, float] | None = None,
                water_ppm: float = 0.0) -> Composition:
    """A composition from a recipe: salt and molarity; solvents by volume fraction (of the
    solvent mixture) or by moles per mole of Li salt; an ionic liquid; additives (mol L⁻¹,
    or ``None`` for the table's usual amount)."""
    anions: dict[str, float] = {}
    if salt_anion:
        anions[salt_anion] = anions.get(salt_anion, 0.0) + salt_mol_L
    li = salt_mol_L if salt_anion else 0.0
    solvents: dict[str, float] = {}
    if solvents_volume:
        free_volume = max(0.0, 1.0 - (salt_mol_L * _salt_volume_L_mol(salt_anion) if salt_anion else 0.0))
        total = sum(solvents_volume.values())
        for name, frac in solvents_volume.items():
            e = entry("solvent", name)
            solvents[name] = frac / total * free_volume * e["density_g_cm3"] / e["molar_mass_g_mol"] * 1000.0
    if solvents_molar_ratio:
        for name, ratio in solvents_molar_ratio.items():
            entry("solvent", name)
            solvents[name] = ratio * salt_mol_L
    cations = {}
    if cation and il_mol_L > 0:
        cations[cation] = il_mol_L
        anions[il_anion] = anions.get(il_anion, 0.0) + il_mol_L
    extra: dict[str, float] = {}
    for name, amount in (additives or {}).items():
        add = entry("additive", name)
        amount = cited(add, "amount_mol_L", f"reactants.toml [additive.{name}]") if amount is None else amount
        if "adds_solvent" in add:
            solvents[add["adds_solvent"]] = solvents.get(add["adds_solvent"], 0.0) + amount
        elif "adds_anion" in add:
            anions[add["adds_anion"]] = anions.get(add["adds_anion"], 0.0) + amount
            li += amount
        else:
            extra[name] = amount
    return Composition(label, li, anions, solvents, cations, extra, water_ppm)


def liquid_composition(liquid: Any, additive: Any = None) -> Composition:
    """The composition of a knowledge-base liquid (with an optional knowledge-base additive)."""
    anion = liquid.anion
    salt = liquid.salt_molarity_M or 0.0 if liquid.salt else 0.0
    il = 0.0
    if liquid.cation != "none":
        m_il = float(entry("cation", liquid.cation)["molar_mass_g_mol"]) + float(entry("anion", anion)["molar_mass_g_mol"])
        il = liquid.density_g_cm3 * 1000.0 / m_il * max(0.0, 1.0 - salt * _salt_volume_L_mol(anion))
    adds = {additive.id: None} if additive is not None and additive.id in reactants()["additive"] else {}
    return composition(liquid.id, salt_anion=anion if liquid.salt else None, salt_mol_L=salt,
                       solvents_volume=liquid.solvents or None,
                       cation=None if liquid.cation == "none" else liquid.cation, il_mol_L=il, il_anion=anion,
                       additives=adds, water_ppm=liquid.water_ppm or 0.0)


def solvation_shell(c: Composition) -> dict[tuple[str, str], float]:
    """Share of the Li⁺ first-shell sites held by each ligand, keyed (section, name)."""
    if c.li_mol_L <= 0:
        return {}
    solv = {("solvent", s): n * entry("solvent", s)["donors"] * entry("solvent", s)["affinity"] for s, n in c.solvents.items()}
    anio = {("anion", a): n * entry("anion", a)["affinity"] for a, n in c.anions.items()}
    s_sites, a_sites = sum(solv.values()), sum(anio.values())
    total = s_sites + a_sites
    if total <= 0:
        return {}
    anion_share = a_sites / total
    # solvent sites cannot exceed what the solvent offers: the rest of the shell is anions
    anion_share = max(anion_share, 1.0 - s_sites / (SOLVATION_NUMBER * c.li_mol_L))
    out = {k: (1.0 - anion_share) * v / s_sites for k, v in solv.items() if s_sites > 0}
    out.update({k: anion_share * v / a_sites for k, v in anio.items() if a_sites > 0})
    return out


def free_anion_fraction(c: Composition) -> dict[str, float]:
    """Share of each anion outside every Li⁺ shell — what the Raman band of the free anion
    measures (FSI⁻ S–N–S near 720 cm⁻¹).

    The shell holds ``N c_Li p_a`` anion contacts per litre (eq. S, docs/model.md §1.6);
    each bound anion is counted once (a contact ion pair), so the fraction is
    ``1 − N c_Li p_a / c_a``, floored at 0 where anions must bridge Li⁺ (aggregates:
    high-concentration and localized high-concentration electrolytes)."""
    shell = solvation_shell(c)
    return {a: max(0.0, 1.0 - SOLVATION_NUMBER * c.li_mol_L * shell.get(("anion", a), 0.0) / n) if n > 0 else 0.0
            for a, n in c.anions.items()}


@dataclass(frozen=True)
class Interphase:
    """The layers a liquid (or an SSE) forms on a surface, inner first."""

    surface: str
    potential_V: float
    reacted: dict[str, float]            # reactant -> share of the molecules reduced/oxidized
    layers: tuple[LayerProperties, ...]
    electrons: float                     # mol e⁻ per unit of reactant flux (relative)
    volume_cm3: float                    # layer volume for that flux

    @property
    def inorganic_fraction(self) -> float:
        """Volume fraction of inorganic (and metallic) species in the whole interphase."""
        if self.volume_cm3 <= 0:
            return 0.0
        return sum(lay.volume_cm3 for lay in self.layers if lay.name.endswith("inner")) / self.volume_cm3

    @functools.cached_property
    def whole(self) -> LayerProperties:
        """The interphase as one layer (its species all mixed)."""
        moles: dict[str, float] = {}
        for lay in self.layers:
            for k, n in lay.moles.items():
                moles[k] = moles.get(k, 0.0) + n
        return layer_properties(self.surface, moles, self.electrons)


def _layers(surface: str, moles: Mapping[str, float], electrons: float) -> tuple[tuple[LayerProperties, ...], float]:
    sp = species()
    groups = {"inner": {k: n for k, n in moles.items() if sp[k].kind != "organic" and n > 0},
              "outer": {k: n for k, n in moles.items() if sp[k].kind == "organic" and n > 0}}
    li_total = sum(n * sp[k].li_atoms for k, n in moles.items()) or 1.0
    out, volume = [], 0.0
    for part, group in groups.items():
        if not group:
            continue
        li = sum(n * sp[k].li_atoms for k, n in group.items())
        lay = layer_properties(f"{surface} {part}", group, electrons * li / li_total)
        out.append(lay)
        volume += lay.volume_cm3
    return tuple(out), volume


def _react(surface: str, potential_V: float, weights: Mapping[str, tuple[float, Reaction]]) -> Interphase:
    moles: dict[str, float] = {}
    electrons = 0.0
    took: dict[str, float] = {}
    for name, (w, rx) in weights.items():
        if w <= 0:
            continue
        for k, n in rx.products.items():
            moles[k] = moles.get(k, 0.0) + w * n
        electrons += w * rx.electrons
        took[name] = w
    layers, volume = _layers(surface, moles, electrons)
    total = sum(took.values())
    share = {k: v / total for k, v in took.items()} if total > 0 else {}
    return Interphase(surface, potential_V, share, layers, electrons, volume)


def _cached(fn):
    cache: dict = {}

    @functools.wraps(fn)
    def wrapper(c: Composition, *args):
        k = (c.key(), args)
        if k not in cache:
            cache[k] = fn(c, *args)
        return cache[k]
    return wrapper


@_cached
def reduction_interphase(c: Composition, potential_V: float = 0.0) -> Interphase:
    """The SEI the liquid forms on a surface at ``potential_V`` vs Li (Li metal: 0 V)."""
    weights: dict[str, tuple[float, Reaction]] = {}
    shell = solvation_shell(c)
    for (section, name), share in shell.items():
        rx = entry(section, name)["reduction"]
        if rx is not None and rx.onset_V > potential_V:
            weights[name] = (SOLVATION_NUMBER * c.li_mol_L * share, rx)
    for name, n in c.cations.items():          # ions that reach the surface unbound
        rx = entry("cation", name)["reduction"]
        if rx is not None and rx.onset_V > potential_V:
            weights[name] = (n, rx)
    if c.li_mol_L <= 0:                         # no Li⁺ in the liquid: the anions meet the metal directly
        for name, n in c.anions.items():
            rx = entry("anion", name)["reduction"]
            if rx is not None and rx.onset_V > potential_V:
                weights[name] = (n, rx)
    if not weights:
        raise LptError(f"no species of {c.label} is reduced at {potential_V:g} V vs Li: the chemistry table "
                       f"has no reduction path for it.")
    return _react("SEI", potential_V, weights)


@_cached
def oxidation_interphase(c: Composition, potential_V: float) -> Interphase | None:
    """The CEI the liquid forms on a cathode charged to ``potential_V`` (None: nothing oxidizes)."""
    weights: dict[str, tuple[float, Reaction]] = {}
    pool = ([("solvent", s, n) for s, n in c.solvents.items()] + [("anion", a, n) for a, n in c.anions.items()]
            + [("cation", k, n) for k, n in c.cations.items()] + [("additive", k, n) for k, n in c.additives.items()])
    for section, name, n in pool:
        rx = entry(section, name).get("oxidation")
        if rx is not None and rx.onset_V < potential_V and rx.products:
            weights[name] = (n * (potential_V - rx.onset_V), rx)
    return _react("CEI", potential_V, weights) if weights else None


def solvent_classes(c: Composition, free_only: bool = False) -> set[str]:
    """Classes (carbonate, ether, nitrile ...) of the liquid's solvents, or of those with
    molecules outside the Li⁺ shells (``free_only``)."""
    amounts = c.free_solvent_mol_L if free_only else c.solvents
    return {entry("solvent", s)["class"] for s, n in amounts.items()
            if n > (FREE_SOLVENT_TOLERANCE * c.solvents[s] if free_only else 0.0)}


def makes_hf(c: Composition) -> bool:
    """LiPF6 with water hydrolyses to HF unless a proton scavenger is present."""
    return (c.water_ppm > 0 and "PF6" in c.anions and
            not any(entry("additive", a).get("scavenges_protons") for a in c.additives))


def scavenges_protons(c: Composition) -> bool:
    return any(entry("additive", a).get("scavenges_protons") for a in c.additives)
