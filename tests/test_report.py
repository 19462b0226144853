"""`lpt report` / `lpt demo`: one self-contained HTML page per design."""

import base64
import io
import re
from pathlib import Path

import numpy as np
import pytest

from browser import CHROMIUM, NO_CHROMIUM, dump_dom, screenshot
from lpt.report import SECTION_IDS, write_report

ROOT = Path(__file__).resolve().parents[1]
DESIGNS = ["latp_carbonate_lfp", "lgps_g3_lfp"]
IMG = re.compile(r'<img alt="[^"]*" src="data:image/png;base64,([A-Za-z0-9+/=]+)">')


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    return {stem: write_report(ROOT / "examples" / "table1" / f"{stem}.toml", out / f"{stem}.html", n_cycles=5)
            for stem in DESIGNS}


@pytest.mark.parametrize("stem", DESIGNS)
def test_report_has_every_section_and_figure(reports, stem):
    text = reports[stem].read_text(encoding="utf-8")
    for sid in SECTION_IDS:
        assert f'<section id="{sid}">' in text
    # ASR bars, Nyquist+Bode, voltage curves, cycling panels
    assert len(IMG.findall(text)) == 4
    assert "treated" in text and "untreated" in text


@pytest.mark.parametrize("stem", DESIGNS)
def test_report_is_self_contained(reports, stem):
    text = reports[stem].read_text(encoding="utf-8")
    assert "<script" not in text
    assert not re.search(r'(src|href)="(https?:)?//', text)


def test_every_image_is_a_valid_png(reports):
    import matplotlib.image as mpimg

    for path in reports.values():
        for data in IMG.findall(path.read_text(encoding="utf-8")):
            arr = mpimg.imread(io.BytesIO(base64.b64decode(data)), format="png")
            assert arr.shape[0] > 100 and arr.shape[1] > 100


def test_write_is_atomic(tmp_path, monkeypatch):
    # A failure while building leaves the previous report untouched and no temp file.
    import lpt.report as rep

    out = tmp_path / "r.html"
    out.write_text("old")

    def boom(*a, **k):
        raise RuntimeError("plot failed")

    monkeypatch.setattr(rep, "build_report", boom)
    with pytest.raises(RuntimeError):
        rep.write_report(ROOT / "examples" / "table1" / "latp_carbonate_lfp.toml", out)
    assert out.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]


def test_report_with_measured_spectra(tmp_path):
    # A measured-like spectrum: the model's own, written as docs/cli.md's spectrum CSV.
    from lpt.design import load_design
    from lpt.impedance.model import simulate_spectrum

    d = load_design(ROOT / "examples" / "table1" / "latp_carbonate_lfp.toml")
    s = simulate_spectrum(d, [10 ** (k / 8) for k in range(48, -9, -1)], diffusion=False)
    csv = tmp_path / "cell.csv"
    csv.write_text("frequency_Hz,z_real_ohm,z_imag_ohm\n"
                   + "".join(f"{f},{z.real},{z.imag}\n" for f, z in zip(s["frequency_Hz"], s["z"])))
    path = write_report(d, tmp_path / "r.html", eis_files=[str(csv)], n_cycles=3)
    text = path.read_text(encoding="utf-8")
    assert '<section id="measured">' in text
    assert len(IMG.findall(text)) >= 6  # + measured Nyquist/Bode and DRT


@pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)
def test_report_renders_in_headless_chromium(reports, tmp_path):
    path = reports["latp_carbonate_lfp"]
    shot = screenshot(path, tmp_path, 1400, 3000)
    assert shot.stat().st_size > 50_000  # a blank page is a few kB
    import matplotlib.image as mpimg

    arr = mpimg.imread(shot)
    assert arr.shape[0] == 3000 and arr.std() > 0.05  # not a uniform page
    # the rendered DOM keeps every figure (no broken image replaced by alt text)
    dom = dump_dom(path, tmp_path)
    assert len(IMG.findall(dom.stdout)) == 4
    assert "Uncaught" not in dom.stderr


def test_cli_report_and_demo(tmp_path):
    from typer.testing import CliRunner

    from lpt.cli import app
    runner = CliRunner()
    out = tmp_path / "a.html"
    res = runner.invoke(app, ["report", str(ROOT / "examples" / "table1" / "lgps_g3_lfp.toml"), "--out", str(out),
                              "--cycles", "3"])
    assert res.exit_code == 0, res.output
    assert out.exists()
    res = runner.invoke(app, ["demo", "--out", str(tmp_path / "demo.html"),
                              "--design", str(ROOT / "examples" / "table1" / "latp_carbonate_lfp.toml")])
    assert res.exit_code == 0, res.output
    assert "report written" in res.output and (tmp_path / "demo.html").exists()


def test_report_puts_a_measured_cycler_file_on_the_models_axes(tmp_path):
    """A cycler file made from the model's own three cycles (constant 1 mA, the recorded
    voltage curves): the report's measured capacities per gram of active material
    (loading × area) equal the simulated ones — the unit conversion is right — and the
    section renders with its figure."""
    from lpt.design import load_design
    from lpt.report import measured_cycling
    from lpt.validation import simulate_life

    d = load_design(ROOT / "examples" / "table1" / "latp_carbonate_lfp.toml")
    lf = simulate_life(d, 3, record_cycles=(1, 2, 3))
    active_g = d.cathode.loading_mg_cm2 * d.area_cm2 / 1e3
    current_A, t0, rows = 1e-3, 0.0, []
    for cycle in (1, 2, 3):
        for q_mAh_g, volts, kind in lf["curves"][cycle]:
            sign = 1.0 if "charge" in kind.lower() and "dis" not in kind.lower() else -1.0
            t = t0 + np.asarray(q_mAh_g) * active_g * 3.6 / current_A   # mAh -> A s at 1 mA
            rows += [f"{ti!r},{vi!r},{sign * current_A!r}\n" for ti, vi in zip(t.tolist(), np.asarray(volts).tolist())]
            t0 = float(t[-1]) + 1e-7   # a new step starts at once (no charge in between)
    cell = tmp_path / "cell.csv"
    cell.write_text("test_time_second,voltage_volt,current_ampere\n" + "".join(rows))
    m = measured_cycling(d, str(cell))
    np.testing.assert_allclose(m["discharge_capacity_mAh_g"][:3], lf["discharge_capacity_mAh_g"][:3], rtol=1e-6)
    path = write_report(d, tmp_path / "r.html", n_cycles=3, cycling_file=str(cell))
    text = path.read_text(encoding="utf-8")
    assert '<section id="measured_cycling">' in text and len(IMG.findall(text)) >= 5
    if CHROMIUM is not None:
        dom = dump_dom(path, tmp_path)
        assert 'id="measured_cycling"' in dom.stdout and len(IMG.findall(dom.stdout)) == len(IMG.findall(text))
