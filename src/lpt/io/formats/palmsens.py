"""PalmSens PSTrace session (``.pssession``): UTF-16 JSON (a trailing non-JSON
byte or two is usual) with ``Measurements[].EISDataList[]`` (key case differs between PSTrace versions).
Each EIS data entry holds a ``DataSet`` (or ``SubScans[].DataSet``) of named value arrays: ``Frequency``
(Hz), ``ZRe`` (ohm) and ``ZIm`` — stored as -Z'' (its quantity is labelled
"-Z''"; PSTrace's own admittance column confirms the sign), so it is negated here.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import numpy as np

from lpt.errors import LptError
from lpt.io.spectrum import Spectrum, build_spectra


def _lower_keys(obj):
    """PSTrace versions differ in the case of the keys (``Measurements`` and
    ``DataValues`` or ``measurements`` and ``datavalues``): keys are compared in lower case. Value names
    (``Frequency``, ``ZRe``) keep their case."""
    if isinstance(obj, dict):
        return {str(k).lower(): _lower_keys(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_lower_keys(v) for v in obj]
    return obj


def is_pssession(head: bytes) -> bool:
    return head.startswith(b"\xff\xfe{\x00") and head[:200].lower().find(b"t\x00y\x00p\x00e\x00") > 0


def read_pssession(raw: bytes, name: str) -> list[Spectrum]:
    try:
        text = raw.decode("utf-16")
        doc = _lower_keys(json.loads(text[: text.rfind("}") + 1]))
    except (UnicodeDecodeError, json.JSONDecodeError, ValueError):
        raise LptError(f"{name}: damaged PalmSens session (not the UTF-16 JSON PSTrace writes).") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("measurements"), list):
        raise LptError(f"{name}: a PalmSens session without Measurements.")
    spectra: list[Spectrum] = []
    skipped = 0
    for m_index, meas in enumerate(doc["measurements"], 1):
        if not isinstance(meas, dict):
            continue
        entries = meas.get("eisdatalist") or []
        if not entries:
            skipped += 1
            continue
        meta = {"instrument": "PalmSens", "file": name, "measurement": m_index,
                "title": meas.get("title"), "device": meas.get("deviceused")}
        stamp = meas.get("timestamp")
        if isinstance(stamp, int) and stamp > 0:  # .NET ticks (100 ns since 0001-01-01)
            meta["acquisition_start"] = (datetime(1, 1, 1) + timedelta(microseconds=stamp // 10)).isoformat(sep=" ")
        for e_index, entry in enumerate(entries, 1):
            sets = [entry["dataset"]] if isinstance(entry, dict) and "dataset" in entry else \
                [s.get("dataset") for s in (entry.get("subscans") or []) if isinstance(s, dict)]
            for s_index, dataset in enumerate(sets, 1):
                values = {v.get("description"): v for v in (dataset or {}).get("values", []) if isinstance(v, dict)}
                if not {"Frequency", "ZRe", "ZIm"} <= set(values):
                    raise LptError(f"{name}: measurement {m_index} has an EIS data set without Frequency, ZRe "
                                   "and ZIm values.")

                def arr(key):
                    return np.array([d.get("v", np.nan) if isinstance(d, dict) else np.nan
                                     for d in values[key].get("datavalues", [])], dtype=float)

                f, re_z, neg_im = arr("Frequency"), arr("ZRe"), arr("ZIm")
                if not (len(f) == len(re_z) == len(neg_im)):
                    raise LptError(f"{name}: measurement {m_index}: Frequency, ZRe and ZIm differ in length.")
                md = dict(meta, eis_data=e_index, sub_scan=s_index if len(sets) > 1 else None)
                per_row = {"time_s": arr("time")} if "time" in values and len(arr("time")) == len(f) else None
                spectra += build_spectra(f, re_z - 1j * neg_im, name, md,
                                         ["PalmSens ZIm holds -Z'': negated to physical Z''"], per_row=per_row)
    if not spectra:
        raise LptError(f"{name}: the PalmSens session holds no impedance measurement "
                       f"({len(doc['measurements'])} other measurements).")
    if skipped:
        for s in spectra:
            s.notes.append(f"{skipped} non-impedance measurements of the session skipped")
    if len(spectra) > 1:
        for j, s in enumerate(spectra, 1):
            s.source, s.metadata["sweep"] = f"{name}#sweep{j}", j
    return spectra
