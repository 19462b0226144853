"""Every model parameter by dotted name, with its unit, status and prior width; the
parameter file (TOML, dotted names = values) that every command accepts.

Names:

* global parameters of ``data/parameters.toml`` by their key
  (``li_contact_hardness_MPa``), table rows by their path
  (``slei.garnet.carbonate.r0_ohm_cm2``, ``sei.PF6.growth_ohm2_cm4_h``) and the scalars
  of the ``[sei]`` table as ``sei.<key>``;
* knowledge-base values as ``materials.<id>.<field>`` (``materials.LLZO.conductivity_S_cm``);
* the chemistry engine's cited numbers as ``chemistry.species.<species>.<field>``
  (``chemistry.species.LiF.ionic_conductivity_S_cm``) and
  ``chemistry.<section>.<name>.<field>`` (``chemistry.sse.LGPS.resistance_growth_ohm2_cm4_h``).

A status becomes a prior width on ln(value) (:data:`PRIOR_SIGMA_LN`): a literature
value is known to a factor ~2, a derived one to ~3, an estimate to ~10.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lpt import materials
from lpt.errors import LptError, did_you_mean
from lpt.fileio import read_toml, write_text_atomic
from lpt.parameters import parameters

# width (1 sigma) of the prior on ln(value), by status
PRIOR_SIGMA_LN = {"literature": math.log(2.0), "derived": math.log(3.0), "estimate": math.log(10.0),
                  "calibrated": math.log(2.0)}

# unit suffixes of lpt's names, longest first (the unit is in every name)
_UNITS = ("ohm2_cm4_h", "nm_per_mAh_cm2", "g_mol", "mAh_cm3", "mAh_cm2", "mA_cm2", "ohm_cm2", "ohm_cm", "S_cm",
          "g_cm3", "kJ_g", "USD_kg", "mPa_s", "uL_cm2", "cm2_s", "m2_s", "mol_L", "percent", "hours", "MPa",
          "GPa", "eV", "um", "nm", "deg", "C", "V", "K", "h")


def unit_of(name: str) -> str:
    leaf = name.rsplit(".", 1)[-1]
    for unit in _UNITS:
        if leaf.endswith("_" + unit):
            return unit
    return ""


def _status_of_note(note: str) -> str:
    note = note.lower()
    if note.startswith("derived"):
        return "derived"
    if note.startswith("estimate"):
        return "estimate"
    return "literature"


@dataclass(frozen=True)
class ParameterInfo:
    name: str
    value: float
    unit: str
    status: str
    source: str

    @property
    def prior_sigma_ln(self) -> float:
        return PRIOR_SIGMA_LN.get(self.status, PRIOR_SIGMA_LN["estimate"])

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "value": self.value, "unit": self.unit, "status": self.status,
                "source": self.source}


def _global_parameters() -> list[ParameterInfo]:
    P = parameters()
    out = [ParameterInfo(k, e.value, unit_of(k), e.status, e.source) for k, e in P.scalars.items()]
    out += [ParameterInfo(f"sei.{k}", e.value, unit_of(k), e.status, e.source) for k, e in P.sei_scalars.items()]
    for table, rows in (("slei", P.slei), ("sei", P.sei)):
        for key, row in rows.items():
            for field in ("r0_ohm_cm2", "growth_ohm2_cm4_h"):
                out.append(ParameterInfo(f"{table}.{key}.{field}", getattr(row, field), unit_of(field),
                                         row.status, row.source))
    return out


def _material_parameters(ids: Iterable[str]) -> list[ParameterInfo]:
    out = []
    for mid in ids:
        rec = materials.get(mid)
        for field, value in rec.numeric_fields().items():
            name = f"materials.{mid}.{field}"
            source = rec.sources.get(field, "")
            note = rec.source_notes.get(field, "")
            status = "calibrated" if source == "" and note == "" else _status_of_note(note)
            out.append(ParameterInfo(name, value, unit_of(field), status, source))
    return out


def design_material_ids(design) -> list[str]:
    ids = [design.electrolyte.material, design.anode.material]
    if getattr(design, "cathode", None) is not None:
        ids.append(design.cathode.material)
    for iface in design.interfaces.values():
        ids += [m for m in (iface.liquid, iface.additive, iface.precursor, iface.reagent) if m]
    return list(dict.fromkeys(ids))


def _chemistry_parameters() -> list[ParameterInfo]:
    from lpt.interface.chemistry.tables import cited_numbers

    return [ParameterInfo(name, value, unit_of(key), status if status in PRIOR_SIGMA_LN else "estimate", source)
            for name, value, key, status, source in cited_numbers()]


def catalog(design=None) -> list[ParameterInfo]:
    """Every parameter the model reads (for ``design``: the global ones, its materials'
    and the chemistry engine's)."""
    ids = design_material_ids(design) if design is not None else list(materials.load_all())
    return _global_parameters() + _material_parameters(ids) + _chemistry_parameters()


def lookup(names: Iterable[str], design=None) -> list[ParameterInfo]:
    """The catalogue entries of ``names``; an unknown name is one sentence with "did you mean"."""
    table = {p.name: p for p in catalog(design)}
    out = []
    for name in names:
        if name not in table:
            raise LptError(f"'{name}' is not a parameter{did_you_mean(name, table)}; "
                           f"`lpt parameters list` shows them.")
        out.append(table[name])
    return out


def _flatten(node: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, val in node.items():
        if isinstance(val, Mapping):
            out.update(_flatten(val, f"{prefix}{key}."))
        else:
            out[prefix + key] = val
    return out


def read_parameter_file(path: str | Path) -> dict[str, float]:
    """A parameter file: dotted names = values (nested tables allowed), each checked."""
    raw = _flatten(read_toml(path, "parameter", empty_hint="it holds dotted parameter names = values"))
    known = {p.name: p for p in catalog()}
    out: dict[str, float] = {}
    for name, value in raw.items():
        if name not in known:
            raise LptError(f"{path}: '{name}' is not a parameter{did_you_mean(name, known)}; "
                           f"`lpt parameters list` shows them.")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise LptError(f"{path}: '{name}' must be a finite number (unit {known[name].unit or 'none'}), "
                           f"got {value!r}.")
        if value <= 0 and known[name].value > 0:
            raise LptError(f"{path}: '{name}' = {value:g} must be positive like its shipped value "
                           f"{known[name].value:g} {known[name].unit}.")
        out[name] = float(value)
    return out


# The first line of every parameter file lpt writes: how `lpt calibrate --out` knows a
# file it may replace from someone else's.
PARAMETER_FILE_HEADER = "# lpt parameter file: dotted parameter names = values (lpt --parameters FILE)"


def written_by_lpt(path: str | Path) -> bool:
    """Whether ``path`` is a parameter file lpt wrote (it starts with the header)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(len(PARAMETER_FILE_HEADER)) == PARAMETER_FILE_HEADER.encode()
    except OSError:
        return False


def write_parameter_file(path: str | Path, values: Mapping[str, float], comments: Mapping[str, str],
                         notes: Sequence[str] = ()) -> Path:
    """Write ``values`` as a parameter file (quoted dotted keys), atomically."""
    lines = [PARAMETER_FILE_HEADER]
    lines += [f"# {n}" for n in notes] + [""]
    for name, value in values.items():
        if comments.get(name):
            lines.append(f"# {comments[name]}")
        lines.append(f'"{name}" = {value!r}')
    return write_text_atomic(path, "\n".join(lines) + "\n", what="parameter file")
