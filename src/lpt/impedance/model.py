"""A cell design as an equivalent circuit of the whole stack: Z(ω, T).

The resistances are the interface model's (:func:`lpt.interface.evaluate`), so the
simulated spectrum and ``lpt asr`` can never disagree: the DC limit of the circuit is
exactly bulk + the interface model's ``interfacial_resistance`` (anode ASR + the cathode
side with its charge transfer).  The
model adds only what a resistance network does not carry, the capacitances, each
from a physical estimate:

* **SSE bulk** R‖C with the geometric capacitance ε_r ε0 A / L.  The knowledge base
  holds *total* (bulk + grain-boundary) conductivities, so for polycrystalline oxides
  a fraction of that resistance is split off as a **grain-boundary** R‖CPE
  (brick-layer model: C_gb ≈ C_bulk · d_grain/δ_gb, Irvine, Sinclair & West,
  Adv. Mater. 2 (1990) 132 — bulk ~pF, grain boundary 10⁻¹¹–10⁻⁸ F).  Cold-pressed
  sulfides and polymers show no separate grain-boundary arc at room temperature; no
  split there.
* **Constriction** of the current into the contact spots is ohmic transport *in the
  SSE*, so its time constant is the SSE's dielectric relaxation time ε_r ε0 / σ, the
  same as the bulk: the constriction arc hides inside the bulk semicircle and raises
  the apparent bulk resistance (Eckhardt et al., ACS Appl. Mater. Interfaces 14
  (2022) 35545, 3-D impedance modelling of metal|SSE contacts).
* Each interface is the interface model's two parallel paths: the **solid path** (its
  interphase / Li⁺-H⁺ exchange layer / reaction layer films, ~1 µF cm⁻² of contact
  area, and the Li|SSE charge transfer, double layer ~10 µF cm⁻²) in parallel with the
  **liquid path** (liquid film, ohmic; SLEI and SEI films, ~1 µF cm⁻² of wetted
  area).  Films of 5–50 nm with ε_r ≈ 5–20 give ε ε0/t ≈ 0.1–3 µF cm⁻²; the
  double layer at an ion conductor|electrode ~10 µF cm⁻² (Irvine, Sinclair & West
  1990: "sample–electrode interface 10⁻⁷–10⁻⁵ F").
* **Cathode charge transfer** R‖CPE with the double layer (10 µF cm⁻²) on the
  particle surface reached through the SSE network or the liquid (in series behind
  them), and on the particles the SSE touches directly (a parallel "direct" path with
  its own films): the interface model's ``interfacial_resistance``.
* **Solid diffusion** in the cathode particles: a finite-space Warburg (``Wo``,
  reflective particle centre) with τ_D = r²/D and Z0 = τ_D / C_int, where C_int =
  Q_connected / (dU/dSOC) is the intercalation capacitance at 50 % SOC from the
  knowledge-base OCV curve.  Its low-frequency limit is capacitive (Z → Z0/3 +
  1/(jωC_int)), which is the physics of a blocking particle, so the "DC resistance"
  of the spectrum is defined without it.

* A **symmetric cell** (Li|SSE|Li) is the bulk and its two Li|SSE interfaces (arcs
  ``working_*`` and ``counter_*``); a salt-in-polymer separator adds the finite-length
  Warburg of its salt, Z0 = (2RT/F)(1 − t⁺)² L/(F D c₀), τ = L²/(4D)
  (:meth:`lpt.symmetric.salt.SaltLayer.diffusion_impedance`; docs/impedance.md).

CPE arcs are written with the effective capacitance C of the arc (Brug et al.,
J. Electroanal. Chem. 176 (1984) 275: C = (Q R)^(1/α) / R), so Q = (R C)^α / R and the
arc's apex stays at ω = 1/(RC) whatever α is.

Every resistance is the interface model's area-specific value divided by
``design.area_cm2`` → Ω; every capacitance per cm² × the area it sits on → F.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from lpt.constants import EPSILON_0_F_CM, ZERO_CELSIUS_K, arrhenius
from lpt.cycling.ocv import ocv_curve, practical_window
from lpt.design import Design
from lpt.interface.mechanisms import (
    DOUBLE_LAYER_CAPACITANCE_F_CM2, FILM_CAPACITANCE_F_CM2, Mechanism, slot,
)
from lpt.interface.mechanisms.registry import CHARGE_TRANSFER_CPE_ALPHA, FILM_CPE_ALPHA

# Relative permittivity of the SSE bulk (high-frequency, lattice), order of magnitude.
# Sources: garnet LLZO ε_r ≈ 60 (bulk capacitance of dense Al/Ta-LLZO pellets,
# ~1e-12 F cm⁻¹ scale of Irvine–Sinclair–West); thio-phosphates/LGPS ε_r ≈ 30–40;
# NASICON LATP/LAGP ε_r ≈ 15–20; LLTO ε_r ≈ 100 (perovskite); LiPON ≈ 15; PEO ≈ 5
# (dry PEO-LiTFSI; Irvine, Sinclair & West 1990 bulk ≈ pF for cell constant 1 cm⁻¹
# ⇒ ε_r ≈ 10).  Status: estimates; the capacitances set only where an arc appears
# on the frequency axis, never a resistance.
PERMITTIVITY_BY_FAMILY = {
    "garnet": 60.0,
    "thio_lisicon": 35.0,
    "thiophosphate_glass": 30.0,
    "argyrodite": 35.0,
    "nasicon": 17.0,
    "perovskite": 100.0,
    "lipon": 15.0,
    "polymer": 5.0,
    "polymer_ceramic": 8.0,
}
DEFAULT_PERMITTIVITY = 20.0

# Grain-boundary share of the knowledge base's *total* SSE resistance, for
# sintered oxides.  LLTO from the knowledge base itself (bulk 1e-3, total 3e-5 S cm⁻¹:
# 0.97); garnets ~0.2 (dense Ta/Al-LLZO: bulk ≈ total within ~25 %); NASICON ~0.5
# (LATP bulk ≈ 1e-3–3e-3 vs total 7e-4 S cm⁻¹, Jackman & Cutler 2012 / Aono 1990).
# Estimates, not calibrated.
GRAIN_BOUNDARY_FRACTION_BY_FAMILY = {"garnet": 0.2, "nasicon": 0.5, "perovskite": 0.97}
GRAIN_BOUNDARY_CAPACITANCE_RATIO = 100.0   # C_gb / C_bulk, brick layer d_grain/δ_gb


DEFAULT_FREQUENCIES_HZ = np.logspace(7, -2, 91)   # 10 MHz … 10 mHz, 10 per decade


@dataclass(frozen=True)
class Arc:
    """One relaxation of the stack: R‖CPE (alpha=1: R‖C), in Ω and F."""

    name: str
    resistance_ohm: float
    capacitance_F: float
    alpha: float = 1.0
    group: str = ""          # "bulk", "anode", "cathode"

    @property
    def tau_s(self) -> float:
        return self.resistance_ohm * self.capacitance_F

    @property
    def cpe_Q(self) -> float:
        """Q of the equivalent CPE (Ω⁻¹ sᵅ), keeping the apex at ω = 1/(RC)."""
        return (self.resistance_ohm * self.capacitance_F) ** self.alpha / self.resistance_ohm

    def impedance(self, omega: np.ndarray) -> np.ndarray:
        if self.resistance_ohm <= 0:
            return np.zeros_like(omega, dtype=complex)
        return self.resistance_ohm / (1.0 + (1j * omega * self.tau_s) ** self.alpha)


@dataclass(frozen=True)
class StackCircuit:
    """The stack's equivalent circuit.

    ``series`` arcs add.  Each side (anode, cathode) is a dict of arc lists::

        Z_side = 1 / ( 1/Z(direct) + 1/( Z(solid) ‖ Z(liquid) + Z(after) ) )

    ``solid``: the solid contacts into the ionic network (an empty list is a film-free
    contact, a short; ``None``: no such contacts, open); ``liquid``: the liquid path
    (empty: no liquid, open); ``after``: in series behind solid ‖ liquid (the cathode's
    charge transfer on the network-connected particles); ``direct``: solid contacts
    straight onto active particles (films + their charge transfer; empty: none).
    ``warburg`` is the cathode's finite-space diffusion (Z0 in Ω, τ in s) or None.
    """

    design: str
    temperature_C: float
    area_cm2: float
    series: list[Arc]
    branches: dict[str, dict[str, list[Arc] | None]]
    warburg_Z0_ohm: float | None
    warburg_tau_s: float | None
    notes: list[str] = field(default_factory=list)
    # a salt-in-polymer separator between Li faces: finite-length Warburg (resistive at DC)
    separator_warburg_Z0_ohm: float | None = None
    separator_warburg_tau_s: float | None = None

    def arcs(self) -> list[Arc]:
        out = list(self.series)
        for b in self.branches.values():
            for key in ("solid", "liquid", "after", "direct"):
                out += b.get(key) or []
        return out

    @staticmethod
    def _side(b: dict, z_of) -> complex | np.ndarray:
        """Combine one side's paths; ``z_of(arcs)`` is the series impedance of a list."""
        solid, liquid = b.get("solid"), b.get("liquid") or []
        after, direct = b.get("after") or [], b.get("direct") or []
        if solid is not None and not solid:
            z_par = 0.0  # film-free network contact: shorts the liquid path
        else:
            y = (1.0 / z_of(solid) if solid else 0.0) + (1.0 / z_of(liquid) if liquid else 0.0)
            z_par = None if np.all(np.asarray(y) == 0) else 1.0 / y
        y_net = 0.0 if z_par is None else 1.0 / (z_par + (z_of(after) if after else 0.0))
        y_dir = 1.0 / z_of(direct) if direct else 0.0
        y = y_net + y_dir
        return np.inf if np.all(np.asarray(y) == 0) else 1.0 / y

    def dc_resistance_ohm(self) -> float:
        """ω → 0 limit without the (capacitive) Warburg: bulk + interfaces + ct (+ the
        separator's salt diffusion, which is resistive at DC)."""
        total = sum(a.resistance_ohm for a in self.series) + (self.separator_warburg_Z0_ohm or 0.0)
        for b in self.branches.values():
            total += float(np.real(self._side(b, _sum_r)))
        return total

    def high_frequency_resistance_ohm(self) -> float:
        """The plateau after the bulk semicircle: bulk (+ constriction, same τ)."""
        return sum(a.resistance_ohm for a in self.series if a.group == "bulk")

    def impedance(self, frequency_Hz, diffusion: bool = True) -> np.ndarray:
        omega = 2 * np.pi * np.asarray(frequency_Hz, dtype=float)
        z = np.zeros_like(omega, dtype=complex)
        for a in self.series:
            z = z + a.impedance(omega)

        def z_of(arcs):
            return sum((a.impedance(omega) for a in arcs), np.zeros_like(z))

        for b in self.branches.values():
            z = z + self._side(b, z_of)
        if diffusion and self.warburg_Z0_ohm:
            s = np.sqrt(1j * omega * self.warburg_tau_s)
            z = z + self.warburg_Z0_ohm / (s * np.tanh(s))
        if self.separator_warburg_Z0_ohm:
            s = np.sqrt(1j * omega * self.separator_warburg_tau_s)
            z = z + self.separator_warburg_Z0_ohm * np.tanh(s) / s
        return z


