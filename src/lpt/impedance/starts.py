"""Starting parameter sets for a circuit fit, read off the spectrum itself.

R0 is the high-frequency real intercept; the real-axis span down to the lowest
frequency is shared among the top-level arcs, whose apex frequencies are the peaks
of -Z'' on a log-frequency axis (the apex of an R-C arc lies at omega = 1/(RC));
where fewer peaks than arcs are seen, apexes are spread log-uniformly. Variants
(peak vs. uniform apexes, equal vs. geometric splits, alpha 0.8-0.95, diffusion tau
from 0.1 to 1000 / omega_min, since a finite Warburg often looks semi-infinite
inside the window) make the fit robust without a global optimizer.

Any element, including one registered by a user, gets a start from its parameters'
units: an ohm takes the arc's resistance r, a second its time constant 1/omega, a
farad 1/(omega r), a CPE's Q 1/(r omega^alpha), a dimensionless exponent alpha.
"""

from __future__ import annotations

import numpy as np

from lpt.impedance.compiled import CompiledCircuit, Node

DIFFUSION = ("W", "Wo", "Ws", "Wop", "Wsp")

# (use peaks, split of the span, alpha, diffusion tau x omega_min, diffusion share)
_VARIANTS = [
    (True, "heights", 0.9, 1.0, 0.2),
    (True, "equal", 0.9, 1.0, 0.2), (False, "equal", 0.8, 1.0, 0.2),
    (True, "geometric", 0.95, 1.0, 0.2), (True, "equal", 0.9, 10.0, 0.2),
    (False, "geometric", 0.9, 0.1, 0.2), (True, "reverse", 0.8, 1.0, 0.2),
    (True, "equal", 0.85, 100.0, 0.7), (False, "reverse", 0.9, 1000.0, 0.7),
    (True, "geometric", 0.9, 30.0, 0.5),
]


def initial_guesses(circuit: CompiledCircuit, f: np.ndarray, Z: np.ndarray) -> np.ndarray:
    """Starting parameter sets (n_starts, n_params) for one spectrum (see module doc)."""
    return initial_guesses_many(circuit, np.asarray(f)[None], np.asarray(Z)[None])[0]


