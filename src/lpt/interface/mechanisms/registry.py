"""The mechanism registry, the view every mechanism reads, and what a growth law returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from lpt.parameters import Parameters, parameters

SLOTS = ("contact", "solid", "liquid", "growth")

# Capacitance of each path, per area of the path (docs/model.md §4; Irvine, Sinclair &
# West, Adv. Mater. 2 (1990) 132: "sample–electrode interface 1e-7–1e-5 F"): films of
# 5–50 nm with ε_r ≈ 5–20 give ε ε0 / t ≈ 0.1–3 µF cm⁻²; a double layer ~10 µF cm⁻².
FILM_CAPACITANCE_F_CM2 = 1e-6
DOUBLE_LAYER_CAPACITANCE_F_CM2 = 10e-6
FILM_CPE_ALPHA = 0.9
CHARGE_TRANSFER_CPE_ALPHA = 0.85


@dataclass(frozen=True)
class SideView:
    """One interface of a batch as a mechanism sees it (arrays, one entry per design).

    ``x`` the cell inputs, ``side`` "anode"/"cathode", ``inputs`` that side's inputs,
    ``state`` its state, ``temperature_K``; for growth laws also the interval:
    ``dt_h``, ``strip_mAh_cm2`` (Li stripped per geometric area) and ``current_mA_cm2``.
    """

    x: Any
    side: str
    inputs: Any
    state: Any
    temperature_K: np.ndarray
    dt_h: np.ndarray | None = None
    strip_mAh_cm2: np.ndarray | None = None
    current_mA_cm2: np.ndarray | None = None

    @property
    def parameters(self) -> Parameters:
        return parameters()

    @cached_property
    def contact_fraction(self) -> np.ndarray:
        """Solid contact fraction: the contact slot's law × what voids and cracks left."""
        (law,) = MECHANISMS["contact"].values()
        return law.function(self) * self.state.contact_retention

    @cached_property
    def saturation(self) -> np.ndarray:
        """Fraction of the open volume (interface gap + cathode pores) that liquid fills.

        Capillarity fills gap and pores alike; more liquid than the open volume stays as
        a reservoir at the edges and refills what reactions consume.
        """
        s = self.inputs
        remaining = np.maximum(s.liquid_cm3_cm2 - self.state.liquid_consumed_cm3_cm2, 0.0)
        return np.minimum(1.0, remaining / np.maximum(s.open_volume_cm3_cm2, 1e-12))

    @cached_property
    def wetted_fraction(self) -> np.ndarray:
        """The liquid covers, of the area not in solid contact, what it wets and fills."""
        return ((1.0 - self.contact_fraction) * self.inputs.wettability * self.saturation
                * self.state.coverage_retention)

    @cached_property
    def wet(self) -> np.ndarray:
        return (self.wetted_fraction > 0) & (self.saturation > 0)


@dataclass(frozen=True)
class Growth:
    """What a growth law did over an interval.

    ``state``: new values of :class:`~lpt.interface.model.SideState` fields (each field
    is owned by one law per side); ``film_cm``: film grown under the liquid, which
    consumes liquid; ``li_film_cm``: the part of it that stores Li taken from the metal;
    ``li_mAh_cm2``: Li taken from the metal elsewhere (per geometric area), e.g. by the
    SSE's interphase on the solid contacts.
    """

    state: dict[str, np.ndarray] = field(default_factory=dict)
    film_cm: np.ndarray | float = 0.0
    li_film_cm: np.ndarray | float = 0.0
    liquid_cm3_cm2: np.ndarray | float = 0.0   # liquid consumed per geometric area (films
    li_mAh_cm2: np.ndarray | float = 0.0       # inside the cathode) and the Li they bind


@dataclass(frozen=True)
class Mechanism:
    name: str
    slot: str
    function: Callable[[SideView], Any]
    sides: tuple[str, ...] = ("anode", "cathode")
    capacitance_F_cm2: float | None = None   # of its path (None: a plain resistor)
    cpe_alpha: float = 1.0
    reference: str = ""


MECHANISMS: dict[str, dict[str, Mechanism]] = {s: {} for s in SLOTS}


def mechanism(slot_name: str, name: str | None = None, *, sides: tuple[str, ...] = ("anode", "cathode"),
              capacitance_F_cm2: float | None = None, cpe_alpha: float = 1.0, reference: str = ""):
    """Decorator: register ``function`` in ``slot_name`` (the contact slot holds one law)."""
    if slot_name not in MECHANISMS:
        raise ValueError(f"unknown mechanism slot '{slot_name}'; slots: {', '.join(SLOTS)}")

    def wrap(function: Callable[[SideView], Any]) -> Callable[[SideView], Any]:
        key = name or function.__name__
        if slot_name == "contact":
            MECHANISMS["contact"].clear()
        elif key in MECHANISMS[slot_name]:
            raise ValueError(f"mechanism '{key}' is registered twice in slot '{slot_name}'")
        MECHANISMS[slot_name][key] = Mechanism(key, slot_name, function, tuple(sides), capacitance_F_cm2,
                                               cpe_alpha, reference)
        return function

    return wrap


def unregister(slot_name: str, name: str) -> Mechanism:
    """Remove a mechanism (tests and user code that swap one for another)."""
    return MECHANISMS[slot_name].pop(name)


def slot(slot_name: str, side: str) -> list[Mechanism]:
    """The mechanisms of a slot that act on ``side``, in registration order."""
    return [m for m in MECHANISMS[slot_name].values() if side in m.sides]
