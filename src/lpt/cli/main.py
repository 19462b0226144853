"""The ``lpt`` command line: a thin shell over the API.

Every command lives in its own module of this package (``screen``, ``asr``,
``simulate``, ``eis``, ``sweep``, ``report``, ``validate``, ``demo``, ``materials``);
this module wires them into one app and turns :class:`lpt.errors.LptError` (and any
other failure on user input) into one sentence on stderr and a non-zero exit, never a
traceback. The command modules keep their heavy imports inside the command functions,
so ``lpt --help`` stays fast.
"""

from __future__ import annotations

import sys

import typer

from lpt.cli import asr, calibrate, demo, eis, materials, report, screen, simulate, sweep, validate
from lpt.cli.output import print_error
from lpt.errors import LptError

app = typer.Typer(
    name="lpt",
    help="Liquid phase therapy for solid-state Li-metal batteries.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

app.add_typer(materials.app, name="materials", help="The cited knowledge base.")
app.command("screen")(screen.screen)
app.command("asr")(asr.asr)
app.command("simulate")(simulate.simulate)
app.add_typer(sweep.app, name="sweep")
app.command("report")(report.report)
app.command("validate")(validate.validate)
app.command("demo")(demo.demo)
app.add_typer(eis.app, name="eis", help="Impedance: simulate, validate, fit, DRT, Arrhenius.")
app.add_typer(calibrate.parameters_app, name="parameters")
app.command("calibrate")(calibrate.calibrate)


def main() -> None:
    """Console entry point."""
    try:
        app(standalone_mode=False)
    except LptError as exc:
        print_error(str(exc))
        sys.exit(2)
    except (typer.Abort, KeyboardInterrupt):
        print_error("interrupted.")
        sys.exit(130)
    except SystemExit:
        raise
    except OSError as exc:  # a path the user gave cannot be read or written
        where = exc.filename or "a file"
        print_error(f"{where}: {exc.strerror or exc}.")
        sys.exit(2)
    except Exception as exc:  # usage errors (click, possibly typer's own copy) and the unforeseen
        if hasattr(exc, "format_message") and hasattr(exc, "exit_code"):
            print_error(f"{exc.format_message()} (see `lpt --help`)")
            sys.exit(exc.exit_code or 2)
        print_error(f"{type(exc).__name__}: {exc}")
        sys.exit(1)
