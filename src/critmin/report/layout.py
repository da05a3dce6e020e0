"""Page layout shared by the reports: figures with their captions, fonts for every script, and
long tables that print as a summary.

A chart and its caption are one ``<figure class="chart">`` that print never splits. Charts
are sized for the printable area of an A4 landscape page (:data:`PRINT_WIDTH_PX` wide,
:data:`PRINT_CHART_PX` at most tall): plotly lays them out at the full width of their
container, on screen and in print. A long table keeps every row in the HTML; in print it
shows the rows that matter most (:func:`table_html` with ``print_rows``), says so, and the
report writes the full table as CSV next to the HTML (:class:`LongTables`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

Column = tuple[str, str, Callable[[object], str]]

#: Printable width of A4 landscape (297 mm less 2 x 12 mm of margin) in CSS px (96 per inch).
PRINT_WIDTH_PX = 1031
#: Printable height of A4 landscape (210 mm less 12 + 14 mm) is 695 CSS px: a chart of at most
#: this height leaves room on its page for a heading and a caption.
PRINT_CHART_PX = 540
#: Rows of a panel grid chart (shortfall, prices): two columns from this many panels on.
GRID_FROM = 3

#: Fonts named for every script a dataset may hold: Latin, Greek and Cyrillic (ru, uk),
#: Chinese (Simplified and Traditional), Japanese, Korean, Arabic and Persian, Devanagari
#: (hi). ``make chromium`` installs the Debian packages behind the second names.
#: Arabic script (Arabic, Persian) comes first from "critmin Arabic", an alias limited to the
#: Arabic blocks, so that a Latin font with a few Arabic glyphs (DejaVu Sans) does not draw it.
FONT_STACK = (
    '"critmin Arabic", "Noto Sans", "DejaVu Sans", -apple-system, "Segoe UI", Helvetica, '
    'Arial, "Noto Sans CJK SC", "WenQuanYi Zen Hei", "Noto Sans Arabic", "Amiri", '
    '"Noto Sans Devanagari", "Lohit Devanagari", sans-serif'
)
ARABIC_RANGES = "U+0600-06FF, U+0750-077F, U+08A0-08FF, U+FB50-FDFF, U+FE70-FEFF"
FONT_FACES = f"""
@font-face {{ font-family: "critmin Arabic"; font-weight: normal; unicode-range: {ARABIC_RANGES};
  src: local("Noto Sans Arabic"), local("NotoSansArabic-Regular"), local("Noto Naskh Arabic"),
       local("Amiri"), local("Amiri-Regular"), local("Vazirmatn"); }}
@font-face {{ font-family: "critmin Arabic"; font-weight: bold; unicode-range: {ARABIC_RANGES};
  src: local("Noto Sans Arabic Bold"), local("NotoSansArabic-Bold"), local("Amiri Bold"),
       local("Amiri-Bold"), local("Vazirmatn Bold"); }}
"""

#: CSS for fonts, figures and summarised tables on screen and in print.
LAYOUT_CSS = (
    FONT_FACES
    + """
