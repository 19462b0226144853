"""Li⁺ transport in a liquid or polymer electrolyte of the knowledge base.

A wetting liquid (``kind = "liquid"``) or the polymer a precursor forms
(``kind = "precursor"``) carries Li⁺ as one ion of a binary salt: its Li⁺ concentration
``c``, transference number ``t⁺``, salt diffusivity ``D`` and conductivity ``κ(T)``.  The
conductivity follows the Vogel–Tammann–Fulcher law where the record gives one
(ionic liquids, polymers; Angell, Chem. Rev. 90 (1990) 523)::

    κ(T) = A exp(−B / (T − T0))

and the Arrhenius law of its 25 °C value and activation energy otherwise (carbonates,
ethers: what their sources give).  ``D`` scales as ``κ T`` (Nernst–Einstein at a fixed
concentration; Stokes–Einstein D ∝ T/η with Walden's κη = const: :meth:`Transport.diffusivity_at`).

A neat ionic liquid (``li_concentration_mol_L = 0``) holds no Li⁺.  Between electrodes and
an SSE that exchange only Li⁺ its own ions cannot leave, so at steady state it carries no
current (Bruce & Vincent, J. Electroanal. Chem. 225 (1987) 1): lpt treats it as
**Li⁺-blocking**.  A Li⁺ source it could take up from a garnet, Li⁺/H⁺ exchange with the
liquid's residual water (Sharafi et al., Chem. Mater. 29 (2017) 7961), is bounded by that
water: tens of ppm is a few mmol L⁻¹ of Li⁺, whose limiting current through a 20 µm
electrode (:func:`lpt.cycling.electrolyte.limiting_current_A_m2`) is below 10⁻³ mA cm⁻²
— blocking in practice.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lpt.constants import K_B_EV, REFERENCE_TEMPERATURE_K, arrhenius


@dataclass(frozen=True)
class Transport:
    """Li⁺ transport of one electrolyte record (SI inside, user units in names)."""

    li_mol_L: float
    transference_number: float
    diffusivity_m2_s: float            # salt diffusivity at 25 °C
    conductivity_S_cm: float           # at 25 °C
    activation_energy_eV: float        # Arrhenius slope (used where no VTF law is given)
    vtf: tuple[float, float, float] | None = None  # (A S/cm, B K, T0 K)

    @property
    def carries_li(self) -> bool:
        """The electrolyte holds Li⁺ of its own (a neat ionic liquid does not)."""
        return self.li_mol_L > 0.0 and self.transference_number > 0.0

    def conductivity_at(self, temperature_K) -> np.ndarray:
        """κ(T), S cm⁻¹ (VTF or Arrhenius)."""
        T = np.asarray(temperature_K, float)
        if self.vtf is None:
            return self.conductivity_S_cm * arrhenius(self.activation_energy_eV, T)
        a, b, t0 = self.vtf
        return a * np.exp(-b / np.maximum(T - t0, 1e-9))

    def diffusivity_at(self, temperature_K) -> np.ndarray:
        """Salt diffusivity at T, m² s⁻¹: the 25 °C value scaled as κ(T) T / κ(T_ref) T_ref
        (Nernst–Einstein at a fixed concentration; Stokes–Einstein with Walden's κη = const)."""
        T = np.asarray(temperature_K, float)
        return (self.diffusivity_m2_s * self.conductivity_at(T) / self.conductivity_at(REFERENCE_TEMPERATURE_K)
                * T / REFERENCE_TEMPERATURE_K)

    def local_activation_energy_eV(self, temperature_K) -> np.ndarray:
        """d ln κ / d(−1/k_B T) at T: the Arrhenius slope that matches κ locally
        (VTF: ``k_B B T² / (T − T0)²``)."""
        T = np.asarray(temperature_K, float)
        if self.vtf is None:
            return np.full_like(T, self.activation_energy_eV)
        _, b, t0 = self.vtf
        return K_B_EV * b * T**2 / np.maximum(T - t0, 1e-9) ** 2

    def reference_conductivity_S_cm(self, temperature_K) -> np.ndarray:
        """The 25 °C conductivity of the Arrhenius law that passes through κ(T) with the
        local slope at T: ``κ(T) / arrhenius(Ea_local(T), T)`` (what Arrhenius-only
        models are handed so that they are exact at the design's temperature)."""
        T = np.asarray(temperature_K, float)
        return self.conductivity_at(T) / arrhenius(self.local_activation_energy_eV(T), T)


def transport_of(record) -> Transport | None:
    """The Li⁺ transport of a liquid, precursor or salt-in-polymer SSE record (None when it
    has no transport data: a reagent, an additive, a single-ion ceramic)."""
    if getattr(record, "li_concentration_mol_L", None) is None:
        return None
    if record.kind == "precursor":
        sigma, ea = record.polymer_conductivity_S_cm, record.polymer_activation_energy_eV
    elif record.kind == "solid_electrolyte":      # a salt-in-polymer SSE
        sigma, ea = record.conductivity_S_cm, record.activation_energy_eV
    else:
        sigma, ea = record.conductivity_S_cm, record.conductivity_activation_energy_eV
    vtf = None
    if getattr(record, "vtf_A_S_cm", None) is not None:
        vtf = (record.vtf_A_S_cm, record.vtf_B_K, record.vtf_T0_K)
    return Transport(li_mol_L=record.li_concentration_mol_L,
                     transference_number=record.transference_number or 0.0,
                     diffusivity_m2_s=record.salt_diffusivity_m2_s or 0.0,
                     conductivity_S_cm=sigma, activation_energy_eV=ea, vtf=vtf)


def film_inputs(record, temperature_K) -> dict:
    """The interface model's liquid-film inputs for an electrolyte record at the design's
    temperature: the steady Li⁺ conductance per thickness ``t⁺ κ`` of a thin film between
    two Li⁺-exchanging faces (Bruce & Vincent 1987: the steady current of a binary
    electrolyte under anion-blocking faces is t⁺ × the ohmic one for small polarization; a
    µm film reaches it within ``h²/D`` ≈ 0.1 s), expressed as a 25 °C value with the local
    Arrhenius slope at T (exact at T), and whether it carries Li⁺ at all (a neat ionic
    liquid does not: its wetted area conducts nothing)."""
    t = transport_of(record)
    T = np.asarray(temperature_K, float)
    if t is None:
        return {}
    factor = t.transference_number if t.carries_li else 1.0
    return dict(film_sigma_S_cm=factor * t.reference_conductivity_S_cm(T),
                film_Ea_eV=t.local_activation_energy_eV(T),
                liquid_carries_li=np.full(T.shape, t.carries_li))
