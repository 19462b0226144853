"""One module per instrument format; :mod:`lpt.io.detect` holds the registry."""
