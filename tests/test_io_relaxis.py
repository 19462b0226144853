"""RelaxIS 3 projects (.eis3, SQLite). The one public project found
(IMbackK/librelaxisloader's test.eis3: 58 spectra of 58 points, -120 to 70 °C) is
LGPL-3.0 and not shipped; lpt read it point for point equal to its Datapoints table.
These tests build projects with the same tables (the schema RelaxIS 3.0.17 writes,
DatabaseFormat 1) and check what comes back against what was written."""

import sqlite3

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_io_fuzz import reads_or_says_one_sentence

from lpt.errors import LptError
from lpt.io import read_spectra

SCHEMA = """
CREATE TABLE Projects ( ID INTEGER NOT NULL PRIMARY KEY,name TEXT NOT NULL,comment TEXT,date TEXT );
CREATE TABLE Properties ( ID INTEGER NOT NULL PRIMARY KEY,name TEXT NOT NULL,value TEXT );
CREATE TABLE Files ( ID INTEGER NOT NULL PRIMARY KEY,project_id INTEGER NOT NULL,groupname TEXT NOT NULL,
  datasource TEXT,fitted INTEGER,lastweightmode TEXT,lasttransferfunction TEXT,lowfreqlimit NUMERIC,
  highfreqlimit NUMERIC,dateadded TEXT,datefitted TEXT );
CREATE TABLE FileInformation ( ID INTEGER NOT NULL PRIMARY KEY,file_id INTEGER NOT NULL,name TEXT NOT NULL,
  value NUMERIC NOT NULL );
CREATE TABLE Datapoints ( ID INTEGER NOT NULL PRIMARY KEY,file_id INTEGER NOT NULL,frequency NUMERIC NOT NULL,
  zreal NUMERIC NOT NULL,zimag NUMERIC NOT NULL );
"""


def _project(path, spectra, database_format="1"):
    """A RelaxIS 3 project holding ``spectra``: [(temperature °C, f, z), ...]."""
    with sqlite3.connect(path) as db:
        db.executescript(SCHEMA)
        db.execute("INSERT INTO Projects VALUES (1, 'New project', '', '2022-10-04')")
        db.executemany("INSERT INTO Properties (name, value) VALUES (?, ?)",
                       [("DatabaseFormat", database_format), ("RelaxISVersion", "3.0.17.9")])
        for k, (temperature_C, f, z) in enumerate(spectra, 1):
            db.execute("INSERT INTO Files (ID, project_id, groupname, datasource) VALUES (?, 1, '(R)(P)', ?)",
                       (k, f"sample_{k}.EPS"))
            db.execute("INSERT INTO FileInformation (file_id, name, value) VALUES (?, 'Temperature', ?)",
                       (k, temperature_C))
            db.executemany("INSERT INTO Datapoints (file_id, frequency, zreal, zimag) VALUES (?, ?, ?, ?)",
                           [(k, float(fk), float(zk.real), float(zk.imag)) for fk, zk in zip(f, z)])
    return path


def _rc(f, r_ohm, c_F):
    return r_ohm / (1 + 2j * np.pi * f * r_ohm * c_F)


def test_each_relaxis_spectrum_comes_back_as_written_with_its_temperature(tmp_path):
    f = np.logspace(7, -1, 40)
    written = [(-30.0, f, _rc(f, 5e6, 1e-11)), (20.0, f, _rc(f, 2e5, 1e-11))]
    spectra = read_spectra(_project(tmp_path / "p.eis3", written))
    assert len(spectra) == 2
    for s, (temperature_C, f_ref, z_ref) in zip(spectra, written):
        np.testing.assert_array_equal(s.frequency_Hz, f_ref)
        np.testing.assert_array_equal(s.z, z_ref)
        assert s.metadata["temperature_C"] == temperature_C and s.metadata["instrument"] == "RelaxIS"
        assert np.all(s.z.imag < 0)          # an RC element: Z'' keeps its physical sign


def test_a_relaxis_project_renamed_is_found_by_content(tmp_path):
    f = np.logspace(5, 0, 10)
    p = _project(tmp_path / "p.eis3", [(25.0, f, _rc(f, 100.0, 1e-6))])
    renamed = tmp_path / "project.db"
    renamed.write_bytes(p.read_bytes())
    assert len(read_spectra(renamed)[0]) == 10


def test_another_database_format_is_one_sentence(tmp_path):
    f = np.logspace(5, 0, 10)
    p = _project(tmp_path / "new.eis3", [(25.0, f, _rc(f, 100.0, 1e-6))], database_format="2")
    with pytest.raises(LptError, match=r"new\.eis3: RelaxIS database format 2; lpt reads format 1"):
        read_spectra(p)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.floats(0.05, 1.0), edits=st.lists(st.tuples(st.floats(0, 1), st.binary(min_size=1, max_size=8)),
                                                max_size=4))
def test_fuzz_damaged_relaxis_project_reads_or_says_one_sentence(tmp_path, cut, edits):
    f = np.logspace(5, 0, 12)
    raw = bytearray(_project(tmp_path / "ok.eis3", [(25.0, f, _rc(f, 100.0, 1e-6))]).read_bytes())
    for where, insert in edits:
        at = int(where * (len(raw) - len(insert)))
        raw[at:at + len(insert)] = insert
    p = tmp_path / "fuzz.eis3"
    p.write_bytes(bytes(raw[: max(100, int(cut * len(raw)))]))
    (tmp_path / "ok.eis3").unlink()
    reads_or_says_one_sentence(p)
