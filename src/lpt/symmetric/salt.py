"""Salt polarization of a salt-in-polymer separator in a Li|SSE|Li cell (docs/model.md §7.6).

A ceramic SSE is a single-ion conductor (t⁺ = 1): its Li⁺ concentration never changes and
it only adds ``i L/σ``. A salt-in-polymer electrolyte (PEO-LiTFSI) carries Li⁺ as one ion
of a binary salt of concentration ``c₀``: the anions it also carries cannot leave at Li
electrodes, so under current the salt piles up at the stripping side and drains from the
plating side. With the dilute-solution equations of a binary electrolyte (Newman &
Thomas-Alyea, Electrochemical Systems, 3rd ed. (2004) §11–12), in ``θ = c/c₀ − 1``,
``ξ = x/L`` from the working electrode and ``τ = D t / L²``::

    ∂θ/∂τ = ∂²θ/∂ξ²,    −∂θ/∂ξ = q at ξ = 0 and ξ = 1,    q = (1 − t⁺) i L / (F D c₀)

(``i`` > 0 while the working side strips). Written in the cosine modes that carry such a
flux, ``θ = Σ_k a_k cos(kπξ)`` (k odd), each mode relaxes exactly towards the steady
profile ``θ∞ = q (1/2 − ξ) = Σ 4q/(kπ)² cos(kπξ)``::

    a_k(τ + Δτ) = a∞ + (a_k − a∞) exp(−(kπ)² Δτ),    a∞ = 4 q / (kπ)²

so a protocol of constant-current pieces and rests is followed without time steps. The cell
voltage gains the concentration overpotential (the two electrodes' Nernst terms and the
diffusion potential, thermodynamic factor 1)::

    η_c = (2RT/F)(1 − t⁺) ln[(1 + θ(0)) / (1 + θ(1))]

which at steady state and small q is ``(1 − t⁺)/t⁺ · i R_bulk`` when D and σ obey
Nernst–Einstein — the steady current of Bruce & Vincent (J. Electroanal. Chem. 225 (1987) 1)
is ``t⁺`` × the initial one. When the salt at the plating side runs out (``θ(1) = −1``,
Sand's time ``τ_S = π D (c₀ F)² / (4 (i(1 − t⁺))²)`` under constant current) Li grows as
dendrites from that moment (Chazalviel, Phys. Rev. A 42 (1990) 7355; Brissot, Rosso,
Chazalviel & Lascaud, J. Power Sources 81–82 (1999) 925: onset at Sand's time in
PEO-LiTFSI): the run ends as a short circuit at dendrite onset, which bounds the measured
short (the dendrite still has to cross the polymer) from below. A steady current below the
limiting current ``2 F D c₀ / ((1 − t⁺) L)`` (q < 2) never depletes it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lpt.constants import F_C_MOL, R_J_MOLK
from lpt.materials import get
from lpt.materials.transport import transport_of

N_MODES = 400                    # odd cosine modes: the surface value's truncation error < 0.1 % of q
DEPLETED = 1e-3                  # c/c₀ at which the plating side counts as depleted (Sand's time)
_K_PI = np.pi * (2 * np.arange(N_MODES) + 1)         # kπ for k = 1, 3, 5, …
_STEADY = 4.0 / _K_PI**2                             # a∞ per unit q


@dataclass(frozen=True)
class SaltLayer:
    """The binary-salt separators of ``n`` symmetric designs (rows with t⁺ = 1 are inert)."""

    active: np.ndarray              # (n,) the separator is a binary salt (t⁺ < 1)
    one_minus_t: np.ndarray         # (n,) 1 − t⁺ (0 where inert)
    q_per_mA_cm2: np.ndarray        # (n,) q per mA cm⁻² of current
    rate_per_h: np.ndarray          # (n,) D / L² in h⁻¹
    thermal_V: np.ndarray           # (n,) R T / F

    def initial(self) -> np.ndarray:
        """A uniform salt: all modes zero, shape (n, N_MODES)."""
        return np.zeros((self.active.size, N_MODES))

    def advance(self, a: np.ndarray, current_mA_cm2, hours) -> np.ndarray:
        """Modes after ``hours`` (scalar or one per row) at a constant signed current
        (> 0: the working side strips)."""
        q = self.q_per_mA_cm2 * np.asarray(current_mA_cm2, float)
        a_inf = q[:, None] * _STEADY
        decay = np.exp(-(self.rate_per_h * np.asarray(hours, float))[:, None] * _K_PI**2)
        return np.where(self.active[:, None], a_inf + (a - a_inf) * decay, 0.0)

    def diffusion_impedance(self) -> tuple[np.ndarray, np.ndarray]:
        """Small-signal salt diffusion of the separator as a finite-length Warburg,
        ``Z = R_d tanh(√(jωτ))/√(jωτ)``: each half of the cell (Li face to the mid-plane,
        where the salt stays at c₀ by symmetry) is a diffusion length ℓ = L/2, so
        ``τ = ℓ²/D = L²/(4D)`` and ``R_d = (2RT/F)(1 − t⁺)² L/(F D c₀)`` (Ω cm², the DC
        limit of eq. 16's η_c / i). Zero where inert."""
        r_d = 2.0 * self.thermal_V * self.one_minus_t * self.q_per_mA_cm2 * 1e3
        tau_s = np.where(self.active, 3600.0 / (4.0 * np.maximum(self.rate_per_h, 1e-300)), 0.0)
        return np.where(self.active, r_d, 0.0), tau_s

    def surfaces(self, a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """c/c₀ at the working (ξ = 0) and counter (ξ = 1) electrodes."""
        s = a.sum(axis=1)
        return 1.0 + s, 1.0 - s

    def overpotential_V(self, a: np.ndarray) -> np.ndarray:
        """η_c = (2RT/F)(1 − t⁺) ln(c(0)/c(1)), signed like the cell voltage (working − counter)."""
        c0, c1 = self.surfaces(a)
        ratio = np.maximum(c0, DEPLETED) / np.maximum(c1, DEPLETED)
        return 2.0 * self.thermal_V * self.one_minus_t * np.log(ratio)

    def depletion_fraction(self, a: np.ndarray, current_mA_cm2, hours: float, iterations: int = 40) -> np.ndarray:
        """The fraction of a constant-current piece of ``hours`` after which the salt at an
        electrode runs out, per row (bisection on the exact modal solution; 1 where it
        does not run out within the piece)."""
        lo, hi = np.zeros(a.shape[0]), np.ones(a.shape[0])
        for _ in range(iterations):
            mid = 0.5 * (lo + hi)
            gone = self.depleted(self.advance(a, current_mA_cm2, hours * mid))
            hi, lo = np.where(gone, mid, hi), np.where(gone, lo, mid)
        return hi

    def depleted(self, a: np.ndarray) -> np.ndarray:
        """The salt at either electrode has run out (Sand's time reached)."""
        c0, c1 = self.surfaces(a)
        return self.active & (np.minimum(c0, c1) <= DEPLETED)


def salt_layer(designs, temperature_K: np.ndarray) -> SaltLayer:
    """The separators of ``designs`` at their temperatures (K, one per design): the
    knowledge base's Li⁺ concentration, t⁺ and salt diffusivity (scaled as κ T away
    from 25 °C, Nernst–Einstein) for a salt-in-polymer SSE."""
    T = np.asarray(temperature_K, float)
    n = len(designs)
    one_minus_t, q, rate = np.zeros(n), np.zeros(n), np.zeros(n)
    for k, d in enumerate(designs):
        tr = transport_of(get(d.electrolyte.material, "solid_electrolyte"))
        if tr is None or not tr.carries_li or tr.transference_number >= 1.0 or tr.diffusivity_m2_s <= 0:
            continue
        D_cm2_s = float(tr.diffusivity_at(T[k])) * 1e4
        L_cm = d.electrolyte.thickness_um * 1e-4
        c0_mol_cm3 = tr.li_mol_L * 1e-3
        one_minus_t[k] = 1.0 - tr.transference_number
        q[k] = one_minus_t[k] * 1e-3 * L_cm / (F_C_MOL * D_cm2_s * c0_mol_cm3)   # per mA cm⁻²
        rate[k] = D_cm2_s / L_cm**2 * 3600.0
    return SaltLayer(one_minus_t > 0, one_minus_t, q, rate, R_J_MOLK * T / F_C_MOL)
