"""lpt.cycling: physical facts a single-particle half cell must obey.

Each test states the case, the fact and why its tolerance is what it is.  The PyBaMM
cross-check lives in test_cycling_pybamm.py.
"""

from __future__ import annotations

import csv
import glob
from importlib import resources

import numpy as np
import pytest

from lpt import materials
from lpt.cycling import (
    ConstantInterface, cell_parameters, cells_from_designs, concat, parse_protocol, parse_step,
    practical_window, simulate,
)
from lpt.cycling.particle import particle_grid
from lpt.errors import LptError

ELECTRODES = ("Li", "LiIn", "LFP", "LCO", "NCM811", "NCM622", "TiS2", "NMC532")
CATHODES = ("LFP", "LCO", "NCM811", "NCM622", "TiS2", "NMC532")
CC = "Charge at {r} until {hi} V; Discharge at {r} until {lo} V"


def window(cathode):
    rec = materials.get(cathode)
    return rec.lower_cutoff_V, rec.upper_cutoff_V


# ---------------------------------------------------------------- knowledge base

def test_every_electrode_is_in_the_knowledge_base_with_cited_numbers():
    for mid in ELECTRODES:
        rec = materials.get(mid, "electrode")
        for name in rec.numeric_fields():
            assert rec.sources.get(name, "").strip(), f"{mid}.{name} has no source"


def test_li_mechanics_are_the_published_values():
    li = materials.get("Li")
    assert li.yield_strength_MPa == pytest.approx(0.8, abs=0.1)      # Masias et al. 2019
    assert li.self_diffusivity_cm2_s == pytest.approx(5.7e-11)        # Krauskopf et al. 2019
    assert materials.get("LiIn").average_potential_V == pytest.approx(0.62)


@pytest.mark.parametrize("cathode", CATHODES)
def test_ocv_tables_are_cited_monotone_and_finely_sampled(cathode):
    rec = materials.get(cathode)
    text = (resources.files("lpt.materials") / "data" / "ocv" / rec.ocv_file).read_text()
    lines = text.splitlines()
    assert any(line.startswith("# source:") for line in lines)
    rows = [r for r in csv.reader(line for line in lines if not line.startswith("#"))]
    assert rows[0] == ["lithiation_fraction", "potential_V"]
    data = np.array(rows[1:], float)
    assert 100 <= len(data) <= 200
    assert np.all(np.diff(data[:, 0]) > 0) and np.all(np.diff(data[:, 1]) < 0)
    y_ch, y_dis = practical_window(cathode)
    assert 0.0 <= y_ch < y_dis <= 1.0


def test_nmc532_window_is_pybamm_xu2019s():
    # PyBaMM's initial concentration 4631 of 48230 mol/m3 is where the OCP is 4.2 V.
    y_ch, y_dis = practical_window("NMC532")
    assert y_ch == pytest.approx(4631 / 48230, abs=2e-4)
    assert y_dis == pytest.approx(0.9780, abs=2e-4)


# ---------------------------------------------------------------- protocols

@pytest.mark.parametrize("text, kind, unit, value, volt, dur", [
    ("Charge at C/10 until 3.8 V", "charge", "C", 0.1, 3.8, None),
    ("Hold at 3.8 V until C/50", "hold", "C", 0.02, 3.8, None),
    ("Discharge at 0.1C until 2.5 V", "discharge", "C", 0.1, 2.5, None),
    ("Rest for 10 minutes", "rest", None, None, None, 600.0),
    ("Discharge at 0.2 mA cm-2 until 3.0 V", "discharge", "mA_cm2", 0.2, 3.0, None),
    ("discharge at 17 mA/g for 1 hour or until 2.5 V", "discharge", "mA_g", 17.0, 2.5, 3600.0),
    ("Hold at 4.2 V until 0.05 mA/cm2 for 2 h", "hold", "mA_cm2", 0.05, 4.2, 7200.0),
])
def test_protocol_steps_are_read(text, kind, unit, value, volt, dur):
    step = parse_step(text)
    assert step.kind == kind and step.voltage_V == volt and step.duration_s == dur
    if unit is None:
        assert step.current is None
    else:
        assert step.current.unit == unit and step.current.value == pytest.approx(value)


