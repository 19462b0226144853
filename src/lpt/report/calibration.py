"""The report's calibration section, from the document ``lpt calibrate --json`` prints.

Measured vs calibrated model (every spectrum, every cycling file, the held-out
spectrum), the parameter table with its intervals (Laplace, profile, MCMC), the
correlation matrix and the profile likelihoods. Nothing is recomputed: the section
draws what the calibration recorded (docs/calibration.md).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from lpt.errors import LptError

REQUIRED_KEYS = ("parameters", "correlation", "fits")


def read_calibration(path: str | Path) -> dict:
    """A calibration record (``lpt calibrate ... --json > cal.json``), checked."""
    try:
        doc = json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise LptError(f"{path}: no such calibration file.") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LptError(f"{path}: not a calibration record (JSON written by `lpt calibrate --json`): {exc}.") from None
    if not isinstance(doc, dict) or any(k not in doc for k in REQUIRED_KEYS):
        raise LptError(f"{path}: not a calibration record; it needs the keys {', '.join(REQUIRED_KEYS)} "
                       f"that `lpt calibrate --json` writes.")
    return doc


def _spectra_figure(fits: dict):
    from lpt.report import plots

    curves = {}
    records = list(fits.get("spectra", [])) + ([fits["hold_out"]] if "hold_out" in fits else [])
    for i, rec in enumerate(records):
        held = rec is fits.get("hold_out")
        color = plots.COMPONENT_COLORS[i % len(plots.COMPONENT_COLORS)]
        label = f"{Path(rec['file']).name} ({rec['temperature_C']:g} °C){' held out' if held else ''}"
        f = np.asarray(rec["frequency_Hz"], float)
        curves[label] = {"frequency_Hz": f, "z": np.asarray(rec["z_real_ohm"]) + 1j * np.asarray(rec["z_imag_ohm"]),
                         "style": "o", "color": color}
        curves[f"{label} model"] = {"frequency_Hz": f, "style": ":" if held else "-", "color": color,
                                    "z": np.asarray(rec["model_z_real_ohm"]) + 1j * np.asarray(rec["model_z_imag_ohm"])}
    return plots.nyquist_bode(curves, "measured (points) and calibrated model (lines; dotted: predicted)")


def _cycling_figure(records: list[dict]):
    import matplotlib.pyplot as plt

    from lpt.report import plots

    keys = [(k, r) for r in records for k in ("capacity_mAh_cm2", "mean_discharge_V", "overpotential_V") if k in r]
    fig, axes = plt.subplots(1, len(keys), figsize=(4.6 * len(keys), 3.6), squeeze=False)
    labels = {"capacity_mAh_cm2": "discharge capacity (mAh cm⁻²)", "mean_discharge_V": "mean discharge voltage (V)",
              "overpotential_V": "overpotential, largest |V| (V)"}
    for ax, (key, rec) in zip(axes[0], keys):
        y = np.asarray(rec[key], float)
        m = np.array([np.nan if v is None else v for v in rec[f"model_{key}"]], float)
        n = np.arange(1, y.size + 1)
        ax.plot(n, y, "o", ms=3, color=plots.COLORS["measured"], label="measured")
        ax.plot(n, m, "-", color=plots.COLORS["treated"], label="calibrated model")
        ax.set_xlabel("cycle")
        ax.set_ylabel(labels[key])
        ax.set_title(Path(rec["file"]).name, fontsize=9)
        ax.legend()
    fig.tight_layout()
    return fig


def _correlation_figure(corr: dict):
    import matplotlib.pyplot as plt

    names = list(corr)
    m = np.array([[corr[a][b] for b in names] for a in names], float)
    fig, ax = plt.subplots(figsize=(1.2 + 0.9 * len(names), 0.9 + 0.8 * len(names)))
    im = ax.imshow(m, vmin=-1, vmax=1, cmap="RdBu_r")
    short = [n.split(".")[-1] if len(n) > 24 else n for n in names]
    ax.set_xticks(range(len(names)), short, rotation=45, ha="right")
    ax.set_yticks(range(len(names)), short)
    for i in range(len(names)):
        for j in range(len(names)):
            ax.text(j, i, f"{m[i, j]:.2f}", ha="center", va="center", fontsize=7,
                    color="white" if abs(m[i, j]) > 0.6 else "black")
    fig.colorbar(im, ax=ax, shrink=0.8, label="correlation of ln θ")
    fig.tight_layout()
    return fig


def _profiles_figure(profiles: dict):
    import matplotlib.pyplot as plt

    from lpt.calibrate.profile import CHI2_1_90
    from lpt.report import plots

    fig, axes = plt.subplots(1, len(profiles), figsize=(4.2 * len(profiles), 3.4), squeeze=False)
    for ax, (name, p) in zip(axes[0], profiles.items()):
        x = np.asarray(p["values"], float)
        ax.plot(x, p["delta_cost"], "o-", ms=3, color=plots.COLORS["treated"])
        if x.max() > 3 * x.min():      # a wide profile reads best on a log axis
            ax.set_xscale("log")
        else:
            ax.ticklabel_format(axis="x", style="sci", scilimits=(-3, 3), useOffset=True)
            ax.tick_params(axis="x", labelrotation=30)
        ax.axhline(CHI2_1_90, color="#999", ls="--", lw=0.8, label="90 % (Δ = 2.71)")
        ax.set_xlabel(name.split(".")[-1] if len(name) > 30 else name)
        ax.set_ylabel("ΔS (profile)")
        ax.legend()
    fig.tight_layout()
    return fig


def _interval(ci) -> str:
    if ci is None:
        return "not determined"
    lo, hi = ci
    return f"{'open' if lo is None else f'{lo:.4g}'} – {'open' if hi is None else f'{hi:.4g}'}"


def calibration_html(doc: dict) -> str:
    """The section's HTML body."""
    from lpt.report.html import esc, figure_to_img, table

    out = []
    noise = ", ".join(f"{esc(g)} {v:.3g}" for g, v in doc.get("noise", {}).items())
    out.append(f"<p>{doc.get('n_points', '?')} measured values; noise per group: {noise or '–'}; "
               f"χ² {doc.get('chi_square', float('nan')):.4g}.</p>")
    out += [f'<p class="critical">{esc(w)}</p>' for w in doc.get("warnings", [])]
    profiles, mcmc = doc.get("profiles", {}), doc.get("mcmc", {}).get("parameters", {})
    rows = []
    for name, p in doc["parameters"].items():
        row = [esc(name), f"{p['value']:.4g} {esc(p.get('unit', ''))}", _interval(p.get("ci90")),
               _interval(profiles[name]["ci90"]) if name in profiles else "–",
               _interval(mcmc[name]["ci90"]) if name in mcmc else "–",
               "yes" if p["identifiable"] else "<b>no</b>",
               f"{p.get('prior_value', float('nan')):.4g} ({esc(p.get('prior_status', ''))})"]
        rows.append(row)
    out.append(table(["parameter", "calibrated", "90 % (Laplace)", "90 % (profile)", "90 % (MCMC)", "identifiable",
                      "prior"], rows, raw=True))
    if doc.get("mcmc"):
        m = doc["mcmc"]
        out.append(f'<p class="note">MCMC: {m["walkers"]} walkers × {m["steps"]} steps, acceptance '
                   f'{m["acceptance_fraction"]:.2f}; '
                   f'{"converged" if m["converged"] else "NOT converged: the chain is shorter than 50 autocorrelation times"}.</p>')
    fits = doc["fits"]
    if fits.get("spectra") or fits.get("hold_out"):
        out.append(figure_to_img(_spectra_figure(fits), "measured spectra and the calibrated model"))
    if "hold_out" in doc:
        h = doc["hold_out"]
        out.append(f"<p>held out {esc(Path(h['file']).name)} ({h['temperature_C']:g} °C): predicted with "
                   f"{h['rms_relative_misfit']:.1%} RMS relative misfit; predicted interfacial resistance "
                   f"{h['predicted_interfacial_resistance_ohm']:.4g} Ω.</p>")
    if fits.get("cycling"):
        out.append(figure_to_img(_cycling_figure(fits["cycling"]), "measured cycling and the calibrated model"))
    if len(doc["correlation"]) > 1:
        out.append(figure_to_img(_correlation_figure(doc["correlation"]), "correlation matrix"))
    if profiles:
        out.append(figure_to_img(_profiles_figure(profiles), "profile likelihoods"))
    if doc.get("not_identifiable"):
        out.append('<p class="note">not identifiable from these data (left at their shipped values in the '
                   f'parameter file): {esc(", ".join(doc["not_identifiable"]))}.</p>')
    return "".join(out)
