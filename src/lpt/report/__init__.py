"""``lpt report``: one self-contained HTML page per design, treated vs untreated.

>>> from lpt.report import write_report
>>> write_report("examples/table1/latp_carbonate_lfp.toml", "out/report.html")

A symmetric (Li|SSE|Li) design gets its own page (:mod:`lpt.report.symmetric`: voltage vs
time treated vs untreated, the CCD map over pressure × temperature).

Sections (their ``id`` attributes are stable, tests look for them): ``summary``,
``screening``, ``asr``, ``eis``, ``voltage``, ``cycling``, ``metrics``, with measured
spectra ``measured``, with a measured cycler file ``measured_cycling``, and with a
calibration record (``lpt calibrate --json``) ``calibration``.  Every number comes from the API (screening, interface,
impedance.model, cycling life, metrics); this package only draws and lays out.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lpt.design import Design, load_design
from lpt.errors import LptError
from lpt.report.html import fmt as _fmt
from lpt.report.impedance import model_impedance_html

ARMS = ("treated", "untreated")
SECTION_IDS = ("summary", "screening", "asr", "eis", "voltage", "cycling", "metrics")
MAX_REPORT_CYCLES = 500


def report_cycles(design: Design) -> int:
    return int(min(design.cycling.cycles or 50, MAX_REPORT_CYCLES))


def collect(design: Design, n_cycles: int | None = None) -> dict:
    """Everything the page shows, as plain data (also the basis of ``lpt demo``)."""
    from lpt.impedance.model import simulate_spectrum
    from lpt.interface import asr_report
    from lpt.metrics import metrics_report
    from lpt.screening import screen
    from lpt.validation import simulate_life

    if n_cycles is not None and not 1 <= n_cycles <= MAX_REPORT_CYCLES:
        raise LptError(f"the report simulates 1 to {MAX_REPORT_CYCLES} cycles, got {n_cycles}.")
    n = n_cycles or report_cycles(design)
    record = tuple(sorted({1, max(1, n // 2), n}))
    asr = asr_report(design)
    data: dict = {"design": design, "asr": asr, "n_cycles": n, "screening": {}, "spectra": {}, "life": {},
                  "metrics": {}, "errors": []}
    for arm in ARMS:
        u = arm == "untreated"
        data["screening"][arm] = screen(design, untreated=u)
        data["spectra"][arm] = simulate_spectrum(design, untreated=u)
        try:
            lf = simulate_life(design, n, untreated=u, record_cycles=record)
            lf["area_cm2"] = design.area_cm2
            data["life"][arm] = lf
        except LptError as exc:  # the design asks for what cannot be done (e.g. its [cycling] protocol)
            raise LptError(f"{design.source}: {exc}") from None
        except Exception as exc:  # a failure of the model: the page still shows everything else
            data["errors"].append(f"life simulation ({arm}): {exc}")
        util = asr["cathode_utilization"][arm]
        try:
            data["metrics"][arm] = metrics_report(design.untreated() if u else design, utilization=util)
        except Exception as exc:
            data["errors"].append(f"metrics ({arm}): {exc}")
    return data


def summary_rows(data: dict) -> list[list[str]]:
    """[quantity, treated, untreated] rows: the demo's table and the page's summary."""
    asr, life, met = data["asr"], data["life"], data["metrics"]
    rows = [["screening verdict", data["screening"]["treated"].verdict, data["screening"]["untreated"].verdict]]
    ir = asr["interfacial_resistance_ohm_cm2"]
    rows.append(["interfacial resistance, both sides incl. cathode charge transfer (Ω cm²)",
                 _fmt(ir["treated"]), _fmt(ir["untreated"])])
    for side in ("anode", "cathode"):
        s = asr["interfaces"][side]
        label = ("anode ASR (Ω cm²)" if side == "anode"
                 else "cathode ASR seen by the connected particles (Ω cm²)")
        rows.append([label, _fmt(s["treated_ohm_cm2"]), _fmt(s["untreated_ohm_cm2"])])
    rows.append(["SSE bulk (Ω cm²)", _fmt(asr["bulk_ohm_cm2"]), _fmt(asr["bulk_ohm_cm2"])])
    rows.append(["cathode utilization", _fmt(asr["cathode_utilization"]["treated"]),
                 _fmt(asr["cathode_utilization"]["untreated"])])
    sp = data["spectra"]
    rows.append(["simulated DC resistance (Ω)", _fmt(sp["treated"]["circuit"].dc_resistance_ohm()),
                 _fmt(sp["untreated"]["circuit"].dc_resistance_ohm())])

    def life_val(arm, fn):
        return fn(life[arm]) if arm in life else None

    def first_cap(lf):
        c = lf["discharge_capacity_mAh_g"]
        return float(c[0]) if len(c) and np.isfinite(c[0]) else 0.0

    def last_cap(lf):
        c = np.asarray(lf["discharge_capacity_mAh_g"])
        ok = np.isfinite(c)
        return float(c[ok][-1]) if ok.any() else 0.0

    rows.append(["initial capacity (mAh g⁻¹)", _fmt(life_val("treated", first_cap)),
                 _fmt(life_val("untreated", first_cap))])
    rows.append(["capacity at last cycle run (mAh g⁻¹)", _fmt(life_val("treated", last_cap)),
                 _fmt(life_val("untreated", last_cap))])
    rows.append([f"life ({data['n_cycles']} cycles asked)",
                 *[(f"{life[a]['cycles_completed']} cycles, {life[a]['end_reason']}" if a in life else "–")
                   for a in ARMS]])
    for key, label in (("gravimetric_energy_density_Wh_kg", "energy density (Wh kg⁻¹, stack)"),
                       ("volumetric_energy_density_Wh_L", "energy density (Wh L⁻¹, stack)"),
                       ("liquid_mg_cm2", "liquid added (mg cm⁻²)"),
                       ("flammable_liquid_mg_Wh", "flammable liquid (mg Wh⁻¹)"),
                       ("liquid_cost_USD_Wh", "liquid cost (USD Wh⁻¹)"),
                       ("safety_class", "safety class")):
        rows.append([label, *[_fmt(met[a].get(key)) if a in met else "–" for a in ARMS]])
    return rows


def _screening_html(data: dict) -> str:
    from lpt.report.html import esc, table

    parts = []
    for arm in ARMS:
        res = data["screening"][arm]
        rows = [[f'<span class="{esc(f.severity)}">{esc(f.severity)}</span>', esc(f.code), esc(f.pair),
                 esc(f.message)] for f in res.findings]
        body = table(["severity", "code", "pair", "finding"], rows, raw=True) if rows else "<p>no findings</p>"
        parts.append(f'<div><h3 class="{arm}">{arm}: verdict {esc(res.verdict)}</h3>{body}</div>')
    return '<div class="side">' + "".join(parts) + "</div>"


def _measured_html(eis_files: list[str], model_spectrum: dict) -> str:
    """Fit, DRT and Arrhenius of measured spectra, beside the model."""
    from lpt.impedance.drt import calculate_drt
    from lpt.impedance.fit import fit_many
    from lpt.io import read_paths
    from lpt.impedance.validate import kramers_kronig
    from lpt.report import plots
    from lpt.report.html import esc, figure_to_img, table

    from lpt.io.spectrum import check_measurable

    spectra = []
    for f in eis_files:
        spectra += [check_measurable(s) for s in read_paths([f])[0]]
    circuit = "R0-p(R1,CPE1)-p(R2,CPE2)"
    out = []
    curves = {"model (treated)": {**model_spectrum, "color": plots.COLORS["treated"]}}
    rows = []
    fits = []
    try:
        fits = fit_many(spectra, circuit)
    except Exception as exc:
        out.append(f'<p class="note">fit failed: {esc(exc)}</p>')
    from lpt.impedance.circuit import Circuit

    circ = Circuit(circuit)
    for i, s in enumerate(spectra):
        label = Path(s.source).name or f"spectrum {i + 1}"
        color = plots.COMPONENT_COLORS[i % len(plots.COMPONENT_COLORS)]
        curves[label] = {"frequency_Hz": s.frequency_Hz, "z": s.z, "style": "o", "color": color}
        kk = kramers_kronig(s.frequency_Hz, s.z)
        row = [label, len(s), "yes" if kk.valid else "no", f"{kk.max_residual_percent:.2g}"]
        if i < len(fits):
            fr = fits[i]
            curves[f"{label} fit"] = {"frequency_Hz": s.frequency_Hz,
                                      "z": circ.predict(s.frequency_Hz, fr.parameters), "style": "--",
                                      "color": color}
            row += [f"{fr.chi_square:.3g}", ", ".join(f"{n}={v:.3g}" for n, v in zip(fr.param_names, fr.parameters))]
        rows.append(row)
    out.append(figure_to_img(plots.nyquist_bode(curves, f"measured vs model; fit {circuit}"),
                             "measured spectra, fit and model"))
    out.append(table(["spectrum", "points", "KK valid", "max KK residual (%)", "χ²", f"fit {circuit}"], rows))
    drts = {}
    for s in spectra:
        try:
            drts[Path(s.source).name] = calculate_drt(s.frequency_Hz, s.z)
        except Exception as exc:
            out.append(f'<p class="note">DRT of {esc(s.source)} failed: {esc(exc)}</p>')
    if drts:
        out.append(figure_to_img(plots.drt_plot(drts), "DRT of the measured spectra"))
    temps = [s.metadata.get("temperature_C") for s in spectra]
    if all(t is not None for t in temps) and len(set(temps)) >= 2:
        from lpt.impedance.arrhenius import arrhenius_from_spectra

        try:
            arr = arrhenius_from_spectra(spectra, temps, circuit)
            out.append(figure_to_img(plots.arrhenius_plot(arr), "Arrhenius plot"))
        except Exception as exc:
            out.append(f'<p class="note">Arrhenius fit failed: {esc(exc)}</p>')
    else:
        out.append('<p class="note">Arrhenius plot: needs spectra at two or more temperatures '
                   "(a temperature_C in each file's metadata).</p>")
    return "".join(out)


MG_PER_G = 1e3


def measured_cycling(design: Design, cycling_file: str) -> dict:
    """A cycler file per cycle in the model's units (mAh per g of the design's active
    material: loading × area), and its first full cycle's discharge curve."""
    from lpt.io.analysis import cycle_summary
    from lpt.io.cycling import read_cycling

    if design.cathode is None:
        raise LptError(f"{cycling_file}: measured cycling is compared with a full cell; "
                       f"{design.source} has no cathode.")
    table = read_cycling(cycling_file)
    summary = cycle_summary(table)
    active_g = design.cathode.loading_mg_cm2 * design.area_cm2 / MG_PER_G
    out = {"file": cycling_file, "cycle": summary["cycle"].to_numpy(),
           "discharge_capacity_mAh_g": summary["discharge_capacity_mAh"].to_numpy() / active_g,
           "coulombic_efficiency": summary["coulombic_efficiency"].to_numpy(),
           "notes": list(summary.attrs.get("notes", [])), "active_mass_g": active_g}
    full = summary.index[(summary["charge_capacity_mAh"] > 0) & (summary["discharge_capacity_mAh"] > 0)]
    if len(full):
        cyc = int(summary["cycle"].iat[full[0]])
        rows = table[(table["cycle_count"] == cyc) & (table["current_ampere"] < 0)]
        t = rows["test_time_second"].to_numpy(float)
        i = -rows["current_ampere"].to_numpy(float)
        q_mAh = np.concatenate([[0.0], np.cumsum(0.5 * (i[1:] + i[:-1]) * np.diff(t))]) / 3.6 if len(t) else t
        out["curve"] = (cyc, q_mAh / active_g, rows["voltage_volt"].to_numpy(float))
    return out


