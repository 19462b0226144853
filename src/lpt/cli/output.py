"""What the CLI prints: one JSON document on stdout, rich tables, one-sentence errors.

Every command prints through these few functions so that the promises of docs/cli.md
hold in one place: ``--json`` writes exactly one JSON document on stdout (NaN and
infinity become ``null``), progress and messages go to stderr, and a failure is one
line ``error: <sentence>`` on stderr.
"""

from __future__ import annotations

import json
import math
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any


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


def console():
    """A rich console on stdout, for the tables a command prints without ``--json``."""
    from rich.console import Console

    return Console()


def err_console():
    """A rich console on stderr: progress bars and notes that must not mix with JSON.
    A note stays one line however long its path (no wrapping at the terminal width)."""
    from rich.console import Console

    return Console(stderr=True, soft_wrap=True)


def print_error(sentence: str) -> None:
    """The one line a failing command leaves on stderr."""
    text = " ".join(str(sentence).split())  # a message from below may carry newlines
    sys.stderr.write(f"error: {text}\n")
    sys.stderr.flush()


def warn_implausible(design, **inputs) -> None:
    """The plausibility checks of ``design`` (:func:`lpt.plausibility.check`, with the
    command's temperature and protocol), each as a warning that the edge prints as one
    ``warning: ...`` line on stderr after the command succeeds."""
    import warnings

    from lpt.plausibility import PlausibilityWarning, check

    for sentence in check(design, **inputs):
        warnings.warn(sentence, PlausibilityWarning, stacklevel=2)


def esc(text: object) -> str:
    """``text`` made safe to print through rich: a design named "LATP [/] LFP" or a
    file "[bold].csv" is shown as written, not read as markup."""
    from rich.markup import escape

    return escape(str(text))


def check_output_file(out: Path, *, inputs: Iterable[Path] = (), suffixes: tuple[str, ...],
                      ours: Callable[[Path], bool], force: bool, option: str = "--out",
                      what: str = "file") -> None:
    """Refuse an output path that would lose someone's data, before any work is done.

    ``out`` must not be a folder, must end in one of ``suffixes``, must not be one of
    the command's ``inputs``, and may replace an existing file only if ``ours(out)``
    says lpt wrote it, or with ``--force``.
    """
    from lpt.errors import LptError

    if out.is_dir():
        raise LptError(f"{out}: is a folder; {option} needs a file name ending in {suffixes[0]}.")
    if out.exists() and not out.is_file():  # a pipe or a device: opening it to look inside would block
        raise LptError(f"{out}: is not a regular file (a pipe or a device); {option} needs a file name.")
    if out.exists():
        for given in inputs:
            if given.exists() and os.path.samefile(given, out):
                raise LptError(f"{out}: is also an input of this command; choose another {option}.")
    if out.suffix.lower() not in suffixes:
        raise LptError(f"{out}: {option} must end in {' or '.join(suffixes)} (the {what} is written in "
                       f"that format).")
    if out.exists():
        if not force and not ours(out):
            raise LptError(f"{out}: exists and was not written by lpt; choose another {option} "
                           f"or pass --force to replace it.")
