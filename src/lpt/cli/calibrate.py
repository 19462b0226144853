"""``lpt parameters list`` and ``lpt calibrate``: the model's parameters by name, fitted to a lab's cell."""

from __future__ import annotations

from pathlib import Path

import typer

from lpt.cli.output import check_output_file, console, print_json

parameters_app = typer.Typer(no_args_is_help=True, help="The model's parameters by dotted name.")


@parameters_app.command("list")
def list_parameters(
    design: Path = typer.Argument(None, help="Design TOML file: list the global parameters and its materials'."),
    json: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Every parameter the model reads: name, value, unit, status (literature / derived / estimate / calibrated)."""
    from rich.markup import escape

    from lpt.calibrate import catalog
    from lpt.design import load_design

    rows = catalog(load_design(design) if design is not None else None)
    if json:
        print_json([{k: v for k, v in p.to_json().items() if k != "source"} for p in rows])
        return
    from rich.table import Table

    t = Table(show_header=True)
    for col in ("name", "value", "unit", "status"):
        t.add_column(col, justify="right" if col == "value" else "left")
    for p in rows:
        t.add_row(escape(p.name), f"{p.value:.4g}", p.unit, p.status)
    console().print(t)


def calibrate(
    design: Path = typer.Argument(..., help="Design TOML file of the measured cell."),
    fit: list[str] = typer.Option(..., "--fit", help="Parameter to fit (dotted name; repeat the option)."),
    eis: list[Path] = typer.Option(None, "--eis", help="Spectrum file or folder (repeat the option)."),
    temperatures_c: list[float] = typer.Option(None, "--temperatures-c",
                                               help="Temperature of each spectrum, °C, in file order."),
    cycling: list[Path] = typer.Option(None, "--cycling", help="Cycler file of the same cell (full cell: capacity "
                                       "and mean voltage per cycle; symmetric: overpotential per cycle)."),
    hold_out: int = typer.Option(None, "--hold-out", help="Index (0-based) of a spectrum to leave out and predict."),
    profile: list[str] = typer.Option(None, "--profile", help="Fitted parameter whose profile likelihood to compute "
                                      "(repeat the option)."),
    mcmc: int = typer.Option(0, "--mcmc", help="Sample the posterior with emcee for this many steps (0: no MCMC)."),
    seed: int = typer.Option(0, "--seed", help="Seed of the MCMC walkers."),
    out: Path = typer.Option(..., "--out", help="Parameter file to write (TOML), e.g. cal.toml."),
    force: bool = typer.Option(False, "--force", help="Replace --out even if it is not a parameter file lpt wrote."),
    json: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Fit named interface-model parameters to measured spectra and cycling through lpt's own models."""
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from lpt.calibrate import calibrate_files
    from lpt.calibrate.names import written_by_lpt
    from lpt.cli.output import err_console
    from lpt.errors import LptError

    eis, cycling = list(eis or []), list(cycling or [])
    if not eis and not cycling:
        raise LptError("give the measurements to calibrate on: spectra with --eis and/or a cycler file with --cycling.")
    check_output_file(out, inputs=[design, *eis, *cycling], suffixes=(".toml",), ours=written_by_lpt, force=force,
                      what="parameter file")
    err = err_console()
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True, disable=not err.is_terminal) as bar:
        tasks: dict[str, int] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done)

        doc = calibrate_files(design, fit, eis, temperatures_c=temperatures_c or None, hold_out=hold_out,
                              cycling=cycling, profiles=profile or [], mcmc_steps=mcmc, seed=seed, out=out,
                              progress=progress)
    if json:
        print_json(doc)
        return
    from rich.table import Table

    t = Table(title=f"{escape(doc['design'])}: {doc['n_points']} measured values")
    for col in ("parameter", "value", "90 % interval", "identifiable"):
        t.add_column(col)
    for name, p in doc["parameters"].items():
        ci = "—" if p["ci90"] is None else f"{p['ci90'][0]:.4g} – {p['ci90'][1]:.4g}"
        t.add_row(escape(name), f"{p['value']:.4g} {p['unit']}", ci, "yes" if p["identifiable"] else "no")
    con = console()
    con.print(t)
    noise = ", ".join(f"{g} {v:.3g}" for g, v in doc["noise"].items())
    con.print(f"noise per group: {noise}")
    for name, prof in doc.get("profiles", {}).items():
        lo, hi = prof["ci90"]
        con.print(f"profile of {escape(name)}: 90 % interval {_bound(lo)} – {_bound(hi)}"
                  f"{'' if prof['identifiable'] else ' (not determined)'}")
    if "mcmc" in doc:
        m = doc["mcmc"]
        con.print(f"MCMC: {m['walkers']} walkers × {m['steps']} steps, acceptance {m['acceptance_fraction']:.2f}, "
                  f"{'converged' if m['converged'] else 'NOT converged (chain shorter than 50 autocorrelation times)'}")
        for name, p in m["parameters"].items():
            con.print(f"  {escape(name)}: median {p['median']:.4g}, 90 % {p['ci90'][0]:.4g} – {p['ci90'][1]:.4g}")
    for w in doc["warnings"]:
        err_console().print(f"[yellow]warning:[/] {escape(w)}")
    if "hold_out" in doc:
        h = doc["hold_out"]
        con.print(f"held out {escape(h['file'])}: predicted with {h['rms_relative_misfit']:.1%} RMS misfit")
    con.print(f"written: {escape(doc['out'])}")


def _bound(x) -> str:
    return "open" if x is None else f"{x:.4g}"
