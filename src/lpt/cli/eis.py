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
    con.print(f"high-frequency resistance {doc['high_frequency_resistance_ohm']:.4g} Ω; "
              f"DC resistance (without diffusion) {doc['dc_resistance_ohm']:.4g} Ω; "
              f"{len(doc['frequency_Hz'])} frequencies {max(doc['frequency_Hz']):.3g}–"
              f"{min(doc['frequency_Hz']):.3g} Hz (use --json for the spectrum).")


@app.command("validate")
def validate_command(
    file: Path = typer.Argument(..., help="Spectrum file (any format of docs/io.md)."),
    threshold_percent: float = typer.Option(2.0, help="Largest residual (% of |Z|) accepted as valid."),
    spectrum: Optional[int] = typer.Option(None, "--spectrum", help=SPECTRUM_HELP),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Linear Kramers-Kronig test (Schönleber 2014) of every sweep in FILE."""
    from lpt.impedance.validate import kramers_kronig

    if not 0.0 < threshold_percent <= 100.0:
        raise LptError(f"--threshold-percent must be above 0 and at most 100 (% of |Z|), got {threshold_percent:g}.")
    spectra = _read_spectra([file], spectrum)
    results = [kramers_kronig(s.frequency_Hz, s.z, threshold_percent=threshold_percent) for s in spectra]
    doc = {
        "valid": all(r.valid for r in results),
        "max_residual_percent": max(r.max_residual_percent for r in results),
        "threshold_percent": threshold_percent,
        "spectra": [{"file": s.source, "valid": r.valid, "max_residual_percent": r.max_residual_percent,
                     "n_rc": r.n_rc, "mu": r.mu, "notes": s.notes} for s, r in zip(spectra, results)],
    }
    if json_out:
        print_json(doc)
        return
    from rich.table import Table

    table = Table(title=f"Kramers-Kronig test (valid if max residual < {threshold_percent} % of |Z|)")
    for col in ("spectrum", "valid", "max residual (%)", "RC elements", "mu"):
        table.add_column(col)
    for row in doc["spectra"]:
        table.add_row(esc(row["file"]), "yes" if row["valid"] else "NO", f"{row['max_residual_percent']:.3f}",
                      str(row["n_rc"]), f"{row['mu']:.3f}")
    console().print(table)


@app.command("fit")
def fit_command(
    files: List[Path] = typer.Argument(..., help="Spectrum files or folders of them."),
    circuit: str = typer.Option(..., "--circuit", help='impedance.py syntax, e.g. "R0-p(R1,CPE1)-W1".'),
    weighting: str = typer.Option("modulus", help="modulus | proportional | unit"),
    spectrum: Optional[int] = typer.Option(None, "--spectrum", help=SPECTRUM_HELP),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Complex nonlinear least-squares fit of one circuit to every spectrum."""
    from lpt.impedance.circuit import Circuit
    from lpt.impedance.fit import fit_many

    model = Circuit(circuit)
    spectra = _read_spectra(files, spectrum)
    start = time.perf_counter()
    fits = fit_many(spectra, model, weighting=weighting)
    wall = time.perf_counter() - start
    doc = {"spectra": [{"file": s.source, "circuit": model.circuit, "converged": r.converged,
                        "chi_square": r.chi_square, "weighting": r.weighting, "n_points": r.n_points,
                        "parameters": r.as_dict(),
                        "units": dict(zip(model.param_names, model.param_units))}
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
        table.add_row("", "converged", "yes" if row["converged"] else "NO", "", "", end_section=True)
    console().print(table)


@app.command("drt")
def drt_command(
    file: Path = typer.Argument(..., help="Spectrum file."),
    lambda_: Optional[float] = typer.Option(None, "--lambda", help="Regularization (default: GCV)."),
    spectrum: Optional[int] = typer.Option(None, "--spectrum", help=SPECTRUM_HELP),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Distribution of relaxation times (Tikhonov + Gaussian RBF, GCV)."""
    from lpt.impedance.drt import calculate_drt
    from lpt.io import read_spectrum

    if lambda_ is not None and not 0.0 < lambda_ <= MAX_DRT_LAMBDA:
        raise LptError(f"--lambda must be above 0 and at most {MAX_DRT_LAMBDA:g} (GCV searches 1e-8 to 1), "
                       f"got {lambda_:g}.")
    s = _within_instrument_range(read_spectrum(file, sweep=spectrum))
    r = calculate_drt(s.frequency_Hz, s.z, lambda_=lambda_)
    doc = {"tau_s": r.tau_s, "gamma_ohm": r.gamma_ohm,
           "peaks": [{"tau_s": p.tau_s, "resistance_ohm": p.resistance_ohm,
                      "frequency_Hz": 1 / (2 * math.pi * p.tau_s)} for p in r.peaks],
           "r_inf_ohm": r.r_inf_ohm, "inductance_H": r.inductance_H, "lambda": r.lambda_,
           "file": s.source}
    if json_out:
        print_json(doc)
        return
    from rich.table import Table

    table = Table(title=f"DRT of {esc(s.source)}: R_inf = {r.r_inf_ohm:.4g} ohm, lambda = {r.lambda_:.2g}")
    for col in ("peak", "tau (s)", "f = 1/(2 pi tau) (Hz)", "R (ohm)"):
        table.add_column(col)
    for k, p in enumerate(doc["peaks"], 1):
        table.add_row(str(k), f"{p['tau_s']:.4g}", f"{p['frequency_Hz']:.4g}", f"{p['resistance_ohm']:.4g}")
    console().print(table)


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
    spectrum: Optional[int] = typer.Option(None, "--spectrum", help=SPECTRUM_HELP),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Activation energy of every resistor: ln(1/R) vs 1/T."""
    from lpt.impedance.arrhenius import arrhenius_from_spectra

    files, temps = _split_temperatures(files, temperatures_c)
    spectra = _read_spectra(files, spectrum)
    if len(temps) != len(spectra):
        raise LptError(f"{len(spectra)} spectra need {len(spectra)} temperatures (--temperatures-c), "
                       f"got {len(temps)}.")
    results = arrhenius_from_spectra(spectra, temps, circuit, weighting=weighting)
    doc = {"processes": {n: {"activation_energy_eV": r.activation_energy_eV, "stderr_eV": r.stderr_eV,
                             "prefactor": r.prefactor, "prefactor_unit": "S",
                             "resistance_ohm": r.resistance_ohm, "temperature_K": r.temperature_K,
                             "reliable": r.reliable, "problems": list(r.problems)}
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
