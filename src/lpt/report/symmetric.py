"""The report page of a symmetric Li|SSE|Li design: voltage vs time treated vs untreated,
the Li|SSE|Li impedance of both arms and the CCD map over stack pressure × temperature
(docs/model.md §7).

Sections (stable ``id`` attributes): ``summary``, ``voltage_time``, ``eis``, ``ccd_map``.
Every number comes from :mod:`lpt.symmetric` and :mod:`lpt.impedance.model`; this module
only lays out.
"""

from __future__ import annotations

import numpy as np

from lpt.design import Design
from lpt.errors import LptError

ARMS = ("treated", "untreated")
SECTION_IDS = ("summary", "voltage_time", "eis", "ccd_map")
DEFAULT_PROTOCOL = "Plate at 0.1 mA cm-2 for 1 hour; Strip at 0.1 mA cm-2 for 1 hour"
DEFAULT_CYCLES = 50
MAP_PRESSURES_MPA = (0.0, 1.0, 2.0, 5.0, 10.0, 20.0)
MAP_TEMPERATURES_C = (0.0, 25.0, 45.0, 60.0, 80.0)


def collect_symmetric(design: Design, n_cycles: int | None = None) -> dict:
    """Both arms' plating/stripping run (the design's [cycling] or 0.1 mA cm⁻², 1 h) and CCD maps."""
    from lpt.symmetric import ccd_map, simulate_symmetric

    protocol = design.cycling.protocol or DEFAULT_PROTOCOL
    cycles = int(n_cycles or design.cycling.cycles or DEFAULT_CYCLES)
    runs, maps = {}, {}
    for arm in ARMS:
        u = arm == "untreated"
        try:
            runs[arm] = simulate_symmetric([design], protocol, cycles, untreated=u).design_record(0)
        except LptError as exc:
            raise LptError(f"{design.source}: {exc}") from None
        maps[arm] = ccd_map(design, MAP_PRESSURES_MPA, MAP_TEMPERATURES_C, untreated=u)
    from lpt.impedance.model import simulate_spectrum

    spectra = {arm: simulate_spectrum(design, untreated=arm == "untreated") for arm in ARMS}
    here = ccd_map(design)["points"][0]
    here_u = ccd_map(design, untreated=True)["points"][0]
    return {"design": design, "protocol": protocol, "cycles": cycles, "runs": runs, "maps": maps,
            "spectra": spectra, "ccd_here": {"treated": here, "untreated": here_u}}


def _fmt(v: float) -> str:
    return f"{v:.3g}" if np.isfinite(v) else "–"


def summary_rows(data: dict) -> list[list[str]]:
    r, c = data["runs"], data["ccd_here"]

    def eta_mV(arm: str) -> str:
        eta = [cy["overpotential_V"] for cy in r[arm]["cycles"]]
        return _fmt(1e3 * float(np.median(eta))) if eta else "–"

    def dc_ohm_cm2(arm: str) -> float:
        c = data["spectra"][arm]["circuit"]
        return c.dc_resistance_ohm() * c.area_cm2

    return [
        ["protocol", data["protocol"], data["protocol"]],
        ["end reason", r["treated"]["end_reason"], r["untreated"]["end_reason"]],
        ["time run, h", _fmt(r["treated"]["time_run_h"]), _fmt(r["untreated"]["time_run_h"])],
        ["overpotential (median of cycles), mV", eta_mV("treated"), eta_mV("untreated")],
        ["cell resistance from the spectrum (DC), Ω cm²", _fmt(dc_ohm_cm2("treated")), _fmt(dc_ohm_cm2("untreated"))],
        ["CCD at the design's pressure and temperature, mA cm⁻²", _fmt(c["treated"]["ccd_mA_cm2"]),
         _fmt(c["untreated"]["ccd_mA_cm2"])],
        ["CCD ended by", c["treated"]["end_reason"], c["untreated"]["end_reason"]],
    ]


def build_symmetric_report(design: Design, n_cycles: int | None = None, data: dict | None = None,
                           calibration: dict | None = None) -> str:
    """The HTML text of a symmetric design's report."""
    from lpt.report import plots
    from lpt.report.impedance import model_impedance_html
    from lpt.report.html import esc, figure_to_img, page, table

    data = data if data is not None else collect_symmetric(design, n_cycles)
    desc = f"<p>{esc(design.description)}</p>" if design.description else ""
    sections = [("summary", "Summary (Li|SSE|Li symmetric cell)",
                 desc + table(["quantity", "treated", "untreated"], summary_rows(data), num_cols={1, 2}))]
    traces = {arm: (data["runs"][arm]["time_h"], data["runs"][arm]["voltage_V"]) for arm in ARMS}
    sections.append(("voltage_time", "Voltage vs time, treated vs untreated",
                     figure_to_img(plots.symmetric_voltage(traces, data["protocol"]), "voltage vs time")))
    sections.append(("eis", "Impedance of the Li|SSE|Li cell (model)",
                     model_impedance_html(design, data["spectra"], "Li|SSE|Li cell")))
    note = ('<p class="note">CCD of a ramp of 0.1 mA cm⁻² steps, 0.5 mAh cm⁻² per half-cycle (`lpt ccd`); '
            '“–”: no failure within the ramp.</p>')
    sections.append(("ccd_map", "Critical current density over stack pressure × temperature",
                     figure_to_img(plots.ccd_maps({arm: data["maps"][arm]["points"] for arm in ARMS}),
                                   "CCD map over pressure and temperature") + note))
    if calibration is not None:
        from lpt.report.calibration import calibration_html

        sections.append(("calibration", "Calibration: measured vs calibrated model, parameters, correlations",
                         calibration_html(calibration)))
    return page(f"lpt report — {design.name}", f"source: {design.source}", sections)
