"""Calibrate the interface model to a lab's own cell (docs/calibration.md).

>>> from lpt.calibrate import calibrate_files
>>> doc = calibrate_files("examples/table1/llzo_nbuli_lfp.toml",
...                       ["li_contact_hardness_MPa", "materials.LLZO.conductivity_S_cm"],
...                       ["25C.csv", "40C.csv", "60C.csv"], temperatures_c=[25, 40, 60])

Parameters are addressed by dotted name (:mod:`lpt.calibrate.names`); what is fitted
(spectra, full-cell and symmetric-cell cycling) in :mod:`lpt.calibrate.sources`; the
objective, the prior and the Laplace uncertainty in :mod:`lpt.calibrate.fit`; profile
likelihoods in :mod:`lpt.calibrate.profile`; the MCMC posterior in :mod:`lpt.calibrate.mcmc`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from lpt.calibrate.fit import Calibration, Estimate, calibrate
from lpt.calibrate.names import ParameterInfo, catalog, lookup, read_parameter_file, write_parameter_file
from lpt.calibrate.sources import (FullCellCycling, Measurement, Spectra, SymmetricCycling, cycling_source,
                                   model_spectra, relative_rms)
from lpt.errors import LptError

__all__ = ["Calibration", "Estimate", "FullCellCycling", "Measurement", "ParameterInfo", "Spectra",
           "SymmetricCycling", "calibrate", "calibrate_files", "catalog", "cycling_source",
           "interfacial_resistance_ohm", "lookup", "model_spectra", "read_parameter_file", "write_parameter_file"]


def interfacial_resistance_ohm(design, values: dict[str, float], temperature_C: float | None) -> float:
    """The stack model's interfacial resistance (DC minus the high-frequency plateau), Ω."""
    from lpt import overrides
    from lpt.impedance.model import stack_circuit

    with overrides.applied(values):
        c = stack_circuit(design, temperature_C=temperature_C)
        return c.dc_resistance_ohm() - c.high_frequency_resistance_ohm()


def measurements_from_files(files: Sequence[str | Path], temperatures_c: Sequence[float] | None) -> list[Measurement]:
    """One measurement per spectrum file (or sweep), each with its temperature."""
    from lpt.io import read_paths

    from lpt.io.spectrum import check_measurable

    spectra, unreadable = read_paths([str(f) for f in files])
    if unreadable:
        file, why = unreadable[0]
        raise LptError(f"{file}: {why}")
    spectra = [check_measurable(s) for s in spectra]
    if temperatures_c is not None and len(temperatures_c) != len(spectra):
        raise LptError(f"--temperatures-c gives {len(temperatures_c)} temperatures for {len(spectra)} spectra; "
                       f"give one per spectrum, in the order of the files.")
    out = []
    for k, s in enumerate(spectra):
        T = temperatures_c[k] if temperatures_c is not None else s.metadata.get("temperature_C")
        if T is None:
            raise LptError(f"{s.source}: the file states no temperature; give one per file with --temperatures-c.")
        if not -40.0 <= float(T) <= 200.0:
            raise LptError(f"{s.source}: temperature {float(T):g} °C is outside the -40 to 200 °C a design "
                           f"may have (a temperature in kelvin given as °C?).")
        out.append(Measurement(np.asarray(s.frequency_Hz, float), np.asarray(s.z, complex), float(T), s.source))
    return out


