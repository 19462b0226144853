"""Global parameters of the interface model, read once from ``data/parameters.toml``.

Every entry has a value, a status (literature / derived / estimate / calibrated) and a
source; ``docs/model.md`` lists them.  Nothing here is per design or per Table 1 row.
Each is addressable by its dotted name (``li_contact_hardness_MPa``,
``slei.garnet.carbonate.r0_ohm_cm2``, ``sei.PF6.growth_ohm2_cm4_h``,
``sei.film_resistivity_ohm_cm``); values set through :mod:`lpt.overrides` (a
calibration file) replace the shipped ones, with status "calibrated".
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from lpt import overrides

CALIBRATED_SOURCE = "set by the user's parameter file"


@dataclass(frozen=True)
class Entry:
    value: float
    status: str
    source: str


@dataclass(frozen=True)
class Table:
    r0_ohm_cm2: float
    growth_ohm2_cm4_h: float
    status: str
    source: str


@dataclass(frozen=True)
class Parameters:
    scalars: dict[str, Entry]
    slei: dict[str, Table]
    sei: dict[str, Table]
    sei_scalars: dict[str, Entry]
    fracture_toughness_MPa_m05: dict[str, Entry]

    def __getattr__(self, name: str) -> float:
        try:
            return self.scalars[name].value
        except KeyError:
            try:
                return self.sei_scalars[name].value
            except KeyError:
                raise AttributeError(name) from None


@functools.cache
def raw_table() -> dict[str, Any]:
    """``data/parameters.toml`` as shipped (do not modify: a cached, shared document)."""
    return tomllib.loads((resources.files("lpt") / "data" / "parameters.toml").read_text())


def parameters() -> Parameters:
    """The parameters in force: the shipped table with the current overrides applied."""
    return _parameters(overrides.current())


def _apply(raw: dict[str, Any], name: str, value: float) -> None:
    """Set ``name`` in ``raw``, copying the tables on its path (the shipped table is shared).

    Table rows may have dotted keys themselves ("garnet.carbonate"): at each level the
    longest run of name parts that is a key is taken.
    """
    node, parts = raw, name.split(".")
    while len(parts) > 1:
        for n in range(len(parts) - 1, 0, -1):
            key = ".".join(parts[:n])
            if isinstance(node.get(key), dict):
                break
        else:
            return  # not a parameter of this table (e.g. a knowledge-base value)
        node[key] = child = dict(node[key])
        node, parts = child, parts[n:]
    leaf = parts[0]
    if isinstance(node.get(leaf), dict) and "value" in node[leaf]:          # scalar entry
        node[leaf] = {**node[leaf], "value": value, "status": "calibrated", "source": CALIBRATED_SOURCE}
    elif leaf in node and isinstance(node[leaf], (int, float)):              # a field of a table row
        node.update({leaf: value, "status": "calibrated", "source": CALIBRATED_SOURCE})


@functools.lru_cache(maxsize=64)
def _parameters(overridden: tuple[tuple[str, float], ...]) -> Parameters:
    raw = dict(raw_table())
    for name, value in overridden:
        _apply(raw, name, value)
    scalars = {k: Entry(**v) for k, v in raw.items() if isinstance(v, dict) and "value" in v}
    slei = {k: Table(**v) for k, v in raw["slei"].items()}
    sei = {k: Table(**v) for k, v in raw.get("sei", {}).items() if "r0_ohm_cm2" in v}
    sei_scalars = {k: Entry(**v) for k, v in raw.get("sei", {}).items() if "value" in v}
    kic = {k: Entry(**v) for k, v in raw["fracture_toughness_MPa_m05"].items()}
    return Parameters(scalars=scalars, slei=slei, sei=sei, sei_scalars=sei_scalars, fracture_toughness_MPa_m05=kic)
