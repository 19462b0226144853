"""BioLogic EC-Lab / BT-Lab binary file (``.mpr``) into its raw column table.

Written from public descriptions of the layout (the documentation and tests of
galvani and yadg were read to learn it; no code was taken from them, both being
GPL). The layout:

* 52-byte file magic ``BIO-LOGIC MODULAR FILE\\x1a`` padded with spaces and four
  zero bytes;
* then modules, each ``MODULE`` + header + body. Header before EC-Lab 11.50:
  short name (10 bytes), long name (25), body length (uint32), version (uint32),
  date (8, ``mm/dd/yy``); from 11.50 a uint32 0xFFFFFFFF follows the long name and a
  second version number precedes the date. Modules: ``VMP Set`` (settings; its
  first byte is the technique), ``VMP data``, ``VMP LOG``, ``VMP loop``, ``VMP ExtDev``;
* ``VMP data`` body: number of points (uint32), number of column IDs (uint8), the
  IDs (uint16; an ID above 255 not in the table is read by its low byte; little-endian for module versions 2 and 3, big-endian in the
  11.50 layout), then the points from byte 0x195 (version 2), 0x196 (version 3)
  or 0x3EF (11.50 layout), one packed little-endian record per point. Flag IDs
  (mode, ox/red, error, control changes, Ns changes, counter inc.) share one byte
  at the place of the first of them. The ID table is a data file beside this module.

An unknown column ID makes the record size unknown, so such a file is refused
with the ID named rather than read wrong.
"""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from lpt.errors import LptError
from lpt.io.text import unique_names

MAGIC = b"BIO-LOGIC MODULAR FILE\x1a"
_FILE_HEADER_BYTES = 52
_TECHNIQUES = {0x04: "GCPL", 0x06: "CV", 0x0B: "OCV", 0x16: "MP", 0x18: "CA", 0x19: "CP", 0x1C: "WAIT",
               0x1D: "PEIS", 0x1E: "GEIS", 0x30: "CV", 0x32: "ZIR", 0x33: "CVA", 0x6C: "LSV",
               0x75: "CoV", 0x76: "CoC", 0x77: "GCPL", 0x7F: "MB", 0x88: "BCD"}
# Where the data records start in the VMP data body, by module version.
_DATA_OFFSET = {2: 0x195, 3: 0x196}
_DATA_OFFSET_1150 = 0x3EF
_OLE_EPOCH = datetime(1899, 12, 30)
_LOG_TIMESTAMP_OFFSETS = (0x249, 465, 469, 473, 585)


def is_mpr(head: bytes) -> bool:
    return head.startswith(MAGIC)


@lru_cache(maxsize=1)
def _columns() -> dict[int, tuple[str, str, int]]:
    table = {}
    path = Path(__file__).with_name("data") / "biologic_mpr_columns.csv"
    with open(path, encoding="utf-8") as fh:
        rows = csv.DictReader(line for line in fh if not line.startswith("#"))
        for row in rows:
            table[int(row["id"])] = (row["name"], row["dtype"], int(row["mask"] or 0))
    return table


def _modules(raw: bytes, name: str) -> list[dict]:
    out = []
    pos = _FILE_HEADER_BYTES
    while pos < len(raw):
        if raw[pos:pos + 6] != b"MODULE":
            raise LptError(f"{name}: damaged .mpr file (no module at byte {pos}); export it from EC-Lab as .mpt.")
        pos += 6
        if len(raw) < pos + 51:
            raise LptError(f"{name}: truncated .mpr file (module header cut at byte {pos}).")
        short = raw[pos:pos + 10].decode("latin-1").strip()
        layout_1150 = raw[pos + 35:pos + 39] == b"\xff\xff\xff\xff"
        if layout_1150:
            length, version = np.frombuffer(raw, "<u4", 2, pos + 39)
            date = raw[pos + 51:pos + 59]
            pos += 59
        else:
            length, version = np.frombuffer(raw, "<u4", 2, pos + 35)
            date = raw[pos + 43:pos + 51]
            pos += 51
        body = raw[pos:pos + int(length)]
        if len(body) != int(length):
            raise LptError(f"{name}: truncated .mpr file (module {short!r} announces {int(length)} bytes, "
                           f"{len(body)} present).")
        out.append({"name": short, "version": int(version), "layout_1150": layout_1150 and int(version) == 0,
                    "date": date.decode("latin-1").strip(), "body": body})
        pos += int(length)
    return out


