"""Draft critmin scenarios from restriction events (export controls, import bans, sanctions).

The draft is a starting point for an analyst: the exporter is the controlling country, the
elements are the rare-earth elements the event names (or the products for magnets and rare
earths in general), the share is uncertain ([0.3, 1.0]) unless the article gives a percentage.
"""

from __future__ import annotations

import re
from typing import Any

from critmin.signals.extract import REE_ELEMENTS, Event

RESTRICTION_TYPES = {"export_control", "import_ban", "sanction"}
DEFAULT_SHARE = [0.3, 1.0]
REE_PRODUCTS = ["re_oxides", "re_metals", "ndfeb_magnets"]
DEFAULT_MONTHS = 24


def draft_scenario(event: Event | dict[str, Any], *, months: int = DEFAULT_MONTHS) -> dict:
    """A scenario dict (passes :func:`critmin.simulate.parse_scenario`) for a restriction."""
    e = event if isinstance(event, dict) else event.to_dict()
    etype = e["type"]
    if etype not in RESTRICTION_TYPES:
        raise ValueError(f"no scenario for a {etype} event; only for "
                         f"{', '.join(sorted(RESTRICTION_TYPES))}")  # fmt: skip
    countries = [c for c in e.get("countries") or [] if c != "EU"]
    if not countries:
        raise ValueError("the event names no country to act as the exporter")
    if etype == "export_control":
        exporter, targets = countries[0], countries[1:]
    else:  # an import ban or a sanction: the first named country acts against the others
        exporter = countries[1] if len(countries) > 1 else countries[0]
        targets = [countries[0]] if len(countries) > 1 else []
    materials = e.get("materials") or []
    elements = [m for m in materials if m in REE_ELEMENTS]
    restriction: dict[str, Any] = {"exporter": exporter, "importers": targets or "all",
                                   "start": 1}  # fmt: skip
    if elements:
        restriction["products"] = REE_PRODUCTS
        restriction["elements"] = elements
    elif "NdFeB" in materials and "REE" not in materials:
        restriction["products"] = ["ndfeb_magnets"]
    else:
        restriction["products"] = REE_PRODUCTS
    pct = [q["value"] for q in e.get("quantities") or [] if q.get("unit") == "%"]
    share: Any = DEFAULT_SHARE
    if pct and 0 < max(pct) <= 100 and max(pct) >= 1:
        share = round(max(pct) / 100, 4)
    restriction["share"] = share
    evidence = " ".join(str(e.get("evidence") or "").split())
    name = re.sub(r"[^a-z0-9]+", "-", f"signal-{e.get('article_id') or 'event'}-{etype}".lower())
    non_ree = [m for m in materials if m not in REE_ELEMENTS and m not in {"REE", "NdFeB"}]
    note = (f" The article also names {', '.join(non_ree)}, which the model does not cover."
            if non_ree else "")  # fmt: skip
    return {
        "name": name.strip("-"),
        "description": (
            f"Draft from a {etype.replace('_', ' ')} event ({e.get('language')}, "
            f"{e.get('date') or 'undated'}, article {e.get('article_id')}): {evidence}"
            f" Share {'from the article' if share is not DEFAULT_SHARE else 'uncertain'};"
            f" start and duration are assumptions.{note}"
        ),
        "event": f"{etype} {e.get('date') or ''}".strip(),
        "sources": [f"signals article {e.get('article_id')}"],
        "months": months,
        "restrictions": [restriction],
    }
