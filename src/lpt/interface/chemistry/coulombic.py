"""Li coulombic efficiency cases: the chemistry engine against published values.

Each case of ``lpt/data/li_coulombic_efficiency.toml`` is a composition and a measured
Li||Cu coulombic efficiency; the engine predicts it from the composition alone
(:func:`lpt.interface.chemistry.coulombic_efficiency`, docs/model.md §1.6).  Tolerance:
±1 % absolute — the protocol alone moves an ether electrolyte's CE by 0.5 % (Adams et al.
2018), and the values span 98–99.9 %.
"""

from __future__ import annotations

import tomllib
from importlib import resources

from lpt.interface.chemistry.growth import coulombic_efficiency
from lpt.interface.chemistry.inventory import composition

TOLERANCE_PERCENT = 1.0


def ce_cases() -> list[dict]:
    raw = tomllib.loads((resources.files("lpt") / "data" / "li_coulombic_efficiency.toml").read_text())
    out = []
    for cid, c in raw.items():
        il = c.get("ionic_liquid", {})
        comp = composition(cid, salt_anion=c["salt"], salt_mol_L=c["molarity_M"],
                           solvents_volume=c.get("solvents_volume"), solvents_molar_ratio=c.get("solvents_molar_ratio"),
                           cation=il.get("cation"), il_mol_L=il.get("molarity_M", 0.0), il_anion=il.get("anion"),
                           additives={a: None for a in c.get("additives", [])})
        pred = 100.0 * coulombic_efficiency(comp)
        out.append({"id": f"ce:{cid}", "design": cid, "suite": "literature", "kind": "heldout",
                    "metric": "li_coulombic_efficiency_percent", "unit": "percent", "reported": float(c["ce_percent"]),
                    "predicted": pred, "within_tolerance": abs(pred - c["ce_percent"]) <= TOLERANCE_PERCENT,
                    "tolerance": f"±{TOLERANCE_PERCENT:g} % absolute", "calibration": False,
                    "source": "chemistry engine: Li coulombic efficiency from the composition (docs/model.md §1.6)",
                    "note": f"{c['class']}; {c['reference']}" + (f"; assumed: {c['assumed']}" if "assumed" in c else "")})
    return out
