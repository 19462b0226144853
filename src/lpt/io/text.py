"""Text as instruments write it, for every reader (spectra and cyclers): decoding,
the delimiter, the decimal mark, numbers, durations and dates, and the fast numeric
table parser that still names the line at fault.

One rule each: :func:`delimiter_of` finds the delimiter, :func:`decimal_comma` the
decimal mark (European Windows locales write ``0,5``), :func:`clean_number` turns a
cell into the text ``float`` reads — :func:`to_float` for one cell, naming its line,
:func:`numbers` for a whole column. The bodies of tables are parsed by pandas' C
reader (:func:`numeric_table` for lines in memory, :func:`read_body` for a file),
which keeps a 10⁶-row file near a second.
"""

from __future__ import annotations

import csv
import io as _stdio
import re
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.tseries.api import guess_datetime_format

from lpt.errors import LptError

_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")
DELIMITERS = ("\t", ";", ",")
HEAD_BYTES = 1 << 16
MIXED_DATES_MAX_ROWS = 20_000      # dateutil parses ~2,000 dates per second
_DURATION = re.compile(r"^\s*(?:(?P<d>\d+)\s*(?:d|days?,?)[\s-]*)?(?P<h>\d+):(?P<m>\d{1,2}):(?P<s>\d{1,2}(?:\.\d*)?)\s*$")


