"""The interface model (DESIGN.md "Interface model"; equations in docs/model.md).

>>> from lpt.design import load_design
>>> from lpt.interface import asr_report
>>> asr_report(load_design("examples/table1/latp_carbonate_lfp.toml"))
"""

from __future__ import annotations

from lpt.constants import ZERO_CELSIUS_K
from lpt.design import Design
from lpt.interface.inputs import Inputs, build_inputs
from lpt.interface.model import (
    Result, State, advance, arrhenius, evaluate, initial_state, interfacial_resistance,
    liquid_depleted,
)
from lpt.parameters import parameters
from lpt.interface.layers import interface_layers

__all__ = [
    "Inputs", "Result", "State", "advance", "arrhenius", "asr_report", "build_inputs", "interface_layers",
    "evaluate", "initial_state", "interfacial_resistance", "liquid_depleted", "parameters",
]


def asr_report(design: Design, temperature_C: float | None = None) -> dict:
    """Treated and untreated ASR of both interfaces, keyed as docs/cli.md's `lpt asr --json`."""
    T = None if temperature_C is None else temperature_C + ZERO_CELSIUS_K
    treated = evaluate(build_inputs([design]), temperature_K=T)
    untreated = evaluate(build_inputs([design], untreated=True), temperature_K=T)

    def side(name: str) -> dict:
        t, u = getattr(treated, name), getattr(untreated, name)
        return {
            "treated_ohm_cm2": float(t.asr_ohm_cm2[0]),
            "untreated_ohm_cm2": float(u.asr_ohm_cm2[0]),
            "components_ohm_cm2": {k: float(v[0]) for k, v in t.components_ohm_cm2.items()},
            "untreated_components_ohm_cm2": {k: float(v[0]) for k, v in u.components_ohm_cm2.items()},
            "contact_fraction": float(t.contact_fraction[0]),
            "wetted_fraction": float(t.wetted_fraction[0]),
            "untreated_contact_fraction": float(u.contact_fraction[0]),
            "layers": interface_layers(design, name),
        }

    return {
        "design": design.name,
        "temperature_c": float(treated.temperature_K[0] - ZERO_CELSIUS_K),
        "bulk_ohm_cm2": float(treated.bulk_ohm_cm2[0]),
        "interfaces": {"anode": side("anode"), "cathode": side("cathode")},
        "cathode_utilization": {"treated": float(treated.cathode_utilization[0]),
                                "untreated": float(untreated.cathode_utilization[0])},
        # as an impedance fit of the interface arcs sees them (cathode incl. its charge
        # transfer, see docs/model.md §2): compare with papers' "interfacial resistance"
        "interfacial_resistance_ohm_cm2": {
            "treated": float(interfacial_resistance(treated)[0]),
            "untreated": float(interfacial_resistance(untreated)[0]),
        },
        "total_treated_ohm_cm2": float(treated.bulk_ohm_cm2[0] + treated.anode.asr_ohm_cm2[0]
                                       + treated.cathode.asr_ohm_cm2[0]),
        "total_untreated_ohm_cm2": float(untreated.bulk_ohm_cm2[0] + untreated.anode.asr_ohm_cm2[0]
                                         + untreated.cathode.asr_ohm_cm2[0]),
        "local_current_factor": float(treated.local_current_factor[0]),
    }
