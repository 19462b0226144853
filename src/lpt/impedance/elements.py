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

A new element is a few lines, from user code too::

    from lpt.impedance.elements import element, derivative

    @element("Rx", units=("Ohm",), kinds=("positive",), description="my resistor")
    def Rx(p, omega):
        return p[0] + 0j * omega

    @derivative("Rx")            # optional: without it the circuit uses central
    def _dRx(p, omega, Z):       # differences for this element's Jacobian columns
        return [np.ones_like(Z)]

Parameter kinds give each parameter its domain (:data:`KIND_DOMAINS`): ``"positive"``
(0, inf) and ``"exponent"`` (0, 1]. Bounds given by a user must lie inside it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from lpt.errors import LptError

ElementFunction = Callable[[Sequence[np.ndarray], np.ndarray], np.ndarray]

# (lower, upper, upper included): a positive parameter may approach 0 but never reach
# it; an exponent such as the CPE alpha may be exactly 1 (an ideal capacitor).
KIND_DOMAINS: dict[str, tuple[float, float, bool]] = {
    "positive": (0.0, np.inf, False),
    "exponent": (0.0, 1.0, True),
}


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

    def jacobian(self, params: Sequence[np.ndarray], omega: np.ndarray, Z: np.ndarray) -> list[np.ndarray]:
        """dZ/dp_k: the registered analytic derivative, else central differences with a
        relative step 1e-6 (about 10 significant digits; enough for a fit's steps)."""
        if self.derivatives is not None:
            return self.derivatives(params, omega, Z)
        out = []
        for k in range(self.n_params):
            h = 1e-6 * np.maximum(np.abs(params[k]), 1e-300)
            up = [p + h if j == k else p for j, p in enumerate(params)]
            down = [p - h if j == k else p for j, p in enumerate(params)]
            out.append((self.impedance(up, omega) - self.impedance(down, omega)) / (2 * h))
        return out


ELEMENTS: dict[str, Element] = {}


def _columns(params: Sequence) -> list[np.ndarray]:
    """Parameters of shape (n_spectra,) become (n_spectra, 1) to broadcast over omega."""
    out = []
    for p in params:
        a = np.asarray(p, dtype=float)
        out.append(a[..., None] if a.ndim == 1 else a)
    return out


def element(name: str, units: tuple[str, ...], kinds: tuple[str, ...], description: str = ""):
    """Register ``f(p, omega) -> Z`` as element type ``name`` (letters only, since
    digits and ``_`` number the instances in circuit strings). Attach the analytic
    ``dZ/dp`` with :func:`derivative`; until then central differences stand in."""

    def decorator(func: ElementFunction) -> ElementFunction:
        if name in ("p", "s") or not name.isalpha():
            raise LptError(f'"{name}" cannot name an element: use letters only, and not "p" or "s" '
                           "(parallel/series).")
        if len(units) != len(kinds) or any(k not in KIND_DOMAINS for k in kinds):
            raise LptError(f'element "{name}": give one unit and one kind per parameter; kinds are '
                           f'{", ".join(KIND_DOMAINS)}.')
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
    # (j omega)^-alpha = omega^-alpha exp(-j alpha pi/2): a real power and a phase per row
    return np.exp(-p[1] * np.log(omega)) * (np.exp(-0.5j * np.pi * p[1]) / p[0])


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


# -- generalized finite Warburg elements (ZView's "Wo"/"Ws" with a free exponent) ----
def _log_j_omega_tau(omega, tau):
    """ln(j omega tau) on the principal branch."""
    return np.log(omega * tau) + 0.5j * np.pi


@element("Wop", ("Ohm", "s", ""), ("positive", "positive", "exponent"),
         "finite-space Warburg with exponent, Z = R coth((j omega tau)^P)/(j omega tau)^P")
def Wop(p, omega):
    """Finite-space (reflective, "open") Warburg with a free exponent P; P = 1/2 is
    ``Wo``. Reference: Macdonald & Barsoukov (eds.), Impedance Spectroscopy, 2nd ed.,
    Wiley 2005, Sec. 2.2.3.3; the P form is ZView's generalized open Warburg
    (Scribner Associates, ZView manual)."""
    s = np.exp(p[2] * _log_j_omega_tau(omega, p[1]))
    return p[0] / (s * np.tanh(s))


@derivative("Wop")
def _dWop(p, omega, Z):
    lg = _log_j_omega_tau(omega, p[1])
    s = np.exp(p[2] * lg)
    coth = 1.0 / np.tanh(s)
    dz_ds = p[0] * (-(coth**2 - 1) / s - coth / s**2)
    return [Z / p[0], dz_ds * p[2] * s / p[1], dz_ds * s * lg]


@element("Wsp", ("Ohm", "s", ""), ("positive", "positive", "exponent"),
         "finite-length Warburg with exponent, Z = R tanh((j omega tau)^P)/(j omega tau)^P")
