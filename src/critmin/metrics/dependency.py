"""Dependence of countries on imports and on partner groups."""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from critmin.atlas import Atlas


def import_reliance(atlas: Atlas, country: str | None = None) -> pd.DataFrame:
    """Net import reliance per country and product.

    ``reliance = (imports - exports) / (production + imports - exports)`` clipped to [0, 1]
    (USGS net import reliance as a share of apparent consumption; a net exporter is 0).
    Only countries with trade data for the product are listed (absent trade data is unknown,
    not zero), plus ``country`` when given; where it has no trade data, its imports, exports,
    apparent consumption and reliance are NaN (unknown), not 0.
    """
    prod, trade = atlas.production, atlas.trade
    # plain frames (product x country), read once: a lookup per cell in xarray is slow
    imports = trade.sum("exporter").rename({"importer": "country"}).to_pandas()
    exports = trade.sum("importer").rename({"exporter": "country"}).to_pandas()
    output = prod.to_pandas()
    years = _years(prod)
    countries = np.asarray(prod["country"])
    rows = []
    for p in prod["product"].values:
        p = str(p)
        imp, exp = imports.loc[p], exports.loc[p]
        covered = set(countries[(imp.values > 0) | (exp.values > 0)])
        if not covered and country is None:
            continue
        targets = sorted(covered) if country is None else [country]
        for c in targets:
            production = float(output.at[p, c]) if c in output.columns else 0.0
            known = c in covered
            i = float(imp[c]) if known and c in imp.index else float("nan")
            e = float(exp[c]) if known and c in exp.index else float("nan")
            rows.append(
                {
                    "country": c, "product": p, "stage": atlas.stage_of(p),
                    "year": years[p],
                    "production_t": production, "imports_t": i, "exports_t": e,
                    "apparent_consumption_t": production + i - e,
                    "reliance": reliance_ratio(production, i, e) if known else float("nan"),
                    "net_exporter": bool(e > i) if known else None,
                }
            )  # fmt: skip
    return pd.DataFrame(
        rows,
        columns=["country", "product", "stage", "year", "production_t", "imports_t", "exports_t",
                 "apparent_consumption_t", "reliance", "net_exporter"],
    )  # fmt: skip


def _years(prod: xr.DataArray) -> dict[str, int]:
    """The figures' year of each product (the ``year`` coordinate of ``Atlas.production``)."""
    return {str(p): int(y) for p, y in zip(prod["product"].values, prod["year"].values,
                                           strict=True)}  # fmt: skip


def reliance_ratio(production: float, imports: float, exports: float) -> float:
    """(imports - exports) / (production + imports - exports), within [0, 1]; NaN if no use."""
    net = imports - exports
    consumption = production + net
    if net <= 0:
        return 0.0 if (production > 0 or imports > 0 or exports > 0) else float("nan")
    if consumption <= 0:
        return 1.0
    return float(min(1.0, max(0.0, net / consumption)))


def partner_share(atlas: Atlas, country: str, group: str = "framework") -> pd.DataFrame:
    """How much of a country's supply (own output + imports) comes from a partner group.

    Own output counts as from the group when the country is a member. One row per product
    where the country has output or imports.
    """
    members = set(atlas.group(group))
    prod, trade = atlas.production, atlas.trade
    years = _years(prod)
    output = prod.sel(country=country).to_pandas() if country in prod["country"] else None
    # the country's imports, product x exporter, read once as an array
    into = trade.sel(importer=country).to_pandas() if country in trade["importer"] else None
    exporters = np.asarray(into.columns, dtype=object) if into is not None else np.array([])
    in_group = np.isin(exporters, list(members))
    into_arr = into.to_numpy() if into is not None else None
    rows = []
    for i, p in enumerate(prod["product"].values):
        p = str(p)
        own = float(output[p]) if output is not None else 0.0
        if into_arr is not None:
            line = into.loc[p].to_numpy() if into.index[i] != p else into_arr[i]
            pos = line > 0
            vals, names, grp = line[pos], exporters[pos], in_group[pos]
        else:
            vals, names, grp = np.array([]), np.array([], dtype=object), np.array([], dtype=bool)
        imports = float(vals.sum())
        supply = own + imports
        if supply <= 0:
            continue
        group_imports = float(vals[grp].sum())
        from_group = (own if country in members else 0.0) + group_imports
        top = pd.Series(vals, index=names).sort_values(ascending=False)  # pandas' tie order
        rows.append(
            {
                "country": country, "product": p, "group": group,
                "year": years[p],
                "supply_t": supply, "own_output_t": own, "imports_t": imports,
                "group_share": from_group / supply,
                "others_share": 1 - from_group / supply,
                "group_share_of_imports": group_imports / imports if imports > 0 else float("nan"),
                "top_supplier": str(top.index[0]) if len(top) else None,
                "top_supplier_share_of_imports": (
                    float(top.iloc[0]) / imports if len(top) else float("nan")
                ),
            }
        )  # fmt: skip
    return pd.DataFrame(rows)