def _sum_r(arcs: list[Arc]) -> float:
    return float(sum(a.resistance_ohm for a in arcs))


def permittivity(sse) -> float:
    return PERMITTIVITY_BY_FAMILY.get(sse.family, DEFAULT_PERMITTIVITY)


def _path_arcs(side: str, mechanisms: list[Mechanism], specific: dict[str, float], fraction: float,
               area_cm2: float, prefix: str, label: str | None = None) -> list[Arc]:
    """One arc per mechanism of a path: R = specific / (fraction · A), C = c · fraction · A
    (arcs named ``label`` or ``side``)."""
    name = label or side
    arcs = []
    for m in mechanisms:
        r = specific.get(m.name, 0.0)
        if not r > 0 or not np.isfinite(r):
            continue
        r_ohm = r / (fraction * area_cm2)
        if m.capacitance_F_cm2 is None:
            arcs.append(Arc(f"{name}_{prefix}{m.name}", r_ohm, 0.0, 1.0, name))
        else:
            arcs.append(Arc(f"{name}_{prefix}{m.name}", r_ohm, m.capacitance_F_cm2 * fraction * area_cm2,
                            m.cpe_alpha, name))
    return arcs


def stack_circuit(design: Design, temperature_C: float | None = None,
                  untreated: bool = False) -> StackCircuit:
    """Build the equivalent circuit of ``design`` (treated, or its untreated arm)."""
    return stack_circuits(design, [temperature_C], untreated)[0]


