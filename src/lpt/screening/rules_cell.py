"""Rules over in-situ polymerization and the whole cell (review §3.2, §4)."""

from __future__ import annotations


from lpt.constants import ZERO_CELSIUS_K, arrhenius
from lpt.metrics import metrics_report
from lpt.screening.context import (
    Finding, ScreeningContext, Side, pair, rule,
)

# --------------------------------------------------------------- polymerization


def _polymer_sides(ctx: ScreeningContext) -> list[Side]:
    return [s for s in ctx.sides if s.precursor is not None]


@rule("POLYMER_CONFORMAL")
def polymer_conformal(ctx: ScreeningContext) -> list[Finding]:
    out = []
    for side in _polymer_sides(ctx):
        how = f" ({side.interface.initiation} initiation)" if side.interface.initiation else ""
        out.append(ctx.finding("POLYMER_CONFORMAL", pair(side, "polymer", "SSE"), "info",
                               f"{side.precursor.id} polymerized in place{how} forms a conformal interlayer "
                               f"between {ctx.sse.id} and {ctx.electrode(side).id} that follows volume changes "
                               f"and is not consumed, at a lower conductivity than a liquid."))
    return out


@rule("POLYMER_LOW_CONDUCTIVITY")
def polymer_low_conductivity(ctx: ScreeningContext) -> list[Finding]:
    out = []
    t = ctx.design.temperature_C + ZERO_CELSIUS_K
    floor = ctx.thresholds["polymer_min_conductivity_S_cm"]
    for side in _polymer_sides(ctx):
        p = side.precursor
        if p.polymer_conductivity_S_cm is None:
            continue
        ea = p.polymer_activation_energy_eV or 0.0
        sigma = p.polymer_conductivity_S_cm * float(arrhenius(ea, t))
        if sigma >= floor:
            continue
        out.append(ctx.finding("POLYMER_LOW_CONDUCTIVITY", pair(side, "polymer", "SSE"), "warning",
                               f"the polymer from {p.id} conducts only {sigma:.1e} S/cm at "
                               f"{ctx.design.temperature_C:g} C (below {floor:.0e} S/cm): the interlayer "
                               f"dominates the interface resistance unless the cell runs warmer."))
    return out


@rule("INITIATION_MISMATCH")
def initiation_mismatch(ctx: ScreeningContext) -> list[Finding]:
    return [ctx.finding("INITIATION_MISMATCH", pair(side, "polymer", "SSE"), "warning",
                        f"{side.precursor.id} is polymerized by {', '.join(side.precursor.initiation)} "
                        f"initiation, not {side.interface.initiation}: it may stay liquid monomer.")
            for side in _polymer_sides(ctx)
            if side.interface.initiation and side.precursor.initiation
            and side.interface.initiation not in side.precursor.initiation]


@rule("LEWIS_ACID_INITIATOR_SULFIDE")
def lewis_acid_initiator_sulfide(ctx: ScreeningContext) -> list[Finding]:
    if not ctx.sse_is_sulfide:
        return []
    return [ctx.finding("LEWIS_ACID_INITIATOR_SULFIDE", pair(side, "polymer", "SSE"), "warning",
                        f"the Lewis-acid initiator that polymerizes {side.precursor.id} (PF5, Al(OTf)3) also "
                        f"attacks the thiophosphate anions of {ctx.sse.id}.")
            for side in _polymer_sides(ctx) if side.interface.initiation == "lewis_acid"]


# ------------------------------------------------------------------------ cell


@rule("FLAMMABLE_CONTENT")
def flammable_content(ctx: ScreeningContext) -> list[Finding]:
    """The flammable liquid the stack accounting counts (lpt.metrics: what stays liquid
    of each deposit), against the thresholds per area and per Wh."""
    acc = metrics_report(ctx.design)
    mass_mg_cm2, per_Wh = acc["flammable_liquid_mg_cm2"], acc["flammable_liquid_mg_Wh"]
    if mass_mg_cm2 <= 0:
        return []
    names = [s.liquid.id if s.liquid is not None and s.liquid.flammable else s.precursor.id
             for s in ctx.sides if s.separates and (
                 (s.liquid is not None and s.liquid.flammable) or (s.precursor is not None and s.precursor.flammable))]
    flash = [s.liquid.flash_point_C for s in ctx.sides
             if s.liquid is not None and s.liquid.flammable and s.liquid.flash_point_C is not None]
    limit_cm2, limit_Wh = ctx.thresholds["flammable_warning_mg_cm2"], ctx.thresholds["flammable_warning_mg_Wh"]
    what = " and ".join(dict.fromkeys(names))
    fp = f" (flash point {min(flash):g} C)" if flash else ""
    msg = f"the cell carries {mass_mg_cm2:.3g} mg cm-2 of flammable {what}{fp}, {per_Wh:.3g} mg per Wh of the stack"
    over = ([f"{limit_cm2:g} mg cm-2"] if mass_mg_cm2 > limit_cm2 else []) + (
        [f"{limit_Wh:g} mg per Wh"] if per_Wh > limit_Wh else [])
    if over:
        msg += f", above the {' and '.join(over)} at which it gives up the solid-state safety margin."
    else:
        msg += ", small against a liquid Li-ion cell."
    return [ctx.finding("FLAMMABLE_CONTENT", "cell", "warning" if over else "info", msg)]
