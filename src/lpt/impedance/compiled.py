"""Equivalent circuits from impedance.py's string syntax, parsed once and compiled.

``"R0-p(R1,CPE1)-p(R2,CPE2)-Wo1"``: elements are a registered element type followed
by an identifier (digits, letters or ``_``), ``-`` joins in series, ``p(a,b,...)``
joins in parallel and nests. impedance.py rebuilds and ``eval()``s the string on
every residual call; here the string becomes a tree once and the tree becomes one
vectorized function ``Z(P, f)`` over many parameter sets (rows of ``P``) together
with its exact Jacobian, which is what makes batch fitting fast.

This module knows nothing of fitting: :mod:`lpt.impedance.fit` fits a
:class:`CompiledCircuit`, and :class:`lpt.impedance.circuit.Circuit` puts the two
together in the scikit-learn shape ``Circuit("R0-p(R1,C1)").fit(f, Z).predict(f)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from lpt.errors import LptError, did_you_mean
from lpt.impedance.constraints import parameter_map
from lpt.impedance.elements import ELEMENTS, Element

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
MAX_NESTING = 32  # p() inside p(): far beyond any physical circuit, far inside Python's recursion limit


@dataclass
class Node:
    """A node of the parsed circuit: an element, a series or a parallel connection."""

    kind: str  # "element" | "series" | "parallel"
    name: str = ""
    element: Element | None = None
    first_param: int = 0
    children: list["Node"] = field(default_factory=list)
    fused: str = ""  # "RC" or "RCPE": a parallel R-C / R-CPE arc evaluated in closed form

    @property
    def param_indices(self) -> list[int]:
        if self.kind == "element":
            return list(range(self.first_param, self.first_param + self.element.n_params))
        return [i for c in self.children for i in c.param_indices]


def element_type(name: str) -> str:
    """impedance.py's rule: the element type is the name without digits and ``_``."""
    return "".join(ch for ch in name if ch not in "0123456789_")


class _Parser:
    """Recursive-descent parser for ``series := term ('-' term)*``,
    ``term := 'p(' series (',' series)+ ')' | NAME``."""

    def __init__(self, text: str):
        self.source = text if len(text) <= 80 else f"{text[:60]}...{text[-10:]}"  # as quoted in messages
        self.text = text.replace(" ", "")
        self.pos = 0
        self.n_params = 0
        self.names: list[str] = []
        self.depth = 0

    def fail(self, what: str) -> None:
        raise LptError(f'circuit "{self.source}": {what} at character {self.pos + 1}; '
                       f'allowed are elements {", ".join(sorted(ELEMENTS))} followed by a number, '
                       f'"-" for series and "p(a,b)" for parallel.')

    def parse(self) -> Node:
        if not self.text:
            raise LptError("the circuit string is empty; write e.g. \"R0-p(R1,CPE1)\".")
        node = self.series()
        if self.pos != len(self.text):
            self.fail(f'unexpected "{self.text[self.pos]}"')
        return node

    def series(self) -> Node:
        terms = [self.term()]
        while self.pos < len(self.text) and self.text[self.pos] == "-":
            self.pos += 1
            terms.append(self.term())
        return terms[0] if len(terms) == 1 else Node("series", children=terms)

    def term(self) -> Node:
        t = self.text
        if t.startswith("p(", self.pos):
            self.depth += 1
            if self.depth > MAX_NESTING:
                self.fail(f"p() nested more than {MAX_NESTING} deep")
            self.pos += 2
            branches = [self.series()]
            while self.pos < len(t) and t[self.pos] == ",":
                self.pos += 1
                branches.append(self.series())
            if self.pos >= len(t) or t[self.pos] != ")":
                self.fail('missing ")"')
            self.pos += 1
            if len(branches) < 2:
                self.fail("p() needs at least two branches")
            self.depth -= 1
            return Node("parallel", children=branches)
        m = _NAME.match(t, self.pos)
        if not m:
            self.fail(f'unexpected "{t[self.pos]}"' if self.pos < len(t) else "unexpected end")
        name = m.group(0)
        kind = element_type(name)
        if kind not in ELEMENTS:
            raise LptError(f'circuit "{self.source}": unknown element "{name}" (type "{kind}")'
                           f'{did_you_mean(kind, ELEMENTS)}; allowed element types are '
                           f'{", ".join(sorted(ELEMENTS))}.')
        if name in self.names:
            raise LptError(f'circuit "{self.source}": element name "{name}" is used twice; '
                           f"give every element its own number.")
        self.names.append(name)
        self.pos = m.end()
        node = Node("element", name=name, element=ELEMENTS[kind], first_param=self.n_params)
        self.n_params += ELEMENTS[kind].n_params
        return node


