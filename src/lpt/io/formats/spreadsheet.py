"""Spreadsheets: ``.xlsx`` (openpyxl, MIT) and ``.ods`` (odfpy, Apache-2.0, through
pandas). Every sheet is turned into tab-separated rows and read like a text table
(:mod:`lpt.io.formats.table`): a header row naming the columns, or three
headerless columns frequency, Z', Z''. Numbers keep full precision (``repr``).
"""

from __future__ import annotations

import io as _stdio
import math

from lpt.errors import LptError
from lpt.io.formats.table import read_table_text
from lpt.io.spectrum import Spectrum


def is_xlsx(head: bytes) -> bool:
    return head.startswith(b"PK\x03\x04") and b"xl/" in head[:2000]


def is_ods(head: bytes) -> bool:
    return head.startswith(b"PK\x03\x04") and b"application/vnd.oasis.opendocument.spreadsheet" in head[:200]


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value).replace("\t", " ").replace("\n", " ")


def read_spreadsheet(raw: bytes, name: str) -> list[Spectrum]:
    import pandas as pd

    engine = "odf" if is_ods(raw[:200]) else "openpyxl"
    try:
        sheets = pd.read_excel(_stdio.BytesIO(raw), sheet_name=None, header=None, engine=engine)
    except ImportError:
        raise LptError(f"{name}: reading {'.ods' if engine == 'odf' else '.xlsx'} needs the "
                       f"{'odfpy' if engine == 'odf' else 'openpyxl'} package (pip install it), or export "
                       "the sheet as CSV.") from None
    except Exception as exc:  # a damaged archive raises zipfile, XML or KeyError errors
        raise LptError(f"{name}: damaged or unsupported spreadsheet ({type(exc).__name__}).") from None
    spectra: list[Spectrum] = []
    errors = []
    for sheet, frame in sheets.items():
        rows = ["\t".join(_cell(v) for v in row) for row in frame.itertuples(index=False)]
        if not any(r.strip() for r in rows):
            continue
        try:
            found = read_table_text("\n".join(rows), f"{name}[{sheet}]", instrument="spreadsheet")
        except LptError as exc:
            errors.append(str(exc))
            continue
        for s in found:
            s.metadata["sheet"] = sheet
            s.metadata["file"] = name
        spectra += found
    if not spectra:
        raise LptError(errors[0] if errors else f"{name}: every sheet is empty.")
    return spectra
