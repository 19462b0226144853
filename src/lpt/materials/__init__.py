"""The knowledge base: cited, validated records of materials.

Data live in TOML files beside this module (``data/*.toml``), one table per
material.  Every numeric field carries its unit in its name and is written as an
inline table ``{ value = ..., source = "..." }``; the loader keeps the value on the
record and the citation in ``record.sources[field]``.  A value without a source is a
load error, so the knowledge base cannot silently grow uncited numbers.

>>> from lpt.materials import get
>>> get("LATP").conductivity_S_cm
"""

from __future__ import annotations

import csv
import functools
import tomllib
from importlib import resources
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from lpt import overrides
from lpt.errors import LptError, did_you_mean, with_article

Kind = Literal["solid_electrolyte", "liquid", "electrode", "additive", "precursor", "reagent"]


class Material(BaseModel):
    """Common part of every record: identity, kind and the per-field citations."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str
    kind: Kind
    notes: str = ""
    references: list[str] = []
    sources: dict[str, str] = {}
    source_notes: dict[str, str] = {}  # how each value was checked (verified / estimate ...)

    @model_validator(mode="before")
    @classmethod
    def _split_cited_values(cls, data: dict) -> dict:
        """Turn ``field = {value, source}`` into a plain value plus ``sources[field]``."""
        data = dict(data)
        sources = dict(data.get("sources", {}))
        notes = dict(data.get("source_notes", {}))
        for key, val in list(data.items()):
            if isinstance(val, dict) and "value" in val:
                if not str(val.get("source", "")).strip():
                    raise ValueError(f"field '{key}' has a value but no source")
                extra = set(val) - {"value", "source", "note"}
                if extra:
                    raise ValueError(f"field '{key}' has unknown keys {sorted(extra)}")
                data[key] = val["value"]
                sources[key] = str(val["source"])
                if val.get("note"):
                    notes[key] = str(val["note"])
        data["sources"] = sources
        data["source_notes"] = notes
        return data

    def numeric_fields(self) -> dict[str, float]:
        """All numeric (float) fields that are set, by name."""
        out = {}
        for name in type(self).model_fields:
            val = getattr(self, name)
            if isinstance(val, (int, float)) and not isinstance(val, bool):
                out[name] = float(val)
        return out


class SolidElectrolyte(Material):
    kind: Literal["solid_electrolyte"] = "solid_electrolyte"
    formula: str = ""
    chemistry: Literal["sulfide", "oxide", "polymer", "composite"]
    family: Literal[
        "thio_lisicon", "thiophosphate_glass", "argyrodite", "garnet", "nasicon",
        "perovskite", "lipon", "polymer", "polymer_ceramic",
    ]
    conductivity_S_cm: float
    activation_energy_eV: float
    density_g_cm3: float
    window_low_V: float
    window_high_V: float
    # chemical sensitivities, from a fixed vocabulary used by the screening rules:
    # moisture, proton_exchange, nucleophilic_attack, ti_reduction, ge_reduction,
    # polysulfide_dissolution, hf_attack, oxidation_high_voltage
    sensitivities: list[str] = []
    youngs_modulus_GPa: float | None = None
    hardness_GPa: float | None = None
    # Li-interphase ionic conductivity (mixed-conducting or passivating products)
    interphase_conductivity_S_cm: float | None = None
    critical_current_density_mA_cm2: float | None = None
    # electronic conductivity of the bulk SSE at 25 °C (Han et al., Nat. Energy 4 (2019) 187)
    electronic_conductivity_S_cm: float | None = None
    # a salt-in-polymer electrolyte carries Li⁺ as one ion of a binary salt (unset: a
    # single-ion conductor, t⁺ = 1, as every ceramic): Li⁺ concentration, transference
    # number, salt diffusivity at 25 °C (lpt.materials.transport; lpt.symmetric.salt)
    li_concentration_mol_L: float | None = None
    transference_number: float | None = None
    salt_diffusivity_m2_s: float | None = None
    # a semicrystalline polymer SSE melts: above this it flows into the Li's roughness
    # (lpt.interface.mechanisms.contact)
    melting_point_C: float | None = None

    @property
    def cast_film(self) -> bool:
        """A separator cast from a polymer or polymer–ceramic slurry: a film without the
        residual porosity of a pressed or sintered pellet."""
        return self.chemistry in ("polymer", "composite")

    def relative_density(self, stated, pellet_default: float) -> np.ndarray:
        """The separator's relative density per design: the stated value (NaN: unset), else 1
        for a cast film and ``pellet_default`` for a pellet."""
        stated = np.asarray(stated, float)
        return np.where(np.isnan(stated), 1.0 if self.cast_film else pellet_default, stated)


class LiTransportPhase(Material):
    """A phase that carries Li⁺ beside the SSE: a liquid, or the polymer a precursor forms.

    Li⁺ transport (lpt.materials.transport): Li⁺ concentration (0 for a neat ionic
    liquid), transference number, salt diffusivity at 25 °C, and the VTF law
    σ = A exp(−B/(T − T0)) where the source gives one (else Arrhenius).
    """

    li_concentration_mol_L: float | None = None
    transference_number: float | None = None
    salt_diffusivity_m2_s: float | None = None
    vtf_A_S_cm: float | None = None
    vtf_B_K: float | None = None
    vtf_T0_K: float | None = None


class Liquid(LiTransportPhase):
    kind: Literal["liquid"] = "liquid"
    liquid_class: Literal[
        "carbonate", "ether", "solvate_ionic_liquid", "ionic_liquid", "plastic_crystal",
    ]
    salt: str | None = None
    salt_molarity_M: float | None = None
    anion: Literal["PF6", "TFSI", "FSI", "BF4", "ClO4"]
    cation: Literal["none", "imidazolium", "pyrrolidinium", "piperidinium"] = "none"
    conductivity_S_cm: float
    conductivity_activation_energy_eV: float
    viscosity_mPa_s: float
    density_g_cm3: float
    window_low_V: float
    window_high_V: float
    flammable: bool
    flash_point_C: float | None = None
    heat_of_combustion_kJ_g: float
    cost_class: Literal["low", "moderate", "high"]
    cost_USD_kg: float
    # Li+ transfer across liquid|SSE: desolvation-controlled activation energy
    transfer_activation_energy_eV: float
    contact_angle_deg: float
    # composition for the interphase chemistry (lpt.interface.chemistry): solvents of the
    # chemistry table by volume fraction of the solvent mixture, and the water content
    solvents: dict[str, float] = {}
    water_ppm: float | None = None


class Electrode(Material):
    kind: Literal["electrode"] = "electrode"
    role: Literal["anode", "cathode"]
    specific_capacity_mAh_g: float
    density_g_cm3: float
    average_potential_V: float
    lower_cutoff_V: float | None = None
    upper_cutoff_V: float | None = None
    ocv_file: str | None = None  # data/ocv/<file>.csv: lithiation fraction vs potential
    particle_radius_um: float | None = None
    diffusivity_cm2_s: float | None = None
    diffusivity_activation_energy_eV: float | None = None
    exchange_current_mA_cm2: float
    exchange_current_activation_energy_eV: float
    volume_change_percent: float
    max_concentration_mol_m3: float | None = None
    yield_strength_MPa: float | None = None
    hardness_GPa: float | None = None
    self_diffusivity_cm2_s: float | None = None

    def ocv(self, lithiation: np.ndarray) -> np.ndarray:
        """Open-circuit potential vs Li/Li+ at a lithiation fraction (0 = charged)."""
        if self.ocv_file is None:
            return np.full_like(np.asarray(lithiation, float), self.average_potential_V)
        x, u = ocv_table(self.ocv_file)
        return np.interp(lithiation, x, u)


class Reagent(LiTransportPhase):
    """Additives, polymer precursors and reaction reagents (a precursor's Li⁺ transport
    fields describe the polymer it forms)."""

    kind: Literal["additive", "precursor", "reagent"]
    role: str = ""
    # precursor: the polymer it forms in place
    polymer_conductivity_S_cm: float | None = None
    polymer_activation_energy_eV: float | None = None
    conversion_fraction: float | None = None
    initiation: list[str] = []
    # reagent: the interlayer it forms
    product: str | None = None
    layer_conductivity_S_cm: float | None = None
    layer_activation_energy_eV: float | None = None
    # mass of the product layer (interlayer accounting in lpt.metrics)
    layer_density_g_cm3: float | None = None
    density_g_cm3: float | None = None
    flammable: bool = False
    heat_of_combustion_kJ_g: float | None = None
    cost_USD_kg: float | None = None
    effects: list[str] = []   # what kind of reagent it is ("polymerizes"); its chemistry is in
                              # lpt.interface.chemistry's reaction table, not here


_FILES: dict[str, type[Material]] = {
    "solid_electrolytes.toml": SolidElectrolyte,
    "liquids.toml": Liquid,
    "electrodes.toml": Electrode,
    "reagents.toml": Reagent,
}


@functools.cache
def ocv_table(file: str) -> tuple[np.ndarray, np.ndarray]:
    """An OCV table of ``data/ocv/``: lithiation fraction (sorted) and potential vs Li/Li+ (V)."""
    path = resources.files("lpt.materials") / "data" / "ocv" / file
    with path.open() as fh:
        rows = [r for r in csv.reader(fh) if r and not r[0].startswith("#")]
    data = np.array([[float(a), float(b)] for a, b in rows[1:]])
    order = np.argsort(data[:, 0])
    return data[order, 0], data[order, 1]


def load_all() -> dict[str, Material]:
    """Every record of the knowledge base, by id (validated; cached), with the values
    set by the user's parameter file (``materials.<id>.<field>``, :mod:`lpt.overrides`)."""
    return _with_overrides(overrides.current())