def test_protocol_temperature_suffix_and_separators():
    proto = parse_protocol("Charge at C/10 until 3.8 V at 55 C\nDischarge at 1C until 2.5 V; Rest for 1 h")
    assert [s.kind for s in proto.steps] == ["charge", "discharge", "rest"]
    assert proto.steps[0].temperature_K == pytest.approx(328.15)
    assert proto.steps[1].temperature_K is None


@pytest.mark.parametrize("text, words", [
    ("Charg at C/10 until 3.8 V", "'Charg' is not a step"),
    ("Charge at C/10", "needs 'until <V> V'"),
    ("Hold at 4.2 V", "needs 'until <current>'"),
    ("Discharge at 0C until 2 V", "must be above 0"),
    ("Charge at C/10 until 3.8 mV", "could not read 'until 3.8 mV'"),
    ("Rest for 0 minutes", "above 0"),
])
def test_bad_protocol_steps_are_one_clear_sentence(text, words):
    with pytest.raises(LptError) as err:
        parse_protocol(f"Rest for 1 minute; {text}")
    msg = str(err.value)
    assert "protocol step 2" in msg and words in msg and "allowed steps look like" in msg


# ---------------------------------------------------------------- the particle grid

def test_particle_grid_matches_the_analytic_constant_flux_solution():
    # Sphere under a constant surface flux from a uniform start (Crank, Mathematics of
    # Diffusion, eq. 6.45): y_s = g (3τ + 1/5 - 2 Σ exp(-α_n² τ)/α_n²), tan α_n = α_n.
    # 16 shells reach 0.1 % of the steady polarisation g/5 (tolerance: 1e-3 g).
    from scipy.optimize import brentq
    alphas = np.array([brentq(lambda x: np.tan(x) - x, n * np.pi + 1e-6, (n + 0.5) * np.pi - 1e-9)
                       for n in range(1, 400)])
    grid = particle_grid(16)
    for tau in (0.002, 0.05, 0.3, 2.0):
        exact = 3 * tau + 0.2 - 2 * np.sum(np.exp(-alphas**2 * tau) / alphas**2)
        p1 = np.expm1(tau * grid.lam[1:]) / grid.lam[1:]
        a = grid.beta * np.concatenate([[tau], p1])
        assert a @ grid.surface + grid.surface_g == pytest.approx(exact, abs=1e-3)
        assert a @ grid.mean == pytest.approx(3 * tau, rel=1e-12)  # mass is exact


# ---------------------------------------------------------------- physics

@pytest.mark.parametrize("cathode", ["LFP", "LCO", "NMC532"])
@pytest.mark.parametrize("utilization", [1.0, 0.6])
def test_capacity_at_c20_is_nominal_times_utilization(cathode, utilization):
    # At C/20 overpotentials are a few mV and these OCVs are steep at the window's ends,
    # so the delivered capacity is the practical capacity of the connected fraction
    # within 1.5 %.
    lo, hi = window(cathode)
    cells = cell_parameters(cathode, 5.0)
    res = simulate(cells, f"Discharge at C/20 until {lo} V", 1,
                   ConstantInterface(utilization=utilization))
    expected = materials.get(cathode).specific_capacity_mAh_g * utilization
    assert res.discharge_capacity_mAh_g[0, 0] == pytest.approx(expected, rel=0.015)


def test_charge_is_conserved_exactly_and_steady_cycles_have_unit_ce():
    # Coulombs in minus coulombs out equals the change of Li stored in the cathode (no
    # side reactions): exact up to rounding.  Once the cycle repeats itself, CE = 1.
    cells = cell_parameters(list(CATHODES), [5, 12, 8, 8, 6, 10])
    proto = "Charge at C/5 until 4.3 V; Hold at 4.3 V until C/50; Rest for 30 minutes; " \
            "Discharge at 1C until 1.7 V; Rest for 1 hour"
    res = simulate(cells, proto, 4, initial_state=0.5)
    passed = (np.sum(res.discharge_capacity_mAh_g, 1) - np.sum(res.charge_capacity_mAh_g, 1)) \
        * cells.loading_kg_m2 * 3.6e3
    stored = (res.final_lithiation - res.initial_lithiation) * cells.capacity_C_m2 \
        / (cells.y_discharged - cells.y_charged)
    np.testing.assert_allclose(passed, stored, rtol=1e-9)
    np.testing.assert_allclose(res.coulombic_efficiency[:, 2:], 1.0, atol=1e-6)


