"""Equivalent-circuit elements: plain vectorized functions with a registry entry.

Each element is ``Z(params, omega)`` where ``params`` is a sequence of parameter
values (scalars or arrays of shape ``(n_spectra,)``) and ``omega`` is the angular
frequency in rad/s, shape ``(n_freq,)`` or ``(n_spectra, n_freq)``. The result
broadcasts to ``(n_freq,)`` for scalar parameters and ``(n_spectra, n_freq)`` for
parameter arrays. Parameter conventions, order and units follow impedance.py
(Murbach et al., J. Open Source Softw. 5 (2020) 2349, ``models/circuits/elements.py``)
so that fitted parameter names match: ``R0``, ``CPE1_0`` (Q), ``CPE1_1`` (alpha),
``Wo1_0`` (Z0), ``Wo1_1`` (tau) ...

Every element also carries its analytic derivative ``dZ/dp_k`` so that the circuit
compiler can assemble an exact Jacobian for complex nonlinear least squares: finite
differences would need one extra circuit evaluation per parameter and lose digits
near the CPE exponent bound.

A new element is a few lines::

    @element("Rx", units=("Ohm",), kinds=("positive",))
    def Rx(p, omega): ...
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from lpt.errors import LptError

ElementFunction = Callable[[Sequence[np.ndarray], np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Element:
    """One circuit element type.

    Attributes
    ----------
    name : str
        The letters used in circuit strings (``"CPE"``).
    units : tuple of str
        Unit of each parameter, in impedance.py's order.
    kinds : tuple of str
        Bound class of each parameter: ``"positive"`` (0, inf) or ``"exponent"``
        (0, 1] (the CPE alpha).
    impedance : callable
        ``impedance(params, omega) -> Z``.
    derivatives : callable
        ``derivatives(params, omega, Z) -> [dZ/dp_0, dZ/dp_1, ...]``.
    description : str
        One line for listings.
    """

    name: str
    units: tuple[str, ...]
    kinds: tuple[str, ...]
    impedance: ElementFunction
    derivatives: Callable[..., list[np.ndarray]]
    description: str

    @property
    def n_params(self) -> int:
        return len(self.units)

    def __call__(self, params: Sequence, omega) -> np.ndarray:
        return self.impedance(_columns(params), np.asarray(omega, dtype=float))


ELEMENTS: dict[str, Element] = {}


def _columns(params: Sequence) -> list[np.ndarray]:
    """Parameters of shape (n_spectra,) become (n_spectra, 1) to broadcast over omega."""
    out = []
    for p in params:
        a = np.asarray(p, dtype=float)
        out.append(a[..., None] if a.ndim == 1 else a)
    return out


def element(name: str, units: tuple[str, ...], kinds: tuple[str, ...], description: str):
    """Register ``f(p, omega) -> Z``; the decorated function must define ``f.derivatives``
    afterwards via :func:`derivative`."""

    def decorator(func: ElementFunction) -> ElementFunction:
        if name in ("p", "s"):
            raise LptError(f'"{name}" is reserved for parallel/series and cannot name an element.')
        ELEMENTS[name] = Element(name, tuple(units), tuple(kinds), func, None, description)  # type: ignore[arg-type]
        return func

    return decorator


def derivative(name: str):
    """Attach the analytic ``dZ/dp`` of a registered element."""

    def decorator(func):
        e = ELEMENTS[name]
        ELEMENTS[name] = Element(e.name, e.units, e.kinds, e.impedance, func, e.description)
        return func

    return decorator


@element("R", ("Ohm",), ("positive",), "resistor, Z = R")
def R(p, omega):
    return p[0] + 0j * omega


@derivative("R")
def _dR(p, omega, Z):
    return [np.ones_like(Z)]


@element("C", ("F",), ("positive",), "capacitor, Z = 1/(j omega C)")
def C(p, omega):
    return 1.0 / (1j * omega * p[0])


@derivative("C")
def _dC(p, omega, Z):
    return [-Z / p[0]]


@element("L", ("H",), ("positive",), "inductor, Z = j omega L")
def L(p, omega):
    return 1j * omega * p[0]


@derivative("L")
def _dL(p, omega, Z):
    return [1j * omega + 0 * Z]


@element("CPE", ("Ohm^-1 s^a", ""), ("positive", "exponent"),
         "constant phase element, Z = 1/(Q (j omega)^alpha)")
def CPE(p, omega):
    return 1.0 / (p[0] * (1j * omega) ** p[1])


@derivative("CPE")
def _dCPE(p, omega, Z):
    # ln(j omega) = ln(omega) + j pi/2 on the principal branch.
    return [-Z / p[0], -Z * (np.log(omega) + 0.5j * np.pi)]


@element("W", ("Ohm s^-1/2",), ("positive",),
         "semi-infinite Warburg, Z = A_W (1 - j)/sqrt(omega)")
def W(p, omega):
    return p[0] * (1 - 1j) / np.sqrt(omega)


@derivative("W")
def _dW(p, omega, Z):
    return [Z / p[0]]


@element("Wo", ("Ohm", "s"), ("positive", "positive"),
         "finite-space (open) Warburg, Z = Z0 coth(sqrt(j omega tau))/sqrt(j omega tau)")
def Wo(p, omega):
    s = np.sqrt(1j * omega * p[1])
    return p[0] / (s * np.tanh(s))


@derivative("Wo")
def _dWo(p, omega, Z):
    s = np.sqrt(1j * omega * p[1])
    coth = 1.0 / np.tanh(s)
    # d/ds [coth(s)/s] = -(csch^2 s)/s - coth(s)/s^2 with csch^2 = coth^2 - 1, which
    # stays finite for large |s| where sinh overflows.
    dg_ds = -(coth**2 - 1) / s - coth / s**2
    return [Z / p[0], p[0] * dg_ds * s / (2 * p[1])]


@element("Ws", ("Ohm", "s"), ("positive", "positive"),
         "finite-length (short) Warburg, Z = Z0 tanh(sqrt(j omega tau))/sqrt(j omega tau)")
def Ws(p, omega):
    s = np.sqrt(1j * omega * p[1])
    return p[0] * np.tanh(s) / s


@derivative("Ws")
def _dWs(p, omega, Z):
    s = np.sqrt(1j * omega * p[1])
    t = np.tanh(s)
    dg_ds = (1 - t**2) / s - t / s**2
    return [Z / p[0], p[0] * dg_ds * s / (2 * p[1])]
