"""The ``lpt`` command line: a thin shell over the API.

Every command lives in its own module of this package (``screen``, ``asr``,
``simulate``, ``eis``, ``data``, ``calibrate``, ``sweep``, ``report``, ``validate``, ``demo``, ``materials``);
this module wires them into one app and is the edge where failures become one
sentence (docs/reliability.md):

- :class:`lpt.errors.LptError` (bad input) → its sentence on stderr, exit 2;
- Ctrl-C / SIGINT → exit 130, SIGTERM → exit 143, with one sentence; both are raised
  as :class:`Interrupted` so that every ``finally`` (temporary files, locks, worker
  clusters) runs on the way out;
- any other exception → one sentence naming the command and its input, exit 1, no
  traceback;
- warnings are collected while the command runs and printed on stderr, one line
  each, only if it succeeds (stdout carries nothing but the command's output);
- every float option refuses NaN and infinity before a command sees them;
- a usage error (unknown option, bad value) is one sentence too, exit 2.

The command modules keep their heavy imports inside the command functions, so
``lpt --help`` stays fast.
"""

from __future__ import annotations

import math
import signal
import sys
import threading
import warnings
from collections.abc import Sequence

import typer

from lpt.cli import asr, calibrate, ccd, data, demo, eis, materials, report, screen, simulate, sweep, validate
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
app.command("ccd")(ccd.ccd)
app.add_typer(sweep.app, name="sweep")
app.command("report")(report.report)
app.command("validate")(validate.validate)
app.command("demo")(demo.demo)
app.add_typer(eis.app, name="eis", help="Impedance: simulate, validate, fit, DRT, Arrhenius.")
app.add_typer(data.app, name="data", help="Measured cycling data: summarize, convert to BDF, plot.")
app.add_typer(calibrate.parameters_app, name="parameters")
app.command("calibrate")(calibrate.calibrate)

EXIT_BAD_INPUT = 2
EXIT_BUG = 1


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived. A BaseException (like KeyboardInterrupt) so that no
    ``except Exception`` on the way up swallows it, while ``finally`` blocks run."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _raise_interrupted(signum, frame) -> None:
    raise Interrupted(signum)


def _finite_only(callback):
    """A parameter callback that refuses NaN and infinity (click and typer parse
    "nan" and "inf" as floats), then runs the parameter's own ``callback``."""

    def check(ctx, param, value):
        numbers = value if isinstance(value, (list, tuple)) else [value]
        for number in numbers:
            if isinstance(number, float) and not math.isfinite(number):
                raise typer.BadParameter(f"{number} is not a finite number.", ctx=ctx, param=param)
        return callback(ctx, param, value) if callback is not None else value

    return check


def _refuse_non_finite(command) -> None:
    for param in command.params:
        param.callback = _finite_only(param.callback)
    for sub in getattr(command, "commands", {}).values():
        _refuse_non_finite(sub)


def cli_command():
    """The click command tree of ``lpt`` (what ``lpt --help`` lists), with the guards."""
    command = typer.main.get_command(app)
    _refuse_non_finite(command)
    return command


def _invocation(command, argv: Sequence[str]) -> tuple[str, str | None]:
    """('lpt eis fit', 'cell.csv'): the command path in ``argv`` and its first input."""
    path = ["lpt"]
    rest = list(argv)
    while rest and rest[0] in getattr(command, "commands", {}):
        command = command.commands[rest[0]]
        path.append(rest.pop(0))
    given = next((a for a in rest if not a.startswith("-")), None)
    return " ".join(path), given


def _run(command, argv: list[str]) -> int:
    """Run ``lpt ARGV``; warnings held back until it succeeds."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        rc = command.main(argv, prog_name="lpt", standalone_mode=False)
    seen = set()
    for w in caught:
        text = " ".join(str(w.message).split())
        # lpt's own sentences (plausibility) as written; a library's warning with its category
        line = f"warning: {text}" if getattr(w.category, "shown_as_sentence", False) else \
            f"warning: {w.category.__name__}: {text}"
        if line not in seen:
            seen.add(line)
            sys.stderr.write(line + "\n")
    # typer returns the code of an explicit Exit (0 for --help); commands return None
    return rc if isinstance(rc, int) else 0


# Options that take several values after one flag, as docs/cli.md writes them
# (``--fit A B``): click takes one value per flag, so they are spread out first
# (``--fit A --fit B``). Values run to the next token that starts with "--".
MULTI_VALUE_OPTIONS = {"calibrate": ("--fit", "--eis", "--temperatures-c", "--cycling", "--profile"),
                       "ccd": ("--pressure-mpa", "--temperature-c"),
                       "arrhenius": ("--temperatures-c",)}     # lpt eis arrhenius: -20 -10 0 are values


def spread_multi_value_options(argv: Sequence[str]) -> list[str]:
    """``lpt calibrate D --fit A B`` → ``lpt calibrate D --fit A --fit B``."""
    options = next((MULTI_VALUE_OPTIONS[a] for a in argv if a in MULTI_VALUE_OPTIONS), ())
    out: list[str] = []
    current = None
    for arg in argv:
        if arg.startswith("--"):
            current = arg if arg in options else None
            out.append(arg)
        elif current is not None and out[-1] != current:
            out += [current, arg]
        else:
            out.append(arg)
    return out


def main(argv: Sequence[str] | None = None) -> None:
    """Console entry point: ``lpt ARGV`` (default ``sys.argv[1:]``); always exits."""
    argv = spread_multi_value_options(list(sys.argv[1:] if argv is None else argv))
    command = cli_command()
    name, given = _invocation(command, argv)
    previous = {}
    if threading.current_thread() is threading.main_thread():  # signals reach the main thread only
        previous = {s: signal.signal(s, _raise_interrupted) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        code = _run(command, argv)
        if code == 128 + signal.SIGINT:  # typer's answer to a KeyboardInterrupt it caught itself
            print_error(f"`{name}` interrupted.")
    except Interrupted as exc:
        what = signal.Signals(exc.signum).name
        print_error(f"`{name}` interrupted by {what}.")
        code = 128 + exc.signum
    except KeyboardInterrupt:  # raised before our handler was in place, or by a library
        print_error(f"`{name}` interrupted.")
        code = 128 + signal.SIGINT
    except LptError as exc:
        print_error(str(exc))
        code = EXIT_BAD_INPUT
    except OSError as exc:  # a path the user gave cannot be read or written
        where = exc.filename or given or "a file"
        print_error(f"`{name}`: {where}: {exc.strerror or exc}.")
        code = EXIT_BAD_INPUT
    except Exception as exc:
        if hasattr(exc, "format_message") and hasattr(exc, "exit_code"):
            # click's usage errors (typer may carry its own copy of click, so by shape):
            # an unknown option, a bad value, a missing argument
            print_error(f"{exc.format_message()} (see `{name} --help`)")
            code = exc.exit_code or EXIT_BAD_INPUT
        else:  # a bug: say where, not how
            print_error(f"`{name}`{f' on {given}' if given else ''} failed unexpectedly "
                        f"({type(exc).__name__}: {exc}); this is a bug in lpt, please report it with the input.")
            code = EXIT_BUG
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    sys.stdout.flush()
    sys.exit(code)
