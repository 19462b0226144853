"""Novonix HPC exports: a ``[Summary]`` preamble, then ``[Data]`` and a table whose
every line is wrapped in double quotes (``"2022-04-11 10:58:07 AM,1,0,0.0000,…"``).

Time is ``Run Time (h)``; current is signed (positive on charge); ``Capacity (Ah)``
is per step and unsigned, split into charge and discharge by the current's sign;
``Step Type`` is a numeric code and is not used for the direction.
"""

from __future__ import annotations

from pathlib import Path

from lpt.errors import LptError
from lpt.io import text
from lpt.io.formats import generic_csv


def read(path: Path):
    with open(path, "rb") as stream:
        raw = text.decode(stream.read(), path.name, refuse_binary=True)
    lines = raw.splitlines()
    try:
        start = next(k for k, ln in enumerate(lines) if ln.strip() == "[Data]") + 1
    except StopIteration:
        raise LptError(f"{path.name}: a Novonix file without a [Data] section.") from None
    body = "\n".join(ln.strip()[1:-1] if ln.strip().startswith('"') and ln.strip().endswith('"')
                     else ln for ln in lines[start:])
    if not body.strip():
        raise LptError(f"{path.name}: the [Data] section of the Novonix file is empty.")
    frame = text.read_body(body, 0, ",", ".", path.name)
    frame = frame.drop(columns=[c for c in frame.columns if c.lower().startswith("step type")])
    notes = ["Novonix lines unwrapped from their quotes"]
    columns = generic_csv.map_columns(frame, path.name, notes)
    metadata = {"instrument": "Novonix", "format": "novonix"}
    for line in lines[:start]:
        if ":" in line:
            key, _, value = line.partition(":")
            if key.strip() in ("Channel", "Cell", "Protocol", "Serial Number"):
                metadata[key.strip().lower().replace(" ", "_")] = value.strip()
    return columns, metadata, notes
