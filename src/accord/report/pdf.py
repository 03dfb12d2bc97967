"""Printing the HTML report to PDF with a headless Chromium (Debian's ``chromium`` package).

Chromium is a system program, not a Python dependency: the PDF is optional and
the HTML report works without it. :func:`find_chromium` looks at
``ACCORD_CHROMIUM`` first (so that a user or CI can point at any Chrome or
Chromium build), then at the usual names on ``PATH``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from accord.errors import AccordError

#: Environment variable naming the Chrome/Chromium binary to print with.
CHROMIUM_ENV = "ACCORD_CHROMIUM"
#: Names looked up on PATH, in order.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
#: How long a print may take before it is abandoned, in seconds.
DEFAULT_TIMEOUT = 120.0

MISSING_CHROMIUM = (
    "--pdf needs Chromium: install Debian's chromium (sudo apt-get install chromium) "
    "or set ACCORD_CHROMIUM to a Chrome/Chromium binary"
)


def find_chromium() -> str | None:
    """The Chromium binary to use: ``$ACCORD_CHROMIUM`` if set, else the first of :data:`CHROMIUM_NAMES` on PATH.

    Returns None when none is found. A set but unusable ``ACCORD_CHROMIUM``
    also gives None (rather than silently printing with another browser).
    """
    configured = os.environ.get(CHROMIUM_ENV, "").strip()
    if configured:
        return shutil.which(configured)
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def require_chromium() -> str:
    """The Chromium binary, or an :class:`AccordError` saying how to get one."""
    found = find_chromium()
    if found is None:
        configured = os.environ.get(CHROMIUM_ENV, "").strip()
        detail = f" ({CHROMIUM_ENV}={configured!r} is not an executable)" if configured else ""
        raise AccordError(MISSING_CHROMIUM + detail)
    return found


def chromium_command(binary: str, html: Path, pdf: Path, profile: Path) -> list[str]:
    """The command line that prints ``html`` to ``pdf`` headless, isolated in the ``profile`` directory."""
    return [
        binary,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf}",
        html.resolve().as_uri(),
    ]


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def html_to_pdf(html: Path, pdf: Path, *, timeout: float = DEFAULT_TIMEOUT) -> Path:
    """Print an HTML file to ``pdf`` with headless Chromium and return the PDF's path.

    Raises :class:`AccordError` when Chromium is missing, fails, times out or
    leaves no (or an empty) PDF, with the tail of its error output.
    """
    binary = require_chromium()
    pdf = pdf.resolve()
    pdf.parent.mkdir(parents=True, exist_ok=True)
    pdf.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="accord-chromium-") as profile:
        command = chromium_command(binary, html, pdf, Path(profile))
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            stderr = exc.stderr.decode(errors="replace") if isinstance(exc.stderr, bytes) else (exc.stderr or "")
            raise AccordError(f"Chromium did not print {html} within {timeout:g} s:\n{_tail(stderr)}") from exc
        except OSError as exc:
            raise AccordError(f"could not run Chromium ({binary}): {exc}") from exc
    if result.returncode != 0:
        raise AccordError(f"Chromium failed to print {html} (exit {result.returncode}):\n{_tail(result.stderr)}")
    if not pdf.is_file() or pdf.stat().st_size == 0:
        raise AccordError(f"Chromium left no PDF at {pdf}:\n{_tail(result.stderr)}")
    return pdf
