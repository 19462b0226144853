"""Critical current density: the current of a stepped plating/stripping ramp at which a
symmetric cell shorts or loses its contact, for one design or a map over stack pressure
and temperature (one vectorized run over all points)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from itertools import product


from lpt.design import Design
from lpt.errors import LptError
from lpt.symmetric.cell import simulate_symmetric
from lpt.symmetric.protocol import ccd_protocol

DEFAULT_STEP_MA_CM2 = 0.1
DEFAULT_CAPACITY_MAH_CM2 = 0.5
MAX_MAP_POINTS = 1000           # pressures × temperatures run at once (memory: points × ramp cycles)


def critical_current_density(designs: Sequence[Design], *, step_mA_cm2: float = DEFAULT_STEP_MA_CM2,
                             capacity_mAh_cm2: float | None = None, start_mA_cm2: float | None = None,
                             half_cycle_h: float | None = None, untreated: bool = False,
                             progress=None) -> dict:
    """CCD of each design (mA cm⁻², the current of the failing step; NaN if it never failed
    within the ramp's cycle cap) and how the run ended. Each half-cycle passes
    ``capacity_mAh_cm2`` (default 0.5 mAh cm⁻²) or lasts ``half_cycle_h`` hours.
    ``progress(done, total)`` counts the designs whose ramp has ended."""
    if capacity_mAh_cm2 is None and half_cycle_h is None:
        capacity_mAh_cm2 = DEFAULT_CAPACITY_MAH_CM2
    res = simulate_symmetric(designs, ccd_protocol(step_mA_cm2, capacity_mAh_cm2, start_mA_cm2,
                                                   half_cycle_h=half_cycle_h),
                             untreated=untreated, progress=progress)
    return {"ccd_mA_cm2": res.failure_current_mA_cm2, "end_reason": res.end_reason, "wall_s": res.wall_s,
            "protocol": res.protocol}


def ccd_map(design: Design, pressures_MPa: Sequence[float] | None = None,
            temperatures_C: Sequence[float] | None = None, untreated: bool = False, progress=None,
            **ramp) -> dict:
    """CCD over pressure × temperature (the design's own values where a list is not given):
    ``{"design", "protocol" (the ramp as a sentence), "points": [{"pressure_MPa", "temperature_C",
    "ccd_mA_cm2", "end_reason", "at_first_step"}], "wall_s"}`` (``at_first_step``: the ramp failed at its first current, so the CCD is at most
    that value)."""
    pressures = [design.stack_pressure_MPa] if not pressures_MPa else [float(p) for p in pressures_MPa]
    temps = [design.temperature_C] if not temperatures_C else [float(t) for t in temperatures_C]
    for p in pressures:
        if not 0.0 <= p <= 500.0:
            raise LptError(f"--pressure-mpa {p:g} is outside 0 to 500 MPa.")
    for t in temps:
        if not -40.0 <= t <= 200.0:
            raise LptError(f"--temperature-c {t:g} is outside -40 to 200 °C.")
    if len(pressures) * len(temps) > MAX_MAP_POINTS:
        raise LptError(f"the CCD grid has {len(pressures) * len(temps)} points ({len(pressures)} pressures × "
                       f"{len(temps)} temperatures); at most {MAX_MAP_POINTS} run at once, so split the "
                       "pressures or temperatures over several runs.")
    grid = list(product(pressures, temps))
    designs = [replace(design, stack_pressure_MPa=p, temperature_C=t) for p, t in grid]
    out = critical_current_density(designs, untreated=untreated, progress=progress, **ramp)
    # a ramp that fails at its first current bounds the CCD from above only
    first = ramp.get("start_mA_cm2") or ramp.get("step_mA_cm2", DEFAULT_STEP_MA_CM2)
    points = [{"pressure_MPa": p, "temperature_C": t, "ccd_mA_cm2": float(out["ccd_mA_cm2"][k]),
               "end_reason": str(out["end_reason"][k]),
               "at_first_step": bool(abs(float(out["ccd_mA_cm2"][k]) - first) <= 1e-9 * first)}
              for k, (p, t) in enumerate(grid)]
    return {"design": design.name, "protocol": out["protocol"], "points": points, "wall_s": out["wall_s"]}
