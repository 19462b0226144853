"""``lpt screen``: a design's pairs (liquid, SSE, electrodes) against the known chemistry."""

from __future__ import annotations

from pathlib import Path

import typer

from lpt.cli.output import console, esc, print_json, warn_implausible

_SEVERITY_STYLE = {"critical": "bold red", "warning": "yellow", "info": "cyan"}
_VERDICT_STYLE = {"incompatible": "bold red", "caution": "bold yellow", "compatible": "bold green"}


def screen(
    design: Path = typer.Argument(..., help="Cell design TOML file.", show_default=False),
    untreated: bool = typer.Option(False, "--untreated", help="Screen the cell without its therapies (baseline = true interfaces stay)."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as one JSON document."),
) -> None:
    """Screen a design's pairs (liquid/SSE/electrodes) against the known chemistry."""
    from lpt.design import load_design
    from lpt.screening import screen as run_screen

    d = load_design(design)
    warn_implausible(d)
    result = run_screen(d, untreated=untreated)
    if as_json:
        print_json(result.to_json())
        return

    from rich.table import Table

    arm = "untreated" if untreated else "treated"
    table = Table(title=f"{esc(result.design)} ({arm})", show_lines=False)
    table.add_column("severity")
    table.add_column("code")
    table.add_column("pair")
    table.add_column("finding", overflow="fold")
    for f in result.findings:
        style = _SEVERITY_STYLE[f.severity]
        table.add_row(f"[{style}]{f.severity}[/]", esc(f.code), esc(f.pair), esc(f.message))
    con = console()
    con.print(table)
    con.print(f"verdict: [{_VERDICT_STYLE[result.verdict]}]{result.verdict}[/]")
