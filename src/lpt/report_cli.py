"""``lpt report``, ``lpt validate``, ``lpt demo`` and ``lpt eis simulate``.

Thin shells over :mod:`lpt.report`, :mod:`lpt.validation` and
:mod:`lpt.impedance.model`.  The lead wires them in with ``register(app)`` from
``lpt.cli``; ``eis simulate`` is added to the ``eis`` sub-app of
:mod:`lpt.impedance.cli`.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

DEMO_DESIGN = "examples/table1/latp_carbonate_lfp.toml"


def _console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr)


def _print_json(obj) -> None:
    from lpt.cli import print_json

    print_json(obj)


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


def validate(
    as_json: bool = typer.Option(False, "--json", help="Print the result as one JSON document."),
    directory: Optional[Path] = typer.Option(None, "--dir", help="Folder of Table 1 designs "
                                             "(default: examples/table1)."),
) -> None:
    """Reproduce the review's Table 1: reported vs predicted, within tolerance or not."""
    from lpt.validation import validate_table1

    result = validate_table1(directory)
    if as_json:
        _print_json(result)
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
        t.add_row(c["id"], c["unit"], rep, f"{c['predicted']:.4g}", c["tolerance"], ok)
    con = _console()
    con.print(t)
    for s in result["skipped"]:
        con.print(f"[dim]not compared: {s['id']}: {s['reason']}[/]")


def demo(
    out: Path = typer.Option(Path("out/report.html"), "--out", "-o", help="HTML report to write."),
    design: Path = typer.Option(Path(DEMO_DESIGN), "--design", help="Design to run (default: the LATP "
                                "carbonate row of Table 1)."),
) -> None:
    """Run the main job on a bundled example: summary table and the HTML report."""
    from lpt.design import load_design
    from lpt.errors import LptError
    from lpt.report import build_report, collect, summary_rows
    from lpt.report.html import write_atomic

    if not design.exists():
        from lpt.validation import table1_dir

        alt = table1_dir() / design.name
        if not alt.exists():
            raise LptError(f"demo design {design} not found; pass --design FILE.toml.")
        design = alt
    d = load_design(design)
    from rich.table import Table

    data = collect(d)
    t = Table(title=d.name)
    t.add_column("quantity")
    t.add_column("treated", justify="right", style="blue")
    t.add_column("untreated", justify="right", style="red")
    for row in summary_rows(data):
        t.add_row(*row)
    con = _console()
    con.print(t)
    ma = data["metrics"].get("treated", {})
    if ma:
        from lpt.metrics import metrics_report

        # the same cell and utilization without the liquid's mass and volume
        dry = metrics_report(d.untreated(), utilization=ma["cathode_utilization"])
        g_w, g_d = ma["gravimetric_energy_density_Wh_kg"], dry["gravimetric_energy_density_Wh_kg"]
        con.print(f"energy-density cost of the liquid: {g_w:.4g} vs {g_d:.4g} Wh kg⁻¹ without its mass "
                  f"({100 * (g_w / g_d - 1):+.2f} %).")
        con.print(f"the liquid adds {ma.get('liquid_mg_cm2', 0):.3g} mg cm⁻² "
                  f"({ma.get('flammable_liquid_mg_Wh', 0):.3g} mg Wh⁻¹ flammable, "
                  f"{ma.get('liquid_cost_USD_Wh', 0):.3g} USD Wh⁻¹).")
    path = write_atomic(out, build_report(d))
    con.print(f"report written: {path}")


def eis_simulate(
    design: Path = typer.Argument(..., help="Cell design TOML file.", show_default=False),
    temperature_c: Optional[float] = typer.Option(None, "--temperature-c", help="Temperature in °C "
                                                  "(default: the design's)."),
    untreated: bool = typer.Option(False, "--untreated", help="The cell without its therapies (baseline = true interfaces stay)."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as one JSON document."),
) -> None:
    """Simulate the impedance spectrum of DESIGN's whole stack (equivalent circuit)."""
    from lpt.design import load_design
    from lpt.errors import LptError
    from lpt.impedance.model import spectrum_json

    if temperature_c is not None and temperature_c <= -273.15:
        raise LptError(f"--temperature-c must be above -273.15 °C, got {temperature_c}.")
    doc = spectrum_json(load_design(design), temperature_C=temperature_c, untreated=untreated)
    if as_json:
        _print_json(doc)
        return
    from rich.table import Table

    con = _console()
    arm = "untreated" if untreated else "treated"
    t = Table(title=f"{doc['design']} ({arm}, {doc['temperature_c']:.1f} °C): equivalent circuit")
    for col in ("element", "R (Ω)", "C (F)", "α", "τ (s)"):
        t.add_column(col, justify="right" if col != "element" else "left")
    for a in doc["arcs"]:
        t.add_row(a["name"], f"{a['resistance_ohm']:.4g}", f"{a['capacitance_F']:.3g}", f"{a['alpha']:.2f}",
                  f"{a['tau_s']:.3g}")
    con.print(t)
    w = doc["warburg"]
    if w["Z0_ohm"]:
        con.print(f"cathode diffusion (finite-space Warburg): Z0 = {w['Z0_ohm']:.4g} Ω, τ = {w['tau_s']:.4g} s")
    con.print(f"high-frequency resistance {doc['high_frequency_resistance_ohm']:.4g} Ω; "
              f"DC resistance (without diffusion) {doc['dc_resistance_ohm']:.4g} Ω; "
              f"{len(doc['frequency_Hz'])} frequencies {max(doc['frequency_Hz']):.3g}–"
              f"{min(doc['frequency_Hz']):.3g} Hz (use --json for the spectrum).")


def register(app: typer.Typer) -> None:
    """Add ``report``, ``validate``, ``demo`` to ``app`` and ``simulate`` to ``lpt eis``."""
    app.command("report")(report)
    app.command("validate")(validate)
    app.command("demo")(demo)
    try:
        from lpt.impedance.cli import app as eis_app
    except ImportError:  # pragma: no cover - the eis sub-app is always shipped
        eis_app = None
    if eis_app is not None:
        eis_app.command("simulate")(eis_simulate)