def _mark_fused_arcs(node: Node) -> None:
    """p(R,C) and p(R,CPE), the commonest arcs, get a closed form Z = R/(1 + R Y) with
    Y the capacitive admittance: a third of the array operations of the general
    parallel rule, which is what a fit's inner loop spends its time on."""
    for c in node.children:
        _mark_fused_arcs(c)
    if node.kind == "parallel" and len(node.children) == 2 and all(c.kind == "element" for c in node.children):
        types = sorted(c.element.name for c in node.children)
        if types in (["C", "R"], ["CPE", "R"]):
            node.fused = "RC" if types[0] == "C" else "RCPE"


def _fused_arc(node: Node, P, omega, log_omega, jac: bool):
    r_node = next(c for c in node.children if c.element.name == "R")
    y_node = next(c for c in node.children if c.element.name != "R")
    i_r, i_y = r_node.first_param, y_node.first_param
    R = P[:, i_r, None]
    if node.fused == "RC":
        Y = 1j * omega * P[:, i_y, None]
    else:
        # Q (j omega)^alpha = Q omega^alpha (cos(alpha pi/2) + j sin(alpha pi/2))
        alpha = P[:, i_y + 1, None]
        Y = np.exp(alpha * log_omega) * (P[:, i_y, None] * np.exp(0.5j * np.pi * alpha))
    # W = 1/(1 + R Y): Z = R W, dZ/dR = W^2, dZ/dY = -R^2 W^2 (one complex reciprocal
    # instead of three divisions)
    W = 1.0 / (1.0 + R * Y)
    Z = R * W
    if not jac:
        return Z, {}
    W2 = W * W
    dZ = {i_r: W2}
    if node.fused == "RC":
        dZ[i_y] = W2 * (-(R * R) * 1j * omega)
    else:
        T = W2 * Y
        dZ[i_y] = T * (-(R * R) / P[:, i_y, None])
        dZ[i_y + 1] = T * ((-(R * R)) * (log_omega + 0.5j * np.pi))
    return Z, dZ


def _leaves(node: Node) -> list[Node]:
    if node.kind == "element":
        return [node]
    return [leaf for c in node.children for leaf in _leaves(c)]