def Wsp(p, omega):
    """Finite-length (transmissive, "short") Warburg with a free exponent P; P = 1/2
    is ``Ws``. Same references as :func:`Wop`."""
    s = np.exp(p[2] * _log_j_omega_tau(omega, p[1]))
    return p[0] * np.tanh(s) / s


@derivative("Wsp")
def _dWsp(p, omega, Z):
    lg = _log_j_omega_tau(omega, p[1])
    s = np.exp(p[2] * lg)
    t = np.tanh(s)
    dz_ds = p[0] * ((1 - t**2) / s - t / s**2)
    return [Z / p[0], dz_ds * p[2] * s / p[1], dz_ds * s * lg]


# -- Gerischer, Havriliak-Negami and Cole-Cole ------------------------------------
@element("G", ("Ohm", "s"), ("positive", "positive"), "Gerischer, Z = R_G/sqrt(1 + j omega t_G)")
def G(p, omega):
    """Gerischer element (H. Gerischer, Z. Phys. Chem. 198 (1951) 286) in impedance.py's
    form (Lu, Kreller, Adler, J. Electrochem. Soc. 156 (2009) B513):
    Z = R_G/sqrt(1 + j omega t_G) = Z0/sqrt(k + j omega) with k = 1/t_G and
    Z0 = R_G/sqrt(t_G); k -> 0 at fixed Z0 is the semi-infinite Warburg."""
    return p[0] / np.sqrt(1 + 1j * omega * p[1])


@derivative("G")
def _dG(p, omega, Z):
    return [Z / p[0], -0.5 * Z * 1j * omega / (1 + 1j * omega * p[1])]


@element("Gs", ("Ohm", "s", ""), ("positive", "positive", "positive"),
         "finite-length Gerischer, Z = R_G/(sqrt(1 + j omega t_G) tanh(phi sqrt(1 + j omega t_G)))")
def Gs(p, omega):
    """Finite-length Gerischer (Green, Liu, Adler, Solid State Ionics 179 (2008) 647),
    impedance.py's ``Gs``; phi -> inf gives ``G``."""
    s = np.sqrt(1 + 1j * omega * p[1])
    return p[0] / (s * np.tanh(p[2] * s))


@derivative("Gs")
def _dGs(p, omega, Z):
    s = np.sqrt(1 + 1j * omega * p[1])
    t = np.tanh(p[2] * s)
    sech2 = 1 - t**2
    dz_ds = -Z * (1 / s + p[2] * sech2 / t)
    return [Z / p[0], dz_ds * 1j * omega / (2 * s), -Z * s * sech2 / t]


def _havriliak_negami(R, tau, alpha, beta, omega):
    u = np.exp(alpha * _log_j_omega_tau(omega, tau))
    return u, 1 + u, R / (1 + u) ** beta


def _havriliak_negami_derivatives(R, tau, alpha, beta, omega, Z):
    lg = _log_j_omega_tau(omega, tau)
    u = np.exp(alpha * lg)
    common = -beta * Z / (1 + u)
    return [Z / R, common * alpha * u / tau, common * u * lg, -Z * np.log(1 + u)]


@element("HN", ("Ohm", "s", "", ""), ("positive", "positive", "exponent", "exponent"),
         "Havriliak-Negami, Z = R/(1 + (j omega tau)^alpha)^beta")
def HN(p, omega):
    """Havriliak–Negami relaxation (S. Havriliak, S. Negami, Polymer 8 (1967) 161)
    written as an impedance: alpha = beta = 1 is R||C with C = tau/R, beta = 1 the
    Cole–Cole arc (ZARC, R||CPE), alpha = 1 the Cole–Davidson skewed arc."""
    return _havriliak_negami(p[0], p[1], p[2], p[3], omega)[2]


@derivative("HN")
def _dHN(p, omega, Z):
    return _havriliak_negami_derivatives(p[0], p[1], p[2], p[3], omega, Z)


@element("Zarc", ("Ohm", "s", ""), ("positive", "positive", "exponent"),
         "Cole-Cole arc, Z = R/(1 + (j omega tau)^phi)")
def Zarc(p, omega):
    """R||CPE written with its time constant (K.S. Cole, R.H. Cole, J. Chem. Phys. 9
    (1941) 341), impedance.py's ``Zarc``: tau^phi = R Q."""
    return _havriliak_negami(p[0], p[1], p[2], 1.0, omega)[2]


@derivative("Zarc")
def _dZarc(p, omega, Z):
    return _havriliak_negami_derivatives(p[0], p[1], p[2], 1.0, omega, Z)[:3]


@element("La", ("H s", ""), ("positive", "exponent"), "modified inductance, Z = (L j omega)^alpha")
def La(p, omega):
    """Modified inductance as impedance.py computes it (BioLogic application note 42)."""
    return np.exp(p[1] * (np.log(p[0] * omega) + 0.5j * np.pi))


@derivative("La")
def _dLa(p, omega, Z):
    return [p[1] * Z / p[0], Z * (np.log(p[0] * omega) + 0.5j * np.pi)]