def stack_circuits(design: Design, temperatures_C, untreated: bool = False) -> list[StackCircuit]:
    """The equivalent circuits of ``design`` at several temperatures (None: the design's),
    from one look-up of its inputs and one vectorized evaluation of the interface model."""
    from lpt.interface import build_inputs, evaluate

    if design.symmetric:
        return _symmetric_circuits(design, temperatures_C, untreated)
    x = build_inputs([design], untreated=untreated)
    rows = np.zeros(len(temperatures_C), dtype=np.intp)
    x = x.take(rows)
    r = evaluate(x, temperature_K=_temperatures_K(x, temperatures_C))
    return [_circuit(design, x, r, k) for k in range(len(rows))]


def _temperatures_K(x, temperatures_C) -> np.ndarray:
    """Each requested temperature in K (None: the design's own)."""
    return np.array([x.temperature_K[0] if t is None else t + ZERO_CELSIUS_K for t in temperatures_C])


def _bulk_series(design: Design, x, r, k: int) -> tuple[list[Arc], list[str], float]:
    """The SSE's bulk (and grain-boundary) arcs of row ``k``, the notes, and the SSE's
    dielectric relaxation time (the constriction arcs share it)."""
    from lpt import materials

    A = float(design.area_cm2)
    T = float(r.temperature_K[k])
    sse = materials.get(design.electrolyte.material)
    eps = permittivity(sse)
    L_cm = design.electrolyte.thickness_um * 1e-4
    c_geo = eps * EPSILON_0_F_CM * A / L_cm            # F
    tau_sse = eps * EPSILON_0_F_CM / float(x.sse_sigma_S_cm[k] * arrhenius(x.sse_Ea_eV[k], T))
    notes = [f"SSE relative permittivity {eps:g} ({sse.family})"]

    r_sse = float(r.bulk_ohm_cm2[k]) / A
    gb_frac = GRAIN_BOUNDARY_FRACTION_BY_FAMILY.get(sse.family, 0.0)
    series = [Arc("sse_bulk", r_sse * (1 - gb_frac), c_geo, 1.0, "bulk")]
    if gb_frac > 0:
        series.append(Arc("sse_grain_boundary", r_sse * gb_frac,
                          c_geo * GRAIN_BOUNDARY_CAPACITANCE_RATIO,
                          FILM_CPE_ALPHA, "grain_boundary"))
        notes.append(f"grain boundary: {gb_frac:.0%} of the total SSE resistance")
    else:
        notes.append("no separate grain-boundary arc (sulfide / polymer / unknown family)")
    return series, notes, tau_sse


