"""Zahner Thales/Zennium binary impedance spectra (``.ism``).

Layout (big-endian throughout), as Zahner-Elektrik's own MIT-licensed reader
(``zahner_analysis``, ``file_import/ism_import.py``) reads it; written here from that
description, checked value by value against that reader on the maker's example files:

* 6-byte signed integer: format version; 6-byte signed integer: number of points − 1;
* ``n`` float64 frequencies (Hz), ``n`` float64 |Z| (ohm), ``n`` float64 phases
  (radian, physical sign: a capacitive arc has a negative phase), ``n`` float64
  timestamps (seconds since 1980-01-01), ``n`` int16 significances (0–1000);
* then metadata: strings of a 2-byte length and ASCII letters with their case swapped
  — the date as ``ddmmyy``, the system, the voltage, the current, the temperature,
  the time window, four comment lines, the electrode area — then 32 float64 settings
  (the 26th is the excitation amplitude in mV).

Thales measures from the start frequency up to the upper limit, then down through
the start to the lower limit, so the first points overlap the later ones. Like
Zahner's reader, lpt keeps the one monotonic branch between the highest and the
lowest frequency (in measurement order) and says how many points it left out.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from lpt.errors import LptError
from lpt.io.spectrum import Spectrum, build_spectra

THALES_EPOCH = datetime(1980, 1, 1, tzinfo=UTC)
HEADER_BYTES = 12
BYTES_PER_POINT = 4 * 8 + 2             # frequency, |Z|, phase, time (float64) + significance (int16)
MAX_POINTS = 1_000_000
MAX_STAMP_S = 1e10                      # 2296: later stamps are damage, not dates
_METADATA = ("date", "system", "voltage", "current", "temperature", "time_window",
             "comment_1", "comment_2", "comment_3", "comment_4", "electrode_area")


def _points(head: bytes) -> int | None:
    """Number of points the header announces, or None if it is no .ism header."""
    if len(head) < HEADER_BYTES + 8:
        return None
    n = int.from_bytes(head[6:12], "big", signed=True) + 1
    return n if 1 <= n <= MAX_POINTS else None


def is_ism(head: bytes) -> bool:
    """A Zahner .ism: a plausible point count and, after it, frequencies that are
    finite and between 1 µHz and 100 MHz (the file has no magic bytes)."""
    n = _points(head)
    if n is None or int.from_bytes(head[:2], "big") != 0:
        return False
    k = min(n, (len(head) - HEADER_BYTES) // 8, 16)
    f = np.frombuffer(head, ">f8", k, HEADER_BYTES)
    return bool(k) and bool(np.all(np.isfinite(f) & (f >= 1e-6) & (f <= 1e8)))


def read_ism(raw: bytes, name: str) -> list[Spectrum]:
    n = _points(raw)
    if n is None:
        raise LptError(f"{name}: not a Zahner .ism file (its header announces no usable number of points).")
    need = HEADER_BYTES + n * BYTES_PER_POINT
    if len(raw) < need:
        raise LptError(f"{name}: the file announces {n} points ({need} bytes) but holds {len(raw)} bytes; "
                       "it is truncated.")
    columns = [np.frombuffer(raw, ">f8", n, HEADER_BYTES + k * 8 * n).astype(float) for k in range(4)]
    frequency_Hz, abs_z_ohm, phase_rad, stamp_s = columns
    significance = np.frombuffer(raw, ">i2", n, HEADER_BYTES + 32 * n)
    meta: dict = {"instrument": "Zahner", "file": name, "format": "ism"}
    meta.update(_metadata(raw, need))
    notes = ["Zahner .ism: |Z| (ohm) and phase (radian) stored; Z = |Z| exp(j phase)"]
    if not np.any(np.isfinite(frequency_Hz) & (frequency_Hz > 0)):
        raise LptError(f"{name}: no finite positive frequency among the {n} points; the file is damaged "
                       "or not a Zahner .ism.")
    top, bottom = int(np.nanargmax(frequency_Hz)), int(np.nanargmin(frequency_Hz))
    first, last = min(top, bottom), max(top, bottom)
    left_out = n - (last - first + 1)
    if left_out:
        notes.append(f"{left_out} points measured before the sweep reached its "
                     f"{'highest' if top < bottom else 'lowest'} frequency (Thales' overlapping start) "
                     "left out, as Zahner's own reader does")
    if np.any(significance[first:last + 1] < 500):
        notes.append(f"{int(np.sum(significance[first:last + 1] < 500))} points with Thales significance "
                     "under 0.5 (kept)")
    dated = stamp_s[(stamp_s > 0) & (stamp_s < MAX_STAMP_S)]      # simulated spectra carry no times
    if dated.size:
        start = THALES_EPOCH + timedelta(seconds=float(dated.min()))
        meta["acquisition_start"] = start.replace(tzinfo=None).isoformat(timespec="seconds")
    keep = slice(first, last + 1)
    z = abs_z_ohm[keep] * np.exp(1j * phase_rad[keep])
    return build_spectra(frequency_Hz[keep], z, name, meta, notes, lines=np.arange(first + 1, last + 2),
                         per_row={"time_s": stamp_s[keep] - stamp_s[first]})


def _metadata(raw: bytes, offset: int) -> dict:
    """The strings after the data (date, system, comments, ...), as far as they read;
    older versions of the format differ here, and a metadata block that does not read
    is left out (the data above it are complete)."""
    out: dict = {}
    for key in _METADATA:
        if offset + 2 > len(raw):
            return out
        length = int.from_bytes(raw[offset:offset + 2], "big", signed=True)
        text = raw[offset + 2:offset + 2 + length]
        if length < 0 or len(text) < length or any(b < 32 or b > 126 for b in text):
            return out
        offset += 2 + length
        value = text.decode("ascii").swapcase().strip()
        if key == "date" and len(value) >= 6 and value[:6].isdigit():
            day, month, year = int(value[:2]), int(value[2:4]), int(value[4:6])
            out["date"] = f"{year + (2000 if year < 70 else 1900):04d}-{month:02d}-{day:02d}"
        elif value and key in ("system", "temperature", "electrode_area", "comment_1"):
            out[key] = value
    return out