figure.chart { margin: .5em 0 1.2em; padding: 0; width: 100%; }
figure.chart > div { width: 100%; }
figure.chart figcaption p.caption:first-child { margin-top: .2em; }
.print-only { display: none; }
@media print {
  figure.chart { break-inside: avoid; page-break-inside: avoid; margin: .2em 0 .6em; }
  figure.chart figcaption { break-before: avoid; page-break-before: avoid; }
  h1, h2, h3, h4, h5 { break-after: avoid; page-break-after: avoid; break-inside: avoid; }
  p.caption:has(+ table), p.caption:has(+ p.caption), .meta:has(+ table) {
    break-after: avoid; page-break-after: avoid; }
  thead { display: table-header-group; } tr { break-inside: avoid; page-break-inside: avoid; }
  tr.screen-only { display: none; } .print-only { display: block; }
  .side { display: block; } .side > div { width: 100%; }
}
"""
)

#: Plotly charts follow the width of their container; when a browser prints the page (the
#: paper may be narrower than the screen) they are laid out again for the paper.
RESIZE_SCRIPT = """<script type="text/javascript">
(function () {
  function fit() {
    if (!window.Plotly) { return; }
    document.querySelectorAll(".js-plotly-plot").forEach(function (el) {
      try { window.Plotly.Plots.resize(el); } catch (e) { /* a chart not drawn yet */ }
    });
  }
  window.addEventListener("beforeprint", fit);
  if (window.matchMedia) {
    var mq = window.matchMedia("print");
    if (mq.addEventListener) { mq.addEventListener("change", fit); }
  }
})();
</script>"""


def figure_html(
    fig: go.Figure, height: int, caption: str = "", *, include_plotlyjs: bool = False
) -> str:
    """A plotly figure ``height`` px tall at the full width of its container, and its caption
    (HTML, e.g. ``<p class="caption">...</p>``), in one ``<figure class="chart">``."""
    fig.update_layout(height=height, autosize=True)
    fig.layout.width = None
    plot = fig.to_html(
        full_html=False,
        include_plotlyjs=include_plotlyjs,
        default_width="100%",
        default_height=f"{height}px",
        config={"displaylogo": False, "responsive": True},
    )
    cap = f"\n<figcaption>{caption}</figcaption>" if caption else ""
    return f'<figure class="chart">\n{plot}{cap}\n</figure>'


def fit_height(height: int) -> int:
    """``height`` capped to what fits on a printed page with its heading and caption."""
    return min(int(height), PRINT_CHART_PX)


class LongTables:
    """Full tables of a report whose print shows a summary: name -> frame, written as CSV
    files into a folder next to the report by :meth:`write`."""

    def __init__(self, folder: str = "tables") -> None:
        self.folder = folder
        self.frames: dict[str, pd.DataFrame] = {}

    def add(self, name: str, frame: pd.DataFrame) -> str:
        """Keep ``frame`` as ``name`` (made unique); the CSV's path relative to the report."""
        base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "table"
        key, n = base, 2
        while key in self.frames:
            key, n = f"{base}-{n}", n + 1
        self.frames[key] = frame
        return f"{self.folder}/{key}.csv"

    def write(self, folder: str | Path) -> list[Path]:
        """Write every table as ``folder/NAME.csv`` (the folder is created); their paths."""
        out = Path(folder)
        written = []
        if self.frames:
            out.mkdir(parents=True, exist_ok=True)
        for key, frame in self.frames.items():
            path = out / f"{key}.csv"
            frame.to_csv(path, index=False)
            written.append(path)
        return written


def table_html(
    frame: pd.DataFrame,
    columns: Iterable[Column],
    numeric: set[Callable[[object], str]],
    *,
    print_rows: int | None = None,
    rank: str | None = None,
    what: str = "",
    tables: LongTables | None = None,
    name: str = "",
) -> str:
    """An escaped HTML table of the listed columns that the frame has.

    With ``print_rows`` and more rows than that, every row stays on screen but print shows
    only the ``print_rows`` rows with the largest ``rank`` (``what`` names it; ties and a
    missing column keep the first rows) in their order, followed by a note; with ``tables``
    the full frame is kept as ``name`` for a CSV next to the report."""
    cols = [c for c in columns if c[0] in frame.columns]
    if frame.empty or not cols:
        return '<p class="empty">Nothing to show.</p>'
    shown = None
    if print_rows is not None and len(frame) > print_rows:
        if rank is not None and rank in frame.columns:
            key = pd.to_numeric(frame[rank], errors="coerce").fillna(float("-inf"))
            order = key.reset_index(drop=True).sort_values(ascending=False, kind="stable")
            shown = set(order.index[:print_rows])
        else:
            shown = set(range(print_rows))
    head = "".join(f"<th>{html.escape(h)}</th>" for _, h, _ in cols)
    rows = []
    for i, (_, r) in enumerate(frame.iterrows()):
        cells = []
        for col, _, fmt in cols:
            cls = ' class="num"' if fmt in numeric else ""
            cells.append(f"<td{cls}>{html.escape(fmt(r[col]))}</td>")
        tr = "<tr>" if shown is None or i in shown else '<tr class="screen-only">'
        rows.append(tr + "".join(cells) + "</tr>")
    out = (
        f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n"
        + "\n".join(rows)
        + ("\n</tbody>\n</table>")
    )
    if shown is not None:
        csv = tables.add(name or what or "table", frame) if tables is not None else None
        by = f"the {len(shown)} with the highest {what}" if rank else f"the first {len(shown)}"
        where = "the HTML report" + (f" and {csv}" if csv else "")
        out += (
            f'\n<p class="caption print-only">Printed: {html.escape(by)} of '
            f"{len(frame)} rows; every row is in {html.escape(where)}.</p>"
        )
    return out
