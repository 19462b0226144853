"""Behaviour unchanged: every shipped example gives the numbers recorded in
tests/regression/golden.json (asr, eis simulate, 5 simulated cycles of each Table 1
design, `lpt validate`, 300 rows of each example sweep).

Refactors keep these numbers; a physics change re-records them
(`python tests/regression/record.py`) in the commit that changes the physics. The
tolerance, 1e-9 relative, allows only floating-point reordering of sums.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "regression"))
import record  # noqa: E402

RTOL = 1e-9


def _diff(a, b, where: str, out: list[str]) -> None:
    if len(out) > 20:
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(a):
            # keys may be added (docs/cli.md: "add keys freely"), never lost or changed
            if k not in b:
                out.append(f"{where}.{k}: recorded, missing now")
            else:
                _diff(a[k], b[k], f"{where}.{k}", out)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append(f"{where}: length {len(a)} recorded, {len(b)} now")
        for i, (x, y) in enumerate(zip(a, b)):
            _diff(x, y, f"{where}[{i}]", out)
    elif isinstance(a, float) or isinstance(b, float):
        if not (isinstance(a, (int, float)) and isinstance(b, (int, float))) or not math.isclose(
                a, b, rel_tol=RTOL, abs_tol=1e-12):
            out.append(f"{where}: {a!r} recorded, {b!r} now")
    elif a != b:
        out.append(f"{where}: {a!r} recorded, {b!r} now")


@pytest.fixture(scope="module")
def now() -> dict:
    return json.loads(json.dumps(record.record()))


@pytest.mark.parametrize("part", ["asr", "eis", "simulate", "validate", "sweeps"])
def test_outputs_of_every_example_are_as_recorded(now, part):
    golden = json.loads(record.GOLDEN.read_text())
    diffs: list[str] = []
    _diff(golden[part], now[part], part, diffs)
    assert not diffs, "\n".join(diffs[:20])
