"""Headless Chromium for the report tests (shared, not a test): a screenshot and the
rendered DOM of an HTML page. The Makefile installs Debian's chromium."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
NO_CHROMIUM = "chromium is not installed (the Makefile installs Debian's chromium)"


def _flags(tmp_path: Path) -> list[str]:
    return ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}"]


def screenshot(page: Path, tmp_path: Path, width: int, height: int) -> Path:
    """A PNG of the page's first ``width`` × ``height`` pixels."""
    shot = tmp_path / f"{page.stem}.png"
    subprocess.run([CHROMIUM, *_flags(tmp_path), f"--screenshot={shot}", f"--window-size={width},{height}",
                    page.as_uri()], check=True, capture_output=True, timeout=120)
    return shot


def dump_dom(page: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    """The DOM after rendering (``stdout``) and the browser's console (``stderr``)."""
    return subprocess.run([CHROMIUM, *_flags(tmp_path), "--dump-dom", page.as_uri()], check=True,
                          capture_output=True, timeout=120, text=True)
