"""Li⁺ transport in the liquid that fills the pores of a composite cathode (SPMe type).

A binary salt of concentration ``c`` in the pore liquid (volume fraction ``ε``) of a
cathode of thickness ``L``, with the reaction spread uniformly through the thickness (the
leading-order current distribution of the single-particle model with electrolyte, SPMe:
Marquis et al., J. Electrochem. Soc. 166 (2019) A3693; PyBaMM's ``SPMe``)::

    ε ∂c/∂t = ∂/∂x (D_eff ∂c/∂x) − (1 − t⁺) I / (F L)          0 < x < L
    D_eff ∂c/∂x = −(1 − t⁺) I / F   at x = 0 (Li⁺ enters from the SSE or Li; anions blocked)
    ∂c/∂x = 0                       at x = L (current collector)
    D_eff = ε^1.5 D_e,  κ_eff = ε^1.5 κ                          (Bruggeman)

and the cell voltage gains (thermodynamic factor 1, the SPMe's composite potential)::

    − I L / (3 κ_eff)                                     electrolyte ohmic drop
    + (2RT/F)(1 − t⁺) [⟨ln c⟩ − ln c(0)]                 concentration overpotential

with ``⟨·⟩`` the average over the thickness.  In ``θ = c/c₀ − 1``, ``ξ = x/L`` and
``τ = t D_eff/(ε L²)`` every cathode obeys ``∂θ/∂τ = ∂²θ/∂ξ² − q`` with ``−∂θ/∂ξ(0) = q``,
``q = (1 − t⁺) I L/(F D_eff c₀)``: one finite-volume grid of ``N`` cells serves all designs,
diagonalised once and propagated exactly in time like the particle
(:mod:`lpt.cycling.particle`).  The steady profile under constant current is
``θ = q (ξ²/2 − ξ + 1/3)``; the concentration at the current collector reaches zero at
``q = 6``: the diffusion-limited current density ``I_lim = 6 F D_eff c₀ / ((1 − t⁺) L)``
(:func:`limiting_current_A_m2`), inversely proportional to the thickness.

``t⁺ = 1`` (a single-ion conductor) or an infinite ``D_e`` leave the salt uniform: the
model then adds only the ohmic drop (none for an infinite ``κ``, the default, which
leaves the results exactly as without this module).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import scipy.linalg

from lpt.constants import F_C_MOL

BRUGGEMAN_EXPONENT = 1.5
THERMODYNAMIC_FACTOR = 1.0   # (1 + d ln f±/d ln c): 1 unless the liquid's data give it
N_CELLS = 10                 # finite-volume cells through the cathode thickness
CONCENTRATION_FLOOR = 1e-9   # c/c₀ below which the liquid counts as depleted (ln stays finite)


@dataclass(frozen=True)
class ElectrolyteGrid:
    """The finite-volume cathode electrolyte in modal form.

    ``θ_nodes = modes @ a``; under a constant ``q``, ``da/dτ = mu a + beta q``; the value
    at the front (ξ = 0) is ``front @ a + front_q q`` (extrapolated with the prescribed
    inflow gradient).
    """

    mu: np.ndarray          # (K,) eigenvalues ≤ 0 (mu[0] = 0: the salt inventory)
    inv_mu: np.ndarray      # 1/mu, 0 for the inventory mode
    modes: np.ndarray       # (N, K) node values of each mode
    beta: np.ndarray        # (K,) modal load of a unit q (beta[0] = 0: the salt is conserved)
    front: np.ndarray       # (K,) front value of each mode
    front_q: float          # front value per unit q

    def nodes_and_front(self, a: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """θ at the cell centres ``(..., N)`` and at the front ``(...)``."""
        return a @ self.modes.T, a @ self.front + self.front_q * q

    def advance(self, a: np.ndarray, q: np.ndarray, dtau: np.ndarray) -> np.ndarray:
        """Modal state after a constant ``q`` for ``dtau`` (broadcast over leading axes):
        ``a∞ + e^{μτ}(a − a∞)`` with the steady state ``a∞ = −q β/μ`` (the salt
        inventory, mode 0, stays).

        Modes with ``μ_k τ < −40`` at every sampled ``τ > 0`` have relaxed to 1e-17 and
        are set to their steady state (in a constant-current step the liquid settles in
        seconds, so usually all of them); samples at ``τ = 0`` keep the start exactly.
        """
        a_inf = -q[..., None] * self.beta * self.inv_mu
        gap = a - a_inf
        kk = self.mu.size
        if dtau.size > 1:
            positive = dtau[dtau > 0]
            if positive.size:
                kk = max(1, int(np.count_nonzero(self.mu * positive.min() > -40.0)))
        out = np.broadcast_to(a_inf, np.broadcast_shapes(dtau.shape + (1,), a_inf.shape)).copy()
        out[..., :kk] += np.exp(dtau[..., None] * self.mu[:kk]) * gap[..., :kk]
        if kk < self.mu.size:
            at_start = dtau == 0
            if at_start.any():
                out[at_start] = np.broadcast_to(a, out.shape)[at_start]
        return out

    def rate(self, a: np.ndarray, q: np.ndarray) -> np.ndarray:
        """``da/dτ`` at state ``a`` under ``q``."""
        return self.mu * a + q[..., None] * self.beta

    def ramp(self, a: np.ndarray, q0: np.ndarray, q1: np.ndarray, dtau: np.ndarray) -> np.ndarray:
        """Modal state after ``q`` ramps linearly from ``q0`` to ``q1`` over ``dtau``."""
        E, p1, p2 = self.ramp_responses(dtau)
        return E * a + (q0[:, None] * (p1 - p2) + q1[:, None] * p2) * self.beta

    def ramp_responses(self, dtau: np.ndarray):
        """e^{μΔ}, ∫e^{μ(Δ-s)}ds and ∫e^{μ(Δ-s)} s/Δ ds per mode."""
        E = np.exp(dtau[:, None] * self.mu)
        p1 = (E - 1.0) * self.inv_mu
        p1[:, 0] = dtau
        d = np.where(dtau > 0, dtau, 1.0)[:, None]
        p2 = (p1 - d) * self.inv_mu / d
        p2[:, 0] = 0.5 * dtau
        return E, p1, p2


@functools.cache
def electrolyte_grid(n_cells: int = N_CELLS) -> ElectrolyteGrid:
    """Build (and cache) the modal form of an ``n_cells`` finite-volume electrolyte."""
    if n_cells < 3:
        raise ValueError("n_cells must be at least 3")
    h = 1.0 / n_cells
    K = np.zeros((n_cells, n_cells))
    for i in range(n_cells - 1):
        K[i, i] -= 1.0 / h
        K[i + 1, i + 1] -= 1.0 / h
        K[i, i + 1] += 1.0 / h
        K[i + 1, i] += 1.0 / h
    M = h * np.eye(n_cells)
    load = np.full(n_cells, -h)  # the uniform sink −q h per cell ...
    load[0] += 1.0               # ... and the inflow q at the front face
    mu, modes = scipy.linalg.eigh(K, M)  # modes.T @ M @ modes = I
    order = np.argsort(-mu)
    mu, modes = mu[order], modes[:, order]
    mu[0] = 0.0
    inv = np.zeros_like(mu)
    inv[1:] = 1.0 / mu[1:]
    beta = modes.T @ load
    beta[0] = 0.0
    return ElectrolyteGrid(mu=mu, inv_mu=inv, modes=modes, beta=beta, front=modes[0].copy(), front_q=0.5 * h)


def transport_coefficients(thickness_m, porosity, c0_mol_m3, transference_number, diffusivity_m2_s,
                           conductivity_S_m, temperature_factor, two_rt_F_V, current_share=1.0,
                           network_conductivity_S_m=0.0):
    """Per-design coefficients of the electrolyte phase (arrays).

    Returns ``(dtau_per_s, q_per_A_m2, concentration_V, ohmic_ohm_m2)``: the dimensionless
    time per second ``D_eff/(ε L²)``, ``q`` per A m⁻² ``(1 − t⁺) L/(F D_eff c₀)``, the
    prefactor ``(2RT/F)(1 − t⁺)·thermodynamic factor`` of the concentration overpotential,
    and the ohmic resistance ``L/(3 κ_eff)``.  ``temperature_factor`` scales ``D_e`` and
    ``κ`` alike (Arrhenius).  Designs whose salt stays uniform (``t⁺ = 1`` or ``D_e`` = ∞)
    get zeros for the first three.  With an SSE network beside the liquid, the liquid's salt
    sees ``current_share`` of the current and the ohmic drop is ``L/(3(κ_eff + σ_net))``
    (``σ_net`` scaled by the same temperature factor).
    """
    eps_b = np.power(porosity, BRUGGEMAN_EXPONENT)
    one_minus_t = 1.0 - transference_number
    active = (one_minus_t != 0.0) & np.isfinite(diffusivity_m2_s)
    with np.errstate(divide="ignore", invalid="ignore"):
        d_eff = np.where(active, diffusivity_m2_s * temperature_factor * eps_b, 1.0)
        dtau = np.where(active, d_eff / (porosity * thickness_m**2), 0.0)
        q_per_A = np.where(active, current_share * one_minus_t * thickness_m / (F_C_MOL * d_eff * c0_mol_m3), 0.0)
        parallel = (conductivity_S_m * eps_b + network_conductivity_S_m) * temperature_factor
        ohmic = np.where(np.isfinite(conductivity_S_m), thickness_m / (3.0 * parallel), 0.0)
    conc_V = np.where(active, two_rt_F_V * one_minus_t * THERMODYNAMIC_FACTOR, 0.0)
    return dtau, q_per_A, conc_V, ohmic


def limiting_current_A_m2(thickness_m, porosity, c0_mol_m3, transference_number, diffusivity_m2_s):
    """Diffusion-limited current density of the uniformly reacting cathode electrolyte,
    ``6 F ε^1.5 D_e c₀ / ((1 − t⁺) L)`` (∞ for ``t⁺ = 1``): the steady discharge current at
    which the salt at the current collector runs out."""
    with np.errstate(divide="ignore"):
        return (6.0 * F_C_MOL * np.power(porosity, BRUGGEMAN_EXPONENT) * diffusivity_m2_s * c0_mol_m3
                / ((1.0 - np.asarray(transference_number, float)) * thickness_m))


def overpotential_V(grid: ElectrolyteGrid, a: np.ndarray, q: np.ndarray, concentration_V: np.ndarray,
                    rate: np.ndarray | None = None):
    """The concentration term ``(2RT/F)(1 − t⁺)[ln c(0) − ⟨ln c⟩]`` (subtracted from the
    voltage) and the lowest ``c/c₀`` (a depleted liquid ends a step), for modal states
    ``a`` ``(..., K)`` under ``q`` ``(...)``.

    With ``rate`` (``da/dτ``, shaped like ``a``) also returns the τ-derivatives of both.
    A concentration below :data:`CONCENTRATION_FLOOR` counts as the floor.
    """
    nodes, front = grid.nodes_and_front(a, q)
    c_all = np.maximum(1.0 + np.concatenate([nodes, front[..., None]], axis=-1), CONCENTRATION_FLOOR)
    # ⟨ln c⟩ as the log of the product: one log per design (c/c₀ within [1e-9, 1e3])
    n = nodes.shape[-1]
    value = concentration_V * (np.log(c_all[..., -1]) - np.log(np.prod(c_all[..., :-1], axis=-1)) / n)
    lowest = c_all.min(axis=-1)
    if rate is None:
        return value, lowest
    d_all = np.concatenate([rate @ grid.modes.T, (rate @ grid.front)[..., None]], axis=-1)
    ratio = d_all / c_all
    slope = concentration_V * (ratio[..., -1] - ratio[..., :-1].mean(axis=-1))
    # the rate of the lowest concentration (of the fastest falling one where several tie)
    d_lowest = np.where(c_all == lowest[..., None], d_all, np.inf).min(axis=-1)
    return value, lowest, slope, d_lowest


def overpotential_along(line, current: np.ndarray, concentration_V: np.ndarray):
    """:func:`overpotential_V` and its derivative d/dI where the liquid's state is linear
    in the current: ``line = (nodes, d nodes/dI, front, d front/dI)`` (a constant-voltage
    sub-step, whose end state depends on its end current)."""
    nodes, d_nodes, front, d_front = line
    c_nodes = np.maximum(1.0 + nodes + current[:, None] * d_nodes, CONCENTRATION_FLOOR)
    c_front = np.maximum(1.0 + front + current * d_front, CONCENTRATION_FLOOR)
    value = concentration_V * (np.log(c_front) - np.log(c_nodes).mean(axis=-1))
    return value, concentration_V * (d_front / c_front - (d_nodes / c_nodes).mean(axis=-1))


class FloatLiquid:
    """One design's pore liquid over a constant-current step, evaluated at one time at a
    time (the one-design path): the same :meth:`ElectrolyteGrid.advance` and
    :func:`overpotential_V`, returned as Python floats.

    Once the slowest mode has relaxed (``μ₁τ < −40``, within seconds to minutes) the
    liquid is at its steady state and every later evaluation returns the values computed
    once for it, so a step's root finding costs almost nothing more than without it.
    """

    def __init__(self, grid: ElectrolyteGrid, a0: np.ndarray, q: float, concentration_V: float,
                 dtau_per_s: float):
        self.grid = grid
        self.mu1 = float(grid.mu[1]) if grid.mu.size > 1 else -math.inf
        self.q = q
        self.conc = concentration_V
        self.k = dtau_per_s
        self.a_inf = -q * grid.beta * grid.inv_mu
        self.gap = a0 - self.a_inf
        steady = self.a_inf.copy()
        steady[0] += self.gap[0]
        # the steady state and τ = 0 (asked for by every step), in one NumPy pass
        value, lowest, slope, d_lowest = overpotential_V(
            grid, np.stack([steady, a0]), np.full(2, q), concentration_V,
            rate=np.stack([np.zeros_like(steady), grid.mu * self.gap]))
        self.steady, self.start = ((float(value[j]), float(slope[j]) * self.k, float(lowest[j]),
                                    float(d_lowest[j]) * self.k) for j in (0, 1))

    def _values(self, a: np.ndarray, rate: np.ndarray) -> tuple[float, float, float, float]:
        """:func:`overpotential_V` with its rates for one state (NumPy: called once or
        twice per step)."""
        value, lowest, slope, d_lowest = overpotential_V(self.grid, a, np.asarray(self.q), self.conc, rate=rate)
        return float(value), float(slope) * self.k, float(lowest), float(d_lowest) * self.k

    def overpotentials_at(self, times: np.ndarray) -> np.ndarray:
        """The overpotential at several times in one NumPy pass (a step's energy samples;
        after a capacity cliff the steps are too short for the liquid to settle)."""
        tau = self.k * np.asarray(times, float)
        out = np.full(tau.shape, self.steady[0])
        with np.errstate(invalid="ignore"):
            live = ~(self.mu1 * tau < -40.0)
        if live.any():
            a = self.a_inf + np.exp(np.multiply.outer(tau[live], self.grid.mu)) * self.gap
            out[live], _ = overpotential_V(self.grid, a, np.full(int(live.sum()), self.q), self.conc)
        return out

    def at(self, t: float) -> tuple[float, float, float, float]:
        """Overpotential, its time derivative, the lowest c/c₀ and its time derivative."""
        tau = self.k * t
        if self.mu1 * tau < -40.0:
            return self.steady
        if tau == 0.0:
            return self.start
        ex = np.exp(self.grid.mu * tau) * self.gap
        return self._values(self.a_inf + ex, self.grid.mu * ex)
