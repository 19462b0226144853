"""Read impedance spectra from instrument files into one :class:`Spectrum` type.

One reader per format (the layout of pyimpspec's ``data/formats``, re-written here:
pyimpspec and galvani are GPL), chosen by a signature in the content first
(``EC-Lab ASCII FILE``, Gamry's ``EXPLAIN``/``ZCURVE``, ``ZPLOT``, Autolab's
``Z60W``), then by extension, then as a delimited table.

Sign convention: ``Spectrum.z`` is the physical impedance Z = Z' + jZ'', so a
capacitive arc has Z'' < 0. Files that store -Z'' (BioLogic's ``-Im(Z)/Ohm``,
headers such as ``-Z''``) are negated, and every such decision is written in
``Spectrum.notes``.

Anything that is not a usable spectrum (binary or foreign content, empty, NaN,
non-positive frequency, fewer than :data:`MIN_POINTS` points) raises
:class:`lpt.errors.LptError` naming the file and, where it applies, the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from lpt.errors import LptError

MIN_POINTS = 5
EXTENSIONS = (".csv", ".txt", ".dat", ".tsv", ".mpt", ".mpr", ".dta", ".z")


@dataclass
class Spectrum:
    """One impedance spectrum.

    Attributes
    ----------
    frequency_Hz : ndarray
        Frequencies in Hz, in measurement order.
    z : ndarray of complex
        Z = Z' + jZ'' in ohm (capacitive: Z'' < 0).
    source : str
        File it came from (``"file.mpt#cycle2"`` for one cycle of several).
    metadata : dict
        Whatever the file states: ``temperature_C``, ``cycle``, ``date``, ...
    notes : list of str
        Conventions detected while reading, e.g. ``"column -Im(Z) negated"``.
    """

    frequency_Hz: np.ndarray
    z: np.ndarray
    source: str = ""
    metadata: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.frequency_Hz)


# -- helpers -----------------------------------------------------------------------
def _decode(raw: bytes, name: str) -> str:
    if not raw.strip():
        raise LptError(f"{name}: the file is empty.")
    head = raw[:4096]
    if b"\x00" in head:
        raise LptError(f"{name}: binary content that is not a known impedance format; "
                       "export the spectrum as text (CSV, .mpt, .DTA or .z).")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # EC-Lab and ZView write Windows-1252/Latin-1 ("µF", "cm²").
        text = raw.decode("latin-1")
    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\r\n\t\x0c")
    if controls > 8:
        raise LptError(f"{name}: binary content that is not a known impedance format; "
                       "export the spectrum as text (CSV, .mpt, .DTA or .z).")
    return text


def _float(token: str, name: str, lineno: int, decimal_comma: bool = False) -> float:
    t = token.strip().strip('"')
    if decimal_comma:
        t = t.replace(",", ".")
    try:
        return float(t)
    except ValueError:
        raise LptError(f'{name} line {lineno}: cannot read a number from "{t[:30]}".') from None


def _finish(f, z, lines, name, metadata, notes) -> Spectrum:
    """Check a parsed spectrum; every failure names the file and the line."""
    f = np.asarray(f, dtype=float)
    z = np.asarray(z, dtype=complex)
    for k in range(len(f)):
        if not (np.isfinite(f[k]) and np.isfinite(z[k].real) and np.isfinite(z[k].imag)):
            raise LptError(f"{name} line {lines[k]}: value is NaN or infinite.")
        if f[k] <= 0:
            raise LptError(f"{name} line {lines[k]}: frequency {f[k]:g} Hz is not positive.")
    if len(f) < MIN_POINTS:
        raise LptError(f"{name}: only {len(f)} impedance points found; at least {MIN_POINTS} are needed.")
    return Spectrum(f, z, name, metadata, notes)


# -- delimited tables (CSV/TXT, impedance.py's three-column format, Autolab NOVA) -----
_FREQ = re.compile(r"^(freq|frequency|f)\b|freq", re.I)
_IMAG = re.compile(r"(z''|z\"|im\(z\)|zimag|z_imag|imag|zim\b|^im\b|z_im|-im|zi\b)", re.I)
_REAL = re.compile(r"(z'|re\(z\)|zreal|z_real|real|zre\b|^re\b|z_re|zr\b)", re.I)


def _split(line: str, delimiter: str | None) -> list[str]:
    return line.split(delimiter) if delimiter else line.split()


def _sniff_delimiter(lines: list[str]) -> tuple[str | None, bool]:
    """Delimiter and decimal-comma flag from the data lines."""
    sample = [ln for ln in lines[:50] if ln.strip()]
    for d in ("\t", ";", ","):
        counts = [ln.count(d) for ln in sample]
        if counts and min(counts) >= 2 and max(counts) == min(counts):
            decimal_comma = d != "," and any("," in ln for ln in sample) and not any("." in ln for ln in sample)
            return d, decimal_comma
    return None, False


def _columns_from_header(header: list[str], name: str) -> tuple[int, int, int, bool]:
    cols = [h.strip().strip('"').strip() for h in header]
    fi = next((i for i, c in enumerate(cols) if _FREQ.search(c)), None)
    ii = next((i for i, c in enumerate(cols) if _IMAG.search(c) and "phase" not in c.lower()), None)
    ri = next((i for i, c in enumerate(cols) if _REAL.search(c) and i != ii
               and not _IMAG.search(c) and "phase" not in c.lower()), None)
    if fi is None or ri is None or ii is None:
        raise LptError(f"{name}: the header ({', '.join(c for c in cols if c)[:80]}) does not name "
                       "frequency, real and imaginary impedance columns.")
    negated = cols[ii].lstrip().startswith("-") or "neg" in cols[ii].lower()
    return fi, ri, ii, negated


def read_table(text: str, name: str) -> Spectrum:
    """Frequency, Z', Z'' in delimited text, with or without a header line.

    Without a header the first three columns are frequency, Z', Z'' (impedance.py's
    ``exampleData.csv``); with one, columns are found by name and a ``-Z''`` column
    is negated. A headerless file whose imaginary column is mostly positive is
    taken to store -Z'' (capacitive data dominate real spectra) and noted.
    """
    raw_lines = text.splitlines()
    numbered = [(i + 1, ln) for i, ln in enumerate(raw_lines) if ln.strip() and not ln.lstrip().startswith("#")]
    if not numbered:
        raise LptError(f"{name}: no data lines.")
    delimiter, decimal_comma = _sniff_delimiter([ln for _, ln in numbered[-20:]])
    notes: list[str] = []

    def numeric(ln: str) -> bool:
        try:
            [float(t.strip().strip('"').replace(",", ".") if decimal_comma else t.strip().strip('"'))
             for t in _split(ln, delimiter) if t.strip()]
            return True
        except ValueError:
            return False

    first_data = next((k for k, (_, ln) in enumerate(numbered) if numeric(ln)), None)
    if first_data is None:
        raise LptError(f"{name}: no numeric data lines found; expected columns frequency, Z', Z''.")
    header = _split(numbered[first_data - 1][1], delimiter) if first_data > 0 else None
    negated = False
    if header is not None and len(header) >= 3:
        fi, ri, ii, negated = _columns_from_header(header, name)
        notes.append(f"columns by header: {header[fi].strip()!r}, {header[ri].strip()!r}, {header[ii].strip()!r}")
    else:
        fi, ri, ii = 0, 1, 2
        notes.append("no header: columns taken as frequency, Z', Z''")
    f, z, lines = [], [], []
    width = None
    for lineno, ln in numbered[first_data:]:
        tokens = [t for t in _split(ln, delimiter)] if delimiter else ln.split()
        if width is None:
            width = len(tokens)
        if len(tokens) != width or len(tokens) <= max(fi, ri, ii):
            raise LptError(f"{name} line {lineno}: expected {max(width, 3)} columns, found {len(tokens)}.")
        f.append(_float(tokens[fi], name, lineno, decimal_comma))
        z.append(complex(_float(tokens[ri], name, lineno, decimal_comma),
                         _float(tokens[ii], name, lineno, decimal_comma)))
        lines.append(lineno)
    if header is None and width is not None and width > 3:
        notes.append(f"{width} columns without header: using the first three")
    z = np.array(z, dtype=complex)
    if negated:
        z = z.conj()
        notes.append(f"column {header[ii].strip()!r} negated to physical Z''")
    elif header is None and len(z) and np.mean(z.imag > 0) > 0.8:
        z = z.conj()
        notes.append("headerless imaginary column mostly positive: read as -Z'' and negated")
    if decimal_comma:
        notes.append("decimal comma")
    return _finish(f, z, lines, name, {}, notes)


# -- BioLogic EC-Lab .mpt ------------------------------------------------------------
def read_mpt(text: str, name: str) -> list[Spectrum]:
    """BioLogic EC-Lab text export; one spectrum per ``cycle number`` (or ``z cycle``).

    EC-Lab stores ``-Im(Z)/Ohm``, which is negated. Column names are matched
    without units so exports with ``µ``-prefixed or localized units still read.
    """
    lines = text.splitlines()
    if len(lines) < 2:
        raise LptError(f"{name}: truncated EC-Lab file (no header line count).")
    m = re.search(r"Nb header lines\s*:\s*(\d+)", lines[1])
    if not m:
        raise LptError(f'{name} line 2: expected "Nb header lines : N" of an EC-Lab .mpt file.')
    n_header = int(m.group(1))
    if n_header < 2 or n_header > len(lines):
        raise LptError(f"{name} line 2: header line count {n_header} does not fit a file of {len(lines)} lines.")
    cols = [c.strip() for c in lines[n_header - 1].split("\t")]
    low = [c.lower() for c in cols]

    def find(*keys):
        return next((i for i, c in enumerate(low) if any(c.startswith(k) for k in keys)), None)

    fi, ri, ii = find("freq/"), find("re(z)/"), find("-im(z)/")
    if fi is None or ri is None or ii is None:
        raise LptError(f"{name} line {n_header}: columns freq/Hz, Re(Z)/Ohm and -Im(Z)/Ohm not found.")
    ci = find("cycle number", "z cycle")
    ti = find("temperature/")
    decimal_comma = False
    data = [(k + 1, ln) for k, ln in enumerate(lines[n_header:], start=n_header) if ln.strip()]
    if data and "," in data[0][1] and "." not in data[0][1]:
        decimal_comma = True
    f, z, cyc, temp, numbers = [], [], [], [], []
    for lineno, ln in data:
        tokens = ln.split("\t")
        if len(tokens) <= max(fi, ri, ii):
            raise LptError(f"{name} line {lineno}: expected {len(cols)} columns, found {len(tokens)}.")
        f.append(_float(tokens[fi], name, lineno, decimal_comma))
        z.append(complex(_float(tokens[ri], name, lineno, decimal_comma),
                         -_float(tokens[ii], name, lineno, decimal_comma)))
        cyc.append(_float(tokens[ci], name, lineno, decimal_comma) if ci is not None and ci < len(tokens) else 0)
        temp.append(_float(tokens[ti], name, lineno, decimal_comma) if ti is not None and ti < len(tokens) else np.nan)
        numbers.append(lineno)
    meta = {}
    for ln in lines[:n_header]:
        if ":" in ln:
            key, _, val = ln.partition(":")
            if key.strip() in ("Acquisition started on", "Device", "Electrode surface area"):
                meta[key.strip()] = val.strip()
    notes = ["column -Im(Z)/Ohm negated to physical Z''"] + (["decimal comma"] if decimal_comma else [])
    cyc_arr = np.array(cyc)
    out = []
    cycles = list(dict.fromkeys(cyc_arr.tolist())) or [0]
    for c in cycles:
        sel = np.flatnonzero(cyc_arr == c)
        md = dict(meta)
        if ci is not None:
            md["cycle"] = int(c)
        t = np.array(temp)[sel]
        if np.any(np.isfinite(t)):
            md["temperature_C"] = float(np.nanmean(t))
        src = name if len(cycles) == 1 else f"{name}#cycle{int(c)}"
        out.append(_finish(np.array(f)[sel], np.array(z)[sel], [numbers[k] for k in sel], src, md, list(notes)))
    return out


# -- Gamry .DTA ------------------------------------------------------------------------
def read_gamry(text: str, name: str) -> Spectrum:
    """Gamry Framework ``.DTA``: the ``ZCURVE TABLE`` block (Freq, Zreal, Zimag; Zimag
    is already the physical Z'')."""
    lines = text.splitlines()
    start = next((k for k, ln in enumerate(lines) if ln.startswith("ZCURVE")), None)
    if start is None or start + 2 >= len(lines):
        raise LptError(f"{name}: no ZCURVE table found; is this a Gamry EIS file?")
    cols = [c.strip() for c in lines[start + 1].split("\t")]
    try:
        fi, ri, ii = cols.index("Freq"), cols.index("Zreal"), cols.index("Zimag")
    except ValueError:
        raise LptError(f"{name} line {start + 2}: columns Freq, Zreal and Zimag not found.") from None
    meta = {}
    for ln in lines[:start]:
        parts = ln.split("\t")
        if len(parts) >= 3 and parts[0] in ("DATE", "TIME", "TITLE", "VDC", "AREA"):
            meta[parts[0].lower()] = parts[2]
        if len(parts) >= 3 and parts[0].upper() in ("TEMP", "TEMPERATURE"):
            try:
                meta["temperature_C"] = float(parts[2])
            except ValueError:
                pass
    f, z, numbers = [], [], []
    for k in range(start + 3, len(lines)):
        ln = lines[k]
        if not ln.startswith("\t") or not ln.strip():
            break
        tokens = ln.split("\t")
        if len(tokens) < len(cols):
            raise LptError(f"{name} line {k + 1}: expected {len(cols)} columns, found {len(tokens)}.")
        f.append(_float(tokens[fi], name, k + 1))
        z.append(complex(_float(tokens[ri], name, k + 1), _float(tokens[ii], name, k + 1)))
        numbers.append(k + 1)
    return _finish(f, z, numbers, name, meta, ["Gamry Zimag is physical Z'' (not negated)"])


# -- ZView/ZPlot .z ------------------------------------------------------------------
def read_zplot(text: str, name: str) -> Spectrum:
    """Scribner ZPlot/ZView ``.z``: data after ``End Comments`` (or a ``Freq(Hz)``
    header); columns Freq, Ampl, Bias, Time, Z', Z'' (physical), GD, Err, Range."""
    lines = text.splitlines()
    start = next((k + 1 for k, ln in enumerate(lines) if "End Comments" in ln), None)
    if start is None:
        start = next((k + 1 for k, ln in enumerate(lines) if "Freq(Hz)" in ln), None)
    if start is None:
        raise LptError(f'{name}: no "End Comments" or "Freq(Hz)" line; is this a ZPlot .z file?')
    meta = {}
    for ln in lines[:start]:
        key, _, val = ln.partition(":")
        if key.strip() in ("Date", "Time"):
            meta[key.strip().lower()] = val.strip()
        if "temperature" in key.lower():
            try:
                meta["temperature_C"] = float(val)
            except ValueError:
                pass
    f, z, numbers = [], [], []
    for k in range(start, len(lines)):
        if not lines[k].strip():
            continue
        tokens = [t for t in re.split(r"\t|,\s*", lines[k].strip()) if t != ""]
        if len(tokens) < 6:
            raise LptError(f"{name} line {k + 1}: expected at least 6 columns, found {len(tokens)}.")
        f.append(_float(tokens[0], name, k + 1))
        z.append(complex(_float(tokens[4], name, k + 1), _float(tokens[5], name, k + 1)))
        numbers.append(k + 1)
    return _finish(f, z, numbers, name, meta, ["ZPlot Z'' is physical (not negated)"])


