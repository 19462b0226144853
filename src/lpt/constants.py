"""Physical constants used across lpt (CODATA 2018 exact values), stated once."""

F_C_MOL = 96485.33212        # Faraday constant, C mol⁻¹
R_J_MOLK = 8.314462618       # gas constant, J mol⁻¹ K⁻¹
K_B_EV = 8.617333262e-5      # Boltzmann constant, eV K⁻¹
