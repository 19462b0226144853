"""When a symmetric run ends inside a long step, its time is the moment the end condition
is met, not the end of the piece the simulator advanced by (docs/model.md §7, eq. 13 and 15)."""

from __future__ import annotations

import numpy as np
import pytest

import lpt.symmetric.cell as cell
from lpt.design import design_from_dict
from lpt.interface.mechanisms.li_metal import MIN_RETENTION, li_um_per_mAh_cm2
from lpt.parameters import parameters


def sym(sse="LPSCl", p=0.0, fab=265.0, sigma_e=None, limit_V=5.0):
    electrolyte = {"material": sse, "thickness_um": 800.0}
    if sigma_e is not None:
        electrolyte["electronic_conductivity_S_cm"] = sigma_e
    return design_from_dict({"name": "sym", "cell": "symmetric", "area_cm2": 1.0, "temperature_C": 25.0,
                             "stack_pressure_MPa": p, **({} if fab is None else {"fabrication_pressure_MPa": fab}), "electrolyte": electrolyte,
                             "anode": {"material": "Li", "thickness_um": 100.0},
                             "cycling": {"voltage_limit_V": limit_V}})


def eq13_detach_hours(i, supply, floor=MIN_RETENTION):
    """Eq. (13) without a liquid path and without creep: dρ/dt = −k (i/ρ − s), k = (V_m/F)/h_v,
    integrated in closed form from ρ = 1 to the floor."""
    k = li_um_per_mAh_cm2() / parameters().void_detach_depth_um
    return (-(1.0 - floor) / supply + i / supply**2 * np.log((i - supply * floor) / (i - supply))) / k


def test_unidirectional_stripping_loses_contact_at_eq13s_closed_form_time(monkeypatch):
    # Li stripped at twice the vacancy supply without stack pressure (Singh et al. 2022's
    # experiment): the contact is gone when eq. (13) says, whatever the pieces' length
    i = 0.2
    expected = eq13_detach_hours(i, parameters().void_limit_current_mA_cm2)
    times = []
    for chunk in (1.0, 0.25):
        monkeypatch.setattr(cell, "CHUNK_H", chunk)
        r = cell.simulate_symmetric([sym()], f"Strip at {i} mA cm-2 for 100 hours", 1)
        assert r.end_reason[0] == "contact_lost"
        times.append(float(r.time_h[0]))
    assert times[0] == pytest.approx(expected, rel=0.03)      # 16 explicit void steps per piece
    assert times[1] == pytest.approx(expected, rel=0.01)
    assert times[0] != pytest.approx(np.ceil(expected), abs=1e-3)   # not the end of the hour's piece


def test_a_leaking_flaw_shorts_when_it_reaches_its_griffith_depth(monkeypatch):
    # eq. (15) at a constant plating overpotential: the flaw lengthens at a rate ∝ σ_e, so the
    # time to short halves when σ_e doubles, exactly and whatever the pieces' length
    designs = [sym(sse="LLZO", p=50.0, fab=None, sigma_e=s) for s in (1e-4, 2e-4)]
    runs = []
    for chunk in (1.0, 0.05):
        monkeypatch.setattr(cell, "CHUNK_H", chunk)
        r = cell.simulate_symmetric(designs, "Plate at 2 mA cm-2 for 100 hours", 1)
        assert list(r.end_reason) == ["short_circuit", "short_circuit"]
        runs.append(r.time_h)
    assert runs[0] == pytest.approx(runs[1], rel=1e-9)
    assert runs[0][0] == pytest.approx(2.0 * runs[0][1], rel=1e-9)
    assert 1.0 < runs[0][1] < 100.0 and runs[0][0] % 1.0 > 1e-3
