"""The one impedance-spectrum type every reader returns, and the checks every
reader shares: sweeps split where the frequency restarts, rows without a usable
frequency skipped with a note, nothing dropped silently.

Sign convention: ``Spectrum.z`` is the physical impedance Z = Z' + jZ'' in ohm,
so a capacitive arc has Z'' < 0. Readers convert stored -Z'' (EC-Lab's
``-Im(Z)/Ohm``), admittance, modulus/phase and prefixed units (kOhm, kHz) at the
edge and write each such decision in ``Spectrum.notes``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from lpt.errors import LptError

MIN_POINTS = 5


@dataclass
class Spectrum:
    """One impedance spectrum (one frequency sweep).

    Attributes
    ----------
    frequency_Hz : ndarray
        Frequencies in Hz, in measurement order.
    z : ndarray of complex
        Z = Z' + jZ'' in ohm (capacitive: Z'' < 0).
    source : str
        File it came from (``"file.mpt#sweep2"`` for the second sweep of several).
    metadata : dict
        What the file states: ``instrument``, ``file``, ``sweep`` (1-based),
        ``temperature_C``, ``time_s`` (of the first point), ``cycle``, ``date``, ...
    notes : list of str
        Conventions applied and anything skipped while reading.
    """

    frequency_Hz: np.ndarray
    z: np.ndarray
    source: str = ""
    metadata: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.frequency_Hz)


# What impedance analysers measure, with decades to spare (they resolve µΩ, reach
# 10 µHz and a few MHz): beyond these a file holds wrong columns or units, the squares
# in the least-squares sums overflow float64 and LAPACK fails.
MAX_ABS_Z_OHM = 1e15
MAX_FREQUENCY_HZ = 1e12
MIN_ABS_Z_OHM = 1e-12   # of a non-zero point (an exact zero gets its own sentence where it matters)
MIN_FREQUENCY_HZ = 1e-8
# Points of one spectrum: analysers record tens to a few thousand; a KK test of 10⁶
# points takes minutes and gigabytes.
MAX_POINTS = 100_000


def check_measurable(spectrum: Spectrum) -> Spectrum:
    """``spectrum`` if its |Z| and frequencies are ones an impedance analyser can
    measure; else one :class:`LptError` sentence naming the file and the ranges. The
    commands that analyse measured spectra (``eis``, ``report --eis``, ``calibrate``)
    call it on everything they read."""
    if len(spectrum.z) > MAX_POINTS:
        raise LptError(f"{spectrum.source}: {len(spectrum.z):,} points in one spectrum, more than the {MAX_POINTS:,} "
                       f"an impedance analyser records; check that the file is one spectrum (or thin it).")
    abs_z = np.abs(spectrum.z)
    big_z, big_f = float(np.max(abs_z)), float(np.max(spectrum.frequency_Hz))
    small_z = float(np.min(abs_z[abs_z > 0], initial=np.inf))
    small_f = float(np.min(spectrum.frequency_Hz))
    if big_z > MAX_ABS_Z_OHM or big_f > MAX_FREQUENCY_HZ or small_z < MIN_ABS_Z_OHM or small_f < MIN_FREQUENCY_HZ:
        raise LptError(f"{spectrum.source}: |Z| from {small_z:.3g} to {big_z:.3g} ohm at {small_f:.3g} to "
                       f"{big_f:.3g} Hz is beyond what an impedance analyser measures ({MIN_ABS_Z_OHM:g} to "
                       f"{MAX_ABS_Z_OHM:g} ohm, {MIN_FREQUENCY_HZ:g} to {MAX_FREQUENCY_HZ:g} Hz); check the file's "
                       f"columns and units.")
    return spectrum


def sweep_starts(frequency_Hz: np.ndarray) -> list[int]:
    """Indices where a new sweep begins: a sweep keeps one direction (down or up
    in frequency); a step against that direction is the instrument starting over.

    Equal consecutive frequencies (a repeated point) continue the sweep.
    """
    f = np.asarray(frequency_Hz, dtype=float)
    steps = np.sign(np.diff(f))
    moving = np.flatnonzero(steps)  # equal neighbours neither continue nor break a direction
    signs = steps[moving]
    starts = [0]
    last_split = -2
    for k in (np.flatnonzero(signs[1:] != signs[:-1]) + 1).tolist():
        if k == last_split + 1:
            continue  # the first step of a new sweep sets its direction
        starts.append(int(moving[k]) + 1)
        last_split = k
    return starts


def build_spectra(frequency_Hz, z, name: str, metadata: dict, notes: list[str], *,
                  lines=None, groups=None, per_row: dict | None = None) -> list[Spectrum]:
    """Turn one column of frequencies and impedances into sweeps.

    Rows whose frequency is zero or missing (OCV or cycling rows between sweeps of
    a Modulo Bat sequence, a blank cell) are skipped with a note; rows with a
    frequency but no finite impedance are an error naming the line. A sweep ends
    where ``groups`` (cycle/loop numbers stated by the file) changes, where skipped
    rows interrupt it, or where the frequency starts over (:func:`sweep_starts`).
    ``per_row`` holds metadata columns (``time_s``, ``temperature_C``, ``cycle``):
    each sweep takes its first row's time and cycle and its mean temperature.
    """
    f = np.asarray(frequency_Hz, dtype=float)
    z = np.asarray(z, dtype=complex)
    n = len(f)
    lines = np.arange(1, n + 1) if lines is None else np.asarray(lines)
    notes = list(notes)
    usable = np.isfinite(f) & (f > 0)
    skipped = int(n - usable.sum())
    if np.any(np.isfinite(f) & (f < 0)):
        k = int(np.flatnonzero(np.isfinite(f) & (f < 0))[0])
        raise LptError(f"{name} line {lines[k]}: frequency {f[k]:g} Hz is negative.")
    if skipped:
        notes.append(f"{skipped} rows without a frequency (zero or empty: OCV, rest or cycling "
                     "rows between impedance sweeps) skipped")
    bad = usable & ~(np.isfinite(z.real) & np.isfinite(z.imag))
    if np.any(bad):
        k = int(np.flatnonzero(bad)[0])
        raise LptError(f"{name} line {lines[k]}: impedance is missing, NaN or infinite at "
                       f"{f[k]:g} Hz.")
    idx = np.flatnonzero(usable)
    if len(idx) == 0:
        raise LptError(f"{name}: no impedance rows (every frequency is zero or missing); "
                       "is this an impedance measurement?")
    # Blocks of consecutive usable rows with one group label.
    cut = np.flatnonzero(np.diff(idx) > 1) + 1
    if groups is not None:
        g = np.asarray(groups)[idx]
        cut = np.union1d(cut, np.flatnonzero(g[1:] != g[:-1]) + 1)
    blocks = np.split(idx, cut)
    sweeps: list[np.ndarray] = []
    for block in blocks:
        starts = sweep_starts(f[block]) + [len(block)]
        sweeps += [block[a:b] for a, b in zip(starts[:-1], starts[1:])]
    kept = [s for s in sweeps if len(s) >= MIN_POINTS]
    short = [s for s in sweeps if len(s) < MIN_POINTS]
    if not kept:
        raise LptError(f"{name}: only {max(len(s) for s in sweeps)} impedance points in a sweep; "
                       f"at least {MIN_POINTS} are needed.")
    if short:
        where = ", ".join(f"lines {lines[s[0]]}-{lines[s[-1]]}" if len(s) > 1 else f"line {lines[s[0]]}"
                          for s in short[:4])
        notes.append(f"{len(short)} sweep fragment(s) of fewer than {MIN_POINTS} points skipped ({where})")
    if len(kept) > 1:
        notes.append(f"{len(kept)} sweeps: split where the frequency starts over or the file's "
                     "cycle/loop changes")
    out = []
    for k, s in enumerate(kept, 1):
        md = dict(metadata)
        md["sweep"] = k
        md["lines"] = [int(lines[s[0]]), int(lines[s[-1]])]
        for key, values in (per_row or {}).items():
            v = np.asarray(values, dtype=float)[s]
            if key == "temperature_C":
                if np.any(np.isfinite(v)):
                    md[key] = float(np.nanmean(v))
            elif np.isfinite(v[0]):
                md[key] = int(v[0]) if key == "cycle" else float(v[0])
        src = name if len(kept) == 1 else f"{name}#sweep{k}"
        out.append(Spectrum(f[s].copy(), z[s].copy(), src, md, list(notes)))
    return out
