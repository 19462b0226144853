"""Interface mechanisms, registered by slot (docs/model.md; docs/architecture.md).

Every mechanism is one function of one :class:`SideView` (the inputs, state and
temperature of one interface of a batch) registered in a slot:

``solid``
    a specific resistance (Ω cm² per contact area) in series on the solid contacts
    (interphase, contamination, reaction layer, charge transfer …);
``liquid``
    a specific resistance (Ω cm² per wetted area) in series on the liquid path
    (liquid film, SLEI, SEI …);
``growth``
    how the interface's state changes over an interval (returns a :class:`Growth`);
``contact``
    the solid contact fraction (one occupant).

:func:`lpt.interface.evaluate` and :func:`lpt.interface.advance` sum the registry; the
ASR breakdown (``components_ohm_cm2``), the stack circuit of ``lpt eis simulate`` (each
resistance mechanism declares the capacitance of its path) and the sweep columns are
built by walking it, so a new mechanism is one function and one ``@mechanism`` line.
"""

from __future__ import annotations

from lpt.interface.mechanisms.registry import (
    DOUBLE_LAYER_CAPACITANCE_F_CM2, FILM_CAPACITANCE_F_CM2, MECHANISMS, SLOTS, Growth, Mechanism,
    SideView, mechanism, slot, unregister,
)
from lpt.interface.mechanisms import contact, growth, li_metal, liquid, solid  # noqa: F401  (registers)
from lpt.interface.mechanisms import cathode_oxidation  # noqa: F401  (registers)

__all__ = ["DOUBLE_LAYER_CAPACITANCE_F_CM2", "FILM_CAPACITANCE_F_CM2", "Growth", "MECHANISMS", "Mechanism",
           "SLOTS", "SideView", "mechanism", "slot", "unregister"]
