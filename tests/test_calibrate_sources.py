"""Calibration beyond one set of spectra: time-domain data (symmetric and full cells),
profile likelihoods, the MCMC posterior, and the chemistry engine's parameters by name.

Truths come from the model itself; every check is a statistical or physical fact
(recovery within the reported interval, the profile and MCMC intervals agreeing with
the Laplace one for a model near-linear in ln θ, R² = k t for an interphase).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from calibration_cases import synthetic_cell
from lpt import overrides
from lpt.calibrate import (FullCellCycling, Measurement, calibrate, calibrate_files, cycling_source, lookup,
                           model_spectra, read_parameter_file)
from lpt.calibrate.mcmc import posterior
from lpt.calibrate.profile import profile
from lpt.design import load_design
from lpt.errors import LptError
from lpt.symmetric import simulate_symmetric

ROOT = Path(__file__).resolve().parents[1]
SYMMETRIC = ROOT / "examples" / "literature" / "doux2020_lpscl_5mpa_life.toml"
FULL = ROOT / "examples" / "table1" / "llzo_nbuli_lfp.toml"
PROTOCOL = "Plate at 0.2 mA cm-2 for 60 minutes; Strip at 0.2 mA cm-2 for 60 minutes"
ONE = ["materials.LLZO.conductivity_S_cm"]


def _symmetric_file(path: Path, design, truth: dict, cycles: int, noise: float, rng) -> Path:
    """A Li|SSE|Li cycling record (BDF CSV) whose per-cycle overpotential is the model's
    at ``truth``, times (1 + noise·N(0,1)): constant current, |V| = η_k in both halves."""
    with overrides.applied(truth):
        eta = simulate_symmetric([design], PROTOCOL, cycles=cycles).overpotential_V[0]
    eta = eta * (1 + noise * rng.normal(size=eta.size))
    i_A = 0.2e-3 * design.area_cm2
    rows, t = [], 0.0
    for k, e in enumerate(eta):
        for sign in (-1.0, 1.0):
            for _ in range(6):
                rows.append(f"{t:.1f},{sign * e:.6f},{sign * i_A:.6e},{k + 1}")
                t += 720.0
    path.write_text("Test Time / s,Voltage / V,Current / A,Cycle Count / 1\n" + "\n".join(rows) + "\n")
    return path


def test_a_symmetric_cells_overpotential_over_time_recovers_the_electrolyte_and_contact_parameters(tmp_path):
    """30 cycles of a Li|LPSCl|Li cell simulated at known values with 1 % noise: both
    parameters recovered inside their 90 % intervals, and the file's protocol is the
    one simulated."""
    design = load_design(SYMMETRIC)
    names = ["materials.LPSCl.conductivity_S_cm", "li_contact_hardness_MPa"]
    truth = {names[0]: 2.0e-3, names[1]: 4.0}
    path = _symmetric_file(tmp_path / "sym.csv", design, truth, 30, 0.01, np.random.default_rng(4))
    source = cycling_source(design, path)
    assert re.fullmatch(r"Plate at 0\.2 mA cm-2 for 60 minutes; Strip at 0\.2 mA cm-2 for 60 minutes",
                        source.protocol)
    doc = calibrate_files(SYMMETRIC, names, cycling=[path])
    assert doc["cycling"][0]["kind"] == "symmetric" and doc["cycling"][0]["cycles"] == 30
    for name in names:
        p = doc["parameters"][name]
        assert p["identifiable"], name
        assert p["ci90"][0] <= truth[name] <= p["ci90"][1], (name, p, truth[name])
    assert doc["noise"]["overpotential"] == pytest.approx(0.01, rel=0.5)


def test_a_full_cells_capacity_and_voltage_per_cycle_recover_the_cathode_exchange_current():
    """Twenty cycles of the LLZO Table 1 cell simulated with the LFP exchange current
    three times its shipped value: the fit to capacity and mean voltage returns it."""
    design = load_design(FULL)
    name = "materials.LFP.exchange_current_mA_cm2"
    (p,) = lookup([name], design)
    truth = {name: 3.0 * p.value}
    protocol = "Charge at 0.5C until 3.8 V; Discharge at 0.5C until 2.5 V"
    clean = FullCellCycling(np.ones(20), np.ones(20), protocol).predict(design, truth)
    rng = np.random.default_rng(2)
    src = FullCellCycling(clean["capacity_mAh_cm2"] * (1 + 0.002 * rng.normal(size=20)),
                          clean["mean_discharge_V"] + 0.001 * rng.normal(size=20), protocol)
    c = calibrate(design, [name], sources=[src])
    e = c.parameters[name]
    assert e.identifiable and e.ci90[0] <= truth[name] <= e.ci90[1], (e, truth)
    assert set(c.noise) == {"capacity", "voltage"}


def test_spectra_and_cycling_are_fitted_jointly_each_with_its_own_noise():
    design, truth, ms = synthetic_cell(ONE, np.random.default_rng(6), n_points=20, temperatures=(25.0,))
    protocol = "Charge at 0.2C until 3.8 V; Discharge at 0.2C until 2.5 V"
    clean = FullCellCycling(np.ones(3), np.ones(3), protocol).predict(design, truth)
    src = FullCellCycling(clean["capacity_mAh_cm2"], clean["mean_discharge_V"] + 0.002, protocol)
    c = calibrate(design, ONE, ms, sources=[src])
    assert set(c.noise) == {"impedance", "capacity", "voltage"}
    assert c.noise["impedance"] == pytest.approx(0.01, rel=0.4)      # the spectra's 1 %
    assert c.parameters[ONE[0]].value == pytest.approx(truth[ONE[0]], rel=0.02)


def test_the_profile_interval_agrees_with_the_laplace_interval_for_a_well_determined_parameter():
    design, truth, ms = synthetic_cell(ONE, np.random.default_rng(1), n_points=20, temperatures=(25.0,))
    c = calibrate(design, ONE, ms)
    pr = profile(c, ONE[0])
    lo, hi = c.parameters[ONE[0]].ci90
    assert pr.identifiable
    assert np.log(pr.ci90[0]) == pytest.approx(np.log(lo), abs=0.1 * (np.log(hi) - np.log(lo)))
    assert np.log(pr.ci90[1]) == pytest.approx(np.log(hi), abs=0.1 * (np.log(hi) - np.log(lo)))
    assert pr.delta_cost.min() == 0.0 and pr.delta_cost.max() >= 2.7


def test_the_profile_of_a_parameter_the_design_does_not_use_is_flat_and_flagged():
    names = ONE + ["slei.sulfide.ether.r0_ohm_cm2"]
    design, _, ms = synthetic_cell(names, np.random.default_rng(3), n_points=20, temperatures=(25.0,))
    c = calibrate(design, names, ms)
    pr = profile(c, names[1])
    assert not pr.identifiable
    # only the prior shapes it: ΔS = ((u − û)/σ)², so ΔS = 2.706 at 1.645 σ
    sigma = lookup([names[1]], design)[0].prior_sigma_ln
    assert np.log(pr.ci90[1] / c.parameters[names[1]].value) == pytest.approx(1.645 * sigma, rel=0.1)


def test_a_short_mcmc_chain_is_reported_as_not_converged_and_its_quantiles_bracket_the_optimum():
    design, _, ms = synthetic_cell(ONE, np.random.default_rng(1), n_points=15, temperatures=(25.0,))
    c = calibrate(design, ONE, ms)
    post = posterior(c, 60, walkers=6, seed=1)
    assert not post.converged            # 60 steps < 50 autocorrelation times
    lo, hi = post.ci90[0]
    assert lo < c.parameters[ONE[0]].value < hi
    lap_lo, lap_hi = c.parameters[ONE[0]].ci90
    # a model near-linear in ln θ: the sampled and the Laplace 90 % widths agree to ~40 %
    assert np.log(hi / lo) == pytest.approx(np.log(lap_hi / lap_lo), rel=0.4)


def test_the_chemistry_engines_numbers_are_parameters_and_act_through_the_model():
    """R_interphase² = k_R t for the Li|LGPS interphase: a four times larger resistance
    growth constant halves the interphase's Li⁺ conductivity (σ = √(k/k_R))."""
    from lpt import materials
    from lpt.interface.chemistry.growth import sse_interphase

    lgps = materials.get("LGPS")
    name = "chemistry.sse.LGPS.resistance_growth_ohm2_cm4_h"
    (p,) = lookup([name])
    base = sse_interphase("LGPS", lgps.window_low_V).ionic_S_cm
    with overrides.applied({name: 4 * p.value}):
        faster = sse_interphase("LGPS", lgps.window_low_V).ionic_S_cm
    assert faster == pytest.approx(base / 2, rel=1e-9)
    assert sse_interphase("LGPS", lgps.window_low_V).ionic_S_cm == base   # restored


