"""Results of a sweep: load the Parquet chunks, rank non-dominated designs, plot the front.

A design is on the Pareto front when no other design is at least as good in every
objective and better in one.  Objectives are result columns with a sense (``min`` or
``max``); by default: total ASR (min), stack energy density (max, the delivered one
when the model's utilization is in the results), flammable liquid per Wh (min) and
cycle life (max) when present.  A design with a missing objective (NaN) is not
ranked (it is on no front).

The front is found by sorting the designs lexicographically (a dominating design
always comes first) and scanning them in blocks against the front found so far,
vectorized with NumPy: ``O(n · front)`` comparisons.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from lpt.errors import LptError, did_you_mean
from lpt.fileio import atomic_file
from lpt.sweep.manifest import read_manifest

# column → sense for the objectives a user can name without a sense
SENSES: dict[str, str] = {
    "asr_total_ohm_cm2": "min", "asr_anode_ohm_cm2": "min", "asr_cathode_ohm_cm2": "min",
    "bulk_ohm_cm2": "min", "ohmic_drop_V": "min",
    "gravimetric_energy_density_Wh_kg": "max", "volumetric_energy_density_Wh_L": "max",
    "delivered_gravimetric_energy_density_Wh_kg": "max", "delivered_volumetric_energy_density_Wh_L": "max",
    "cathode_utilization": "max", "capacity_mAh_cm2": "max", "delivered_capacity_mAh_cm2": "max",
    "delivered_specific_capacity_mAh_g": "max",
    "flammable_liquid_mg_Wh": "min", "flammable_liquid_mg_cm2": "min", "combustion_heat_J_Wh": "min",
    "flammable_combustion_heat_J_Wh": "min", "liquid_mg_cm2": "min", "liquid_cost_USD_Wh": "min",
    "cycle_life_cycles": "max", "stack_mass_mg_cm2": "min", "stack_thickness_um": "min",
}

# unit suffix of a column name → how an axis shows it
_UNITS = [
    ("_ohm_cm2", "Ω cm²"), ("_Wh_kg", "Wh kg⁻¹"), ("_Wh_L", "Wh L⁻¹"), ("_mg_Wh", "mg Wh⁻¹"),
    ("_J_Wh", "J Wh⁻¹"), ("_USD_Wh", "USD Wh⁻¹"), ("_mg_cm2", "mg cm⁻²"), ("_mAh_cm2", "mAh cm⁻²"),
    ("_mAh_g", "mAh g⁻¹"), ("_uL_cm2", "µL cm⁻²"), ("_um", "µm"), ("_V", "V"), ("_C", "°C"),
    ("_MPa", "MPa"), ("_cycles", "cycles"),
]


def axis_label(column: str) -> str:
    """'asr_total_ohm_cm2' → 'asr total (Ω cm²)'; fractions get '(–)'."""
    name = column.split(".")[-1]
    for suffix, unit in _UNITS:
        if name.endswith(suffix):
            return f"{name[: -len(suffix)].replace('_', ' ')} ({unit})"
    return f"{name.replace('_', ' ')} (–)"


def _chunk_files(out: Path, sweep_id: str) -> list[Path]:
    import hashlib

    files = []
    for p in sorted(out.glob("chunk-*.parquet")):
        if not p.is_file():  # a pipe or device under a chunk's name is no chunk (and would block a reader)
            continue
        parts = p.stem.split("-")
        if len(parts) == 3 and parts[1].isdigit():
            want = hashlib.sha256(f"{sweep_id}:{int(parts[1])}".encode()).hexdigest()[:16]
            if parts[2] == want:
                files.append(p)
    return files


def load_results(out_dir: str | Path) -> pd.DataFrame:
    """Every finished chunk of the sweep in ``out_dir``, one row per design, by design id."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = Path(out_dir)
    if not out.is_dir():
        raise LptError(f"{out}: no such sweep results folder (`lpt sweep SWEEP.toml --out {out}` writes one).")
    manifest = read_manifest(out)
    if manifest is None:
        raise LptError(f"{out}: has no sweep.json, so it is not the output of `lpt sweep`.")
    sweep_id = manifest["sweep_id"]
    files = _chunk_files(out, sweep_id)
    if not files:
        raise LptError(f"{out}: holds no finished chunk yet; run `lpt sweep` into it first.")
    table = pa.concat_tables([pq.read_table(f) for f in files], promote_options="permissive")
    df = table.to_pandas()
    return df.sort_values("design_id", kind="stable", ignore_index=True)


def default_objectives(df: pd.DataFrame) -> list[tuple[str, str]]:
    """ASR, energy density, flammable content and cycle life — those present in ``df``."""
    out = []
    for group in (("asr_total_ohm_cm2",),
                  ("delivered_gravimetric_energy_density_Wh_kg", "gravimetric_energy_density_Wh_kg"),
                  ("flammable_liquid_mg_Wh",), ("cycle_life_cycles",)):
        for col in group:
            if col in df:
                out.append((col, SENSES[col]))
                break
    if len(out) < 2:
        raise LptError("the results have fewer than two of the default objectives (ASR, energy density, "
                       "flammable content, cycle life); name them with --objectives.")
    return out


