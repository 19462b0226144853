"""The ``lpt`` command line (``lpt.cli:main`` is the console script).

Only this package parses arguments, prints and talks to the terminal; the library
never imports it.
"""

from lpt.cli.main import app, main

__all__ = ["app", "main"]
