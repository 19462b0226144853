"""Cycling: a fast single-particle model of Li-metal | SSE | composite-cathode cells.

Vectorized over designs (one array entry per design), agreeing with PyBaMM's half-cell
SPM on the cases both describe (tests/test_cycling_pybamm.py) and far faster.  Equations,
numerics and references: ``docs/cycling.md``.

>>> from lpt.cycling import cell_parameters, simulate, ConstantInterface
>>> cells = cell_parameters("LFP", loading_mg_cm2=5.0, electrolyte="LATP", sse_thickness_um=500)
>>> res = simulate(cells, "Charge at C/10 until 3.8 V; Discharge at C/10 until 2.5 V", 3,
...                ConstantInterface(asr_anode_ohm_cm2=90.0, utilization=0.9))
>>> res.discharge_capacity_mAh_g.shape
(1, 3)
"""

from lpt.cycling.cell import CellParameters, cell_parameters, cells_from_designs, concat
from lpt.cycling.interface_hook import ConstantInterface, InterfaceHook, InterfaceState, interface_state
from lpt.cycling.model import END_OF_LIFE_CAPACITY_FRACTION, END_REASONS, CyclingResult, end_of_life_cycle, simulate
from lpt.cycling.ocv import ocv_curve, practical_window
from lpt.cycling.protocol import Protocol, Step, parse_protocol, parse_step

__all__ = [
    "END_OF_LIFE_CAPACITY_FRACTION", "END_REASONS", "CellParameters", "ConstantInterface", "CyclingResult", "InterfaceHook",
    "InterfaceState", "Protocol", "Step", "cell_parameters", "cells_from_designs", "concat",
    "end_of_life_cycle", "interface_state", "ocv_curve", "parse_protocol", "parse_step", "practical_window", "simulate",
]
