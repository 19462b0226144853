"""``python -m lpt.cli ...`` is ``lpt ...``."""

from lpt.cli.main import main

main()
