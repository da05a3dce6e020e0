"""HTML to PDF with headless Chromium (``--print-to-pdf``), no network, a fresh profile.

:func:`find_chromium` looks at ``$CRITMIN_CHROMIUM`` first, then ``chromium``,
``chromium-browser`` and ``google-chrome`` on ``PATH``. :func:`html_to_pdf` gives Chromium a
virtual-time budget so that plotly draws its charts before the page is printed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from critmin.errors import CritminError
from critmin.report.layout import PRINT_WIDTH_PX

ENV_CHROMIUM = "CRITMIN_CHROMIUM"
CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
INSTALL_HINT = (
    "install it (Debian/Ubuntu: apt-get install chromium) or set "
    f"{ENV_CHROMIUM} to its path; or pass --no-pdf"
)
VIRTUAL_TIME_MS = 15000
#: Window width (CSS px) the page is laid out at before printing: charts are drawn at the
#: width of the page's body, so the window is the printable width of A4 landscape (297 mm
#: less the page margins) plus the body's padding on screen (1em on each side).
WINDOW_WIDTH = PRINT_WIDTH_PX + 32
#: headless, and nothing that reaches for the network (the closed network here refuses it)
OFFLINE_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
)  # fmt: skip
FLAGS = (
    *OFFLINE_FLAGS,
    "--disable-extensions", "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio",
    "--no-pdf-header-footer", "--run-all-compositor-stages-before-draw",
)  # fmt: skip


class PdfError(CritminError):
    """Chromium is missing, failed, timed out or wrote no PDF."""


def find_chromium() -> str | None:
    """Path of a Chromium to run: ``$CRITMIN_CHROMIUM`` if set (it must exist), else the
    first of chromium, chromium-browser, google-chrome on ``PATH``; None when there is none."""
    env = os.environ.get(ENV_CHROMIUM)
    if env:
        found = shutil.which(env)
        if found is None:
            raise PdfError(f"{ENV_CHROMIUM}={env} is not an executable file; {INSTALL_HINT}")
        return found
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def chromium_command(
    chromium: str, html_path: Path, pdf_path: Path, profile: Path, budget_ms: int
) -> list[str]:
    """The command line that prints ``html_path`` to ``pdf_path``."""
    return [
        chromium,
        *FLAGS,
        f"--user-data-dir={profile}",
        f"--virtual-time-budget={budget_ms}",
        f"--window-size={WINDOW_WIDTH},1400",
        f"--print-to-pdf={pdf_path}",
        html_path.resolve().as_uri(),
    ]


def html_to_pdf(
    html_path: str | Path,
    pdf_path: str | Path,
    *,
    timeout: float = 120.0,
    chromium: str | None = None,
    budget_ms: int = VIRTUAL_TIME_MS,
) -> Path:
    """Print an HTML file to PDF with headless Chromium; returns the PDF's path.

    The PDF is written next to its destination and moved into place only when Chromium ends
    well and the file starts with ``%PDF``; a :class:`PdfError` says what went wrong (no
    Chromium and how to install it, the exit status and the end of its output, a timeout).
    """
    src = Path(html_path)
    if not src.is_file():
        raise PdfError(f"no HTML file {src}")
    exe = chromium or find_chromium()
    if exe is None:
        raise PdfError(f"no Chromium found ({', '.join(CANDIDATES)} on PATH); {INSTALL_HINT}")
    out = Path(pdf_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="critmin-chromium-") as tmp:
        profile = Path(tmp) / "profile"
        printed = Path(tmp) / "out.pdf"
        cmd = chromium_command(exe, src, printed, profile, budget_ms)
        try:
            done = subprocess.run(
                cmd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
                env=os.environ | {"HOME": tmp},
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            raise PdfError(f"Chromium did not finish printing {src} within {timeout:g} s") from None
        except OSError as exc:
            raise PdfError(f"cannot run {exe}: {exc}; {INSTALL_HINT}") from exc
        tail = _tail(done.stderr + done.stdout)
        if done.returncode != 0:
            raise PdfError(f"Chromium ({exe}) exited with status {done.returncode}: {tail}")
        if not printed.is_file() or printed.read_bytes()[:4] != b"%PDF":
            raise PdfError(f"Chromium ({exe}) wrote no PDF for {src}: {tail}")
        shutil.move(printed, out)
    return out


def _tail(text: str, lines: int = 8) -> str:
    kept = [line for line in text.strip().splitlines() if line.strip()][-lines:]
    return " | ".join(kept) if kept else "no output"
