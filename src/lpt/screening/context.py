"""Screening's building blocks: findings, the rule data file, the context a rule reads,
the rule registry and small shared predicates."""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal

from lpt import materials, therapies
from lpt.design import Design, Interface
from lpt.errors import LptError
from lpt.interface.chemistry.growth import Growth, electrode_interphase
from lpt.materials import Electrode, Liquid, Reagent, SolidElectrolyte

Severity = Literal["info", "warning", "critical"]
SEVERITY_RANK = {"info": 0, "warning": 1, "critical": 2}
VERDICT_OF = {None: "compatible", "info": "compatible", "warning": "caution", "critical": "incompatible"}

# Liquids whose molecules are not tied up by Li+: the ones that attack sulfides,
# are reduced continuously on Li and carry the fuel of a fire.
MOLECULAR_SOLVENTS = ("carbonate", "ether")


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
        """The `lpt screen --json` document (docs/cli.md keys)."""
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
    def anode_interphase(self) -> Growth | None:
        """What the anode makes of the SSE, from the chemistry engine (the interphase the
        interface model grows): None if it does not reduce it, else a layer whose ``kind``
        is "passivating" (electronic insulator, self-limiting) or "mixed_conducting"
        (conducts electrons, keeps growing; docs/model.md §1.6)."""
        return electrode_interphase(self.sse, self.anode)

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
    design.require_full_cell("screening")
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


def pair(side: Side, what: str, other: str) -> str:
    return f"{what}({side.name} side)|{other}"


def is_superbase(additive: Reagent | None) -> bool:
    """An additive whose reaction in the chemistry table relithiates a Li+/H+-exchanged
    garnet (a proton scavenger: n-BuLi)."""
    from lpt.interface.chemistry.tables import reactants

    if additive is None:
        return False
    return bool(reactants()["additive"].get(additive.id, {}).get("scavenges_protons"))


def has_free_solvent(liquid: Liquid) -> bool:
    """The liquid holds solvent outside its Li⁺ shells (the chemistry engine's composition,
    docs/model.md §1.6): the nucleophile that attacks sulfides and is reduced every cycle."""
    from lpt.interface.chemistry import liquid_composition

    return liquid_composition(liquid).free_solvent


def is_acidic(reagent: Reagent | None) -> bool:
    if reagent is None:
        return False
    words = " ".join([reagent.id, reagent.name, reagent.role, *reagent.effects]).lower()
    return "acid" in words or "h3po4" in words
