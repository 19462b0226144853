"""What each arc or DRT peak probably is, from its capacitance (and activation energy).

Irvine, Sinclair and West (Adv. Mater. 2 (1990) 132, Table 1) read a relaxation's
origin from its capacitance normalized to a cell constant l/A = 1 cm^-1:

=================================  ======================
capacitance (F cm^-1)              phenomenon
=================================  ======================
~1e-12                             bulk
1e-11 – 1e-8                       grain boundary
1e-9 – 1e-7                        surface layer
1e-7 – 1e-5                        sample–electrode interface
~1e-4                              electrochemical reaction
=================================  ======================

The specific capacitance is C × l/A with the sample's thickness l (cm) and electrode
area A (cm^2); without them C itself is used (l/A = 1 cm^-1 assumed, and said).
An R||CPE arc's capacitance is Brug's effective value
C = (Q R^(1-alpha))^(1/alpha) (Brug, van den Eeden, Sluyters-Rehbach, Sluyters,
J. Electroanal. Chem. 176 (1984) 275); a DRT peak's is tau/R. The result is a
suggestion with its basis, never a verdict: the ranges overlap and a thin pellet or
a porous electrode shifts them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lpt.errors import LptError

IRVINE_SINCLAIR_WEST = "Irvine, Sinclair, West, Adv. Mater. 2 (1990) 132"
# (phenomenon, lowest, highest specific capacitance in F cm^-1); "~1e-12" and "~1e-4"
# are read as the decade around them.
RANGES_F_CM = (
    ("bulk", 1e-13, 1e-11),
    ("grain boundary", 1e-11, 1e-8),
    ("surface layer", 1e-9, 1e-7),
    ("sample-electrode interface", 1e-7, 1e-5),
    ("electrochemical reaction", 1e-5, 1e-3),
)


@dataclass
class Assignment:
    """A suggested origin for one relaxation."""

    name: str
    resistance_ohm: float
    capacitance_F: float
    specific_capacitance_F_cm: float
    likely_origin: str
    basis: str
    activation_energy_eV: float | None = None

    def as_dict(self) -> dict:
        return {"name": self.name, "resistance_ohm": self.resistance_ohm, "capacitance_F": self.capacitance_F,
                "specific_capacitance_F_cm": self.specific_capacitance_F_cm, "likely_origin": self.likely_origin,
                "basis": self.basis, "activation_energy_eV": self.activation_energy_eV}


def effective_capacitance(resistance_ohm, q, alpha):
    """Brug's effective capacitance of R||CPE, in F (alpha = 1 gives Q)."""
    return (np.asarray(q, float) * np.asarray(resistance_ohm, float) ** (1 - np.asarray(alpha, float))) \
        ** (1 / np.asarray(alpha, float))


def assign(name: str, resistance_ohm: float, capacitance_F: float, area_cm2: float | None = None,
           thickness_cm: float | None = None, activation_energy_eV: float | None = None) -> Assignment:
    """Suggest the origin of one relaxation (see the module doc)."""
    if (area_cm2 is None) != (thickness_cm is None):
        raise LptError("give both the electrode area (cm2) and the sample thickness, or neither.")
    if area_cm2 is not None and not (area_cm2 > 0 and thickness_cm > 0):
        raise LptError(f"area and thickness must be positive, got {area_cm2} cm2 and {thickness_cm} cm.")
    cell_constant = 1.0 if area_cm2 is None else thickness_cm / area_cm2
    specific = float(capacitance_F * cell_constant)
    if not np.isfinite(specific) or specific <= 0:
        return Assignment(name, float(resistance_ohm), float(capacitance_F), specific, "unknown",
                          "no finite positive capacitance")
    inside = [label for label, lo, hi in RANGES_F_CM if lo <= specific <= hi]
    if not inside:
        label = min(RANGES_F_CM, key=lambda r: min(abs(np.log10(specific / r[1])), abs(np.log10(specific / r[2]))))[0]
        inside = [label]
        where = "nearest range"
    else:
        where = "within the range" if len(inside) == 1 else "where the ranges overlap"
    geometry = (f"C l/A = {specific:.2g} F/cm with l/A = {cell_constant:.3g} cm^-1" if area_cm2 is not None
                else f"C = {capacitance_F:.2g} F taken per cm (no area/thickness given: l/A = 1 cm^-1 assumed)")
    basis = f"{geometry}, {where} of {IRVINE_SINCLAIR_WEST}"
    if activation_energy_eV is not None:
        basis += f"; activation energy {activation_energy_eV:.2f} eV"
    return Assignment(name, float(resistance_ohm), float(capacitance_F), specific, " or ".join(inside), basis,
                      activation_energy_eV)


def fitted_arcs(circuit, parameters) -> list[tuple[str, float, float]]:
    """(resistor name, R, effective C) of every p(R,C) / p(R,CPE) arc of a fitted circuit."""
    out = []

    def visit(node):
        if node.kind == "parallel" and len(node.children) == 2 and all(c.kind == "element" for c in node.children):
            types = {c.element.name: c for c in node.children}
            if "R" in types and ("C" in types or "CPE" in types):
                r = parameters[types["R"].first_param]
                if "C" in types:
                    cap = parameters[types["C"].first_param]
                else:
                    k = types["CPE"].first_param
                    cap = float(effective_capacitance(r, parameters[k], parameters[k + 1]))
                out.append((types["R"].name, float(r), float(cap)))
        for c in node.children:
            visit(c)

    visit(circuit.tree)
    return out


def assign_fit(circuit, parameters, area_cm2=None, thickness_cm=None,
               activation_energies_eV: dict | None = None) -> list[Assignment]:
    """Assignments for every arc of a fitted circuit."""
    energies = activation_energies_eV or {}
    return [assign(name, r, c, area_cm2, thickness_cm, energies.get(name))
            for name, r, c in fitted_arcs(circuit, parameters)]


def assign_drt_peaks(peaks, area_cm2=None, thickness_cm=None) -> list[Assignment]:
    """Assignments for DRT peaks (C = tau/R)."""
    return [assign(f"peak {k}", p.resistance_ohm, p.capacitance_F, area_cm2, thickness_cm)
            for k, p in enumerate(peaks, 1)]