def _measured_cycling_html(data: dict, measured: dict) -> str:
    from lpt.report import plots
    from lpt.report.html import esc, figure_to_img, table

    life = data["life"].get("treated")
    if life is None:
        return '<p class="note">the simulation failed; nothing to compare with.</p>'
    voltage = {}
    if "curve" in measured:
        cyc, q, v = measured["curve"]
        voltage[f"measured, cycle {cyc}"] = (q, v)
    for step in life["curves"].get(1, []):
        q, v, kind = step
        if "discharge" in str(kind).lower():
            voltage["lpt (treated), cycle 1"] = (q, v)
    n = min(len(measured["cycle"]), len(life["cycle"]))
    rows = []
    for k in range(min(n, 10)):
        rows.append([int(measured["cycle"][k]), _fmt(float(measured["discharge_capacity_mAh_g"][k])),
                     _fmt(float(life["discharge_capacity_mAh_g"][k])), _fmt(float(measured["coulombic_efficiency"][k]), 5),
                     _fmt(float(life["coulombic_efficiency"][k]), 5)])
    notes = "".join(f"<li>{esc(n)}</li>" for n in measured["notes"])
    head = (f'<p>{esc(Path(measured["file"]).name)}: capacities per g of the design\'s active material '
            f'({measured["active_mass_g"] * MG_PER_G:.4g} mg = loading × area).</p>')
    return (head + figure_to_img(plots.measured_vs_model(measured, life, voltage), "measured cycling vs lpt")
            + table(["cycle", "measured mAh g⁻¹", "lpt mAh g⁻¹", "measured CE", "lpt CE"], rows, {0, 1, 2, 3, 4})
            + (f'<ul class="note">{notes}</ul>' if notes else ""))


