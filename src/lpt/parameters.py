"""Global parameters of the interface model, read once from ``data/parameters.toml``.

Every entry has a value, a status (literature / derived / calibrated) and a source;
``docs/model.md`` lists them.  Nothing here is per design or per Table 1 row.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from importlib import resources


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
def parameters() -> Parameters:
    raw = tomllib.loads((resources.files("lpt") / "data" / "parameters.toml").read_text())
    scalars = {k: Entry(**v) for k, v in raw.items() if isinstance(v, dict) and "value" in v}
    slei = {k: Table(**v) for k, v in raw["slei"].items()}
    sei = {k: Table(**v) for k, v in raw["sei"].items() if "r0_ohm_cm2" in v}
    sei_scalars = {k: Entry(**v) for k, v in raw["sei"].items() if "value" in v}
    kic = {k: Entry(**v) for k, v in raw["fracture_toughness_MPa_m05"].items()}
    return Parameters(scalars=scalars, slei=slei, sei=sei, sei_scalars=sei_scalars, fracture_toughness_MPa_m05=kic)
