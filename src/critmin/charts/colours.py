"""One colour per country for every chart (report and dashboard): a fixed colour for the
countries that recur in critmin's charts and a stable pick from the palette for the others,
so a country keeps its colour from one chart to the next whatever else is drawn beside it.
The dashboard gets the same map from ``GET /dashboard/colours``."""

from __future__ import annotations

CHINA = "CHN"
CHINA_COLOUR = "#c0392b"
#: Colours of the countries that recur in the charts (China red everywhere).
FIXED = {
    "CHN": CHINA_COLOUR,
    "USA": "#2c7fb8",
    "JPN": "#41ab5d",
    "AUS": "#fdae61",
    "MMR": "#807dba",
    "MYS": "#d9a441",
    "KOR": "#1d91c0",
    "DEU": "#636363",
    "VNM": "#e377c2",
    "THA": "#8c564b",
    "IND": "#17becf",
    "BRA": "#bcbd22",
    "RUS": "#9e9ac8",
    "EST": "#7fcdbb",
    "LAO": "#f4a582",
    "CAN": "#b2182b",
    "FRA": "#5e3c99",
    "GBR": "#4d9221",
    "eu27": "#807dba",
}
#: Colours for countries without a fixed one, picked by a hash of the ISO3 code.
PALETTE = (
    "#66c2a5", "#8da0cb", "#a6d854", "#e5c494", "#b3b3b3", "#fc8d62", "#e78ac3", "#ffd92f",
    "#1b9e77", "#7570b3",
)  # fmt: skip
UNKNOWN_COLOUR = "#999999"


def country_colour(iso: str) -> str:
    """The colour of a country (ISO3) or partner group in every chart."""
    if iso in FIXED:
        return FIXED[iso]
    if not iso:
        return UNKNOWN_COLOUR
    return PALETTE[sum(ord(ch) for ch in iso) % len(PALETTE)]


def colour_map() -> dict[str, object]:
    """What a client needs to colour countries the same way (see :func:`country_colour`)."""
    return {"fixed": dict(FIXED), "palette": list(PALETTE), "unknown": UNKNOWN_COLOUR,
            "rule": "fixed[iso], else palette[sum of the ISO3 code's character codes "
                    "mod len(palette)]"}  # fmt: skip
