"""``lpt ccd``: critical current density of a symmetric cell over pressure × temperature."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from lpt.cli.output import console, err_console, esc, print_json, warn_implausible

PROGRESS_MIN_POINTS = 20        # smaller grids finish in well under a second


def ccd(
    design: Path = typer.Argument(..., help="Symmetric design TOML file (cell = \"symmetric\")."),
    pressure_mpa: Optional[list[float]] = typer.Option(None, "--pressure-mpa", help="Stack pressures, MPa (repeat the option; default: the design's)."),
    temperature_c: Optional[list[float]] = typer.Option(None, "--temperature-c", help="Temperatures, °C (repeat; default: the design's)."),
    step_ma_cm2: float = typer.Option(0.1, "--step-ma-cm2", help="Current step of the ramp, mA cm⁻²."),
    areal_capacity_mah_cm2: Optional[float] = typer.Option(None, "--areal-capacity-mah-cm2", help="Areal capacity per half-cycle, mAh cm⁻² (default 0.5)."),
    half_cycle_h: Optional[float] = typer.Option(None, "--half-cycle-h", help="Or a fixed time per half-cycle, h (the charge grows with the current)."),
    start_ma_cm2: Optional[float] = typer.Option(None, "--start-ma-cm2", help="First current of the ramp, mA cm⁻² (default: the step)."),
    untreated: bool = typer.Option(False, "--untreated", help="Remove the therapies."),
    json: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Step the current every cycle until the cell shorts or loses contact; the CCD is that step's current."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from lpt.design import load_design
    from lpt.symmetric import ccd_map

    d = load_design(design)
    for t_c in temperature_c or [None]:
        warn_implausible(d, temperature_C=t_c)
    points = max(len(pressure_mpa or [0]), 1) * max(len(temperature_c or [0]), 1)
    err = err_console()
    # a bar on a terminal for grids long enough to wait for; the result itself is always complete
    with Progress(TextColumn("CCD ramps ended"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True, disable=points < PROGRESS_MIN_POINTS or not err.is_terminal) as bar:
        task = bar.add_task("ccd", total=points)
        out = ccd_map(d, pressure_mpa, temperature_c, step_mA_cm2=step_ma_cm2,
                      capacity_mAh_cm2=areal_capacity_mah_cm2, half_cycle_h=half_cycle_h,
                      start_mA_cm2=start_ma_cm2, untreated=untreated,
                      progress=lambda done, total: bar.update(task, completed=done, total=total))
    if json:
        print_json(out)
        return
    from rich.table import Table

    from lpt.symmetric.ccd import DEFAULT_CAPACITY_MAH_CM2

    per_half = (f"{half_cycle_h:g} h" if half_cycle_h is not None
                else f"{areal_capacity_mah_cm2 or DEFAULT_CAPACITY_MAH_CM2:g} mAh cm⁻²")
    t = Table(title=f"{esc(d.name)}: CCD ({step_ma_cm2:g} mA cm⁻² steps, {per_half} per half-cycle)")
    for col in ("pressure MPa", "temperature °C", "CCD mA cm⁻²", "ended by"):
        t.add_column(col, justify="right")
    for p in out["points"]:
        ccd_text = f"≤ {p['ccd_mA_cm2']:.3g}" if p["at_first_step"] else f"{p['ccd_mA_cm2']:.3g}"
        t.add_row(f"{p['pressure_MPa']:g}", f"{p['temperature_C']:g}", ccd_text, esc(p["end_reason"]))
    console().print(t)
