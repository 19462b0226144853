"""Run by bench/cycling_files.py with the peers' Python (navani installed there, not in
lpt's environment): read a Maccor text export with navani and summarise it; print JSON."""

import json
import sys
import time

start = time.perf_counter()
import navani.echem as ec  # import timed separately

imported = time.perf_counter()
cpu = time.process_time()
frame = ec.echem_file_loader(sys.argv[1])
summary = ec.cycle_summary(frame)
done = time.perf_counter()
cpu = time.process_time() - cpu
print(json.dumps({"import_s": imported - start, "read_summarise_s": done - imported, "cpu_s": cpu, "cycles": len(summary),
                  "charge_mAh": summary["Charge Capacity"].tolist(),
                  "discharge_mAh": summary["Discharge Capacity"].tolist(),
                  "efficiency": summary["CE"].tolist()}, default=float))
