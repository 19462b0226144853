"""Compatibility screening of a cell design: named chemistry rules → findings → verdict.

Every rule is a small function ``rule(ctx) -> list[Finding]`` registered under its
code in :data:`RULES`; it looks at one pair of the cell (SSE|anode, SSE|cathode,
liquid|anode, liquid|cathode, liquid|SSE, or the whole cell) and reports what the
chemistry of the review (seed, sections 2–3) says about it.  Thresholds and the
references each code carries live in ``data/screening_rules.toml``.

A therapy at an interface changes what touches what:

- ``wetting``: the liquid touches both the electrode and the SSE, and keeps them
  apart while it lasts (liquid rules apply; SSE|electrode reactions become info);
- ``polymerization``: the in-situ polymer (and any liquid swelling it) sits between
  them, is not consumed and follows volume changes;
- ``reaction_layer``: a designed solid layer (e.g. LiH2PO4 from H3PO4/THF on Li)
  separates them; its carrier solvent is gone before assembly.

The verdict is ``incompatible`` if any finding is critical, ``caution`` if any is a
warning, else ``compatible``.

>>> from lpt.design import load_design
>>> result = screen(load_design("examples/table1/latp_carbonate_lfp.toml"), untreated=True)
>>> result.verdict, "LATP_TI_REDUCTION" in result.codes
('incompatible', True)
"""

from __future__ import annotations

import functools
import math
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal

from lpt import materials, therapies
from lpt.metrics import metrics_report
from lpt.constants import K_B_EV
from lpt.design import Design, Interface
from lpt.errors import LptError
from lpt.materials import Electrode, Liquid, Reagent, SolidElectrolyte

Severity = Literal["info", "warning", "critical"]
SEVERITY_RANK = {"info": 0, "warning": 1, "critical": 2}
VERDICT_OF = {None: "compatible", "info": "compatible", "warning": "caution", "critical": "incompatible"}

# Liquids whose molecules are not tied up by Li+: the ones that attack sulfides,
# are reduced continuously on Li and carry the fuel of a fire.
_MOLECULAR_SOLVENTS = ("carbonate", "ether")


# --------------------------------------------------------------------- results


@dataclass(frozen=True)
class Finding:
    """One thing the chemistry says about one pair of the cell."""

    pair: str
    severity: Severity
    code: str
    message: str
    references: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"pair": self.pair, "severity": self.severity, "code": self.code,
                "message": self.message, "references": list(self.references)}


@dataclass(frozen=True)
class ScreeningResult:
    """All findings for one design (treated or untreated arm) and their verdict."""

    design: str
    untreated: bool
    findings: tuple[Finding, ...]

    @property
    def verdict(self) -> str:
        worst = max((f.severity for f in self.findings), key=SEVERITY_RANK.__getitem__, default=None)
        return VERDICT_OF[worst]

    @property
    def codes(self) -> set[str]:
        return {f.code for f in self.findings}

    def by_code(self, code: str) -> list[Finding]:
        return [f for f in self.findings if f.code == code]

    def to_json(self) -> dict[str, Any]:
        """The `lpt screen --json` document (CONTRACT.md keys)."""
        return {"design": self.design, "verdict": self.verdict,
                "findings": [f.to_json() for f in self.findings]}


# ------------------------------------------------------------------ rule data


@dataclass(frozen=True)
class RuleData:
    thresholds: dict[str, float]
    references: dict[str, tuple[str, ...]]
    summaries: dict[str, str]


@functools.cache
def rule_data() -> RuleData:
    """Thresholds, references and summaries from ``data/screening_rules.toml``."""
    raw = tomllib.loads((resources.files("lpt") / "data" / "screening_rules.toml").read_text())
    thresholds = {k: float(v["value"]) for k, v in raw["thresholds"].items()}
    references = {k: tuple(v.get("references", ())) for k, v in raw["rules"].items()}
    summaries = {k: str(v.get("summary", "")) for k, v in raw["rules"].items()}
    return RuleData(thresholds, references, summaries)


# --------------------------------------------------------------------- context


@dataclass(frozen=True)
class Side:
    """One interface (anode or cathode side) with its therapy's materials resolved."""

    name: str  # "anode" | "cathode"
    interface: Interface
    liquid: Liquid | None = None
    additive: Reagent | None = None
    precursor: Reagent | None = None
    reagent: Reagent | None = None

    @property
    def therapy(self) -> str:
        return self.interface.therapy

    @property
    def _registered(self) -> therapies.Therapy:
        return therapies.get(self.therapy)

    @property
    def separates(self) -> bool:
        """Whether the therapy puts something between the electrode and the SSE."""
        return self._registered.separates

    @property
    def contact_liquid(self) -> Liquid | None:
        """The liquid that touches electrode and SSE (a reaction layer's carrier solvent
        is evaporated before assembly, so it does not count)."""
        return self.liquid if self._registered.liquid_touches else None

    @property
    def barrier(self) -> str:
        """What the therapy puts between electrode and SSE, in words."""
        return self._registered.barrier(self)

    @property
    def liquid_stays_liquid(self) -> bool:
        """The therapy leaves a liquid in the cell that reacts away with time."""
        return self._registered.consumed

    @property
    def while_it_lasts(self) -> str:
        return " as long as the liquid lasts" if self.liquid_stays_liquid else ""


