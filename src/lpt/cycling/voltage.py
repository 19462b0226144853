"""The cell voltage, written once, and the per-design coefficients it is evaluated with.

With the discharge current density ``I`` > 0 (A m⁻² of electrode)::

    V = U_c(y_s) − [U_a + η_a + I R_series] − η_c − η_e
    η_a = (2RT/F) asinh(I / 2 i₀,a)
    η_c = (2RT/F) asinh(j_c / 2 i₀,c(y_s)),   j_c = I R_p / (3 u V_act)
    i₀,c(y_s) = i₀,c(½) · 2 sqrt(y_s (1 − y_s))

(symmetric Butler–Volmer, PyBaMM's ``sqrt(c(c_max − c))`` exchange current; equations and
references in ``docs/cycling.md``).  ``R_series`` holds the SSE, the interface ASRs and
the pore liquid's ohmic drop; ``η_e`` is the pore liquid's concentration overpotential
(:mod:`lpt.cycling.electrolyte`, 0 unless it polarizes).  The bracket depends on the current only, so a
constant-current step computes it once (:func:`series_drop_V`) and evaluates
:func:`cell_voltage` at many surface states.  Every step type — constant current (batched
and one-design), constant-voltage current solves, rest — goes through these functions;
``ops`` selects NumPy (arrays) or :mod:`math` (one design in plain floats, where a NumPy
call costs more than the arithmetic) with the same operations in the same order.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any, NamedTuple

import numpy as np

from lpt.constants import (
    A_M2_PER_MA_CM2, F_C_MOL, M2_PER_CM2, R_J_MOLK, SECONDS_PER_HOUR, arrhenius,
)
from lpt.cycling.cell import CellParameters, sse_resistance_ohm_m2
from lpt.cycling.electrolyte import transport_coefficients
from lpt.cycling.interface_hook import InterfaceState
from lpt.cycling.ocv import OCV_GRID
from lpt.cycling.protocol import Current

Y_EPS = 1e-9  # the surface lithiation is clipped to [Y_EPS, 1 − Y_EPS] in i₀,c


class Ops(NamedTuple):
    asinh: Any
    sqrt: Any
    minimum: Any
    maximum: Any


ARRAY_OPS = Ops(np.arcsinh, np.sqrt, np.minimum, np.maximum)
FLOAT_OPS = Ops(math.asinh, math.sqrt, min, max)


@dataclass
class StepCoefficients:
    """Per-design quantities of the designs running a step (SI), fixed over the step.

    Arrays of the designs ``idx``; :meth:`scalars` gives one design's as Python floats.
    """

    idx: np.ndarray
    T_K: np.ndarray
    dtau_per_s: np.ndarray         # D(T)/R²: dimensionless particle time per second
    g_per_A_m2: np.ndarray         # particle-surface gradient (dimensionless) per A m⁻²
    dy_per_C_m2: np.ndarray        # change of mean lithiation per C m⁻² passed
    j_per_I: np.ndarray            # particle-surface current density per electrode current density
    inv_2i0c_m2_A: np.ndarray      # 1/(2 i₀,c(T)) at y_s = ½ (divided by 2 sqrt(y_s(1−y_s)) at use)
    inv_2i0a_m2_A: np.ndarray      # 1/(2 i₀,a(T))
    two_rt_F_V: np.ndarray         # 2RT/F
    r_series_ohm_m2: np.ndarray    # SSE + interface ASRs
    anode_potential_V: np.ndarray
    ocv_base: np.ndarray           # offset of the design's cathode in the flat OCV table
    e_dtau_per_s: np.ndarray       # pore liquid (lpt.cycling.electrolyte): D_eff/(ε L²)
    e_q_per_A_m2: np.ndarray       # its dimensionless inflow q per A m⁻²
    e_concentration_V: np.ndarray  # (2RT/F)(1 − t⁺): prefactor of its concentration overpotential

    def subset(self, rows: np.ndarray) -> "StepCoefficients":
        return StepCoefficients(**{k: v[rows] for k, v in vars(self).items()})

    def scalars(self, i: int = 0) -> "StepCoefficients":
        """Design ``i``'s values as Python floats (``idx`` and ``ocv_base`` as ints)."""
        out = {f.name: getattr(self, f.name)[i].item() for f in fields(self)}
        return StepCoefficients(**out)


