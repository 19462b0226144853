"""Run by bench/cycling_files.py with the peers' Python (cellpy installed there, not in
lpt's environment): read an Arbin CSV export with cellpy and summarise it; print JSON."""

import json
import logging
import sys
import time
import warnings

warnings.simplefilter("ignore")
logging.disable(logging.CRITICAL)
start = time.perf_counter()
import cellpy  # import timed separately
from cellpy import prms

imported = time.perf_counter()
cpu = time.process_time()
prms.Reader.sep = ","
cell = cellpy.get(sys.argv[1], instrument="arbin_sql_csv", cycle_mode="full_cell", mass=1000.0)
summary = cell.data.summary
done = time.perf_counter()
cpu = time.process_time() - cpu
# summary capacities are in the raw unit (A h): reported in mA h
print(json.dumps({"import_s": imported - start, "read_summarise_s": done - imported, "cpu_s": cpu, "cycles": len(summary),
                  "charge_mAh": (summary["charge_capacity"] * 1e3).tolist(),
                  "discharge_mAh": (summary["discharge_capacity"] * 1e3).tolist(),
                  "efficiency": (summary["coulombic_efficiency"] / 100).tolist()}, default=float))