@dataclass(frozen=True)
class ScreeningContext:
    """Everything a rule may look at: the design and its knowledge-base records."""

    design: Design
    sse: SolidElectrolyte
    anode: Electrode
    cathode: Electrode
    anode_side: Side
    cathode_side: Side
    thresholds: dict[str, float]
    references: dict[str, tuple[str, ...]]

    def finding(self, code: str, pair: str, severity: Severity, message: str) -> Finding:
        return Finding(pair=pair, severity=severity, code=code, message=message,
                       references=self.references.get(code, ()))

    @property
    def sides(self) -> tuple[Side, Side]:
        return (self.anode_side, self.cathode_side)

    def electrode(self, side: Side) -> Electrode:
        return self.anode if side.name == "anode" else self.cathode

    def sse_has(self, *sensitivities: str) -> bool:
        return any(s in self.sse.sensitivities for s in sensitivities)

    @property
    def sse_is_sulfide(self) -> bool:
        return self.sse.chemistry == "sulfide" or self.sse_has("nucleophilic_attack")

    @property
    def sse_is_garnet(self) -> bool:
        return self.sse.family == "garnet" or self.sse_has("proton_exchange")

    @property
    def anode_is_li_metal(self) -> bool:
        return self.anode.average_potential_V <= self.thresholds["li_metal_max_potential_V"]

    @property
    def cathode_upper_V(self) -> float:
        """The highest potential the cathode reaches on charge (its upper cut-off)."""
        up = self.cathode.upper_cutoff_V
        return up if up is not None else self.cathode.average_potential_V

    @property
    def cathode_particle_radius_um(self) -> float | None:
        return self.design.cathode.particle_radius_um or self.cathode.particle_radius_um

    @property
    def cathode_sse_separated(self) -> bool:
        """A cathode-side therapy keeps the SSE off the active particles only if the
        electrode holds no SSE of its own (a composite's SSE touches them anyway)."""
        return (self.cathode_side.separates and self.design.cathode.sse_volume_fraction
                < self.thresholds["composite_min_sse_volume_fraction"])

    def liquid_sides(self) -> list[tuple[Side, Liquid]]:
        return [(s, s.contact_liquid) for s in self.sides if s.contact_liquid is not None]


def _side(name: str, iface: Interface) -> Side:
    def rec(mid: str | None, kind: str) -> Any:
        return None if mid is None else materials.get(mid, kind)

    return Side(name=name, interface=iface, liquid=rec(iface.liquid, "liquid"),
                additive=rec(iface.additive, "additive"), precursor=rec(iface.precursor, "precursor"),
                reagent=rec(iface.reagent, "reagent"))


def build_context(design: Design) -> ScreeningContext:
    """Resolve the design's knowledge-base ids (clear error on an unknown id)."""
    try:
        sse = materials.get(design.electrolyte.material, "solid_electrolyte", field="'electrolyte.material'")
        anode = materials.get(design.anode.material, "electrode", field="'anode.material'")
        cathode = materials.get(design.cathode.material, "electrode", field="'cathode.material'")
        anode_side = _side("anode", design.anode_interface)
        cathode_side = _side("cathode", design.cathode_interface)
    except LptError as exc:
        raise LptError(f"{design.source}: {exc}") from None
    data = rule_data()
    return ScreeningContext(design=design, sse=sse, anode=anode, cathode=cathode,
                            anode_side=anode_side, cathode_side=cathode_side,
                            thresholds=data.thresholds, references=data.references)


# -------------------------------------------------------------------- registry

Rule = Callable[[ScreeningContext], list[Finding]]
RULES: dict[str, Rule] = {}


def rule(code: str) -> Callable[[Rule], Rule]:
    """Register a rule function under its finding code (one code per rule)."""

    def register(fn: Rule) -> Rule:
        if code in RULES:
            raise ValueError(f"screening rule {code} registered twice")
        RULES[code] = fn
        return fn

    return register


def _pair(side: Side, what: str, other: str) -> str:
    return f"{what}({side.name} side)|{other}"


def _is_superbase(additive: Reagent | None) -> bool:
    """n-BuLi, or any additive the knowledge base says lithiates a Li+/H+-exchanged garnet."""
    if additive is None:
        return False
    return additive.id.lower() == "nbuli" or "removes_proton_exchange_layer" in additive.effects


def _is_acidic(reagent: Reagent | None) -> bool:
    if reagent is None:
        return False
    words = " ".join([reagent.id, reagent.name, reagent.role, *reagent.effects]).lower()
    return "acid" in words or "h3po4" in words


# ------------------------------------------------------------------ SSE|anode


