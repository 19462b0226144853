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

from lpt.constants import K_B_EV, ZERO_CELSIUS_K
from lpt.errors import LptError

# A resistance whose standard error exceeds half its value is not determined by the
# spectrum (often a circuit with too few or too many arcs): its Arrhenius line is flagged.
MAX_RELATIVE_STDERR = 0.5
# Battery spectra are taken between about -40 and 120 °C, i.e. 233-393 K. A series
# whose every temperature lies in 200-400 "°C" is far likelier kelvin typed into a
# °C field (298/313/333 read as °C gives 1.27 eV instead of 0.36 eV) than a
# high-temperature study; the caller confirms the latter explicitly.
KELVIN_SLIP_C = (200.0, 400.0)


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
    # from arrhenius_from_spectra: the arc's suggested origin (lpt.impedance.assign)
    assignment: object | None = None


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
    with np.errstate(over="ignore"):
        prefactor = float(np.exp(beta[0]))
    return ArrheniusResult(float(ea), float(np.sqrt(cov[1, 1]) * K_B_EV), prefactor,
                           float(np.sqrt(cov[0, 0])), T, R)


def check_celsius(temperatures_c, high_temperature: bool = False) -> np.ndarray:
    """Temperatures in °C, refused in one sentence when they look like kelvin."""
    temps = np.asarray(temperatures_c, dtype=float)
    if np.any(~np.isfinite(temps)) or np.any(temps <= -ZERO_CELSIUS_K):
        raise LptError("temperatures must be finite and above -273.15 °C.")
    lo, hi = KELVIN_SLIP_C
    if not high_temperature and temps.size and np.all((temps >= lo) & (temps <= hi)):
        as_c = ", ".join(f"{t - ZERO_CELSIUS_K:.0f}" for t in temps)
        raise LptError(f"temperatures {', '.join(f'{t:g}' for t in temps)} °C look like kelvin ({as_c} °C); "
                       "give them in °C, or confirm a high-temperature series (--high-temperature, "
                       "high_temperature=True).")
    return temps


def _same_spectrum(a, b) -> bool:
    fa, fb = np.asarray(a.frequency_Hz), np.asarray(b.frequency_Hz)
    return fa.shape == fb.shape and np.allclose(fa, fb) and np.allclose(a.z, b.z, rtol=1e-12, atol=0)


def arrhenius_from_spectra(spectra, temperatures_c, circuit, weighting: str = "modulus",
                           processes: list[str] | None = None, high_temperature: bool = False,
                           initial_guess=None, area_cm2: float | None = None,
                           thickness_cm: float | None = None) -> dict[str, ArrheniusResult]:
    """Fit ``circuit`` to every spectrum, then regress every resistor (R0, R1, ...).

    Parameters
    ----------
    spectra : list of Spectrum
    temperatures_c : sequence of float
        One temperature in °C per spectrum (converted to K here).
    circuit : Circuit or str
        With its constraints (fixed, bounded, linked parameters), if any.
    processes : list of str, optional
        Parameter names to regress; default every free resistor.
    high_temperature : bool
        Confirms a series at 200-400 °C (otherwise refused as a kelvin slip).
    area_cm2, thickness_cm : float, optional
        Geometry for the capacitance-based assignment of each arc.

    Temperatures need not be sorted. A line is ``reliable = False`` (with the reason
    in ``problems``) when a fit behind it did not converge or does not determine the
    resistance, when its activation energy is negative (R growing with temperature:
    temperatures paired with the wrong files?) or when one spectrum appears at two
    temperatures.

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
    from lpt.impedance.assign import assign, fitted_arcs

    temps = np.asarray(temperatures_c, dtype=float)
    if temps.ndim != 1 or len(temps) != len(spectra):
        raise LptError(f"{len(spectra)} spectra need {len(spectra)} temperatures, got {temps.size}.")
    temps = check_celsius(temps, high_temperature)
    fits = fit_many(spectra, circuit, weighting=weighting, initial_guess=initial_guess)
    fixed = set(circuit.fixed)
    names = processes or [leaf.name for leaf in circuit.elements
                          if leaf.element.name == "R" and leaf.name not in fixed]
    duplicates = [f"the spectrum at {temps[i]:g} °C is the same as the one at {temps[j]:g} °C "
                  "(one file given for two temperatures?)"
                  for i in range(len(spectra)) for j in range(i + 1, len(spectra))
                  if temps[i] != temps[j] and _same_spectrum(spectra[i], spectra[j])]
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
        if res.activation_energy_eV < 0:
            problems.append(f"the activation energy is negative ({res.activation_energy_eV:.3g} eV): {n} grows "
                            "with temperature; check that each temperature is paired with its file")
        problems += duplicates
        res.reliable = not problems
        res.problems = tuple(problems)
        arcs = {name: [] for name, _, _ in fitted_arcs(circuit, fits[0].parameters)}
        for fit in fits:
            for name, _, cap in fitted_arcs(circuit, fit.parameters):
                arcs[name].append(cap)
        if n in arcs:
            middle = int(np.argsort(T)[len(T) // 2])
            res.assignment = assign(n, float(R[middle]), float(np.median(arcs[n])), area_cm2, thickness_cm,
                                    res.activation_energy_eV)
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
