"""``lpt eis ...``: simulate a design's spectrum; validate, fit, DRT and Arrhenius
analysis of measured spectra.

Thin: parse the arguments, call :mod:`lpt.impedance`, print a rich table or one
JSON document (keys fixed by docs/cli.md). Errors are :class:`LptError` and
:func:`lpt.cli.main.main` turns them into one sentence.
"""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path
from typing import List, Optional

import typer

from lpt.cli.options import parameters_option, use_parameters
from lpt.cli.output import console, esc, print_json, warn_implausible
from lpt.constants import CM_PER_UM
from lpt.errors import LptError

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                  help="Impedance: simulate, validate (Kramers-Kronig), fit, DRT, Arrhenius.")

SPECTRUM_HELP = ("Use only sweep N (1-based) of each file that holds several sweeps (an .mpt with several "
                 "loops, a Modulo Bat or .ids file).")


# The model's temperature range (the same as `lpt asr`).
TEMPERATURE_RANGE_C = (-60.0, 300.0)
# The DRT's regularization weighs a dimensionless (modulus-weighted) misfit; far above 1
# it flattens every peak, so a larger value is a typo.
MAX_DRT_LAMBDA = 1e3


def _within_instrument_range(spectrum):
    """``spectrum`` if an impedance analyser can measure it (:func:`lpt.io.spectrum.check_measurable`)."""
    from lpt.io.spectrum import check_measurable

    return check_measurable(spectrum)


def _check_temperature_c(value: float, option: str = "--temperature-c") -> None:
    lo, hi = TEMPERATURE_RANGE_C
    if not lo <= value <= hi:
        raise LptError(f"{option} {value:g} is outside {lo:g} to {hi:g} °C.")


def _read_spectra(paths, spectrum: Optional[int]) -> list:
    """Spectra of files and folders; with ``--spectrum N`` only the N-th sweep of each
    file. Files of a folder that cannot be read are listed on stderr and skipped."""
    from lpt.io import read_folder, read_spectra

    if spectrum is not None and spectrum < 1:
        raise LptError(f"--spectrum counts sweeps from 1, got {spectrum}.")
    spectra = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found, unreadable = read_folder(path)
            for file, why in unreadable:
                sys.stderr.write(f"skipped {file}: {why}\n")  # one unwrapped line per file
        elif path.exists():
            found = read_spectra(path)
        else:
            raise LptError(f"{path}: no such file or folder.")
        by_file: dict[str, list] = {}
        for s in found:
            by_file.setdefault(s.metadata.get("file", s.source), []).append(s)
        for file, group in by_file.items():
            if spectrum is None:
                spectra += group
            elif spectrum > len(group):
                raise LptError(f"{file}: --spectrum {spectrum} asked for, the file holds {len(group)} "
                               f"sweep(s).")
            else:
                spectra.append(group[spectrum - 1])
    return [_within_instrument_range(s) for s in spectra]


FIX_HELP = "Hold a parameter at a value: NAME=VALUE (SI units), repeatable."
BOUNDS_HELP = "Keep a parameter in an interval inside its element's domain: NAME=LO:HI, repeatable."
LINK_HELP = "Give a parameter the value of another of the same kind: NAME=OTHER, e.g. CPE2_1=CPE1_1."
INITIAL_HELP = "A starting value, NAME=VALUE, repeatable (added to the automatic starts)."
INITIAL_FILE_HELP = ("Starting values from a file: a saved circuit or `eis fit --json` output (JSON), "
                     "or NAME = VALUE lines (.toml).")


def _pairs(values: Optional[List[str]], option: str, form: str) -> list[tuple[str, str]]:
    out = []
    for item in values or []:
        name, sep, value = str(item).partition("=")
        if not sep or not name.strip() or not value.strip():
            raise LptError(f'{option} expects {form}, got "{item}".')
        out.append((name.strip(), value.strip()))
    return out


