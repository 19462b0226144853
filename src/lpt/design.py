"""Cell designs: a TOML file → a validated, immutable :class:`Design`.

The keys are fixed by docs/cli.md ("Design files").  Every key is checked against
a table of allowed keys (unknown keys get a "did you mean"), every number against
its physical range, every material id against the knowledge base.  Each problem is
reported as one sentence naming the file and the dotted field.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from lpt import materials, therapies
from lpt.errors import LptError, did_you_mean, with_article
from importlib import resources

from lpt.fileio import read_toml
from lpt.therapies.base import MATERIAL_KEYS

INITIATIONS = ("thermal", "uv", "lewis_acid", "electrochemical")

# key: (type, (min, max) or None, required, help).  Ranges are what a real cell can
# have; values outside them are almost always a unit mistake.
_Spec = tuple[type, tuple[float, float] | None, bool]
_TOP: dict[str, _Spec] = {
    "name": (str, None, True),
    "description": (str, None, False),
    "area_cm2": (float, (1e-3, 1e4), True),
    "temperature_C": (float, (-40.0, 200.0), True),
    "stack_pressure_MPa": (float, (0.0, 500.0), True),
    "cell": (str, None, False),
    "fabrication_pressure_MPa": (float, (0.0, 2000.0), False),
}
CELLS = ("full", "symmetric")
_CATHODE: dict[str, _Spec] = {
    "material": (str, None, True),
    "loading_mg_cm2": (float, (0.05, 100.0), True),
    "thickness_um": (float, (0.1, 2000.0), True),
    "porosity": (float, (0.0, 0.8), False),
    "sse_volume_fraction": (float, (0.0, 0.9), False),
    "carbon_volume_fraction": (float, (0.0, 0.5), False),
    "particle_radius_um": (float, (0.01, 50.0), False),
    "sse_particle_radius_um": (float, (0.01, 100.0), False),
    "fabrication_pressure_MPa": (float, (0.0, 2000.0), False),
    "coating_thickness_nm": (float, (0.0, 1000.0), False),
    "current_collector": (str, None, False),
    "current_collector_thickness_um": (float, (0.0, 100.0), False),
}
_ELECTROLYTE: dict[str, _Spec] = {
    "material": (str, None, True),
    "thickness_um": (float, (0.1, 5000.0), True),
    "relative_density": (float, (0.5, 1.0), False),
    "flaw_size_um": (float, (0.01, 1000.0), False),
    "fracture_toughness_MPa_m05": (float, (0.01, 20.0), False),
    "electronic_conductivity_S_cm": (float, (0.0, 1e3), False),
    "grain_size_um": (float, (0.01, 1000.0), False),
    "surface_layer_nm": (float, (0.0, 1000.0), False),
}
_ANODE: dict[str, _Spec] = {
    "material": (str, None, True),
    "thickness_um": (float, (0.1, 2000.0), True),
    "current_collector_thickness_um": (float, (0.0, 100.0), False),
}
_INTERFACE: dict[str, _Spec] = {
    "therapy": (str, None, True),
    "liquid": (str, None, False),
    "loading_uL_cm2": (float, (0.0, 100.0), False),
    "additive": (str, None, False),
    "precursor": (str, None, False),
    "initiation": (str, None, False),
    "reagent": (str, None, False),
    "thickness_nm": (float, (0.1, 1e5), False),
    "baseline": (bool, None, False),
    "compared": (str, None, False),
}
# what a treated/untreated comparison takes away from an interface (Design.untreated)
COMPARED = ("therapy", "additive")
_CYCLING: dict[str, _Spec] = {
    "protocol": (str, None, False),
    "cycles": (int, (1, 100000), False),
    "c_rate": (float, (1e-3, 50.0), False),
    "current_density_mA_cm2": (float, (1e-4, 100.0), False),
    "voltage_limit_V": (float, (0.01, 10.0), False),   # a symmetric cell's cycler limit
}
_SECTIONS = ("cathode", "electrolyte", "anode", "interfaces", "cycling", "reported")


@functools.cache
def current_collectors() -> dict[str, float]:
    """The current collectors a design may name and their foil densities, g cm⁻³
    (``data/metrics.toml``, each with its source)."""
    raw = tomllib.loads((resources.files("lpt") / "data" / "metrics.toml").read_text())
    return {k: float(v["density_g_cm3"]) for k, v in raw["current_collectors"].items() if isinstance(v, dict)}


def design_keys() -> list[str]:
    """Every dotted key a design file may set (sections' keys, both interfaces')."""
    keys = list(_TOP)
    for section, table in (("cathode", _CATHODE), ("electrolyte", _ELECTROLYTE), ("anode", _ANODE),
                           ("cycling", _CYCLING)):
        keys += [f"{section}.{k}" for k in table]
    keys += [f"interfaces.{side}.{k}" for side in ("anode", "cathode") for k in _INTERFACE]
    return keys


def therapy_keys(therapy: str) -> tuple[frozenset[str], frozenset[str]]:
    """The keys a therapy needs and the further keys it takes (from its registry entry).

    ``baseline = true`` (allowed by most therapies): the treatment is part of the cell in
    both arms of a treated/untreated comparison (e.g. a liquid in the cathode while the
    therapy compared is at the Li side).
    """
    t = therapies.get(therapy)
    return t.required_keys, t.allowed_keys


@dataclass(frozen=True)
class Cathode:
    material: str
    loading_mg_cm2: float
    thickness_um: float
    porosity: float = 0.30
    sse_volume_fraction: float = 0.0
    carbon_volume_fraction: float = 0.05
    particle_radius_um: float | None = None
    sse_particle_radius_um: float | None = None
    # cold-pressing pressure that formed the cathode|SSE contacts (default: docs/model.md §1.1)
    fabrication_pressure_MPa: float | None = None
    # a LiNbO3-type coating on the active particles (slows the SSE's oxidation, §3.3)
    coating_thickness_nm: float = 0.0
    current_collector: str = "Al"
    current_collector_thickness_um: float = 15.0


@dataclass(frozen=True)
class Electrolyte:
    material: str
    thickness_um: float
    # unset: a pressed or sintered pellet's `pellet_relative_density`, a cast polymer film's 1
    relative_density: float | None = None
    flaw_size_um: float | None = None                # surface flaw depth (Porz et al. 2017)
    fracture_toughness_MPa_m05: float | None = None  # K_IC (default: by SSE class)
    electronic_conductivity_S_cm: float | None = None  # default: the knowledge base's (Han et al. 2019)
    grain_size_um: float | None = None               # sets the spacing of Li's contact spots
    # Li2CO3/LiOH on a Li+/H+-exchanging (garnet) face; 0: cleaned (default: air-handled)
    surface_layer_nm: float | None = None


@dataclass(frozen=True)
class Anode:
    material: str
    thickness_um: float
    current_collector_thickness_um: float = 10.0


@dataclass(frozen=True)
class Interface:
    therapy: str = "none"
    liquid: str | None = None
    loading_uL_cm2: float = 0.0
    additive: str | None = None
    precursor: str | None = None
    initiation: str | None = None
    reagent: str | None = None
    thickness_nm: float = 0.0
    baseline: bool = False  # kept in the "untreated" arm too (see Design.untreated)
    compared: str = "therapy"  # "additive": the untreated arm keeps the therapy, not the additive

    @property
    def treated(self) -> bool:
        return self.therapy != "none"


@dataclass(frozen=True)
class Cycling:
    protocol: str | None = None
    cycles: int | None = None
    c_rate: float | None = None
    current_density_mA_cm2: float | None = None
    voltage_limit_V: float | None = None   # symmetric cells: |V| beyond which the cycler stops (default: the parameter's)


@dataclass(frozen=True)
class Design:
    name: str
    area_cm2: float
    temperature_C: float
    stack_pressure_MPa: float
    cathode: Cathode | None
    electrolyte: Electrolyte
    anode: Anode
    anode_interface: Interface = field(default_factory=Interface)
    cathode_interface: Interface = field(default_factory=Interface)
    cycling: Cycling = field(default_factory=Cycling)
    description: str = ""
    reported: dict[str, Any] = field(default_factory=dict)
    source: str = "<memory>"
    cell: str = "full"                        # "full" | "symmetric" (Li|SSE|Li)
    fabrication_pressure_MPa: float | None = None  # Li attachment pressure (default: the stack's)
    counter_interface: Interface | None = None  # symmetric: the other Li|SSE (default: as anode)

    @property
    def interfaces(self) -> dict[str, Interface]:
        return {"anode": self.anode_interface, "cathode": self.cathode_interface}

    @property
    def symmetric(self) -> bool:
        return self.cell == "symmetric"

    def require_full_cell(self, what: str) -> "Design":
        """This design, or one sentence saying that ``what`` needs a cathode."""
        if self.symmetric:
            raise LptError(f"{self.source}: '{self.name}' is a symmetric cell (cell = \"symmetric\", no"
                           f" cathode); {what} needs a full cell. Symmetric cells run with `lpt simulate`"
                           f" and `lpt ccd`.")
        return self

    def untreated(self) -> "Design":
        """The same cell with its therapies removed (the "without liquid" arm).

        An interface marked ``baseline = true`` keeps its treatment: it belongs to the cell
        in both arms of the comparison (the paper compares the therapy on the other side).
        One marked ``compared = "additive"`` keeps its therapy and loses its additive: the
        paper's control is the same liquid without the additive (e.g. LP30 without n-BuLi).
        """
        def strip(iface: Interface) -> Interface:
            if iface.baseline:
                return iface
            if iface.compared == "additive":
                return replace(iface, additive=None, compared="therapy")
            return Interface()

        counter = None if self.counter_interface is None else strip(self.counter_interface)
        return replace(self, anode_interface=strip(self.anode_interface),
                       cathode_interface=strip(self.cathode_interface), counter_interface=counter)

    def with_(self, **changes: Any) -> "Design":
        return replace(self, **changes)


def _check_table(raw: Any, spec: dict[str, _Spec], where: str, src: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise LptError(f"{src}: '{where}' must be a table ([{where}]), got {type(raw).__name__}.")
    out: dict[str, Any] = {}
    for key, val in raw.items():
        dotted = f"{where}.{key}" if where else key
        if key not in spec:
            hint = did_you_mean(key, spec)
            raise LptError(
                f"{src}: unknown key '{dotted}'{hint}; allowed here: {', '.join(spec)}."
            )
        typ, rng, _ = spec[key]
        if typ is bool:
            if not isinstance(val, bool):
                raise LptError(f"{src}: field '{dotted}' must be true or false, got {val!r}.")
        elif typ is str:
            if not isinstance(val, str) or not val.strip():
                raise LptError(f"{src}: field '{dotted}' must be a non-empty text, got {val!r}.")
        elif typ in (float, int):
            if isinstance(val, bool) or not isinstance(val, (int, float)):
                raise LptError(
                    f"{src}: field '{dotted}' must be a number (the unit is in its name), got {val!r}."
                )
            if typ is int and not float(val).is_integer():
                raise LptError(f"{src}: field '{dotted}' must be a whole number, got {val!r}.")
            if not math.isfinite(float(val)):
                raise LptError(f"{src}: field '{dotted}' must be a finite number, got {val!r}.")
            if rng is not None and not (rng[0] <= val <= rng[1]):
                raise LptError(
                    f"{src}: field '{dotted}' = {val:g} is outside the allowed range "
                    f"{rng[0]:g} to {rng[1]:g} (check the unit in the key's name)."
                )
            val = typ(val)
        out[key] = val
    for key, (_, _, required) in spec.items():
        if required and key not in out:
            dotted = f"{where}.{key}" if where else key
            raise LptError(f"{src}: required field '{dotted}' is missing.")
    return out


def _check_material(value: str, kinds: tuple[str, ...], dotted: str, src: str,
                    role: str | None = None) -> None:
    try:
        rec = materials.get(value, kinds, field=f"'{dotted}'")
    except LptError as exc:
        raise LptError(f"{src}: {exc}") from None
    if role is not None and getattr(rec, "role", role) != role:
        raise LptError(f"{src}: field '{dotted}' = '{value}' is {with_article(rec.role)} material, not"
                       f" {with_article(role)}; choose {with_article(role)} from `lpt materials list`.")


def _parse_interface(raw: Any, side: str, src: str, where: str | None = None) -> Interface:
    where = where or f"interfaces.{side}"
    vals = _check_table(raw, _INTERFACE, where, src)
    therapy = vals["therapy"]
    if therapy not in therapies.names():
        raise LptError(
            f"{src}: field '{where}.therapy' = '{therapy}' is not a therapy"
            f"{did_you_mean(therapy, therapies.names())}; allowed: {', '.join(therapies.names())}."
        )
    need, may = therapy_keys(therapy)
    present = set(vals) - {"therapy"}
    for key in sorted(need - present):
        raise LptError(f"{src}: therapy '{therapy}' needs field '{where}.{key}'.")
    for key in sorted(present - need - may):
        raise LptError(
            f"{src}: field '{where}.{key}' does not apply to therapy '{therapy}'"
            f" ({therapies.get(therapy).summary}); it takes {', '.join(sorted(need | may)) or 'no further keys'}."
        )
    if "loading_uL_cm2" in need and vals["loading_uL_cm2"] <= 0:
        raise LptError(
            f"{src}: field '{where}.loading_uL_cm2' must be above 0 µL cm⁻² for therapy"
            f" '{therapy}' (use therapy = \"none\" for a dry interface)."
        )
    for key, kind in MATERIAL_KEYS.items():
        if key in vals:
            _check_material(vals[key], (kind,), f"{where}.{key}", src)
    if "initiation" in vals and vals["initiation"] not in INITIATIONS:
        raise LptError(
            f"{src}: field '{where}.initiation' = '{vals['initiation']}' is not an initiation"
            f"{did_you_mean(vals['initiation'], INITIATIONS)}; allowed: {', '.join(INITIATIONS)}."
        )
    compared = vals.get("compared", "therapy")
    if compared not in COMPARED:
        raise LptError(f"{src}: field '{where}.compared' = '{compared}' is not allowed; allowed: "
                       f"{', '.join(COMPARED)} (what the untreated arm takes away).")
    if compared == "additive" and ("additive" not in vals or vals.get("baseline")):
        raise LptError(f"{src}: field '{where}.compared' = 'additive' needs '{where}.additive' and no"
                       f" '{where}.baseline' (the untreated arm is this interface without its additive).")
    return Interface(**vals)


def design_from_dict(raw: dict[str, Any], source: str = "<memory>") -> Design:
    """Validate a parsed TOML document and build a :class:`Design`."""
    src = source
    if not isinstance(raw, dict) or not raw:
        raise LptError(f"{src}: the design is empty; it needs name, area_cm2, temperature_C, "
                       f"stack_pressure_MPa and [cathode], [electrolyte], [anode].")
    allowed_top = dict(_TOP)
    top = {k: v for k, v in raw.items() if k not in _SECTIONS}
    for key in top:
        if key not in allowed_top:
            raise LptError(
                f"{src}: unknown key '{key}'{did_you_mean(key, [*allowed_top, *_SECTIONS])};"
                f" allowed at top level: {', '.join([*allowed_top, *_SECTIONS])}."
            )
    vals = _check_table(top, _TOP, "", src)
    cell = vals.get("cell", "full")
    if cell not in CELLS:
        raise LptError(f"{src}: field 'cell' = '{cell}' is not a cell type{did_you_mean(cell, CELLS)};"
                       f" allowed: {', '.join(CELLS)}.")
    symmetric = cell == "symmetric"
    if symmetric and "cathode" in raw:
        raise LptError(f"{src}: a symmetric cell (cell = \"symmetric\") is Li|SSE|Li and has no [cathode];"
                       f" remove the [cathode] section ([anode] is the Li on both sides).")
    for section in ("electrolyte", "anode") if symmetric else ("cathode", "electrolyte", "anode"):
        if section not in raw:
            raise LptError(f"{src}: required section [{section}] is missing.")
    cath = None if symmetric else _check_table(raw["cathode"], _CATHODE, "cathode", src)
    elec = _check_table(raw["electrolyte"], _ELECTROLYTE, "electrolyte", src)
    anod = _check_table(raw["anode"], _ANODE, "anode", src)
    if cath is not None:
        _check_material(cath["material"], ("electrode",), "cathode.material", src, role="cathode")
        foil = cath.get("current_collector")
        if foil is not None and foil not in current_collectors():
            raise LptError(f"{src}: field 'cathode.current_collector' = '{foil}' is not a known current collector"
                           f"{did_you_mean(foil, current_collectors())}; allowed: {', '.join(current_collectors())}.")
    _check_material(elec["material"], ("solid_electrolyte",), "electrolyte.material", src)
    _check_material(anod["material"], ("electrode",), "anode.material", src, role="anode")
    if cath is not None and cath.get("porosity", 0.3) + cath.get("sse_volume_fraction", 0.0) + cath.get(
            "carbon_volume_fraction", 0.05) >= 1.0:
        raise LptError(f"{src}: cathode porosity + sse_volume_fraction + carbon_volume_fraction"
                       f" must leave room for active material (their sum must be below 1).")

    interfaces = raw.get("interfaces", {})
    sides = ("anode", "counter") if symmetric else ("anode", "cathode")
    if not isinstance(interfaces, dict):
        raise LptError(f"{src}: 'interfaces' must be a table with [interfaces.{sides[0]}] and [interfaces.{sides[1]}].")
    for side in interfaces:
        if side not in sides:
            why = {"cathode": " (a symmetric cell has no cathode: [interfaces.counter] treats its second Li side)",
                   "counter": " ([interfaces.counter] is the second Li side of a symmetric cell, cell = \"symmetric\")",
                   }.get(side, "")
            raise LptError(f"{src}: unknown interface 'interfaces.{side}'{why}"
                           f"{did_you_mean(side, sides) if not why else ''}; allowed: {', '.join(sides)}.")
    ifaces = {side: _parse_interface(interfaces[side], side if side != "counter" else "anode", src,
                                     where=f"interfaces.{side}")
              if side in interfaces else Interface() for side in ("anode", "cathode", "counter")}
    cyc = Cycling(**_check_table(raw.get("cycling", {}), _CYCLING, "cycling", src))
    if cyc.voltage_limit_V is not None and not symmetric:
        raise LptError(f"{src}: [cycling] voltage_limit_V is the cycler's limit of a symmetric cell (cell = "
                       f"\"symmetric\"); a full cell stops at its protocol's cut-off voltages.")
    reported = raw.get("reported", {})
    if not isinstance(reported, dict):
        raise LptError(f"{src}: 'reported' must be a table ([reported]).")
    return Design(
        name=vals["name"], area_cm2=vals["area_cm2"], temperature_C=vals["temperature_C"],
        stack_pressure_MPa=vals["stack_pressure_MPa"], description=vals.get("description", ""),
        cathode=None if cath is None else Cathode(**cath), electrolyte=Electrolyte(**elec), anode=Anode(**anod),
        anode_interface=ifaces["anode"], cathode_interface=ifaces["cathode"], cycling=cyc,
        reported=reported, source=src, cell=cell, fabrication_pressure_MPa=vals.get("fabrication_pressure_MPa"),
        counter_interface=(ifaces["counter"] if "counter" in interfaces else None) if symmetric else None,
    )


def load_design(path: str | Path) -> Design:
    """Read and validate a design TOML file; every failure is one :class:`LptError` sentence."""
    raw = read_toml(path, "design", empty_hint="a design needs name, area_cm2, temperature_C, "
                    "stack_pressure_MPa and [cathode], [electrolyte], [anode]")
    return design_from_dict(raw, str(path))


def to_dict(design: Design) -> dict[str, Any]:
    """A plain-dict view (for reports and sweeps)."""
    return dataclasses.asdict(design)
