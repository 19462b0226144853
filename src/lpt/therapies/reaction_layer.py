"""A designed reaction layer: a reagent (e.g. H3PO4 in THF on Li → LiH2PO4) forms a
solid interlayer of a set thickness before assembly; its carrier solvent is gone
(review §3.3). So the therapy takes no ``liquid`` and no ``loading_uL_cm2``: nothing
liquid is left at the interface for them to describe (the reagent's amount is the
layer's ``thickness_nm``).
"""

from __future__ import annotations

from typing import Any

from lpt.therapies.base import SideContext, Therapy, register


@register
class ReactionLayer(Therapy):
    name = "reaction_layer"
    summary = "a designed solid interlayer formed by a reagent before assembly, its carrier solvent gone"
    required_keys = frozenset({"reagent", "thickness_nm"})
    allowed_keys = frozenset({"baseline"})

    def side_inputs(self, ctx: SideContext) -> dict[str, Any]:
        from lpt.interface.chemistry.tables import species

        rea = ctx.reagent
        # t / σ: nm → cm is 1e-7.  The layer covers the electrode; the SSE's reduction behind
        # it needs electrons through it, at its product's electronic conductivity
        product = species().get(rea.product or "")
        return dict(layer_ohm_cm2=ctx.number("thickness_nm") * 1e-7 / rea.layer_conductivity_S_cm,
                    layer_Ea_eV=rea.layer_activation_energy_eV, contamination=False,
                    cover_cm=ctx.number("thickness_nm") * 1e-7,
                    cover_sigma_e_S_cm=product.electronic_conductivity_S_cm if product else 0.0)

    def deposit(self, ctx: SideContext) -> dict[str, Any]:
        rea = ctx.reagent
        # the layer's own density (the product, e.g. LiH2PO4), not the reagent solution's
        rho = getattr(rea, "layer_density_g_cm3", None) or rea.density_g_cm3
        return dict(layer_thickness_nm=ctx.number("thickness_nm"),
                    layer_density_g_cm3=float("nan") if rho is None else rho,
                    layer_cost_USD_kg=rea.cost_USD_kg or 0.0)

    def barrier(self, ctx: SideContext) -> str:
        product = ctx.reagent.product or "reaction"
        return f"the {product} layer (from {ctx.reagent.id})"