def test_higher_c_rate_gives_lower_capacity():
    # Solid diffusion and kinetics polarize more at higher current: capacity falls
    # strictly with rate (NCM811, 5.2 µm particles, D = 4e-15 m²/s).
    rates = ["C/10", "0.5C", "1C", "2C", "5C"]
    caps = [simulate(cell_parameters("NCM811", 10.0), f"Discharge at {r} until 3.0 V", 1)
            .discharge_capacity_mAh_g[0, 0] for r in rates]
    assert all(a > b for a, b in zip(caps, caps[1:]))
    assert caps[-1] < 0.9 * caps[0]


def test_asr_lowers_voltage_by_ohms_law_and_lowers_capacity():
    # LFP at 0.1 mA/cm², with and without 500 Ω cm² at the cathode interface: the curve
    # shifts down by I·R = 50 mV on the flat plateau (within 0.5 mV: the kinetic
    # overpotentials are identical), and the cut-off comes earlier.
    cells = cell_parameters("LFP", 5.0)
    runs = [simulate(cells, "Discharge at 0.1 mA cm-2 until 2.5 V", 1,
                     ConstantInterface(asr_cathode_ohm_cm2=r), record_cycles=[1]) for r in (0.0, 500.0)]
    mid = []
    for res in runs:
        c = res.curves[1][0]
        ok = ~np.isnan(c["capacity_mAh_g"][:, 0])
        mid.append(np.interp(80.0, c["capacity_mAh_g"][ok, 0], c["voltage_V"][ok, 0]))
    assert mid[0] - mid[1] == pytest.approx(0.1e-3 * 500.0, abs=5e-4)
    assert runs[1].discharge_capacity_mAh_g[0, 0] < runs[0].discharge_capacity_mAh_g[0, 0]
    assert runs[1].mean_discharge_voltage_V[0, 0] < runs[0].mean_discharge_voltage_V[0, 0] - 0.045


def test_sse_separator_is_ohmic_and_arrhenius():
    # 500 µm LLZO: R = L/σ(T); at 55 °C σ is larger by exp(Ea/kB (1/298 - 1/328)), so the
    # 1C polarization (mean charge - mean discharge voltage) shrinks.
    cells = cell_parameters("LFP", 5.0, electrolyte="LLZO", sse_thickness_um=500)
    llzo = materials.get("LLZO")
    assert cells.sse_thickness_m[0] / cells.sse_conductivity_S_m[0] * 1e4 == \
        pytest.approx(0.05 / llzo.conductivity_S_cm)
    gap = []
    for T in (298.15, 328.15):
        res = simulate(cells, CC.format(r="1C", hi=4.0, lo=2.5), 2, temperature_K=T)
        gap.append(res.mean_charge_voltage_V[0, 1] - res.mean_discharge_voltage_V[0, 1])
    assert gap[1] < gap[0]


def test_higher_temperature_lowers_kinetic_overpotential():
    # No SSE, no ASR: only Butler–Volmer and diffusion polarize.  Both are Arrhenius, so
    # at 55 °C the discharge voltage at 2C is higher and the capacity larger.
    cells = cell_parameters("NCM811", 10.0)
    cold, hot = (simulate(cells, "Discharge at 2C until 3.0 V", 1, temperature_K=T) for T in (298.15, 328.15))
    assert hot.mean_discharge_voltage_V[0, 0] > cold.mean_discharge_voltage_V[0, 0]
    assert hot.discharge_capacity_mAh_g[0, 0] > cold.discharge_capacity_mAh_g[0, 0]
    # the step's own "at 55 C" does the same as the argument
    step = simulate(cells, "Discharge at 2C until 3.0 V at 55 C", 1)
    assert step.discharge_capacity_mAh_g[0, 0] == pytest.approx(hot.discharge_capacity_mAh_g[0, 0], rel=1e-12)


