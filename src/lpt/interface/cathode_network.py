"""The composite cathode's ionic network: which active particles it reaches, and how well
it conducts (docs/model.md §2).

Pure, vectorized functions (arrays, one entry per design).  The SSE network's
connectivity follows from particle coordination in a random binary packing of active
material (radius ``r_a``) and SSE (radius ``r_s``) rather than from one volume-fraction
threshold: contacts between classes ``i`` and ``j`` are shared in proportion to
``n_j (r_i + r_j)²`` (number density × collision cross-section), and a particle's
coordination grows with its size, ``Z_i = Z̄ (1 + r_i/r̄)²/4`` (Suzuki & Oshima, Powder
Technol. 35 (1983) 159; Bouvard & Lange, Acta Metall. Mater. 39 (1991) 3083).  A class
percolates once its particles touch ``Z_c ≈ 1.5`` of their own kind on average (Bouvard &
Lange); small SSE particles among large active ones percolate at a lower volume fraction,
large ones at a higher — the size-ratio dependence Bielefeld, Weber & Janek (J. Phys.
Chem. C 123 (2019) 1626) simulate.  For equal sizes ``Z_ss = Z̄ x_s`` puts the threshold at
``Z_c/Z̄`` = 21 % of the solids (≈ 0.16–0.17 of the composite: Scher & Zallen).

An active particle is reached when it touches the percolating network: by at least one
SSE contact (Poisson, ``1 − exp(−Z_as m)``, ``m`` the share of those contacts particle
breathing has left) or by a bridge of the Li⁺-carrying liquid at one of its contacts.  The network's
*conductivity* is kept apart from its *connected fraction*: ``σ_eff = σ φ_s^1.5
clip((Z_ss − Z_c)/(Z_full − Z_c))^2`` (Bruggeman above full connection, the conductivity
exponent t ≈ 2 of 3-D percolation below it; Stauffer & Aharony 1994).
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr, ndtri

from lpt.parameters import parameters

# the radius of an active particle when neither the design nor the knowledge base gives one
DEFAULT_PARTICLE_RADIUS_UM = 2.0


def active_particle_radius_um(given_um: np.ndarray, cathode) -> np.ndarray:
    """The design's ``cathode.particle_radius_um``, else the knowledge base's (µm)."""
    return np.where(np.isnan(given_um), cathode.particle_radius_um or DEFAULT_PARTICLE_RADIUS_UM, given_um)


def active_area_cm2_cm2(loading_mg_cm2: np.ndarray, density_g_cm3: float, radius_um: np.ndarray) -> np.ndarray:
    """Active particles' surface per geometric area: spheres, 3 V / r, V = loading / density."""
    return 3.0 * loading_mg_cm2 * 1e-3 / density_g_cm3 / (radius_um * 1e-4)


def wetted_area_share(saturation):
    """Share of the pore surface a wetting liquid covers at a saturation (capillary filling).

    A liquid that wets (θ < 90°) is drawn into the smallest pores first (Young–Laplace:
    the capillary pressure 2γ cos θ / r is largest there), so at a partial saturation it
    fills the pores below a radius r* and covers their walls.  With a log-normal pore-size
    distribution of log-width σ (cylindrical pores: volume ∝ r², wall ∝ r), the filled
    volume is ``s = Φ((ln r* − μ_V)/σ)`` and the covered wall ``Φ((ln r* − μ_V)/σ + σ)``:
    ``a(s) = Φ(Φ⁻¹(s) + σ)`` — more than the volume share, the whole wall at ``s = 1``,
    independent of the median pore size.  The contact angle decides only whether the
    liquid enters at all.
    """
    s = np.clip(np.asarray(saturation, float), 0.0, 1.0)
    sigma = parameters().pore_size_log_width
    with np.errstate(divide="ignore", invalid="ignore"):
        a = ndtr(ndtri(s) + sigma)
    return np.where(s >= 1.0, 1.0, np.where(s <= 0.0, 0.0, a))


def touched_share(saturation):
    """Share of the particles the pore liquid touches at a saturation (pendular bridges).

    A wetting liquid gathers first in the crevices around particle contacts, the
    smallest pores of a packing, as pendular bridges (Scheel et al., Nat. Mater. 7 (2008)
    189; Herminghaus, Adv. Phys. 54 (2005) 221).  A particle has ``Z̄`` such necks; each
    holds liquid with the probability ``a(s)`` that a pore wall is wetted, so the particle
    touches the liquid — and is connected through it where the liquid percolates — with
    ``1 − (1 − a(s))^Z̄``, while only the share ``a(s)`` of its surface is wetted.  One
    bridge connects a particle; the whole wetted surface reacts with the liquid.
    """
    a = wetted_area_share(saturation)
    return 1.0 - (1.0 - a) ** parameters().packing_coordination