def _reduction_severity(ctx: ScreeningContext, alloy: Severity) -> Severity:
    return "critical" if ctx.anode_is_li_metal else alloy


@rule("SSE_LI_MCI")
def sse_li_mci(ctx: ScreeningContext) -> list[Finding]:
    sse, anode, side = ctx.sse, ctx.anode, ctx.anode_side
    if sse.li_interphase != "mixed_conducting" or _oxide_cation_reduction(ctx):
        return []
    if anode.average_potential_V >= sse.window_low_V:
        return []
    if side.separates:
        return [ctx.finding("SSE_LI_MCI", "SSE|anode", "info",
                            f"{sse.id} would be reduced by {anode.id} into a mixed-conducting interphase, "
                            f"but {side.barrier} keeps them apart{side.while_it_lasts}.")]
    if not ctx.anode_is_li_metal:
        # Empirical: Li-In is the standard anode of thio-LISICON cells (Kamaya 2011, Oh 2015).
        return [ctx.finding("SSE_LI_MCI", "SSE|anode", "info",
                            f"{anode.id} ({anode.average_potential_V:.2f} V) lies below the reduction limit of "
                            f"{sse.id} ({sse.window_low_V:.2f} V), but the alloy's low Li activity keeps the "
                            f"mixed-conducting interphase thin and slow-growing.")]
    return [ctx.finding("SSE_LI_MCI", "SSE|anode", "critical",
                        f"{sse.id} is reduced by {anode.id} below {sse.window_low_V:.2f} V into a mixed "
                        f"ionic-electronic interphase (Li2S, Li3P, Li-metal alloys) that grows without limit.")]


@rule("SSE_LI_PASSIVATING")
def sse_li_passivating(ctx: ScreeningContext) -> list[Finding]:
    sse, anode = ctx.sse, ctx.anode
    if (sse.li_interphase != "passivating" or ctx.anode_side.separates
            or anode.average_potential_V >= sse.window_low_V):
        return []
    return [ctx.finding("SSE_LI_PASSIVATING", "SSE|anode", "info",
                        f"{sse.id} is reduced by {anode.id} below {sse.window_low_V:.2f} V, but the products "
                        f"are electronic insulators and the interphase stops growing after a few nm.")]


def _oxide_cation_reduction(ctx: ScreeningContext, *sensitivities: str) -> bool:
    """Ti4+/Ge4+ oxides and phosphates (LATP, LAGP, LLTO) have their own rules; in a
    thiophosphate such as LGPS the Ge4+ reduction is part of its mixed-conducting
    interphase (SSE_LI_MCI)."""
    return ctx.sse.chemistry == "oxide" and ctx.sse_has(*(sensitivities or ("ti_reduction", "ge_reduction")))


def _cation_reduction(ctx: ScreeningContext, code: str, sensitivity: str, ion: str) -> list[Finding]:
    sse, anode, side = ctx.sse, ctx.anode, ctx.anode_side
    if not _oxide_cation_reduction(ctx, sensitivity) or anode.average_potential_V >= sse.window_low_V:
        return []
    if side.separates:
        return [ctx.finding(code, "SSE|anode", "info",
                            f"{side.barrier} keeps {anode.id} off {sse.id}, so {ion} is not reduced"
                            f"{side.while_it_lasts}; the interlayer's own SEI/SLEI carries the current.")]
    return [ctx.finding(code, "SSE|anode", _reduction_severity(ctx, "warning"),
                        f"{anode.id} ({anode.average_potential_V:.2f} V) reduces {ion} of {sse.id} (below "
                        f"{sse.window_low_V:.2f} V) into an electronically conducting interphase that keeps "
                        f"growing into the electrolyte.")]


@rule("LATP_TI_REDUCTION")
def latp_ti_reduction(ctx: ScreeningContext) -> list[Finding]:
    return _cation_reduction(ctx, "LATP_TI_REDUCTION", "ti_reduction", "Ti4+")


@rule("LAGP_GE_REDUCTION")
def lagp_ge_reduction(ctx: ScreeningContext) -> list[Finding]:
    return _cation_reduction(ctx, "LAGP_GE_REDUCTION", "ge_reduction", "Ge4+")


@rule("ANODE_POINT_CONTACT")
def anode_point_contact(ctx: ScreeningContext) -> list[Finding]:
    sse, p = ctx.sse, ctx.design.stack_pressure_MPa
    limit = ctx.thresholds["li_creep_contact_pressure_MPa"]
    # Sulfides deform under the pellet press and LiPON is a deposited film: only
    # sintered oxide ceramics stay rigid against the metal.
    if sse.chemistry != "oxide" or sse.family == "lipon" or ctx.anode_side.separates or p >= limit:
        return []
    return [ctx.finding("ANODE_POINT_CONTACT", "SSE|anode", "warning",
                        f"bare {ctx.anode.id} on rigid {sse.id} at {p:g} MPa (below the ~{limit:g} MPa at "
                        f"which Li creeps) touches only at points, typically 10^3 Ohm cm2, and voids grow on "
                        f"stripping.")]


