"""Life: the cycling model driven by the evolving interface model.

Facts checked: the adaptive interface update agrees with an update every cycle; a
design's life does not depend on the batch it runs in; the liquid is consumed and
the interface resistance grows; cycle_life groups designs by protocol correctly.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from lpt.cycling import cells_from_designs, simulate
from lpt.cycling.life import InterfaceModelHook, cycle_life, default_protocol, simulate_designs
from lpt.design import load_design
from lpt.interface import build_inputs

TABLE1 = Path(__file__).resolve().parents[1] / "examples" / "table1"


# (llzto_bmptfsi_ncm811 no longer cycles: its neat ionic liquid carries no Li⁺ into the
# cast NCM811 electrode.)  Each case ends its own way: the liquid used up (LATP, LLZO|n-BuLi),
# the cut-off after a capacity cliff (LLZO|PEGMEA), a sloped TiS₂ curve that turns a
# voltage error into capacity more than LFP's plateau does (LGPS|DOL/DME).
@pytest.mark.parametrize("name, n_cycles", [("latp_carbonate_lfp", 1000), ("llzo_nbuli_lfp", 1000),
                                            ("llzo_pegmea_lfp", 1000), ("lgps_doldme_tis2", 300)])
def test_strided_interface_update_matches_update_every_cycle(name, n_cycles):
    # Between updates the hook hands over values extrapolated from the last two, with the
    # stride set so that they miss the exact ones by < 1 mV of cell voltage and each by
    # < 0.2 % relative.  1 mV moves a capacity by < 0.1 %, so the discharge
    # capacities must agree within 0.5 % with an update every cycle, and the cells must end
    # for the same reason at the same cycle (events are approached at a stride of 1).
    d = load_design(TABLE1 / f"{name}.toml")
    runs = []
    for stride in (1, 16):
        hook = InterfaceModelHook(build_inputs([d]), max_stride=stride)
        runs.append(simulate(cells_from_designs([d]), default_protocol(d), n_cycles, hook))
    every, strided = runs
    assert every.end_reason[0] == strided.end_reason[0]
    assert every.cycles_completed[0] == strided.cycles_completed[0]
    n = int(every.cycles_completed[0])
    # up to a capacity cliff (the ohmic drop crossing the cut-off headroom): there dQ/dV is
    # so steep that 1 mV moves the capacity by per cents, and the update every cycle is no
    # finer itself (one cycle's growth steps the capacity by more than 1 %), so the cycles
    # compared stop before the first that loses more than 1 % of the capacity at once
    cap_every = every.discharge_capacity_mAh_g[0, :n]
    cliff = np.nonzero(-np.diff(cap_every) > 0.01 * cap_every[:-1])[0]
    n = int(cliff[0]) + 1 if cliff.size else n
    assert n > 100
    np.testing.assert_allclose(strided.discharge_capacity_mAh_g[0, :n], cap_every[:n], rtol=5e-3)


def test_a_design_lives_the_same_alone_and_in_a_batch():
    d = load_design(TABLE1 / "latp_carbonate_lfp.toml")
    other = load_design(TABLE1 / "llzo_nbuli_lfp.toml").with_(cycling=d.cycling)
    alone, _ = simulate_designs([d], 60)
    batch, _ = simulate_designs([other, d, other], 60)
    # alone, the engine takes its one-design path (scalar Newton); in the batch, the
    # sampled bracket and regula falsi: both locate each step's end to 1e-12 of its length
    np.testing.assert_allclose(alone.discharge_capacity_mAh_g[0], batch.discharge_capacity_mAh_g[1], rtol=1e-10)
    np.testing.assert_allclose(alone.asr_anode_ohm_cm2[0], batch.asr_anode_ohm_cm2[1], rtol=1e-10)


def test_liquid_is_consumed_and_the_anode_resistance_grows_with_cycling():
    d = load_design(TABLE1 / "latp_carbonate_lfp.toml")
    res, _ = simulate_designs([d], 60)
    liquid = res.liquid_remaining_fraction[0]
    asr = res.asr_anode_ohm_cm2[0]
    assert liquid[0] == 1.0 and liquid[-1] < liquid[0]
    assert np.all(np.diff(liquid) <= 1e-12)
    assert asr[-1] > asr[1]


def test_the_dry_latp_cell_cannot_deliver_its_capacity():
    # Table 1: without the liquid the LATP|LFP cathode has only point contacts.
    d = load_design(TABLE1 / "latp_carbonate_lfp.toml")
    res, _ = simulate_designs([d], 5, untreated=True)
    assert res.end_reason[0] == "voltage_cutoff"
    assert res.discharge_capacity_mAh_g[0, 0] < 5.0


def test_cycle_life_groups_protocols_and_reports_per_design():
    a = load_design(TABLE1 / "latp_carbonate_lfp.toml")
    b = load_design(TABLE1 / "lgps_g3_lfp.toml")
    out = cycle_life([a, b, a], 20)
    assert out["cycles"].shape == (3,)
    assert out["cycles"][0] == out["cycles"][2]
    assert np.isclose(out["initial_capacity_mAh_g"][0], out["initial_capacity_mAh_g"][2])
    assert set(out["end_reason"]) <= {"completed", "capacity_threshold", "voltage_cutoff",
                                      "liquid_depleted", "short_circuit"}


def test_a_thin_li_anode_runs_out_of_lithium_to_the_sei_before_a_thick_one():
    # Li turned into SEI under the liquid leaves the anode's inventory: with 1 µm of Li
    # (0.21 mAh cm-2 of excess over the LFP's own Li) the excess is gone after ~50 cycles
    # at the carbonate's coulombic efficiency (98.3 %, ~4 µAh cm-2 per cycle on the
    # wetted area); 250 µm of Li never runs out in the same run.
    d = load_design(TABLE1 / "latp_carbonate_lfp.toml")
    thin = d.with_(anode=type(d.anode)(material="Li", thickness_um=1.0))
    res, _ = simulate_designs([d, thin], 80)
    cap = res.discharge_capacity_mAh_g
    assert cap[0, 79] > 0.95 * cap[0, 0]
    last = int(res.cycles_completed[1]) - 1
    assert cap[1, last] < 0.95 * cap[0, last]
    assert cap[1, last] < cap[1, last - 50] - 1.0     # still falling: Li-limited


def test_end_of_life_is_the_first_cycle_below_80_percent_of_the_first():
    from lpt.cycling import END_OF_LIFE_CAPACITY_FRACTION, end_of_life_cycle

    assert END_OF_LIFE_CAPACITY_FRACTION == 0.8          # the cycle-life testing convention
    caps = np.array([[100.0, 90.0, 81.0, 79.0, 10.0],    # crosses at cycle 4
                     [100.0, 99.0, 98.0, 97.0, 96.0],    # never
                     [100.0, 80.0, 70.0, np.nan, np.nan],  # exactly 80 % is not below: cycle 3
                     [np.nan] * 5])                      # ran no cycle
    eol = end_of_life_cycle(caps)
    assert eol[0] == 4 and np.isnan(eol[1]) and eol[2] == 3 and np.isnan(eol[3])


def test_untreated_li_lsps_cell_collapses_within_the_reported_failure_window():
    # Zheng et al. 2018: without the ionic liquid the Li|LSPS|LFP cell fails in ~7 cycles.
    # The capacity collapses when the mixed-conducting interphase's drop eats LFP's cut-off
    # headroom; the run completes (no end reason), so the failure is its end of life, and
    # `lpt simulate` and `lpt validate` both report it.  The treated arm stays above 80 %.
    from lpt.validation import _failure_cycle, simulate_life

    d = load_design(TABLE1 / "lsps_pyr13tfsi_lfp.toml")
    untreated = simulate_life(d, 30, untreated=True)
    cycle, how = _failure_cycle(untreated)
    assert untreated["end_reason"] == "completed" and "end of life" in how
    assert 7 / 3 <= cycle <= 7 * 3
    res, _ = simulate_designs([d], 30, untreated=True)
    assert res.design_record(0)["end_of_life_cycle"] == cycle
    treated = simulate_life(d, 30)
    assert _failure_cycle(treated)[0] is None
