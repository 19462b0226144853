"""``lpt validate``: the review's Table 1, reported vs predicted."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from lpt.cli.options import parameters_option, use_parameters
from lpt.cli.output import console, esc, print_json


def validate(
    as_json: bool = typer.Option(False, "--json", help="Print the result as one JSON document."),
    directory: Optional[Path] = typer.Option(None, "--dir", help="Folder of Table 1 designs "
                                             "(default: examples/table1)."),
    parameters: Path = parameters_option(),
) -> None:
    """Reproduce the review's Table 1: reported vs predicted, within tolerance or not."""
    use_parameters(parameters)
    from lpt.validation import validate_table1

    result = validate_table1(directory)
    if as_json:
        print_json(result)
        return
    from rich.table import Table

    t = Table(title=f"Table 1 validation: {result['passed']}/{result['total']} within tolerance")
    for col in ("case", "unit", "reported", "predicted", "tolerance", "ok"):
        t.add_column(col, overflow="fold")
    for c in result["cases"]:
        ok = "[green]yes[/]" if c["within_tolerance"] else "[red]no[/]"
        if c["calibration"]:
            ok += " (calibration)"
        rep = "–" if c["reported"] is None else f"{c['reported']:.4g}"
        t.add_row(esc(c["id"]), esc(c["unit"]), rep, f"{c['predicted']:.4g}", esc(c["tolerance"]), ok)
    con = console()
    con.print(t)
    for s in result["skipped"]:
        con.print(f"[dim]not compared: {esc(s['id'])}: {esc(s['reason'])}[/]")