@rule("REACTION_LAYER_BLOCKS")
def reaction_layer_blocks(ctx: ScreeningContext) -> list[Finding]:
    out = []
    for side in ctx.sides:
        if side.reagent is None:
            continue
        out.append(ctx.finding("REACTION_LAYER_BLOCKS", _pair(side, "layer", "SSE"), "info",
                               f"{side.barrier}, {side.interface.thickness_nm:g} nm thick, separates "
                               f"{ctx.sse.id} from {ctx.electrode(side).id} and blocks their reaction, at the "
                               f"price of its own (fixed) resistance."))
    return out


@rule("ACID_REAGENT_SULFIDE")
def acid_reagent_sulfide(ctx: ScreeningContext) -> list[Finding]:
    if not ctx.sse_is_sulfide:
        return []
    return [ctx.finding("ACID_REAGENT_SULFIDE", _pair(side, "layer", "SSE"), "info",
                        f"{side.reagent.id} must react fully with {ctx.electrode(side).id} before {ctx.sse.id} "
                        f"is pressed on: residual acid protonates the thiophosphate and releases H2S.")
            for side in ctx.sides if side.reagent is not None and _is_acidic(side.reagent)]


# ---------------------------------------------------------------- SSE|cathode


@rule("CATHODE_POINT_CONTACT")
def cathode_point_contact(ctx: ScreeningContext) -> list[Finding]:
    sse, cat, cell = ctx.sse, ctx.cathode, ctx.design.cathode
    if ctx.cathode_side.separates or sse.family == "lipon":
        return []
    sse_frac = cell.sse_volume_fraction
    no_sse = sse_frac < ctx.thresholds["composite_min_sse_volume_fraction"]
    if sse.chemistry in ("oxide", "sulfide"):
        if no_sse:
            return [ctx.finding("CATHODE_POINT_CONTACT", "SSE|cathode", "critical",
                                f"the dry {cat.id} electrode holds no {sse.id} in its pores and touches the rigid "
                                f"{sse.id} only at its outer face, so most active particles have no ionic path.")]
        if sse.chemistry == "oxide":
            return [ctx.finding("CATHODE_POINT_CONTACT", "SSE|cathode", "warning",
                                f"rigid {sse.id} particles in the dry {cat.id} composite touch the active "
                                f"particles only at points unless co-sintered.")]
        r = ctx.cathode_particle_radius_um
        sse_r = cell.sse_particle_radius_um or ctx.thresholds["dry_contact_min_particle_radius_um"]
        if r is not None and r < sse_r:
            return [ctx.finding("CATHODE_POINT_CONTACT", "SSE|cathode", "warning",
                                f"{cat.id} particles (r = {r:g} um) are smaller than the {sse.id} particles "
                                f"(r ~ {sse_r:g} um) of the dry composite, so many of them lose ionic contact.")]
        return []
    if no_sse:  # polymer electrolytes reach into the pores only if cast there
        return [ctx.finding("CATHODE_POINT_CONTACT", "SSE|cathode", "warning",
                            f"{sse.id} reaches only the outer face of the dry {cat.id} electrode unless it is "
                            f"cast into its pores.")]
    return []


@rule("SSE_CATHODE_OXIDATION")
def sse_cathode_oxidation(ctx: ScreeningContext) -> list[Finding]:
    sse, cat = ctx.sse, ctx.cathode
    if sse.family in ("polymer", "polymer_ceramic"):  # PEO_HIGH_VOLTAGE speaks for polymers
        return []
    upper, limit = ctx.cathode_upper_V, sse.window_high_V
    if upper <= limit + ctx.thresholds["window_margin_V"]:
        return []
    high_voltage = cat.average_potential_V >= ctx.thresholds["high_voltage_cathode_avg_V"]
    prone = ctx.sse_is_sulfide or ctx.sse_has("oxidation_high_voltage")
    if ctx.cathode_sse_separated:
        return [ctx.finding("SSE_CATHODE_OXIDATION", "SSE|cathode", "info",
                            f"{cat.id} charged to {upper:.2f} V lies above the oxidation limit of {sse.id} "
                            f"({limit:.2f} V), but {ctx.cathode_side.barrier} keeps them apart.")]
    if high_voltage and prone:
        return [ctx.finding("SSE_CATHODE_OXIDATION", "SSE|cathode", "warning",
                            f"{cat.id} (average {cat.average_potential_V:.2f} V, charged to {upper:.2f} V) "
                            f"oxidizes {sse.id} (stable to {limit:.2f} V) at their contacts into a resistive "
                            f"interphase unless the cathode particles are coated (e.g. LiNbO3).")]
    return [ctx.finding("SSE_CATHODE_OXIDATION", "SSE|cathode", "info",
                        f"{cat.id} charged to {upper:.2f} V lies above the oxidation limit of {sse.id} "
                        f"({limit:.2f} V); at this potential the decomposition stays a thin, kinetically "
                        f"limited layer.")]


