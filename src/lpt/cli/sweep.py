"""``lpt sweep``: run a sweep file, and rank / plot its results.

    lpt sweep SWEEP.toml --out DIR [--workers N] [--scheduler ADDRESS] [--pareto] [--json]
    lpt sweep pareto DIR [--objectives COL:min,COL:max ...] [--plot FILE.png] [--json]

``lpt sweep SWEEP.toml`` is short for ``lpt sweep run SWEEP.toml``.
"""

from __future__ import annotations

from pathlib import Path

import typer
from typer.core import TyperGroup

from lpt.cli.options import parameters_option, use_parameters
from lpt.cli.output import console, err_console, esc, print_json


class _SweepGroup(TyperGroup):
    """`lpt sweep FILE ...` runs FILE; `lpt sweep pareto DIR` ranks results."""

    def parse_args(self, ctx, args):
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            args = ["run", *args]
        return super().parse_args(ctx, args)


# More local processes than this only queue behind each other (one design chunk per
# core); a larger number is a typo that would try to start that many processes.
MAX_LOCAL_WORKERS = 256

app = typer.Typer(cls=_SweepGroup, no_args_is_help=True, add_completion=False,
                  help="Sweep designs (ranges and choices of a base design) and find their Pareto front. "
                       "`lpt sweep SWEEP.toml --out DIR` is short for `lpt sweep run SWEEP.toml --out DIR`.")


def _front_doc(df, objectives, mask, varied: list[str]) -> dict:
    import numpy as np

    front = df[mask].sort_values(objectives[0][0], kind="stable")
    cols = ["design_id", *[c for c in varied if c in front], *[c for c, _ in objectives]]
    for extra in ("safety_class",):
        if extra in front and extra not in cols:
            cols.append(extra)
    records = []
    for rec in front[cols].to_dict(orient="records"):
        records.append({k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in rec.items()})
    return {"n_designs": int(len(df)), "n_front": int(mask.sum()),
            "objectives": [{"column": c, "sense": s} for c, s in objectives], "front": records}


def _pareto(out: Path, objectives: list[str] | None, plot: Path | None, json_out: bool,
            limit: int) -> dict:
    import sys

    from lpt.sweep.manifest import read_manifest
    from lpt.sweep.pareto import default_objectives, load_results, parse_objectives, pareto_front, plot_front

    df = load_results(out)
    manifest = read_manifest(out)
    objs = parse_objectives(objectives, df) if objectives else default_objectives(df)
    mask = pareto_front(df, objs)
    doc = _front_doc(df, objs, mask, manifest.get("varied", []))
    doc["results"] = str(out)
    # a front of the finished chunks only is not the sweep's front: say so, never silently
    doc["n_designs_expected"] = int(manifest["n_designs"])
    doc["complete"] = doc["n_designs"] == doc["n_designs_expected"]
    if not doc["complete"]:
        sys.stderr.write(f"warning: partial sweep: {doc['n_designs']:,} of {doc['n_designs_expected']:,} "
                         f"designs are finished in {out}; the front is that of these only (rerun "
                         f"`lpt sweep` on its file with --out {out} to finish).\n")
    if plot is not None:
        doc["plot"] = str(plot_front(df, objs, mask, plot))
    if not json_out:
        _print_front(doc, limit)
    return doc


def _print_front(doc: dict, limit: int) -> None:
    from rich.table import Table

    con = console()
    objs = esc(", ".join(f"{o['column']} ({o['sense']})" for o in doc["objectives"]))
    partial = "" if doc["complete"] else f" (a partial sweep of {doc['n_designs_expected']:,})"
    con.print(f"[bold]{doc['n_front']:,}[/bold] non-dominated of {doc['n_designs']:,} designs{partial} — {objs}")
    if not doc["front"]:
        return
    t = Table(show_header=True)
    keys = list(doc["front"][0])
    for k in keys:
        # 'interfaces.anode.loading_uL_cm2' → 'anode.loading_uL_cm2'
        t.add_column(esc(".".join(k.split(".")[-2:])), justify="left" if k == "safety_class" else "right")
    for rec in doc["front"][:limit]:
        t.add_row(*[f"{v:.4g}" if isinstance(v, float) else esc(v) for v in rec.values()])
    con.print(t)
    if len(doc["front"]) > limit:
        con.print(f"… {len(doc['front']) - limit:,} more (use --json for all)")
    if "plot" in doc:
        con.print(f"plot: {esc(doc['plot'])}")


@app.command("run")
def run(
    sweep: Path = typer.Argument(..., help="Sweep TOML file (base design, [sampling], [vary], [outputs])."),
    out: Path = typer.Option(..., "--out", help="Folder for the Parquet chunks (reruns skip finished chunks)."),
    workers: int = typer.Option(None, "--workers", min=0,
                                help="Local Dask worker processes (default: one per CPU; 0 = in this process)."),
    scheduler: str = typer.Option(None, "--scheduler", help="Address of a running Dask scheduler, e.g. tcp://host:8786."),
    pareto: bool = typer.Option(False, "--pareto", help="Afterwards, rank the results' Pareto front."),
    objectives: list[str] = typer.Option(None, "--objectives", help="With --pareto: COL:min,COL:max ..."),
    plot: Path = typer.Option(None, "--plot", help="With --pareto: write the front to this .png/.pdf/.svg."),
    json: bool = typer.Option(False, "--json", help="Print one JSON document."),
    parameters: Path = parameters_option(),
) -> None:
    """Expand a sweep file, evaluate its designs in chunks on Dask, write one Parquet file per chunk."""
    use_parameters(parameters)
    from lpt.errors import LptError
    from lpt.sweep.run import run_sweep

    if workers is not None and workers > MAX_LOCAL_WORKERS:
        raise LptError(f"--workers must be between 0 and {MAX_LOCAL_WORKERS} (local worker processes), "
                       f"got {workers}.")
    if scheduler and workers is not None:
        raise LptError("--workers applies to the local cluster; with --scheduler the cluster's workers are used.")
    summary = run_sweep(sweep, out, workers=workers, scheduler=scheduler, progress=True)
    doc = summary.to_json()
    if not json:
        err_console().print(
            f"{doc['n_designs']:,} designs in {doc['n_chunks']} chunks → {esc(out)}: "
            f"{doc['computed_chunks']} computed, {doc['skipped_chunks']} already there "
            f"({doc['wall_s']:.1f} s).")
    if pareto:
        doc["pareto"] = _pareto(out, objectives, plot, json, limit=20)
    elif objectives or plot:
        raise LptError("--objectives and --plot need --pareto (or use `lpt sweep pareto DIR`).")
    if json:
        print_json(doc)


@app.command("pareto")
def pareto_cmd(
    out: Path = typer.Argument(..., help="A folder written by `lpt sweep`."),
    objectives: list[str] = typer.Option(
        None, "--objectives",
        help="Columns to optimize, COL:min or COL:max, comma-separated or repeated "
             "(default: asr_total_ohm_cm2:min, energy density:max, flammable_liquid_mg_Wh:min, "
             "cycle_life_cycles:max when present)."),
    plot: Path = typer.Option(None, "--plot", help="Write the Pareto front plot (.png, .pdf or .svg)."),
    limit: int = typer.Option(20, "--limit", min=1, help="Rows of the front to print (without --json)."),
    json: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Rank the non-dominated designs of a sweep's results and plot the front."""

    doc = _pareto(out, objectives, plot, json, limit)
    if json:
        print_json(doc)

