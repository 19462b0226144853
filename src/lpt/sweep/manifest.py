"""``DIR/sweep.json``: what a sweep's output folder holds, written by ``lpt sweep``.

A manifest carries the sweep's id and size and the lpt version that wrote it; a file
of that name without them is someone else's, and lpt neither reads nor replaces it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lpt.errors import LptError
from lpt.fileio import MAX_TOML_BYTES, read_input_bytes, write_text_atomic

MANIFEST = "sweep.json"
_SIGNATURE = ("sweep_id", "n_designs", "lpt_version")


def _well_typed(doc: dict[str, Any]) -> bool:
    """The signature's values as lpt writes them: a text id, a whole positive size, a text version."""
    n = doc["n_designs"]
    return (isinstance(doc["sweep_id"], str) and isinstance(doc["lpt_version"], str)
            and isinstance(n, int) and not isinstance(n, bool) and n >= 1)


def read_manifest(out: Path) -> dict[str, Any] | None:
    """The manifest of the folder ``out`` (None if there is none yet); a ``sweep.json``
    that lpt did not write is refused with one sentence."""
    man = Path(out) / MANIFEST
    if not man.exists():
        return None
    raw = read_input_bytes(man, "sweep manifest", MAX_TOML_BYTES)  # a pipe or device is refused, not read
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        doc = None
    if not isinstance(doc, dict) or not all(k in doc for k in _SIGNATURE) or not _well_typed(doc):
        raise LptError(f"{man}: is not a sweep manifest written by lpt; lpt will not read or replace it — "
                       f"choose another --out or move the file away.")
    return doc


def write_manifest(out: Path, doc: dict[str, Any]) -> None:
    """Write ``doc`` (which must carry the sweep id, size and lpt version) atomically."""
    missing = [k for k in _SIGNATURE if k not in doc]
    if missing:
        raise ValueError(f"a sweep manifest needs {', '.join(missing)}")
    write_text_atomic(Path(out) / MANIFEST, json.dumps(doc, indent=2) + "\n", what="sweep manifest")