@rule("PEO_HIGH_VOLTAGE")
def peo_high_voltage(ctx: ScreeningContext) -> list[Finding]:
    sse, cat = ctx.sse, ctx.cathode
    if sse.family not in ("polymer", "polymer_ceramic"):
        return []
    if cat.average_potential_V < ctx.thresholds["high_voltage_cathode_avg_V"]:
        return []
    if ctx.cathode_sse_separated:
        return [ctx.finding("PEO_HIGH_VOLTAGE", "SSE|cathode", "info",
                            f"{ctx.cathode_side.barrier} keeps the ether chains of {sse.id} off the "
                            f"{cat.id} surface.")]
    return [ctx.finding("PEO_HIGH_VOLTAGE", "SSE|cathode", "warning",
                        f"the ether chains of {sse.id} oxidize on {cat.id} (average {cat.average_potential_V:.2f} "
                        f"V, charged to {ctx.cathode_upper_V:.2f} V) above ~3.9 V: capacity fades and the CEI "
                        f"thickens.")]


# ------------------------------------------------------------------ liquid|SSE


@rule("SULFIDE_NUCLEOPHILIC_ATTACK")
def sulfide_nucleophilic_attack(ctx: ScreeningContext) -> list[Finding]:
    if not ctx.sse_is_sulfide:
        return []
    out = []
    for side, liq in ctx.liquid_sides():
        if not liq.free_solvent:
            continue
        if liq.liquid_class in _MOLECULAR_SOLVENTS:
            out.append(ctx.finding("SULFIDE_NUCLEOPHILIC_ATTACK", _pair(side, "liquid", "SSE"), "critical",
                                   f"the free {liq.liquid_class} solvent of {liq.id} attacks the P5+ of "
                                   f"{ctx.sse.id} (nucleophilic attack on PS4 3-): the sulfide dissolves and a "
                                   f"resistive SLEI keeps growing."))
        else:
            out.append(ctx.finding("SULFIDE_NUCLEOPHILIC_ATTACK", _pair(side, "liquid", "SSE"), "warning",
                                   f"the uncoordinated solvent of {liq.id} attacks {ctx.sse.id} slowly "
                                   f"(nucleophilic attack on PS4 3-)."))
    return out


@rule("SIL_BOUND_GLYME_OK")
def sil_bound_glyme_ok(ctx: ScreeningContext) -> list[Finding]:
    if not ctx.sse_is_sulfide:
        return []
    return [ctx.finding("SIL_BOUND_GLYME_OK", _pair(side, "liquid", "SSE"), "info",
                        f"the glyme of {liq.id} is bound to Li+, which weakens its O donors too much for a "
                        f"nucleophilic attack on {ctx.sse.id}: the solvate ionic liquid is compatible.")
            for side, liq in ctx.liquid_sides()
            if liq.liquid_class == "solvate_ionic_liquid" and not liq.free_solvent]


@rule("SLEI_FORMATION")
def slei_formation(ctx: ScreeningContext) -> list[Finding]:
    if ctx.sse.chemistry != "oxide":
        return []
    out = []
    for side, liq in ctx.liquid_sides():
        growth = ("that thickens with time" if liq.liquid_class in _MOLECULAR_SOLVENTS
                  else "that stays thin and stable")
        out.append(ctx.finding("SLEI_FORMATION", _pair(side, "liquid", "SSE"), "info",
                               f"{liq.id} on {ctx.sse.id} forms a solid-liquid electrolyte interphase {growth}, "
                               f"and Li+ transfer across it (desolvation) is the rate-determining step."))
    return out


@rule("GARNET_PROTON_EXCHANGE")
def garnet_proton_exchange(ctx: ScreeningContext) -> list[Finding]:
    if not ctx.sse_is_garnet:
        return []
    return [ctx.finding("GARNET_PROTON_EXCHANGE", _pair(side, "liquid", "SSE"), "warning",
                        f"protic impurities (H2O, HF) of {liq.id} exchange Li+ for H+ at the {ctx.sse.id} surface, "
                        f"leaving a Li-deficient, resistive SLEI that grows with cycling; a superbase additive "
                        f"(n-BuLi) prevents it.")
            for side, liq in ctx.liquid_sides()
            if liq.liquid_class in _MOLECULAR_SOLVENTS and not _is_superbase(side.additive)]


@rule("NBULI_CURE")
def nbuli_cure(ctx: ScreeningContext) -> list[Finding]:
    if not ctx.sse_is_garnet:
        return []
    return [ctx.finding("NBULI_CURE", _pair(side, "liquid", "SSE"), "info",
                        f"{side.additive.id} in {liq.id} scavenges protons, suppresses Li+/H+ exchange and "
                        f"lithiates the {ctx.sse.id}|liquid interface, keeping its resistance constant over "
                        f"hundreds of cycles.")
            for side, liq in ctx.liquid_sides() if _is_superbase(side.additive)]


