"""Where the LGPS | TiS2 cell (Table 1) loses capacity: cathode side or Li side.

The paper's two arms share the dry TiS2|LGPS composite and differ only at the Li. Its
treated arm keeps 0.917 after 200 cycles, so everything the composite does to itself
costs at most 1 - 0.917 of the capacity. These lab notes check that the model respects
that bound, that the arms really share the cathode side, and that Li inventory cannot be
what the untreated arm runs out of (docs/validation.md, lgps_doldme_tis2).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from lpt import materials
from lpt.constants import CM_PER_UM
from lpt.design import load_design
from lpt.validation import simulate_life

ROW = Path(__file__).resolve().parents[1] / "examples" / "table1" / "lgps_doldme_tis2.toml"
REPORTED_TREATED_RETENTION_200 = 0.917      # Gao et al., Angew. Chem. Int. Ed. 57 (2018) 13608


@pytest.fixture(scope="module")
def arms():
    d = load_design(ROW)
    return {arm: simulate_life(d, 70, untreated=(arm == "untreated")) for arm in ("treated", "untreated")}


def _retention(life) -> float:
    c = life["discharge_capacity_mAh_g"]
    return float(c[69] / c[0])


def test_both_arms_of_the_tis2_cell_age_the_same_cathode(arms):
    # only the Li side is treated: the composite's resistance history is the same in both
    # (to 0.03 %: the two arms' cycles reach slightly different depths)
    assert np.allclose(arms["treated"]["asr_cathode_ohm_cm2"], arms["untreated"]["asr_cathode_ohm_cm2"],
                       rtol=1e-3, atol=0.0)


def test_the_modelled_cathode_side_fade_stays_inside_what_the_treated_arm_allows(arms):
    # the treated arm's 70-cycle loss is the cathode side plus a protected Li side,
    # and the paper's treated arm lost no more than 8.3 % in 200 cycles
    assert 1.0 - _retention(arms["treated"]) <= 1.0 - REPORTED_TREATED_RETENTION_200


def test_the_untreated_li_side_costs_more_than_the_treated_one(arms):
    assert arms["untreated"]["asr_anode_ohm_cm2"][69] > arms["treated"]["asr_anode_ohm_cm2"][69]
    assert _retention(arms["untreated"]) < _retention(arms["treated"])


def test_the_li_foil_holds_far_more_charge_than_the_tis2_electrode_can_take():
    d = load_design(ROW)
    li = materials.get("Li")
    tis2 = materials.get(d.cathode.material)
    li_mAh_cm2 = d.anode.thickness_um * CM_PER_UM * li.density_g_cm3 * li.specific_capacity_mAh_g
    cathode_mAh_cm2 = d.cathode.loading_mg_cm2 * 1e-3 * tis2.specific_capacity_mAh_g
    assert li_mAh_cm2 > 20.0 * cathode_mAh_cm2   # 20.6 vs 0.72 mAh/cm2: Li loss cannot cap it
