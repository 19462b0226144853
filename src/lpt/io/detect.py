"""Which reader reads a file: content first, extension second.

The registry is a list of formats, each with a name, a content test on the first
bytes, the extensions it owns and a reader ``(raw bytes, file name) -> [Spectrum]``.
Adding a format is one module in :mod:`lpt.io.formats` and one line here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lpt.errors import LptError
from lpt.io.formats.biologic import biologic_spectra
from lpt.io.formats.biologic_mpr import is_mpr
from lpt.io.formats.biologic_mpt import is_mpt
from lpt.io.formats.gamry import is_gamry, read_gamry
from lpt.io.formats.ivium import is_ivium, read_ivium
from lpt.io.formats.novocontrol import is_windeta, read_windeta
from lpt.io.formats.palmsens import is_pssession, read_pssession
from lpt.io.formats.relaxis import is_relaxis, read_relaxis
from lpt.io.formats.spreadsheet import is_ods, is_xlsx, read_spreadsheet
from lpt.io.formats.table import read_table
from lpt.io.formats.versastudio import is_par, read_par
from lpt.io.formats.zahner import is_ism, read_ism
from lpt.io.formats.zplot import is_zplot, read_zplot
from lpt.io.spectrum import Spectrum
from lpt.io.text import looks_binary


@dataclass(frozen=True)
class Format:
    name: str
    sniff: Callable[[bytes], bool]
    extensions: tuple[str, ...]
    read: Callable[[bytes, str], list[Spectrum]]


FORMATS: list[Format] = [
    Format("BioLogic EC-Lab binary (.mpr)", is_mpr, (".mpr",), biologic_spectra),
    Format("BioLogic EC-Lab/BT-Lab text (.mpt)", is_mpt, (".mpt",), biologic_spectra),
    Format("Gamry Framework (.DTA)", is_gamry, (".dta",), read_gamry),
    Format("Scribner ZPlot/ZView (.z), ZPlotW/Z60W text", is_zplot, (".z",), read_zplot),
    Format("VersaStudio (.par)", is_par, (".par",), read_par),
    Format("Ivium (.idf, .ids)", is_ivium, (".idf", ".ids"), read_ivium),
    Format("PalmSens PSTrace session (.pssession)", is_pssession, (".pssession",), read_pssession),
    Format("Novocontrol WinDETA ASCII export (.TXT)", is_windeta, (), read_windeta),
    Format("RelaxIS 3 project (.eis3)", is_relaxis, (".eis3",), read_relaxis),
    Format("Zahner Thales binary (.ism)", is_ism, (".ism",), read_ism),
    Format("Excel workbook (.xlsx)", is_xlsx, (".xlsx", ".xlsm"), read_spreadsheet),
    Format("OpenDocument spreadsheet (.ods)", is_ods, (".ods",), read_spreadsheet),
    # Last: any delimited text table (CSV, Autolab NOVA, CH Instruments, Parstat,
    # PowerSuite, RelaxIS text export, Zahner text export, |Z|/phase tables).
    Format("delimited text table (CSV/TXT/DAT)", lambda head: not looks_binary(head),
           (".csv", ".txt", ".dat", ".tsv", ".asc"), read_table),
]
EXTENSIONS = tuple(sorted({e for f in FORMATS for e in f.extensions}))


def supported() -> str:
    return ("lpt reads " + "; ".join(f.name for f in FORMATS)
            + ". Binary formats not listed (Novocontrol .eps, Autolab .nox and .dfr) must be exported "
            "as text or CSV first.")


def detect(raw: bytes, name: str) -> Format:
    """The format of a file: the first whose content test passes, else the one owning
    the extension, else an error listing what is supported."""
    head = raw[:4096]
    for fmt in FORMATS:
        if fmt.sniff(head):
            return fmt
    ext = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    for fmt in FORMATS:
        if ext in fmt.extensions and fmt.sniff is not FORMATS[-1].sniff:
            return fmt
    raise LptError(f"{name}: not a file format lpt recognises (binary content). {supported()}")