# -- transmission lines (de Levie) ----------------------------------------------------
# Z = a coth(s) (reflective end) or a tanh(s) (transmissive end), a = sqrt(R_ion zeta),
# s = sqrt(R_ion/zeta), with R_ion the ionic resistance of the whole pore/electrode
# and zeta the interfacial impedance of its whole wall (R. de Levie, Electrochim. Acta
# 8 (1963) 751; boundaries: J. Bisquert, Phys. Chem. Chem. Phys. 2 (2000) 4185).
def _line(r_ion, zeta, reflective: bool):
    a, s = np.sqrt(r_ion * zeta), np.sqrt(r_ion / zeta)
    t = np.tanh(s)
    if reflective:
        coth = 1.0 / t
        Z = a * coth
        dz_dr = a / (2 * r_ion) * (coth - s * (coth**2 - 1))
        dz_dzeta = a / (2 * zeta) * (coth + s * (coth**2 - 1))
    else:
        Z = a * t
        dz_dr = a / (2 * r_ion) * (t + s * (1 - t**2))
        dz_dzeta = a / (2 * zeta) * (t - s * (1 - t**2))
    return Z, dz_dr, dz_dzeta


def _cpe_wall(Q, alpha, omega):
    ljw = np.log(omega) + 0.5j * np.pi
    zeta = np.exp(-alpha * ljw) / Q
    return zeta, [-zeta / Q, -zeta * ljw]


def _rct_cpe_wall(r_ct, Q, alpha, omega):
    ljw = np.log(omega) + 0.5j * np.pi
    y_cpe = Q * np.exp(alpha * ljw)
    zeta = 1.0 / (1.0 / r_ct + y_cpe)
    z2 = zeta**2
    return zeta, [z2 / r_ct**2, -z2 * y_cpe / Q, -z2 * y_cpe * ljw]


@element("TLMQ", ("Ohm", "Ohm^-1 s^a", ""), ("positive", "positive", "exponent"),
         "de Levie line, blocking wall (CPE), reflective end")
def TLMQ(p, omega):
    """Blocking porous electrode, impedance.py's ``TLMQ`` (Landesfeind et al.,
    J. Electrochem. Soc. 163 (2016) A1373, Eq. 11): Z = sqrt(R_ion zeta) coth(sqrt(R_ion/zeta)),
    zeta = 1/(Q (j omega)^alpha). Low frequency: Z -> R_ion/3 + zeta; high: sqrt(R_ion zeta)."""
    zeta, _ = _cpe_wall(p[1], p[2], omega)
    return _line(p[0], zeta, True)[0]


@derivative("TLMQ")
def _dTLMQ(p, omega, Z):
    zeta, dzeta = _cpe_wall(p[1], p[2], omega)
    _, dz_dr, dz_dzeta = _line(p[0], zeta, True)
    return [dz_dr] + [dz_dzeta * d for d in dzeta]


def _tlm_with_charge_transfer(reflective: bool, doc: str):
    def impedance(p, omega):
        zeta, _ = _rct_cpe_wall(p[1], p[2], p[3], omega)
        return _line(p[0], zeta, reflective)[0]

    def derivatives(p, omega, Z):
        zeta, dzeta = _rct_cpe_wall(p[1], p[2], p[3], omega)
        _, dz_dr, dz_dzeta = _line(p[0], zeta, reflective)
        return [dz_dr] + [dz_dzeta * d for d in dzeta]

    impedance.__doc__ = doc
    return impedance, derivatives


for _name, _reflective, _text in (
        ("TLMo", True, "reflective end (pore closed at the current collector): low frequency "
                       "Z -> R_ion/3 + R_ct when R_ct >> R_ion"),
        ("TLMs", False, "transmissive end (the ionic rail ends on a reversible contact): low "
                        "frequency Z -> R_ion when R_ct >> R_ion")):
    _f, _d = _tlm_with_charge_transfer(_reflective, f"de Levie line, wall R_ct || CPE, {_text}.")
    element(_name, ("Ohm", "Ohm", "Ohm^-1 s^a", ""), ("positive", "positive", "positive", "exponent"),
            f"de Levie line, wall R_ct || CPE, {'reflective' if _reflective else 'transmissive'} end")(_f)
    derivative(_name)(_d)


@element("TLMi", ("Ohm", "s", ""), ("positive", "positive", "exponent"),
         "semi-infinite de Levie line, wall R_ct || CPE, Z = R/sqrt(1 + (j omega tau)^alpha)")
def TLMi(p, omega):
    """A line too long for the signal to reach its end: Z = sqrt(r_ion zeta) per unit
    length with zeta = R_ct||CPE gives R/sqrt(1 + (j omega tau)^alpha),
    R = sqrt(r_ion R_ct), tau^alpha = R_ct Q; alpha = 1 is the Gerischer element
    (de Levie 1963; Bisquert 2000)."""
    return _havriliak_negami(p[0], p[1], p[2], 0.5, omega)[2]


@derivative("TLMi")
def _dTLMi(p, omega, Z):
    return _havriliak_negami_derivatives(p[0], p[1], p[2], 0.5, omega, Z)[:3]
