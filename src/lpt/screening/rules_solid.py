"""Rules over the solid pairs: SSE|anode and SSE|cathode (review §2.1, §2.3)."""

from __future__ import annotations


from lpt.screening.context import (
    Finding, ScreeningContext, Severity, is_acidic, pair, rule,
)

# ------------------------------------------------------------------ SSE|anode


def _reduction_severity(ctx: ScreeningContext, alloy: Severity) -> Severity:
    return "critical" if ctx.anode_is_li_metal else alloy


def _anode_interphase_is(ctx: ScreeningContext, kind: str) -> bool:
    """The chemistry engine's interphase of the SSE with the anode exists and is of this
    kind: the anode lies below the SSE's reduction limit, and the products conduct
    electrons ("mixed_conducting", growing) or not ("passivating")."""
    ip = ctx.anode_interphase
    return ip is not None and ip.kind == kind


@rule("SSE_LI_MCI")
def sse_li_mci(ctx: ScreeningContext) -> list[Finding]:
    sse, anode, side = ctx.sse, ctx.anode, ctx.anode_side
    if not _anode_interphase_is(ctx, "mixed_conducting") or _oxide_cation_reduction(ctx):
        return []
    if side.separates:
        return [ctx.finding("SSE_LI_MCI", "SSE|anode", "info",
                            f"{sse.id} would be reduced by {anode.id} into a mixed-conducting interphase, "
                            f"but {side.barrier} keeps them apart{side.while_it_lasts}.")]
    if not ctx.anode_is_li_metal:
        return [ctx.finding("SSE_LI_MCI", "SSE|anode", "warning",
                            f"{anode.id} ({anode.average_potential_V:.2f} V) reduces {sse.id} (below "
                            f"{sse.window_low_V:.2f} V) into a mixed ionic-electronic interphase that keeps "
                            f"growing, more slowly than on Li metal.")]
    return [ctx.finding("SSE_LI_MCI", "SSE|anode", "critical",
                        f"{sse.id} is reduced by {anode.id} below {sse.window_low_V:.2f} V into a mixed "
                        f"ionic-electronic interphase (Li2S, Li3P, Li-metal alloys) that grows without limit.")]


@rule("SSE_LI_PASSIVATING")
def sse_li_passivating(ctx: ScreeningContext) -> list[Finding]:
    sse, anode = ctx.sse, ctx.anode
    if not _anode_interphase_is(ctx, "passivating") or ctx.anode_side.separates:
        return []
    # the onset the engine used: the SSE's window, or the salt's for a polymer (PEO-LiTFSI)
    onset_V = ctx.anode_interphase.driving_V + (0.0 if anode.id == "Li" else anode.average_potential_V)
    return [ctx.finding("SSE_LI_PASSIVATING", "SSE|anode", "info",
                        f"{sse.id} is reduced by {anode.id} below {onset_V:.2f} V, but the products "
                        f"are electronic insulators and the interphase stops growing after a few nm.")]


def _oxide_cation_reduction(ctx: ScreeningContext, *sensitivities: str) -> bool:
    """Ti4+/Ge4+ oxides and phosphates (LATP, LAGP, LLTO) have their own rules; in a
    thiophosphate such as LGPS the Ge4+ reduction is part of its mixed-conducting
    interphase (SSE_LI_MCI)."""
    return ctx.sse.chemistry == "oxide" and ctx.sse_has(*(sensitivities or ("ti_reduction", "ge_reduction")))


