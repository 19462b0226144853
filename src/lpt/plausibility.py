"""Plausibility: inputs the model evaluates but the materials' known ranges do not cover.

A carbonate at 200 °C, a charge cut-off of 9.9 V for LFP, a protocol step at 220 °C
with a Li anode, ``--temperature-c 298`` meant as kelvin: every number is valid and the
model computes, but outside the range its data describe (the liquid boils, the Li
melts, the cathode cannot reach the cut-off). Each named check below compares a design
(and its protocol and temperatures) with the ranges in ``data/plausibility.toml`` and the
knowledge base, and returns one sentence per concern, naming the range and its source.

The checks are pure: :func:`check` returns the sentences and never prints; the command
line turns them into ``warning: ...`` lines on stderr (docs/reliability.md).

>>> from lpt.design import load_design
>>> check(load_design("examples/table1/latp_carbonate_lfp.toml"), temperature_C=200.0)[0][:40]
'the temperature 200 °C (--temperature-c)'
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

from lpt import materials
from lpt.constants import ZERO_CELSIUS_K
from lpt.design import Design
from lpt.errors import LptError


class PlausibilityWarning(UserWarning):
    """A number outside a material's known range (the command line prints the sentence
    as it is, after ``warning: ``)."""

    shown_as_sentence = True


@functools.cache
def limits() -> dict[str, dict[str, tuple[float, str]]]:
    """``data/plausibility.toml``: {table: {key: (value, source)}}."""
    raw = tomllib.loads((resources.files("lpt") / "data" / "plausibility.toml").read_text())
    return {table: {k: (float(v["value"]), str(v["source"])) for k, v in entries.items()}
            for table, entries in raw.items()}


@dataclass(frozen=True)
class Inputs:
    """What the checks look at: the design, the temperatures it will see (with where
    each was given), and the protocol's parsed steps (full cells)."""

    design: Design
    temperatures_C: tuple[tuple[str, float], ...]
    steps: tuple = ()


CHECKS: dict[str, Callable[[Inputs], list[str]]] = {}


def _check(fn: Callable[[Inputs], list[str]]) -> Callable[[Inputs], list[str]]:
    CHECKS[fn.__name__] = fn
    return fn


def _liquids(d: Design) -> dict[str, list[str]]:
    """{liquid id: [the interfaces it is at]} of the design."""
    sides = {"anode": d.anode_interface, "cathode": d.cathode_interface, "counter": d.counter_interface}
    out: dict[str, list[str]] = {}
    for side, iface in sides.items():
        if iface is not None and iface.liquid:
            out.setdefault(iface.liquid, []).append(side)
    return out


@_check
def liquid_temperature(x: Inputs) -> list[str]:
    """A liquid above the temperature to which its class is known to last (boils or decomposes)."""
    table = limits()["liquid_max_temperature_C"]
    out = []
    for liquid, sides in _liquids(x.design).items():
        cls = materials.get(liquid).liquid_class
        if cls not in table:
            continue
        top, source = table[cls]
        for where, t in x.temperatures_C:
            if t > top:
                out.append(f"the temperature {t:g} °C ({where}) is above the {top:g} °C to which {cls} liquids such "
                           f"as {liquid} (at the {' and '.join(sides)}) are known to last (source: {source}); "
                           f"lpt extrapolates its Arrhenius laws there")
    return out


@_check
def electrode_temperature(x: Inputs) -> list[str]:
    """A metal anode above its melting point."""
    table = limits()["electrode_max_temperature_C"]
    anode = x.design.anode.material
    if anode not in table:
        return []
    top, source = table[anode]
    return [f"the temperature {t:g} °C ({where}) is above the melting point of the {anode} anode, {top:g} °C "
            f"(source: {source}); lpt still treats it as a solid" for where, t in x.temperatures_C if t > top]


