"""The chemistry engine's data: interphase species and the reaction table, loaded once.

``data/species.toml`` holds what interphases are made of (molar volume, Li stored, ionic
and electronic conductivity, each with a source and a status); ``data/reactants.toml``
what reacts at a surface and into what (solvents, anions, ionic-liquid cations, additives
and impurities, liquid|SSE surface reactions, SSE reduction by Li).  A number is written
``{ value = ..., status = ..., source = ... }``; the loader keeps the value and refuses a
number without a source, so the engine cannot grow uncited values.

Every cited number is a calibratable parameter by dotted name (docs/calibration.md):
``chemistry.species.<species>.<field>`` and ``chemistry.<section>.<name>.<field>`` for
the reaction table (``chemistry.sse.LGPS.resistance_growth_ohm2_cm4_h``); a value set by
the user's parameter file (:mod:`lpt.overrides`) replaces the shipped one.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from lpt import overrides
from lpt.errors import LptError

STATUSES = ("literature", "derived", "estimate", "calibrated")


@dataclass(frozen=True)
class Species:
    name: str
    kind: str                       # inorganic | organic | metal
    molar_volume_cm3_mol: float
    li_atoms: float
    ionic_conductivity_S_cm: float
    electronic_conductivity_S_cm: float
    sources: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Reaction:
    """Reactant -> products at a surface past its onset (vs Li/Li⁺)."""

    onset_V: float
    electrons: float                 # per reactant molecule: Li taken from (or given to) the electrode
    products: dict[str, float]       # species -> mol per mol reactant
    source: str


def _file(name: str) -> dict[str, Any]:
    path = resources.files("lpt.interface.chemistry") / "data" / name
    try:
        return tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise LptError(f"chemistry data file {name} is not valid TOML: {exc}.") from exc


_WHERE = re.compile(r"^(species|reactants)\.toml \[([^\]]+)\]")


def parameter_name(where: str, key: str) -> str | None:
    """The dotted parameter name of field ``key`` of the entry ``where`` names."""
    m = _WHERE.match(where)
    if m is None:
        return None
    return f"chemistry.species.{m.group(2)}.{key}" if m.group(1) == "species" else f"chemistry.{m.group(2)}.{key}"


def chemistry_overrides() -> tuple[tuple[str, float], ...]:
    """The user's values of chemistry parameters in force (a cache key)."""
    return tuple(kv for kv in overrides.current() if kv[0].startswith("chemistry."))


def cited(entry: dict, key: str, where: str) -> float:
    """The value of a cited number ``{value, status, source}`` (an error if uncited), or
    the user's value of it (:func:`parameter_name`)."""
    name = parameter_name(where, key)
    if name is not None:
        for k, v in chemistry_overrides():
            if k == name:
                return v
    val = entry.get(key)
    if isinstance(val, dict):
        if not str(val.get("source", "")).strip():
            raise LptError(f"chemistry data {where}, field '{key}' has a value but no source.")
        if val.get("status") not in STATUSES:
            raise LptError(f"chemistry data {where}, field '{key}': status must be one of {', '.join(STATUSES)}.")
        return float(val["value"])
    if val is None:
        raise LptError(f"chemistry data {where} has no '{key}'.")
    return float(val)


def species() -> dict[str, Species]:
    """Every interphase species, with the user's values in force."""
    return _species(chemistry_overrides())


@functools.lru_cache(maxsize=64)
def _species(_overridden: tuple) -> dict[str, Species]:
    out = {}
    for name, e in _file("species.toml").items():
        where = f"species.toml [{name}]"
        out[name] = Species(
            name=name, kind=e["kind"],
            molar_volume_cm3_mol=float(e["molar_mass_g_mol"]) / float(e["density_g_cm3"]),
            li_atoms=float(e["li_atoms"]),
            ionic_conductivity_S_cm=cited(e, "ionic_conductivity_S_cm", where),
            electronic_conductivity_S_cm=cited(e, "electronic_conductivity_S_cm", where),
            sources={k: v["source"] for k, v in e.items() if isinstance(v, dict)},
        )
    return out


def _reaction(entry: dict | None, where: str) -> Reaction | None:
    if entry is None:
        return None
    if not str(entry.get("source", "")).strip() or entry.get("status") not in STATUSES:
        raise LptError(f"chemistry data {where}: a reaction needs a source and a status.")
    unknown = set(entry["products"]) - set(species())
    if unknown:
        raise LptError(f"chemistry data {where}: unknown product(s) {sorted(unknown)}; "
                       f"species are those of species.toml.")
    return Reaction(float(entry["onset_V"]), float(entry["electrons"]),
                    {k: float(v) for k, v in entry["products"].items()}, entry["source"])


@functools.cache
def reactants() -> dict[str, dict[str, dict[str, Any]]]:
    """The reaction table by section (solvent, anion, cation, additive, surface, sse)."""
    raw = _file("reactants.toml")
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for section, entries in raw.items():
        out[section] = {}
        for name, e in entries.items():
            where = f"reactants.toml [{section}.{name}]"
            rec = dict(e)
            rec["reduction"] = _reaction(e.get("reduction"), where + ".reduction")
            rec["oxidation"] = _reaction(e.get("oxidation"), where + ".oxidation")
            for key in ("products",):
                if key in e and set(e[key]) - set(species()):
                    raise LptError(f"chemistry data {where}: unknown product(s) "
                                   f"{sorted(set(e[key]) - set(species()))}.")
            out[section][name] = rec
    return out


# the cited fields the engine reads through :func:`cited`, i.e. the ones a user's value
# changes (additive amounts are a recipe's quantity, not a model parameter)
MODEL_FIELDS = ("ionic_conductivity_S_cm", "electronic_conductivity_S_cm", "growth_ohm2_cm4_h", "film_thickness_nm",
                "growth_charge_mAh_cm2", "resistance_growth_ohm2_cm4_h", "open_circuit_resistance_ohm_cm2")


def cited_numbers() -> list[tuple[str, float, str, str, str]]:
    """Every cited model number of both files as (dotted name, value, key, status, source)."""
    out = []
    for file in ("species.toml", "reactants.toml"):
        for top, entries in _file(file).items():
            groups = [(f"{top}", entries)] if file == "species.toml" else list(
                (f"{top}.{k}", v) for k, v in entries.items() if isinstance(v, dict))
            for label, e in groups:
                for key, val in e.items():
                    if key in MODEL_FIELDS and isinstance(val, dict) and "value" in val:
                        name = parameter_name(f"{file} [{label}]", key)
                        out.append((name, float(val["value"]), key, str(val.get("status", "estimate")),
                                    str(val["source"])))
    return out


def entry(section: str, name: str) -> dict[str, Any]:
    try:
        return reactants()[section][name]
    except KeyError:
        known = ", ".join(sorted(reactants().get(section, {})))
        raise LptError(f"the chemistry table has no {section} '{name}'; known: {known}.") from None