def decode(raw: bytes, name: str, refuse_binary: bool = False) -> str:
    """Bytes to text: UTF-16 with its byte-order mark, UTF-8 (with or without BOM),
    else Windows-1252/Latin-1, which EC-Lab, ZView, Gamry and cycler software write
    ("µF", "cm²", "°C"). ``refuse_binary``: binary content is refused with a sentence
    naming the file (cycler exports, where no binary reader is left to try)."""
    if refuse_binary and looks_binary(raw):
        raise LptError(f"{name}: binary content that is not a known cycler format; export the "
                       "data as text (CSV/TXT) or Excel.")
    if not raw.strip():
        raise LptError(f"{name}: the file is empty.")
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def looks_binary(raw: bytes) -> bool:
    """Whether ``raw`` is not text. UTF-16 text with its byte-order mark (Windows
    "Unicode" exports) is text: its NUL bytes are the high halves of ASCII letters."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            raw[: len(raw) // 2 * 2][:4096].decode("utf-16")
            return False
        except UnicodeDecodeError:
            return True
    head = raw[:4096]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in b"\r\n\t\x0c")
    return controls > 8


def delimiter_of(lines: list[str]) -> str | None:
    """The delimiter (tab, semicolon, comma) that every line of ``lines`` has and nine
    lines in ten have equally often — a row cut short, e.g. the last one of an
    interrupted export, must not turn the whole table into one column; None when the
    columns are separated by white space."""
    sample = [ln for ln in lines if ln.strip()]
    for d in DELIMITERS:
        counts = [ln.rstrip(d + " \r").count(d) for ln in sample]
        if counts and min(counts) >= 1 and counts.count(max(counts)) >= 0.9 * len(counts):
            return d
    return None


def decimal_comma(lines: list[str], delimiter: str | None) -> bool:
    """True when numbers in ``lines`` write their decimals with a comma (German or
    French Windows locales): a comma between digits somewhere, a point between digits
    nowhere, and the comma is not the delimiter."""
    if delimiter == ",":
        return False
    joined = "\n".join(ln for ln in lines[:200] if ln.strip())
    return bool(re.search(r"\d,\d", joined)) and not re.search(r"\d\.\d", joined)


def sniff(header: str, body: list[str]) -> tuple[str, str]:
    """(delimiter for pandas, decimal mark) of a table from its header line and data lines."""
    found = delimiter_of([header] + body[:50])
    if found is None:                      # data lines disagree (text cells): the header decides
        counts = {d: header.count(d) for d in DELIMITERS}
        best = max(counts, key=counts.get)
        found = best if counts[best] else None
    return (found or r"\s+"), ("," if decimal_comma(body[:50], found) else ".")


def clean_number(token: str, comma: bool = False) -> str:
    """A cell as ``float`` reads it: blanks and quotes stripped, a decimal comma made a point."""
    t = token.strip().strip('"').strip()
    return t.replace(",", ".") if comma else t


def to_float(token: str, name: str, lineno: int, comma: bool = False) -> float:
    t = clean_number(token, comma)
    try:
        return float(t)
    except ValueError:
        raise LptError(f'{name} line {lineno}: cannot read a number from "{t[:30]}".') from None


def numbers(series: pd.Series, name: str, column: str) -> np.ndarray:
    """Floats of a column (the vector form of :func:`clean_number`); text that is not a
    number (``N/A``, blanks) becomes NaN."""
    if series.dtype.kind in "fiub":
        return series.to_numpy(float)
    cleaned = series.astype(str).str.strip().str.strip('"').str.replace(",", ".", regex=False)
    values = pd.to_numeric(cleaned, errors="coerce").to_numpy(float)
    if np.isnan(values).all() and series.notna().any():
        raise LptError(f"{name}: column {column!r} holds no numbers (first value "
                       f"{str(series.dropna().iloc[0])[:30]!r}).")
    return values


def numeric_table(lines: list[str], first_lineno: int, name: str, *, delimiter: str | None,
                  comma: bool, columns: list[str], locate_error: bool = True) -> pd.DataFrame:
    """Parse data lines (all numeric) into float columns named ``columns``.

    The C parser of pandas does the work (10^4 rows in a few ms); on any failure
    the lines are read one by one to name the first one at fault. Trailing empty
    fields (EC-Lab ends each line with a tab) are ignored and an empty cell is NaN;
    a row with more fields than ``columns``, or fewer (a row cut short or split in
    two), is refused naming its line — never shifted, cut or padded into the table.
    """
    width = len(columns)
    if not lines:
        return pd.DataFrame({c: np.array([], dtype=float) for c in columns})
    # pandas sizes the table by the first row when it is wider than the names given and
    # then drops the extra cells with a mere ParserWarning: that row is refused here.
    first = lines[0].rstrip((delimiter or "") + " \r")
    if len(_fields(first, delimiter)) > width:
        if not locate_error:
            raise ValueError("not a numeric table")
        _first_bad_line(lines, first_lineno, name, delimiter, comma, width)
        raise LptError(f"{name} line {first_lineno}: more fields than the {width} columns.")
    text = "\n".join([first] + lines[1:])
    sep = delimiter if delimiter else r"\s+"
    try:
        frame = pd.read_csv(_stdio.StringIO(text), sep=sep, header=None, decimal="," if comma else ".",
                            engine="c" if delimiter else "python", dtype=float, skip_blank_lines=False,
                            names=range(width + 1), index_col=False)
        if frame.shape[1] != width + 1 or frame.iloc[:, width].notna().any():
            raise ValueError                       # a row with more fields than the columns
    except (ValueError, pd.errors.ParserError):
        if not locate_error:
            raise ValueError("not a numeric table") from None
        _first_bad_line(lines, first_lineno, name, delimiter, comma, width)
        raise LptError(f"{name}: the data table could not be read.") from None
    frame = frame.iloc[:, :width]
    # A short row leaves the last column empty: only those rows are counted in Python.
    maybe_short = np.flatnonzero(frame.iloc[:, width - 1].isna().to_numpy()) if width else []
    if len(maybe_short):
        if not locate_error and any(len(_fields(lines[k], delimiter)) < width
                                    for k in maybe_short if lines[k].strip()):
            raise ValueError("not a numeric table")
        check_row_lengths([lines[k] for k in maybe_short], [first_lineno + k for k in maybe_short],
                          name, delimiter, width)
    frame.columns = columns
    return frame


def check_row_lengths(lines: list[str], line_numbers, name: str, delimiter: str | None, width: int) -> None:
    """One sentence naming the first non-blank row with fewer fields than the table's
    ``width`` columns (``",,"`` is an empty cell, not a short row)."""
    for lineno, ln in zip(line_numbers, lines):
        if not ln.strip():
            continue
        fields = _fields(ln.rstrip("\r\n"), delimiter)
        if len(fields) < width:
            raise LptError(f"{name} line {lineno}: {len(fields)} fields where the table has {width} columns "
                           f"(a row cut short?); complete or delete that line.")


def _fields(line: str, delimiter: str | None) -> list[str]:
    return line.split(delimiter) if delimiter else line.split()


def _first_bad_line(lines, first_lineno, name, delimiter, comma, width) -> None:
    for k, ln in enumerate(lines):
        tokens = _fields(ln, delimiter)
        while tokens and not tokens[-1].strip():
            tokens.pop()
        if len(tokens) > width:
            raise LptError(f"{name} line {first_lineno + k}: {len(tokens)} fields where the header names "
                           f"{width} columns.")
        for t in tokens:
            if t.strip():
                to_float(t, name, first_lineno + k, comma)


def unique_names(names: list[str]) -> list[str]:
    """Column names as written, a repeated one suffixed " 2", " 3" ..."""
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n} {seen[n]}")
    return out


def as_float(values) -> np.ndarray:
    return np.asarray(values, dtype=float)


def head_lines(path: Path, n_bytes: int = HEAD_BYTES) -> list[str]:
    with open(path, "rb") as stream:
        raw = stream.read(n_bytes)
    return decode(raw, path.name, refuse_binary=True).splitlines()


def find_line(lines: list[str], predicate: Callable[[str], bool], name: str, what: str) -> int:
    for k, line in enumerate(lines):
        if predicate(line):
            return k
    raise LptError(f"{name}: no {what} found in the first {len(lines)} lines.")


def read_body(source: Path | str, header_index: int, delimiter: str, decimal: str,
              name: str, skip_after_header: int = 0) -> pd.DataFrame:
    """The table under the header line ``header_index`` (0-based), every cell as read.
    A row with more cells than the header names is refused naming its line (pandas
    would cut a wide first row to the header with a mere ParserWarning)."""
    skip = list(range(header_index)) + list(range(header_index + 1, header_index + 1 + skip_after_header))
    options = {"sep": delimiter, "decimal": decimal, "skiprows": skip, "header": 0, "skip_blank_lines": True,
               "index_col": False, "engine": "python"}        # low_memory is a C-engine option
    if delimiter != r"\s+":
        options.update(engine="c", low_memory=False)
    try:
        try:
            frame = _read_csv(source, options, strict=True)
        except pd.errors.ParserWarning:
            _first_wide_row(source, header_index, skip_after_header, delimiter, name)
            frame = _read_csv(source, options, strict=False)   # only empty trailing cells were cut
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, UnicodeDecodeError) as err:
        raise LptError(f"{name}: the data table under line {header_index + 1} cannot be read "
                       f"({str(err).splitlines()[0][:90]}).") from None
    frame.columns = [str(c).strip().strip('"') for c in frame.columns]
    return frame.loc[:, [c for c in frame.columns if c and not c.startswith("Unnamed")]]


def _read_csv(source: Path | str, options: dict, strict: bool) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("error" if strict else "ignore", pd.errors.ParserWarning)
        if isinstance(source, str):
            return pd.read_csv(_stdio.StringIO(source), **options)
        try:
            return pd.read_csv(source, encoding="utf-8-sig", **options)
        except UnicodeDecodeError:                 # Windows exports: "µA", "°C" in cp1252
            return pd.read_csv(source, encoding="latin-1", **options)


def _first_wide_row(source: Path | str, header_index: int, skip_after_header: int, delimiter: str,
                    name: str) -> None:
    """Raise naming the first row under the header with more cells than the header
    names; the slow path, run only once pandas has complained."""
    lines = (source if isinstance(source, str) else decode(Path(source).read_bytes(), name)).splitlines()
    width = len(cells_of(lines[header_index], delimiter))
    first = header_index + 1 + skip_after_header
    refuse_wide_rows(lines[first:], range(first + 1, len(lines) + 1), delimiter, width, name,
                     f"the header (line {header_index + 1})")


def cells_of(line: str, delimiter: str) -> list[str]:
    """The cells of one line as pandas reads them (quotes respected), empty trailing cells dropped."""
    row = line.split() if delimiter == r"\s+" else next(csv.reader([line], delimiter=delimiter), [])
    while row and not row[-1].strip():
        row.pop()
    return row


def refuse_wide_rows(lines, line_numbers, delimiter: str, width: int, name: str, header: str) -> None:
    """One sentence naming the first row with more non-empty cells than ``width``."""
    for lineno, line in zip(line_numbers, lines):
        n = len(cells_of(line, delimiter)) if line.strip() else 0
        if n > width:
            raise LptError(f"{name} line {lineno}: {n} cells where {header} names {width} columns.")


def durations_s(series: pd.Series, name: str, column: str) -> np.ndarray:
    """Seconds from numbers or from ``[Nd ]hh:mm:ss[.f]`` durations (Maccor, Neware)."""
    if series.dtype.kind in "fiub":
        return series.to_numpy(float)
    text = series.astype(str)
    first = text.dropna().iloc[0] if len(text.dropna()) else ""
    if not _DURATION.match(first):
        return numbers(series, name, column)
    # Arrow's RE2 splits "[Nd ]h:mm:ss[.f]" and casts the parts to float in C++:
    # 10^6 cells in ~0.5 s (a regex over Python strings takes ~4 s); rows that do
    # not parse become NaN.
    cells = pa.array(text.fillna(""), type=pa.string())           # zero-copy for Arrow strings
    match = pc.extract_regex(cells, _DURATION.pattern)
    total = np.zeros(len(series))
    for part, seconds in (("d", 86400.0), ("h", 3600.0), ("m", 60.0), ("s", 1.0)):
        field = pc.struct_field(match, part)
        field = pc.if_else(pc.equal(field, ""), "0", field)
        total += pc.cast(field, pa.float64()).to_numpy(zero_copy_only=False) * seconds
    if np.isnan(total).mean() > 0.5:
        raise LptError(f"{name}: column {column!r} mixes durations and other text "
                       f"(e.g. {first[:30]!r}).")
    return total


def unix_seconds(series: pd.Series, name: str, column: str, notes: list[str]) -> np.ndarray | None:
    """Unix seconds from dates (naive dates read as UTC, said in ``notes``) or numbers."""
    if series.dtype.kind in "fiub":
        values = series.to_numpy(float)
        return values if np.nanmedian(values) > 1e8 else None      # already Unix seconds
    sample = series.dropna().astype(str).iloc[:50]
    first = sample.str.strip()
    if first.empty:
        return None
    guessed = _date_format(first)
    if guessed is not None and "%f" not in guessed and "%z" not in guessed.lower():
        # one naive format without fractions: Arrow's strptime, 3x faster than pandas'
        cells = series.astype(str)
        if (sample != first).any():        # padded cells: strip them (0.4 s per 10^6 rows)
            cells = cells.str.strip()
        parsed = pc.strptime(pa.array(cells, type=pa.string()), format=guessed, unit="us", error_is_null=True)
        seconds = parsed.cast(pa.int64()).to_numpy(zero_copy_only=False).astype(float) / 1e6
        if np.isnan(seconds).mean() > 0.5:
            notes.append(f"column {column!r} is not a date; no Unix time")
            return None
        notes.append(f"dates in {column!r} carry no time zone; read as UTC")
        return seconds
    if guessed is not None:        # fractions of a second or a zone: pandas, still at C speed
        stamps = pd.to_datetime(series.astype(str).str.strip(), errors="coerce", format=guessed)
    elif len(series) <= MIXED_DATES_MAX_ROWS:
        stamps = pd.to_datetime(series, errors="coerce", format="mixed", dayfirst=False)
    else:
        notes.append(f"dates in {column!r} have no single format; no Unix time")
        return None
    if stamps.isna().mean() > 0.5:
        notes.append(f"column {column!r} is not a date; no Unix time")
        return None
    if stamps.dt.tz is None:
        notes.append(f"dates in {column!r} carry no time zone; read as UTC")
        stamps = stamps.dt.tz_localize("UTC")
    return (stamps - pd.Timestamp(0, tz="UTC")).dt.total_seconds().to_numpy(float)


# Formats cycler software writes that pandas does not guess (12-hour clocks, dotted dates).
DATE_FORMATS = ("%m/%d/%Y %I:%M:%S %p", "%Y-%m-%d %I:%M:%S %p", "%m/%d/%Y %H:%M:%S",
                "%d.%m.%Y %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f")


def _date_format(sample: pd.Series) -> str | None:
    """The one strptime format that reads every date of the sample, or None."""
    guessed = guess_datetime_format(sample.iloc[0], dayfirst=False)
    for fmt in ((guessed,) if guessed else ()) + DATE_FORMATS:
        if pd.to_datetime(sample, errors="coerce", format=fmt).notna().all():
            return fmt
    return None
