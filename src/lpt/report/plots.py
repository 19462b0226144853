"""The report's figures, drawn the way the field draws them.

Each function takes plain data (dicts / arrays from the API) and returns a
:class:`matplotlib.figure.Figure`; nothing here computes physics.  Treated and
untreated arms keep one colour each across every figure (Okabe–Ito palette, readable
by colour-blind readers): treated blue, untreated vermillion.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

COLORS = {"treated": "#0072B2", "untreated": "#D55E00", "measured": "#000000", "fit": "#009E73"}
COMPONENT_COLORS = ["#56B4E9", "#E69F00", "#009E73", "#F0E442", "#CC79A7", "#999999", "#0072B2",
                    "#D55E00", "#000000"]

plt.rcParams.update({
    "font.size": 9, "axes.titlesize": 10, "axes.labelsize": 9, "legend.fontsize": 8,
    "axes.spines.top": False, "axes.spines.right": False, "figure.dpi": 100,
})


def nyquist_bode(spectra: dict[str, dict], title: str = "") -> Figure:
    """Nyquist (equal aspect, −Z'' up) and Bode (|Z| and −phase vs log f) side by side.

    ``spectra``: {label: {"frequency_Hz", "z", "color"?, "style"?}}.  A spectrum that is
    not finite (an open circuit: an interface with no contact and no liquid, whose ASR is
    infinite) is not drawn; a note on the Nyquist axes says so.
    """
    open_circuit = [label for label, s in spectra.items() if not np.all(np.isfinite(np.asarray(s["z"])))]
    spectra = {label: s for label, s in spectra.items() if label not in open_circuit}
    sizes = [float(np.max(np.abs(np.asarray(s["z"])))) for s in spectra.values()] or [1.0]
    zoom = len(sizes) > 1 and max(sizes) > 5 * min(sizes)
    if zoom:  # one arm's spectrum is tiny beside the other's: add a zoomed Nyquist
        fig, (ax_n, ax_z, ax_m) = plt.subplots(1, 3, figsize=(13, 4.2))
    else:
        fig, (ax_n, ax_m) = plt.subplots(1, 2, figsize=(10, 4.2))
        ax_z = None
    ax_p = ax_m.twinx()
    ax_p.spines["right"].set_visible(True)
    for label, s in spectra.items():
        f, z = np.asarray(s["frequency_Hz"]), np.asarray(s["z"])
        c = s.get("color", COLORS.get(label, None))
        style = s.get("style", "-")
        marker = "o" if style == "o" else None
        ls = "none" if style == "o" else style
        ax_n.plot(z.real, -z.imag, ls=ls, marker=marker, ms=3, color=c, label=label)
        if ax_z is not None and np.max(np.abs(z)) <= 5 * min(sizes):
            ax_z.plot(z.real, -z.imag, ls=ls, marker=marker, ms=3, color=c, label=label)
        ax_m.loglog(f, np.abs(z), ls=ls, marker=marker, ms=3, color=c, label=f"|Z| {label}")
        ax_p.semilogx(f, -np.degrees(np.angle(z)), ls=":" if style != "o" else "none",
                      marker="x" if style == "o" else None, ms=3, color=c)
        # decade markers on the Nyquist curve help read frequencies off the arcs
        if style != "o":
            for dec in range(int(np.floor(np.log10(f.min()))), int(np.ceil(np.log10(f.max()))) + 1):
                i = int(np.argmin(np.abs(np.log10(f) - dec)))
                if abs(np.log10(f[i]) - dec) < 0.06 and dec % 2 == 0:
                    ax_n.plot(z.real[i], -z.imag[i], "o", color=c, ms=3)
                    ax_n.annotate(f"$10^{{{dec}}}$ Hz", (z.real[i], -z.imag[i]), textcoords="offset points",
                                  xytext=(2, 4), fontsize=6, color=c)
    for ax, name, scale in ((ax_n, "Nyquist", max(sizes)), (ax_z, "Nyquist (zoom)", 1.1 * min(sizes))):
        if ax is None:
            continue
        ax.set_xlabel("Z′ (Ω)")
        ax.set_ylabel("−Z″ (Ω)")
        ax.set_xlim(0, 1.05 * scale)
        ax.set_ylim(-0.05 * scale, 0.6 * scale)
        ax.set_aspect("equal", adjustable="box")
        ax.axhline(0, color="0.6", lw=0.6)
        if spectra:
            ax.legend(loc="upper left")
        ax.set_title(name)
    if open_circuit:
        ax_n.text(0.5, 0.5, "\n".join(f"{label}: open circuit (infinite impedance:\nan interface without "
                                       f"contact or liquid)" for label in open_circuit),
                  transform=ax_n.transAxes, ha="center", va="center", fontsize=8)
    ax_m.set_xlabel("frequency (Hz)")
    ax_m.set_ylabel("|Z| (Ω)")
    ax_p.set_ylabel("−phase (°), dotted")
    if spectra:
        ax_m.legend(loc="lower left")
    ax_m.set_title("Bode")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def asr_breakdown(asr: dict) -> Figure:
    """Stacked ASR bars per interface (and bulk), treated vs untreated.

    ``asr``: the :func:`lpt.interface.asr_report` dict.  Each interface's bar is split
    into the constriction and the parallel solid‖liquid paths, the latter shown by
    their parts in proportion.  An infinite ASR (no contact and no liquid: no current
    path) has no bar; "∞ (no contact)" is written in its place.
    """
    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    bottoms = {}
    rows = []
    for side in ("anode", "cathode"):
        s = asr["interfaces"][side]
        for arm in ("treated", "untreated"):
            total = s[f"{arm}_ohm_cm2"]
            comps = s["components_ohm_cm2" if arm == "treated" else "untreated_components_ohm_cm2"]
            if not np.isfinite(total):
                rows.append((f"{side}\n{arm}", arm, {}))
                continue
            constr = comps.get("constriction", 0.0)
            rest = max(total - constr, 0.0)
            # share the parallel resistance among the conducting path's parts
            parts = {k: v for k, v in comps.items() if k not in ("constriction", "solid_path", "liquid_path")
                     and np.isfinite(v) and v > 0}
            ssum = sum(parts.values())
            shares = {k: rest * v / ssum for k, v in parts.items()} if ssum > 0 else {"paths": rest}
            rows.append((f"{side}\n{arm}", arm, {"constriction": constr, **shares}))
    rows.append(("SSE bulk\n(both)", "treated", {"SSE bulk": asr["bulk_ohm_cm2"]}))
    names = []
    for _, _, parts in rows:
        for k in parts:
            if k not in names:
                names.append(k)
    cmap = {k: COMPONENT_COLORS[i % len(COMPONENT_COLORS)] for i, k in enumerate(names)}
    x = np.arange(len(rows))
    bottoms = np.zeros(len(rows))
    for k in names:
        vals = np.array([parts.get(k, 0.0) for _, _, parts in rows])
        ax.bar(x, vals, bottom=bottoms, color=cmap[k], label=k.replace("solid_", "solid: "), width=0.6,
               edgecolor=[COLORS[arm] for _, arm, _ in rows], linewidth=1.2)
        bottoms += vals
    for xi, (_, arm, parts), tot in zip(x, rows, bottoms):
        if parts:
            ax.annotate(f"{tot:.3g}", (xi, tot), ha="center", va="bottom", fontsize=7, color=COLORS[arm])
        else:  # written from the axis up: an infinite bar has no top
            ax.annotate("∞\n(no contact)", (xi, 0.02), xycoords=("data", "axes fraction"), ha="center",
                        va="bottom", fontsize=8, color=COLORS[arm])
    ax.set_xticks(x, [r[0] for r in rows])
    ax.set_ylabel("ASR (Ω cm²)")
    if (bottoms > 0).any() and bottoms.max() / max(bottoms[bottoms > 0].min(), 1e-9) > 100:
        ax.set_yscale("log")
        ax.set_ylim(bottom=max(bottoms[bottoms > 0].min() * 0.3, 1e-3))
    ax.set_title(f"Interface ASR at {asr['temperature_c']:.0f} °C (bar outline: treated blue, untreated vermillion)")
    ax.legend(fontsize=7, ncol=2, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    return fig


def voltage_curves(curves: dict[str, dict[int, list]]) -> Figure:
    """Cell voltage vs specific capacity for a few cycles, both arms."""
    fig, ax = plt.subplots(figsize=(6, 4))
    any_line = False
    for arm, per_cycle in curves.items():
        cycles = sorted(per_cycle)
        for j, cyc in enumerate(cycles):
            alpha = 1.0 - 0.55 * j / max(len(cycles) - 1, 1)
            first = True
            for cap, volt, _ in per_cycle[cyc]:
                ok = np.isfinite(cap) & np.isfinite(volt)
                if ok.sum() < 2:
                    continue
                ax.plot(cap[ok], volt[ok], color=COLORS[arm], alpha=alpha, lw=1.2,
                        label=f"{arm}, cycle {cyc}" if first else None)
                first = False
                any_line = True
    if not any_line:
        ax.text(0.5, 0.5, "no voltage curves recorded", transform=ax.transAxes, ha="center")
    ax.set_xlabel("capacity (mAh g⁻¹)")
    ax.set_ylabel("cell voltage (V)")
    ax.set_title("Voltage–capacity (charge and discharge)")
    if any_line:
        ax.legend()
    fig.tight_layout()
    return fig


def cycling_panels(lives: dict[str, dict]) -> Figure:
    """Discharge capacity, coulombic efficiency and interfacial resistance vs cycle."""
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.6))
    for arm, lf in lives.items():
        c = COLORS[arm]
        n = lf["cycle"]
        axes[0].plot(n, lf["discharge_capacity_mAh_g"], "o-", ms=2, color=c, label=f"{arm} ({lf['end_reason']})")
        axes[1].plot(n, 100 * np.asarray(lf["coulombic_efficiency"]), "o-", ms=2, color=c, label=arm)
        axes[2].semilogy(n, lf["interfacial_resistance_ohm"], "-", color=c, label=f"{arm}: interfaces")
        axes[2].semilogy(n, lf["asr_anode_ohm_cm2"] / lf.get("area_cm2", 1.0), "--", color=c, lw=0.8,
                         label=f"{arm}: anode")
    axes[0].set_ylabel("discharge capacity (mAh g⁻¹)")
    axes[1].set_ylabel("coulombic efficiency (%)")
    axes[2].set_ylabel("interfacial resistance (Ω)")
    for ax in axes:
        ax.set_xlabel("cycle")
        ax.legend(fontsize=7)
    axes[0].set_ylim(bottom=0)
    fig.tight_layout()
    return fig


def measured_vs_model(measured: dict, life: dict, voltage: dict) -> Figure:
    """A measured cycling file on the model's axes: discharge capacity and coulombic
    efficiency per cycle, and the first full cycle's voltage against capacity."""
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.6))
    c_meas, c_model = "black", COLORS["treated"]
    axes[0].plot(measured["cycle"], measured["discharge_capacity_mAh_g"], "o", ms=3, color=c_meas, label="measured")
    axes[0].plot(life["cycle"], life["discharge_capacity_mAh_g"], "-", color=c_model, label="lpt (treated)")
    axes[1].plot(measured["cycle"], 100 * np.asarray(measured["coulombic_efficiency"]), "o", ms=3, color=c_meas,
                 label="measured")
    axes[1].plot(life["cycle"], 100 * np.asarray(life["coulombic_efficiency"]), "-", color=c_model,
                 label="lpt (treated)")
    for label, (q, v) in voltage.items():
        axes[2].plot(q, v, "-" if label.startswith("lpt") else ".", ms=2, color=c_model if label.startswith("lpt")
                     else c_meas, label=label)
    axes[0].set_ylabel("discharge capacity (mAh g⁻¹)")
    axes[1].set_ylabel("coulombic efficiency (%)")
    axes[2].set(xlabel="capacity (mAh g⁻¹)", ylabel="voltage (V)")
    for ax in axes[:2]:
        ax.set_xlabel("cycle")
    for ax in axes:
        ax.legend(fontsize=7)
    axes[0].set_ylim(bottom=0)
    fig.tight_layout()
    return fig