def test_a_design_alone_equals_the_same_design_in_a_batch_of_1000():
    # Every design's arithmetic is its own (masks, per-design root finding), so batching
    # must not change a result beyond rounding.
    rng = np.random.default_rng(1)
    mine = cell_parameters("NCM811", 9.0, electrolyte="LLZO", sse_thickness_um=200)
    others = cell_parameters(rng.choice(list(CATHODES), 999).tolist(), rng.uniform(2, 20, 999),
                             electrolyte="LLZO", sse_thickness_um=rng.uniform(20, 800, 999))
    proto = "Charge at 0.5C until 4.3 V; Hold at 4.3 V until C/20; Discharge at 1C until 3.0 V"
    hook = ConstantInterface(asr_anode_ohm_cm2=30.0)
    alone = simulate(mine, proto, 3, hook)
    batch = simulate(concat([others, mine]), proto, 3, hook)
    for key in ("discharge_capacity_mAh_g", "charge_capacity_mAh_g", "mean_discharge_voltage_V"):
        np.testing.assert_allclose(getattr(batch, key)[-1], getattr(alone, key)[0], rtol=1e-9)


@pytest.mark.parametrize("seed", [7, 8])
@pytest.mark.parametrize("cathode", CATHODES)
def test_the_one_design_path_and_the_batched_path_agree(cathode, seed):
    # A batch of one ends its CC steps by scalar Newton, a larger batch by sampling and
    # regula falsi; both locate each end to 1e-12 of the step, and solve the CV hold's
    # current to 10 pV.  Random designs (loading, particle size, SSE, ASR, temperature,
    # a thin Li foil for some) through charge, hold, rest, a time-limited discharge and a
    # cut-off: every design alone must give what it gives in the batch.
    rng = np.random.default_rng(seed)
    n = 8
    lo, hi = window(cathode)
    rate = float(rng.choice([0.2, 1.0, 3.0]))
    proto = (f"Charge at {rate}C until {hi} V; Hold at {hi} V until C/20; Rest for 30 minutes; "
             f"Discharge at {rate}C for {1.2 / rate:.3f} hours or until {lo} V")
    cells = cell_parameters(cathode, rng.uniform(2, 20, n), electrolyte="LLZO",
                            sse_thickness_um=rng.uniform(20, 500, n),
                            particle_radius_um=rng.uniform(0.2, 8, n),
                            temperature_K=rng.uniform(273, 333, n),
                            anode_thickness_um=np.where(rng.random(n) < 0.3, 2.0, 200.0))
    asr = rng.uniform(0, 200, n)
    batch = simulate(cells, proto, 4, ConstantInterface(asr_anode_ohm_cm2=asr), initial_state="discharged")
    for i in range(n):
        alone = simulate(cells.take([i]), proto, 4, ConstantInterface(asr_anode_ohm_cm2=asr[i]),
                         initial_state="discharged")
        assert alone.end_reason[0] == batch.end_reason[i]
        for key in ("discharge_capacity_mAh_g", "charge_capacity_mAh_g", "discharge_energy_mWh_g", "time_h"):
            np.testing.assert_allclose(getattr(alone, key)[0], getattr(batch, key)[i], rtol=1e-9, atol=1e-9,
                                       err_msg=f"{cathode} design {i}: {key}")


