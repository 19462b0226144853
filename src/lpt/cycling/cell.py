"""Per-design cell parameters (SI, one array entry per design).

A cell is Li metal (or Li–In) | solid electrolyte | composite cathode.  The parameters
come from the knowledge base (:mod:`lpt.materials`) and the design; they are converted
to SI once here and the model computes in SI (the cell voltage they enter is
:mod:`lpt.cycling.voltage`).  Every rate follows
``k(T) = k_ref exp(−E_a/k_B (1/T − 1/T_ref))``, ``T_ref`` = 25 °C
(:func:`lpt.constants.arrhenius`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace

import numpy as np

from lpt import materials
from lpt.constants import (
    A_M2_PER_MA_CM2, C_PER_MAH, F_C_MOL, LI_MOLAR_MASS_G_MOL, M2_PER_CM2, REFERENCE_TEMPERATURE_K, ZERO_CELSIUS_K,
    arrhenius,
)
from lpt.cycling.ocv import OcvTables, ocv_tables, practical_window
from lpt.cycling.pore_liquid import pore_electrolytes
from lpt.errors import LptError

@dataclass(frozen=True)
class CellParameters:
    """Per-design parameters of a batch of cells, SI units (one entry per design).

    Build it with :func:`cell_parameters` (from material ids and numbers) or
    :func:`cells_from_designs` (from :class:`lpt.design.Design`).  ``take``/``repeat``/
    ``concat`` make sub-batches and copies.
    """

    name: tuple[str, ...]
    cathode: tuple[str, ...]
    anode: tuple[str, ...]
    ocv_index: np.ndarray            # row of ``ocv`` for each design
    area_m2: np.ndarray
    loading_kg_m2: np.ndarray        # active mass per electrode area
    capacity_C_m2: np.ndarray        # practical capacity (loading × specific capacity)
    active_volume_m: np.ndarray      # active-material volume per electrode area (m³ m⁻²)
    y_charged: np.ndarray            # lithiation at the charged end of the practical window
    y_discharged: np.ndarray
    particle_radius_m: np.ndarray
    diffusivity_m2_s: np.ndarray     # at 25 °C
    diffusivity_Ea_eV: np.ndarray
    i0_cathode_A_m2: np.ndarray      # at y = 0.5, 25 °C
    i0_cathode_Ea_eV: np.ndarray
    anode_potential_V: np.ndarray
    i0_anode_A_m2: np.ndarray
    i0_anode_Ea_eV: np.ndarray
    anode_capacity_C_m2: np.ndarray  # Li inventory of a Li-metal anode (inf: unlimited)
    sse_thickness_m: np.ndarray
    sse_conductivity_S_m: np.ndarray  # at 25 °C
    sse_Ea_eV: np.ndarray
    temperature_K: np.ndarray        # the design's operating temperature
    # the liquid in the cathode's pores (lpt.cycling.electrolyte); the defaults (t⁺ = 1,
    # D_e = κ = ∞) leave it without polarization, as a single-ion conductor of no resistance
    cathode_thickness_m: np.ndarray
    cathode_porosity: np.ndarray     # liquid-filled volume fraction
    electrolyte_c0_mol_m3: np.ndarray  # Li⁺ (salt) concentration at rest
    transference_number: np.ndarray  # t⁺
    electrolyte_diffusivity_m2_s: np.ndarray  # salt diffusivity D_e at 25 °C
    electrolyte_conductivity_S_m: np.ndarray  # κ at 25 °C
    electrolyte_Ea_eV: np.ndarray    # activation energy of D_e and κ
    electrolyte_current_share: np.ndarray  # share of the cathode's ionic current in the liquid
    network_conductivity_S_m: np.ndarray   # SSE network beside the liquid, σ_eff at 25 °C
    ocv: OcvTables

    def __len__(self) -> int:
        return len(self.name)

    def _map(self, fn) -> "CellParameters":
        out = {}
        for f in fields(self):
            val = getattr(self, f.name)
            if isinstance(val, np.ndarray):
                out[f.name] = fn(val)
            elif isinstance(val, tuple):
                out[f.name] = tuple(fn(np.array(val, dtype=object)).tolist())
            else:
                out[f.name] = val
        return CellParameters(**out)

    def take(self, index) -> "CellParameters":
        """The designs at ``index`` (an index array or boolean mask)."""
        index = np.asarray(index)
        if index.dtype == bool:
            index = np.flatnonzero(index)
        return self._map(lambda a: a[index])

    def repeat(self, n: int) -> "CellParameters":
        """``n`` copies of the batch, one after the other (tiles the designs)."""
        return self._map(lambda a: np.concatenate([a] * n))

    def with_(self, **changes) -> "CellParameters":
        """A copy with some numeric per-design fields (SI) replaced, broadcast to the batch.

        Material ids are not changed this way (their OCV tables go with them): build a new
        batch with :func:`cell_parameters` instead.
        """
        n = len(self)
        conv = {}
        for k, v in changes.items():
            if not isinstance(getattr(self, k, None), np.ndarray) or k == "ocv_index":
                raise LptError(f"'{k}' is not a numeric cell parameter that can be replaced.")
            conv[k] = np.broadcast_to(np.asarray(v, float), (n,)).copy()
        out = replace(self, **conv)
        _check_electrolyte(out)
        return out


def concat(batches: Sequence[CellParameters]) -> CellParameters:
    """One batch from several (their OCV tables are merged)."""
    ids = tuple(dict.fromkeys(i for b in batches for i in b.cathode))
    tables = ocv_tables(ids)
    out = {}
    for f in fields(CellParameters):
        if f.name == "ocv":
            out[f.name] = tables
        elif f.name == "ocv_index":
            out[f.name] = np.array([ids.index(c) for b in batches for c in b.cathode], dtype=np.intp)
        elif isinstance(getattr(batches[0], f.name), tuple):
            out[f.name] = tuple(v for b in batches for v in getattr(b, f.name))
        else:
            out[f.name] = np.concatenate([getattr(b, f.name) for b in batches])
    return CellParameters(**out)


def _arr(value, n: int, name: str) -> np.ndarray:
    a = np.asarray(value, float)
    try:
        return np.broadcast_to(a, (n,)).astype(float).copy()
    except ValueError:
        raise LptError(f"'{name}' has {a.size} values but the batch has {n} designs.") from None


def _ids(value, n: int, name: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,) * n
    vals = tuple(value)
    if len(vals) != n:
        raise LptError(f"'{name}' has {len(vals)} entries but the batch has {n} designs.")
    return vals


def _kb(ids: tuple[str, ...], field: str, default: float | None = None) -> np.ndarray:
    out = []
    for i in ids:
        val = getattr(materials.get(i), field, None)
        if val is None:
            if default is None:
                raise LptError(f"electrode '{i}' has no '{field}' in the knowledge base; give it explicitly.")
            val = default
        out.append(float(val))
    return np.array(out)


def cell_parameters(
    cathode: str | Sequence[str],
    loading_mg_cm2,
    *,
    anode: str | Sequence[str] = "Li",
    electrolyte: str | Sequence[str] | None = None,
    sse_thickness_um=0.0,
    sse_conductivity_S_cm=None,
    sse_activation_energy_eV=None,
    area_cm2=1.0,
    anode_thickness_um=None,
    temperature_K=REFERENCE_TEMPERATURE_K,
    particle_radius_um=None,
    diffusivity_cm2_s=None,
    exchange_current_mA_cm2=None,
    anode_exchange_current_mA_cm2=None,
    name: str | Sequence[str] | None = None,
    n: int | None = None,
    cathode_thickness_um=None,
    cathode_porosity=None,
    electrolyte_li_mol_L=1.0,
    transference_number=1.0,
    electrolyte_diffusivity_m2_s=np.inf,
    electrolyte_conductivity_S_cm=np.inf,
    electrolyte_activation_energy_eV=0.0,
    electrolyte_current_share=1.0,
    network_conductivity_S_cm=0.0,
) -> CellParameters:
    """Cell parameters from knowledge-base ids and numbers in the user's units.

    Every argument may be a scalar (same for all designs) or one value per design; ``n``
    fixes the batch size when all are scalars.  ``None`` takes the knowledge-base value.
    ``electrolyte`` gives the SSE's conductivity and activation energy (unless given);
    a thickness of 0 leaves the separator out (as in the PyBaMM cross-check).
    ``anode_thickness_um`` limits a Li-metal anode's inventory (``None``: unlimited).

    The liquid in the cathode's pores (:mod:`lpt.cycling.electrolyte`): its Li⁺
    concentration ``electrolyte_li_mol_L``, ``transference_number`` t⁺, salt
    ``electrolyte_diffusivity_m2_s`` and ``electrolyte_conductivity_S_cm`` (at 25 °C, both
    scaled by ``electrolyte_activation_energy_eV``), in a cathode of ``cathode_thickness_um``
    and liquid-filled ``cathode_porosity`` (needed once the liquid polarizes).  The defaults
    (t⁺ = 1, infinite D_e and κ) add nothing to the voltage.  With an SSE network in the
    composite the liquid carries ``electrolyte_current_share`` of the ionic current and the
    network's effective ``network_conductivity_S_cm`` (same Arrhenius slope) is in parallel
    with it in the ohmic drop.
    """
    sizes = [np.size(v) for v in (loading_mg_cm2, sse_thickness_um, area_cm2, temperature_K,
                                  particle_radius_um, diffusivity_cm2_s, exchange_current_mA_cm2,
                                  cathode_thickness_um, cathode_porosity, electrolyte_li_mol_L, transference_number,
                                  electrolyte_diffusivity_m2_s, electrolyte_conductivity_S_cm)
             if v is not None]
    sizes += [len(v) for v in (cathode, anode, electrolyte, name) if v is not None and not isinstance(v, str)]
    n = n if n is not None else max(sizes + [1])
    cath, an = _ids(cathode, n, "cathode"), _ids(anode, n, "anode")
    for c in set(cath):
        rec = materials.get(c, "electrode", field="cathode")
        if rec.role != "cathode":
            raise LptError(f"'{c}' is an anode material; a cathode is needed.")
    for a in set(an):
        rec = materials.get(a, "electrode", field="anode")
        if rec.role != "anode":
            raise LptError(f"'{a}' is a cathode material; an anode is needed.")

    loading = _arr(loading_mg_cm2, n, "loading_mg_cm2") * 1e-2          # mg cm⁻² → kg m⁻²
    spec = _kb(cath, "specific_capacity_mAh_g") * C_PER_MAH             # mAh g⁻¹ → C g⁻¹
    density = _kb(cath, "density_g_cm3") * 1e3                          # → kg m⁻³
    windows = np.array([practical_window(c) for c in cath])
    radius = (_kb(cath, "particle_radius_um") if particle_radius_um is None
              else _arr(particle_radius_um, n, "particle_radius_um")) * 1e-6
    diff = (_kb(cath, "diffusivity_cm2_s") if diffusivity_cm2_s is None
            else _arr(diffusivity_cm2_s, n, "diffusivity_cm2_s")) * M2_PER_CM2
    i0c = (_kb(cath, "exchange_current_mA_cm2") if exchange_current_mA_cm2 is None
           else _arr(exchange_current_mA_cm2, n, "exchange_current_mA_cm2")) * A_M2_PER_MA_CM2
    i0a = (_kb(an, "exchange_current_mA_cm2") if anode_exchange_current_mA_cm2 is None
           else _arr(anode_exchange_current_mA_cm2, n, "anode_exchange_current_mA_cm2")) * A_M2_PER_MA_CM2

    if electrolyte is None:
        if sse_conductivity_S_cm is None and np.any(_arr(sse_thickness_um, n, "sse_thickness_um") > 0):
            raise LptError("an SSE thickness was given without its conductivity: name the electrolyte "
                           "(a knowledge-base id) or give sse_conductivity_S_cm.")
        sigma = np.full(n, np.inf) if sse_conductivity_S_cm is None else _arr(sse_conductivity_S_cm, n, "sse_conductivity_S_cm")
        ea = np.zeros(n) if sse_activation_energy_eV is None else _arr(sse_activation_energy_eV, n, "sse_activation_energy_eV")
    else:
        sse_ids = _ids(electrolyte, n, "electrolyte")
        recs = [materials.get(s, "solid_electrolyte", field="electrolyte") for s in sse_ids]
        sigma = (np.array([r.conductivity_S_cm for r in recs]) if sse_conductivity_S_cm is None
                 else _arr(sse_conductivity_S_cm, n, "sse_conductivity_S_cm"))
        ea = (np.array([r.activation_energy_eV for r in recs]) if sse_activation_energy_eV is None
              else _arr(sse_activation_energy_eV, n, "sse_activation_energy_eV"))

    li_density = materials.get("Li").density_g_cm3 * 1e3
    if anode_thickness_um is None:
        anode_cap = np.full(n, np.inf)
    else:
        li_cap = li_density * _arr(anode_thickness_um, n, "anode_thickness_um") * 1e-6 * F_C_MOL / (LI_MOLAR_MASS_G_MOL * 1e-3)
        anode_cap = np.where(np.array([a == "Li" for a in an]), li_cap, np.inf)

    ids = tuple(dict.fromkeys(cath))
    names = _ids(name, n, "name") if name is not None else tuple(f"{c}|{a}" for c, a in zip(cath, an))
    cells = CellParameters(
        name=names, cathode=cath, anode=an,
        ocv_index=np.array([ids.index(c) for c in cath], dtype=np.intp),
        area_m2=_arr(area_cm2, n, "area_cm2") * M2_PER_CM2,
        loading_kg_m2=loading,
        capacity_C_m2=loading * 1e3 * spec,
        active_volume_m=loading / density,
        y_charged=windows[:, 0].copy(), y_discharged=windows[:, 1].copy(),
        particle_radius_m=radius, diffusivity_m2_s=diff,
        diffusivity_Ea_eV=_kb(cath, "diffusivity_activation_energy_eV", 0.0),
        i0_cathode_A_m2=i0c, i0_cathode_Ea_eV=_kb(cath, "exchange_current_activation_energy_eV"),
        anode_potential_V=_kb(an, "average_potential_V"),
        i0_anode_A_m2=i0a, i0_anode_Ea_eV=_kb(an, "exchange_current_activation_energy_eV"),
        anode_capacity_C_m2=anode_cap,
        sse_thickness_m=_arr(sse_thickness_um, n, "sse_thickness_um") * 1e-6,
        sse_conductivity_S_m=sigma * 1e2, sse_Ea_eV=ea,
        temperature_K=_arr(temperature_K, n, "temperature_K"),
        cathode_thickness_m=(np.zeros(n) if cathode_thickness_um is None
                             else _arr(cathode_thickness_um, n, "cathode_thickness_um") * 1e-6),
        cathode_porosity=np.zeros(n) if cathode_porosity is None else _arr(cathode_porosity, n, "cathode_porosity"),
        electrolyte_c0_mol_m3=_arr(electrolyte_li_mol_L, n, "electrolyte_li_mol_L") * 1e3,
        transference_number=_arr(transference_number, n, "transference_number"),
        electrolyte_diffusivity_m2_s=_arr(electrolyte_diffusivity_m2_s, n, "electrolyte_diffusivity_m2_s"),
        electrolyte_conductivity_S_m=_arr(electrolyte_conductivity_S_cm, n, "electrolyte_conductivity_S_cm") * 1e2,
        electrolyte_Ea_eV=_arr(electrolyte_activation_energy_eV, n, "electrolyte_activation_energy_eV"),
        electrolyte_current_share=_arr(electrolyte_current_share, n, "electrolyte_current_share"),
        network_conductivity_S_m=_arr(network_conductivity_S_cm, n, "network_conductivity_S_cm") * 1e2,
        ocv=ocv_tables(ids),
    )
    _check_electrolyte(cells)
    for field_name in ("loading_kg_m2", "particle_radius_m", "diffusivity_m2_s", "i0_cathode_A_m2",
                       "i0_anode_A_m2", "area_m2", "sse_conductivity_S_m"):
        if not np.all(getattr(cells, field_name) > 0):
            raise LptError(f"cell parameter '{field_name}' must be above 0 for every design.")
    if not np.all(cells.sse_thickness_m >= 0):
        raise LptError("cell parameter 'sse_thickness_um' must be 0 or above for every design.")
    return cells


def cells_from_designs(designs: Sequence) -> CellParameters:
    """Cell parameters for a list of :class:`lpt.design.Design`.

    Active mass per area is ``cathode.loading_mg_cm2``; capacity per area is that loading
    times the knowledge base's practical specific capacity; the SSE thickness and its
    (25 °C) conductivity and activation energy come from ``electrolyte``; the particle
    radius from ``cathode.particle_radius_um`` when given; a Li-metal anode's inventory
    from ``anode.thickness_um``; the temperature from ``temperature_C``; the pore
    electrolyte from the cathode interface's liquid or polymer
    (:func:`lpt.cycling.pore_liquid.pore_electrolyte`; a dry cathode has none).
    """
    designs = list(designs)
    if not designs:
        raise LptError("no designs were given to simulate.")
    radius = [d.cathode.particle_radius_um or materials.get(d.cathode.material).particle_radius_um
              for d in designs]
    pore = pore_electrolytes(designs)
    filled = pore.pop("filled_porosity")
    return cell_parameters(
        cathode=[d.cathode.material for d in designs],
        loading_mg_cm2=[d.cathode.loading_mg_cm2 for d in designs],
        anode=[d.anode.material for d in designs],
        electrolyte=[d.electrolyte.material for d in designs],
        sse_thickness_um=[d.electrolyte.thickness_um for d in designs],
        area_cm2=[d.area_cm2 for d in designs],
        anode_thickness_um=[d.anode.thickness_um for d in designs],
        cathode_thickness_um=[d.cathode.thickness_um for d in designs],
        cathode_porosity=[f if f > 0 else d.cathode.porosity for f, d in zip(filled, designs)],
        temperature_K=[d.temperature_C + ZERO_CELSIUS_K for d in designs],
        particle_radius_um=radius,
        name=[d.name for d in designs],
        **pore,
    )


def _check_electrolyte(cells: CellParameters) -> None:
    """The pore liquid's numbers are physical, and a polarizing liquid has a cathode to sit in."""
    t = cells.transference_number
    if not np.all((t > -1.0) & (t <= 1.0)):
        raise LptError("cell parameter 'transference_number' must be above -1 and at most 1 for every design.")
    for name, arr in (("electrolyte_li_mol_L", cells.electrolyte_c0_mol_m3),
                      ("electrolyte_diffusivity_m2_s", cells.electrolyte_diffusivity_m2_s),
                      ("electrolyte_conductivity_S_cm", cells.electrolyte_conductivity_S_m)):
        if not np.all(arr > 0):
            raise LptError(f"cell parameter '{name}' must be above 0 for every design (inf: no polarization).")
    share = cells.electrolyte_current_share
    if not np.all((share > 0) & (share <= 1)):
        raise LptError("cell parameter 'electrolyte_current_share' must be above 0 and at most 1 for every design.")
    if not np.all(cells.network_conductivity_S_m >= 0):
        raise LptError("cell parameter 'network_conductivity_S_cm' must be 0 or above for every design.")
    if not np.all(np.isfinite(cells.electrolyte_Ea_eV)):
        raise LptError("cell parameter 'electrolyte_activation_energy_eV' must be a finite number.")
    polarizing = (((t != 1.0) & np.isfinite(cells.electrolyte_diffusivity_m2_s))
                  | np.isfinite(cells.electrolyte_conductivity_S_m))
    ok = (cells.cathode_thickness_m > 0) & (cells.cathode_porosity > 0) & (cells.cathode_porosity < 1)
    if np.any(polarizing & ~ok):
        raise LptError("a cathode whose pore liquid polarizes (t⁺ < 1 with a finite diffusivity, or a finite "
                       "conductivity) needs cathode_thickness_um above 0 and cathode_porosity between 0 and 1.")


def sse_resistance_ohm_m2(thickness_m, conductivity_S_m, activation_energy_eV, temperature_K) -> np.ndarray:
    """Ohmic resistance of the SSE separator, ``L / σ(T)`` (a single-ion conductor), Ω m²."""
    return thickness_m / (conductivity_S_m * arrhenius(activation_energy_eV, temperature_K))