def _features(circuit: CompiledCircuit, top: list, f: np.ndarray, Z: np.ndarray) -> dict:
    """The numbers of one spectrum the starts are built from."""
    order = np.argsort(f)[::-1]  # high to low frequency
    f, Z = f[order], Z[order]
    omega = 2 * np.pi * f
    w_max, w_min = omega[0], omega[-1]
    scale = float(np.max(np.abs(Z)))
    tiny = 1e-6 * scale
    n_hf = max(1, len(f) // 10)
    r_inf = max(float(np.min(Z.real[:n_hf])), tiny)
    blocking = any(c.kind == "element" and c.element.name in ("C", "CPE") for c in top)
    # With a blocking C/CPE in series the real part keeps growing along the tail: the
    # arcs end at the valley before it, where the phase comes closest to zero.
    end = int(np.argmax(np.angle(Z[n_hf:]))) + n_hf if blocking else len(Z) - 1
    span = float(Z.real[end]) - r_inf
    if not np.isfinite(span) or span <= 0.05 * float(np.abs(Z[end])):
        span = 0.5 * scale
    scale = float(np.max(np.abs(Z[:end + 1])))
    n_arcs = sum(1 for c in top if _arc_like(c))

    smooth = -np.convolve(Z.imag, np.ones(3) / 3, mode="same")
    smooth[end + 1:] = smooth[end]
    peaks, prominences = peaks_with_prominence(smooth, 0.01 * scale)
    peak_w = omega[peaks[np.argsort(prominences)[::-1][:n_arcs]]] if len(peaks) else np.array([])
    uniform_w = np.exp(np.linspace(np.log(w_max), np.log(w_min), n_arcs + 2)[1:-1]) if n_arcs else np.array([])
    w = list(np.sort(peak_w)[::-1])
    for u in uniform_w:  # fill the missing arcs with the farthest uniform positions
        if len(w) >= n_arcs:
            break
        w.append(u)
    peak_arcs = np.sort(np.array(w[:n_arcs]))[::-1] if len(peak_w) else uniform_w
    # The height of -Z'' at an R-CPE arc's apex is (R/2) tan(alpha pi/4), the same share
    # of R for every arc of one alpha: the arcs' resistances split the span as the
    # heights at their apexes do (overlapping arcs lift each other alike). A filled-in
    # arc without a peak gets at least 5 % of the span.
    heights = np.interp(np.log(peak_arcs), np.log(omega[::-1]), smooth[::-1]) if n_arcs else np.zeros(0)
    heights = np.maximum(heights, 0.05 * max(float(np.max(heights, initial=0.0)), tiny))
    return {"w_max": w_max, "w_min": w_min, "tiny": tiny, "r_inf": r_inf, "span": span,
            "z_low": Z[-1], "imag_hf": max(float(Z.imag[0]), tiny), True: peak_arcs, False: uniform_w,
            "heights": heights / max(float(heights.sum()), tiny)}


def peaks_with_prominence(x: np.ndarray, min_prominence: float) -> tuple[np.ndarray, np.ndarray]:
    """Local maxima of ``x`` whose prominence is at least ``min_prominence``, and their
    prominences, as ``scipy.signal.find_peaks(x, prominence=min_prominence)`` gives them.

    A maximum is a run of equal values higher than both neighbouring runs (its middle
    index, rounded down, is the peak; a run touching either end is none). Its
    prominence is its height above the higher of the two lowest points reached walking
    left and right until a strictly higher value or the end (Matlab's definition).
    """
    x = np.asarray(x, dtype=float)
    n = len(x)
    if n < 3:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    d = np.diff(x)
    if np.all(d):  # no plateaus: a peak rises from the left and falls to the right
        peaks = np.flatnonzero((d[:-1] > 0) & (d[1:] < 0)) + 1
    else:
        start = np.flatnonzero(np.r_[True, d != 0])
        end = np.r_[start[1:] - 1, n - 1]
        v = x[start]
        top = np.flatnonzero((v[1:-1] > v[:-2]) & (v[1:-1] > v[2:])) + 1
        peaks = (start[top] + end[top]) // 2
    if not len(peaks):
        return peaks, np.zeros(0)
    idx = np.arange(n)
    height = x[peaks]
    higher = x > height[:, None]
    before = idx < peaks[:, None]
    left = np.where(higher & before, idx, -1).max(axis=1)
    right = np.where(higher & ~before, idx, n).min(axis=1)
    inside = np.where((idx > left[:, None]) & (idx < right[:, None]), x, np.inf)
    lowest = np.maximum(np.where(before, inside, np.inf).min(axis=1), np.where(before, np.inf, inside).min(axis=1))
    prominence = height - np.minimum(lowest, height)
    keep = prominence >= min_prominence
    return peaks[keep], prominence[keep]


def initial_guesses_many(circuit: CompiledCircuit, f: np.ndarray, Z: np.ndarray) -> np.ndarray:
    """Starting parameter sets (n_spectra, n_starts, n_params): the spectra's numbers
    are read one by one, the variants are then built for all spectra at once."""
    top = circuit.tree.children if circuit.tree.kind == "series" else [circuit.tree]
    f = np.broadcast_to(f, Z.shape)
    feats = [_features(circuit, top, f[i], Z[i]) for i in range(Z.shape[0])]
    col = {k: np.array([ft[k] for ft in feats]) for k in feats[0] if k not in (True, False, "heights")}
    omegas = {flag: np.array([ft[flag] for ft in feats]).reshape(len(feats), -1) for flag in (True, False)}
    span, w_min = col["span"], col["w_min"]
    n_arcs = omegas[False].shape[1]
    n_diffusion = sum(1 for c in top if c.kind == "element" and c.element.name != "R" and not _arc_like(c)
                      and "Ohm" in c.element.units)
    g = np.geomspace(1, 10, n_arcs) if n_arcs else np.array([])
    shares = {"equal": np.full(n_arcs, 1.0 / max(n_arcs, 1)),
              "geometric": g / g.sum() if n_arcs else g, "reverse": g[::-1] / g.sum() if n_arcs else g,
              "heights": np.array([ft["heights"] for ft in feats]).reshape(len(feats), n_arcs)}
    starts = []
    for use_peaks, split, alpha, tau_factor, diffusion_share in _VARIANTS:
        # The distributed series elements take `diffusion_share` of the real-axis
        # span, the arcs the rest; without them the arcs take it all.
        r_diff_total = span * diffusion_share if n_diffusion else 0.0 * span
        r_arcs = (span - r_diff_total)[:, None] * np.atleast_2d(shares[split])
        ctx = {"alpha": alpha, "tau_w": tau_factor / w_min,
               "r_diff": r_diff_total / n_diffusion if n_diffusion else 0.2 * span,
               "w_min": w_min, "w_max": col["w_max"], "tiny": col["tiny"],
               "z_low": col["z_low"], "imag_hf": col["imag_hf"]}
        p = np.full((len(feats), circuit.n_params), np.nan)
        w_arcs = omegas[use_peaks]
        first_r = True
        k = 0
        for node in top:
            if node.kind == "parallel":
                _guess_arc(node, r_arcs[:, k], w_arcs[:, k], ctx, p)
                k += 1
            elif _arc_like(node):
                _guess_element(node, r_arcs[:, k], w_arcs[:, k], ctx, p)
                k += 1
            elif node.element.name == "R":
                p[:, node.first_param] = col["r_inf"] if first_r else 0.1 * span
                first_r = False
            else:
                _guess_series_element(node, ctx, p)
        starts.append(p)
    P = np.stack(starts, axis=1)
    return np.where(np.isfinite(P) & (P > 0), P, 1.0)


def _arc_like(node: Node) -> bool:
    """A parallel arc, or a series element with a resistance and a time constant of its
    own (Gerischer, Havriliak-Negami, ZARC, TLMi ...): each shows as an arc of -Z''
    and takes one of the peaks, in the order the circuit string lists them."""
    if node.kind == "parallel":
        return True
    e = node.element
    return (node.kind == "element" and e.name not in DIFFUSION and "Ohm" in e.units and "s" in e.units)


def _guess_element(node: Node, r: float, w: float, ctx: dict, p: np.ndarray) -> None:
    """Parameters of one element carrying resistance r (ohm) around omega w (rad/s),
    from the units of its parameters."""
    e, i = node.element, node.first_param
    alpha = ctx["alpha"]
    for j, (unit, kind) in enumerate(zip(e.units, e.kinds)):
        if kind == "exponent":
            p[..., i + j] = 0.5 if e.name in ("Wop", "Wsp") else alpha
        elif unit == "Ohm":
            p[..., i + j] = r
        elif unit == "s":
            p[..., i + j] = ctx["tau_w"] if e.name in DIFFUSION else 1.0 / w
        elif unit == "F":
            p[..., i + j] = 1.0 / (w * r)
        elif unit == "H":
            p[..., i + j] = r / w
        elif unit.startswith("Ohm^-1 s^"):
            p[..., i + j] = 1.0 / (r * w ** alpha)
        elif unit == "Ohm s^-1/2":
            p[..., i + j] = r * np.sqrt(w)
        elif unit == "H s":
            p[..., i + j] = 1.0 / w
        else:
            p[..., i + j] = 1.0


def _guess_arc(node: Node, r: float, w: float, ctx: dict, p: np.ndarray) -> None:
    """Parameters inside an arc of resistance r (ohm) with apex at omega w (rad/s)."""
    for child in node.children:
        if child.kind == "element":
            _guess_element(child, r, w, ctx, p)
        elif child.kind == "series":
            for sub in child.children:
                if sub.kind == "parallel":
                    _guess_arc(sub, r, w / 10, ctx, p)
                elif sub.element.name == "R" or "Ohm" in sub.element.units:
                    _guess_element(sub, r, w, ctx, p)
                else:
                    _guess_series_element(sub, ctx, p)
        else:
            _guess_arc(child, r, w / 10, ctx, p)


def _guess_series_element(node: Node, ctx: dict, p: np.ndarray) -> None:
    """A non-resistive element in series: inductance from the high-frequency
    positive Z'', blocking C/CPE from the low-frequency -Z'', diffusion and other
    distributed elements from the tail."""
    i, name = node.first_param, node.element.name
    w_min, w_max = ctx["w_min"], ctx["w_max"]
    minus_im_low = np.maximum(-np.imag(ctx["z_low"]), ctx["tiny"])
    if name == "L":
        p[..., i] = ctx["imag_hf"] / w_max
    elif name == "C":
        p[..., i] = 1.0 / (w_min * minus_im_low)
    elif name == "CPE":
        p[..., i], p[..., i + 1] = 1.0 / (w_min ** ctx["alpha"] * minus_im_low), ctx["alpha"]
    elif name == "W":
        p[..., i] = minus_im_low * np.sqrt(w_min)
    else:
        _guess_element(node, ctx["r_diff"], np.sqrt(w_min * w_max) if name not in DIFFUSION else w_min,
                       ctx, p)
