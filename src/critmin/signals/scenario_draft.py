"""Draft critmin scenarios from supply-cut events (export controls, import bans, sanctions,
outages).

The draft is a starting point for an analyst: the exporter is the controlling country, the
elements are the rare-earth elements the event names (or the products for magnets and rare
earths in general), the share is uncertain ([0.3, 1.0]) unless the article gives a percentage.
With a ``catalog`` (mineral -> its products and its mining product, from the dataset:
:func:`mineral_catalog`) an event on other minerals the dataset covers (gallium, antimony,
cobalt...) restricts those minerals' products. An outage stops a share of the named
country's mine output of each named mineral for ``OUTAGE_MONTHS`` (an assumption: articles
rarely say how long a mine stays shut).
"""

from __future__ import annotations

import re
from typing import Any

from critmin.elements import MATERIAL_MINERALS
from critmin.signals.extract import REE_ELEMENTS, Event

RESTRICTION_TYPES = {"export_control", "import_ban", "sanction"}
OUTAGE_TYPES = {"outage"}
DRAFT_TYPES = RESTRICTION_TYPES | OUTAGE_TYPES
DEFAULT_SHARE = [0.3, 1.0]
REE_PRODUCTS = ["re_oxides", "re_metals", "ndfeb_magnets"]
DEFAULT_MONTHS = 24
OUTAGE_MONTHS = 6  # assumption: how long an outage lasts when the article does not say
#: without a dataset: the rare-earth chain only
DEFAULT_CATALOG: dict[str, dict[str, Any]] = {
    "rare_earths": {"products": REE_PRODUCTS, "mine": "re_concentrate"}
}


def mineral_catalog(atlas: Any) -> dict[str, dict[str, Any]]:
    """Mineral -> ``{"products": [...], "mine": id}`` of an atlas: the products of each
    chain (aggregates and stand-alone products, not element leaves) and its mining product."""
    frame = atlas.products
    top = frame[frame["group"].isna()] if "group" in frame else frame
    out: dict[str, dict[str, Any]] = {}
    for pid, row in top.iterrows():
        mineral = row.get("mineral")
        if not isinstance(mineral, str) or not mineral:
            continue
        entry = out.setdefault(mineral, {"products": [], "mine": None})
        entry["products"].append(str(pid))
        if row.get("stage") == "mining" and entry["mine"] is None:
            entry["mine"] = str(pid)
    if "rare_earths" in out:  # the draft's own choice of rare-earth products
        out["rare_earths"]["products"] = [
            p for p in REE_PRODUCTS if p in out["rare_earths"]["products"]
        ]
    return out


def _share(e: dict[str, Any]) -> Any:
    pct = [q["value"] for q in e.get("quantities") or [] if q.get("unit") == "%"]
    if pct and 0 < max(pct) <= 100 and max(pct) >= 1:
        return round(max(pct) / 100, 4)
    return DEFAULT_SHARE


def _covered(materials: list[str], catalog: dict[str, dict[str, Any]]) -> list[str]:
    """The minerals (other than rare earths) of ``materials`` the catalog covers, in order."""
    minerals = [MATERIAL_MINERALS.get(m) for m in materials]
    return list(dict.fromkeys(m for m in minerals if m and m != "rare_earths" and m in catalog))


def draft_scenario(
    event: Event | dict[str, Any],
    *,
    months: int = DEFAULT_MONTHS,
    catalog: dict[str, dict[str, Any]] | None = None,
) -> dict:
    """A scenario dict (passes :func:`critmin.simulate.parse_scenario`) for a restriction
    or an outage; ``catalog`` (:func:`mineral_catalog`): the minerals the dataset covers."""
    e = event if isinstance(event, dict) else event.to_dict()
    etype = e["type"]
    if etype not in DRAFT_TYPES:
        raise ValueError(f"no scenario for a {etype} event; only for "
                         f"{', '.join(sorted(DRAFT_TYPES))}")  # fmt: skip
    countries = [c for c in e.get("countries") or [] if c != "EU"]
    if not countries:
        raise ValueError("the event names no country to act as the exporter")
    catalog = catalog or DEFAULT_CATALOG
    materials = e.get("materials") or []
    others = _covered(materials, catalog)
    ree = "rare_earths" in catalog and (
        not others or any(MATERIAL_MINERALS.get(m) == "rare_earths" for m in materials)
    )
    share = _share(e)
    if etype in OUTAGE_TYPES:
        return _outage(e, countries[0], (["rare_earths"] if ree else []) + others, catalog,
                       share, months)  # fmt: skip
    if etype == "export_control":
        exporter, targets = countries[0], countries[1:]
    else:  # an import ban or a sanction: the first named country acts against the others
        exporter = countries[1] if len(countries) > 1 else countries[0]
        targets = [countries[0]] if len(countries) > 1 else []
    base: dict[str, Any] = {"exporter": exporter, "importers": targets or "all", "start": 1}
    restrictions = []
    if ree:
        restriction = dict(base)
        elements = [m for m in materials if m in REE_ELEMENTS]
        if elements:
            restriction["products"] = REE_PRODUCTS
            restriction["elements"] = elements
        elif "NdFeB" in materials and "REE" not in materials:
            restriction["products"] = ["ndfeb_magnets"]
        else:
            restriction["products"] = REE_PRODUCTS
        restrictions.append(restriction)
    if others:
        products = [p for m in others for p in catalog[m]["products"]]
        restrictions.append(dict(base, products=products))
    for r in restrictions:
        r["share"] = share
    draft = _frame(e, share, materials, catalog, months, "start and duration are assumptions")
    return draft | {"restrictions": restrictions}


def _frame(
    e: dict[str, Any], share: Any, materials: list[str], catalog: dict[str, dict[str, Any]],
    months: int, assumed: str,
) -> dict[str, Any]:  # fmt: skip
    """Name, description, event, sources and months of a draft."""
    etype = e["type"]
    evidence = " ".join(str(e.get("evidence") or "").split())
    name = re.sub(r"[^a-z0-9]+", "-", f"signal-{e.get('article_id') or 'event'}-{etype}".lower())
    uncovered = [m for m in materials if MATERIAL_MINERALS.get(m) not in catalog]
    note = (f" The article also names {', '.join(uncovered)}, which the model does not cover."
            if uncovered else "")  # fmt: skip
    return {
        "name": name.strip("-"),
        "description": (
            f"Draft from a {etype.replace('_', ' ')} event ({e.get('language')}, "
            f"{e.get('date') or 'undated'}, article {e.get('article_id')}): {evidence}"
            f" Share {'from the article' if share is not DEFAULT_SHARE else 'uncertain'};"
            f" {assumed}.{note}"
        ),
        "event": f"{etype} {e.get('date') or ''}".strip(),
        "sources": [f"signals article {e.get('article_id')}"],
        "months": months,
    }


def _outage(
    e: dict[str, Any], country: str, minerals: list[str], catalog: dict[str, dict[str, Any]],
    share: Any, months: int,
) -> dict[str, Any]:  # fmt: skip
    """An outage of ``country``'s mine output of each mineral for ``OUTAGE_MONTHS``."""
    mines = [catalog[m]["mine"] for m in minerals if catalog[m].get("mine")]
    if not mines:
        raise ValueError("the outage names no mineral the dataset mines")
    outages = [{"country": country, "product": p, "share": share, "start": 1,
                "duration": min(OUTAGE_MONTHS, months)} for p in mines]  # fmt: skip
    assumed = f"start and duration ({OUTAGE_MONTHS} months) are assumptions"
    draft = _frame(e, share, e.get("materials") or [], catalog, months, assumed)
    return draft | {"outages": outages}
