"""lpt — liquid phase therapy for solid-state Li-metal batteries.

Screen a cell design, predict its interfaces' area-specific resistance with and
without a little liquid, simulate cycling and life, analyse impedance spectra and
sweep thousands of designs.  See docs/model.md for the physics.
"""

__version__ = "0.1.0"

from lpt.errors import LptError  # noqa: E402

__all__ = ["LptError", "__version__"]