@rule("NBULI_REDUCES_SSE")
def nbuli_reduces_sse(ctx: ScreeningContext) -> list[Finding]:
    if not (ctx.sse_has("ti_reduction", "ge_reduction") or ctx.sse_is_sulfide):
        return []
    return [ctx.finding("NBULI_REDUCES_SSE", _pair(side, "additive", "SSE"), "warning",
                        f"{side.additive.id} is a strong reductant (it lithiates TiS2 at room temperature) and "
                        f"reduces {ctx.sse.id} wherever the liquid carries it.")
            for side in ctx.sides if side.contact_liquid is not None and _is_superbase(side.additive)]


@rule("NBULI_CATHODE_CONSUMED")
def nbuli_cathode_consumed(ctx: ScreeningContext) -> list[Finding]:
    side = ctx.cathode_side
    if side.contact_liquid is None or not _is_superbase(side.additive):
        return []
    return [ctx.finding("NBULI_CATHODE_CONSUMED", _pair(side, "additive", "cathode"), "info",
                        f"{side.additive.id} chemically lithiates the delithiated {ctx.cathode.id} and is "
                        f"consumed there within the first charge.")]


@rule("LIPF6_HF")
def lipf6_hf(ctx: ScreeningContext) -> list[Finding]:
    sensitive = ctx.sse_has("hf_attack", "moisture", "proton_exchange")
    out = []
    for side, liq in ctx.liquid_sides():
        if liq.anion != "PF6":
            continue
        where = (f" and thickens the CEI on {ctx.cathode.id}" if side.name == "cathode"
                 else f" and adds LiF to the SEI on {ctx.anode.id}")
        if sensitive and _is_superbase(side.additive):
            sev, msg = "info", (f"LiPF6 in {liq.id} forms HF with trace water, but {side.additive.id} "
                                f"neutralizes it before it reaches {ctx.sse.id}.")
        elif sensitive:
            sev, msg = "warning", (f"LiPF6 in {liq.id} hydrolyses with trace water to HF, which attacks "
                                   f"{ctx.sse.id}{where}.")
        else:
            sev, msg = "info", f"LiPF6 in {liq.id} forms HF with trace water, which {ctx.sse.id} tolerates{where}."
        out.append(ctx.finding("LIPF6_HF", _pair(side, "liquid", "SSE"), sev, msg))
    return out


@rule("POLYMER_SSE_SWELLING")
def polymer_sse_swelling(ctx: ScreeningContext) -> list[Finding]:
    if ctx.sse.chemistry not in ("polymer", "composite"):
        return []
    return [ctx.finding("POLYMER_SSE_SWELLING", _pair(side, "liquid", "SSE"), "info",
                        f"{liq.id} swells and plasticizes the surface of {ctx.sse.id}, which lowers the "
                        f"interfacial resistance but softens the membrane.")
            for side, liq in ctx.liquid_sides() if side.liquid_stays_liquid]


# ---------------------------------------------------------------- liquid|anode


def _anode_liquid(ctx: ScreeningContext) -> Liquid | None:
    return ctx.anode_side.contact_liquid


@rule("IMIDAZOLIUM_C2H_REDUCTION")
def imidazolium_c2h_reduction(ctx: ScreeningContext) -> list[Finding]:
    liq = _anode_liquid(ctx)
    if liq is None or liq.cation != "imidazolium":
        return []
    return [ctx.finding("IMIDAZOLIUM_C2H_REDUCTION", _pair(ctx.anode_side, "liquid", "anode"), "warning",
                        f"the acidic C2-H of the imidazolium cation of {liq.id} is reduced by {ctx.anode.id} "
                        f"(carbene, H2), so the SEI keeps growing and consumes the liquid.")]


@rule("BF4_RESISTIVE_SEI")
def bf4_resistive_sei(ctx: ScreeningContext) -> list[Finding]:
    liq = _anode_liquid(ctx)
    if liq is None or liq.anion != "BF4":
        return []
    return [ctx.finding("BF4_RESISTIVE_SEI", _pair(ctx.anode_side, "liquid", "anode"), "warning",
                        f"BF4- of {liq.id} forms a dense, resistive SEI on {ctx.anode.id} that favours "
                        f"dendritic deposition.")]


@rule("TFSI_FSI_SEI")
def tfsi_fsi_sei(ctx: ScreeningContext) -> list[Finding]:
    liq = _anode_liquid(ctx)
    if liq is None or liq.anion not in ("TFSI", "FSI"):
        return []
    return [ctx.finding("TFSI_FSI_SEI", _pair(ctx.anode_side, "liquid", "anode"), "info",
                        f"{liq.anion}- of {liq.id} forms a thin, conductive LiF/Li3N-containing SEI on "
                        f"{ctx.anode.id}.")]


