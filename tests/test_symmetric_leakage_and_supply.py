"""The SSE's electronic conductivity in the dendrite criterion (Han et al. 2019) and the
3-D vacancy-diffusion supply ∝ D/a of Li's contact spots: physical facts."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from lpt.interface.mechanisms.li_metal import (
    critical_overpotential_V, internal_li_extension_cm, li_supply_mA_cm2,
)
from lpt.materials import get as material
from lpt.parameters import parameters
from lpt.symmetric import critical_current_density

from test_symmetric import sym


def ccd(designs, step=0.25, q=0.5):
    return critical_current_density(designs, step_mA_cm2=step, capacity_mAh_cm2=q)["ccd_mA_cm2"]


def with_sigma_e(design, sigma_S_cm):
    return replace(design, electrolyte=replace(design.electrolyte, electronic_conductivity_S_cm=sigma_S_cm))


def test_a_more_electronically_conducting_sse_has_a_lower_ccd():
    # Han et al. 2019: electrons leaking into the SSE deposit Li inside it; across five
    # decades of sigma_e the CCD never rises, and an SSE near a mixed conductor (1e-2 S/cm)
    # shorts at a lower current than an ionic one.
    d = sym(sse="LPSCl", p=15.0, thickness_um=1500.0)
    sigmas = [0.0, 1e-8, 1e-5, 1e-4, 1e-3, 1e-2]
    c = ccd([with_sigma_e(d, s) for s in sigmas])
    assert np.all(np.diff(c) <= 1e-12)
    assert c[-1] <= c[0] - 0.25            # at least one ramp step lower


def test_sigma_e_to_zero_recovers_the_ionic_criterion():
    d = sym(sse="LLZO", p=2.0)
    ionic, tiny = ccd([with_sigma_e(d, 0.0), with_sigma_e(d, 1e-15)], step=0.1)
    assert ionic == tiny
    assert internal_li_extension_cm(0.0, 0.05, 5e-4, 100.0) == 0.0
    # no extension: Porz's threshold is unchanged
    assert critical_overpotential_V(1.25, 5e-4 + internal_li_extension_cm(0.0, 0.05, 5e-4, 10.0)) == \
        critical_overpotential_V(1.25, 5e-4)


def test_internal_li_grows_as_sigma_eta_t_over_c_and_conserves_charge():
    # the Li volume per area deposited ahead of the flaw is the electronic charge × V_m/F
    s, eta, c, t = 1e-4, 0.01, 5e-4, 2.0
    dc = internal_li_extension_cm(s, eta, c, t)
    charge_C_cm2 = s * eta / c * t * 3600.0
    assert dc == pytest.approx(charge_C_cm2 * parameters().li_molar_volume_cm3_mol / 96485.33212, rel=1e-9)
    assert internal_li_extension_cm(2 * s, eta, c, t) == pytest.approx(2 * dc)
    assert internal_li_extension_cm(s, eta, 2 * c, t) == pytest.approx(dc / 2)


def test_every_sse_carries_a_sourced_electronic_conductivity_and_lipon_is_the_best_insulator():
    ids = ["LGPS", "LSPS", "LPS", "LPSCl", "LLZO", "LLZTO", "Ga-LLZO", "Al-LLZO", "LATP", "LAGP", "LLTO", "LiPON",
           "PEO-LiTFSI", "PEO-LLZTO"]
    vals = {}
    for i in ids:
        m = material(i)
        assert m.electronic_conductivity_S_cm is not None and m.electronic_conductivity_S_cm >= 0
        assert "Han" in m.sources["electronic_conductivity_S_cm"]
        vals[i] = m.electronic_conductivity_S_cm
    # Han et al. 2019: LiPON conducts electrons orders of magnitude less than LLZO and Li3PS4
    assert vals["LiPON"] < 1e-3 * min(vals["LLZO"], vals["LPS"])


def test_finer_contact_spots_are_refilled_faster_by_vacancy_diffusion():
    # a disk sink of radius a in a half-space takes 4 D dc a; with phi / (pi a^2) spots per
    # area the supply per area is ∝ 1/a: halving the spacing (a) doubles it, creep is unchanged
    T = np.array([298.15])
    s_ref = parameters().li_contact_spot_spacing_um * 1e-4
    (d1, cr1), (d2, cr2) = li_supply_mA_cm2(0.0, T, s_ref), li_supply_mA_cm2(0.0, T, s_ref / 2)
    assert d2 == pytest.approx(2 * d1) and cr1 == cr2 == 0.0
    base, _ = li_supply_mA_cm2(0.0, T)
    assert d1 == pytest.approx(base)        # the reference spacing is the measured supply


def test_without_stack_pressure_finer_grains_raise_the_ccd():
    # Singh et al. 2022 (0.9 vs 0.4 mA cm-2 for <0.5 um vs 20-40 um grains of Li6PS5Cl):
    # the ordering, not the values, is the fact tested here
    coarse, fine = ccd([sym(p=0.0, fab=265.0, grain_size_um=30.0), sym(p=0.0, fab=265.0, grain_size_um=2.0)],
                       step=0.1, q=0.3)
    assert fine >= coarse + 0.1