def _cation_reduction(ctx: ScreeningContext, code: str, sensitivity: str, ion: str) -> list[Finding]:
    sse, anode, side = ctx.sse, ctx.anode, ctx.anode_side
    if not _oxide_cation_reduction(ctx, sensitivity) or not _anode_interphase_is(ctx, "mixed_conducting"):
        return []
    if side.separates:
        return [ctx.finding(code, "SSE|anode", "info",
                            f"{side.barrier} keeps {anode.id} off {sse.id}, so {ion} is not reduced"
                            f"{side.while_it_lasts}; the interlayer's own SEI/SLEI carries the current.")]
    return [ctx.finding(code, "SSE|anode", _reduction_severity(ctx, "warning"),
                        f"{anode.id} ({anode.average_potential_V:.2f} V) reduces {ion} of {sse.id} (below "
                        f"{sse.window_low_V:.2f} V) into an electronically conducting interphase that keeps "
                        f"growing into the electrolyte.")]


@rule("LATP_TI_REDUCTION")
def latp_ti_reduction(ctx: ScreeningContext) -> list[Finding]:
    return _cation_reduction(ctx, "LATP_TI_REDUCTION", "ti_reduction", "Ti4+")


@rule("LAGP_GE_REDUCTION")
def lagp_ge_reduction(ctx: ScreeningContext) -> list[Finding]:
    return _cation_reduction(ctx, "LAGP_GE_REDUCTION", "ge_reduction", "Ge4+")


@rule("ANODE_POINT_CONTACT")
def anode_point_contact(ctx: ScreeningContext) -> list[Finding]:
    sse, p = ctx.sse, ctx.design.stack_pressure_MPa
    limit = ctx.thresholds["li_creep_contact_pressure_MPa"]
    # Sulfides deform under the pellet press and LiPON is a deposited film: only
    # sintered oxide ceramics stay rigid against the metal.
    if sse.chemistry != "oxide" or sse.family == "lipon" or ctx.anode_side.separates or p >= limit:
        return []
    return [ctx.finding("ANODE_POINT_CONTACT", "SSE|anode", "warning",
                        f"bare {ctx.anode.id} on rigid {sse.id} at {p:g} MPa (below the ~{limit:g} MPa at "
                        f"which Li creeps) touches only at points, typically 10^3 Ohm cm2, and voids grow on "
                        f"stripping.")]


@rule("REACTION_LAYER_BLOCKS")
def reaction_layer_blocks(ctx: ScreeningContext) -> list[Finding]:
    out = []
    for side in ctx.sides:
        if side.reagent is None:
            continue
        out.append(ctx.finding("REACTION_LAYER_BLOCKS", pair(side, "layer", "SSE"), "info",
                               f"{side.barrier}, {side.interface.thickness_nm:g} nm thick, separates "
                               f"{ctx.sse.id} from {ctx.electrode(side).id} and blocks their reaction, at the "
                               f"price of its own (fixed) resistance."))
    return out


@rule("ACID_REAGENT_SULFIDE")
def acid_reagent_sulfide(ctx: ScreeningContext) -> list[Finding]:
    if not ctx.sse_is_sulfide:
        return []
    return [ctx.finding("ACID_REAGENT_SULFIDE", pair(side, "layer", "SSE"), "info",
                        f"{side.reagent.id} must react fully with {ctx.electrode(side).id} before {ctx.sse.id} "
                        f"is pressed on: residual acid protonates the thiophosphate and releases H2S.")
            for side in ctx.sides if side.reagent is not None and is_acidic(side.reagent)]


# ---------------------------------------------------------------- SSE|cathode


