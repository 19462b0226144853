"""Text tables as cyclers export them: encodings, preambles, delimiters, decimal commas,
durations written as ``1d 02:03:04.5`` and dates.

The header line is found by a predicate over the first lines (exports carry a
preamble of varying length); the body is then parsed by pandas' C reader, which is
what keeps a 10⁶-row file under a second.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.tseries.api import guess_datetime_format

from lpt.errors import LptError
from lpt.io import text as shared_text
from lpt.io.text import looks_binary

HEAD_BYTES = 1 << 16
MIXED_DATES_MAX_ROWS = 20_000      # dateutil parses ~2,000 dates per second
_DURATION = re.compile(r"^\s*(?:(?P<d>\d+)\s*(?:d|days?,?)[\s-]*)?(?P<h>\d+):(?P<m>\d{1,2}):(?P<s>\d{1,2}(?:\.\d*)?)\s*$")


def decode(raw: bytes, name: str) -> str:
    """Text of an export; refuses binary content with a sentence naming the file."""
    if looks_binary(raw):
        raise LptError(f"{name}: binary content that is not a known cycler format; export the "
                       "data as text (CSV/TXT) or Excel.")
    return shared_text.decode(raw, name)


def head_lines(path: Path, n_bytes: int = HEAD_BYTES) -> list[str]:
    with open(path, "rb") as stream:
        raw = stream.read(n_bytes)
    return decode(raw, path.name).splitlines()


def find_line(lines: list[str], predicate: Callable[[str], bool], name: str, what: str) -> int:
    for k, line in enumerate(lines):
        if predicate(line):
            return k
    raise LptError(f"{name}: no {what} found in the first {len(lines)} lines.")


def sniff(header: str, body: list[str]) -> tuple[str, str]:
    """(delimiter, decimal mark) from the header line and a few data lines."""
    counts = {d: header.count(d) for d in ("\t", ";", ",")}
    delimiter = max(counts, key=counts.get)
    if counts[delimiter] == 0:
        delimiter = r"\s+"
    sample = [ln for ln in body[:50] if ln.strip()]
    decimal = "."
    if delimiter != "," and sample and any(re.search(r"\d,\d", ln) for ln in sample) \
            and not any(re.search(r"\d\.\d", ln) for ln in sample):
        decimal = ","
    return delimiter, decimal


def read_body(source: Path | str, header_index: int, delimiter: str, decimal: str,
              name: str, skip_after_header: int = 0) -> pd.DataFrame:
    """The table under the header line ``header_index`` (0-based), every cell as read."""
    skip = list(range(header_index)) + list(range(header_index + 1, header_index + 1 + skip_after_header))
    options = dict(sep=delimiter, decimal=decimal, skiprows=skip, header=0, skip_blank_lines=True,
                   engine="c" if delimiter != r"\s+" else "python", low_memory=False, index_col=False)
    try:
        if isinstance(source, str):
            frame = pd.read_csv(io.StringIO(source), **options)
        else:
            try:
                frame = pd.read_csv(source, encoding="utf-8-sig", **options)
            except UnicodeDecodeError:                 # Windows exports: "µA", "°C" in cp1252
                frame = pd.read_csv(source, encoding="latin-1", **options)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, UnicodeDecodeError) as err:
        raise LptError(f"{name}: the data table under line {header_index + 1} cannot be read "
                       f"({str(err).splitlines()[0][:90]}).") from None
    frame.columns = [str(c).strip().strip('"') for c in frame.columns]
    return frame.loc[:, [c for c in frame.columns if c and not c.startswith("Unnamed")]]


def numbers(series: pd.Series, name: str, column: str) -> np.ndarray:
    """Floats of a column; text that is not a number (``N/A``, blanks) becomes NaN."""
    if series.dtype.kind in "fiub":
        return series.to_numpy(float)
    values = pd.to_numeric(series.astype(str).str.strip().str.replace(",", ".", regex=False),
                           errors="coerce").to_numpy(float)
    if np.isnan(values).all() and series.notna().any():
        raise LptError(f"{name}: column {column!r} holds no numbers (first value "
                       f"{str(series.dropna().iloc[0])[:30]!r}).")
    return values


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
    first = series.dropna().astype(str).str.strip()
    if first.empty:
        return None
    guessed = _date_format(first.iloc[:50])
    if guessed is not None:        # one format for the column: parsed at C speed
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
