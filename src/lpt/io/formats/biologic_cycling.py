"""BioLogic (EC-Lab, BT-Lab) galvanostatic cycling, CV and mixed Modulo Bat files.

Built on :func:`lpt.io.formats.biologic.read_biologic_table` (EC-Lab's own column
names). BioLogic quirks handled here:

* a GCPL ``.mpr`` often stores no measured current, only the control setpoint
  (``control/V/mA``, which is a voltage in some steps): the current is then the
  per-record charge over the record's duration, ``dq/mA.h`` × 3600 / Δt (or the
  change of ``(Q-Qo)/mA.h``), and the notes say so;
* capacities come from the per-record charge ``dq/mA.h`` (the instrument's own
  count), split by its sign — positive ``dq`` is oxidation of the working
  electrode, which is charge for a positive electrode against Li (the BDF sign);
* ``cycle number`` is EC-Lab's (or half cycle // 2 where a file has only half cycles);
* impedance rows of a mixed file (``freq/Hz`` > 0) are not cycling records: left out;
* the cell voltage is ``Ecell/V`` (BT-Lab), else ``Ewe-Ece/V``, else ``Ewe/V``.

BT-Lab text exports without EC-Lab's header (``;mode;ox;…;time/s;Ecell/V;…``) are
read as delimited tables by the generic reader.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lpt.constants import SECONDS_PER_HOUR
from lpt.errors import LptError
from lpt.io.formats import generic_csv
from lpt.io.formats.biologic import read_biologic_table

_VOLTAGE = ("Ecell/V", "Ewe-Ece/V", "Ewe/V", "<Ewe>/V", "<Ewe/V>")
_CURRENT = ("I/mA", "<I>/mA")


def read(path: Path):
    try:
        table, meta = read_biologic_table(path)
    except LptError:
        with open(path, "rb") as stream:
            if stream.read(22) == b"BIO-LOGIC MODULAR FILE":
                raise
        columns, metadata, notes = generic_csv.read(path)
        metadata.update(instrument="BioLogic", format="biologic_text")
        return columns, metadata, notes
    name = path.name
    notes: list[str] = []
    if "freq/Hz" in table:
        eis = table["freq/Hz"].to_numpy(float) > 0
        if eis.all():
            raise LptError(f"{name}: only impedance records (freq/Hz); read it as a spectrum "
                           "(lpt eis ...), not as cycling data.")
        if eis.any():
            notes.append(f"{int(eis.sum())} impedance records (freq/Hz > 0) left out of the cycling table")
            table = table.loc[~eis].reset_index(drop=True)
    if "time/s" not in table:
        raise LptError(f"{name}: no time/s column in the BioLogic table.")
    voltage = next((c for c in _VOLTAGE if c in table), None)
    if voltage is None:
        raise LptError(f"{name}: no cell voltage column ({', '.join(_VOLTAGE)}) in the BioLogic table.")
    time = table["time/s"].to_numpy(float)
    columns = {"test_time_second": time, "voltage_volt": table[voltage].to_numpy(float)}
    charge_mAh = _record_charge_mAh(table)
    current = next((c for c in _CURRENT if c in table), None)
    if current is not None:
        columns["current_ampere"] = table[current].to_numpy(float) * 1e-3
    elif charge_mAh is not None:
        dt = np.diff(time, prepend=np.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            current_mA = np.where(dt > 0, charge_mAh * SECONDS_PER_HOUR / dt, 0.0)
        columns["current_ampere"] = np.nan_to_num(current_mA, nan=0.0) * 1e-3
        notes.append("no measured current in the file (only the control setpoint): current "
                     "from the per-record charge dq/mA.h over each record's duration")
    else:
        raise LptError(f"{name}: neither a current (I/mA) nor a per-record charge (dq/mA.h, "
                       "(Q-Qo)/mA.h) in the BioLogic table.")
    if charge_mAh is not None:
        columns["charging_capacity_ah"] = np.cumsum(np.maximum(charge_mAh, 0.0)) * 1e-3
        columns["discharging_capacity_ah"] = np.cumsum(np.maximum(-charge_mAh, 0.0)) * 1e-3
    if "cycle number" in table:
        columns["cycle_count"] = table["cycle number"].to_numpy(float)
        if meta.get("cycle_number_from_half_cycle"):
            notes.append("cycle number = half cycle // 2 (EC-Lab's rule)")
    if "Ns" in table:
        columns["step_id"] = table["Ns"].to_numpy(float)
    for source, key in (("Temperature/°C", "temperature_t1_celsius"), ("T/°C", "temperature_t1_celsius")):
        if source in table and key not in columns:
            columns[key] = table[source].to_numpy(float)
    metadata = {k: v for k, v in meta.items() if isinstance(v, (str, int, float)) and k != "file"}
    metadata.update(instrument="BioLogic", format=f"biologic_{path.suffix.lower().lstrip('.') or 'mpt'}")
    return columns, metadata, notes


def _record_charge_mAh(table) -> np.ndarray | None:
    """Charge passed in each record, mA h: dq/mA.h, else the change of (Q-Qo)/mA.h."""
    if "dq/mA.h" in table:
        return np.nan_to_num(table["dq/mA.h"].to_numpy(float))
    if "(Q-Qo)/mA.h" in table:
        q = np.nan_to_num(table["(Q-Qo)/mA.h"].to_numpy(float))
        return np.diff(q, prepend=q[0])
    return None
