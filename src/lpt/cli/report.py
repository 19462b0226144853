"""``lpt report``: one self-contained HTML page of a design, treated vs untreated."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer


def report(
    design: Path = typer.Argument(..., help="Cell design TOML file.", show_default=False),
    out: Path = typer.Option(Path("report.html"), "--out", "-o", help="HTML file to write."),
    eis: Optional[List[Path]] = typer.Option(None, "--eis", help="Measured spectrum file(s) or folder(s) to "
                                             "fit, DRT and Arrhenius beside the model (repeat the option)."),
    cycles: Optional[int] = typer.Option(None, "--cycles", help="Cycles to simulate (default: the design's)."),
) -> None:
    """Write one self-contained HTML report of DESIGN, treated vs untreated."""
    from lpt.design import load_design
    from lpt.report import write_report

    d = load_design(design)
    path = write_report(d, out, [str(p) for p in eis] if eis else None, n_cycles=cycles)
    print(str(path))