@rule("FSI_LIF_SULFIDE")
def fsi_lif_sulfide(ctx: ScreeningContext) -> list[Finding]:
    liq = _anode_liquid(ctx)
    if liq is None or liq.anion != "FSI" or not ctx.sse_is_sulfide:
        return []
    return [ctx.finding("FSI_LIF_SULFIDE", _pair(ctx.anode_side, "liquid", "SSE"), "warning",
                        f"FSI- of {liq.id} enriches LiF between {ctx.anode.id} and {ctx.sse.id}, and the "
                        f"interface resistance rises over long cycling (TFSI- does better here).")]


@rule("RTIL_WITHOUT_LI_SALT")
def rtil_without_li_salt(ctx: ScreeningContext) -> list[Finding]:
    return [ctx.finding("RTIL_WITHOUT_LI_SALT", _pair(side, "liquid", "SSE"), "info",
                        f"neat {liq.id} carries no Li+ of its own, so the Li+ it conducts must first come "
                        f"from {ctx.sse.id} and the electrodes.")
            for side, liq in ctx.liquid_sides()
            if liq.liquid_class == "ionic_liquid" and not (liq.salt and (liq.salt_molarity_M or 0) > 0)]


@rule("WINDOW_ANODE")
def window_anode(ctx: ScreeningContext) -> list[Finding]:
    liq, anode = _anode_liquid(ctx), ctx.anode
    if liq is None or anode.average_potential_V >= liq.window_low_V - ctx.thresholds["window_margin_V"]:
        return []
    if liq.cation == "imidazolium":  # IMIDAZOLIUM_C2H_REDUCTION says what happens
        return []
    head = (f"{anode.id} ({anode.average_potential_V:.2f} V) lies below the reduction limit of {liq.id} "
            f"({liq.window_low_V:.2f} V)")
    if liq.free_solvent and liq.liquid_class in _MOLECULAR_SOLVENTS:
        return [ctx.finding("WINDOW_ANODE", _pair(ctx.anode_side, "liquid", "anode"), "warning",
                            f"{head}: the solvent is reduced on every cycle and the few uL cm-2 are consumed.")]
    return [ctx.finding("WINDOW_ANODE", _pair(ctx.anode_side, "liquid", "anode"), "info",
                        f"{head}: it is reduced to an SEI that then passivates.")]


# -------------------------------------------------------------- liquid|cathode


@rule("WINDOW_CATHODE")
def window_cathode(ctx: ScreeningContext) -> list[Finding]:
    liq, cat, upper = ctx.cathode_side.contact_liquid, ctx.cathode, ctx.cathode_upper_V
    if liq is None:
        return []
    excess = upper - liq.window_high_V
    if excess <= ctx.thresholds["window_margin_V"]:
        return []
    severe = excess > ctx.thresholds["window_cathode_critical_V"]
    return [ctx.finding("WINDOW_CATHODE", _pair(ctx.cathode_side, "liquid", "cathode"),
                        "critical" if severe else "warning",
                        f"{cat.id} charged to {upper:.2f} V exceeds the oxidation limit of {liq.id} "
                        f"({liq.window_high_V:.2f} V): "
                        + ("the liquid decomposes continuously." if severe
                           else "the CEI keeps growing and consumes the liquid."))]


@rule("TFSI_AL_CORROSION")
def tfsi_al_corrosion(ctx: ScreeningContext) -> list[Finding]:
    liq, upper = ctx.cathode_side.contact_liquid, ctx.cathode_upper_V
    if (liq is None or liq.liquid_class not in _MOLECULAR_SOLVENTS or liq.anion not in ("TFSI", "FSI")
            or upper <= ctx.thresholds["tfsi_al_corrosion_V"]
            or ctx.design.cathode.current_collector.lower() not in ("al", "aluminium", "aluminum")):
        return []
    return [ctx.finding("TFSI_AL_CORROSION", _pair(ctx.cathode_side, "liquid", "cathode"), "warning",
                        f"Li{liq.anion} in {liq.id} pits the Al current collector above "
                        f"{ctx.thresholds['tfsi_al_corrosion_V']:.1f} V, and {ctx.cathode.id} is charged to "
                        f"{upper:.2f} V.")]


# --------------------------------------------------------------- polymerization


def _polymer_sides(ctx: ScreeningContext) -> list[Side]:
    return [s for s in ctx.sides if s.precursor is not None]


@rule("POLYMER_CONFORMAL")
def polymer_conformal(ctx: ScreeningContext) -> list[Finding]:
    out = []
    for side in _polymer_sides(ctx):
        how = f" ({side.interface.initiation} initiation)" if side.interface.initiation else ""
        out.append(ctx.finding("POLYMER_CONFORMAL", _pair(side, "polymer", "SSE"), "info",
                               f"{side.precursor.id} polymerized in place{how} forms a conformal interlayer "
                               f"between {ctx.sse.id} and {ctx.electrode(side).id} that follows volume changes "
                               f"and is not consumed, at a lower conductivity than a liquid."))
    return out


