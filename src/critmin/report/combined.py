"""One self-contained HTML report: cover, contents, assessment, scenario runs, portfolio, sources.

plotly.js is inlined once in ``<head>`` (copies that the section builders embed are taken
out), the CSS is inline and nothing is fetched from the network. The print stylesheet starts
every part on a new A4 landscape page, keeps each chart with its caption and each heading with
what follows, draws the charts across the printable width, repeats table headers, prints long
tables as a summary (every row stays in the HTML and in CSV files next to it, see
:func:`write_combined_html`), hides the chart toolbars and numbers the pages, so that
:func:`critmin.report.pdf.html_to_pdf` gives a compact PDF with the same content.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from plotly.offline import get_plotlyjs

from critmin.atlas import Atlas
from critmin.countries import name_of
from critmin.data.portfolios import PortfolioRecord
from critmin.history import History
from critmin.report.assessment import (
    CSS,
    SOURCE_COLUMNS,
    Column,
    _fmt_text,
    _table,
    assessment_html,
    sources_table,
)
from critmin.report.history import history_section_html, unavailable_html
from critmin.report.layout import RESIZE_SCRIPT, LongTables
from critmin.report.portfolio import portfolio_section_html
from critmin.report.run import RUN_CSS, run_section_html
from critmin.stored import ReportRun

TITLE = "Critical-mineral supply-chain security report"
#: Titles of the parts, as they appear in the contents, the HTML and the PDF.
PART_ASSESSMENT = "Supply-chain assessment"
PART_RUN = "Scenario run"
PART_PORTFOLIO = "Projects of interest"
PART_HISTORY = "How well critmin reproduces history"
PART_SOURCES = "Sources"
SOURCES_MARK = "<h2>Sources</h2>"
RUN_COUNTRIES = 4
PRINT_CSS = """
.cover { min-height: 60vh; } .cover h1 { font-size: 2em; margin-top: 1.5em; }
.cover .lead { font-size: 1.1em; color: #333; } .cover dl { display: grid;
  grid-template-columns: max-content auto; gap: .25em 1.2em; }
