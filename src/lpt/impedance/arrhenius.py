"""Activation energies from a temperature series of fitted resistances.

Every process (bulk, grain boundary, interface/SLEI, charge transfer) is taken to
be thermally activated as a conductance,

.. math::

    \\frac{1}{R(T)} = A \\exp\\left(-\\frac{E_a}{k_B T}\\right)
    \\quad\\Longleftrightarrow\\quad
    \\ln\\frac{1}{R} = \\ln A - \\frac{E_a}{k_B}\\,\\frac{1}{T},

and E_a follows from a weighted straight line of ln(1/R) against 1/T. We regress
ln(1/R), not ln(sigma T): for interfacial resistances no geometry defines a
conductivity, and for the bulk ln(1/R) gives the same E_a as ln(sigma) at fixed
geometry. (ln(sigma T), the Nernst–Einstein form used by part of the
solid-electrolyte literature, gives an E_a larger by about k_B T ~ 0.03 eV.) The
prefactor A is in siemens (1/ohm).

Weights: w_i = 1/var(ln R_i) = (R_i/sigma_R_i)^2 from the fit's standard errors
(equal weights when errors are missing); the slope's standard error is scaled by
the reduced chi-square of the line (as ``curve_fit(absolute_sigma=False)``), so
a scatter larger than the fit errors widens it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lpt.constants import K_B_EV
from lpt.errors import LptError

# A resistance whose standard error exceeds half its value is not determined by the
# spectrum (often a circuit with too few or too many arcs): its Arrhenius line is flagged.
MAX_RELATIVE_STDERR = 0.5
ZERO_CELSIUS_K = 273.15


@dataclass
class ArrheniusResult:
    """Activation energy of one process."""

    activation_energy_eV: float
    stderr_eV: float
    prefactor: float  # A in S (1/ohm)
    prefactor_stderr_ln: float
    temperature_K: np.ndarray
    resistance_ohm: np.ndarray
    # from arrhenius_from_spectra: were all the fits behind the line trustworthy?
    reliable: bool = True
    problems: tuple[str, ...] = ()


def arrhenius_fit(temperature_K, resistance_ohm, resistance_stderr_ohm=None) -> ArrheniusResult:
    """Weighted linear regression of ln(1/R) on 1/T (see module doc)."""
    T = np.asarray(temperature_K, dtype=float)
    R = np.asarray(resistance_ohm, dtype=float)
    if T.shape != R.shape or T.ndim != 1:
        raise LptError("temperatures and resistances must be 1-D arrays of equal length.")
    if len(T) < 2:
        raise LptError("an Arrhenius fit needs at least two temperatures.")
    if np.any(~np.isfinite(T)) or np.any(T <= 0):
        raise LptError("temperatures must be finite and above 0 K.")
    if np.any(~np.isfinite(R)) or np.any(R <= 0):
        raise LptError("resistances must be finite and positive for an Arrhenius fit.")
    if len(np.unique(T)) < 2:
        raise LptError("an Arrhenius fit needs at least two different temperatures.")
    x, y = 1.0 / T, -np.log(R)
    if resistance_stderr_ohm is None:
        w = np.ones_like(R)
    else:
        s = np.asarray(resistance_stderr_ohm, dtype=float) / R
        w = np.where(np.isfinite(s) & (s > 0), 1.0 / np.maximum(s, 1e-12) ** 2, np.nan)
        w = np.where(np.isfinite(w), w, np.nanmedian(w) if np.any(np.isfinite(w)) else 1.0)
    # Only relative weights matter; noise-free (simulated) spectra give stderr ~ 1e-12
    # and weights ~ 1e24 that would make the normal equations singular.
    w = w / np.max(w)
    X = np.column_stack([np.ones_like(x), x])
    XtW = X.T * w
    try:
        cov = np.linalg.pinv(XtW @ X)
    except np.linalg.LinAlgError:
        raise LptError("the Arrhenius regression is singular (check the temperatures and "
                       "the fitted resistances).") from None
    beta = cov @ XtW @ y
    dof = len(T) - 2
    if dof > 0:
        resid = y - X @ beta
        cov = cov * float(np.sum(w * resid**2) / dof)
    else:
        cov = cov * np.nan
    ea = -beta[1] * K_B_EV
    return ArrheniusResult(float(ea), float(np.sqrt(cov[1, 1]) * K_B_EV), float(np.exp(beta[0])),
                           float(np.sqrt(cov[0, 0])), T, R)


def arrhenius_from_spectra(spectra, temperatures_c, circuit, weighting: str = "modulus",
                           processes: list[str] | None = None) -> dict[str, ArrheniusResult]:
    """Fit ``circuit`` to every spectrum, then regress every resistor (R0, R1, ...).

    Parameters
    ----------
    spectra : list of Spectrum
    temperatures_c : sequence of float
        One temperature in °C per spectrum (converted to K here).
    circuit : Circuit or str
    processes : list of str, optional
        Parameter names to regress; default every resistor.

    Returns
    -------
    dict
        ``{parameter name: ArrheniusResult}``. Interchangeable arcs are matched
        across temperatures by increasing time constant
        (:meth:`lpt.impedance.circuit.Circuit.canonical_order`).
    """
    from lpt.impedance.circuit import Circuit
    from lpt.impedance.fit import fit_many

    circuit = Circuit(circuit) if isinstance(circuit, str) else circuit
    temps = np.asarray(temperatures_c, dtype=float)
    if temps.ndim != 1 or len(temps) != len(spectra):
        raise LptError(f"{len(spectra)} spectra need {len(spectra)} temperatures, got {temps.size}.")
    if np.any(temps <= -ZERO_CELSIUS_K):
        raise LptError("temperatures must be above -273.15 °C.")
    fits = fit_many(spectra, circuit, weighting=weighting)
    names = processes or [leaf.name for leaf in circuit.elements if leaf.element.name == "R"]
    unknown = [n for n in names if n not in circuit.param_names]
    if unknown:
        raise LptError(f'"{unknown[0]}" is not a parameter of circuit "{circuit.circuit}".')
    out = {}
    T = temps + ZERO_CELSIUS_K
    for n in names:
        k = circuit.param_names.index(n)
        R = np.array([r.parameters[k] for r in fits])
        sR = np.array([r.stderr[k] for r in fits])
        res = arrhenius_fit(T, R, sR)
        problems = []
        for t_c, fit, r_k, s_k in zip(temps, fits, R, sR):
            if not fit.converged:
                problems.append(f"the fit at {t_c:g} °C did not converge")
            elif not np.isfinite(s_k) or s_k > MAX_RELATIVE_STDERR * r_k:
                problems.append(f"{n} at {t_c:g} °C is not determined by the data "
                                f"(standard error {s_k:.3g} ohm for {r_k:.3g} ohm)")
        res.reliable = not problems
        res.problems = tuple(problems)
        out[n] = res
    return out


def plot_arrhenius(results: dict[str, ArrheniusResult], celsius_axis: bool = True):
    """Arrhenius plot: ln(1/R) (S) against 1000/T (1/K), fitted lines labelled
    with E_a; optional top axis in °C. Returns a matplotlib Figure."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    fig = Figure(figsize=(5, 4), constrained_layout=True)
    ax = fig.add_subplot()
    for name, r in results.items():
        x = 1000.0 / r.temperature_K
        line = ax.plot(x, np.log(1 / r.resistance_ohm), "o", label=None)[0]
        xx = np.linspace(x.min(), x.max(), 50)
        ax.plot(xx, np.log(r.prefactor) - r.activation_energy_eV / K_B_EV * xx / 1000.0, "-",
                color=line.get_color(),
                label=f"{name}: {r.activation_energy_eV:.3f} ± {r.stderr_eV:.3f} eV")
    ax.set_xlabel("1000/T (1/K)")
    ax.set_ylabel("ln(1/R / S)")
    ax.legend(frameon=False)
    if celsius_axis:
        top = ax.secondary_xaxis("top", functions=(lambda v: 1000.0 / np.maximum(v, 1e-9) - ZERO_CELSIUS_K,
                                                   lambda c: 1000.0 / (c + ZERO_CELSIUS_K)))
        top.set_xlabel("T (°C)")
    return fig
