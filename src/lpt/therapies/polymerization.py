"""In-situ polymerization: a monomer (with or without a liquid electrolyte) wets the
interface and is polymerized in place (review §3.2).

The polymer fills what the monomer wetted (not the solid contacts), conducts at the
polymer's conductivity, does not react further, and loses contact with the electrode as
it breathes (review §3.2: the physical adhesion of an in-situ polymer "cannot guarantee
... to avoid solid separation during the entire lifecycle"; docs/model.md §4); the
unconverted monomer stays liquid.
"""

from __future__ import annotations

from typing import Any

from lpt.materials.transport import film_inputs
from lpt.therapies.base import SideContext, Therapy, liquid_contact_inputs, liquid_deposit, register


def _conversion(ctx: SideContext) -> float:
    conv = ctx.precursor.conversion_fraction
    return 1.0 if conv is None else conv


@register
class Polymerization(Therapy):
    name = "polymerization"
    summary = "a monomer wets the interface and is polymerized in place"
    required_keys = frozenset({"precursor", "loading_uL_cm2"})
    allowed_keys = frozenset({"initiation", "liquid", "additive", "baseline", "compared"})
    liquid_touches = True

    def side_inputs(self, ctx: SideContext) -> dict[str, Any]:
        P, pre = ctx.parameters, ctx.precursor
        row = liquid_contact_inputs(ctx) if ctx.liquid is not None else {}
        row.update(
            liquid_cm3_cm2=ctx.number("loading_uL_cm2") * 1e-3 * _conversion(ctx), consumes=False,
            wettability=max(row.get("wettability", 0.0), 0.9),  # monomers are low-viscosity, wetting
            film_sigma_S_cm=pre.polymer_conductivity_S_cm,
            film_Ea_eV=pre.polymer_activation_energy_eV,
            liquid_carries_li=True,
            transfer_r0_ohm_cm2=P.polymer_transfer_ohm_cm2, transfer_growth_ohm2_cm4_h=0.0,
            transfer_Ea_eV=P.polymer_transfer_activation_energy_eV,
            sei_growth_ohm2_cm4_h=0.0, li_loss_per_mAh=0.0, ages=True,
        )
        # the polymer's steady Li⁺ conductance t⁺κ(T) where its transport is known
        row.update(film_inputs(pre, ctx.temperature_K))
        if ctx.is_li:
            # the polymer holds a Li salt (LiTFSI in the common recipes); its SEI on Li is
            # the salt's, under the polymer's wetted area only: solid contacts keep the
            # SSE's own interphase.  It thickens at open circuit as the measured Li|PEO-LiTFSI
            # interphase does (docs/model.md §1.6, eq. OC), without consuming the polymer.
            from lpt.interface.chemistry import composition, polymer_sei_growth_ohm2_cm4_h, sei_growth

            g = sei_growth(composition("polymer electrolyte", salt_anion="TFSI", salt_mol_L=1.0,
                                       solvents_volume={"DOL": 1.0}))
            row["sei_r0_ohm_cm2"] = g.resistance0_ohm_cm2
            row["sei_growth_ohm2_cm4_h"] = polymer_sei_growth_ohm2_cm4_h()
            row["sei_li_mAh_cm3"] = g.li_capacity_mAh_cm3
        return row

    def deposit(self, ctx: SideContext) -> dict[str, Any]:
        return liquid_deposit(ctx, ctx.precursor, 1.0 - _conversion(ctx))

    def barrier(self, ctx: SideContext) -> str:
        return f"the in-situ polymerized {ctx.precursor.id} interlayer"
