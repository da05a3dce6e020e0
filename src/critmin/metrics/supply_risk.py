"""EU-JRC supply-risk indicator (Blengini et al. 2017, EUR 28654 EN), for a country or a group.

``SR = [HHI_WGI,t(global supply) * IR/2 + HHI_WGI,t(sourcing) * (1 - IR/2)]
      * (1 - EoL_RIR) * SI_SR``, with ``HHI_WGI,t = sum_c S_c^2 * WGI_c * t_c`` (shares as
fractions, WGI rescaled to 0..10, ``t_c`` the trade-restriction factor of exporter ``c``),
``IR`` the import reliance of the assessed entity. Critical if SR >= 1 (and EI >= 2.8, not
computed here). Sourcing = the entity's own output plus its imports by origin; for a group,
trade between members is internal and left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from critmin.atlas import Atlas
from critmin.metrics.dependency import reliance_ratio

SR_THRESHOLD = 1.0


def weighted_hhi(
    shares: Mapping[str, float], wgi: Mapping[str, float], t: Mapping[str, float]
) -> float:
    """``sum_c S_c^2 * WGI_c * t_c`` (``t_c`` defaults to 1)."""
    return float(sum(s * s * wgi[c] * t.get(c, 1.0) for c, s in shares.items()))


def supply_risk_value(
    hhi_global: float, hhi_sourcing: float, ir: float, eol_rir: float, si: float
) -> float:
    """The EU-JRC supply-risk formula on its inputs."""
    return (hhi_global * ir / 2 + hhi_sourcing * (1 - ir / 2)) * (1 - eol_rir) * si


def entity_flows(
    atlas: Atlas, product: str, members: Iterable[str], trade: pd.DataFrame | None = None
) -> tuple[float, pd.Series, float]:
    """Own output, imports by origin and exports of a set of countries (trade with outsiders);
    ``trade``: the product's exporter x importer frame when the caller has it already."""
    members = [m for m in members if m in atlas.countries]
    prod = atlas.production.sel(product=product)
    if trade is None:
        trade = atlas.trade.sel(product=product).to_pandas()
    own = float(prod.sel(country=members).sum()) if members else 0.0
    outside = [c for c in atlas.countries if c not in members]
    imports = trade.loc[outside, members].sum(axis=1) if members else pd.Series(dtype=float)
    exports = float(trade.loc[members, outside].to_numpy().sum()) if members else 0.0
    return own, imports[imports > 0], exports


def supply_risk(atlas: Atlas, entities: Iterable[str] | None = None) -> pd.DataFrame:
    """Supply risk per product for each entity (an ISO3 country or a partner-group name).

    By default: the ``framework`` group, each of its members and the ``eu27`` group if defined.
    Missing governance figures use the median of the known ones and are listed in ``flags``;
    a product without ``criticality`` inputs uses EoL-RIR 0 and SI 1 (no recycling, no
    substitution: the cautious reading) and says so. A product with no trade rows at all has no
    known sourcing: every entity is taken to source like the world (SR = the global term,
    import reliance NaN) and a note says so, rather than reading its own output as
    self-sufficiency.
    """
    if entities is None:
        entities = ["framework", *atlas.group("framework")]
        if "eu27" in atlas.groups:
            entities.append("eu27")
    gov = atlas.table("governance").set_index("country")["wgi_scaled"]
    default_wgi = float(gov.median()) if len(gov) else 5.0
    wgi = dict.fromkeys(atlas.countries, default_wgi) | gov.to_dict()
    restr = atlas.table("export_restrictions")
    crit = atlas.table("criticality").set_index("product")
    prod = atlas.production
    countries = [str(c) for c in prod["country"].values]
    at = {c: i for i, c in enumerate(countries)}
    out_arr = prod.to_numpy()  # product x country
    trade_arr = atlas.trade.transpose("product", "exporter", "importer").to_numpy()
    if list(map(str, atlas.trade["exporter"].values)) != countries:  # same order, checked
        raise AssertionError("production and trade countries differ in order")
    masks = {}
    for entity in entities:
        members = atlas.group(entity) if entity in atlas.groups else (entity,)
        mask = np.zeros(len(countries), dtype=bool)
        mask[[at[m] for m in members if m in at]] = True
        masks[entity] = (tuple(members), mask)
    rows = []
    for i, p in enumerate(prod["product"].values):
        p = str(p)
        line = pd.Series(out_arr[i], index=countries)
        if line.sum() <= 0:
            continue
        t = dict(
            zip(*restr.loc[restr["product"] == p, ["country", "factor"]].T.values, strict=True)
        )
        global_shares = (line[line > 0] / line.sum()).to_dict()
        h_global = weighted_hhi(global_shares, wgi, t)
        eol, si = (
            (float(crit.loc[p, "eol_rir"]), float(crit.loc[p, "substitution_index"]))
            if p in crit.index else (0.0, 1.0)
        )  # fmt: skip
        flows = trade_arr[i]  # exporter x importer, once per product
        year, stage = int(prod.sel(product=p)["year"]), atlas.stage_of(p)
        traded = float(flows.sum()) > 0
        for entity in entities:
            members, mask = masks[entity]
            own_wgi = float(np.mean([wgi.get(m, default_wgi) for m in members]))
            if traded:
                # own output, imports by origin and exports, trade with outsiders only (as
                # entity_flows, on arrays: this loop runs products x entities times)
                own = float(out_arr[i, mask].sum()) if mask.any() else 0.0
                by_origin = np.where(mask, 0.0, flows[:, mask].sum(axis=1))
                exports = float(flows[np.ix_(mask, ~mask)].sum()) if mask.any() else 0.0
                origin = np.flatnonzero(by_origin > 0)
                imports_total = float(by_origin[origin].sum())
                sourcing = {members[0] if len(members) == 1 else "_own": own} | {
                    countries[j]: float(by_origin[j]) for j in origin
                }
                sourcing = {c: v for c, v in sourcing.items() if v > 0}
                total = sum(sourcing.values())
                if total <= 0:
                    continue
                src_shares = {c: v / total for c, v in sourcing.items()}
                ir = reliance_ratio(own, imports_total, exports)
                missing = []
            else:  # no trade rows at all: the entity's sourcing is unknown, not its own output
                src_shares, ir = global_shares, float("nan")
                missing = [f"no trade rows for {p}: sourcing taken as the world supply mix "
                           "(import reliance unknown; SR = the global term)"]  # fmt: skip
            h_src = weighted_hhi(src_shares, wgi | {"_own": own_wgi}, t)
            flags = sorted(c for c in set(global_shares) | set(src_shares) - {"_own"}
                           if c not in gov.index)  # fmt: skip
            notes = (
                [f"no WGI for {', '.join(flags)}: median {default_wgi:.2f} used"] if flags else []
            ) + missing
            if p not in crit.index:
                notes.append("no criticality inputs: EoL-RIR 0, SI 1 used")
            sr = supply_risk_value(h_global, h_src, 1.0 if np.isnan(ir) else ir, eol, si)
            rows.append(
                {
                    "entity": entity, "product": p, "stage": stage, "year": year,
                    "hhi_wgi_global": h_global, "hhi_wgi_sourcing": h_src,
                    "import_reliance": ir, "eol_rir": eol, "substitution_index": si,
                    "supply_risk": sr, "critical": bool(sr >= SR_THRESHOLD), "notes": notes,
                }
            )  # fmt: skip
    return pd.DataFrame(rows)
