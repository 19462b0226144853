"""Impedance analysis: read, validate (Kramers–Kronig), fit equivalent circuits,
DRT and Arrhenius analysis of measured spectra; ``model`` turns a design into the
stack's equivalent circuit.

The modules are small and independent; import what you need::

    from lpt.impedance.io import read
    from lpt.impedance.circuit import Circuit
    spectrum = read("cell.mpt")
    fitted = Circuit("R0-p(R1,CPE1)-W1").fit(spectrum.frequency_Hz, spectrum.z)
"""

from lpt.impedance.circuit import Circuit
from lpt.impedance.elements import ELEMENTS
from lpt.impedance.io import Spectrum, read, read_all, read_many

__all__ = ["Circuit", "ELEMENTS", "Spectrum", "read", "read_all", "read_many"]
