"""The model impedance panel that the full-cell and the symmetric report pages share."""

from __future__ import annotations

from lpt.design import Design
from lpt.report.html import figure_to_img, fmt, table


def model_impedance_html(design: Design, spectra: dict, what: str) -> str:
    """Nyquist/Bode of each arm's simulated spectrum (``{arm: simulate_spectrum(...)}``) and
    their equivalent-circuit elements."""
    from lpt.report import plots

    curves = {arm: {"frequency_Hz": s["frequency_Hz"], "z": s["z"]} for arm, s in spectra.items()}
    rows = [[arm, a.name, fmt(a.resistance_ohm), fmt(a.capacitance_F), fmt(a.alpha, 2), fmt(a.tau_s)]
            for arm, s in spectra.items() for a in s["circuit"].arcs()]
    c_t = spectra["treated"]["circuit"]
    return (figure_to_img(plots.nyquist_bode(curves, f"{what} at {c_t.temperature_C:.0f} °C, {design.area_cm2:g} cm²"),
                          f"Nyquist and Bode of the {what}")
            + "<details><summary>equivalent-circuit elements</summary>"
            + table(["arm", "element", "R (Ω)", "C (F)", "α", "τ (s)"], rows, num_cols={2, 3, 4, 5})
            + "</details>")