@rule("CATHODE_POINT_CONTACT")
def cathode_point_contact(ctx: ScreeningContext) -> list[Finding]:
    sse, cat, cell = ctx.sse, ctx.cathode, ctx.design.cathode
    if ctx.cathode_side.separates or sse.family == "lipon":
        return []
    sse_frac = cell.sse_volume_fraction
    no_sse = sse_frac < ctx.thresholds["composite_min_sse_volume_fraction"]
    if sse.chemistry in ("oxide", "sulfide"):
        if no_sse:
            return [ctx.finding("CATHODE_POINT_CONTACT", "SSE|cathode", "critical",
                                f"the dry {cat.id} electrode holds no {sse.id} in its pores and touches the rigid "
                                f"{sse.id} only at its outer face, so most active particles have no ionic path.")]
        if sse.chemistry == "oxide":
            return [ctx.finding("CATHODE_POINT_CONTACT", "SSE|cathode", "warning",
                                f"rigid {sse.id} particles in the dry {cat.id} composite touch the active "
                                f"particles only at points unless co-sintered.")]
        r = ctx.cathode_particle_radius_um
        sse_r = cell.sse_particle_radius_um or ctx.thresholds["dry_contact_min_particle_radius_um"]
        if r is not None and r < sse_r:
            return [ctx.finding("CATHODE_POINT_CONTACT", "SSE|cathode", "warning",
                                f"{cat.id} particles (r = {r:g} um) are smaller than the {sse.id} particles "
                                f"(r ~ {sse_r:g} um) of the dry composite, so many of them lose ionic contact.")]
        return []
    if no_sse:  # polymer electrolytes reach into the pores only if cast there
        return [ctx.finding("CATHODE_POINT_CONTACT", "SSE|cathode", "warning",
                            f"{sse.id} reaches only the outer face of the dry {cat.id} electrode unless it is "
                            f"cast into its pores.")]
    return []


@rule("SSE_CATHODE_OXIDATION")
def sse_cathode_oxidation(ctx: ScreeningContext) -> list[Finding]:
    sse, cat = ctx.sse, ctx.cathode
    if sse.family in ("polymer", "polymer_ceramic"):  # PEO_HIGH_VOLTAGE speaks for polymers
        return []
    upper, limit = ctx.cathode_upper_V, sse.window_high_V
    if upper <= limit + ctx.thresholds["window_margin_V"]:
        return []
    high_voltage = cat.average_potential_V >= ctx.thresholds["high_voltage_cathode_avg_V"]
    prone = ctx.sse_is_sulfide or ctx.sse_has("oxidation_high_voltage")
    if ctx.cathode_sse_separated:
        return [ctx.finding("SSE_CATHODE_OXIDATION", "SSE|cathode", "info",
                            f"{cat.id} charged to {upper:.2f} V lies above the oxidation limit of {sse.id} "
                            f"({limit:.2f} V), but {ctx.cathode_side.barrier} keeps them apart.")]
    if high_voltage and prone:
        return [ctx.finding("SSE_CATHODE_OXIDATION", "SSE|cathode", "warning",
                            f"{cat.id} (average {cat.average_potential_V:.2f} V, charged to {upper:.2f} V) "
                            f"oxidizes {sse.id} (stable to {limit:.2f} V) at their contacts into a resistive "
                            f"interphase unless the cathode particles are coated (e.g. LiNbO3).")]
    return [ctx.finding("SSE_CATHODE_OXIDATION", "SSE|cathode", "info",
                        f"{cat.id} charged to {upper:.2f} V lies above the oxidation limit of {sse.id} "
                        f"({limit:.2f} V); at this potential the decomposition stays a thin, kinetically "
                        f"limited layer.")]


@rule("PEO_HIGH_VOLTAGE")
def peo_high_voltage(ctx: ScreeningContext) -> list[Finding]:
    sse, cat = ctx.sse, ctx.cathode
    if sse.family not in ("polymer", "polymer_ceramic"):
        return []
    if cat.average_potential_V < ctx.thresholds["high_voltage_cathode_avg_V"]:
        return []
    if ctx.cathode_sse_separated:
        return [ctx.finding("PEO_HIGH_VOLTAGE", "SSE|cathode", "info",
                            f"{ctx.cathode_side.barrier} keeps the ether chains of {sse.id} off the "
                            f"{cat.id} surface.")]
    return [ctx.finding("PEO_HIGH_VOLTAGE", "SSE|cathode", "warning",
                        f"the ether chains of {sse.id} oxidize on {cat.id} (average {cat.average_potential_V:.2f} "
                        f"V, charged to {ctx.cathode_upper_V:.2f} V) above ~3.9 V: capacity fades and the CEI "
                        f"thickens.")]
