"""Rules over what a liquid touches: liquid|SSE, liquid|anode, liquid|cathode (review §2.2, §3.1)."""

from __future__ import annotations


from lpt.materials import Liquid
from lpt.screening.context import (
    MOLECULAR_SOLVENTS, Finding, ScreeningContext, has_free_solvent, is_superbase, pair, rule,
)

# ------------------------------------------------------------------ liquid|SSE


@rule("SULFIDE_NUCLEOPHILIC_ATTACK")
def sulfide_nucleophilic_attack(ctx: ScreeningContext) -> list[Finding]:
    if not ctx.sse_is_sulfide:
        return []
    out = []
    for side, liq in ctx.liquid_sides():
        if not has_free_solvent(liq):
            continue
        if liq.liquid_class in MOLECULAR_SOLVENTS:
            out.append(ctx.finding("SULFIDE_NUCLEOPHILIC_ATTACK", pair(side, "liquid", "SSE"), "critical",
                                   f"the free {liq.liquid_class} solvent of {liq.id} attacks the P5+ of "
                                   f"{ctx.sse.id} (nucleophilic attack on PS4 3-): the sulfide dissolves and a "
                                   f"resistive SLEI keeps growing."))
        else:
            out.append(ctx.finding("SULFIDE_NUCLEOPHILIC_ATTACK", pair(side, "liquid", "SSE"), "warning",
                                   f"the uncoordinated solvent of {liq.id} attacks {ctx.sse.id} slowly "
                                   f"(nucleophilic attack on PS4 3-)."))
    return out


@rule("SIL_BOUND_GLYME_OK")
def sil_bound_glyme_ok(ctx: ScreeningContext) -> list[Finding]:
    if not ctx.sse_is_sulfide:
        return []
    return [ctx.finding("SIL_BOUND_GLYME_OK", pair(side, "liquid", "SSE"), "info",
                        f"the glyme of {liq.id} is bound to Li+, which weakens its O donors too much for a "
                        f"nucleophilic attack on {ctx.sse.id}: the solvate ionic liquid is compatible.")
            for side, liq in ctx.liquid_sides()
            if liq.liquid_class == "solvate_ionic_liquid" and not has_free_solvent(liq)]


@rule("SLEI_FORMATION")
def slei_formation(ctx: ScreeningContext) -> list[Finding]:
    if ctx.sse.chemistry != "oxide":
        return []
    out = []
    for side, liq in ctx.liquid_sides():
        growth = ("that thickens with time" if liq.liquid_class in MOLECULAR_SOLVENTS
                  else "that stays thin and stable")
        out.append(ctx.finding("SLEI_FORMATION", pair(side, "liquid", "SSE"), "info",
                               f"{liq.id} on {ctx.sse.id} forms a solid-liquid electrolyte interphase {growth}, "
                               f"and Li+ transfer across it (desolvation) is the rate-determining step."))
    return out


@rule("GARNET_PROTON_EXCHANGE")
def garnet_proton_exchange(ctx: ScreeningContext) -> list[Finding]:
    if not ctx.sse_is_garnet:
        return []
    return [ctx.finding("GARNET_PROTON_EXCHANGE", pair(side, "liquid", "SSE"), "warning",
                        f"protic impurities (H2O, HF) of {liq.id} exchange Li+ for H+ at the {ctx.sse.id} surface, "
                        f"leaving a Li-deficient, resistive SLEI that grows with cycling; a superbase additive "
                        f"(n-BuLi) prevents it.")
            for side, liq in ctx.liquid_sides()
            if liq.liquid_class in MOLECULAR_SOLVENTS and not is_superbase(side.additive)]


@rule("NBULI_CURE")
def nbuli_cure(ctx: ScreeningContext) -> list[Finding]:
    if not ctx.sse_is_garnet:
        return []
    return [ctx.finding("NBULI_CURE", pair(side, "liquid", "SSE"), "info",
                        f"{side.additive.id} in {liq.id} scavenges protons, suppresses Li+/H+ exchange and "
                        f"lithiates the {ctx.sse.id}|liquid interface, keeping its resistance constant over "
                        f"hundreds of cycles.")
            for side, liq in ctx.liquid_sides() if is_superbase(side.additive)]


