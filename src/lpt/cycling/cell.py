"""Per-design cell parameters (SI, one array entry per design) and the cell voltage.

A cell is Li metal (or Li–In) | solid electrolyte | composite cathode.  The parameters
come from the knowledge base (:mod:`lpt.materials`) and the design; they are converted
to SI once here and the model computes in SI.

The cell voltage, with the discharge current density ``I`` > 0 (A m⁻²)::

    V = U_c(y_s) − U_a − η_c − η_a − I (R_SSE + ASR_anode + ASR_cathode)
    η = (2RT/F) asinh(j / 2 i₀)                    (symmetric Butler–Volmer)
    i₀,c = i₀,ref · 2 sqrt(y_s (1 − y_s)) · Arrhenius,   j_c = I R_p / (3 u V_act)

``U_c`` is the cathode OCV at the particle-surface lithiation ``y_s``, ``U_a`` the anode
potential (0 for Li, 0.62 V for Li–In), ``u`` the utilization (the ionically connected
fraction of active material, which carries all the current), ``V_act`` the active volume
per electrode area and ``3 u V_act/R_p`` the connected particle surface per electrode area
(the SPM of Marquis et al., J. Electrochem. Soc. 166 (2019) A3693; the ``sqrt(c(c_max-c))``
exchange current is PyBaMM's).  Every rate follows
``k(T) = k_ref exp(−E_a/k_B (1/T − 1/T_ref))``, ``T_ref`` = 298.15 K.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace

import numpy as np

from lpt import materials
from lpt.constants import F_C_MOL
from lpt.errors import LptError
from lpt.interface.model import arrhenius

T_REF_K = 298.15
OCV_GRID = 4001          # uniform resampling of every OCV table (Δy = 2.5e-4)


# One Arrhenius law for the whole package (25 °C reference, docs/model.md §3).
arrhenius_factor = arrhenius


@dataclass(frozen=True)
class OcvTables:
    """Every cathode OCV of a batch resampled onto one uniform grid (fast batched lookup).

    ``flat`` holds the tables end to end and ``step`` the rise to the next grid point, so
    one ``np.take`` serves designs with different cathodes.
    """

    ids: tuple[str, ...]
    table: np.ndarray  # (n_materials, OCV_GRID)

    @functools.cached_property
    def flat(self) -> np.ndarray:
        return self.table.ravel()

    @functools.cached_property
    def step(self) -> np.ndarray:
        d = np.diff(self.table, axis=1)
        return np.concatenate([d, d[:, -1:]], axis=1).ravel()

    def potential(self, index: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """OCV and its slope dU/dy at lithiation ``y`` for materials ``index`` (broadcast)."""
        return self.lookup(np.asarray(index) * OCV_GRID, y)

    @functools.cached_property
    def flat_list(self) -> list[float]:
        """``flat`` as Python floats (the one-design paths of the cycling engine)."""
        return self.flat.tolist()

    @functools.cached_property
    def step_list(self) -> list[float]:
        return self.step.tolist()

    @functools.cached_property
    def _grid(self) -> np.ndarray:
        return np.linspace(0.0, 1.0, OCV_GRID)

    def value(self, base: np.ndarray, y: np.ndarray) -> np.ndarray:
        """The OCV alone (no slope): the hot path of every voltage evaluation.  With one
        material in the batch, ``np.interp`` on the same uniform grid (one C loop)."""
        if len(self.ids) == 1:
            return np.interp(y, self._grid, self.table[0])
        return self.lookup(base, y)[0]

    def lookup(self, base: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """As :meth:`potential` with ``base = index * OCV_GRID`` precomputed."""
        pos = np.minimum(np.maximum(y, 0.0), 1.0) * (OCV_GRID - 1)
        k = pos.astype(np.intp)
        flat = base + k
        rise = self.step.take(flat)
        return self.flat.take(flat) + (pos - k) * rise, rise * (OCV_GRID - 1)


@functools.cache
def _ocv_row(material_id: str) -> np.ndarray:
    elec = materials.get(material_id, "electrode")
    if elec.ocv_file is None:
        raise LptError(f"cathode material '{material_id}' has no OCV curve (ocv_file) in the knowledge base.")
    return np.asarray(elec.ocv(np.linspace(0.0, 1.0, OCV_GRID)), float)


@functools.cache
def ocv_tables(ids: tuple[str, ...]) -> OcvTables:
    return OcvTables(ids, np.stack([_ocv_row(i) for i in ids]))


@functools.cache
def practical_window(material_id: str) -> tuple[float, float]:
    """Lithiation at the charged and discharged ends of a cathode's practical window.

    The charged end is where the OCV falls to ``upper_cutoff_V`` (or the table's
    delithiated end if the OCV never reaches it), the discharged end where it falls to
    ``lower_cutoff_V`` (or the table's lithiated end).  ``specific_capacity_mAh_g`` is the
    charge of this window.
    """
    elec = materials.get(material_id, "electrode")
    x, u = materials.ocv_table(elec.ocv_file)
    if not np.all(np.diff(u) < 0):
        raise LptError(f"the OCV table of '{material_id}' must fall strictly with lithiation.")
    hi = elec.upper_cutoff_V if elec.upper_cutoff_V is not None else u[0]
    lo = elec.lower_cutoff_V if elec.lower_cutoff_V is not None else u[-1]
    y_ch = float(np.interp(-hi, -u, x)) if u[0] > hi else float(x[0])
    y_dis = float(np.interp(-lo, -u, x)) if u[-1] < lo else float(x[-1])
    if not y_dis > y_ch:
        raise LptError(f"cathode '{material_id}': its OCV window between {lo:g} and {hi:g} V is empty.")
    return y_ch, y_dis


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
        return replace(self, **conv)


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
    temperature_K=T_REF_K,
    particle_radius_um=None,
    diffusivity_cm2_s=None,
    exchange_current_mA_cm2=None,
    anode_exchange_current_mA_cm2=None,
    name: str | Sequence[str] | None = None,
    n: int | None = None,
) -> CellParameters:
    """Cell parameters from knowledge-base ids and numbers in the user's units.

    Every argument may be a scalar (same for all designs) or one value per design; ``n``
    fixes the batch size when all are scalars.  ``None`` takes the knowledge-base value.
    ``electrolyte`` gives the SSE's conductivity and activation energy (unless given);
    a thickness of 0 leaves the separator out (as in the PyBaMM cross-check).
    ``anode_thickness_um`` limits a Li-metal anode's inventory (``None``: unlimited).
    """
    sizes = [np.size(v) for v in (loading_mg_cm2, sse_thickness_um, area_cm2, temperature_K,
                                  particle_radius_um, diffusivity_cm2_s, exchange_current_mA_cm2)
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
    spec = _kb(cath, "specific_capacity_mAh_g") * 3.6                   # mAh g⁻¹ → C g⁻¹
    density = _kb(cath, "density_g_cm3") * 1e3                          # → kg m⁻³
    windows = np.array([practical_window(c) for c in cath])
    radius = (_kb(cath, "particle_radius_um") if particle_radius_um is None
              else _arr(particle_radius_um, n, "particle_radius_um")) * 1e-6
    diff = (_kb(cath, "diffusivity_cm2_s") if diffusivity_cm2_s is None
            else _arr(diffusivity_cm2_s, n, "diffusivity_cm2_s")) * 1e-4
    i0c = (_kb(cath, "exchange_current_mA_cm2") if exchange_current_mA_cm2 is None
           else _arr(exchange_current_mA_cm2, n, "exchange_current_mA_cm2")) * 10.0
    i0a = (_kb(an, "exchange_current_mA_cm2") if anode_exchange_current_mA_cm2 is None
           else _arr(anode_exchange_current_mA_cm2, n, "anode_exchange_current_mA_cm2")) * 10.0

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
        li_cap = li_density * _arr(anode_thickness_um, n, "anode_thickness_um") * 1e-6 * F_C_MOL / 6.941e-3
        anode_cap = np.where(np.array([a == "Li" for a in an]), li_cap, np.inf)

    ids = tuple(dict.fromkeys(cath))
    names = _ids(name, n, "name") if name is not None else tuple(f"{c}|{a}" for c, a in zip(cath, an))
    cells = CellParameters(
        name=names, cathode=cath, anode=an,
        ocv_index=np.array([ids.index(c) for c in cath], dtype=np.intp),
        area_m2=_arr(area_cm2, n, "area_cm2") * 1e-4,
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
        ocv=ocv_tables(ids),
    )
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
    from ``anode.thickness_um``; the temperature from ``temperature_C``.
    """
    designs = list(designs)
    if not designs:
        raise LptError("no designs were given to simulate.")
    radius = [d.cathode.particle_radius_um or materials.get(d.cathode.material).particle_radius_um
              for d in designs]
    return cell_parameters(
        cathode=[d.cathode.material for d in designs],
        loading_mg_cm2=[d.cathode.loading_mg_cm2 for d in designs],
        anode=[d.anode.material for d in designs],
        electrolyte=[d.electrolyte.material for d in designs],
        sse_thickness_um=[d.electrolyte.thickness_um for d in designs],
        area_cm2=[d.area_cm2 for d in designs],
        anode_thickness_um=[d.anode.thickness_um for d in designs],
        temperature_K=[d.temperature_C + 273.15 for d in designs],
        particle_radius_um=radius,
        name=[d.name for d in designs],
    )


def sse_resistance_ohm_m2(thickness_m, conductivity_S_m, activation_energy_eV, temperature_K) -> np.ndarray:
    """Ohmic resistance of the SSE separator, ``L / σ(T)`` (a single-ion conductor), Ω m²."""
    return thickness_m / (conductivity_S_m * arrhenius_factor(activation_energy_eV, temperature_K))
