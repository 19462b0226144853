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
(``cache=True``), so the compilation (about 13 s of CPU) is paid once per installation.

Loading Numba and the cached kernel still costs about 0.75 s of CPU per process, which
the compiled loop wins back only over many spectra: with fewer than
:data:`MIN_SPECTRA` spectra in one fit the NumPy loop runs (:func:`use_compiled`),
so a one-off fit neither imports Numba nor compiles anything. The choice depends on
the job alone (its circuit and number of spectra), not on what the process did
before; ``LPT_JIT=1`` takes the compiled loop for any number of spectra (a long
session fitting one spectrum at a time), ``LPT_NO_JIT=1`` never.
"""

from __future__ import annotations

import os

import numpy as np

from lpt.impedance import elements
from lpt.impedance.lm import FTOL, GTOL, XTOL

_CODES = {"R": 0, "C": 1, "L": 2, "CPE": 3, "W": 4, "Wo": 5, "Ws": 6}
_SERIES, _PARALLEL = 10, 11
_KERNEL = None
# Break-even of the compiled loop, measured with "R0-p(R1,CPE1)-p(R2,CPE2)" on 57-point
# spectra (CPU of a fresh process, import included): NumPy ahead at 64 spectra
# (0.77 s vs 1.23 s), the compiled loop ahead at 128 (1.64 s vs 1.88 s).
MIN_SPECTRA = 100


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


def _flag(name: str) -> bool:
    return os.environ.get(name, "") not in ("", "0")


def available(circuit) -> bool:
    """Whether fits of this circuit can run in the compiled kernel."""
    if _flag("LPT_NO_JIT"):
        return False
    return program(circuit) is not None and _kernel() is not None


def use_compiled(circuit, n_spectra: int) -> bool:
    """Whether a fit of ``n_spectra`` spectra of this circuit runs in the compiled kernel:
    it can (:func:`available`) and the job is large enough to repay loading it
    (:data:`MIN_SPECTRA`) or ``LPT_JIT=1`` asks for it. Numba is not imported otherwise."""
    if n_spectra < MIN_SPECTRA and not _flag("LPT_JIT"):
        return False
    return available(circuit)


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
