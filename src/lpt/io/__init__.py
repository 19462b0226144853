"""Read instrument files: impedance spectra and the raw tables behind them.

``read_biologic_table(path)`` gives the raw column table of a BioLogic .mpt/.mpr
file (EC-Lab's column names, units included) for the cycling readers.
"""

from lpt.io.formats.biologic import read_biologic_table
from lpt.io.spectrum import MIN_POINTS, Spectrum

__all__ = ["MIN_POINTS", "Spectrum", "read_biologic_table"]
