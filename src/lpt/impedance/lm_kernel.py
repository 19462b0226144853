"""The Levenberg–Marquardt loop of :mod:`lpt.impedance.lm` compiled, one row at a time.

For one spectrum the NumPy loop spends its time in the overhead of about a hundred
small array calls per iteration, not in arithmetic. Here the circuit is turned into
a short postfix program (elements, series and parallel joins) that a Numba-compiled
kernel evaluates with its exact Jacobian, and the whole damped Gauss–Newton loop of
every (spectrum, start) row runs in compiled code with the same damping (Nielsen),
scaling (Moré) and stopping tests (MINPACK's ftol, xtol, gtol, and a residual
vanished to rounding) as :func:`lpt.impedance.lm.levenberg_marquardt`. Rows are
independent: there is no pruning of starts, every start runs until its own tests
hold, so a row ends where the NumPy loop would have taken it or better.

The kernel knows the elements R, C, L, CPE, W, Wo and Ws (their formulas are those
of :mod:`lpt.impedance.elements`); a circuit with any other element, a missing Numba
installation, or ``LPT_NO_JIT=1`` in the environment keeps the NumPy loop. Numba is
imported on first use only and the compiled code is cached on disk
(``cache=True``), so the CLI pays the compilation once per installation.
"""

from __future__ import annotations

import os

import numpy as np

from lpt.impedance import elements
from lpt.impedance.lm import FTOL, GTOL, XTOL

_CODES = {"R": 0, "C": 1, "L": 2, "CPE": 3, "W": 4, "Wo": 5, "Ws": 6}
_SERIES, _PARALLEL = 10, 11
_KERNEL = None


def program(circuit) -> np.ndarray | None:
    """The circuit as postfix rows (code, first parameter, number of children), or
    None when it holds an element the kernel does not know."""
    rows: list[tuple[int, int, int]] = []

    def visit(node) -> bool:
        if node.kind == "element":
            code = _CODES.get(node.element.name)
            # an element re-registered under a built-in name is not the kernel's formula
            if code is None or node.element.impedance is not getattr(elements, node.element.name):
                return False
            rows.append((code, node.first_param, 0))
            return True
        if not all(visit(c) for c in node.children):
            return False
        rows.append((_SERIES if node.kind == "series" else _PARALLEL, 0, len(node.children)))
        return True

    return np.array(rows, dtype=np.int64) if visit(circuit.tree) else None


def _kernel():
    """Compile (or load from Numba's cache) the kernel; None without Numba."""
    global _KERNEL
    if _KERNEL is None:
        try:
            from lpt.impedance import _lm_numba
        except ImportError:
            _KERNEL = False
        else:
            _KERNEL = _lm_numba.lm_rows
    return _KERNEL or None


def available(circuit) -> bool:
    """Whether fits of this circuit run in the compiled kernel."""
    if os.environ.get("LPT_NO_JIT", "") not in ("", "0"):
        return False
    return program(circuit) is not None and _kernel() is not None


def levenberg_marquardt_compiled(problem, U0: np.ndarray, max_iter: int = 200):
    """U, chi^2 and converged per row of ``U0``, as :func:`lpt.impedance.lm.levenberg_marquardt`
    returns them (``problem`` holds one data row per row of ``U0``)."""
    kernel = _kernel()
    prog = program(problem.circuit)
    pmap = problem.pmap
    n, m = problem.Z.shape
    omega = 2 * np.pi * np.broadcast_to(np.asarray(problem.f, dtype=float), (n, m))
    U = np.ascontiguousarray(U0, dtype=float).copy()
    cost = np.empty(n)
    converged = np.zeros(n, dtype=bool)
    tiny = 1e-26 * np.broadcast_to(problem.data_norm, (n,))
    kernel(prog, np.ascontiguousarray(omega), np.ascontiguousarray(problem.Z.real),
           np.ascontiguousarray(problem.Z.imag), np.ascontiguousarray(np.broadcast_to(problem.iwr, (n, m))),
           np.ascontiguousarray(np.broadcast_to(problem.iwi, (n, m))),
           pmap.source.astype(np.int64), np.nan_to_num(pmap.fixed_values.astype(float)),
           pmap.mode.astype(np.int64), pmap.lower.astype(float), pmap.upper.astype(float),
           np.ascontiguousarray(tiny, dtype=float), FTOL, XTOL, GTOL, max_iter, U, cost, converged)
    return U, cost, converged
