"""Cycling protocols written as short sentences, in the spirit of PyBaMM's experiments.

A protocol is a list of steps, repeated once per cycle.  Each step is one sentence:

- ``"Charge at C/10 until 4.2 V"``, ``"Discharge at 0.1C until 2.5 V"``,
  ``"Discharge at 0.2 mA cm-2 until 3.0 V"``, ``"Discharge at 17 mA g-1 until 2.5 V"``,
  ``"Discharge at 1 mA for 2 hours or until 3.0 V"`` (an absolute current needs the
  cell's area);
- ``"Hold at 4.2 V until C/50"`` (constant voltage until the current falls below a
  C-rate or a current density; ``for <duration>`` caps it);
- ``"Rest for 10 minutes"``;
- any step may end with a temperature, ``"... at 55 C"`` (or ``°C``, ``K``); a step
  without one runs at the temperature given to :func:`lpt.cycling.simulate`.

Steps are separated by ``;`` or new lines, or given as a list of strings.  C-rates are
relative to the cell's *nominal* capacity (active mass × the knowledge base's practical
specific capacity), the convention of half-cell papers ("1C = 170 mA g⁻¹" for LFP).

The sentence forms follow PyBaMM's ``pybamm.Experiment`` (Sulzer et al., J. Open Res.
Softw. 9 (2021) 14), restricted to what a reduced-order half-cell model needs.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

from lpt.constants import SECONDS_PER_HOUR, ZERO_CELSIUS_K
from lpt.errors import LptError

StepKind = Literal["charge", "discharge", "hold", "rest"]
CurrentUnit = Literal["C", "mA_cm2", "mA_g", "mA"]

EXAMPLES = (
    "'Charge at C/10 until 4.2 V', 'Discharge at 0.5C until 2.5 V', "
    "'Discharge at 0.2 mA cm-2 until 3.0 V', 'Hold at 4.2 V until C/50', "
    "'Rest for 10 minutes', optionally ending in 'at 55 C'"
)

_NUM = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_CRATE = rf"(?:C\s*/\s*(?P<cden>{_NUM})|(?P<cnum>{_NUM})\s*C)"
_DENSITY = rf"(?P<dval>{_NUM})\s*mA\s*(?:/\s*cm\s*(?:\^?\s*2|²)|cm\s*(?:\^?\s*-\s*2|⁻²))"
_SPECIFIC = rf"(?P<gval>{_NUM})\s*mA\s*(?:/\s*g|g\s*(?:\^?\s*-\s*1|⁻¹))"
_ABSOLUTE = rf"(?P<aval>{_NUM})\s*mA"
_CURRENT = rf"(?:{_DENSITY}|{_SPECIFIC}|{_CRATE}|{_ABSOLUTE})"
_DURATION = rf"(?P<tval>{_NUM})\s*(?P<tunit>seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h)"
_TEMPERATURE = rf"\s+at\s+(?P<temp>{_NUM})\s*(?P<tempunit>°\s*C|C|K|degC|deg\s*C)\s*$"

_CC = re.compile(rf"^(?P<kind>charge|discharge)\s+at\s+{_CURRENT}(?P<rest>.*)$", re.IGNORECASE)
_CV = re.compile(rf"^hold\s+at\s+(?P<volt>{_NUM})\s*V(?P<rest>.*)$", re.IGNORECASE)
_REST = re.compile(rf"^rest\s+for\s+{_DURATION}\s*$", re.IGNORECASE)
# Limits after the head, in any order: "for 2 h", "until 3.0 V", "or until C/50".
_FOR = re.compile(rf"^\s*(?:or\s+)?for\s+{_DURATION}", re.IGNORECASE)
_UNTIL_V = re.compile(rf"^\s*(?:or\s+)?until\s+(?P<volt>{_NUM})\s*V\b", re.IGNORECASE)
_UNTIL_I = re.compile(rf"^\s*(?:or\s+)?until\s+{_CURRENT}", re.IGNORECASE)
_SECONDS = {"s": 1.0, "sec": 1.0, "secs": 1.0, "second": 1.0, "seconds": 1.0, "m": 60.0,
            "min": 60.0, "mins": 60.0, "minute": 60.0, "minutes": 60.0, "h": SECONDS_PER_HOUR,
            "hr": SECONDS_PER_HOUR, "hrs": SECONDS_PER_HOUR, "hour": SECONDS_PER_HOUR, "hours": SECONDS_PER_HOUR}


@dataclass(frozen=True)
class Current:
    """A current magnitude in the unit it was written in (see :data:`CurrentUnit`)."""

    value: float
    unit: CurrentUnit

    def __str__(self) -> str:
        return {"C": f"{self.value:g}C", "mA_cm2": f"{self.value:g} mA cm-2",
                "mA_g": f"{self.value:g} mA g-1", "mA": f"{self.value:g} mA"}[self.unit]


@dataclass(frozen=True)
class Step:
    """One protocol step.

    ``current`` is the applied magnitude of a charge/discharge step or the end current of
    a hold; ``voltage_V`` is the cut-off (charge/discharge) or the held voltage; a step
    ends at whichever of its limits comes first.
    """

    kind: StepKind
    text: str
    current: Current | None = None
    voltage_V: float | None = None
    duration_s: float | None = None
    temperature_K: float | None = None

    @property
    def is_current_step(self) -> bool:
        return self.kind in ("charge", "discharge")


@dataclass(frozen=True)
class Protocol:
    """The steps of one cycle, applied in order and repeated for every cycle."""

    steps: tuple[Step, ...]

    def __str__(self) -> str:
        return "; ".join(s.text for s in self.steps)

    @property
    def first_current_kind(self) -> StepKind | None:
        """``"charge"`` or ``"discharge"``: the direction of the first current-carrying step."""
        for s in self.steps:
            if s.is_current_step:
                return s.kind
            if s.kind == "hold":
                return None
        return None


def _bad(index: int, text: str, why: str) -> LptError:
    return LptError(f"protocol step {index} '{text}': {why}; allowed steps look like {EXAMPLES}.")


def _finite(value: str, index: int, text: str) -> float:
    """A number of the step; "1e309" reads as infinity, which no current, time or
    voltage is."""
    number = float(value)
    if not math.isfinite(number):
        raise _bad(index, text, f"{value} is not a finite number")
    return number


def _current(m: re.Match, index: int, text: str) -> Current:
    if m.group("dval") is not None:
        cur = Current(_finite(m.group("dval"), index, text), "mA_cm2")
    elif m.group("gval") is not None:
        cur = Current(_finite(m.group("gval"), index, text), "mA_g")
    elif m.group("cden") is not None:
        den = _finite(m.group("cden"), index, text)
        if den <= 0:
            raise _bad(index, text, "the C-rate denominator must be above 0")
        cur = Current(1.0 / den, "C")
    elif m.group("cnum") is not None:
        cur = Current(_finite(m.group("cnum"), index, text), "C")
    else:
        cur = Current(_finite(m.group("aval"), index, text), "mA")
    if not cur.value > 0:
        raise _bad(index, text, "the current must be above 0 (the direction is in 'Charge'/'Discharge')")
    if not math.isfinite(cur.value):  # C/1e-309
        raise _bad(index, text, "the current is not a finite number")
    return cur


def _duration(m: re.Match, index: int, text: str) -> float | None:
    if m.group("tval") is None:
        return None
    seconds = _finite(m.group("tval"), index, text) * _SECONDS[m.group("tunit").lower()]
    if not math.isfinite(seconds):
        raise _bad(index, text, "the duration is not a finite number")
    return seconds


def _voltage(volt: float, index: int, text: str) -> float:
    if not 0.0 < volt < 10.0:
        raise _bad(index, text, f"voltage {volt:g} V is outside 0 to 10 V")
    return volt


def _limits(tail: str, allowed: tuple[str, ...], index: int, text: str) -> dict:
    """The step's limits ('for <duration>', 'until <V> V', 'until <current>'), any order."""
    out: dict = {}
    tail = tail.strip()
    while tail:
        for name, rx in (("for", _FOR), ("until_V", _UNTIL_V), ("until_I", _UNTIL_I)):
            m = rx.match(tail) if name in allowed else None
            if m:
                if name in out:
                    raise _bad(index, text, f"the limit '{m.group(0).strip()}' is given twice")
                if name == "for":
                    out[name] = _duration(m, index, text)
                    if not out[name] > 0:
                        raise _bad(index, text, "the duration must be above 0")
                elif name == "until_V":
                    out[name] = _voltage(_finite(m.group("volt"), index, text), index, text)
                else:
                    out[name] = _current(m, index, text)
                tail = tail[m.end():].strip()
                break
        else:
            what = "'for <duration>' or 'until <V> V'" if "until_V" in allowed else \
                "'for <duration>' or 'until <current>'"
            raise _bad(index, text, f"could not read '{tail}' (expected {what})")
    return out


