"""Read instrument files: impedance spectra, cycling tables and the raw tables behind them.

* :func:`read_spectra` — every spectrum (sweep) in a file;
* :func:`read_spectrum` — one spectrum (``sweep=k`` picks one of several);
* :func:`read_folder` — every readable file of a folder, and one sentence for each
  file that could not be read;
* :func:`read_biologic_table` — the raw column table of a BioLogic .mpt/.mpr file;
* :func:`read_cycling` — one cycling table (Battery Data Format columns) from a cycler
  file of any supported maker (:mod:`lpt.io.cycling`).

Formats are recognised by content first, extension second (:mod:`lpt.io.detect`).
"""

from __future__ import annotations

from pathlib import Path

from lpt.errors import LptError
from lpt.fileio import MAX_SPECTRUM_BYTES, read_input_bytes
from lpt.io.detect import EXTENSIONS, FORMATS, detect, supported
from lpt.io.cycling import read_cycling
from lpt.io.formats.biologic import read_biologic_table
from lpt.io.spectrum import MIN_POINTS, Spectrum

__all__ = ["EXTENSIONS", "FORMATS", "MIN_POINTS", "Spectrum", "read_biologic_table", "read_cycling", "read_folder", "read_paths",
           "read_spectra", "read_spectrum", "supported"]


def read_spectra(path) -> list[Spectrum]:
    """Every spectrum in one file: a multi-sweep file gives one per sweep."""
    path = Path(path)
    name = str(path)
    raw = read_input_bytes(path, "spectrum", MAX_SPECTRUM_BYTES)
    if not raw.strip():
        raise LptError(f"{name}: the file is empty.")
    fmt = detect(raw, name)
    try:
        spectra = fmt.read(raw, name)
    except LptError:
        raise
    except (ValueError, IndexError, KeyError, OverflowError, TypeError, UnicodeError, AttributeError) as exc:
        # A damaged file must still end in one sentence naming it.
        raise LptError(f"{name}: damaged or unsupported content for {fmt.name} ({type(exc).__name__}).") from None
    for s in spectra:
        s.metadata.setdefault("file", name)
        s.metadata.setdefault("format", fmt.name)
    return spectra


def read_spectrum(path, sweep: int | None = None) -> Spectrum:
    """The one spectrum in ``path``; for a file of several sweeps pass ``sweep``
    (1-based, as listed in each spectrum's ``metadata["sweep"]``)."""
    spectra = read_spectra(path)
    if sweep is None:
        if len(spectra) != 1:
            raise LptError(f"{path} holds {len(spectra)} spectra (sweeps); pick one with sweep=1..{len(spectra)} "
                           "(--spectrum N on the command line).")
        return spectra[0]
    if not 1 <= sweep <= len(spectra):
        raise LptError(f"{path}: spectrum {sweep} asked for, the file holds {len(spectra)} "
                       f"(1..{len(spectra)}).")
    return spectra[sweep - 1]


def read_folder(path) -> tuple[list[Spectrum], list[tuple[str, str]]]:
    """Spectra of every file in a folder (sorted by name) with a known extension or
    content, and ``(file, sentence)`` for each file that could not be read —
    a binary .mpr of a cycling step beside its .mpt does not stop the others."""
    folder = Path(path)
    if not folder.is_dir():
        raise LptError(f"{folder}: no such folder.")
    spectra: list[Spectrum] = []
    unreadable: list[tuple[str, str]] = []
    for file in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
        try:
            spectra += read_spectra(file)
        except LptError as exc:
            unreadable.append((str(file), str(exc)))
    if not spectra:
        detail = f" ({unreadable[0][1]})" if unreadable else ""
        raise LptError(f"{folder}: no readable spectrum in the folder{detail}.")
    return spectra, unreadable


def read_paths(paths) -> tuple[list[Spectrum], list[tuple[str, str]]]:
    """Spectra of several files and/or folders, in the order given. A file named
    explicitly must be readable (its error is raised); inside a folder, unreadable
    files are reported as ``(file, sentence)`` and the others are read."""
    items = [paths] if isinstance(paths, (str, Path)) else list(paths)
    spectra: list[Spectrum] = []
    unreadable: list[tuple[str, str]] = []
    for item in items:
        p = Path(item)
        if p.is_dir():
            found, bad = read_folder(p)
            spectra += found
            unreadable += bad
        elif p.exists():
            spectra += read_spectra(p)
        else:
            raise LptError(f"{p}: no such file or folder.")
    return spectra, unreadable