def drt_plot(drts: dict[str, object]) -> Figure:
    """γ(τ) of each measured spectrum (DRTResult)."""
    fig, ax = plt.subplots(figsize=(6, 3.6))
    for i, (label, d) in enumerate(drts.items()):
        ax.semilogx(d.tau_s, d.gamma_ohm, color=COMPONENT_COLORS[i % len(COMPONENT_COLORS)], label=label)
        for p in d.peaks:
            ax.axvline(p.tau_s, color=COMPONENT_COLORS[i % len(COMPONENT_COLORS)], lw=0.5, ls=":")
    ax.set_xlabel("τ (s)")
    ax.set_ylabel("γ (Ω)")
    ax.set_title("Distribution of relaxation times (measured)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def arrhenius_plot(results: dict[str, object]) -> Figure:
    """ln(1/R) vs 1000/T with the fitted lines and activation energies (the plot of
    :func:`lpt.impedance.arrhenius.plot_arrhenius`, titled for the report)."""
    from lpt.impedance.arrhenius import plot_arrhenius

    fig = plot_arrhenius(results)
    fig.axes[0].set_title("Arrhenius (measured spectra)")
    return fig


def symmetric_voltage(traces: dict[str, tuple[list, list]], protocol: str = "") -> Figure:
    """Cell voltage vs time of a Li|SSE|Li cell, both arms (plating onto the working side is negative)."""
    fig, ax = plt.subplots(figsize=(9, 3.6))
    for arm, (t, v) in traces.items():
        if len(t):
            ax.plot(t, 1e3 * np.asarray(v, float), color=COLORS[arm], lw=0.8, label=arm)
    ax.axhline(0.0, color="#999999", lw=0.5)
    ax.set_xlabel("time (h)")
    ax.set_ylabel("cell voltage (mV)")
    ax.set_title(protocol, fontsize=8)
    ax.legend()
    fig.tight_layout()
    return fig


def ccd_maps(points: dict[str, list[dict]]) -> Figure:
    """CCD (mA cm⁻²) over stack pressure × temperature, one panel per arm, one colour scale."""
    fig, axes = plt.subplots(1, len(points), figsize=(5.2 * len(points), 3.8), squeeze=False)
    grids = {}
    for arm, pts in points.items():
        ps = sorted({p["pressure_MPa"] for p in pts})
        ts = sorted({p["temperature_C"] for p in pts})
        g = np.full((len(ts), len(ps)), np.nan)
        for p in pts:
            g[ts.index(p["temperature_C"]), ps.index(p["pressure_MPa"])] = p["ccd_mA_cm2"]
        grids[arm] = (ps, ts, g)
    finite = np.concatenate([g[np.isfinite(g)] for _, _, g in grids.values()] + [np.zeros(0)])
    vmax = float(finite.max()) if finite.size else 1.0
    for ax, (arm, (ps, ts, g)) in zip(axes[0], grids.items()):
        im = ax.imshow(g, origin="lower", aspect="auto", cmap="viridis", vmin=0.0, vmax=vmax)
        ax.set_xticks(range(len(ps)), [f"{p:g}" for p in ps])
        ax.set_yticks(range(len(ts)), [f"{t:g}" for t in ts])
        for (i, j), val in np.ndenumerate(g):
            ax.text(j, i, f"{val:.2g}" if np.isfinite(val) else "–", ha="center", va="center", fontsize=7,
                    color="white" if not np.isfinite(val) or val < 0.6 * vmax else "black")
        ax.set_xlabel("stack pressure (MPa)")
        ax.set_ylabel("temperature (°C)")
        ax.set_title(f"{arm}: CCD (mA cm⁻²)", color=COLORS[arm])
        fig.colorbar(im, ax=ax, shrink=0.85)
    fig.tight_layout()
    return fig