def test_step_ends_are_found_to_1e_12_at_a_near_singular_voltage_cliff():
    # The end of a CC step often sits on a cliff: V ~ ln(t_full - t) as the surface
    # fills.  The batched root finder must locate such roots to ~1e-13 of t for every
    # design independently (regula falsi crept towards them and stopped ~1e-9 short).
    # f = a + ln(1 - t/T) falls from a > 0 to -inf at T; its root is T (1 - e^-a).
    from lpt.cycling.model import _safe_newton

    rng = np.random.default_rng(5)
    n = 200
    T = rng.uniform(10, 1e5, n)
    a = rng.uniform(1e-3, 25, n)

    def fun(t, rows):
        TT, A = (T, a) if rows is None else (T[rows], a[rows])
        gap = 1.0 - t / TT
        return A + np.log(gap), -1.0 / (TT * gap)

    out = _safe_newton(fun, None, np.zeros(n), T.copy(), 0.5 * T)
    np.testing.assert_allclose(out, T * (1.0 - np.exp(-a)), rtol=1e-12)


@pytest.mark.parametrize("cathode", CATHODES)
def test_the_hold_current_puts_the_cell_at_the_held_voltage(cathode):
    # The CV solver must return the current whose voltage is the held one (or I ≈ 0 when
    # the surface is pinned empty/full), for any surface state and any dys/dI — down to
    # the 1e-9 of fast-diffusing nano particles, where a logit-space Newton without care
    # loses the current to cancellation or cycles between two points.  Checked for the
    # batched solver and the one-design one on the same random cases.
    from lpt.cycling.interface_hook import interface_state
    from lpt.cycling.model import _Engine

    rng = np.random.default_rng(3)
    n = 400
    cells = cell_parameters(cathode, rng.uniform(1, 30, n), electrolyte="LLZO",
                            sse_thickness_um=rng.uniform(1, 900, n), particle_radius_um=rng.uniform(0.03, 10, n))
    eng = _Engine(cells, particle_grid(16))
    iface = interface_state(ConstantInterface(asr_anode_ohm_cm2=rng.uniform(0, 5000, n)), n, cycle=1,
                            charge_passed_mAh_cm2=np.zeros(n), time_h=np.zeros(n),
                            current_density_mA_cm2=np.zeros(n), temperature_K=np.full(n, 298.15))
    idx = np.arange(n)
    b = eng.active(idx, rng.uniform(260, 340, n), iface)
    ys_base = rng.uniform(0.001, 0.999, n)
    dys_dI = 10 ** rng.uniform(-10, 0, n)
    lo, hi = window(cathode)
    v_hold = hi if rng.random() < 0.5 else lo
    guess = rng.normal(0, 3, n)
    batched = eng._solve_current(b, ys_base, dys_dI, guess, v_hold)
    alone = np.array([eng._solve_current(b.subset(np.array([i])), ys_base[i:i + 1], dys_dI[i:i + 1],
                                         guess[i:i + 1], v_hold)[0] for i in range(n)])
    for cur in (batched, alone):
        ys = ys_base + dys_dI * cur
        err = eng.voltage(b, ys, cur) - v_hold
        pinned = (ys < 1e-6) | (ys > 1 - 1e-6)
        assert np.all((np.abs(err) < 1e-8) | pinned), np.max(np.abs(err[~pinned]))
    np.testing.assert_allclose(alone, batched, rtol=1e-9, atol=1e-12)


def test_constant_voltage_hold_adds_capacity_and_ends_at_its_current():
    cells = cell_parameters("NCM811", 10.0)
    cc = simulate(cells, "Charge at 1C until 4.2 V; Discharge at C/5 until 3.0 V", 2, initial_state="discharged")
    cv = simulate(cells, "Charge at 1C until 4.2 V; Hold at 4.2 V until C/50; Discharge at C/5 until 3.0 V", 2,
                  initial_state="discharged", record_cycles=[2])
    assert cv.charge_capacity_mAh_g[0, 1] > cc.charge_capacity_mAh_g[0, 1] + 5.0
    hold = cv.curves[2][1]
    t = hold["time_h"][:, 0]
    q = hold["capacity_mAh_g"][:, 0]
    ok = ~np.isnan(t)
    current_end = np.diff(q[ok])[-1] / np.diff(t[ok])[-1]  # mA/g over the last sub-step
    c_rate = materials.get("NCM811").specific_capacity_mAh_g
    assert current_end < 0.05 * c_rate  # well under C/20, at about C/50
    assert np.nanmax(hold["voltage_V"]) == pytest.approx(4.2)


