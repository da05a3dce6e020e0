"""The web dashboard: static pages (plain HTML/JS/CSS, no build step, no CDN) and the Plotly
figures that :mod:`critmin.api.dashboard` serves as JSON. plotly.js comes from the installed
Python ``plotly`` package; the world map's topojson ships in ``static/topojson``."""

from __future__ import annotations

from pathlib import Path

STATIC = Path(__file__).parent / "static"


def plotly_js() -> Path:
    """plotly.min.js of the installed Python plotly package."""
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not path.is_file():
        raise FileNotFoundError(f"plotly.min.js is missing from the plotly package: {path}")
    return path