def parse_step(text: str, index: int = 1) -> Step:
    """Parse one step sentence; a clear :class:`LptError` names the step otherwise."""
    if not isinstance(text, str) or not text.strip():
        raise _bad(index, str(text), "the step is empty")
    raw = " ".join(text.strip().split())
    body, temperature_K = raw, None
    tm = re.search(_TEMPERATURE, raw, re.IGNORECASE)
    # "Hold at 4.2 V" must not be read as a temperature: only a trailing "at <T> C|K" is.
    if tm and not re.match(r"^(hold|charge|discharge)\s+at\s+\S+\s*(?:°\s*C|C|K)\s*$", raw, re.I):
        body = raw[: tm.start()].rstrip()
        unit = tm.group("tempunit").replace(" ", "").replace("°", "").lower()
        t = _finite(tm.group("temp"), index, raw)
        temperature_K = t if unit == "k" else t + ZERO_CELSIUS_K
        if not 150.0 < temperature_K < 500.0:
            raise _bad(index, raw, f"temperature {temperature_K - ZERO_CELSIUS_K:g} °C is outside -123 to 227 °C")

    if m := _CC.match(body):
        cur = _current(m, index, raw)
        limits = _limits(m.group("rest"), ("for", "until_V"), index, raw)
        volt, dur = limits.get("until_V"), limits.get("for")
        if volt is None and dur is None:
            raise _bad(index, raw, "a charge or discharge step needs 'until <V> V' or 'for <duration>'")
        return Step(m.group("kind").lower(), raw, cur, volt, dur, temperature_K)
    if m := _CV.match(body):
        volt = _voltage(_finite(m.group("volt"), index, raw), index, raw)
        limits = _limits(m.group("rest"), ("for", "until_I"), index, raw)
        cur, dur = limits.get("until_I"), limits.get("for")
        if cur is None and dur is None:
            raise _bad(index, raw, "a hold needs 'until <current>' (e.g. 'until C/50') or 'for <duration>'")
        return Step("hold", raw, cur, volt, dur, temperature_K)
    if m := _REST.match(body):
        dur = _duration(m, index, raw)
        if not dur or dur <= 0:
            raise _bad(index, raw, "the rest duration must be above 0")
        return Step("rest", raw, None, None, dur, temperature_K)

    word = body.split()[0].lower()
    if word not in ("charge", "discharge", "hold", "rest"):
        raise _bad(index, raw, f"'{body.split()[0]}' is not a step; a step starts with Charge, Discharge, Hold or Rest")
    raise _bad(index, raw, "the sentence could not be read")


def parse_protocol(protocol: str | Protocol | list[str] | tuple[str, ...]) -> Protocol:
    """A :class:`Protocol` from a string (steps separated by ';' or new lines) or a list.

    >>> parse_protocol("Charge at C/10 until 3.8 V; Discharge at 0.1C until 2.5 V").steps[1].kind
    'discharge'
    """
    if isinstance(protocol, Protocol):
        return protocol
    if isinstance(protocol, str):
        parts = [p for p in re.split(r"[;\n]", protocol) if p.strip()]
    elif isinstance(protocol, (list, tuple)):
        parts = list(protocol)
    else:
        raise LptError(f"a protocol must be a text or a list of step texts, got {type(protocol).__name__}.")
    if not parts:
        raise LptError(f"the protocol is empty; give at least one step, e.g. {EXAMPLES}.")
    steps = tuple(parse_step(p, i + 1) for i, p in enumerate(parts))
    if not any(s.kind != "rest" for s in steps):
        raise LptError("the protocol only rests; add a Charge, Discharge or Hold step.")
    return Protocol(steps)

