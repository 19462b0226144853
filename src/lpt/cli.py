"""The ``lpt`` command line: a thin shell over the API.

Each box of the architecture contributes its commands from its own ``cli`` module
(a ``typer.Typer`` named ``app`` or plain command functions); this file only wires
them together and turns :class:`lpt.errors.LptError` (and any other failure on
user input) into one sentence on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import json
import math
import sys
from typing import Any

import typer

from lpt.errors import LptError

app = typer.Typer(
    name="lpt",
    help="Liquid phase therapy for solid-state Li-metal batteries.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _clean(obj: Any) -> Any:
    """JSON-safe copy: NaN/inf become null, NumPy scalars become Python numbers."""
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if hasattr(obj, "tolist") and not isinstance(obj, (str, bytes)):
        return _clean(obj.tolist())
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def print_json(obj: Any) -> None:
    """The one JSON document a ``--json`` command prints on stdout."""
    sys.stdout.write(json.dumps(_clean(obj), indent=2) + "\n")


def _register() -> None:
    # Imported here so that `lpt --help` lists every command; each module keeps
    # its heavy imports inside the command functions.
    from lpt.materials.cli import app as materials_app
    from lpt import commands

    app.add_typer(materials_app, name="materials", help="The cited knowledge base.")
    from lpt.cycling.cli import register as register_cycling
    from lpt.impedance.cli import app as eis_app
    from lpt.interface.cli import register as register_interface
    from lpt.report_cli import register as register_report
    from lpt.sweep_cli import register as register_sweep

    commands.register(app)
    register_interface(app)
    register_cycling(app)
    register_sweep(app)
    register_report(app)  # report, validate, demo, and `eis simulate`
    app.add_typer(eis_app, name="eis", help="Impedance: simulate, validate, fit, DRT, Arrhenius.")


def main() -> None:
    """Console entry point."""
    try:
        _register()
        app(standalone_mode=False)
    except LptError as exc:
        sys.stderr.write(f"error: {exc}\n")
        sys.exit(2)
    except (typer.Abort, KeyboardInterrupt):
        sys.stderr.write("error: interrupted.\n")
        sys.exit(130)
    except SystemExit:
        raise
    except OSError as exc:  # a path the user gave cannot be read or written
        where = exc.filename or "a file"
        sys.stderr.write(f"error: {where}: {exc.strerror or exc}.\n")
        sys.exit(2)
    except Exception as exc:  # usage errors (click, possibly typer's own copy) and the unforeseen
        if hasattr(exc, "format_message") and hasattr(exc, "exit_code"):
            sys.stderr.write(f"error: {exc.format_message()} (see `lpt --help`)\n")
            sys.exit(exc.exit_code or 2)
        sys.stderr.write(f"error: {type(exc).__name__}: {exc}\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
