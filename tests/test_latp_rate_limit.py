"""What limits the LATP | LFP hybrid cell (Table 1) at 4C.

Facts checked, each a line of the breakdown in docs/validation.md: solid diffusion in the
LFP particles sets the 4C capacity (a fast diffusivity recovers it, removing the interface
resistances or the pore liquid's polarization does not); a cycle cannot give back more
than its charge put in, so at 4C charge *and* discharge the constant-current charge, cut
at 4.0 V, bounds the discharge; a slow charge before the same 4C discharge gives more.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from lpt.constants import ZERO_CELSIUS_K
from lpt.cycling import cells_from_designs, simulate
from lpt.cycling.life import InterfaceModelHook, default_protocol, simulate_designs
from lpt.design import load_design
from lpt.interface import build_inputs

ROW = Path(__file__).resolve().parents[1] / "examples" / "table1" / "latp_carbonate_lfp.toml"


def _at(c_rate: float):
    d = load_design(ROW)
    return d.with_(cycling=replace(d.cycling, protocol=None, c_rate=c_rate))


def _best_discharge(design, cell_changes=None, hook_values=None) -> float:
    cells = cells_from_designs([design])
    if cell_changes:
        cells = cells.with_(**{k: f(cells) for k, f in cell_changes.items()})
    hook = InterfaceModelHook(build_inputs([design]))

    def patched(**kw):
        out = dict(hook(**kw))
        out.update({k: np.full(1, v) for k, v in (hook_values or {}).items()})
        return out

    res = simulate(cells, default_protocol(design), 3, patched,
                   temperature_K=np.array([design.temperature_C + ZERO_CELSIUS_K]))
    return float(np.nanmax(res.discharge_capacity_mAh_g[0]))


@pytest.fixture(scope="module")
def at_4c() -> float:
    return _best_discharge(_at(4.0))


def test_a_fast_lfp_diffusivity_recovers_the_4c_capacity_of_the_latp_cell(at_4c):
    fast = _best_discharge(_at(4.0), {"diffusivity_m2_s": lambda c: c.diffusivity_m2_s * 1e4})
    assert fast > 150.0 > at_4c + 60.0   # 157 vs 75 mAh/g: diffusion is the limit


def test_removing_the_interface_resistances_hardly_moves_the_4c_capacity(at_4c):
    bare = _best_discharge(_at(4.0), hook_values={"asr_anode_ohm_cm2": 0.0, "asr_cathode_ohm_cm2": 0.0})
    assert abs(bare - at_4c) < 3.0       # 150 Ohm cm2 at 1.3 mA/cm2 is 0.2 V of 0.9 V headroom


def test_an_ideal_pore_liquid_does_not_move_the_4c_capacity(at_4c):
    ideal = _best_discharge(_at(4.0), {"electrolyte_diffusivity_m2_s": lambda c: np.inf,
                                       "electrolyte_conductivity_S_m": lambda c: np.inf,
                                       "transference_number": lambda c: 1.0})
    assert abs(ideal - at_4c) < 1.0


def test_at_4c_the_discharge_gives_back_no_more_than_the_4c_charge_put_in():
    res, _ = simulate_designs([_at(4.0)], 3)
    ch, dis = res.charge_capacity_mAh_g[0], res.discharge_capacity_mAh_g[0]
    # cycles 2 and 3 start from the state the previous discharge left
    assert np.all(dis[1:] <= ch[1:] * (1.0 + 1e-9))
    assert ch[1] < 0.6 * 160.0           # the CC charge to 4.0 V stops far short of full


def test_a_slow_charge_before_the_4c_discharge_delivers_more_than_a_4c_charge(at_4c):
    d = load_design(ROW)
    slow, _ = simulate_designs([d], 3, protocol="Charge at 1C until 4.0 V; Discharge at 4C until 2.5 V")
    after_1c = float(np.nanmax(slow.discharge_capacity_mAh_g[0]))
    assert after_1c > at_4c + 20.0       # 103 vs 75 mAh/g
