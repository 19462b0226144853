"""What ``lpt data summarize | convert | plot`` do, as plain functions.

The CLI module parses arguments, calls these and prints; nothing here prints.
"""

from __future__ import annotations

import os
import tempfile
import warnings
from pathlib import Path

import numpy as np

from lpt.errors import LptError
from lpt.io.analysis import CapacityMismatchWarning, cycle_summary, dqdv
from lpt.io.bdf import write_bdf
from lpt.io.cycling import read_cycling

_EXTRA_KEYS = ("charge_energy_Wh", "discharge_energy_Wh", "mean_charge_voltage_V",
               "mean_discharge_voltage_V", "voltage_hysteresis_V",
               "charge_capacity_integrated_mAh", "discharge_capacity_integrated_mAh",
               "start_time_s", "end_time_s")


def summarize(path: str | Path) -> dict:
    """The JSON document of ``lpt data summarize FILE --json`` (units in every key)."""
    table = read_cycling(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CapacityMismatchWarning)    # kept in "notes"
        summary = cycle_summary(table)
    cycles = []
    for row in summary.itertuples(index=False):
        item = {"cycle": int(row.cycle), "charge_capacity_mAh": float(row.charge_capacity_mAh),
                "discharge_capacity_mAh": float(row.discharge_capacity_mAh),
                "coulombic_efficiency": _number(row.coulombic_efficiency)}
        item.update({key: _number(getattr(row, key)) for key in _EXTRA_KEYS})
        cycles.append(item)
    return {"file": str(path), "format": table.attrs["format"], "instrument": table.attrs["instrument"],
            "rows": int(len(table)), "capacity_source": table.attrs["capacity_source"],
            "coulombic_efficiency_definition": summary.attrs["efficiency"],
            "current_sign": "positive on charge", "notes": summary.attrs["notes"],
            "warnings": [n for n in summary.attrs["notes"] if n.startswith("WARNING")],
            "cycles": cycles}


def convert(path: str | Path, out: str | Path, to: str = "bdf") -> tuple[Path, list[str]]:
    """Write FILE as a BDF CSV at ``out`` (atomically; never over the input); returns the
    path written and the reader's notes (what it assumed or skipped)."""
    if to.lower() != "bdf":
        raise LptError(f'--to {to}: the only output format is "bdf".')
    table = read_cycling(path)
    return write_bdf(table, out, inputs=(path,)), list(table.attrs.get("notes", []))


def plot(path: str | Path, out: str | Path) -> tuple[Path, list[str]]:
    """A PNG with voltage vs time, capacity and CE vs cycle, and dQ/dV of the first
    full cycle and the last one (written atomically); returns the path written and the
    reader's notes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path(out)
    if Path(path).exists() and out.exists() and os.path.samefile(path, out):
        raise LptError(f"{out}: refusing to overwrite the input file; choose another --out.")
    table = read_cycling(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CapacityMismatchWarning)
        summary = cycle_summary(table)
    fig, axes = plt.subplots(2, 2, figsize=(11, 8), constrained_layout=True)
    ax = axes[0, 0]
    ax.plot(table["test_time_second"] / 3600.0, table["voltage_volt"], lw=0.8)
    ax.set(xlabel="time (h)", ylabel="voltage (V)", title=Path(path).name)
    ax = axes[0, 1]
    ax.plot(summary["cycle"], summary["charge_capacity_mAh"], "o-", label="charge")
    ax.plot(summary["cycle"], summary["discharge_capacity_mAh"], "s-", label="discharge")
    ax.set(xlabel="cycle", ylabel="capacity (mAh)")
    ax.legend()
    ax = axes[1, 0]
    ax.plot(summary["cycle"], 100 * summary["coulombic_efficiency"], "o-")
    ax.set(xlabel="cycle", ylabel=f"coulombic efficiency (%, {summary.attrs['efficiency']})")
    ax = axes[1, 1]
    full = summary.loc[np.isfinite(summary["coulombic_efficiency"]), "cycle"].to_list()
    for cycle in dict.fromkeys(full[:1] + full[-1:]):
        for direction in ("charge", "discharge"):
            try:
                curve = dqdv(table, cycle, direction)
            except LptError:
                continue
            ax.plot(curve["voltage_V"], curve["dqdv_mAh_V"], lw=0.9, label=f"cycle {cycle} {direction}")
    ax.set(xlabel="voltage (V)", ylabel="dQ/dV (mAh/V)")
    values = np.concatenate([line.get_ydata() for line in ax.lines]) if ax.lines else np.array([])
    values = values[np.isfinite(values)]
    if values.size:
        low, high = np.percentile(values, [1, 99])
        ax.set_ylim(low - 0.1 * (high - low), high + 0.1 * (high - low))
    if ax.lines:
        ax.legend(fontsize=8)
    handle, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".png", dir=out.parent if out.parent.exists() else None)
    os.close(handle)
    try:
        fig.savefig(tmp, dpi=120)
        os.replace(tmp, out)
    finally:
        plt.close(fig)
        Path(tmp).unlink(missing_ok=True)
    return out, list(table.attrs.get("notes", []))


def _number(value) -> float | None:
    value = float(value)
    return value if np.isfinite(value) else None