@_check
def kelvin_slip(x: Inputs) -> list[str]:
    """A temperature in °C that reads like one in kelvin (298 for 25 °C)."""
    lo, _ = limits()["kelvin_slip"]["min_C"]
    hi, _ = limits()["kelvin_slip"]["max_C"]
    return [f"the temperature {t:g} °C ({where}) looks like a temperature in kelvin ({t:g} K = "
            f"{t - ZERO_CELSIUS_K:.2f} °C); lpt computes at {t:g} °C as given" for where, t in x.temperatures_C
            if lo <= t <= hi]


def _charge_cutoffs_vs_li(x: Inputs) -> list[tuple[str, float]]:
    """(step, its highest voltage vs Li/Li⁺) of the charge and hold steps."""
    anode = materials.get(x.design.anode.material)
    return [(f"protocol step {i} '{s.text}'", s.voltage_V + anode.average_potential_V)
            for i, s in enumerate(x.steps, 1) if s.kind in ("charge", "hold") and s.voltage_V is not None]


@_check
def cutoff_above_cathode(x: Inputs) -> list[str]:
    """A charge cut-off the cathode cannot reach by giving up its Li."""
    if x.design.cathode is None:
        return []
    cathode = materials.get(x.design.cathode.material)
    if cathode.ocv_file is not None:
        _, u = materials.ocv_table(cathode.ocv_file)
        top, what = float(u.max()), f"its fully delithiated OCV, {float(u.max()):.2f} V (OCV table {cathode.ocv_file})"
    elif cathode.upper_cutoff_V is not None:
        top, what = cathode.upper_cutoff_V, f"its upper cut-off, {cathode.upper_cutoff_V:g} V"
    else:
        return []
    allowance, source = limits()["cutoff"]["polarization_allowance_V"]
    return [f"{where} reaches {v:g} V vs Li, above what {cathode.id} can reach: {what}, plus {allowance:g} V of "
            f"polarization ({source}); the charge would oxidize the electrolyte, which lpt does not model"
            for where, v in _charge_cutoffs_vs_li(x) if v > top + allowance]


@_check
def cutoff_above_liquid(x: Inputs) -> list[str]:
    """A charge cut-off beyond the oxidation limit of the liquid at the cathode."""
    iface = x.design.cathode_interface
    if x.design.cathode is None or not iface.liquid:
        return []
    liquid = materials.get(iface.liquid)
    top = liquid.window_high_V
    source = liquid.sources.get("window_high_V", "knowledge base")
    return [f"{where} reaches {v:g} V vs Li, above the oxidation limit of {liquid.id} at the cathode, {top:g} V "
            f"(source: {source}); lpt does not model the liquid's oxidation"
            for where, v in _charge_cutoffs_vs_li(x) if v > top]


def check(design: Design, *, temperature_C: float | None = None, protocol=None,
          temperature_option: str = "--temperature-c") -> list[str]:
    """The concerns of every check, one sentence each (no "warning: " prefix).

    ``temperature_C`` replaces the design's temperature (named ``temperature_option`` in
    the sentences); ``protocol`` (text or parsed) replaces the design's ``[cycling]``
    protocol. A protocol that cannot be read is left to the command that runs it.
    """
    from lpt.cycling.protocol import parse_protocol

    where = temperature_option if temperature_C is not None else f"{design.source}: temperature_C"
    temperatures = [(where, design.temperature_C if temperature_C is None else float(temperature_C))]
    text = protocol if protocol is not None else design.cycling.protocol
    steps: tuple = ()
    if text and not design.symmetric:
        try:
            steps = parse_protocol(text).steps
        except LptError:
            steps = ()
    temperatures += [(f"protocol step {i}", s.temperature_K - ZERO_CELSIUS_K)
                     for i, s in enumerate(steps, 1) if s.temperature_K is not None]
    x = Inputs(design, tuple(temperatures), tuple(steps))
    return [f"{sentence}." for fn in CHECKS.values() for sentence in fn(x)]
