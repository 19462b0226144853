"""``lpt simulate``: cycle a design with its interfaces evolving."""

from __future__ import annotations

from pathlib import Path

import typer

from lpt.cli.options import parameters_option, use_parameters
from lpt.cli.output import console, err_console, esc, print_json, warn_implausible


def simulate(
    design: Path = typer.Argument(..., help="Design TOML file."),
    cycles: int = typer.Option(None, "--cycles", help="Number of cycles (default: the design's [cycling] cycles, else 100)."),
    protocol: str = typer.Option(None, "--protocol", help='Steps, e.g. "Charge at C/10 until 3.8 V; Discharge at 0.1C until 2.5 V".'),
    temperature_c: float = typer.Option(None, "--temperature-c", help="Temperature, °C (default: the design's)."),
    untreated: bool = typer.Option(False, "--untreated", help="Remove the therapies (interfaces marked baseline = true stay)."),
    capacity_threshold: float = typer.Option(None, "--capacity-threshold", help="End when capacity falls below this fraction of the first cycle's (e.g. 0.8)."),
    json: bool = typer.Option(False, "--json", help="Print one JSON document."),
    parameters: Path = parameters_option(),
) -> None:
    """Capacity, coulombic efficiency and interface resistance per cycle, and why the run ended."""
    use_parameters(parameters)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    from lpt.cycling.life import simulate_designs
    from lpt.design import load_design
    from lpt.errors import LptError

    d = load_design(design)
    warn_implausible(d, temperature_C=temperature_c, protocol=protocol)
    if d.symmetric:
        _simulate_symmetric(d, cycles, protocol, temperature_c, untreated, json)
        return
    n = cycles if cycles is not None else (d.cycling.cycles or 100)
    if not 1 <= n <= 100_000:
        raise LptError(f"--cycles must be between 1 and 100000, got {n}.")
    if temperature_c is not None and not (-40.0 <= temperature_c <= 200.0):
        raise LptError(f"--temperature-c {temperature_c:g} is outside -40 to 200 °C.")
    if capacity_threshold is not None and not (0.0 < capacity_threshold < 1.0):
        raise LptError(f"--capacity-threshold must be between 0 and 1, got {capacity_threshold:g}.")
    err = err_console()
    with Progress(TextColumn("cycling"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("left"), TimeRemainingColumn(),
                  console=err, transient=True, disable=n < 200 or not err.is_terminal) as bar:
        task = bar.add_task("cycles", total=n)
        try:
            res, _ = simulate_designs(
                [d], n, protocol=protocol, temperature_C=temperature_c, untreated=untreated,
                capacity_threshold=capacity_threshold,
                progress=lambda done, total: bar.update(task, completed=done),
            )
        except LptError as exc:  # e.g. the design's [cycling] protocol: say which file
            where = "--protocol" if protocol else str(design)
            raise LptError(f"{where}: {exc}") from None
    rec = res.design_record(0)
    rec = {"design": d.name, "untreated": untreated, "protocol": res.protocol, **rec}
    if json:
        print_json(rec)
        return
    from rich.table import Table

    con = console()
    cyc = rec["cycles"]
    con.print(f"[bold]{esc(d.name)}[/bold] ({'untreated' if untreated else 'treated'}) — "
              f"{len(cyc)} cycles, ended: [bold]{rec['end_reason']}[/bold], {rec['wall_s']:.3f} s")
    eol = rec.get("end_of_life_cycle")
    frac = f"{100 * rec['end_of_life_capacity_fraction']:.0f} %"
    con.print(f"end of life (capacity < {frac} of cycle 1): "
              + (f"[bold]cycle {eol}[/bold]" if eol is not None else f"not reached in {len(cyc)} cycles"))
    t = Table(show_header=True)
    for col in ("cycle", "discharge mAh g⁻¹", "CE", "ASR anode Ω cm²", "ASR cathode Ω cm²", "liquid left"):
        t.add_column(col, justify="right")
    for k in _sample_cycles(len(cyc)):
        c = cyc[k]
        t.add_row(str(c["cycle"]), f"{c['discharge_capacity_mAh_g']:.1f}", _ce(c["coulombic_efficiency"]),
                  f"{c['asr_anode_ohm_cm2']:.1f}", f"{c['asr_cathode_ohm_cm2']:.1f}",
                  f"{c['liquid_remaining_fraction']:.1%}")
    con.print(t)


def _sample_cycles(n: int) -> list[int]:
    """The rows a table shows of n cycles: first two, quarters and the last."""
    return sorted({0, 1, n // 4, n // 2, 3 * n // 4, n - 1} & set(range(n)))


def _ce(value: float) -> str:
    """A cycle's CE for the table; "—" where the cycle emptied charge stored before it."""
    return "—" if value is None or value != value else f"{value:.4f}"


def _simulate_symmetric(d, cycles, protocol, temperature_c, untreated, as_json) -> None:
    """A Li|SSE|Li design: overpotential, ASR and contact per cycle, and the voltage trace."""
    from lpt.errors import LptError
    from lpt.symmetric import simulate_symmetric

    text = protocol or d.cycling.protocol
    if not text:
        raise LptError(f"{d.source}: a symmetric cell needs --protocol (or [cycling] protocol), e.g. "
                       f"\"Plate at 0.1 mA cm-2 for 1 hour; Strip at 0.1 mA cm-2 for 1 hour\".")
    if temperature_c is not None and not (-40.0 <= temperature_c <= 200.0):
        raise LptError(f"--temperature-c {temperature_c:g} is outside -40 to 200 °C.")
    res = simulate_symmetric([d], text, cycles if cycles is not None else d.cycling.cycles,
                             temperature_C=temperature_c, untreated=untreated)
    rec = {"design": d.name, "untreated": untreated, **res.design_record(0)}
    if as_json:
        print_json(rec)
        return
    from rich.table import Table

    con = console()
    cyc = rec["cycles"]
    con.print(f"[bold]{esc(d.name)}[/bold] (symmetric, {'untreated' if untreated else 'treated'}) — {len(cyc)} cycles, "
              f"{rec['time_run_h']:.1f} h, ended: [bold]{rec['end_reason']}[/bold], {rec['wall_s']:.3f} s")
    t = Table(show_header=True)
    for col in ("cycle", "i mA cm⁻²", "overpotential mV", "ASR Ω cm²", "ASR counter Ω cm²", "contact"):
        t.add_column(col, justify="right")
    for k in _sample_cycles(len(cyc)):
        c = cyc[k]
        t.add_row(str(c["cycle"]), f"{c['current_mA_cm2']:.3g}", f"{1e3 * c['overpotential_V']:.1f}",
                  f"{c['asr_anode_ohm_cm2']:.1f}", f"{c['asr_counter_ohm_cm2']:.1f}", f"{c['contact_fraction']:.3f}")
    con.print(t)
