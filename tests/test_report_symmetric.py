"""`lpt report` of a symmetric Li|SSE|Li design: voltage vs time treated vs untreated and
the CCD map over stack pressure × temperature, rendered like the full-cell page."""

import re

import numpy as np
import pytest

from lpt.design import load_design
from lpt.report import write_report
from lpt.report.symmetric import MAP_PRESSURES_MPA, MAP_TEMPERATURES_C, SECTION_IDS, collect_symmetric

from browser import CHROMIUM, NO_CHROMIUM, dump_dom, screenshot
from test_report import IMG, ROOT

DESIGN = ROOT / "examples" / "literature" / "pervez2020_llzo_il_eta.toml"


@pytest.fixture(scope="module")
def data():
    return collect_symmetric(load_design(DESIGN), n_cycles=6)


@pytest.fixture(scope="module")
def page(data, tmp_path_factory):
    from lpt.report.symmetric import build_symmetric_report

    out = tmp_path_factory.mktemp("sym") / "sym.html"
    out.write_text(build_symmetric_report(data["design"], data=data), encoding="utf-8")
    return out


def test_symmetric_page_has_its_sections_and_two_figures(page):
    text = page.read_text(encoding="utf-8")
    for sid in SECTION_IDS:
        assert f'<section id="{sid}">' in text
    assert len(IMG.findall(text)) == 3          # voltage vs time, Nyquist/Bode, CCD maps
    assert "<script" not in text and "treated" in text and "untreated" in text


def test_the_ionic_liquid_lowers_the_cells_dc_resistance_in_its_spectrum(data):
    # the same fact through the impedance: both wetted Li|garnet interfaces conduct better
    dc = {arm: data["spectra"][arm]["circuit"].dc_resistance_ohm() for arm in ("treated", "untreated")}
    assert dc["treated"] < dc["untreated"]


def test_the_ionic_liquid_lowers_the_symmetric_overpotential(data):
    # the liquid path in parallel with the garnet contacts lowers each Li|SSE ASR
    # (Pervez et al. 2020 report 0.35 V treated vs 1.35 V bare)
    def first_cycle_V(arm):
        return data["runs"][arm]["cycles"][0]["overpotential_V"]

    assert first_cycle_V("treated") < first_cycle_V("untreated")
    t, v = data["runs"]["treated"]["time_h"], data["runs"]["treated"]["voltage_V"]
    assert len(t) == len(v) > 10 and np.all(np.diff(t) >= 0)


def test_ccd_map_covers_the_grid_and_rises_with_pressure_and_temperature(data):
    pts = data["maps"]["untreated"]["points"]
    assert len(pts) == len(MAP_PRESSURES_MPA) * len(MAP_TEMPERATURES_C)
    ccd = {(p["pressure_MPa"], p["temperature_C"]): p["ccd_mA_cm2"] for p in pts}
    at_25 = [ccd[(p, 25.0)] for p in MAP_PRESSURES_MPA]
    assert all(b >= a for a, b in zip(at_25, at_25[1:])) and at_25[-1] > at_25[0]
    at_10 = [ccd[(10.0, t)] for t in MAP_TEMPERATURES_C]
    assert all(b >= a for a, b in zip(at_10, at_10[1:])) and at_10[-1] > at_10[0]


def test_write_report_of_a_symmetric_design_refuses_measured_files_in_one_sentence(tmp_path):
    from lpt.errors import LptError

    with pytest.raises(LptError, match="symmetric cell does not take --eis"):
        write_report(DESIGN, tmp_path / "r.html", eis_files=["x.csv"])


@pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)
def test_symmetric_report_renders_in_headless_chromium(page, tmp_path):
    shot = screenshot(page, tmp_path, 1400, 1600)
    import matplotlib.image as mpimg

    arr = mpimg.imread(shot)
    assert arr.shape[0] == 1600 and arr.std() > 0.05
    dom = dump_dom(page, tmp_path)
    assert len(IMG.findall(dom.stdout)) == 3
    assert re.search(r'<section id="ccd_map">', dom.stdout) and "Uncaught" not in dom.stderr


def test_cli_report_of_a_symmetric_design(tmp_path):
    from typer.testing import CliRunner

    from lpt.cli import app

    out = tmp_path / "s.html"
    res = CliRunner().invoke(app, ["report", str(DESIGN), "--out", str(out), "--cycles", "4"])
    assert res.exit_code == 0, res.output
    assert '<section id="voltage_time">' in out.read_text(encoding="utf-8")
