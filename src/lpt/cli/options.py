"""Options several commands share."""

from __future__ import annotations

from pathlib import Path

import typer

PARAMETERS_HELP = ("Parameter file (TOML, dotted parameter names = values, e.g. written by `lpt calibrate`): "
                   "its values replace the shipped ones in every model this command runs.")


def parameters_option():
    return typer.Option(None, "--parameters", help=PARAMETERS_HELP)


def use_parameters(path: Path | None) -> None:
    """Put the values of a parameter file in force for the rest of the command."""
    if path is None:
        return
    from lpt import overrides
    from lpt.calibrate.names import read_parameter_file

    overrides.set_overrides(read_parameter_file(path))
