"""Excel workbooks (.xlsx/.xls) from cycler software: Arbin, Neware, or hand-made.

Every sheet whose header row (within its first 30 rows) names time, voltage and
current is a data sheet; Arbin splits long tests over ``Channel_11_1``,
``Channel_11_2``… and these are joined in sheet order. Summary sheets (Arbin
``Statistics``, Neware ``cycle``/``step``) name no record-level time and are skipped.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from lpt.errors import LptError
from lpt.io.formats import generic_csv

HEADER_ROWS = 30


def read(path: Path):
    try:
        sheets = pd.read_excel(path, sheet_name=None, header=None)
    except ImportError as err:
        raise LptError(f"{path.name}: reading Excel needs openpyxl ({err}).") from None
    except Exception as err:                       # openpyxl/xlrd raise many types on bad bytes
        raise LptError(f"{path.name}: not a readable Excel workbook "
                       f"({type(err).__name__}: {str(err)[:80]}).") from None
    frames = []
    for sheet, raw in sheets.items():
        for k in range(min(HEADER_ROWS, len(raw))):
            header = [str(c).strip() for c in raw.iloc[k]]
            if {"time", "voltage", "current"} <= set(generic_csv.classify(header)):
                body = raw.iloc[k + 1:].reset_index(drop=True)
                body.columns = header
                body = body.loc[:, [c for c in header if c and c != "nan"]]
                frames.append((sheet, body.dropna(how="all")))
                break
    if not frames:
        raise LptError(f"{path.name}: no sheet of the workbook ({', '.join(map(str, sheets))[:100]}) "
                       "has a header naming time, voltage and current.")
    columns_sets = {tuple(f.columns) for _, f in frames}
    if len(columns_sets) > 1:
        frames = [frames[0]]
    frame = pd.concat([f for _, f in frames], ignore_index=True)
    notes = [f"data from sheet{'s' if len(frames) > 1 else ''} {', '.join(s for s, _ in frames)}"]
    columns = generic_csv.map_columns(frame, path.name, notes)
    names = " ".join(map(str, sheets))
    instrument = "Arbin" if ("Global_Info" in sheets or "Channel_" in names
                             or any("Data_Point" in c or "Test_Time" in c for c in frame.columns)) \
        else "Neware" if "record" in sheets else "unknown"
    return columns, {"instrument": instrument, "format": "excel"}, notes