def test_every_chemistry_parameter_is_read_through_the_cited_loader():
    """A name in the catalogue must be one the engine reads (else setting it would do nothing)."""
    from lpt.calibrate import catalog

    source = "".join(f.read_text() for f in (ROOT / "src" / "lpt" / "interface" / "chemistry").glob("*.py"))
    fields = {p.name.rsplit(".", 1)[1] for p in catalog() if p.name.startswith("chemistry.")}
    assert fields
    for field in fields:
        assert re.search(rf'cited\([^)]*"{field}"', source) or field.endswith("_S_cm"), field


def test_a_parameter_file_may_set_a_chemistry_value(tmp_path):
    f = tmp_path / "cal.toml"
    f.write_text('"chemistry.species.LiF.ionic_conductivity_S_cm" = 1e-9\n')
    assert read_parameter_file(f) == {"chemistry.species.LiF.ionic_conductivity_S_cm": 1e-9}


def test_the_example_spectra_are_the_current_models():
    """examples/eis holds the model's own spectra (the worked example of
    docs/calibration.md returns the shipped values); after a physics change rerun
    examples/eis/simulate_examples.py."""
    design = load_design(FULL)
    for T in (25, 40, 60):
        rows = np.loadtxt(ROOT / "examples" / "eis" / f"llzo_nbuli_{T}C.csv", delimiter=",", skiprows=1)
        (z,) = model_spectra(design, [Measurement(rows[:, 0], np.ones(len(rows), complex), float(T))], {})
        measured = rows[:, 1] + 1j * rows[:, 2]
        assert np.max(np.abs(z - measured) / np.abs(measured)) < 1e-4, \
            "the model moved: rerun examples/eis/simulate_examples.py"