@rule("NBULI_REDUCES_SSE")
def nbuli_reduces_sse(ctx: ScreeningContext) -> list[Finding]:
    if not (ctx.sse_has("ti_reduction", "ge_reduction") or ctx.sse_is_sulfide):
        return []
    return [ctx.finding("NBULI_REDUCES_SSE", pair(side, "additive", "SSE"), "warning",
                        f"{side.additive.id} is a strong reductant (it lithiates TiS2 at room temperature) and "
                        f"reduces {ctx.sse.id} wherever the liquid carries it.")
            for side in ctx.sides if side.contact_liquid is not None and is_superbase(side.additive)]


@rule("NBULI_CATHODE_CONSUMED")
def nbuli_cathode_consumed(ctx: ScreeningContext) -> list[Finding]:
    side = ctx.cathode_side
    if side.contact_liquid is None or not is_superbase(side.additive):
        return []
    return [ctx.finding("NBULI_CATHODE_CONSUMED", pair(side, "additive", "cathode"), "info",
                        f"{side.additive.id} chemically lithiates the delithiated {ctx.cathode.id} and is "
                        f"consumed there within the first charge.")]


@rule("LIPF6_HF")
def lipf6_hf(ctx: ScreeningContext) -> list[Finding]:
    sensitive = ctx.sse_has("hf_attack", "moisture", "proton_exchange")
    out = []
    for side, liq in ctx.liquid_sides():
        if liq.anion != "PF6":
            continue
        where = (f" and thickens the CEI on {ctx.cathode.id}" if side.name == "cathode"
                 else f" and adds LiF to the SEI on {ctx.anode.id}")
        if sensitive and is_superbase(side.additive):
            sev, msg = "info", (f"LiPF6 in {liq.id} forms HF with trace water, but {side.additive.id} "
                                f"neutralizes it before it reaches {ctx.sse.id}.")
        elif sensitive:
            sev, msg = "warning", (f"LiPF6 in {liq.id} hydrolyses with trace water to HF, which attacks "
                                   f"{ctx.sse.id}{where}.")
        else:
            sev, msg = "info", f"LiPF6 in {liq.id} forms HF with trace water, which {ctx.sse.id} tolerates{where}."
        out.append(ctx.finding("LIPF6_HF", pair(side, "liquid", "SSE"), sev, msg))
    return out


@rule("POLYMER_SSE_SWELLING")
def polymer_sse_swelling(ctx: ScreeningContext) -> list[Finding]:
    if ctx.sse.chemistry not in ("polymer", "composite"):
        return []
    return [ctx.finding("POLYMER_SSE_SWELLING", pair(side, "liquid", "SSE"), "info",
                        f"{liq.id} swells and plasticizes the surface of {ctx.sse.id}, which lowers the "
                        f"interfacial resistance but softens the membrane.")
            for side, liq in ctx.liquid_sides() if side.liquid_stays_liquid]


# ---------------------------------------------------------------- liquid|anode


def _anode_liquid(ctx: ScreeningContext) -> Liquid | None:
    return ctx.anode_side.contact_liquid


@rule("IMIDAZOLIUM_C2H_REDUCTION")
def imidazolium_c2h_reduction(ctx: ScreeningContext) -> list[Finding]:
    liq = _anode_liquid(ctx)
    if liq is None or liq.cation != "imidazolium":
        return []
    return [ctx.finding("IMIDAZOLIUM_C2H_REDUCTION", pair(ctx.anode_side, "liquid", "anode"), "warning",
                        f"the acidic C2-H of the imidazolium cation of {liq.id} is reduced by {ctx.anode.id} "
                        f"(carbene, H2), so the SEI keeps growing and consumes the liquid.")]


@rule("BF4_RESISTIVE_SEI")
def bf4_resistive_sei(ctx: ScreeningContext) -> list[Finding]:
    liq = _anode_liquid(ctx)
    if liq is None or liq.anion != "BF4":
        return []
    return [ctx.finding("BF4_RESISTIVE_SEI", pair(ctx.anode_side, "liquid", "anode"), "warning",
                        f"BF4- of {liq.id} forms a dense, resistive SEI on {ctx.anode.id} that favours "
                        f"dendritic deposition.")]


@rule("TFSI_FSI_SEI")
def tfsi_fsi_sei(ctx: ScreeningContext) -> list[Finding]:
    liq = _anode_liquid(ctx)
    if liq is None or liq.anion not in ("TFSI", "FSI"):
        return []
    return [ctx.finding("TFSI_FSI_SEI", pair(ctx.anode_side, "liquid", "anode"), "info",
                        f"{liq.anion}- of {liq.id} forms a thin, conductive LiF/Li3N-containing SEI on "
                        f"{ctx.anode.id}.")]


