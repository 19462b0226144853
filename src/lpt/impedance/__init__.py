"""Impedance analysis (spectra are read by :mod:`lpt.io`): validate (Kramers–Kronig), fit equivalent circuits,
DRT and Arrhenius analysis of measured spectra; ``model`` turns a design into the
stack's equivalent circuit.

The modules are small and independent; import what you need::

    from lpt.io import read_spectrum
    from lpt.impedance.circuit import Circuit
    spectrum = read_spectrum("cell.mpt")
    fitted = Circuit("R0-p(R1,CPE1)-W1").fit(spectrum.frequency_Hz, spectrum.z)
"""

from lpt.impedance.circuit import Circuit
from lpt.impedance.elements import ELEMENTS
from lpt.io import Spectrum, read_folder, read_spectra, read_spectrum

__all__ = ["Circuit", "ELEMENTS", "Spectrum", "read_folder", "read_spectra", "read_spectrum"]