@pytest.mark.parametrize("kwargs, match", [
    (dict(eis=[]), "give spectra"),
    (dict(eis=[ROOT / "examples" / "eis" / "llzo_nbuli_25C.csv"], temperatures_c=[25.0],
          profiles=["li_contact_hardness_MPa"]), "only a fitted parameter"),
    (dict(eis=[ROOT / "examples" / "eis" / "llzo_nbuli_25C.csv"], temperatures_c=[25.0], mcmc_steps=10),
     "between 50 and"),
])
def test_bad_calibration_requests_are_one_sentence(kwargs, match):
    with pytest.raises(LptError, match=match):
        calibrate_files(FULL, ONE, **kwargs)


def test_a_symmetric_file_with_changing_current_is_refused_with_the_half_cycle_named(tmp_path):
    design = load_design(SYMMETRIC)
    rows, t = [], 0.0
    for k, j in enumerate([0.1, 0.1, 0.2, 0.2, 0.3, 0.3]):
        sign = -1.0 if k % 2 == 0 else 1.0
        for _ in range(5):
            rows.append(f"{t:.1f},{sign * 0.05:.4f},{sign * j * 1e-3:.6e}")
            t += 720.0
    path = tmp_path / "ramp.csv"
    path.write_text("Test Time / s,Voltage / V,Current / A\n" + "\n".join(rows) + "\n")
    with pytest.raises(LptError, match=r"half cycle \d+ runs at"):
        cycling_source(design, path)