def build_report(design: Design, eis_files: list[str] | None = None, n_cycles: int | None = None,
                 data: dict | None = None, cycling_file: str | None = None, calibration: dict | None = None) -> str:
    """The HTML text of the report (``data``: what :func:`collect` returned, if at hand)."""
    from lpt.report import plots
    from lpt.report.html import esc, figure_to_img, page, table

    data = data if data is not None else collect(design, n_cycles)
    sections = []
    summ = table(["quantity", "treated", "untreated"], summary_rows(data), num_cols={1, 2})
    desc = f"<p>{esc(design.description)}</p>" if design.description else ""
    errs = "".join(f'<p class="note">{esc(e)}</p>' for e in data["errors"])
    sections.append(("summary", "Summary", desc + summ + errs))
    sections.append(("screening", "Screening", _screening_html(data)))
    sections.append(("asr", "Interface ASR breakdown", figure_to_img(plots.asr_breakdown(data["asr"]),
                                                                     "ASR breakdown per interface")))
    sections.append(("eis", "Impedance (model)", model_impedance_html(design, data["spectra"], "simulated stack")))
    curves = {arm: data["life"][arm]["curves"] for arm in ARMS if arm in data["life"]}
    sections.append(("voltage", "Voltage–capacity curves", figure_to_img(plots.voltage_curves(curves),
                                                                         "voltage capacity curves")))
    if data["life"]:
        body = figure_to_img(plots.cycling_panels(data["life"]), "capacity, CE and resistance vs cycle")
    else:
        body = '<p class="note">life simulation unavailable</p>'
    sections.append(("cycling", "Cycling: capacity, coulombic efficiency, interface resistance", body))
    met_rows = []
    keys = ["capacity_mAh_cm2", "energy_mWh_cm2", "gravimetric_energy_density_Wh_kg",
            "volumetric_energy_density_Wh_L", "liquid_mg_cm2", "flammable_liquid_mg_cm2",
            "flammable_liquid_mg_Wh", "flammable_combustion_heat_J_Wh", "liquid_cost_USD_Wh", "safety_class"]
    for k in keys:
        met_rows.append([k, *[_fmt(data["metrics"][a].get(k)) if a in data["metrics"] else "–" for a in ARMS]])
    sections.append(("metrics", "Energy density, flammable content, cost", table(
        ["quantity (unit in name)", "treated", "untreated"], met_rows, num_cols={1, 2})))
    if eis_files:
        sections.append(("measured", "Measured spectra: fit, DRT, Arrhenius",
                         _measured_html(list(eis_files), {k: data["spectra"]["treated"][k]
                                                          for k in ("frequency_Hz", "z")})))
    if cycling_file:
        sections.append(("measured_cycling", "Measured cycling beside the model",
                         _measured_cycling_html(data, measured_cycling(design, cycling_file))))
    if calibration is not None:
        from lpt.report.calibration import calibration_html

        sections.append(("calibration", "Calibration: measured vs calibrated model, parameters, correlations",
                         calibration_html(calibration)))
    return page(f"lpt report — {design.name}", f"source: {design.source}", sections)


def write_report(design: Design | str | Path, out: str | Path, eis_files: list[str] | None = None,
                 n_cycles: int | None = None, cycling_file: str | None = None,
                 calibration_file: str | Path | None = None) -> Path:
    """Build the report of ``design`` (a Design or a TOML path) and write it atomically."""
    from lpt.fileio import write_text_atomic

    d = design if isinstance(design, Design) else load_design(design)
    calibration = None
    if calibration_file is not None:
        from lpt.report.calibration import read_calibration

        calibration = read_calibration(calibration_file)
    if d.symmetric:
        from lpt.report.symmetric import build_symmetric_report

        if eis_files or cycling_file:
            raise LptError(f"{d.source}: the report of a symmetric cell does not take --eis or --cycling yet; "
                           "run it without them.")
        return write_text_atomic(out, build_symmetric_report(d, n_cycles, calibration=calibration), what="report")
    return write_text_atomic(out, build_report(d, eis_files, n_cycles, cycling_file=cycling_file,
                                               calibration=calibration), what="report")


__all__ = ["SECTION_IDS", "build_report", "collect", "summary_rows", "write_report"]
