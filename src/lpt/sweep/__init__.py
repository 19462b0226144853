"""Design sweeps (DESIGN.md "Sweeps"; docs/sweeps.md).

>>> from lpt.sweep import load_sweep, expand, run_sweep, load_results, pareto_front
>>> summary = run_sweep("examples/sweeps/latp_liquids.toml", "out/latp", workers=2)
>>> front = pareto_front(load_results("out/latp"))
"""

from lpt.sweep.chunk import ChunkSpec, evaluate_chunk
from lpt.sweep.pareto import default_objectives, load_results, pareto_front, pareto_ranks, plot_front
from lpt.sweep.run import RunSummary, run_sweep, write_parquet
from lpt.sweep.spec import OUTPUTS, Plan, Sweep, expand, load_sweep

__all__ = [
    "OUTPUTS", "ChunkSpec", "Plan", "RunSummary", "Sweep", "default_objectives", "evaluate_chunk",
    "expand", "load_results", "load_sweep", "pareto_front", "pareto_ranks", "plot_front", "run_sweep",
    "write_parquet",
]