# -- Autolab FRA (Z60W) export --------------------------------------------------------
def read_autolab(text: str, name: str) -> Spectrum:
    """Autolab FRA ``Z60W`` text export: after the ``Freq`` header line, comma-separated
    Freq, Ampl, Bias, Time, Z', Z'' (physical), ... (as impedance.py's reader)."""
    lines = text.splitlines()
    head = [k for k, ln in enumerate(lines) if "Freq" in ln]
    if not head:
        raise LptError(f'{name}: no "Freq" header line; is this an Autolab export?')
    f, z, numbers = [], [], []
    for k in range(head[-1] + 1, len(lines)):
        if not lines[k].strip():
            continue
        tokens = lines[k].split(",")
        if len(tokens) < 6:
            raise LptError(f"{name} line {k + 1}: expected at least 6 comma-separated columns, found {len(tokens)}.")
        f.append(_float(tokens[0], name, k + 1))
        z.append(complex(_float(tokens[4], name, k + 1), _float(tokens[5], name, k + 1)))
        numbers.append(k + 1)
    return _finish(f, z, numbers, name, {}, ["Autolab Z'' is physical (not negated)"])


# -- dispatch --------------------------------------------------------------------------
def read_all(path) -> list[Spectrum]:
    """Every spectrum in one file (an .mpt with several cycles gives several)."""
    path = Path(path)
    name = str(path)
    if path.is_dir():
        raise LptError(f"{name} is a folder; use read_many() or pass the files.")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LptError(f"{name}: cannot be read ({exc.strerror or exc}).") from None
    if raw.startswith(b"BIO-LOGIC MODULAR FILE") or path.suffix.lower() == ".mpr":
        # The binary layout is only documented by GPL readers (galvani), which lpt
        # must not depend on; EC-Lab's own text export is complete and stable.
        raise LptError(f"{name}: binary BioLogic .mpr is not read; export it from EC-Lab as "
                       ".mpt (Text File Export) and pass that.")
    text = _decode(raw, name)
    head = text[:2000]
    ext = path.suffix.lower()
    try:
        if head.startswith("EC-Lab ASCII FILE") or ext == ".mpt":
            return read_mpt(text, name)
        if head.startswith("EXPLAIN") or "ZCURVE\tTABLE" in text or ext == ".dta":
            return [read_gamry(text, name)]
        if head.startswith("ZPLOT") or ext == ".z":
            return [read_zplot(text, name)]
        if "Z60W" in head or ("Freq" in head and "Z'(a)" in head):
            return [read_autolab(text, name)]
        return [read_table(text, name)]
    except LptError:
        raise
    except (ValueError, IndexError, KeyError, OverflowError) as exc:
        # A damaged file must still end in one sentence naming it.
        raise LptError(f"{name}: damaged or unsupported content ({type(exc).__name__}).") from None


def read(path) -> Spectrum:
    """The one spectrum in ``path`` (CSV/TXT, .mpt, .DTA, .z, Autolab)."""
    spectra = read_all(path)
    if len(spectra) != 1:
        raise LptError(f"{path} holds {len(spectra)} spectra (cycles); read them with read_all().")
    return spectra[0]


def read_many(paths_or_folder) -> list[Spectrum]:
    """Spectra from files and/or folders (a folder contributes its files with a known
    extension, sorted by name)."""
    items = [paths_or_folder] if isinstance(paths_or_folder, (str, Path)) else list(paths_or_folder)
    files: list[Path] = []
    for item in items:
        p = Path(item)
        if p.is_dir():
            found = sorted(q for q in p.iterdir() if q.is_file() and q.suffix.lower() in EXTENSIONS)
            if not found:
                raise LptError(f"{p}: folder holds no spectrum files ({', '.join(EXTENSIONS)}).")
            files.extend(found)
        elif p.exists():
            files.append(p)
        else:
            raise LptError(f"{p}: no such file or folder.")
    return [s for f in files for s in read_all(f)]