def _number(text: str, option: str, name: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise LptError(f'{option} {name}: "{text}" is not a number.') from None


def _circuit_with_constraints(circuit: str, fix, bounds, link):
    """The Circuit with --fix / --bounds / --link applied (checked by the library)."""
    from lpt.impedance.circuit import Circuit

    fixed = {n: _number(v, "--fix", n) for n, v in _pairs(fix, "--fix", "NAME=VALUE")}
    bounded = {}
    for n, v in _pairs(bounds, "--bounds", "NAME=LO:HI"):
        lo, sep, hi = v.partition(":")
        if not sep:
            raise LptError(f'--bounds expects NAME=LO:HI, got "{n}={v}".')
        bounded[n] = (_number(lo, "--bounds", n), _number(hi, "--bounds", n))
    links = dict(_pairs(link, "--link", "NAME=OTHER"))
    return Circuit(circuit, fixed=fixed, bounds=bounded, links=links)


def _initial_values(initial, initial_file: Optional[Path]) -> Optional[dict]:
    from lpt.impedance.circuit import read_parameter_values

    values = read_parameter_values(initial_file) if initial_file is not None else {}
    values.update({n: _number(v, "--initial", n) for n, v in _pairs(initial, "--initial", "NAME=VALUE")})
    return values or None


def _geometry(area_cm2: Optional[float], thickness_um: Optional[float]) -> tuple:
    if (area_cm2 is None) != (thickness_um is None):
        raise LptError("give both --area-cm2 and --thickness-um, or neither.")
    return area_cm2, None if thickness_um is None else thickness_um * CM_PER_UM


@app.command("simulate")
def simulate_command(
    design: Path = typer.Argument(..., help="Cell design TOML file.", show_default=False),
    temperature_c: Optional[float] = typer.Option(None, "--temperature-c", help="Temperature in °C "
                                                  "(default: the design's)."),
    untreated: bool = typer.Option(False, "--untreated", help="The cell without its therapies (baseline = true interfaces stay)."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as one JSON document."),
    parameters: Path = parameters_option(),
) -> None:
    """Simulate the impedance spectrum of DESIGN's whole stack (equivalent circuit)."""
    use_parameters(parameters)
    from lpt.design import load_design
    from lpt.impedance.model import spectrum_json

    if temperature_c is not None:
        _check_temperature_c(temperature_c)
    d = load_design(design)
    warn_implausible(d, temperature_C=temperature_c)
    doc = spectrum_json(d, temperature_C=temperature_c, untreated=untreated)
    if as_json:
        print_json(doc)
        return
    from rich.table import Table

    con = console()
    arm = "untreated" if untreated else "treated"
    t = Table(title=f"{esc(doc['design'])} ({arm}, {doc['temperature_c']:.1f} °C): equivalent circuit")
    for col in ("element", "R (Ω)", "C (F)", "α", "τ (s)"):
        t.add_column(col, justify="right" if col != "element" else "left")
    for a in doc["arcs"]:
        t.add_row(esc(a["name"]), f"{a['resistance_ohm']:.4g}", f"{a['capacitance_F']:.3g}", f"{a['alpha']:.2f}",
                  f"{a['tau_s']:.3g}")
    con.print(t)
    w = doc["warburg"]
    if w["Z0_ohm"]:
        con.print(f"cathode diffusion (finite-space Warburg): Z0 = {w['Z0_ohm']:.4g} Ω, τ = {w['tau_s']:.4g} s")
    ws = doc["separator_warburg"]
    if ws["Z0_ohm"]:
        con.print(f"salt diffusion in the polymer separator (finite-length Warburg): Z0 = {ws['Z0_ohm']:.4g} Ω, "
                  f"τ = {ws['tau_s']:.4g} s")
    con.print(f"high-frequency resistance {doc['high_frequency_resistance_ohm']:.4g} Ω; "
              f"DC resistance (without cathode diffusion) {doc['dc_resistance_ohm']:.4g} Ω; "
              f"{len(doc['frequency_Hz'])} frequencies {max(doc['frequency_Hz']):.3g}–"
              f"{min(doc['frequency_Hz']):.3g} Hz (use --json for the spectrum).")


@app.command("validate")
def validate_command(
    file: Path = typer.Argument(..., help="Spectrum file (any format of docs/io.md)."),
    threshold_percent: float = typer.Option(2.0, help="Largest lin-KK residual (% of |Z|) accepted as valid."),
    spectrum: Optional[int] = typer.Option(None, "--spectrum", help=SPECTRUM_HELP),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Kramers-Kronig tests of every sweep in FILE: lin-KK (Schönleber 2014, decides
    "valid") with Z-HIT (Ehm 2000) beside it."""
    from lpt.impedance.validate import kramers_kronig, z_hit

    if not 0.0 < threshold_percent <= 100.0:
        raise LptError(f"--threshold-percent must be above 0 and at most 100 (% of |Z|), got {threshold_percent:g}.")
    spectra = _read_spectra([file], spectrum)
    results = [kramers_kronig(s.frequency_Hz, s.z, threshold_percent=threshold_percent) for s in spectra]
    zhits = [z_hit(s.frequency_Hz, s.z) for s in spectra]
    doc = {
        "valid": all(r.valid for r in results),
        "max_residual_percent": max(r.max_residual_percent for r in results),
        "threshold_percent": threshold_percent,
        "method": "lin-KK",
        "spectra": [{"file": s.source, "valid": r.valid, "max_residual_percent": r.max_residual_percent,
                     "n_rc": r.n_rc, "mu": r.mu, "series_inductance_H": r.series_inductance_H,
                     "series_capacitance_F": r.series_capacitance_F,
                     "z_hit": {"valid": z.valid, "max_residual_percent": z.max_residual_percent,
                               "threshold_percent": z.threshold_percent},
                     "notes": s.notes} for s, r, z in zip(spectra, results, zhits)],
    }
    if json_out:
        print_json(doc)
        return
    from rich.table import Table

    table = Table(title=f"Kramers-Kronig test (valid if max residual < {threshold_percent} % of |Z|)")
    for col in ("spectrum", "valid", "max residual (%)", "RC elements", "mu", "Z-HIT max (%)"):
        table.add_column(col)
    for row in doc["spectra"]:
        z = row["z_hit"]
        table.add_row(esc(row["file"]), "yes" if row["valid"] else "NO", f"{row['max_residual_percent']:.3f}",
                      str(row["n_rc"]), f"{row['mu']:.3f}",
                      f"{z['max_residual_percent']:.2f}" + ("" if z["valid"] else " (over)"))
    console().print(table)


@app.command("fit")
def fit_command(
    files: List[Path] = typer.Argument(..., help="Spectrum files or folders of them."),
    circuit: str = typer.Option(..., "--circuit", help='impedance.py syntax, e.g. "R0-p(R1,CPE1)-W1".'),
    weighting: str = typer.Option("modulus", help="modulus | proportional | unit"),
    fix: Optional[List[str]] = typer.Option(None, "--fix", help=FIX_HELP),
    bounds: Optional[List[str]] = typer.Option(None, "--bounds", help=BOUNDS_HELP),
    link: Optional[List[str]] = typer.Option(None, "--link", help=LINK_HELP),
    initial: Optional[List[str]] = typer.Option(None, "--initial", help=INITIAL_HELP),
    initial_file: Optional[Path] = typer.Option(None, "--initial-file", help=INITIAL_FILE_HELP),
    area_cm2: Optional[float] = typer.Option(None, "--area-cm2", help="Electrode area, to label arcs by capacitance."),
    thickness_um: Optional[float] = typer.Option(None, "--thickness-um", help="Sample thickness, with --area-cm2."),
    spectrum: Optional[int] = typer.Option(None, "--spectrum", help=SPECTRUM_HELP),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Complex nonlinear least-squares fit of one circuit to every spectrum."""
    from lpt.impedance.assign import assign_fit
    from lpt.impedance.fit import fit_many

    model = _circuit_with_constraints(circuit, fix, bounds, link)
    start_values = _initial_values(initial, initial_file)
    area, thickness_cm = _geometry(area_cm2, thickness_um)
    spectra = _read_spectra(files, spectrum)
    start = time.perf_counter()
    fits = fit_many(spectra, model, weighting=weighting, initial_guess=start_values)
    wall = time.perf_counter() - start
    doc = {"spectra": [{"file": s.source, "circuit": model.circuit, "converged": r.converged,
                        "chi_square": r.chi_square, "weighting": r.weighting, "n_points": r.n_points,
                        "parameters": r.as_dict(), "at_bound": r.at_bound, "undetermined": r.undetermined,
                        "fixed": r.fixed, "links": r.links, "message": r.message,
                        "units": dict(zip(model.param_names, model.param_units)),
                        "processes": [a.as_dict() for a in assign_fit(model, r.parameters, area, thickness_cm)]}
                       for s, r in zip(spectra, fits)],
           "wall_s": wall}
    if json_out:
        print_json(doc)
        return
    from rich.table import Table

    table = Table(title=f"{esc(model.circuit)} ({esc(weighting)} weighting, {len(spectra)} spectra, {wall:.2f} s)")
    for col in ("spectrum", "parameter", "value", "stderr", "unit"):
        table.add_column(col)
    for row in doc["spectra"]:
        name = Path(row["file"]).name
        for n, u in zip(model.param_names, model.param_units):
            p = row["parameters"][n]
            err = f"{p['stderr']:.3g}" if p["stderr"] is not None else "-"
            table.add_row(esc(name), n, f"{p['value']:.5g}", err, u)
            name = ""
        table.add_row("", "chi²", f"{row['chi_square']:.4g}", "", "")
        flags = "; ".join(f"{k}: {', '.join(row[k])}" for k in ("at_bound", "undetermined") if row[k])
        table.add_row("", "converged", "yes" if row["converged"] else "NO", flags, "", end_section=True)
    con = console()
    con.print(table)
    for row in doc["spectra"]:
        for a in row["processes"]:
            con.print(f"{Path(row['file']).name} {a['name']}: likely {a['likely_origin']} ({a['basis']})",
                      highlight=False, markup=False)


@app.command("drt")
def drt_command(
    file: Path = typer.Argument(..., help="Spectrum file."),
    lambda_: Optional[float] = typer.Option(None, "--lambda", help="Regularization (default: by --lambda-rule)."),
    lambda_rule: str = typer.Option("gcv", "--lambda-rule", help="gcv | lcurve | discrepancy | re-im"),
    blocking: Optional[bool] = typer.Option(None, "--blocking/--no-blocking",
                                            help="Force the capacitive (blocking-electrode) branch in or out "
                                                 "(default: kept when it explains the data better)."),
    noise_percent: Optional[float] = typer.Option(None, "--noise-percent",
                                                  help="Relative noise of the data (default: from lin-KK)."),
    credible_level: float = typer.Option(0.9, "--credible-level", help="Probability inside the gamma band."),
    area_cm2: Optional[float] = typer.Option(None, "--area-cm2", help="Electrode area, to label peaks by capacitance."),
    thickness_um: Optional[float] = typer.Option(None, "--thickness-um", help="Sample thickness, with --area-cm2."),
    spectrum: Optional[int] = typer.Option(None, "--spectrum", help=SPECTRUM_HELP),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Distribution of relaxation times (Tikhonov + Gaussian RBF) with credible band."""
    from lpt.impedance.assign import assign_drt_peaks
    from lpt.impedance.drt import calculate_drt
    from lpt.io import read_spectrum

    if lambda_ is not None and not 0.0 < lambda_ <= MAX_DRT_LAMBDA:
        raise LptError(f"--lambda must be above 0 and at most {MAX_DRT_LAMBDA:g}, got {lambda_:g}.")
    area, thickness_cm = _geometry(area_cm2, thickness_um)
    s = _within_instrument_range(read_spectrum(file, sweep=spectrum))
    r = calculate_drt(s.frequency_Hz, s.z, lambda_=lambda_, lambda_rule=lambda_rule, blocking=blocking,
                      noise_percent=noise_percent, credible_level=credible_level)
    labels = assign_drt_peaks(r.peaks, area, thickness_cm)
    doc = {"tau_s": r.tau_s, "gamma_ohm": r.gamma_ohm,
           "gamma_lower_ohm": r.gamma_lower_ohm, "gamma_upper_ohm": r.gamma_upper_ohm,
           "credible_level": r.credible_level,
           "peaks": [{"tau_s": p.tau_s, "resistance_ohm": p.resistance_ohm,
                      "resistance_stderr_ohm": p.resistance_stderr_ohm, "capacitance_F": p.capacitance_F,
                      "frequency_Hz": 1 / (2 * math.pi * p.tau_s), "likely_origin": a.likely_origin,
                      "basis": a.basis} for p, a in zip(r.peaks, labels)],
           "r_inf_ohm": r.r_inf_ohm, "inductance_H": r.inductance_H, "lambda": r.lambda_,
           "lambda_rule": r.lambda_rule,
           "blocking": None if r.blocking_q is None else {"Q_F_s_alpha_minus_1": r.blocking_q,
                                                          "alpha": r.blocking_alpha},
           "residual_rms_percent": r.residual_rms_percent, "noise_rms_percent": r.noise_rms_percent,
           "warnings": r.warnings, "file": s.source}
    if json_out:
        print_json(doc)
        return
    from rich.table import Table

    table = Table(title=f"DRT of {esc(s.source)}: R_inf = {r.r_inf_ohm:.4g} ohm, lambda = {r.lambda_:.2g} "
                        f"({r.lambda_rule})")
    for col in ("peak", "tau (s)", "f = 1/(2 pi tau) (Hz)", "R (ohm)", "± (ohm)", "likely origin"):
        table.add_column(col)
    for k, p in enumerate(doc["peaks"], 1):
        table.add_row(str(k), f"{p['tau_s']:.4g}", f"{p['frequency_Hz']:.4g}", f"{p['resistance_ohm']:.4g}",
                      f"{p['resistance_stderr_ohm']:.2g}", p["likely_origin"])
    con = console()
    con.print(table)
    if r.blocking_q is not None:
        con.print(f"capacitive (blocking) tail: Q = {r.blocking_q:.3g} F s^(alpha-1), alpha = {r.blocking_alpha:.2f}")
    for w in r.warnings:
        con.print(f"warning: {w}", highlight=False, markup=False)


def _split_temperatures(files: List[Path], temperatures: List[str]) -> tuple[list[Path], list[float]]:
    """Temperatures may be repeated (``--temperatures-c 25 --temperatures-c 40``),
    comma-separated (``25,40``) or listed after one flag (``--temperatures-c 25 40``),
    in which case click hands the later numbers over as FILE arguments."""
    temps: list[float] = []
    for t in temperatures:
        for part in str(t).split(","):
            if part.strip():
                try:
                    temps.append(float(part))
                except ValueError:
                    raise LptError(f'--temperatures-c: "{part}" is not a temperature in °C.') from None
                _check_temperature_c(temps[-1], "--temperatures-c")
    kept = []
    for f in files:
        try:
            value = float(str(f))
        except ValueError:
            kept.append(f)
            continue
        if f.exists():
            kept.append(f)
        else:
            _check_temperature_c(value, "--temperatures-c")
            temps.append(value)
    return kept, temps


@app.command("arrhenius")
def arrhenius_command(
    files: List[Path] = typer.Argument(..., help="One spectrum file per temperature."),
    temperatures_c: List[str] = typer.Option(..., "--temperatures-c", help="Temperatures in °C, one per file."),
    circuit: str = typer.Option(..., "--circuit", help="Circuit fitted at every temperature."),
    weighting: str = typer.Option("modulus", help="modulus | proportional | unit"),
    fix: Optional[List[str]] = typer.Option(None, "--fix", help=FIX_HELP),
    bounds: Optional[List[str]] = typer.Option(None, "--bounds", help=BOUNDS_HELP),
    link: Optional[List[str]] = typer.Option(None, "--link", help=LINK_HELP),
    initial: Optional[List[str]] = typer.Option(None, "--initial", help=INITIAL_HELP),
    initial_file: Optional[Path] = typer.Option(None, "--initial-file", help=INITIAL_FILE_HELP),
    high_temperature: bool = typer.Option(False, "--high-temperature",
                                          help="Confirm a series at 200-400 °C (otherwise read as kelvin typed as °C)."),
    area_cm2: Optional[float] = typer.Option(None, "--area-cm2", help="Electrode area, to label arcs by capacitance."),
    thickness_um: Optional[float] = typer.Option(None, "--thickness-um", help="Sample thickness, with --area-cm2."),
    spectrum: Optional[int] = typer.Option(None, "--spectrum", help=SPECTRUM_HELP),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Activation energy of every resistor: ln(1/R) vs 1/T."""
    from lpt.impedance.arrhenius import arrhenius_from_spectra

    model = _circuit_with_constraints(circuit, fix, bounds, link)
    start_values = _initial_values(initial, initial_file)
    area, thickness_cm = _geometry(area_cm2, thickness_um)
    files, temps = _split_temperatures(files, temperatures_c)
    spectra = _read_spectra(files, spectrum)
    if len(temps) != len(spectra):
        raise LptError(f"{len(spectra)} spectra need {len(spectra)} temperatures (--temperatures-c), "
                       f"got {len(temps)}.")
    results = arrhenius_from_spectra(spectra, temps, model, weighting=weighting, high_temperature=high_temperature,
                                     initial_guess=start_values, area_cm2=area, thickness_cm=thickness_cm)
    doc = {"processes": {n: {"activation_energy_eV": r.activation_energy_eV, "stderr_eV": r.stderr_eV,
                             "prefactor": r.prefactor, "prefactor_unit": "S",
                             "resistance_ohm": r.resistance_ohm, "temperature_K": r.temperature_K,
                             "reliable": r.reliable, "problems": list(r.problems),
                             "assignment": None if r.assignment is None else r.assignment.as_dict()}
                         for n, r in results.items()},
           "regression": "ln(1/R) = ln(A) - Ea/(k_B T)"}
    if json_out:
        print_json(doc)
        return
    from rich.table import Table

    table = Table(title="Arrhenius: 1/R = A exp(-Ea / k_B T)")
    for col in ("process", "Ea (eV)", "± (eV)", "A (S)", "fits"):
        table.add_column(col)
    for n, r in results.items():
        table.add_row(esc(n), f"{r.activation_energy_eV:.3f}", f"{r.stderr_eV:.3f}", f"{r.prefactor:.3g}",
                      "ok" if r.reliable else "[red]unreliable[/red]")
    con = console()
    con.print(table)
    for n, r in results.items():
        for p in r.problems:
            con.print(f"[red]{esc(n)}[/red]: {esc(p)}")
        if r.assignment is not None:
            con.print(f"{n}: likely {r.assignment.likely_origin} ({r.assignment.basis})", highlight=False,
                      markup=False)