def _side_paths(side: str, sr, k: int, A: float, tau_sse: float, series: list[Arc],
                label: str | None = None) -> dict[str, list[Arc] | None]:
    """One side's solid and liquid paths of row ``k`` (its constriction joins ``series``);
    ``label`` names the arcs (default: the side; a symmetric cell's "working"/"counter")."""
    name = label or side
    f_w = float(sr.wetted_fraction[k])
    f_net = float(sr.network_contact_fraction[k])
    constr = float(sr.constriction_ohm_cm2[k]) / A
    if constr > 0:
        # same material, same dielectric relaxation time as the bulk (Eckhardt 2022)
        series.append(Arc(f"{name}_constriction", constr, tau_sse / constr, 1.0, "bulk"))
    solid_r = {m: float(v[k]) for m, v in sr.solid_ohm_cm2.items()}
    liquid_r = {m: float(v[k]) for m, v in sr.liquid_ohm_cm2.items()}
    solid = _path_arcs(side, slot("solid", side), solid_r, f_net, A, "solid_", name) if f_net > 0 else None
    liquid = _path_arcs(side, slot("liquid", side), liquid_r, f_w, A, "", name) if f_w > 0 else []
    return {"solid": solid, "liquid": liquid, "after": [], "direct": []}


def _circuit(design: Design, x, r, k: int) -> StackCircuit:
    """The stack circuit of row ``k`` of an evaluated batch."""
    A = float(design.area_cm2)
    T = float(r.temperature_K[k])
    series, notes, tau_sse = _bulk_series(design, x, r, k)
    branches: dict[str, dict[str, list[Arc] | None]] = {}
    for side in ("anode", "cathode"):
        sr = getattr(r, side)
        branch = _side_paths(side, sr, k, A, tau_sse, series)
        if side == "cathode":
            f_dir = float(sr.contact_fraction[k]) - float(sr.network_contact_fraction[k])
            if f_dir > 0:
                comps = sr.components_ohm_cm2
                ct_d = float(comps["direct_charge_transfer"][k])
                films = float(comps["direct_contact_path"][k]) - ct_d
                if films > 0:
                    branch["direct"].append(Arc("cathode_direct_films", films / A,
                                                FILM_CAPACITANCE_F_CM2 * f_dir * A, FILM_CPE_ALPHA, side))
                branch["direct"].append(Arc("cathode_direct_charge_transfer", ct_d / A,
                                            DOUBLE_LAYER_CAPACITANCE_F_CM2 * f_dir * A,
                                            CHARGE_TRANSFER_CPE_ALPHA, side))
            # charge transfer on the particles reached through the network or the liquid
            u_net = float(r.cathode_utilization[k] - r.cathode_direct_utilization[k])
            active_area = float(x.cathode_active_area_cm2_cm2[k]) * max(u_net, 1e-9) * A
            branch["after"].append(Arc("cathode_charge_transfer", float(r.cathode_charge_transfer_ohm_cm2[k]) / A,
                                       DOUBLE_LAYER_CAPACITANCE_F_CM2 * active_area, CHARGE_TRANSFER_CPE_ALPHA,
                                       side))
        branches[side] = branch

    util = float(r.cathode_utilization[k])

    z0, tau_d = _cathode_diffusion(design, x, util, T)
    return StackCircuit(design.name, T - ZERO_CELSIUS_K, A, series, branches, z0, tau_d, notes)