def parse_objectives(specs: list[str], df: pd.DataFrame) -> list[tuple[str, str]]:
    """'asr_total_ohm_cm2:min', 'gravimetric_energy_density_Wh_kg' (sense known) → pairs."""
    out = []
    for spec in specs:
        for item in (s.strip() for s in spec.split(",")):
            if not item:
                continue
            col, _, sense = item.partition(":")
            if col not in df:
                numeric = [c for c in df.columns if pd.api.types.is_numeric_dtype(df[c])]
                raise LptError(f"objective '{col}' is not a column of the results{did_you_mean(col, numeric)}; "
                               f"numeric columns: {', '.join(numeric)}.")
            sense = sense or SENSES.get(col, "")
            if sense not in ("min", "max"):
                raise LptError(f"objective '{item}' needs a sense: write '{col}:min' or '{col}:max'.")
            if not pd.api.types.is_numeric_dtype(df[col]):
                raise LptError(f"objective '{col}' is not a numeric column.")
            out.append((col, sense))
    if len(out) < 2:
        raise LptError("a Pareto front needs at least two objectives.")
    return out


def _matrix(df: pd.DataFrame, objectives: list[tuple[str, str]]) -> tuple[np.ndarray, np.ndarray]:
    """Objectives as columns to minimize, and which rows have all of them."""
    cols = []
    for col, sense in objectives:
        v = df[col].to_numpy(dtype=float)
        cols.append(-v if sense == "max" else v)
    M = np.column_stack(cols)
    return M, ~np.isnan(M).any(axis=1)


def _dominates(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """[i, j]: row a[i] dominates row b[j] (all ≤, one <), for minimization."""
    le = np.ones((len(a), len(b)), bool)
    lt = np.zeros((len(a), len(b)), bool)
    for c in range(a.shape[1]):
        x, y = a[:, c][:, None], b[:, c][None, :]
        le &= x <= y
        lt |= x < y
    return le & lt


def _front_mask(M: np.ndarray, block: int = 1024) -> np.ndarray:
    n = len(M)
    order = np.lexsort(M.T[::-1])
    S = M[order]
    keep = np.zeros(n, bool)
    front = np.empty((0, M.shape[1]))
    for start in range(0, n, block):
        blk = S[start:start + block]
        dom = np.zeros(len(blk), bool)
        for f0 in range(0, len(front), 4 * block):
            dom |= _dominates(front[f0:f0 + 4 * block], blk).any(axis=0)
        dom |= _dominates(blk, blk).any(axis=0)
        keep[start:start + len(blk)] = ~dom
        front = np.concatenate([front, blk[~dom]])
    mask = np.zeros(n, bool)
    mask[order[keep]] = True
    return mask


def pareto_front(df: pd.DataFrame, objectives: list[tuple[str, str]] | None = None) -> np.ndarray:
    """Boolean mask of the non-dominated designs of ``df``."""
    objectives = objectives or default_objectives(df)
    M, ok = _matrix(df, objectives)
    mask = np.zeros(len(df), bool)
    mask[np.flatnonzero(ok)[_front_mask(M[ok])]] = True
    return mask


def pareto_ranks(df: pd.DataFrame, objectives: list[tuple[str, str]] | None = None,
                 max_rank: int = 3) -> np.ndarray:
    """Non-domination rank (1 = the front, 2 = the front once it is removed, ...); 0 beyond ``max_rank``."""
    objectives = objectives or default_objectives(df)
    M, ok = _matrix(df, objectives)
    rank = np.zeros(len(df), np.int64)
    left = np.flatnonzero(ok)
    for r in range(1, max_rank + 1):
        if not len(left):
            break
        m = _front_mask(M[left])
        rank[left[m]] = r
        left = left[~m]
    return rank


def plot_front(df: pd.DataFrame, objectives: list[tuple[str, str]], mask: np.ndarray, path: str | Path,
               title: str = "", max_points: int = 50_000) -> Path:
    """The first objective against each other one: all designs (grey) and the front (red)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path = Path(path)
    if path.suffix.lower() not in (".png", ".pdf", ".svg"):
        raise LptError(f"--plot {path}: the plot file must end in .png, .pdf or .svg.")
    x_col = objectives[0][0]
    others = objectives[1:]
    fig, axes = plt.subplots(1, len(others), figsize=(4.6 * len(others), 4.0), squeeze=False)
    rng = np.random.default_rng(0)
    rest = np.flatnonzero(~mask)
    if len(rest) > max_points:
        rest = np.sort(rng.choice(rest, max_points, replace=False))
    front = np.flatnonzero(mask)
    x = df[x_col].to_numpy(dtype=float)
    for ax, (y_col, sense) in zip(axes[0], others):
        y = df[y_col].to_numpy(dtype=float)
        ax.scatter(x[rest], y[rest], s=4, c="0.75", lw=0, label="designs", rasterized=True)
        order = front[np.argsort(x[front])]
        ax.scatter(x[order], y[order], s=12, c="tab:red", lw=0, label="Pareto front")
        ax.set_xlabel(f"{axis_label(x_col)} [{objectives[0][1]}]")
        ax.set_ylabel(f"{axis_label(y_col)} [{sense}]")
        finite = x[np.isfinite(x)]
        if len(finite) and finite.min() > 0 and finite.max() / finite.min() > 100:
            ax.set_xscale("log")
        yf = y[np.isfinite(y)]
        if len(yf) and yf.min() > 0 and yf.max() / yf.min() > 100:
            ax.set_yscale("log")
        ax.grid(alpha=0.3)
    axes[0][0].legend(loc="best", fontsize=8)
    fig.suptitle(title or f"Pareto front of {len(df):,} designs ({mask.sum():,} non-dominated)", fontsize=10)
    fig.tight_layout()
    try:
        with atomic_file(path, binary=True, what="plot") as fh:
            fig.savefig(fh, format=path.suffix[1:].lower(), dpi=150)
    finally:
        plt.close(fig)
    return path
