"""Reading TOML input and writing output files, each done one way for all of lpt.

:func:`atomic_file` / :func:`write_text_atomic` write to a temporary file in the
target's folder, flush and fsync it, ``os.replace`` it onto the target (atomic on
POSIX) and fsync the folder: a crash or an interrupt at any point leaves the old file
or the new one, never half of one. The temporary name starts with a dot and ends in
``.tmp`` so that a later run can recognise and delete what an interrupted one left.

:func:`read_toml` reads a TOML input file; every way it can fail (missing, a folder,
empty, binary, not UTF-8, not TOML) is one :class:`~lpt.errors.LptError` sentence
naming the file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from lpt.errors import LptError, with_article


def fsync_dir(folder: Path) -> None:
    """Make a rename inside ``folder`` durable (its directory entry reaches the disk)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_file(path: str | Path, *, binary: bool = False, what: str = "file") -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path``; on a clean exit it replaces ``path``.

    ``what`` names the file in the error raised when its folder cannot be written
    (e.g. "report"). On any exception the temporary file is removed and ``path`` is
    left as it was.
    """
    path = Path(path)
    if path.is_dir():
        raise LptError(f"{path}: is a folder; the {what} needs a file name.")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise LptError(f"{path}: cannot write the {what} there ({exc.strerror or exc}).") from None
    try:
        with os.fdopen(fd, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8"})) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp creates 0600; outputs are for sharing, so honour the user's umask
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


def write_text_atomic(path: str | Path, text: str, *, what: str = "file") -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically; returns ``path``."""
    with atomic_file(path, what=what) as fh:
        fh.write(text)
    return Path(path)


def read_toml(path: str | Path, what: str = "design", empty_hint: str = "") -> dict[str, Any]:
    """The table of the TOML file ``path``, or one :class:`LptError` sentence.

    ``what`` names the kind of file in the messages ("design", "sweep", ...);
    ``empty_hint`` is appended to the message for an empty file (e.g. the keys a
    design needs). A UTF-8 byte-order mark, as some Windows editors write, is allowed.
    """
    path = Path(path)
    if not path.exists():
        raise LptError(f"{path}: no such {what} file.")
    if path.is_dir():
        raise LptError(f"{path}: is a folder, {with_article(what)} TOML file is needed.")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LptError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    if not data.strip():
        raise LptError(f"{path}: the file is empty{'; ' + empty_hint if empty_hint else ''}.")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise LptError(f"{path}: is UTF-16 text; save it as UTF-8, {with_article(what)} TOML file is needed.")
    if b"\x00" in data:
        raise LptError(f"{path}: is a binary file, not {with_article(what)} TOML file.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LptError(f"{path}: is not UTF-8 text, {with_article(what)} TOML file is needed.") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LptError(f"{path}: is not valid TOML ({exc}).") from None