@rule("POLYMER_LOW_CONDUCTIVITY")
def polymer_low_conductivity(ctx: ScreeningContext) -> list[Finding]:
    out = []
    t_ref = ctx.thresholds["polymer_reference_temperature_C"] + 273.15
    t = ctx.design.temperature_C + 273.15
    floor = ctx.thresholds["polymer_min_conductivity_S_cm"]
    for side in _polymer_sides(ctx):
        p = side.precursor
        if p.polymer_conductivity_S_cm is None:
            continue
        ea = p.polymer_activation_energy_eV or 0.0
        sigma = p.polymer_conductivity_S_cm * math.exp(-ea / K_B_EV * (1.0 / t - 1.0 / t_ref))
        if sigma >= floor:
            continue
        out.append(ctx.finding("POLYMER_LOW_CONDUCTIVITY", _pair(side, "polymer", "SSE"), "warning",
                               f"the polymer from {p.id} conducts only {sigma:.1e} S/cm at "
                               f"{ctx.design.temperature_C:g} C (below {floor:.0e} S/cm): the interlayer "
                               f"dominates the interface resistance unless the cell runs warmer."))
    return out


@rule("INITIATION_MISMATCH")
def initiation_mismatch(ctx: ScreeningContext) -> list[Finding]:
    return [ctx.finding("INITIATION_MISMATCH", _pair(side, "polymer", "SSE"), "warning",
                        f"{side.precursor.id} is polymerized by {', '.join(side.precursor.initiation)} "
                        f"initiation, not {side.interface.initiation}: it may stay liquid monomer.")
            for side in _polymer_sides(ctx)
            if side.interface.initiation and side.precursor.initiation
            and side.interface.initiation not in side.precursor.initiation]


@rule("LEWIS_ACID_INITIATOR_SULFIDE")
def lewis_acid_initiator_sulfide(ctx: ScreeningContext) -> list[Finding]:
    if not ctx.sse_is_sulfide:
        return []
    return [ctx.finding("LEWIS_ACID_INITIATOR_SULFIDE", _pair(side, "polymer", "SSE"), "warning",
                        f"the Lewis-acid initiator that polymerizes {side.precursor.id} (PF5, Al(OTf)3) also "
                        f"attacks the thiophosphate anions of {ctx.sse.id}.")
            for side in _polymer_sides(ctx) if side.interface.initiation == "lewis_acid"]


# ------------------------------------------------------------------------ cell


@rule("FLAMMABLE_CONTENT")
def flammable_content(ctx: ScreeningContext) -> list[Finding]:
    """The flammable liquid the stack accounting counts (lpt.metrics: what stays liquid
    of each deposit), against the thresholds per area and per Wh."""
    acc = metrics_report(ctx.design)
    mass_mg_cm2, per_Wh = acc["flammable_liquid_mg_cm2"], acc["flammable_liquid_mg_Wh"]
    if mass_mg_cm2 <= 0:
        return []
    names = [s.liquid.id if s.liquid is not None and s.liquid.flammable else s.precursor.id
             for s in ctx.sides if s.separates and (
                 (s.liquid is not None and s.liquid.flammable) or (s.precursor is not None and s.precursor.flammable))]
    flash = [s.liquid.flash_point_C for s in ctx.sides
             if s.liquid is not None and s.liquid.flammable and s.liquid.flash_point_C is not None]
    limit_cm2, limit_Wh = ctx.thresholds["flammable_warning_mg_cm2"], ctx.thresholds["flammable_warning_mg_Wh"]
    what = " and ".join(dict.fromkeys(names))
    fp = f" (flash point {min(flash):g} C)" if flash else ""
    msg = f"the cell carries {mass_mg_cm2:.3g} mg cm-2 of flammable {what}{fp}, {per_Wh:.3g} mg per Wh of the stack"
    over = ([f"{limit_cm2:g} mg cm-2"] if mass_mg_cm2 > limit_cm2 else []) + (
        [f"{limit_Wh:g} mg per Wh"] if per_Wh > limit_Wh else [])
    if over:
        msg += f", above the {' and '.join(over)} at which it gives up the solid-state safety margin."
    else:
        msg += ", small against a liquid Li-ion cell."
    return [ctx.finding("FLAMMABLE_CONTENT", "cell", "warning" if over else "info", msg)]


# ---------------------------------------------------------------------- screen


def screen(design: Design, untreated: bool = False) -> ScreeningResult:
    """Run every registered rule on ``design`` (or its untreated arm); pure function."""
    arm = design.untreated() if untreated else design
    ctx = build_context(arm)
    findings: list[Finding] = []
    for fn in RULES.values():
        findings.extend(fn(ctx))
    # Most severe first; within a severity, in registry (pair) order.
    findings.sort(key=lambda f: -SEVERITY_RANK[f.severity])
    return ScreeningResult(design=design.name, untreated=untreated, findings=tuple(findings))


def rule_table() -> list[dict[str, str]]:
    """Code and one-line summary of every registered rule (for docs and `--help`)."""
    summaries = rule_data().summaries
    return [{"code": code, "summary": summaries.get(code, "")} for code in RULES]
