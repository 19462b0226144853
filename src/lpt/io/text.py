"""Shared text handling for the text readers: decoding, decimal commas, and a fast
numeric table parser that still names the line at fault."""

from __future__ import annotations

import io as _stdio
import re

import numpy as np
import pandas as pd

from lpt.errors import LptError

_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


def decode(raw: bytes, name: str) -> str:
    """Bytes to text: UTF-8 (with or without BOM), else Windows-1252/Latin-1, which
    EC-Lab, ZView and Gamry write ("µF", "cm²", "°C")."""
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


def decimal_comma(lines: list[str], delimiter: str | None) -> bool:
    """True when numbers in ``lines`` write their decimals with a comma (German or
    French Windows locales): a comma inside a field and no point anywhere."""
    sample = [ln for ln in lines[:200] if ln.strip()]
    if delimiter == ",":
        return False
    joined = "\n".join(sample)
    if "," not in joined:
        return False
    fields = [t for ln in sample for t in (ln.split(delimiter) if delimiter else ln.split()) if t.strip()]
    with_comma = [t for t in fields if "," in t]
    return bool(with_comma) and all(_NUMBER.match(t.strip()) for t in with_comma[:50]) and "." not in joined


def to_float(token: str, name: str, lineno: int, comma: bool = False) -> float:
    t = token.strip().strip('"')
    if comma:
        t = t.replace(",", ".")
    try:
        return float(t)
    except ValueError:
        raise LptError(f'{name} line {lineno}: cannot read a number from "{t[:30]}".') from None


def numeric_table(lines: list[str], first_lineno: int, name: str, *, delimiter: str | None,
                  comma: bool, columns: list[str], locate_error: bool = True) -> pd.DataFrame:
    """Parse data lines (all numeric) into float columns named ``columns``.

    The C parser of pandas does the work (10^4 rows in a few ms); on any failure
    the lines are read one by one to name the first one at fault. Trailing empty
    fields (EC-Lab ends each line with a tab) are ignored; a missing cell is NaN.
    """
    text = "\n".join(lines)
    sep = delimiter if delimiter else r"\s+"
    try:
        frame = pd.read_csv(_stdio.StringIO(text), sep=sep, header=None, decimal="," if comma else ".",
                            engine="c" if delimiter else "python", dtype=float, skip_blank_lines=False,
                            names=range(len(columns) + 1) if delimiter else None, index_col=False)
        frame = frame.iloc[:, : len(columns)]
        if frame.shape[1] < len(columns):
            raise ValueError
        if delimiter and frame.shape[1] > len(columns) and frame.iloc[:, len(columns):].notna().any().any():
            raise ValueError
    except (ValueError, pd.errors.ParserError):
        if not locate_error:
            raise ValueError("not a numeric table") from None
        _first_bad_line(lines, first_lineno, name, delimiter, comma, len(columns))
        raise LptError(f"{name}: the data table could not be read.") from None
    frame.columns = columns
    return frame


def _first_bad_line(lines, first_lineno, name, delimiter, comma, width) -> None:
    for k, ln in enumerate(lines):
        tokens = ln.split(delimiter) if delimiter else ln.split()
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
