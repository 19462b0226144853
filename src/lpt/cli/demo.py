"""``lpt demo``: the main job on a bundled example (summary table and the HTML report)."""

from __future__ import annotations

from pathlib import Path

import typer

from lpt.cli.output import check_output_file, console, esc

DEMO_DESIGN = "examples/table1/latp_carbonate_lfp.toml"


def demo(
    out: Path = typer.Option(Path("out/report.html"), "--out", "-o", help="HTML report to write."),
    design: Path = typer.Option(Path(DEMO_DESIGN), "--design", help="Design to run (default: the LATP "
                                "carbonate row of Table 1)."),
    force: bool = typer.Option(False, "--force", help="Replace --out even if it is not a report lpt wrote."),
) -> None:
    """Run the main job on a bundled example: summary table and the HTML report."""
    from lpt.cli.report import HTML_SUFFIXES
    from lpt.design import load_design
    from lpt.errors import LptError
    from lpt.fileio import write_text_atomic
    from lpt.report import build_report, collect, summary_rows
    from lpt.report.html import written_by_lpt

    if not design.exists():
        from lpt.validation import table1_dir

        alt = table1_dir() / design.name
        if not alt.exists():
            raise LptError(f"demo design {design} not found; pass --design FILE.toml.")
        design = alt
    check_output_file(out, inputs=[design], suffixes=HTML_SUFFIXES, ours=written_by_lpt, force=force,
                      what="report")
    d = load_design(design)
    from rich.table import Table

    data = collect(d)
    t = Table(title=esc(d.name))
    t.add_column("quantity")
    t.add_column("treated", justify="right", style="blue")
    t.add_column("untreated", justify="right", style="red")
    for row in summary_rows(data):
        t.add_row(*[esc(cell) for cell in row])
    con = console()
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
    path = write_text_atomic(out, build_report(d, data=data), what="report")
    con.print(f"report written: {esc(path)}")
