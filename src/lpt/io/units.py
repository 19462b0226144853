"""Units as cyclers write them in column headers, and their factors to SI.

One table per dimension: a header such as ``Current(mA)``, ``I/mA``, ``Cap. [Ah]``,
``current_uA`` or ``Test Time / h`` is split into a base name and a unit, and the
unit is looked up in the table of the quantity's dimension (so a bare ``C`` is a
coulomb in a capacity column and a degree Celsius in a temperature column).
Capacities are returned in A h (the BDF unit); everything else in SI.
"""

from __future__ import annotations

import re

from lpt.constants import SECONDS_PER_HOUR

# factor from the written unit to the dimension's unit: s, A, V, A h, degC, Pa, W h
TIME_S = {"s": 1.0, "sec": 1.0, "secs": 1.0, "second": 1.0, "seconds": 1.0, "ms": 1e-3,
          "min": 60.0, "mins": 60.0, "minute": 60.0, "minutes": 60.0, "h": SECONDS_PER_HOUR,
          "hr": SECONDS_PER_HOUR, "hrs": SECONDS_PER_HOUR, "hour": SECONDS_PER_HOUR,
          "hours": SECONDS_PER_HOUR, "d": 24 * SECONDS_PER_HOUR, "day": 24 * SECONDS_PER_HOUR,
          "days": 24 * SECONDS_PER_HOUR}
CURRENT_A = {"a": 1.0, "amp": 1.0, "amps": 1.0, "ma": 1e-3, "ua": 1e-6, "µa": 1e-6, "μa": 1e-6,
             "na": 1e-9}
VOLTAGE_V = {"v": 1.0, "volt": 1.0, "volts": 1.0, "mv": 1e-3, "µv": 1e-6, "uv": 1e-6}
_AS_PER_AH = SECONDS_PER_HOUR
CAPACITY_AH = {"ah": 1.0, "a.h": 1.0, "a·h": 1.0, "a*h": 1.0, "amp-hr": 1.0, "mah": 1e-3,
               "ma.h": 1e-3, "ma·h": 1e-3, "ma*h": 1e-3, "uah": 1e-6, "µah": 1e-6, "μah": 1e-6,
               "ua.h": 1e-6, "µa.h": 1e-6, "as": 1 / _AS_PER_AH, "a.s": 1 / _AS_PER_AH,
               "a·s": 1 / _AS_PER_AH, "c": 1 / _AS_PER_AH, "mas": 1e-3 / _AS_PER_AH,
               "ma.s": 1e-3 / _AS_PER_AH, "ma·s": 1e-3 / _AS_PER_AH, "mc": 1e-3 / _AS_PER_AH}
ENERGY_WH = {"wh": 1.0, "w.h": 1.0, "w·h": 1.0, "mwh": 1e-3, "mw.h": 1e-3, "j": 1 / SECONDS_PER_HOUR}
TEMPERATURE_C = {"c": 1.0, "°c": 1.0, "degc": 1.0, "℃": 1.0, "celsius": 1.0, "deg c": 1.0,
                 "ºc": 1.0, "\xf8c": 1.0}
PRESSURE_PA = {"pa": 1.0, "kpa": 1e3, "mpa": 1e6, "bar": 1e5, "psi": 6894.757293168}

DIMENSIONS = {"time": TIME_S, "current": CURRENT_A, "voltage": VOLTAGE_V, "capacity": CAPACITY_AH,
              "energy": ENERGY_WH, "temperature": TEMPERATURE_C, "pressure": PRESSURE_PA}

_BRACKETED = re.compile(r"^(?P<base>.*?)\s*[\(\[\{]\s*(?P<unit>[^\)\]\}]*)\s*[\)\]\}]\s*$")
_SLASHED = re.compile(r"^(?P<base>[^/]+?)\s*/\s*(?P<unit>[^/]+?)\s*$")
_SUFFIXED = re.compile(r"^(?P<base>.*?)[_ ](?P<unit>[a-zµμ°℃.·*-]+)$", re.I)


def split_header(header: str) -> tuple[str, str | None]:
    """('current', 'ma') from 'Current(mA)', 'I/mA', 'Current [mA]'; unit None if absent."""
    text = header.strip().strip('"').strip()
    for pattern in (_BRACKETED, _SLASHED):
        m = pattern.match(text)
        if m and m["base"].strip():
            return _base(m["base"]), m["unit"].strip().lower().replace(" ", "")
    return _base(text), None


def suffix_unit(base: str, dimension: str) -> tuple[str, str] | None:
    """('current', 'ma') from 'current_ma' when the suffix is a unit of the dimension."""
    m = _SUFFIXED.match(base)
    if m and m["unit"].lower() in DIMENSIONS[dimension]:
        return _base(m["base"]), m["unit"].lower()
    return None


def factor(unit: str | None, dimension: str) -> float | None:
    """Factor from ``unit`` to the dimension's unit, None if the unit is not one of it."""
    if unit is None:
        return None
    table = DIMENSIONS[dimension]
    u = unit.strip().lower().replace(" ", "")
    return table.get(u, table.get(u.replace("-", "")))


def _base(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().strip('"').strip().lower())
