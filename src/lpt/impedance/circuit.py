"""An equivalent circuit in the scikit-learn shape users know from impedance.py.

``Circuit("R0-p(R1,C1)").fit(f, Z).predict(f)``: fitted values in ``parameters_``
with ``stderr_`` beside them, ``to_json`` / ``from_json`` for saving.

The layers point one way: :mod:`lpt.impedance.compiled` parses and evaluates a
circuit, :mod:`lpt.impedance.fit` fits a compiled circuit to spectra, and this module
joins the two behind one class.
"""

from __future__ import annotations

import json

import numpy as np

from lpt.errors import LptError
from lpt.impedance.compiled import CompiledCircuit
from lpt.impedance.fit import fit_spectra


class Circuit(CompiledCircuit):
    """A compiled equivalent circuit that can be fitted.

    Parameters
    ----------
    circuit : str
        E.g. ``"R0-p(R1,CPE1)-p(R2,CPE2)-Wo1"``.
    fixed, bounds, links : dict, optional
        Parameter constraints, see :class:`lpt.impedance.compiled.CompiledCircuit`.

    Attributes
    ----------
    param_names : list of str
        impedance.py's names: ``R0``, ``CPE1_0``, ``CPE1_1``, ``Wo1_0`` ...
    parameters_, stderr_ : ndarray
        Set by :meth:`fit`, with ``at_bound_`` and ``undetermined_`` (parameter names).
    """

    def __init__(self, circuit: str, fixed: dict | None = None, bounds: dict | None = None,
                 links: dict | None = None):
        super().__init__(circuit, fixed=fixed, bounds=bounds, links=links)
        self.parameters_: np.ndarray | None = None
        self.stderr_: np.ndarray | None = None
        self.chi_square_: float | None = None
        self.converged_: bool | None = None
        self.at_bound_: list[str] = []
        self.undetermined_: list[str] = []

    def predict(self, f, parameters=None) -> np.ndarray:
        """Z of the fitted (or given) parameters at frequencies ``f`` in Hz."""
        p = self.parameters_ if parameters is None else parameters
        if p is None:
            raise LptError(f'circuit "{self.circuit}" has no fitted parameters; call fit() first '
                           "or pass parameters.")
        return self.impedance(p, f)

    def fit(self, f, Z, weighting: str = "modulus", initial_guess=None) -> "Circuit":
        """Complex nonlinear least squares, see :func:`lpt.impedance.fit.fit_spectra`."""
        result = fit_spectra(self, f, np.asarray(Z)[None, :] if np.ndim(Z) == 1 else Z,
                             weighting=weighting, initial_guess=initial_guess)[0]
        self.parameters_ = result.parameters
        self.stderr_ = result.stderr
        self.chi_square_ = result.chi_square
        self.converged_ = result.converged
        self.at_bound_ = result.at_bound
        self.undetermined_ = result.undetermined
        return self

    def to_json(self) -> str:
        """The circuit string and fitted values as a JSON document."""
        doc = {"circuit": self.circuit, "parameters": None}
        if self.fixed or self.bounds or self.links:
            doc["constraints"] = {"fixed": self.fixed, "bounds": {k: list(v) for k, v in self.bounds.items()},
                                  "links": self.links}
        if self.parameters_ is not None:
            err = self.stderr_ if self.stderr_ is not None else [None] * self.n_params
            doc["parameters"] = {
                n: {"value": float(v), "stderr": None if e is None or not np.isfinite(e) else float(e),
                    "unit": u}
                for n, v, e, u in zip(self.param_names, self.parameters_, err, self.param_units)}
            doc["chi_square"] = self.chi_square_
            doc["converged"] = self.converged_
        return json.dumps(doc, indent=2)

    @classmethod
    def from_json(cls, text: str) -> "Circuit":
        """Inverse of :meth:`to_json`."""
        try:
            doc = json.loads(text)
            constraints = doc.get("constraints") or {}
            circuit = cls(doc["circuit"], fixed=constraints.get("fixed"), bounds=constraints.get("bounds"),
                          links=constraints.get("links"))
        except (ValueError, KeyError, TypeError) as exc:
            raise LptError(f"not a saved lpt circuit JSON document ({exc}).") from None
        params = doc.get("parameters")
        if params:
            missing = [n for n in circuit.param_names if n not in params]
            if missing:
                raise LptError(f"saved circuit JSON lacks parameter {missing[0]}.")
            circuit.parameters_ = np.array([params[n]["value"] for n in circuit.param_names])
            circuit.stderr_ = np.array([np.nan if params[n].get("stderr") is None
                                        else params[n]["stderr"] for n in circuit.param_names])
            circuit.chi_square_ = doc.get("chi_square")
            circuit.converged_ = doc.get("converged")
        return circuit


def read_parameter_values(path) -> dict[str, float]:
    """``{name: value}`` from a file of initial values: a saved circuit
    (:meth:`Circuit.to_json`), the JSON of ``lpt eis fit --json`` (its first
    spectrum), a JSON object ``{"R0": 10, ...}``, or TOML lines ``R0 = 10``."""
    from pathlib import Path

    from lpt.fileio import read_toml

    path = Path(path)
    if path.suffix.lower() == ".toml":
        doc = read_toml(path, what="initial-values")
    else:
        try:
            doc = json.loads(path.read_text(encoding="utf-8-sig"))
        except FileNotFoundError:
            raise LptError(f"{path}: no such initial-values file.") from None
        except (OSError, ValueError) as exc:
            raise LptError(f"{path}: not a JSON (or .toml) file of parameter values ({exc}).") from None
    if isinstance(doc, dict) and isinstance(doc.get("spectra"), list) and doc["spectra"]:
        doc = doc["spectra"][0]
    if isinstance(doc, dict) and isinstance(doc.get("parameters"), dict):
        doc = doc["parameters"]
    if not isinstance(doc, dict) or not doc:
        raise LptError(f"{path}: holds no parameter values; write NAME = VALUE lines (TOML) or a JSON object.")
    out = {}
    for name, value in doc.items():
        value = value.get("value") if isinstance(value, dict) else value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise LptError(f'{path}: the value of "{name}" must be a number, got {value!r}.')
        out[str(name)] = float(value)
    return out
