"""What a column header means: which quantity, in which unit, with which sign.

Headers name impedance columns in many ways (``Z'``, ``Zre (ohms)``, ``Re(Z)/Ohm``,
``-Z'' [kOhm]``, ``|Z|/Ohm``, ``Phase(Z)/deg``, ``Im(Y)/Ohm-1``, ``Freq/kHz``). Every
header is classified once here, so no reader takes an admittance column for Z''
or a kHz column for Hz. A header that states no unit is taken in Hz/ohm/degree
and that assumption is noted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from lpt.errors import LptError

# Scale to SI of the unit prefixes a header may carry (case matters: mHz vs MHz).
_FREQ_UNITS = {"hz": 1.0, "khz": 1e3, "mhz_upper": 1e6, "mhz_lower": 1e-3, "ghz": 1e9}
_OHM_PREFIX = {"": 1.0, "m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9, "µ": 1e-6, "u": 1e-6}
_SIEMENS_PREFIX = {"": 1.0, "m": 1e-3, "µ": 1e-6, "u": 1e-6, "n": 1e-9, "k": 1e3}


@dataclass(frozen=True)
class Column:
    """One recognised column: ``quantity`` is one of frequency, omega, z_real,
    z_imag, z_mod, z_phase, y_real, y_imag, y_mod, y_phase, time, temperature,
    cycle; ``scale`` converts the stored numbers to Hz, rad/s, ohm, S, degree,
    s or °C; ``negated`` is True for a stored -Z'' (or -phase)."""

    index: int
    header: str
    quantity: str
    scale: float = 1.0
    negated: bool = False
    unit_stated: bool = True


def _unit_part(header: str) -> str:
    """The unit written after '/', inside (...) or [...] at the end of a header, or
    as a name suffix (``frequency_Hz``, ``z_real_ohm``)."""
    m = re.search(r"_(k?Hz|MHz|mHz|[mkM]?ohm|[mkM]?Ohm|deg|rad)$", header)
    if m:
        return m.group(1)
    m = re.search(r"[\[(]\s*([^\[\]()]*?)\s*[\])]\s*$", header)
    if m and not re.fullmatch(r"[zZyY]|z1|z2", m.group(1)):
        return m.group(1)
    m = re.search(r"/\s*([^/]+)$", header)
    if m:
        return m.group(1).strip()
    m = re.search(r"\b(k?hz|mhz|ohms?|[kmMG]?ohm|[kmMG]?Ω|deg|degrees?|rad|[mµu]?S|s)\s*$", header, re.I)
    return m.group(1) if m else ""


def _freq_scale(unit: str) -> float | None:
    u = unit.strip()
    if not u:
        return None
    if u == "MHz":
        return 1e6
    if u == "mHz":
        return 1e-3
    return {"hz": 1.0, "khz": 1e3, "ghz": 1e9}.get(u.lower())


def _ohm_scale(unit: str) -> float | None:
    u = unit.strip().replace("Ohms", "Ohm").replace("ohms", "ohm")
    m = re.fullmatch(r"([mkMGµu]?)\s*(ohm|Ohm|OHM|Ω|Ω)", u)
    if m:
        return _OHM_PREFIX[m.group(1)]
    return None


def _siemens_scale(unit: str) -> float | None:
    u = unit.strip()
    m = re.fullmatch(r"([mµunk]?)S", u)
    if m:
        return _SIEMENS_PREFIX[m.group(1)]
    m = re.fullmatch(r"([mkMG]?)(ohm|Ohm|Ω)\s*-\s*1|1\s*/\s*([mkMG]?)(ohm|Ohm|Ω)|([mkMG]?)(ohm|Ohm|Ω)\^-1", u)
    if m:
        prefix = m.group(1) or m.group(3) or m.group(5) or ""
        return 1.0 / _OHM_PREFIX[prefix]
    return None


_PHASE = re.compile(r"phase|theta|φ|phi\b|\bangle|arg", re.I)
_FREQ = re.compile(r"^\s*(freq|frequency|f)\b|^\s*freq|frequency", re.I)
_OMEGA = re.compile(r"^\s*(omega|ω|w)\s*([\[(/]|$)", re.I)
_ADMIT = re.compile(r"\by\b|y'|y\"|y''|\(y\)|^\s*-?y|yre|yim|yreal|yimag|admittance|\|y\|", re.I)
_MOD = re.compile(r"\|z\||\bzmod\b|\bz_?mod|\bmod\s*\(?z|\bmodulus|^\s*z\s*([\[(/]|$)|^\s*\|?z\|?\s*/|impedance\s*\(|^\s*impedance\s*$"
                  r"|^\s*zabs|\babs\s*\(?z", re.I)
_IMAG = re.compile(r"z''|z\"|z′′|z″|im\s*\(z\)|zimag|z_imag|zim\b|z_im\b|zimg|\bimag|\bim\b|^\s*-?im\b|zi\b|z\s*imag"
                   r"|z\s*im\b|z\s*''|reactance", re.I)
_REAL = re.compile(r"z'|z′|re\s*\(z\)|zreal|z_real|zre\b|z_re\b|\breal|^\s*re\b|zr\b|z\s*real|z\s*re\b|resistance", re.I)
_TIME = re.compile(r"^\s*(time|elapsed time|t)\b", re.I)
_TEMP = re.compile(r"temp", re.I)
_CYCLE = re.compile(r"cycle", re.I)


def classify(header: str, index: int) -> Column | None:
    """The quantity a header names, or None for anything else."""
    h = header.strip().strip('"').strip()
    low = h.lower()
    if not h:
        return None
    if re.search(r"z\s*(ce|we-ce|stack|1|2)\b|\(z(ce|we-ce|stack|1|2)\)", low):
        return None  # counter-electrode, stack or channel-2 impedance: not the cell's Z
    arg = re.match(r"^\s*[-−]?\s*(re|im|\||phase|tan)\s*\(\s*([^)]*)\)", low)
    if arg and arg.group(2).strip() not in ("z", "y"):
        return None  # Re(M), Im(Permittivity), Phase(C): other immittance functions
    if re.match(r"^\s*(e|i|e2|v|u|ewe|ece)\s+(real|imag|re|im)\b", low):
        return None  # VersaStudio's E Real, I Imag: voltage and current phasors
    unit = _unit_part(h)
    negated = bool(re.match(r"^\s*[-−]", h)) or "(neg" in low or "neg." in low or "-phase" in low
    if _PHASE.search(h):
        quantity = "y_phase" if _ADMIT.search(h.replace("phase", "").replace("Phase", "")) else "z_phase"
        scale = 180.0 / np.pi if unit.lower().startswith("rad") else 1.0
        return Column(index, h, quantity, scale, negated, bool(unit))
    if _FREQ.search(h) and not _ADMIT.search(h):
        s = _freq_scale(unit)
        return Column(index, h, "frequency", s or 1.0, False, s is not None)
    if _OMEGA.search(h):
        return Column(index, h, "omega", 1.0, False, bool(unit))
    if _TEMP.search(h):
        return Column(index, h, "temperature", 1.0, False, bool(unit))
    if _CYCLE.search(h):
        return Column(index, h, "cycle")
    if _TIME.search(h):
        return Column(index, h, "time", 60.0 if unit.lower() in ("min", "minutes") else 1.0)
    body = re.sub(r"[\[(/][^\[\]()]*[\])]?\s*$", "", h) if unit else h
    if _ADMIT.search(body) or (unit and _siemens_scale(unit) is not None and _ohm_scale(unit) is None):
        s = _siemens_scale(unit) if unit else None
        if re.search(r"\|y\||\bymod|mod", body, re.I):
            q = "y_mod"
        elif re.search(r"y''|y\"|im|imag", body, re.I):
            q = "y_imag"
        elif re.search(r"y'|re|real", body, re.I):
            q = "y_real"
        else:
            return None
        return Column(index, h, q, s or 1.0, negated, s is not None)
    for pattern, q in ((_IMAG, "z_imag"), (_REAL, "z_real"), (_MOD, "z_mod")):
        if pattern.search(body):
            if unit and _ohm_scale(unit) is None:
                return None  # e.g. Re(Resistivity)/Ohm.cm, Z'·cm²: not an impedance in ohm
            s = _ohm_scale(unit) if unit else None
            return Column(index, h, q, s or 1.0, negated and q in ("z_imag", "z_real"), s is not None)
    return None


def _complex(real: np.ndarray, imag: np.ndarray) -> np.ndarray:
    """real + j imag without inf * 1j turning a finite part into NaN."""
    out = np.empty(len(real), dtype=complex)
    out.real, out.imag = real, imag
    return out


def impedance_from_columns(headers: list[str], values: dict[int, np.ndarray], name: str
                           ) -> tuple[np.ndarray, np.ndarray, list[str], dict[str, np.ndarray]]:
    """Frequency (Hz), Z (ohm), notes and per-row metadata columns from a table.

    Preference: Z' with Z''; else |Z| with phase; else Y' with Y''; else |Y| with
    phase. A table with only admittance or only an unknown imaginary column is
    refused with the headers named.
    """
    cols = [c for c in (classify(h, i) for i, h in enumerate(headers)) if c is not None]
    by_q: dict[str, Column] = {}
    for c in cols:
        by_q.setdefault(c.quantity, c)
    notes: list[str] = []

    def get(q: str) -> np.ndarray:
        c = by_q[q]
        v = np.asarray(values[c.index], dtype=float) * c.scale
        return -v if c.negated else v

    listed = ", ".join(h.strip() for h in headers if h.strip())[:160]
    if "frequency" in by_q:
        f = get("frequency")
        fc = by_q["frequency"]
        if fc.scale != 1.0:
            notes.append(f"column {fc.header!r} converted to Hz (x{fc.scale:g})")
    elif "omega" in by_q:
        f = get("omega") / (2 * np.pi)
        notes.append(f"frequency from angular frequency column {by_q['omega'].header!r}")
    else:
        raise LptError(f"{name}: no frequency column among: {listed}.")
    used: list[Column] = []
    if "z_real" in by_q and "z_imag" in by_q:
        z = _complex(get("z_real"), get("z_imag"))
        used = [by_q["z_real"], by_q["z_imag"]]
    elif "z_mod" in by_q and "z_phase" in by_q:
        z = get("z_mod") * np.exp(1j * np.deg2rad(get("z_phase")))
        used = [by_q["z_mod"], by_q["z_phase"]]
        notes.append(f"Z from modulus {by_q['z_mod'].header!r} and phase {by_q['z_phase'].header!r}")
    elif "y_real" in by_q and "y_imag" in by_q:
        y = get("y_real") + 1j * get("y_imag")
        with np.errstate(divide="ignore", invalid="ignore"):
            z = 1.0 / y
        used = [by_q["y_real"], by_q["y_imag"]]
        notes.append(f"Z = 1/Y from admittance columns {by_q['y_real'].header!r}, {by_q['y_imag'].header!r}")
    elif "y_mod" in by_q and ("y_phase" in by_q or "z_phase" in by_q):
        ph = get("y_phase") if "y_phase" in by_q else -get("z_phase")
        with np.errstate(divide="ignore", invalid="ignore"):
            z = 1.0 / (get("y_mod") * np.exp(1j * np.deg2rad(ph)))
        used = [by_q["y_mod"]]
        notes.append("Z = 1/Y from admittance modulus and phase")
    else:
        raise LptError(f"{name}: the columns ({listed}) give neither Z' and Z'', nor |Z| and phase, nor "
                       "Y' and Y''; name the impedance columns in the header (e.g. frequency_Hz, "
                       "z_real_ohm, z_imag_ohm).")
    notes.insert(0, "columns: " + ", ".join(repr(c.header) for c in [by_q.get("frequency") or by_q["omega"]] + used))
    for c in used:
        if c.negated:
            notes.append(f"column {c.header!r} holds the negative: negated to physical values")
        if c.scale != 1.0 and c.quantity.startswith(("z_r", "z_i", "z_m", "y_")):
            notes.append(f"column {c.header!r} converted to SI (x{c.scale:g})")
        if not c.unit_stated and c.quantity != "z_phase":
            notes.append(f"column {c.header!r} states no unit: taken in ohm (or S)")
    if "z_phase" in by_q and by_q["z_phase"] in used and not by_q["z_phase"].unit_stated:
        notes.append(f"phase column {by_q['z_phase'].header!r} states no unit: taken in degrees")
    per_row = {}
    if "temperature" in by_q:
        per_row["temperature_C"] = get("temperature")
    if "time" in by_q:
        per_row["time_s"] = get("time")
    if "cycle" in by_q:
        per_row["cycle"] = get("cycle")
    return f, z, notes, per_row
