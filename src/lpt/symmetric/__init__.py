"""Li|SSE|Li symmetric cells: plating/stripping protocols, overpotential over time, and
critical current densities (docs/model.md §7; docs/cli.md "Symmetric cells").

>>> from lpt.design import load_design
>>> from lpt.symmetric import simulate_symmetric
>>> r = simulate_symmetric([load_design("examples/literature/doux2020_lpscl_5mpa.toml")],
...                        "Plate at 0.1 mA cm-2 for 1 hour; Strip at 0.1 mA cm-2 for 1 hour", 10)
"""

from __future__ import annotations

from lpt.symmetric.cell import SymmetricResult, half_cells, simulate_symmetric
from lpt.symmetric.ccd import ccd_map, critical_current_density
from lpt.symmetric.protocol import SymmetricProtocol, ccd_protocol, parse_symmetric_protocol

__all__ = ["SymmetricProtocol", "SymmetricResult", "ccd_map", "ccd_protocol", "critical_current_density",
           "half_cells", "parse_symmetric_protocol", "simulate_symmetric"]
