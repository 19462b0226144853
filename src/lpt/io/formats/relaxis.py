"""RelaxIS 3 projects (``.eis3``, rhd instruments).

A RelaxIS 3 project is an SQLite database (DatabaseFormat 1), read with Python's
own ``sqlite3`` from its self-describing schema: ``Files`` holds one row per spectrum
(``datasource`` is the measured file's name, ``groupname`` the fitted model),
``Datapoints`` the points (``file_id``, ``frequency`` in Hz, ``zreal`` and ``zimag`` in
ohm, Z'' with its physical sign), ``FileInformation`` per-spectrum values by name
(``Temperature`` in °C, ``Area``, ``Thickness``, ``ACVoltage``), ``Properties`` the
database format and the RelaxIS version. Fit results (``Fitparameters``) are not read.
Each spectrum keeps its points in the order RelaxIS stored them.
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

import numpy as np

from lpt.errors import LptError
from lpt.io.spectrum import Spectrum, build_spectra

SQLITE_MAGIC = b"SQLite format 3\x00"
SUPPORTED_DATABASE_FORMAT = "1"


def is_relaxis(head: bytes) -> bool:
    return head.startswith(SQLITE_MAGIC) and b"Datapoints" in head and b"zimag" in head


def read_relaxis(raw: bytes, name: str) -> list[Spectrum]:
    with tempfile.TemporaryDirectory() as folder:     # sqlite3 opens files, not bytes
        path = Path(folder) / "project.eis3"
        path.write_bytes(raw)
        try:
            connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                return _spectra(connection, name)
            finally:
                connection.close()
        except (sqlite3.DatabaseError, ValueError, TypeError) as err:
            raise LptError(f"{name}: not a readable RelaxIS 3 project ({str(err)[:80]}).") from None


def _spectra(connection: sqlite3.Connection, name: str) -> list[Spectrum]:
    properties = dict(connection.execute("SELECT name, value FROM Properties").fetchall())
    database_format = str(properties.get("DatabaseFormat", "?"))
    if database_format != SUPPORTED_DATABASE_FORMAT:
        raise LptError(f"{name}: RelaxIS database format {database_format}; lpt reads format "
                       f"{SUPPORTED_DATABASE_FORMAT} (RelaxIS 3).")
    files = connection.execute("SELECT ID, datasource, groupname FROM Files ORDER BY ID").fetchall()
    if not files:
        raise LptError(f"{name}: the RelaxIS project holds no spectra.")
    spectra: list[Spectrum] = []
    for number, (file_id, source, model) in enumerate(files, 1):
        points = np.array(connection.execute(
            "SELECT frequency, zreal, zimag FROM Datapoints WHERE file_id = ? ORDER BY ID", (file_id,)
        ).fetchall(), dtype=float).reshape(-1, 3)
        if not len(points):
            continue
        info = dict(connection.execute("SELECT name, value FROM FileInformation WHERE file_id = ?",
                                       (file_id,)).fetchall())
        meta = {"instrument": "RelaxIS", "file": name, "format": "eis3", "data_set": number,
                "datasource": source, "relaxis_version": properties.get("RelaxISVersion")}
        if model:
            meta["model"] = model
        if isinstance(info.get("Temperature"), (int, float)):
            meta["temperature_C"] = float(info["Temperature"])
        notes = ["RelaxIS 3 project: frequency (Hz), Z' and Z'' (ohm, physical sign) of table Datapoints"]
        spectra += build_spectra(points[:, 0], points[:, 1] + 1j * points[:, 2], name, meta, notes)
    if not spectra:
        raise LptError(f"{name}: the RelaxIS project's spectra hold no data points.")
    for k, spectrum in enumerate(spectra, 1):
        spectrum.metadata["sweep"] = k
        spectrum.source = name if len(spectra) == 1 else f"{name}#sweep{k}"
    return spectra
