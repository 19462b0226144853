"""Adding a therapy or a mechanism is one definition and one registry line.

A toy therapy and a toy mechanism defined here, in the test alone, must appear in a
design file's validation, in `asr` components, in the stack impedance (with the
capacitance they declare) and in a sweep's columns, with nothing edited elsewhere.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from lpt import therapies
from lpt.design import load_design
from lpt.impedance.model import stack_circuit
from lpt.interface import asr_report
from lpt.interface.mechanisms import MECHANISMS, SideView, mechanism, unregister
from lpt.sweep import expand, load_sweep
from lpt.sweep.chunk import ChunkSpec, evaluate_chunk
from lpt.therapies.base import SideContext, Therapy

ROOT = Path(__file__).resolve().parents[1]
TOY_OHM_CM2 = 7.0          # the toy mechanism's resistance per contact area
TOY_LAYER_S_CM = 1e-6      # the toy coating's conductivity


@pytest.fixture
def toy_registry():
    class ToyCoating(Therapy):
        name = "toy_coating"
        summary = "a coating of given thickness and conductivity 1e-6 S/cm"
        required_keys = frozenset({"thickness_nm"})

        def side_inputs(self, ctx: SideContext) -> dict:
            return {"layer_ohm_cm2": ctx.number("thickness_nm") * 1e-7 / TOY_LAYER_S_CM, "layer_Ea_eV": 0.0}

    therapies.register(ToyCoating)

    @mechanism("solid", "toy_film", sides=("anode",), capacitance_F_cm2=2e-6, cpe_alpha=0.8)
    def toy_film(v: SideView) -> np.ndarray:
        return np.full(v.x.n, TOY_OHM_CM2)

    yield
    del therapies.THERAPIES["toy_coating"]
    unregister("solid", "toy_film")
    assert "toy_film" not in MECHANISMS["solid"]


def _design(tmp_path: Path, therapy_table: str) -> Path:
    base = (ROOT / "examples" / "table1" / "llzo_nbuli_lfp.toml").read_text()
    head, _, _ = base.partition("[interfaces.anode]")
    rest = base.split("[interfaces.cathode]", 1)[1]
    p = tmp_path / "toy.toml"
    p.write_text(head + "[interfaces.anode]\n" + therapy_table + "\n[interfaces.cathode]" + rest)
    return p


def test_a_therapy_and_a_mechanism_defined_in_a_test_reach_asr_impedance_and_sweeps(tmp_path, toy_registry):
    d = load_design(_design(tmp_path, 'therapy = "toy_coating"\nthickness_nm = 100.0\n'))
    rep = asr_report(d)
    comps = rep["interfaces"]["anode"]["components_ohm_cm2"]
    f_c = rep["interfaces"]["anode"]["contact_fraction"]
    # per geometric area: the mechanism's 7 Ω cm² over the contact fraction
    assert comps["solid_toy_film"] == pytest.approx(TOY_OHM_CM2 / f_c, rel=1e-12)
    # the therapy's layer: 100 nm / 1e-6 S/cm = 10 Ω cm² per contact area
    assert comps["solid_reaction_layer"] == pytest.approx(10.0 / f_c, rel=1e-12)
    # the untreated arm has no layer, but still the mechanism
    un = rep["interfaces"]["anode"]["untreated_components_ohm_cm2"]
    assert un["solid_reaction_layer"] == 0.0 and un["solid_toy_film"] > 0

    arcs = {a.name: a for a in stack_circuit(d).arcs()}
    toy = arcs["anode_solid_toy_film"]
    assert toy.resistance_ohm == pytest.approx(TOY_OHM_CM2 / (f_c * d.area_cm2), rel=1e-12)
    assert toy.capacitance_F == pytest.approx(2e-6 * f_c * d.area_cm2, rel=1e-12) and toy.alpha == 0.8

    base = _design(tmp_path, 'therapy = "toy_coating"\nthickness_nm = 50.0\n')
    sweep = tmp_path / "s.toml"
    sweep.write_text(f'base = "{base}"\n'
                     '[sampling]\nmethod = "random"\nn = 6\n[vary]\n'
                     '"interfaces.anode.thickness_nm" = { min = 10.0, max = 1000.0 }\n'
                     '[outputs]\ninclude = ["asr"]\n')
    plan = expand(load_sweep(sweep))
    out, _ = evaluate_chunk(ChunkSpec(plan.sweep.base_raw, plan.sweep.source, ("asr",)), plan.frame)
    assert "asr_anode_solid_toy_film_ohm_cm2" in out
    # the coating's resistance follows the thickness varied by the sweep
    per_contact = out["asr_anode_solid_reaction_layer_ohm_cm2"] * (
        out["asr_anode_solid_toy_film_ohm_cm2"].rdiv(TOY_OHM_CM2))
    np.testing.assert_allclose(per_contact, plan.frame["interfaces.anode.thickness_nm"] * 1e-7 / TOY_LAYER_S_CM,
                               rtol=1e-12)


def test_an_unknown_therapy_in_a_design_names_the_registered_ones(tmp_path):
    from lpt.errors import LptError

    with pytest.raises(LptError, match="not a therapy.*allowed: none, wetting, polymerization, reaction_layer"):
        load_design(_design(tmp_path, 'therapy = "toy_coating"\nthickness_nm = 100.0\n'))
