"""``lpt data ...``: measured cycling files — summarize, convert to BDF, plot.

Thin: parse the arguments, call :mod:`lpt.io.data_commands`, print a rich table or
one JSON document (keys fixed by docs/cli.md). Notes and warnings go to stderr.
"""

from __future__ import annotations

from pathlib import Path

import typer

from lpt.cli.output import console, err_console, esc, print_json

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                  help="Measured cycling data: summarize, convert to BDF, plot.")


@app.command()
def summarize(file: Path = typer.Argument(..., help="A cycler file (BioLogic, Neware, Arbin, Maccor, "
                                                    "Novonix, BDF or CSV)."),
              json: bool = typer.Option(False, "--json", help="Print one JSON document.")) -> None:
    """Per-cycle capacity (mAh), coulombic efficiency, energy and mean voltages."""
    from lpt.io.data_commands import summarize as run

    result = run(file)
    _print_notes(result["notes"])
    if json:
        print_json(result)
        return
    from rich.table import Table

    table = Table(title=f"{esc(result['file'])} ({esc(result['instrument'])}, {result['rows']} records)")
    for header in ("cycle", "charge mAh", "discharge mAh", f"CE ({result['coulombic_efficiency_definition']})",
                   "mean V charge", "mean V discharge"):
        table.add_column(header, justify="right")
    for c in result["cycles"]:
        table.add_row(str(c["cycle"]), f"{c['charge_capacity_mAh']:.4g}", f"{c['discharge_capacity_mAh']:.4g}",
                      "–" if c["coulombic_efficiency"] is None else f"{c['coulombic_efficiency']:.4f}",
                      *("–" if c[k] is None else f"{c[k]:.4f}"
                        for k in ("mean_charge_voltage_V", "mean_discharge_voltage_V")))
    console().print(table)


@app.command()
def convert(file: Path = typer.Argument(..., help="A cycler file."),
            to: str = typer.Option("bdf", "--to", help='Output format: "bdf" (Battery Data Format CSV).'),
            out: Path = typer.Option(..., "--out", help="The file to write (never the input).")) -> None:
    """Write a cycler file as a Battery Data Format CSV."""
    from lpt.io.data_commands import convert as run

    written, notes = run(file, out, to=to)
    _print_notes(notes)
    err_console().print(f"wrote {written}", highlight=False, markup=False)


@app.command()
def plot(file: Path = typer.Argument(..., help="A cycler file."),
         out: Path = typer.Option(..., "--out", help="The PNG to write.")) -> None:
    """Voltage vs time, capacity and CE vs cycle, and dQ/dV, in one PNG."""
    from lpt.io.data_commands import plot as run

    written, notes = run(file, out)
    _print_notes(notes)
    err_console().print(f"wrote {written}", highlight=False, markup=False)


def _print_notes(notes) -> None:
    """What the reader assumed or skipped, one line each on stderr."""
    for note in notes:
        err_console().print(f"note: {note}", highlight=False, markup=False, soft_wrap=True)