def _symmetric_circuits(design: Design, temperatures_C, untreated: bool) -> list[StackCircuit]:
    """Li|SSE|Li: the bulk, the working and the counter Li|SSE interfaces (each the anode
    side of its half cell, :func:`lpt.symmetric.half_cells`) and, for a salt-in-polymer
    separator, the finite-length Warburg of its salt (docs/impedance.md)."""
    from lpt.interface import build_inputs, evaluate
    from lpt.symmetric import half_cells
    from lpt.symmetric.salt import salt_layer

    m = len(temperatures_C)
    x = build_inputs(list(half_cells(design, untreated))).take(np.repeat(np.arange(2, dtype=np.intp), m))
    T1 = _temperatures_K(x, temperatures_C)
    r = evaluate(x, temperature_K=np.concatenate([T1, T1]))
    A = float(design.area_cm2)
    salt = salt_layer([design] * m, T1)
    r_d, tau_d = salt.diffusion_impedance()
    out = []
    for k in range(m):
        series, notes, tau_sse = _bulk_series(design, x, r, k)
        branches = {"working": _side_paths("anode", r.anode, k, A, tau_sse, series, "working"),
                    "counter": _side_paths("anode", r.anode, m + k, A, tau_sse, series, "counter")}
        ws = (float(r_d[k]) / A, float(tau_d[k])) if salt.active[k] else (None, None)
        if salt.active[k]:
            notes.append("salt diffusion in the polymer separator: finite-length Warburg (anion-blocking Li faces)")
        out.append(StackCircuit(design.name, float(T1[k]) - ZERO_CELSIUS_K, A, series, branches, None, None, notes,
                                separator_warburg_Z0_ohm=ws[0], separator_warburg_tau_s=ws[1]))
    return out


