"""``lpt asr``: the interface model from the command line."""

from __future__ import annotations

import math
from pathlib import Path

import typer

from lpt.cli.options import parameters_option, use_parameters
from lpt.cli.output import console, esc, print_json, warn_implausible


def asr(
    design: Path = typer.Argument(..., help="Design TOML file."),
    temperature_c: float = typer.Option(None, "--temperature-c", help="Temperature, °C (default: the design's)."),
    json: bool = typer.Option(False, "--json", help="Print one JSON document."),
    parameters: Path = parameters_option(),
) -> None:
    """Area-specific resistance of both interfaces, treated and untreated, with its parts."""
    use_parameters(parameters)
    from lpt.design import load_design
    from lpt.errors import LptError
    from lpt.interface import asr_report

    if temperature_c is not None and not (-60.0 <= temperature_c <= 300.0):
        raise LptError(f"--temperature-c {temperature_c:g} is outside -60 to 300 °C.")
    d = load_design(design)
    warn_implausible(d, temperature_C=temperature_c)
    rep = asr_report(d, temperature_c)
    if json:
        print_json(rep)
        return
    from rich.table import Table

    def fmt(v: float) -> str:
        if v == math.inf:  # no contact and no liquid: no current path
            return "∞"
        return "—" if not math.isfinite(v) else f"{v:,.1f}"

    con = console()
    con.print(f"[bold]{esc(d.name)}[/bold] at {rep['temperature_c']:.1f} °C — "
              f"SSE bulk {fmt(rep['bulk_ohm_cm2'])} Ω cm²")
    for side in ("anode", "cathode"):
        s = rep["interfaces"][side]
        t = Table(title=f"{side}|SSE interface", show_header=True)
        t.add_column("part (treated)")
        t.add_column("Ω cm²", justify="right")
        for k, v in s["components_ohm_cm2"].items():
            t.add_row(esc(k), fmt(v))
        t.add_row("[bold]treated ASR[/bold]", f"[bold]{fmt(s['treated_ohm_cm2'])}[/bold]")
        t.add_row("[bold]untreated ASR[/bold]", f"[bold]{fmt(s['untreated_ohm_cm2'])}[/bold]")
        t.add_row("contact / wetted fraction",
                  f"{s['contact_fraction']:.3f} / {s['wetted_fraction']:.3f}")
        con.print(t)
    ir = rep["interfacial_resistance_ohm_cm2"]
    con.print(f"interfacial resistance (both interfaces, cathode incl. charge transfer): "
              f"treated {fmt(ir['treated'])} Ω cm², untreated {fmt(ir['untreated'])} Ω cm²")
    u = rep["cathode_utilization"]
    con.print(f"cathode utilization: treated {u['treated']:.1%}, untreated {u['untreated']:.1%}")
