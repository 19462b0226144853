"""Read instrument files: impedance spectra, cycling tables and the raw tables behind them.

``read_cycling(path)`` returns one cycling table (a pandas DataFrame with Battery
Data Format column names, see :mod:`lpt.io.cycling` and :mod:`lpt.io.bdf`) from any
supported cycler file. ``read_biologic_table(path)`` gives the raw column table of a
BioLogic .mpt/.mpr file (EC-Lab's column names, units included) for the readers.
"""

from lpt.io.cycling import read_cycling
from lpt.io.formats.biologic import read_biologic_table
from lpt.io.spectrum import MIN_POINTS, Spectrum

__all__ = ["MIN_POINTS", "Spectrum", "read_biologic_table", "read_cycling"]
