"""Plating/stripping protocols of Li|SSE|Li cells, written as sentences.

Steps, separated by ``;`` or new lines, repeated every cycle:

- ``"Plate at 0.1 mA cm-2 for 1 hour"`` — Li onto the working electrode (the
  ``[interfaces.anode]`` side), off the counter electrode; the cell voltage is negative;
- ``"Strip at 0.5 mA cm-2 for 0.5 mAh cm-2"`` — the other way; a step lasts a time
  or passes an areal capacity;
- ``"Rest for 10 minutes"``;
- a CCD ramp: ``"Ramp from 0.05 mA cm-2 by 0.05 mA cm-2 every 1 cycle until short"``
  (or ``until 5 mA cm-2``); the plate and strip steps then carry no current of their
  own: ``"Plate for 0.5 mAh cm-2; Strip for 0.5 mAh cm-2"``.

Any other sentence, a step without a current (outside a ramp), a ramp without an end,
is one :class:`~lpt.errors.LptError` sentence naming the step.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from lpt.constants import SECONDS_PER_HOUR
from lpt.errors import LptError

EXAMPLES = ("'Plate at 0.1 mA cm-2 for 1 hour', 'Strip at 0.5 mA cm-2 for 0.5 mAh cm-2', "
            "'Rest for 10 minutes', 'Ramp from 0.05 mA cm-2 by 0.05 mA cm-2 every 1 cycle until short'")

_NUM = r"(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_MA_CM2 = r"\s*mA\s*(?:/\s*cm\s*(?:\^?\s*2|²)|cm\s*(?:\^?\s*-\s*2|⁻²))"
_MAH_CM2 = r"\s*mAh\s*(?:/\s*cm\s*(?:\^?\s*2|²)|cm\s*(?:\^?\s*-\s*2|⁻²))"
_TIME_UNIT = r"(?P<unit>seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h)"
_HOURS = {"s": 1 / SECONDS_PER_HOUR, "sec": 1 / SECONDS_PER_HOUR, "secs": 1 / SECONDS_PER_HOUR,
          "second": 1 / SECONDS_PER_HOUR, "seconds": 1 / SECONDS_PER_HOUR,
          "m": 1 / 60, "min": 1 / 60, "mins": 1 / 60, "minute": 1 / 60, "minutes": 1 / 60,
          "h": 1.0, "hr": 1.0, "hrs": 1.0, "hour": 1.0, "hours": 1.0}

_STEP = re.compile(rf"^(?P<kind>plate|strip)(?:\s+at\s+(?P<i>{_NUM}){_MA_CM2})?\s+for\s+(?P<amount>{_NUM})"
                   rf"\s*(?:(?P<cap>{_MAH_CM2[3:]})|{_TIME_UNIT})\s*$", re.IGNORECASE)
_REST = re.compile(rf"^rest\s+for\s+(?P<amount>{_NUM})\s*{_TIME_UNIT}\s*$", re.IGNORECASE)
_RAMP = re.compile(rf"^ramp\s+from\s+(?P<start>{_NUM}){_MA_CM2}\s+by\s+(?P<step>{_NUM}){_MA_CM2}"
                   rf"\s+every\s+(?P<every>\d+)\s+cycles?(?:\s+until\s+(?:(?P<short>short(?:\s+circuit)?)|"
                   rf"(?P<end>{_NUM}){_MA_CM2}))?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Step:
    """One step: ``kind`` plate | strip | rest; ``current_mA_cm2`` (None inside a ramp);
    a duration in hours or an areal capacity in mAh cm⁻²."""

    kind: str
    text: str
    current_mA_cm2: float | None = None
    hours: float | None = None
    capacity_mAh_cm2: float | None = None

    def duration_h(self, current_mA_cm2: float) -> float:
        if self.hours is not None:
            return self.hours
        return self.capacity_mAh_cm2 / current_mA_cm2


@dataclass(frozen=True)
class Ramp:
    """A current that grows by ``step`` every ``every`` cycles from ``start`` (mA cm⁻²)."""

    start_mA_cm2: float
    step_mA_cm2: float
    every_cycles: int
    until_mA_cm2: float | None = None   # None: until the cell fails

    def current(self, cycle: int) -> float:
        return self.start_mA_cm2 + self.step_mA_cm2 * ((cycle - 1) // self.every_cycles)


@dataclass(frozen=True)
class SymmetricProtocol:
    steps: tuple[Step, ...]
    ramp: Ramp | None = None

    def __str__(self) -> str:
        head = [f"Ramp from {self.ramp.start_mA_cm2:g} mA cm-2 by {self.ramp.step_mA_cm2:g} mA cm-2 every "
                f"{self.ramp.every_cycles} cycle until " + ("short" if self.ramp.until_mA_cm2 is None
                                                            else f"{self.ramp.until_mA_cm2:g} mA cm-2")] if self.ramp else []
        return "; ".join(head + [s.text for s in self.steps])

    def current(self, step: Step, cycle: int) -> float:
        if step.kind == "rest":
            return 0.0
        return self.ramp.current(cycle) if self.ramp is not None else step.current_mA_cm2

    def max_cycles(self) -> int | None:
        """Cycles a ramp with an end current takes to reach it (None: no end of its own)."""
        r = self.ramp
        if r is None or r.until_mA_cm2 is None:
            return None
        return int(round((r.until_mA_cm2 - r.start_mA_cm2) / r.step_mA_cm2)) * r.every_cycles + r.every_cycles


def _bad(index: int, text: str, why: str) -> LptError:
    return LptError(f"protocol step {index} '{text}': {why}; steps look like {EXAMPLES}.")


def _positive(value: str, index: int, text: str, what: str) -> float:
    v = float(value)
    if not v > 0:
        raise _bad(index, text, f"the {what} must be above 0")
    if not math.isfinite(v):  # "1e309" reads as infinity
        raise _bad(index, text, f"the {what} {value} is not a finite number")
    return v


def _step(text: str, index: int) -> Step | Ramp:
    raw = " ".join(str(text).split())
    if not raw:
        raise _bad(index, raw, "the step is empty")
    if m := _RAMP.match(raw):
        if not (m.group("short") or m.group("end")):
            raise _bad(index, raw, "a ramp needs an end, 'until short' or 'until <X> mA cm-2'")
        start = _positive(m.group("start"), index, raw, "start current")
        step = _positive(m.group("step"), index, raw, "current step")
        every = int(m.group("every"))
        if every < 1:
            raise _bad(index, raw, "a ramp steps every 1 or more cycles")
        end = _positive(m.group("end"), index, raw, "end current") if m.group("end") else None
        if end is not None and end < start:
            raise _bad(index, raw, f"the ramp ends at {end:g} mA cm-2, below its start")
        return Ramp(start, step, every, end)
    if m := _STEP.match(raw):
        cur = _positive(m.group("i"), index, raw, "current") if m.group("i") else None
        amount = _positive(m.group("amount"), index, raw, "duration or capacity")
        if m.group("cap"):
            return Step(m.group("kind").lower(), raw, cur, capacity_mAh_cm2=amount)
        return Step(m.group("kind").lower(), raw, cur, hours=amount * _HOURS[m.group("unit").lower()])
    if m := _REST.match(raw):
        return Step("rest", raw, hours=_positive(m.group("amount"), index, raw, "rest") * _HOURS[m.group("unit").lower()])
    word = raw.split()[0].lower()
    if word not in ("plate", "strip", "rest", "ramp"):
        raise _bad(index, raw, f"'{raw.split()[0]}' is not a step; a symmetric-cell step starts with Plate, Strip, Rest or Ramp")
    if word in ("plate", "strip") and " for " not in f" {raw.lower()} ":
        raise _bad(index, raw, "a plate or strip step needs 'for <time>' or 'for <X> mAh cm-2'")
    if word == "ramp" and "until" not in raw.lower():
        raise _bad(index, raw, "a ramp needs an end, 'until short' or 'until <X> mA cm-2'")
    raise _bad(index, raw, "the sentence could not be read (currents in mA cm-2, capacities in mAh cm-2)")


def parse_symmetric_protocol(protocol: str | list[str] | tuple[str, ...] | SymmetricProtocol) -> SymmetricProtocol:
    """A :class:`SymmetricProtocol` from sentences (``;`` or new lines) or a list of them."""
    if isinstance(protocol, SymmetricProtocol):
        return protocol
    parts = [p for p in re.split(r"[;\n]", protocol) if p.strip()] if isinstance(protocol, str) else list(protocol)
    if not parts:
        raise LptError(f"the protocol is empty; give steps such as {EXAMPLES}.")
    parsed = [_step(p, i + 1) for i, p in enumerate(parts)]
    ramps = [p for p in parsed if isinstance(p, Ramp)]
    steps = tuple(p for p in parsed if isinstance(p, Step))
    if len(ramps) > 1:
        raise LptError("the protocol has two ramps; give one 'Ramp from ... until short'.")
    ramp = ramps[0] if ramps else None
    moving = [s for s in steps if s.kind != "rest"]
    if not moving:
        raise LptError("the protocol passes no current; add a 'Plate at <X> mA cm-2 for <time>' or a "
                       "'Strip ...' step.")
    for i, s in enumerate(steps, 1):
        if s.kind == "rest":
            continue
        if ramp is None and s.current_mA_cm2 is None:
            raise _bad(i, s.text, "the step has no current; write 'at <X> mA cm-2', or add a Ramp that sets it")
        if ramp is not None and s.current_mA_cm2 is not None:
            raise _bad(i, s.text, "the ramp sets the current; write the step without 'at <X> mA cm-2'")
    return SymmetricProtocol(steps, ramp)


def ccd_protocol(step_mA_cm2: float, capacity_mAh_cm2: float | None = None, start_mA_cm2: float | None = None, *,
                 half_cycle_h: float | None = None) -> SymmetricProtocol:
    """The usual CCD test: the current rises by ``step`` every cycle, plating and stripping
    ``capacity`` each half-cycle — or, with ``half_cycle_h``, for a fixed time each half-cycle
    (the charge then grows with the current, as in "1 h / 1 h" ramps) — until the cell fails."""
    if (capacity_mAh_cm2 is None) == (half_cycle_h is None):
        raise LptError("a CCD ramp passes either an areal capacity or a fixed time per half-cycle "
                       "(--areal-capacity-mah-cm2 or --half-cycle-h), one of the two; got "
                       f"{'both' if half_cycle_h is not None else 'neither'}.")
    amount = capacity_mAh_cm2 if half_cycle_h is None else half_cycle_h
    unit = "mAh cm-2" if half_cycle_h is None else "hours"
    if not 0 < step_mA_cm2 <= 100.0 or not 0 < amount <= 100.0:
        raise LptError("a CCD ramp needs a current step of 0 to 100 mA cm-2 and an areal capacity of 0 to "
                       "100 mAh cm-2 or a time of 0 to 100 h per half-cycle (--step-ma-cm2, "
                       f"--areal-capacity-mah-cm2, --half-cycle-h); got {step_mA_cm2:g} mA cm-2 and {amount:g} {unit}.")
    start = step_mA_cm2 if start_mA_cm2 is None else start_mA_cm2
    if not 0 < start <= 100.0:
        raise LptError(f"a CCD ramp starts between 0 and 100 mA cm-2, got {start:g}.")
    return parse_symmetric_protocol(
        f"Ramp from {start:g} mA cm-2 by {step_mA_cm2:g} mA cm-2 every 1 cycle until short; "
        f"Plate for {amount:g} {unit}; Strip for {amount:g} {unit}")