@functools.lru_cache(maxsize=64)
def _with_overrides(overridden: tuple[tuple[str, float], ...]) -> dict[str, Material]:
    shipped = _shipped()
    if not overridden:
        return shipped
    out = dict(shipped)
    for name, value in overridden:
        parts = name.split(".")
        if len(parts) == 3 and parts[0] == "materials" and parts[1] in out:
            rec = out[parts[1]]
            out[parts[1]] = rec.model_copy(update={parts[2]: value})
    return out


@functools.cache
def _shipped() -> dict[str, Material]:
    out: dict[str, Material] = {}
    for file, model in _FILES.items():
        path = resources.files("lpt.materials") / "data" / file
        try:
            raw = tomllib.loads(path.read_text())
        except tomllib.TOMLDecodeError as exc:
            raise LptError(f"knowledge-base file {file} is not valid TOML: {exc}.") from exc
        for mid, entry in raw.items():
            try:
                rec = model.model_validate({"id": mid, **entry})
            except ValidationError as exc:
                err = exc.errors()[0]
                loc = ".".join(str(p) for p in err["loc"])
                raise LptError(
                    f"knowledge-base file {file}, material '{mid}', field '{loc}': {err['msg']}."
                ) from exc
            if mid in out:
                raise LptError(f"knowledge-base id '{mid}' is defined twice (in {file}).")
            out[mid] = rec
    return out


def get(material_id: str, kind: str | tuple[str, ...] | None = None, *, field: str = "material") -> Material:
    """The record for ``material_id``; a clear error (with "did you mean") otherwise."""
    kb = load_all()
    kinds = (kind,) if isinstance(kind, str) else kind
    rec = kb.get(material_id)
    if rec is not None and (kinds is None or rec.kind in kinds):
        return rec
    pool = {k: v for k, v in kb.items() if kinds is None or v.kind in kinds}
    want = " or ".join(k.replace("_", " ") for k in kinds) if kinds else "material"
    if material_id in kb:
        raise LptError(
            f"{field} '{material_id}' is {with_article(kb[material_id].kind.replace('_', ' '))}, "
            f"but {with_article(want)} is needed here."
        )
    raise LptError(
        f"{field} '{material_id}' is not a known {want}{did_you_mean(material_id, pool)};"
        f" see `lpt materials list`."
    )


def by_kind(kind: str) -> list[Material]:
    return [m for m in load_all().values() if m.kind == kind]