.cover dt { font-weight: bold; } .cover dd { margin: 0; }
.warn { background: #fdecea; border-left: 4px solid #c0392b; padding: .6em 1em; }
nav.toc ol { line-height: 1.8; } nav.toc a { color: #1d5f8a; text-decoration: none; }
h1.part { font-size: 1.6em; border-bottom: 3px solid #2c7fb8; padding-bottom: .2em;
          margin-top: 1.5em; }
.subtitle { font-size: 1.15em; font-weight: bold; margin: .3em 0; }
@page { size: A4 landscape; margin: 12mm 12mm 14mm 12mm;
  @bottom-right { content: "critmin report \\00b7  page " counter(page) " of " counter(pages);
                  font-size: 8pt; color: #777; } }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 9.5pt; line-height: 1.35; }
  .cover { min-height: 0; } .cover h1 { margin-top: 0; }
  nav.toc { break-after: page; } nav.toc ol { line-height: 1.5; }
  section.part { break-before: page; }
  h2 { margin-top: 1.2em; } h3 { margin: 1em 0 .4em; } p { margin: .4em 0; }
  .js-plotly-plot, .plotly-graph-div, .plot-container { break-inside: avoid; }
  .modebar, .modebar-container { display: none !important; }
  table { font-size: 7.5pt; margin: .3em 0 .8em; } th, td { padding: .1em .4em; }
  .sources table { display: block; column-count: 2; column-gap: 1.6em; font-size: 7pt; }
  .sources thead { display: none; } .sources tbody, .sources tr { display: block; }
  .sources tr { break-inside: avoid; margin: 0 0 .3em; }
  .sources td { display: inline; border: 0; padding: 0; overflow-wrap: anywhere; }
  .sources td:first-child { font-weight: bold; }
  .sources td + td::before { content: " \\00b7  "; color: #999; }
  .sources td:last-child::before { content: " \\00b7  figures backed: "; color: #555; }
  a { color: inherit; text-decoration: none; }
}
"""


@dataclass(frozen=True)
class Included:
    """What a report holds, for its cover and contents."""

    anchor: str
    title: str
    detail: str


def combined_html(
    atlas: Atlas,
    *,
    runs: Sequence[ReportRun] = (),
    portfolio: PortfolioRecord | None = None,
    country: str | None = None,
    group: str = "framework",
    generated: datetime | None = None,
    history: History | str | None = None,
    tables: LongTables | None = None,
) -> str:
    """The whole report as one HTML text (see the module docstring). ``history``: a backtest
    result for "How well critmin reproduces history", or the reason it is missing;
    ``tables`` collects the full long tables whose print is a summary."""
    when = (generated or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    assessment_body, dataset_sources = _assessment_part(atlas, country, group, tables)
    parts: list[tuple[Included, str]] = [
        (
            Included("assessment", PART_ASSESSMENT,
                     f"dataset {atlas.name}, version {_version(atlas.version)}"),
            assessment_body,
        )
    ]  # fmt: skip
    for i, run in enumerate(runs, start=1):
        t = run.trajectory
        item = Included(
            f"run-{i}",
            f"{PART_RUN}: {t.scenario.name}",
            f"run {run.id}: {t.draws:,} draws, {t.months} months, seed {t.seed}, "
            f"dataset version {_version(t.dataset_version)}",
        )
        parts.append((item, _run_part(run, country, tables)))
    if portfolio is not None:
        item = Included(
            "portfolio",
            PART_PORTFOLIO,
            f"portfolio {portfolio.id} ({portfolio.source}): {portfolio.status}, "
            f"dataset version {_version(portfolio.dataset_version)}",
        )
        parts.append((item, _portfolio_part(portfolio)))
    if history is not None:
        parts.append(_history_part(history, atlas))
    sources = Included("sources", PART_SOURCES, "dataset, scenario and project sources")
    parts.append((sources, _sources_part(atlas, dataset_sources, runs, portfolio)))

    body = [_cover(atlas, [p[0] for p in parts], when, country, group, runs, portfolio)]
    body.append(_contents([p[0] for p in parts]))
    for number, (item, text) in enumerate(parts, start=1):
        body.append(
            f'<section class="part" id="{item.anchor}">\n'
            f'<h1 class="part">{number}. {html.escape(item.title)}</h1>\n{text}\n</section>'
        )
    page = "\n".join(body)
    bundle = get_plotlyjs()
    page = page.replace(bundle, "")  # the section builders' own copies: one in <head> is enough
    title = html.escape(f"{TITLE}: {atlas.name}")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n<style>{CSS}{RUN_CSS}{PRINT_CSS}</style>\n"
        '<script type="text/javascript">window.PlotlyConfig = {MathJaxConfig: "local"};</script>\n'
        f'<script type="text/javascript">{bundle}</script>\n</head>\n<body>\n'
        + page
        + "\n"
        + RESIZE_SCRIPT
        + "\n</body>\n</html>\n"
    )


def tables_folder(path: str | Path) -> Path:
    """The folder of CSV files next to the report at ``path``: ``NAME-tables``."""
    p = Path(path)
    return p.with_name(f"{p.stem}-tables")


def write_combined_html(path: str | Path, atlas: Atlas, **options: object) -> Path:
    """Write :func:`combined_html` to ``path`` (parent folders are created); its path. The
    full tables that print as a summary are written as CSV files into
    :func:`tables_folder` (``NAME-tables/``), which the printed notes name."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    folder = tables_folder(out)
    tables = LongTables(folder.name)
    text = combined_html(atlas, tables=tables, **options)  # type: ignore[arg-type]
    out.write_text(text, encoding="utf-8")
    tables.write(folder)
    return out


# -- parts --------------------------------------------------------------------------------------
def _version(v: int | None) -> str:
    return "not stored" if v is None else str(v)


def _assessment_part(
    atlas: Atlas, country: str | None, group: str, tables: LongTables | None = None
) -> tuple[str, str]:
    """The assessment's body (its title as a subtitle) and its sources table, apart."""
    page = assessment_html(atlas, country=country, group=group, tables=tables)
    body = page[page.index("<body>") + len("<body>") : page.rindex("</body>")].strip()
    body = body.replace("<h1>", '<p class="subtitle">', 1).replace("</h1>", "</p>", 1)
    cut = body.rfind(SOURCES_MARK)
    if cut < 0:
        return body, ""
    return body[:cut], body[cut + len(SOURCES_MARK) :]


def _run_part(run: ReportRun, country: str | None, tables: LongTables | None = None) -> str:
    t = run.trajectory
    meta = (
        f'<p class="meta"><span>run <b>{html.escape(run.id)}</b></span>'
        f"<span>created {html.escape(run.created_at)}</span></p>"
    )
    return (
        meta
        + "\n"
        + run_section_html(
            t, countries=_run_countries(run, country), atlas=run.atlas, tables=tables
        )
    )


def _history_part(history: History | str, atlas: Atlas) -> tuple[Included, str]:
    if isinstance(history, str):
        return Included("history", PART_HISTORY, "not included"), unavailable_html(history)
    n = len(history.backtest["episodes"])
    note = (f"Replayed with {history.draws} draws per episode, seed {history.seed}, dataset "
            f"version {_version(history.version)}.") if history.draws else None  # fmt: skip
    text = history_section_html(history.backtest, sources=history.sources,
                                source_table=atlas.table("sources"), note=note)  # fmt: skip
    return Included("history", PART_HISTORY, f"{n} backtest episode(s)"), text


def _run_countries(run: ReportRun, country: str | None) -> list[str] | None:
    """The report's country first (when the run has it), then the most affected ones."""
    t = run.trajectory
    if country is None or country not in {str(c) for c in t.data["country"].values}:
        return None
    by_country = t.shortfall_by_country()
    totals = by_country.groupby("country")["shortfall_p50_t"].sum().sort_values(ascending=False)
    others = [str(c) for c in totals.index if str(c) != country and totals[c] > 0]
    return [country, *others[: RUN_COUNTRIES - 1]]


def _portfolio_part(record: PortfolioRecord) -> str:
    p = record.params
    budgets = ", ".join(
        f"{k} {float(v) / 1e6:,.0f} M USD" for k, v in (p.get("budgets") or {}).items()
    )
    names = p.get("scenario_names") or [s.get("name", "?") for s in p.get("scenarios") or []]
    e = html.escape
    meta = (
        f'<p class="meta"><span>portfolio <b>{e(record.id)}</b></span>'
        f"<span>{e(record.source)}</span><span>created {e(record.created_at)}</span>"
        f"<span>dataset version {e(_version(record.dataset_version))}</span></p>\n"
        f'<p class="meta"><span>budgets: {e(budgets or "not stored")}</span>'
        f"<span>scenarios: {e(', '.join(map(str, names)) or 'not stored')}</span>"
        f"<span>draws {e(str(p.get('draws', '?')))}, seed {e(str(p.get('seed', '?')))}</span></p>"
    )
    frontier = record.table("frontier")
    recheck = record.table("out_of_sample")
    section = portfolio_section_html(
        record.portfolio(),
        frontier=frontier if not frontier.empty else None,
        recheck=recheck if not recheck.empty else None,
    )
    if frontier.empty:
        section = section.replace(
            "</section>",
            '<p class="caption">No budget frontier was computed for this portfolio '
            "(critmin invest --frontier).</p>\n</section>",
        )
    return meta + "\n" + section


PROJECT_SOURCE_COLUMNS: Sequence[Column] = (
    ("id", "project", _fmt_text), ("name", "name", _fmt_text),
    ("source", "source", _fmt_text), ("publication", "publication", _fmt_text),
    ("url", "url", _fmt_text),
)  # fmt: skip


def _sources_part(
    atlas: Atlas,
    dataset_sources: str,
    runs: Sequence[ReportRun],
    portfolio: PortfolioRecord | None,
) -> str:
    out = [f"<h2>Dataset: {html.escape(atlas.name)}, version {_version(atlas.version)}</h2>"]
    out.append(dataset_sources or _table(sources_table(atlas), SOURCE_COLUMNS))
    for run in runs:
        sc = run.trajectory.scenario
        out.append(f"<h2>Scenario {html.escape(sc.name)} (run {html.escape(run.id)})</h2>")
        if sc.sources:
            out.append("<ul>" + "".join(f"<li>{html.escape(s)}</li>" for s in sc.sources) + "</ul>")
        else:
            out.append('<p class="empty">The scenario names no sources.</p>')
    if portfolio is not None:
        out.append(f"<h2>Chosen projects (portfolio {html.escape(portfolio.id)})</h2>")
        chosen = portfolio.table("chosen")
        if chosen.empty or "source" not in chosen.columns:
            out.append('<p class="empty">No chosen project, or no source stored with them.</p>')
        else:
            known = atlas.table("sources")[["id", "publication", "url"]].rename(
                columns={"id": "source"}
            )
            table = chosen[["id", "name", "source"]].merge(known, on="source", how="left")
            out.append(_table(table, PROJECT_SOURCE_COLUMNS))
    return "\n".join(out)


def _cover(
    atlas: Atlas,
    items: Sequence[Included],
    when: str,
    country: str | None,
    group: str,
    runs: Sequence[ReportRun],
    portfolio: PortfolioRecord | None,
) -> str:
    e = html.escape
    s = atlas.summary()
    rows = [
        ("Dataset", f"{s['name']}, version {_version(atlas.version)} (reference year {s['year']})"),
        ("Generated", when),
        ("Focus", f"{name_of(country)} ({country})" if country else "all countries"),
        ("Partner group", f"{group} ({', '.join(atlas.group(group))})"),
    ]
    listed = "".join(
        f'<li><a href="#{i.anchor}">{e(i.title)}</a>: {e(i.detail)}</li>' for i in items
    )
    versions = {r.id: r.trajectory.dataset_version for r in runs}
    if portfolio is not None:
        versions[portfolio.id] = portfolio.dataset_version
    other = {k: v for k, v in versions.items() if v != atlas.version}
    warn = ""
    if other:
        warn = (
            '<p class="warn">Not all parts use the same dataset version: the assessment uses '
            f"version {e(_version(atlas.version))}; "
            + e("; ".join(f"{k} used version {_version(v)}" for k, v in other.items()))
            + ".</p>"
        )
    return (
        '<header class="cover">\n'
        f"<h1>{e(TITLE)}</h1>\n"
        '<p class="lead">Where supply comes from, what a shock does, which projects close the '
        "gap: figures computed by critmin from the dataset below, each traced to its source.</p>"
        "\n<dl>"
        + "".join(f"<dt>{e(k)}</dt><dd>{e(str(v))}</dd>" for k, v in rows)
        + f"</dl>\n<h2>Included</h2>\n<ul>{listed}</ul>\n{warn}\n</header>"
    )


def _contents(items: Sequence[Included]) -> str:
    entries = "".join(f'<li><a href="#{i.anchor}">{html.escape(i.title)}</a></li>' for i in items)
    return f'<nav class="toc">\n<h2>Contents</h2>\n<ol>{entries}</ol>\n</nav>'


def included_titles(
    runs: Sequence[ReportRun], portfolio: PortfolioRecord | None, history: bool = False
) -> list[str]:
    """The part titles a report with these inputs has, in order (for checks and progress)."""
    titles = [PART_ASSESSMENT, *(f"{PART_RUN}: {r.trajectory.scenario.name}" for r in runs)]
    if portfolio is not None:
        titles.append(PART_PORTFOLIO)
    if history:
        titles.append(PART_HISTORY)
    return [*titles, PART_SOURCES]