class CompiledCircuit:
    """An equivalent circuit compiled from impedance.py's string syntax.

    Parameters
    ----------
    circuit : str
        E.g. ``"R0-p(R1,CPE1)-p(R2,CPE2)-Wo1"``.
    fixed : dict, optional
        ``{name: value}`` held during fits (SI units).
    bounds : dict, optional
        ``{name: (lo, hi)}`` inside the element's domain.
    links : dict, optional
        ``{name: other}``: ``name`` takes the value of ``other`` (same kind and unit).
        See :mod:`lpt.impedance.constraints`.

    Attributes
    ----------
    param_names : list of str
        impedance.py's names: ``R0``, ``CPE1_0``, ``CPE1_1``, ``Wo1_0`` ...
    param_units : list of str
    param_kinds : list of str
    """

    def __init__(self, circuit: str, fixed: dict | None = None, bounds: dict | None = None,
                 links: dict | None = None):
        if not isinstance(circuit, str):
            raise LptError("the circuit must be a string such as \"R0-p(R1,CPE1)\".")
        parser = _Parser(circuit)
        self.circuit = circuit.replace(" ", "")
        self.tree = parser.parse()
        self.n_params = parser.n_params
        self.elements = _leaves(self.tree)
        self.param_names: list[str] = []
        self.param_units: list[str] = []
        self.param_kinds: list[str] = []
        for leaf in self.elements:
            e = leaf.element
            for j in range(e.n_params):
                self.param_names.append(leaf.name if e.n_params == 1 else f"{leaf.name}_{j}")
                self.param_units.append(e.units[j])
                self.param_kinds.append(e.kinds[j])
        self._exchangeable = self._find_exchangeable_blocks()
        _mark_fused_arcs(self.tree)
        self.fixed = dict(fixed or {})
        self.bounds = {k: tuple(v) for k, v in (bounds or {}).items()}
        self.links = dict(links or {})
        self.parameter_map = parameter_map(self.param_names, self.param_kinds, self.param_units,
                                           self.circuit, self.fixed, self.bounds, self.links)

    # -- evaluation -------------------------------------------------------------
    def _as_inputs(self, P, f):
        P = np.asarray(P, dtype=float)
        single = P.ndim == 1
        P = np.atleast_2d(P)
        if P.shape[-1] != self.n_params:
            raise LptError(f'circuit "{self.circuit}" has {self.n_params} parameters '
                           f"({', '.join(self.param_names)}), got {P.shape[-1]}.")
        omega = 2 * np.pi * np.asarray(f, dtype=float)
        return P, omega, single

    def impedance(self, P, f) -> np.ndarray:
        """Z in ohm for parameter rows ``P`` (n_spectra, n_params) or (n_params,) and
        frequencies ``f`` in Hz of shape (n_freq,) or (n_spectra, n_freq)."""
        P, omega, single = self._as_inputs(P, f)
        Z = self._eval(self.tree, P, omega, np.log(omega), jac=False)[0]
        Z = np.broadcast_to(Z, (P.shape[0], omega.shape[-1]))
        return Z[0] if single else Z

    __call__ = impedance

    def impedance_and_derivatives(self, P, f) -> tuple[np.ndarray, dict[int, np.ndarray]]:
        """Z (broadcastable to (n_spectra, n_freq)) and {parameter index: dZ/dp}, each
        derivative broadcastable the same way: the fitter writes them straight into
        its weighted real Jacobian without a complex copy."""
        P, omega, _ = self._as_inputs(P, f)
        return self._eval(self.tree, P, omega, np.log(omega), jac=True)

    def impedance_and_jacobian(self, P, f) -> tuple[np.ndarray, np.ndarray]:
        """Z (n_spectra, n_freq) and the exact dZ/dP (n_spectra, n_freq, n_params)."""
        P, omega, _ = self._as_inputs(P, f)
        Z, dZ = self._eval(self.tree, P, omega, np.log(omega), jac=True)
        shape = (P.shape[0], omega.shape[-1])
        J = np.zeros(shape + (self.n_params,), dtype=complex)
        for k, d in dZ.items():
            J[..., k] = d
        return np.broadcast_to(Z, shape), J

    def _eval(self, node: Node, P, omega, log_omega, jac: bool):
        """Return Z and {parameter index: dZ/dp} for a node (series: sum rule;
        parallel: Z = 1/sum(1/Z_i), so dZ/dp = (Z/Z_i)^2 dZ_i/dp)."""
        if node.fused:
            return _fused_arc(node, P, omega, log_omega, jac)
        if node.kind == "element":
            e = node.element
            cols = [P[:, node.first_param + j, None] for j in range(e.n_params)]
            Z = e.impedance(cols, omega)
            if not jac:
                return Z, {}
            return Z, {node.first_param + j: d for j, d in enumerate(e.jacobian(cols, omega, Z))}
        parts = [self._eval(c, P, omega, log_omega, jac) for c in node.children]
        if node.kind == "series":
            Z = sum(z for z, _ in parts)
            return Z, {k: d for _, dz in parts for k, d in dz.items()}
        Z = 1.0 / sum(1.0 / z for z, _ in parts)
        dZ = {}
        if jac:
            for z, dz in parts:
                factor = (Z / z) ** 2
                for k, d in dz.items():
                    dZ[k] = factor * d
        return Z, dZ

    # -- canonical ordering of interchangeable arcs -----------------------------
    def _find_exchangeable_blocks(self) -> list[list[list[int]]]:
        """Series siblings p(R,C)/p(R,CPE) of identical layout are interchangeable:
        swapping them leaves Z unchanged. Returns groups of their parameter indices
        [R, C] or [R, Q, alpha] so fits can be put in one canonical order."""
        groups: list[list[list[int]]] = []

        def visit(node: Node):
            if node.kind == "series":
                by_layout: dict[tuple, list[list[int]]] = {}
                for c in node.children:
                    if c.kind == "parallel" and all(k.kind == "element" for k in c.children):
                        types = tuple(k.element.name for k in c.children)
                        if sorted(types) in (["C", "R"], ["CPE", "R"]):
                            r = next(k for k in c.children if k.element.name == "R")
                            q = next(k for k in c.children if k.element.name != "R")
                            by_layout.setdefault(types, []).append(
                                [r.first_param] + list(range(q.first_param, q.first_param + q.element.n_params)))
                groups.extend(g for g in by_layout.values() if len(g) > 1)
            for c in node.children:
                visit(c)

        visit(self.tree)
        return groups

    def canonical_order(self, P: np.ndarray, *others: np.ndarray, skip=()) -> tuple[np.ndarray, ...]:
        """Reorder interchangeable arcs by increasing time constant, so the first
        p(R,CPE) in the string is always the highest-frequency arc.

        The time constant of an R-CPE arc is (R Q)^(1/alpha) (e.g. Orazem & Tribollet,
        Electrochemical Impedance Spectroscopy, 2nd ed., Wiley 2017, ch. 14). ``others``
        (e.g. standard errors) are permuted the same way. Groups holding a parameter
        index in ``skip`` (fixed, bounded or linked ones) keep their order.
        """
        P = np.array(P, dtype=float, copy=True)
        others = tuple(np.array(o, dtype=float, copy=True) for o in others)
        single = P.ndim == 1
        P2 = np.atleast_2d(P)
        o2 = [np.atleast_2d(o) for o in others]
        for group in self._exchangeable:
            if any(i in skip for block in group for i in block):
                continue
            idx = np.array(group)  # (k, n_block_params)
            block = P2[:, idx]  # (n, k, m)
            if idx.shape[1] == 2:
                tau = block[..., 0] * block[..., 1]
            else:
                tau = (block[..., 0] * block[..., 1]) ** (1.0 / block[..., 2])
            order = np.argsort(tau, axis=1)
            rows = np.arange(P2.shape[0])[:, None, None]
            src = idx[order]  # (n, k, m)
            for arr in [P2] + o2:
                arr[:, idx] = arr[rows, src]
        if single:
            return (P2[0],) + tuple(o[0] for o in o2)
        return (P2,) + tuple(o2)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.circuit!r})"
