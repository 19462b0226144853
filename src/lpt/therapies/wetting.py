"""Wetting: a few µL cm⁻² of a liquid electrolyte at the interface (review §2).

The liquid fills the interfacial gap (and a composite cathode's pores), carries Li⁺
over the wetted area, forms an SLEI with the SSE and, at Li, an SEI; it reacts away
with time (docs/model.md §1.3, §3).
"""

from __future__ import annotations

from typing import Any

from lpt.therapies.base import SideContext, Therapy, liquid_contact_inputs, liquid_deposit, register


@register
class Wetting(Therapy):
    name = "wetting"
    summary = "a liquid electrolyte wets the interface"
    required_keys = frozenset({"liquid", "loading_uL_cm2"})
    allowed_keys = frozenset({"additive", "baseline", "compared"})
    liquid_touches = True
    consumed = True
    liquid_effects = True

    def side_inputs(self, ctx: SideContext) -> dict[str, Any]:
        row = liquid_contact_inputs(ctx)
        # 1 µL cm⁻² = 1e-3 cm³ cm⁻²
        row.update(liquid_cm3_cm2=ctx.number("loading_uL_cm2") * 1e-3, consumes=True)
        if ctx.is_li:
            # Li reacts with the liquid within milliseconds (review §2.2.1, ref [68]), before
            # it is pressed on the SSE: its SEI also sits on the solid contact spots
            # (Li|SEI|SSE), in series there, and the SSE's reduction behind it needs
            # electrons through it (docs/model.md §1.6)
            from lpt.interface.chemistry import sei_growth

            g = sei_growth(ctx.composition)
            row.update(layer_ohm_cm2=row["sei_r0_ohm_cm2"],
                       layer_Ea_eV=ctx.parameters.interphase_activation_energy_eV,
                       cover_cm=g.initial_cm, cover_sigma_e_S_cm=g.electronic_S_cm)
        return row

    def deposit(self, ctx: SideContext) -> dict[str, Any]:
        return liquid_deposit(ctx, ctx.liquid, 1.0)

    def barrier(self, ctx: SideContext) -> str:
        extra = f" with {ctx.additive.id}" if ctx.additive is not None else ""
        return f"the {ctx.liquid.id}{extra} wetting film"