def step_coefficients(cells: CellParameters, idx: np.ndarray, T_K: np.ndarray,
                      iface: InterfaceState) -> StepCoefficients:
    """The coefficients of designs ``idx`` at temperatures ``T_K`` with interfaces ``iface``."""
    c = cells
    u = np.maximum(iface.utilization[idx], 1e-6)
    R = c.particle_radius_m[idx]
    D = c.diffusivity_m2_s[idx] * arrhenius(c.diffusivity_Ea_eV[idx], T_K)
    dy_per_C = (c.y_discharged[idx] - c.y_charged[idx]) / (u * c.capacity_C_m2[idx])
    if iface.asr_bulk_ohm_cm2 is not None:
        bulk = iface.asr_bulk_ohm_cm2[idx] * M2_PER_CM2
    else:
        bulk = sse_resistance_ohm_m2(c.sse_thickness_m[idx], c.sse_conductivity_S_m[idx], c.sse_Ea_eV[idx], T_K)
    i0c = c.i0_cathode_A_m2[idx] * arrhenius(c.i0_cathode_Ea_eV[idx], T_K)
    i0a = c.i0_anode_A_m2[idx] * arrhenius(c.i0_anode_Ea_eV[idx], T_K)
    two_rt_F = 2.0 * R_J_MOLK * T_K / F_C_MOL
    e_dtau, e_q, e_conc, e_ohmic = transport_coefficients(
        c.cathode_thickness_m[idx], c.cathode_porosity[idx], c.electrolyte_c0_mol_m3[idx],
        c.transference_number[idx], c.electrolyte_diffusivity_m2_s[idx], c.electrolyte_conductivity_S_m[idx],
        arrhenius(c.electrolyte_Ea_eV[idx], T_K), two_rt_F, c.electrolyte_current_share[idx],
        c.network_conductivity_S_m[idx])
    return StepCoefficients(
        idx=idx, T_K=T_K, dtau_per_s=D / R**2,
        g_per_A_m2=R**2 * dy_per_C / (3.0 * D),
        dy_per_C_m2=dy_per_C,
        j_per_I=R / (3.0 * u * c.active_volume_m[idx]),
        inv_2i0c_m2_A=0.5 / i0c, inv_2i0a_m2_A=0.5 / i0a, two_rt_F_V=two_rt_F,
        r_series_ohm_m2=(bulk + (iface.asr_anode_ohm_cm2[idx] + iface.asr_cathode_ohm_cm2[idx]) * M2_PER_CM2
                         + e_ohmic),
        anode_potential_V=c.anode_potential_V[idx], ocv_base=c.ocv_index[idx] * OCV_GRID,
        e_dtau_per_s=e_dtau, e_q_per_A_m2=e_q, e_concentration_V=e_conc,
    )


def current_A_m2(cells: CellParameters, current: Current, idx: np.ndarray) -> np.ndarray:
    """A protocol current (C-rate, mA cm⁻², mA g⁻¹ or mA) as A m⁻² for designs ``idx``."""
    if current.unit == "C":
        return current.value * cells.capacity_C_m2[idx] / SECONDS_PER_HOUR
    if current.unit == "mA_cm2":
        return np.full(idx.size, current.value * A_M2_PER_MA_CM2)
    if current.unit == "mA_g":
        return current.value * cells.loading_kg_m2[idx]
    return current.value * 1e-3 / cells.area_m2[idx]


def series_drop_V(b: StepCoefficients, current, ops: Ops = ARRAY_OPS):
    """``U_a + η_a + I R_series``: the part of the voltage set by the current alone."""
    return b.anode_potential_V + b.two_rt_F_V * ops.asinh(current * b.inv_2i0a_m2_A) + current * b.r_series_ohm_m2


def cathode_asinh_numerator(b: StepCoefficients, current):
    """``j_c / 2 i₀,c(½)`` halved: the cathode's asinh argument is this over sqrt(y_s(1−y_s))."""
    return 0.5 * current * b.j_per_I * b.inv_2i0c_m2_A


def cell_voltage(b: StepCoefficients, u_c, ys, drop, xc_num, ops: Ops = ARRAY_OPS, *, slope=None, current=None,
                 electrolyte_V=None):
    """The cell voltage at surface lithiation ``ys`` (broadcast over rows).

    ``u_c`` is the OCV at ``ys``, ``drop`` :func:`series_drop_V` and ``xc_num``
    :func:`cathode_asinh_numerator` of the current; ``electrolyte_V`` the pore liquid's
    concentration overpotential (:func:`lpt.cycling.electrolyte.overpotential_V`, its
    ohmic drop is in ``r_series_ohm_m2``).  With the OCV's ``slope`` dU/dy also returns
    ∂V/∂y_s at fixed current; with ``current`` as well, ∂V/∂I at fixed y_s (both at a
    fixed electrolyte state: the caller adds that term's own derivative).
    """
    rt = b.two_rt_F_V
    y = ops.minimum(ops.maximum(ys, Y_EPS), 1.0 - Y_EPS)
    yy = y - y * y
    root = ops.sqrt(yy)
    xc = xc_num / root
    v = u_c - drop - rt * ops.asinh(xc)
    if electrolyte_V is not None:
        v = v - electrolyte_V
    if slope is None:
        return v
    sc = ops.sqrt(1.0 + xc * xc)
    # i₀,c depends on y_s too: d asinh(xc)/dy_s = −xc (1 − 2y) / (2y(1 − y)) / sqrt(1 + xc²)
    dv_dys = slope + rt * xc * (1.0 - 2.0 * y) / (2.0 * yy) / sc
    if current is None:
        return v, dv_dys
    xa = current * b.inv_2i0a_m2_A
    dv_dI = (-rt * (0.5 * b.j_per_I * b.inv_2i0c_m2_A / root / sc + b.inv_2i0a_m2_A / ops.sqrt(1.0 + xa * xa))
             - b.r_series_ohm_m2)
    return v, dv_dys, dv_dI


def voltage_V(ocv, b: StepCoefficients, ys, current, electrolyte_V=None):
    """The cell voltage at surface lithiation ``ys`` and ``current`` (arrays, broadcast
    over rows; ``ocv`` the batch's :class:`~lpt.cycling.ocv.OcvTables`)."""
    return cell_voltage(b, ocv.value(b.ocv_base, ys), ys, series_drop_V(b, current),
                        cathode_asinh_numerator(b, current), electrolyte_V=electrolyte_V)
