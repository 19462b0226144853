"""``lpt report``: one self-contained HTML page of a design, treated vs untreated."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from lpt.cli.options import parameters_option, use_parameters
from lpt.cli.output import check_output_file, warn_implausible

HTML_SUFFIXES = (".html", ".htm")


def report(
    design: Path = typer.Argument(..., help="Cell design TOML file.", show_default=False),
    out: Path = typer.Option(Path("report.html"), "--out", "-o", help="HTML file to write (.html or .htm)."),
    eis: Optional[List[Path]] = typer.Option(None, "--eis", help="Measured spectrum file(s) or folder(s) to "
                                             "fit, DRT and Arrhenius beside the model (repeat the option)."),
    cycles: Optional[int] = typer.Option(None, "--cycles", help="Cycles to simulate (default: the design's, "
                                         "at most 500)."),
    cycling: Optional[Path] = typer.Option(None, "--cycling", help="A measured cycler file (BioLogic, Arbin, "
                                           "Maccor, Neware, Novonix, BDF, CSV) drawn beside the simulation."),
    calibration: Optional[Path] = typer.Option(None, "--calibration", help="A calibration record "
                                               "(`lpt calibrate ... --json > cal.json`) drawn as its own section."),
    force: bool = typer.Option(False, "--force", help="Replace --out even if it is not a report lpt wrote."),
    parameters: Path = parameters_option(),
) -> None:
    """Write one self-contained HTML report of DESIGN, treated vs untreated."""
    use_parameters(parameters)
    from lpt.design import load_design
    from lpt.errors import LptError
    from lpt.report import MAX_REPORT_CYCLES, write_report
    from lpt.report.html import written_by_lpt

    if cycles is not None and not 1 <= cycles <= MAX_REPORT_CYCLES:
        raise LptError(f"--cycles must be between 1 and {MAX_REPORT_CYCLES}, got {cycles}.")
    check_output_file(out, inputs=[design, *(eis or []), *([cycling] if cycling else []),
                                                     *([calibration] if calibration else [])], suffixes=HTML_SUFFIXES, ours=written_by_lpt,
                      force=force, what="report")
    d = load_design(design)
    warn_implausible(d)
    path = write_report(d, out, [str(p) for p in eis] if eis else None, n_cycles=cycles,
                        cycling_file=str(cycling) if cycling else None, calibration_file=calibration)
    print(str(path))