def calibrate_files(design_path: str | Path, fit: Sequence[str], eis: Sequence[str | Path] = (), *,
                    temperatures_c: Sequence[float] | None = None, hold_out: int | None = None,
                    cycling: Sequence[str | Path] = (), profiles: Sequence[str] = (), mcmc_steps: int = 0,
                    seed: int = 0, out: str | Path | None = None, progress=None) -> dict:
    """Calibrate ``fit`` on the spectra ``eis`` and the cycler files ``cycling`` jointly;
    write the parameter file ``out`` if it converged.

    ``hold_out`` (0-based index of a spectrum) is left out of the fit and predicted;
    ``profiles`` names fitted parameters whose profile likelihood is computed;
    ``mcmc_steps`` > 0 samples the posterior with emcee. ``progress(stage, done, total)``
    is called during the profiles and the MCMC. Returns the ``lpt calibrate --json``
    document (docs/cli.md), whose ``fits`` section also feeds ``lpt report --calibration``.
    """
    from lpt.design import load_design

    t0 = time.perf_counter()
    design = load_design(design_path)
    for name in profiles:
        if name not in fit:
            raise LptError(f"--profile {name}: only a fitted parameter can be profiled; add --fit {name}.")
    measurements = measurements_from_files(eis, temperatures_c) if eis else []
    sources = [cycling_source(design, f) for f in cycling]
    held = None
    if hold_out is not None:
        if not 0 <= hold_out < len(measurements) or len(measurements) + len(sources) < 2:
            raise LptError(f"--hold-out {hold_out} must name one of the {len(measurements)} spectra "
                           f"(0 to {len(measurements) - 1}) and leave at least one measurement to fit.")
        held = measurements[hold_out]
        measurements = [m for k, m in enumerate(measurements) if k != hold_out]
    result = calibrate(design, list(fit), measurements, sources=sources)
    if not result.converged:
        raise LptError(f"the calibration did not converge ({result.message}); nothing was written. "
                       f"Fit fewer parameters or check the measurements and their temperatures.")
    doc = {
        "design": design.name,
        "converged": result.converged,
        "parameters": {k: e.to_json() for k, e in result.parameters.items()},
        "correlation": {a: {b: float(result.correlation[i, j]) for j, b in enumerate(result.parameters)}
                        for i, a in enumerate(result.parameters)},
        "noise_relative": result.noise_relative,
        "noise": result.noise,
        "chi_square": result.chi_square,
        "n_points": result.n_points,
        "evaluations": result.evaluations,
        "spectra": [],
        "cycling": [],
        "not_identifiable": [k for k, e in result.parameters.items() if not e.identifiable],
        "warnings": _misfit_warnings(result),
    }
    fits: dict = {"spectra": [], "cycling": []}
    for source, predicted in zip(result.objective.sources, result.fitted):
        if isinstance(source, Spectra):
            for m, z in zip(source.measurements, predicted):
                doc["spectra"].append({"file": m.label, "temperature_C": m.temperature_C,
                                       "rms_relative_misfit": relative_rms(m.z_ohm, z)})
                fits["spectra"].append(_spectrum_record(m, z))
        else:
            doc["cycling"].append(_cycling_summary(source, predicted))
            fits["cycling"].append(_cycling_record(source, predicted))
    if held is not None:
        (z,) = model_spectra(design, [held], result.values)
        doc["hold_out"] = {
            "file": held.label, "temperature_C": held.temperature_C,
            "rms_relative_misfit": relative_rms(held.z_ohm, z),
            "predicted_interfacial_resistance_ohm": interfacial_resistance_ohm(design, result.values,
                                                                               held.temperature_C),
        }
        fits["hold_out"] = _spectrum_record(held, z)
    if profiles:
        from lpt.calibrate.profile import profile

        doc["profiles"] = {}
        for k, name in enumerate(profiles):
            if progress is not None:
                progress("profiles", k, len(profiles))
            doc["profiles"][name] = profile(result, name).to_json()
        if progress is not None:
            progress("profiles", len(profiles), len(profiles))
    if mcmc_steps:
        from lpt.calibrate.mcmc import posterior

        post = posterior(result, mcmc_steps, seed=seed,
                         progress=None if progress is None else (lambda k, n: progress("mcmc", k, n)))
        doc["mcmc"] = post.to_json()
    doc["fits"] = fits
    if out is not None:
        # only what the data determine is written; the rest keep their shipped values
        kept = {k: e.value for k, e in result.parameters.items() if e.identifiable}
        comments = {k: f"{e.unit}; 90 % interval {e.ci90[0]:.4g} to {e.ci90[1]:.4g}"
                    for k, e in result.parameters.items() if e.identifiable}
        skipped = [f"{k}: not identifiable from these data, left at {e.prior_value:.4g} {e.unit}"
                   for k, e in result.parameters.items() if not e.identifiable]
        doc["out"] = str(write_parameter_file(out, kept, comments, notes=skipped))
    doc["wall_s"] = time.perf_counter() - t0
    return doc


# a residual group whose estimated noise exceeds this is a model that does not describe
# the measurement (measured spectra are good to ~1 %, capacities to ~1 %, ln η to ~10 %)
MISFIT_WARNING = {"relative": 0.10, "ln": 0.30, "V": 0.05}


def _misfit_warnings(result: Calibration) -> list[str]:
    out = []
    for g, s in zip(result.objective.groups, result.objective.noise):
        if s > MISFIT_WARNING.get(g.unit, math.inf):
            scale = f"{s:.0%} RMS" if g.unit != "V" else f"{s * 1e3:.0f} mV RMS"
            out.append(f"the calibrated model misses the {g.name} data by {scale}: the design does not describe "
                       f"this cell well, and the intervals (which assume it does) are not to be trusted.")
    return out


def _spectrum_record(m: Measurement, z) -> dict:
    return {"file": m.label, "temperature_C": m.temperature_C, "frequency_Hz": np.asarray(m.frequency_Hz).tolist(),
            "z_real_ohm": np.real(m.z_ohm).tolist(), "z_imag_ohm": np.imag(m.z_ohm).tolist(),
            "model_z_real_ohm": np.real(z).tolist(), "model_z_imag_ohm": np.imag(z).tolist()}


def _cycling_summary(source, predicted: dict) -> dict:
    out = {"file": source.label, "kind": source.kind, "protocol": source.protocol}
    for key, measured in source.measured().items():
        model = predicted[key]
        ok = np.isfinite(model)
        out["cycles"], out["cycles_simulated"] = len(measured), int(ok.sum())
        out[f"rms_relative_misfit_{key}"] = relative_rms(measured[ok], model[ok]) if ok.any() else None
    return out


def _cycling_record(source, predicted: dict) -> dict:
    rec = {"file": source.label, "kind": source.kind}
    for key, measured in source.measured().items():
        rec[key] = np.asarray(measured, float).tolist()
        rec[f"model_{key}"] = [None if not np.isfinite(v) else float(v) for v in predicted[key]]
    return rec