@rule("FSI_LIF_SULFIDE")
def fsi_lif_sulfide(ctx: ScreeningContext) -> list[Finding]:
    liq = _anode_liquid(ctx)
    if liq is None or liq.anion != "FSI" or not ctx.sse_is_sulfide:
        return []
    return [ctx.finding("FSI_LIF_SULFIDE", pair(ctx.anode_side, "liquid", "SSE"), "warning",
                        f"FSI- of {liq.id} enriches LiF between {ctx.anode.id} and {ctx.sse.id}, and the "
                        f"interface resistance rises over long cycling (TFSI- does better here).")]


@rule("RTIL_WITHOUT_LI_SALT")
def rtil_without_li_salt(ctx: ScreeningContext) -> list[Finding]:
    return [ctx.finding("RTIL_WITHOUT_LI_SALT", pair(side, "liquid", "SSE"), "info",
                        f"neat {liq.id} carries no Li+ of its own, so the Li+ it conducts must first come "
                        f"from {ctx.sse.id} and the electrodes.")
            for side, liq in ctx.liquid_sides()
            if liq.liquid_class == "ionic_liquid" and not (liq.salt and (liq.salt_molarity_M or 0) > 0)]


@rule("WINDOW_ANODE")
def window_anode(ctx: ScreeningContext) -> list[Finding]:
    liq, anode = _anode_liquid(ctx), ctx.anode
    if liq is None or anode.average_potential_V >= liq.window_low_V - ctx.thresholds["window_margin_V"]:
        return []
    if liq.cation == "imidazolium":  # IMIDAZOLIUM_C2H_REDUCTION says what happens
        return []
    head = (f"{anode.id} ({anode.average_potential_V:.2f} V) lies below the reduction limit of {liq.id} "
            f"({liq.window_low_V:.2f} V)")
    if has_free_solvent(liq) and liq.liquid_class in MOLECULAR_SOLVENTS:
        return [ctx.finding("WINDOW_ANODE", pair(ctx.anode_side, "liquid", "anode"), "warning",
                            f"{head}: the solvent is reduced on every cycle and the few uL cm-2 are consumed.")]
    return [ctx.finding("WINDOW_ANODE", pair(ctx.anode_side, "liquid", "anode"), "info",
                        f"{head}: it is reduced to an SEI that then passivates.")]


# -------------------------------------------------------------- liquid|cathode


@rule("WINDOW_CATHODE")
def window_cathode(ctx: ScreeningContext) -> list[Finding]:
    liq, cat, upper = ctx.cathode_side.contact_liquid, ctx.cathode, ctx.cathode_upper_V
    if liq is None:
        return []
    excess = upper - liq.window_high_V
    if excess <= ctx.thresholds["window_margin_V"]:
        return []
    severe = excess > ctx.thresholds["window_cathode_critical_V"]
    return [ctx.finding("WINDOW_CATHODE", pair(ctx.cathode_side, "liquid", "cathode"),
                        "critical" if severe else "warning",
                        f"{cat.id} charged to {upper:.2f} V exceeds the oxidation limit of {liq.id} "
                        f"({liq.window_high_V:.2f} V): "
                        + ("the liquid decomposes continuously." if severe
                           else "the CEI keeps growing and consumes the liquid."))]


@rule("TFSI_AL_CORROSION")
def tfsi_al_corrosion(ctx: ScreeningContext) -> list[Finding]:
    liq, upper = ctx.cathode_side.contact_liquid, ctx.cathode_upper_V
    if (liq is None or liq.liquid_class not in MOLECULAR_SOLVENTS or liq.anion not in ("TFSI", "FSI")
            or upper <= ctx.thresholds["tfsi_al_corrosion_V"]
            or ctx.design.cathode.current_collector.lower() not in ("al", "aluminium", "aluminum")):
        return []
    return [ctx.finding("TFSI_AL_CORROSION", pair(ctx.cathode_side, "liquid", "cathode"), "warning",
                        f"Li{liq.anion} in {liq.id} pits the Al current collector above "
                        f"{ctx.thresholds['tfsi_al_corrosion_V']:.1f} V, and {ctx.cathode.id} is charged to "
                        f"{upper:.2f} V.")]
