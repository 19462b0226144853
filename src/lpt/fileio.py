"""Reading TOML input and writing output files, each done one way for all of lpt.

:func:`atomic_file` / :func:`write_text_atomic` write to a temporary file in the
target's folder, flush and fsync it, ``os.replace`` it onto the target (atomic on
POSIX) and fsync the folder: a crash or an interrupt at any point leaves the old file
or the new one, never half of one. The temporary name starts with a dot and ends in
``.tmp`` so that a later run can recognise and delete what an interrupted one left.

:func:`read_toml` reads a TOML input file; every way it can fail (missing, a folder,
empty, binary, not UTF-8, not TOML) is one :class:`~lpt.errors.LptError` sentence
naming the file.

:func:`check_input_file` / :func:`read_input_bytes` stand before every reader of a
user's file (designs, sweeps, parameter files, spectra, cycler files): only a regular
file is read, and only up to a size limit per kind. A named pipe (FIFO) would block the
reader until someone writes to it, ``/dev/zero`` would be read until memory runs out;
both are refused by the file's type before it is opened (docs/reliability.md).
"""

from __future__ import annotations

import contextlib
import os
import stat
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


MIB = 2**20
# The largest file lpt reads, per kind: far above any real file of the kind, far below
# what would exhaust a laptop's memory (docs/reliability.md).
MAX_TOML_BYTES = 16 * MIB          # designs, sweeps, parameter files: a few kB
MAX_SPECTRUM_BYTES = 256 * MIB     # impedance files: kB to a few MB
MAX_CYCLING_BYTES = 2048 * MIB     # cycler exports of year-long tests: up to a few hundred MB

_NOT_REGULAR = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
                (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def check_input_file(path: str | Path, what: str, max_bytes: int) -> Path:
    """``path`` if it is a regular file of at most ``max_bytes``; else one
    :class:`LptError` sentence (missing, a folder, a pipe or device, too large).

    ``what`` names the kind of file in the messages ("design", "spectrum", ...). The
    file's type is read with ``stat``, which never blocks, before anything opens it.
    """
    path = Path(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise LptError(f"{path}: no such {what} file.") from None
    except OSError as exc:
        raise LptError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    if stat.S_ISDIR(st.st_mode):
        raise LptError(f"{path}: is a folder, {with_article(what)} file is needed.")
    if not stat.S_ISREG(st.st_mode):
        kind = next((name for test, name in _NOT_REGULAR if test(st.st_mode)), "not a regular file")
        raise LptError(f"{path}: is {kind}, not a file; lpt reads {with_article(what)} file only from a regular "
                       f"file (save the data to a file first).")
    if st.st_size > max_bytes:
        raise LptError(f"{path}: is {st.st_size / MIB:,.0f} MiB, above the {max_bytes / MIB:,.0f} MiB lpt reads "
                       f"as {with_article(what)} file.")
    return path


def read_input_bytes(path: str | Path, what: str, max_bytes: int) -> bytes:
    """The bytes of the user's file ``path`` (see :func:`check_input_file`); a file that
    grows past ``max_bytes`` while it is read is refused too."""
    path = check_input_file(path, what, max_bytes)
    try:
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise LptError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    if len(data) > max_bytes:
        raise LptError(f"{path}: is more than the {max_bytes / MIB:,.0f} MiB lpt reads as {with_article(what)} file.")
    return data


def read_toml(path: str | Path, what: str = "design", empty_hint: str = "") -> dict[str, Any]:
    """The table of the TOML file ``path``, or one :class:`LptError` sentence.

    ``what`` names the kind of file in the messages ("design", "sweep", ...);
    ``empty_hint`` is appended to the message for an empty file (e.g. the keys a
    design needs). A UTF-8 byte-order mark, as some Windows editors write, is allowed.
    """
    path = Path(path)
    data = read_input_bytes(path, what, MAX_TOML_BYTES)
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
