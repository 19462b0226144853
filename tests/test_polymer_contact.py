"""Li on a polymer SSE: a melt touches everywhere, a semicrystalline polymer does not.

Above its melting point PEO-LiTFSI has no yield stress and flows into the Li's roughness
(contact fraction 1); below it the Li is the softer body and Bowden–Tabor at Li's flow
hardness applies, as on a ceramic (docs/model.md §1.1).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from lpt.interface import build_inputs, evaluate, initial_state
from lpt.interface.mechanisms import SideView
from lpt.interface.mechanisms.li_metal import li_side_terms
from lpt.symmetric import half_cells
from lpt.validation_suites import literature_cases

from test_symmetric import sym

ROOT = Path(__file__).resolve().parents[1]


def contact(designs):
    x = build_inputs([half_cells(d)[0] for d in designs])
    v = SideView(x, "anode", x.anode, initial_state(x).anode, x.temperature_K)
    return li_side_terms(v)["as_assembled"]


def test_molten_peo_touches_li_everywhere_and_semicrystalline_peo_does_not():
    f = contact([sym(sse="PEO-LiTFSI", p=1.0, T=T) for T in (25.0, 55.0, 65.0, 80.0)])
    assert f[0] < f[1] < 1.0            # below 60 °C: Li's creep hardness falls with T
    assert f[2] == 1.0 and f[3] == 1.0


def test_a_ceramic_keeps_its_pressure_law_at_any_temperature():
    f = contact([sym(sse="LLZO", p=1.0, T=T) for T in (65.0, 80.0)])
    assert np.all(f < 1.0)


def test_the_li_peo_ageing_point_is_reproduced_per_geometric_area():
    # Li et al. 2001 measured 67 Ω cm² after 30 days at 80 °C on a molten PEO-LiTFSI: with
    # the melt in full contact the case that set the growth law reads back its own value
    cases = {c["id"]: c for c in literature_cases()}
    c = cases["li2001_peo_litfsi_30d_asr:interface_resistance_ohm_cm2"]
    assert c["predicted"] == pytest.approx(67.0, rel=0.02)


def test_full_contact_leaves_no_constriction():
    d = sym(sse="PEO-LiTFSI", p=1.0, T=80.0)
    x = build_inputs([half_cells(d)[0]])
    assert evaluate(x).anode.constriction_ohm_cm2[0] == pytest.approx(0.0, abs=1e-12)


def test_no_voids_open_under_a_molten_polymer():
    # 80 °C: Li's own vacancy supply is ~3 mA cm⁻²; strip at 10 mA cm⁻² (below the 20 µm
    # polymer's salt-limited current, ~13 mA cm⁻²) without stack pressure
    from lpt.interface.mechanisms.li_metal import side_supply_mA_cm2
    from lpt.symmetric import simulate_symmetric
    melt, ceramic = sym(sse="PEO-LiTFSI", p=0.0, T=80.0, thickness_um=20.0), sym(sse="LLZO", p=0.0, T=80.0, fab=5.0)
    x = build_inputs([half_cells(d)[0] for d in (melt, ceramic)])
    supply, _ = side_supply_mA_cm2(x, x.temperature_K)
    assert np.isinf(supply[0]) and 1.0 < supply[1] < 10.0
    r = simulate_symmetric([melt, ceramic], "Plate at 10 mA cm-2 for 6 minutes; Strip at 10 mA cm-2 for 6 minutes", 1)
    assert r.contact_working[0, 0] == 1.0 and r.contact_counter[0, 0] == 1.0
    assert r.contact_counter[1, 0] < 0.9 * contact([ceramic])[0]
