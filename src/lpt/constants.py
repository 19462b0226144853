"""Physical constants, unit conversions and the one Arrhenius law of lpt, stated once.

CODATA 2018 exact or recommended values. Every temperature-dependent conductance or
rate constant in lpt is referred to ``REFERENCE_TEMPERATURE_K`` (25 °C), the
temperature at which the knowledge base states its values.
"""

from __future__ import annotations

import numpy as np

F_C_MOL = 96485.33212            # Faraday constant, C mol⁻¹
R_J_MOLK = 8.314462618           # gas constant, J mol⁻¹ K⁻¹
K_B_EV = 8.617333262e-5          # Boltzmann constant, eV K⁻¹
EPSILON_0_F_CM = 8.8541878128e-14  # vacuum permittivity, F cm⁻¹
ZERO_CELSIUS_K = 273.15          # 0 °C in kelvin
LI_MOLAR_MASS_G_MOL = 6.941      # Li, standard atomic weight (IUPAC)

SECONDS_PER_HOUR = 3600.0
C_PER_MAH = 3.6                  # 1 mAh = 3.6 C (so 1 mAh g⁻¹ = 3.6 C g⁻¹)
# 1 mAh cm⁻² = 3.6 C cm⁻² = 3.6e4 C m⁻²
C_M2_PER_MAH_CM2 = 3.6e4
A_M2_PER_MA_CM2 = 10.0           # 1 mA cm⁻² = 10 A m⁻²
M2_PER_CM2 = 1e-4                # also Ω cm² → Ω m², cm² s⁻¹ → m² s⁻¹
CM_PER_UM = 1e-4                 # 1 µm = 1e-4 cm

REFERENCE_TEMPERATURE_K = 25.0 + ZERO_CELSIUS_K


def arrhenius(activation_energy_eV, temperature_K, reference_K: float = REFERENCE_TEMPERATURE_K):
    """Conductance or rate factor exp(−Ea/k_B (1/T − 1/T_ref)), 1 at the reference temperature."""
    return np.exp(np.multiply(activation_energy_eV,
                              -(1.0 / np.asarray(temperature_K, float) - 1.0 / reference_K) / K_B_EV))
