"""``lpt validate``: Table 1 of the review and the literature suite, reported vs predicted."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from lpt.cli.options import parameters_option, use_parameters
from lpt.cli.output import console, esc, print_json


def validate(
    suite: str = typer.Option("table1", "--suite", help="table1 | literature | all."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as one JSON document."),
    directory: Optional[Path] = typer.Option(None, "--dir", help="Folder of Table 1 designs "
                                             "(default: examples/table1)."),
    parameters: Path = parameters_option(),
) -> None:
    """Reported vs predicted, within tolerance or not; held-out cases, orderings and calibration counted apart."""
    use_parameters(parameters)
    from lpt.validation_suites import validate as run

    result = run(suite, table1_directory=directory)
    if as_json:
        print_json(result)
        return
    from rich.table import Table

    heads = ", ".join(f"{name}: held-out {s['heldout']['passed']}/{s['heldout']['total']}, orderings "
                      f"{s['orderings']['passed']}/{s['orderings']['total']}, calibration "
                      f"{s['calibration']['passed']}/{s['calibration']['total']}" for name, s in result["suites"].items())
    t = Table(title=f"Validation ({heads})")
    for col in ("case", "kind", "unit", "reported", "predicted", "tolerance", "ok"):
        t.add_column(col, overflow="fold")
    for c in result["cases"]:
        ok = "[green]yes[/]" if c["within_tolerance"] else "[red]no[/]"
        rep = "–" if c["reported"] is None else f"{c['reported']:.4g}"
        t.add_row(esc(c["id"]), c["kind"], esc(c["unit"]), rep, f"{c['predicted']:.4g}", esc(c["tolerance"]), ok)
    con = console()
    con.print(t)
    for s in result["skipped"]:
        con.print(f"[dim]not compared: {esc(s['id'])}: {esc(s['reason'])}[/]")