def coordination(sse_fraction, active_fraction, sse_radius, active_radius):
    """Mean contacts of an SSE particle with SSE particles (``Z_ss``) and of an active
    particle with SSE particles (``Z_as``) in the composite's random packing."""
    P = parameters()
    z_bar = P.packing_coordination
    phi_s = np.maximum(np.asarray(sse_fraction, float), 0.0)
    phi_a = np.maximum(np.asarray(active_fraction, float), 1e-12)
    r_s, r_a = np.asarray(sse_radius, float), np.asarray(active_radius, float)
    n_s, n_a = phi_s / r_s**3, phi_a / r_a**3
    r_mean = (n_s * r_s + n_a * r_a) / np.maximum(n_s + n_a, 1e-300)
    z_s = z_bar * (1.0 + r_s / r_mean) ** 2 / 4.0
    z_a = z_bar * (1.0 + r_a / r_mean) ** 2 / 4.0
    w_ss, w_sa = n_s * (2.0 * r_s) ** 2, n_a * (r_s + r_a) ** 2
    w_as, w_aa = n_s * (r_a + r_s) ** 2, n_a * (2.0 * r_a) ** 2
    z_ss = z_s * w_ss / np.maximum(w_ss + w_sa, 1e-300)
    z_as = z_a * w_as / np.maximum(w_as + w_aa, 1e-300)
    return z_ss, z_as


def connected_share(z_ss):
    """Share of the SSE particles in the percolating cluster: 0 below ``Z_c``, rising with
    the 3-D order-parameter exponent β = 0.41 to 1 at ``Z_full``."""
    P = parameters()
    frac = np.clip((z_ss - P.percolation_coordination) / (P.full_connection_coordination - P.percolation_coordination),
                   0.0, 1.0)
    return frac ** P.percolation_exponent


def volume_percolation(phi):
    """Connected share of a continuum phase of volume fraction ``phi`` (the pore liquid;
    Scher & Zallen threshold, full connection after Bielefeld et al. 2019)."""
    P = parameters()
    frac = np.clip((phi - P.percolation_threshold) / (P.full_connection_fraction - P.percolation_threshold), 0.0, 1.0)
    return frac ** P.percolation_exponent


def liquid_percolation(saturation):
    """Connected share of a wetting pore liquid at a saturation ``s`` of the pore space.

    The pore space of a particle packing percolates on its own (down to a few per cent
    porosity); the wetting liquid lines it from the smallest pores outwards, so its
    connectivity is a continuum percolation *within the pore space*: the same threshold
    and saturation as :func:`volume_percolation`, applied to ``s``.  The threshold, 0.16
    of the pore volume, is the residual (irreducible) saturation below which a wetting
    phase in granular media stops being continuous, 0.1–0.2 (Brooks & Corey, Hydrology
    Paper 3, Colorado State Univ. 1964; Hunt, Percolation Theory for Flow in Porous Media,
    Springer 2005, ch. 6: the conductivity of the wetting phase vanishes at a critical
    moisture content).
    """
    return volume_percolation(saturation)


def network_conductivity_S_cm(sigma_S_cm, sse_fraction, z_ss):
    """Effective ionic conductivity of the composite's SSE network (S cm⁻¹)."""
    P = parameters()
    frac = np.clip((z_ss - P.percolation_coordination) / (P.full_connection_coordination - P.percolation_coordination),
                   0.0, 1.0)
    return sigma_S_cm * np.power(np.maximum(sse_fraction, 0.0), 1.5) * frac ** P.conductivity_exponent


def reached_fraction(*, sse_fraction, active_fraction, sse_radius, active_radius, contact_retention,
                     liquid_fraction, saturation, touched_share):
    """Fraction of the active particles connected to the separator through the ionic
    network (SSE ‖ Li⁺-carrying liquid), before the first layer is added.

    ``liquid_fraction`` is the volume fraction of Li⁺-carrying liquid in the composite and
    ``touched_share`` the share of the particles it touches (:func:`touched_share`; 0 for
    none or a neat ionic liquid).  The liquid bridges the SSE particles it touches, so the
    joint network percolates on their summed volume.  ``saturation`` is the share of the
    pore volume the liquid fills: the pore space of a packing is itself connected, and a
    wetting liquid in it percolates once it fills the critical share of that space
    (:func:`liquid_percolation`), whatever the composite's porosity.
    """
    z_ss, z_as = coordination(sse_fraction, active_fraction, sse_radius, active_radius)
    p_sse = connected_share(z_ss)
    p_joint = np.where(touched_share > 0, np.maximum(liquid_percolation(saturation),
                       volume_percolation(liquid_fraction + sse_fraction * touched_share)), 0.0)
    p_ion = np.maximum(p_sse, p_joint)
    untouched = np.exp(-z_as * contact_retention) * (1.0 - touched_share)
    return p_ion * (1.0 - untouched)
