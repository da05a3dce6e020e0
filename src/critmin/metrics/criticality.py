"""The criticality matrix of every mineral chain for a partner: EU-JRC supply risk (the
chain's most critical stage) x economic importance, with the EU thresholds SR >= 1, EI >= 2.8."""

from __future__ import annotations

import pandas as pd

from critmin.atlas import Atlas
from critmin.metrics.economic_importance import EI_THRESHOLD, economic_importance
from critmin.metrics.supply_risk import SR_THRESHOLD, supply_risk

COLUMNS = ["partner", "mineral", "supply_risk", "sr_product", "sr_stage",
           "economic_importance", "critical", "ei_product", "ei_shares_country",
           "ei_shares_year", "share_mapped", "si_ei", "value_added_year", "nace_shares",
           "flags"]  # fmt: skip


def criticality_matrix(
    atlas: Atlas, partner: str = "framework", *, risk: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per mineral chain: supply risk for ``partner`` (a country or a group), taken
    at the chain's product with the highest SR (``sr_product``, ``sr_stage``), and economic
    importance (:func:`~critmin.metrics.economic_importance.economic_importance`).

    ``critical`` is SR >= 1 and EI >= 2.8, or None when either is not computed (a chain with
    no SR row: the partner neither produces nor imports any of its products in the data).
    ``risk``: the partner's rows of :func:`supply_risk` when already computed."""
    if partner not in atlas.groups and partner not in atlas.countries:
        known = ", ".join([*atlas.groups, *atlas.countries])
        raise KeyError(f"unknown partner {partner!r}; use a country or a group: {known}")
    ei = economic_importance(atlas, partner).set_index("mineral")
    sr = supply_risk(atlas, [partner]) if risk is None else risk.copy()
    mineral_of = (atlas.products["mineral"].to_dict() if atlas.minerals
                  else dict.fromkeys(atlas.products.index, "all"))  # fmt: skip
    if not sr.empty:
        sr["mineral"] = sr["product"].map(mineral_of)
    rows = []
    for mineral, e in ei.iterrows():
        flags = list(e["flags"])
        mine = sr[sr["mineral"] == mineral] if not sr.empty else sr
        if mine.empty:
            value, product, stage = None, None, None
            flags.insert(0, f"no supply-risk row for {partner}: SR not computed")
        else:
            top = mine.loc[mine["supply_risk"].idxmax()]
            value, product, stage = float(top["supply_risk"]), top["product"], top["stage"]
            flags += [f"SR: {n}" for n in top["notes"]]
        ei_value = e["economic_importance"]
        ei_value = None if ei_value is None or pd.isna(ei_value) else float(ei_value)
        critical = (None if value is None or ei_value is None
                    else bool(value >= SR_THRESHOLD and ei_value >= EI_THRESHOLD))  # fmt: skip
        rows.append({
            "partner": partner, "mineral": mineral, "supply_risk": value, "sr_product": product,
            "sr_stage": stage, "economic_importance": ei_value, "critical": critical,
            "ei_product": e["ei_product"], "ei_shares_country": e["ei_shares_country"],
            "ei_shares_year": e["ei_shares_year"], "share_mapped": e["share_mapped"],
            "si_ei": e["si_ei"], "value_added_year": e["value_added_year"],
            "nace_shares": e["nace_shares"], "flags": flags,
        })  # fmt: skip
    return pd.DataFrame(rows, columns=COLUMNS)