def test_the_report_draws_a_calibration_record_and_chromium_renders_it(tmp_path):
    """`lpt calibrate --json` → `lpt report --calibration`: the section shows measured vs
    model (with the held-out spectrum), the parameter table with all three intervals,
    the correlation matrix and the profiles; every figure survives a headless render."""
    import json

    from lpt.report import write_report

    eis = [ROOT / "examples" / "eis" / f"llzo_nbuli_{t}C.csv" for t in (25, 40, 60)]
    names = ["materials.LLZO.conductivity_S_cm", "li_sse_exchange_current_mA_cm2"]
    doc = calibrate_files(FULL, names, eis, temperatures_c=[25.0, 40.0, 60.0], hold_out=2, profiles=names[:1],
                          mcmc_steps=50)
    record = tmp_path / "cal.json"
    record.write_text(json.dumps(doc))
    out = write_report(FULL, tmp_path / "r.html", n_cycles=2, calibration_file=record)
    text = out.read_text(encoding="utf-8")
    section = text[text.index('<section id="calibration">'):]
    imgs = re.findall(r'<img alt="([^"]*)"', section)
    assert imgs == ["measured spectra and the calibrated model", "correlation matrix", "profile likelihoods"]
    assert "90 % (profile)" in section and "90 % (MCMC)" in section and "held out" in section
    from browser import CHROMIUM, NO_CHROMIUM, dump_dom

    if CHROMIUM is None:
        pytest.skip(NO_CHROMIUM)
    dom = dump_dom(out, tmp_path).stdout
    assert len(re.findall(r'<img alt="[^"]*" src="data:image/png;base64,', dom)) == len(
        re.findall(r"<img ", text))


@pytest.mark.parametrize("content, match", [
    ("not json", "not a calibration record"),
    ('{"parameters": {}}', "needs the keys"),
])
def test_a_report_given_a_file_that_is_not_a_calibration_record_says_so(tmp_path, content, match):
    from lpt.report import write_report

    bad = tmp_path / "cal.json"
    bad.write_text(content)
    with pytest.raises(LptError, match=match):
        write_report(FULL, tmp_path / "r.html", n_cycles=2, calibration_file=bad)
    assert not (tmp_path / "r.html").exists()


def test_a_calibration_of_a_design_that_cannot_describe_the_cell_warns_instead_of_pretending():
    """The real Panasonic NCR18650PF series (a liquid Li-ion cell; tests/data/eis/
    temperature_series) against its stand-in design: lpt's Li|LATP|NCM811 stack cannot
    draw a graphite/separator cell's spectrum, and the calibration must say so."""
    folder = ROOT / "tests" / "data" / "eis" / "temperature_series" / "panasonic18650pf"
    doc = calibrate_files(folder / "design.toml", ["materials.NCM811.exchange_current_mA_cm2"],
                          [folder / "pan18650pf_Tm10C_soc70.csv", folder / "pan18650pf_T10C_soc70.csv"],
                          temperatures_c=[-10.0, 10.0])
    assert doc["noise"]["impedance"] > 0.10
    assert doc["warnings"] and "does not describe this cell" in doc["warnings"][0]


def test_sub_zero_temperatures_after_one_flag_are_values_not_options():
    from lpt.cli.main import spread_multi_value_options

    argv = ["eis", "arrhenius", "a.csv", "b.csv", "c.csv", "--temperatures-c", "-20", "-10", "0", "--circuit", "R0"]
    assert spread_multi_value_options(argv) == ["eis", "arrhenius", "a.csv", "b.csv", "c.csv",
                                                "--temperatures-c", "-20", "--temperatures-c", "-10",
                                                "--temperatures-c", "0", "--circuit", "R0"]