def _record_dtype(ids: np.ndarray, name: str, technique: str) -> tuple[np.dtype, dict[str, int]]:
    table = _columns()
    fields: list[tuple[str, str]] = []
    flags: dict[str, int] = {}
    for cid in ids.tolist():
        entry = table.get(cid) or (table.get(cid & 0xFF) if cid > 0xFF else None)
        if entry is None:
            raise LptError(f"{name}: .mpr column ID {cid} is not known to lpt, so the record layout "
                           "cannot be read safely; export the file from EC-Lab as .mpt.")
        col, dtype, mask = entry
        if dtype == "flag":
            if "flags" not in [f[0] for f in fields]:
                fields.append(("flags", "u1"))
            flags[col] = mask
            continue
        if cid == 174 and ({6, 77} & set(ids.tolist())):
            col = "Phase(Zwe-ce)/deg"  # 174 is <Ewe>/V unless the potential is already stored
        if col == "Ewe/V" and technique == "BCD":
            col = "Ecell/V"  # BT-Lab names the cell voltage Ecell
        fields.append((col, dtype))
    names = unique_names([f[0] for f in fields])
    return np.dtype([(n, f[1]) for n, f in zip(names, fields)]), flags


def read_mpr_table(raw: bytes, name: str) -> tuple[pd.DataFrame, dict]:
    """The data module as a table with EC-Lab's .mpt column names, and metadata."""
    if not raw.startswith(MAGIC):
        raise LptError(f"{name}: not a BioLogic .mpr file (no BIO-LOGIC MODULAR FILE header).")
    modules = _modules(raw, name)
    by_name = {m["name"]: m for m in modules}
    if "VMP data" not in by_name:
        raise LptError(f"{name}: the .mpr file has no data module (an unfinished or settings-only file).")
    meta: dict = {"instrument": "BioLogic", "file_format": "EC-Lab binary (.mpr)"}
    technique = ""
    if "VMP Set" in by_name and by_name["VMP Set"]["body"]:
        settings = by_name["VMP Set"]
        technique = _TECHNIQUES.get(settings["body"][0], f"technique id {settings['body'][0]}")
        meta["technique"] = technique
        meta["date"] = settings["date"]
    data = by_name["VMP data"]
    body = data["body"]
    if len(body) < 5:
        raise LptError(f"{name}: truncated .mpr data module.")
    n_points = int(np.frombuffer(body, "<u4", 1, 0)[0])
    n_cols = body[4]
    if data["layout_1150"]:
        ids = np.frombuffer(body, ">u2", n_cols, 5)
        offset = _DATA_OFFSET_1150
    elif data["version"] in _DATA_OFFSET:
        ids = np.frombuffer(body, "<u2", n_cols, 5)
        offset = _DATA_OFFSET[data["version"]]
    else:
        raise LptError(f"{name}: .mpr data module version {data['version']} is not known to lpt; "
                       "export the file from EC-Lab as .mpt.")
    dtype, flags = _record_dtype(ids, name, technique)
    available = len(body) - offset
    if available < 0 or n_points * dtype.itemsize > available:
        raise LptError(f"{name}: the .mpr data module holds {max(available, 0)} bytes for {n_points} points "
                       f"of {dtype.itemsize} bytes; the file is truncated or its column layout unknown.")
    if available - n_points * dtype.itemsize >= dtype.itemsize:
        raise LptError(f"{name}: the .mpr data module holds more bytes than its {n_points} points of "
                       f"{dtype.itemsize} bytes; a column is of a type lpt does not know. "
                       "Export the file from EC-Lab as .mpt.")
    records = np.frombuffer(body, dtype, n_points, offset)
    columns: dict[str, np.ndarray] = {}
    for field in dtype.names:
        if field == "flags":
            for flag, mask in flags.items():
                shift = (mask & -mask).bit_length() - 1
                columns[flag] = ((records["flags"] & mask) >> shift).astype(np.int64)
        else:
            columns[field] = records[field].astype(float)
    table = pd.DataFrame(columns)
    if "VMP LOG" in by_name:
        start = _ole_start(by_name["VMP LOG"]["body"])
        if start is not None:
            meta["acquisition_start"] = start.isoformat(sep=" ")
    if "VMP loop" in by_name:
        loop = by_name["VMP loop"]["body"]
        if len(loop) >= 4:
            n = int(np.frombuffer(loop, "<u4", 1, 0)[0])
            if 4 + 4 * n <= len(loop):
                starts = np.frombuffer(loop, "<u4", n, 4).astype(int).tolist()
                meta["loops"] = [(a, b - 1) for a, b in zip(starts, starts[1:] + [n_points])
                                 if a < b] if n > 1 else []
    return table, meta


def _ole_start(body: bytes) -> datetime | None:
    """Acquisition start, stored as an OLE date (days since 1899-12-30) at one of a
    few offsets that depend on the EC-Lab version; a plausible date (1995-2063) wins."""
    for off in _LOG_TIMESTAMP_OFFSETS:
        if off + 8 <= len(body):
            days = float(np.frombuffer(body, "<f8", 1, off)[0])
            if 35000.0 < days < 60000.0:
                return _OLE_EPOCH + timedelta(days=days)
    return None
