"""The web dashboard: static pages (plain HTML/JS/CSS in ``static/``, no build step, no CDN),
a client of the REST API. :mod:`critmin.api.dashboard` serves these files and the figures
(built by :mod:`critmin.charts`) as JSON; plotly.js comes from the installed Python ``plotly``
package and the world map's topojson ships in ``static/topojson``."""

from __future__ import annotations

from pathlib import Path

STATIC = Path(__file__).parent / "static"