def test_li_inventory_limits_a_thin_anode():
    # 2 µm of Li holds 0.412 mAh/cm²; a 20 mg/cm² LFP cathode (3.2 mAh/cm²) discharged
    # from the charged state can only take that much.
    cells = cell_parameters("LFP", 20.0, anode_thickness_um=2.0)
    res = simulate(cells, "Discharge at C/10 until 2.5 V", 1)
    assert res.discharge_capacity_mAh_cm2[0, 0] == pytest.approx(2e-4 * 0.534 * 96485.33 / 6.941 / 3.6, rel=1e-6)


def test_rest_relaxes_toward_the_ocv():
    cells = cell_parameters("NCM811", 10.0)
    res = simulate(cells, "Discharge at 2C until 3.4 V; Rest for 2 hours", 1, record_cycles=[1])
    rest = res.curves[1][1]["voltage_V"][:, 0]
    assert rest[0] > 3.4 and np.all(np.diff(rest) > 0)


# ---------------------------------------------------------------- interface hook and end reasons

class EvolvingInterface:
    """ASR grows 10 Ω cm² per cycle; liquid runs out at cycle 6 for design 1, short at 4 for 2."""

    def __call__(self, *, cycle, charge_passed_mAh_cm2, time_h, current_density_mA_cm2, temperature_K):
        n = charge_passed_mAh_cm2.size
        self.seen = (cycle, charge_passed_mAh_cm2.copy(), time_h.copy(), current_density_mA_cm2.copy())
        remaining = np.clip(1.0 - 0.2 * (cycle - 1), 0, 1) * np.ones(n)
        return {
            "asr_anode_ohm_cm2": 10.0 * cycle * np.ones(n),
            "asr_cathode_ohm_cm2": np.zeros(n),
            "utilization": np.full(n, 0.9),
            "liquid_remaining_fraction": remaining,
            "short_circuit": np.array([False, False, cycle >= 4])[:n],
            "liquid_depleted": np.array([False, cycle >= 6, False])[:n],
        }


def test_hook_state_drives_capacity_and_end_reasons():
    cells = cell_parameters("LFP", 5.0, n=3)
    hook = EvolvingInterface()
    res = simulate(cells, CC.format(r="1C", hi=3.8, lo=2.5), 8, hook)
    assert res.end_reason == ["completed", "liquid_depleted", "short_circuit"]
    assert list(res.cycles_completed) == [8, 5, 3]
    caps = res.discharge_capacity_mAh_g[0]
    assert np.all(np.diff(caps[1:]) < 0)                       # growing ASR → less capacity
    assert res.asr_anode_ohm_cm2[0, 4] == pytest.approx(50.0)
    assert np.isnan(res.discharge_capacity_mAh_g[1, 5])        # not run after depletion
    cycle, charge, time_h, current = hook.seen
    assert cycle == 8 and np.all(current == pytest.approx(0.8))  # 1C of 5 mg × 160 mAh/g
    assert charge[0] > 0 and time_h[0] > 0
    record = res.design_record(1)
    assert record["end_reason"] == "liquid_depleted" and len(record["cycles"]) == 5
    assert set(record["cycles"][0]) >= {"cycle", "discharge_capacity_mAh_g", "coulombic_efficiency",
                                        "asr_anode_ohm_cm2", "asr_cathode_ohm_cm2", "liquid_remaining_fraction"}


def test_voltage_cutoff_when_the_cell_cannot_carry_the_current():
    # 10 kΩ cm² at 1C (0.8 mA/cm²) is an 8 V drop: the first discharge hits the cut-off at once.
    cells = cell_parameters("LFP", 5.0, n=2)
    hook = ConstantInterface(asr_anode_ohm_cm2=np.array([1e4, 0.0]))
    res = simulate(cells, "Discharge at 1C until 2.5 V; Charge at 1C until 3.8 V", 5, hook)
    assert res.end_reason == ["voltage_cutoff", "completed"]
    assert res.cycles_completed[0] == 1 and res.discharge_capacity_mAh_g[0, 0] == 0.0