def _cathode_diffusion(design: Design, x, utilization: float, T_K: float) -> tuple[float | None, float | None]:
    """Finite-space Warburg of Li diffusion in the (connected) cathode particles."""
    from lpt import materials

    cath = materials.get(design.cathode.material)
    D = getattr(cath, "diffusivity_cm2_s", None)
    if not D:
        return None, None
    D = D * float(arrhenius(getattr(cath, "diffusivity_activation_energy_eV", 0.0) or 0.0, T_K))
    r_cm = float(x.particle_radius_cm[0])  # the same in every row
    tau = r_cm**2 / D
    # intercalation capacitance at mid-window: charge of the connected material / dU/dSOC
    q_C = (design.cathode.loading_mg_cm2 * 1e-3 * cath.specific_capacity_mAh_g * 3.6
           * max(utilization, 1e-9) * design.area_cm2)
    slope = _ocv_slope_V(cath)
    c_int = q_C / slope
    return tau / c_int, tau


# |dU/dSOC| of a cathode without an OCV table in the knowledge base: a sloping
# layered oxide's typical value over its practical window (estimate)
UNKNOWN_OCV_SLOPE_V = 0.5


def _ocv_slope_V(cath) -> float:
    """|dU/dSOC| at the middle of the practical window, floored at 20 mV (flat LFP plateau)."""
    if cath.ocv_file is None:
        return UNKNOWN_OCV_SLOPE_V
    y_ch, y_dis = practical_window(cath.id)
    y, u = ocv_curve(cath.id)
    ym, dy = 0.5 * (y_ch + y_dis), 0.05 * (y_dis - y_ch)
    slope = abs(np.interp(ym + dy, y, u) - np.interp(ym - dy, y, u)) / (2 * dy) * (y_dis - y_ch)
    return float(max(slope, 0.02))


def simulate_spectrum(design: Design, frequencies_Hz=None, temperature_C: float | None = None,
                      untreated: bool = False, diffusion: bool = True) -> dict:
    """Z(ω) of the whole stack.

    Returns
    -------
    dict
        ``frequency_Hz`` (ndarray), ``z`` (complex ndarray, Ω, capacitive Z'' < 0) and
        ``circuit`` (:class:`StackCircuit`).
    """
    f = DEFAULT_FREQUENCIES_HZ if frequencies_Hz is None else np.asarray(frequencies_Hz, dtype=float)
    circ = stack_circuit(design, temperature_C=temperature_C, untreated=untreated)
    return {"frequency_Hz": f, "z": circ.impedance(f, diffusion=diffusion), "circuit": circ}


def spectrum_json(design: Design, temperature_C: float | None = None, untreated: bool = False) -> dict:
    """The ``lpt eis simulate --json`` document (docs/cli.md keys + extras)."""
    s = simulate_spectrum(design, temperature_C=temperature_C, untreated=untreated)
    c: StackCircuit = s["circuit"]
    return {
        "design": design.name,
        "untreated": untreated,
        "temperature_c": c.temperature_C,
        "frequency_Hz": s["frequency_Hz"].tolist(),
        "z_real_ohm": s["z"].real.tolist(),
        "z_imag_ohm": s["z"].imag.tolist(),
        "dc_resistance_ohm": c.dc_resistance_ohm(),
        "high_frequency_resistance_ohm": c.high_frequency_resistance_ohm(),
        "arcs": [{"name": a.name, "resistance_ohm": a.resistance_ohm, "capacitance_F": a.capacitance_F,
                  "alpha": a.alpha, "tau_s": a.tau_s} for a in c.arcs()],
        "warburg": {"Z0_ohm": c.warburg_Z0_ohm, "tau_s": c.warburg_tau_s},
        "separator_warburg": {"Z0_ohm": c.separator_warburg_Z0_ohm, "tau_s": c.separator_warburg_tau_s},
    }
