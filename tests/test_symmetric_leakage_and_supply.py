"""The SSE's electronic conductivity in the dendrite criterion (Han et al. 2019), the
vacancy-diffusion supply of Li to its contact spots, and which criterion sets the CCD:
physical facts."""

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


def test_the_vacancy_supply_is_the_lis_own_whatever_the_sse_grain_size():
    # the vacancies left at the contacts are annihilated at sinks inside the Li (its grain
    # boundaries, hundreds of um apart); the spreading from spots of 0.5 or 30 um spacing is a
    # small series term, so the measured supply (Krauskopf 2019, 0.1 mA cm-2 at 25 °C without
    # pressure) holds on fine and coarse SSE grains alike, and creep adds nothing at 0 MPa
    T = np.array([298.15])
    supply, creep = li_supply_mA_cm2(0.0, T)
    assert supply == pytest.approx(parameters().void_limit_current_mA_cm2) and creep == 0.0
    fine, coarse = ccd([sym(sse="LLZO", p=0.0, fab=10.0, grain_size_um=0.5),
                        sym(sse="LLZO", p=0.0, fab=10.0, grain_size_um=30.0)], step=0.1, q=0.1)
    assert fine == coarse


def test_the_ccd_rises_with_fracture_toughness_while_the_crack_criterion_binds():
    # Porz et al. 2017: eta_c ∝ K_IC. Li6PS5Cl at 15 MPa: below the void-limited current
    # the cell shorts, and a tougher pellet shorts at a higher current; once the Li supply
    # (vacancy diffusion + creep) is the lower limit, more toughness no longer helps — the
    # CCD is the lower of the two criteria, the same for every tougher pellet
    kic = [0.1, 0.15, 0.23, 0.46, 0.7]
    out = critical_current_density([sym(sse="LPSCl", p=15.0, thickness_um=1500.0, fracture_toughness_MPa_m05=k)
                                    for k in kic], step_mA_cm2=0.25, capacity_mAh_cm2=0.5)
    c, why = out["ccd_mA_cm2"], list(out["end_reason"])
    assert why[:3] == ["short_circuit"] * 3 and np.all(np.diff(c[:3]) > 0)
    assert why[3:] == ["contact_lost"] * 2 and c[3] == c[4] >= c[2]


def test_electronic_leakage_cannot_move_a_ccd_that_the_voids_set():
    # without stack pressure the garnet's contact is lost by voids long before its 38 mV
    # flaw threshold is reached; eq. 15 only lowers that threshold, so even a mixed-conducting
    # 1e-5 S/cm pellet loses its contact at the same current as an ionic one
    d = sym(sse="LLZO", p=0.0, fab=10.0)
    out = critical_current_density([with_sigma_e(d, 0.0), with_sigma_e(d, 1e-5)], step_mA_cm2=0.1,
                                   capacity_mAh_cm2=0.1)
    assert list(out["end_reason"]) == ["contact_lost"] * 2
    assert out["ccd_mA_cm2"][0] == out["ccd_mA_cm2"][1]