def test_capacity_threshold_is_relative_to_the_first_cycle():
    class Fading:
        def __call__(self, *, cycle, charge_passed_mAh_cm2, **_):
            n = charge_passed_mAh_cm2.size
            return {"asr_anode_ohm_cm2": np.zeros(n), "asr_cathode_ohm_cm2": np.zeros(n),
                    "utilization": np.full(n, 0.95 ** (cycle - 1)), "liquid_remaining_fraction": np.ones(n),
                    "short_circuit": np.zeros(n, bool), "liquid_depleted": np.zeros(n, bool)}
    cells = cell_parameters("LFP", 5.0)
    res = simulate(cells, CC.format(r="C/5", hi=3.8, lo=2.5), 20, Fading(), capacity_threshold=0.8,
                   initial_state="discharged")
    # 0.95^k < 0.8 first at k = 5, i.e. cycle 6
    assert res.end_reason == ["capacity_threshold"] and res.cycles_completed[0] == 6
    assert simulate(cells, CC.format(r="C/5", hi=3.8, lo=2.5), 8, Fading()).end_reason == ["completed"]


def test_bad_hook_and_bad_arguments_are_clear_errors():
    cells = cell_parameters("LFP", 5.0, n=2)

    def short_hook(**kw):
        return {"asr_anode_ohm_cm2": [1.0, 2.0, 3.0]}
    with pytest.raises(LptError, match="did not return"):
        simulate(cells, "Discharge at 1C until 2.5 V", 1, short_hook)
    with pytest.raises(LptError, match="utilization outside 0 to 1"):
        simulate(cells, "Discharge at 1C until 2.5 V", 1, ConstantInterface(utilization=1.5))
    with pytest.raises(LptError, match="whole number of at least 1"):
        simulate(cells, "Discharge at 1C until 2.5 V", 0)
    with pytest.raises(LptError, match="not a known electrode"):
        cell_parameters("LFPP", 5.0)
    with pytest.raises(LptError, match="anode material"):
        cell_parameters("Li", 5.0)
    with pytest.raises(LptError, match="has 2 values but the batch has 3 designs"):
        cell_parameters("LFP", [5.0, 6.0], particle_radius_um=[1, 2, 3])


def test_designs_build_cell_parameters_from_the_knowledge_base():
    from lpt.design import load_design
    files = sorted(glob.glob("examples/table1/*.toml"))
    if not files:
        pytest.skip("no Table 1 example designs in this checkout")
    designs = [load_design(f) for f in files]
    cells = cells_from_designs(designs)
    for d, cap, L, area, T in zip(designs, cells.capacity_C_m2, cells.sse_thickness_m, cells.area_m2,
                                  cells.temperature_K):
        spec = materials.get(d.cathode.material).specific_capacity_mAh_g
        assert cap / 36000.0 == pytest.approx(d.cathode.loading_mg_cm2 * 1e-3 * spec)  # C/m² → mAh/cm²
        assert L == pytest.approx(d.electrolyte.thickness_um * 1e-6)
        assert area == pytest.approx(d.area_cm2 * 1e-4)
        assert T == pytest.approx(d.temperature_C + 273.15)
    res = simulate(cells, "Charge at C/10 until 3.8 V; Discharge at C/10 until 1.7 V", 1)
    assert res.discharge_capacity_mAh_g.shape == (len(designs), 1)


def test_progress_and_sub_cycle_hook_calls():
    calls, seen = [], []

    class Counting(ConstantInterface):
        def __call__(self, **kw):
            seen.append(kw["cycle"])
            return super().__call__(**kw)

    cells = cell_parameters("LFP", 5.0)
    simulate(cells, "Charge at 1C until 3.8 V; Rest for 5 minutes; Discharge at 1C until 2.5 V", 3,
             Counting(), progress=lambda done, total: calls.append((done, total)), hook_every_step=True)
    assert calls == [(1, 3), (2, 3), (3, 3)]
    assert seen == [1, 1, 1, 2, 2, 2, 3, 3, 3]  # once per step of every cycle

