"""Stage-to-stage material flows by country: who supplies whose next processing stage.

The dataset holds each country's output per stage and the observed trade between countries,
but not which country's ore ended up in which country's oxides. :func:`stage_flows`
*estimates* that matrix for every recipe edge (input product -> output product) with a simple,
documented allocation:

1. **domestic** first: a country covers what it needs of the input from its own output;
2. **trade**: the rest comes from the observed imports of the input into the country (the
   atlas ``trade`` array): the observed flows, scaled down pro rata to the remaining need, then
   capped at what each exporter has left after its own use (re-exports of a non-producer are
   therefore not attributed to it);
3. **estimated**: whatever is still missing comes from the other countries' remaining surplus
   (output minus domestic use minus observed exports, floored at 0), pro rata to that surplus;
4. **unmatched**: if the world's surplus is too small, the rest is reported as coming from
   ``"unknown"``.

Only the ``trade`` links rest on observed bilateral figures; ``domestic`` assumes a producer
uses its own input first, and ``estimated`` links are a proportional guess, not an observation.
Edges are processed in stage order; when one input feeds several outputs, a later edge only
sees what the earlier ones left (output and observed trade).

Every flow also carries ``reo_t``, its quantity in tonnes of REO equivalent, so that stages
counted in different bases can be drawn on one scale: REO-basis products count 1:1; any other
product is converted with the product of recipe coefficients back to an REO-basis product
(e.g. metal content x tonnes of oxide per tonne of metal).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

import numpy as np
import pandas as pd

from critmin.atlas import Atlas, per_atlas

#: Columns of the frames returned by :func:`stage_flows` and :func:`end_use_flows`.
FLOW_COLUMNS = [
    "from_product", "from_stage", "from_country", "to_product", "to_stage", "to_country",
    "quantity_t", "basis", "reo_t", "kind",
]  # fmt: skip
KINDS = ("domestic", "trade", "estimated", "unmatched", "end_use")
UNKNOWN = "unknown"
END_USE_STAGE = "end use"
_EPS = 1e-12


def reo_factors(atlas: Atlas) -> dict[str, float]:
    """Tonnes of REO equivalent per tonne of each product (in its own basis).

    1 for REO-basis products; otherwise the sum over its recipe's inputs of coefficient times
    the input's factor (a magnet with Dy: NdPr metal and DyFe both count); NaN where no chain
    leads back to an REO-basis product.
    """
    return dict(_reo_factors(atlas))


@per_atlas  # a Sankey or a report asks once per view
def _reo_factors(atlas: Atlas) -> dict[str, float]:
    products = atlas.products
    recipes = atlas.recipes
    inputs: dict[object, list[tuple[float, object]]] = {}
    for output, inp, coef in zip(
        recipes["output"], recipes["input"], recipes["tonnes_per_tonne"], strict=True
    ):
        inputs.setdefault(output, []).append((float(coef), inp))
    factors: dict[str, float] = {}
    for p, basis in zip(products.index, products["basis"], strict=True):
        # stage order: inputs come before outputs
        if basis == "REO":
            factors[p] = 1.0
            continue
        terms = [coef * factors.get(inp, float("nan")) for coef, inp in inputs.get(p, [])]  # type: ignore[call-overload]
        finite = [t for t in terms if np.isfinite(t)]
        factors[p] = float(sum(finite)) if finite else float("nan")
    return factors


def flow_products(atlas: Atlas, elements: Iterable[str] | None = None) -> list[str]:
    """Products the flows follow, in stage order: leaves and stand-alone products (an
    aggregate's figures are the sum of its leaves'; its own recipes only describe the
    aggregate view), or the aggregates and stand-alone products when no recipe links two
    leaves. ``elements``: only products carrying one of them (a leaf's ``elements``)."""
    tree = atlas.tree
    aggregates = set(tree.members)
    leaves = [p for p in atlas.products.index if p not in aggregates]
    linked = set(leaves)
    recipes = atlas.recipes
    if aggregates and not (recipes["output"].isin(linked) & recipes["input"].isin(linked)).any():
        leaves = [p for p in atlas.products.index if p not in tree.group_of]
    if elements is not None:
        wanted = list(elements)
        leaves = [p for p in leaves if tree.carries(p, wanted)]
    return [str(p) for p in leaves]


def input_share(atlas: Atlas, product: str, inputs: Collection[str]) -> float:
    """Share of a product's REO-equivalent recipe inputs that come from ``inputs`` (1 for a
    product without recipe inputs): the part of a magnet's flow a Dy view attributes to Dy."""
    factors = reo_factors(atlas)
    rows = atlas.recipes[atlas.recipes["output"] == product]
    weights = {
        str(r.input): float(r.tonnes_per_tonne) * float(np.nan_to_num(factors.get(r.input, 0.0)))
        for r in rows.itertuples(index=False)
    }
    total = sum(weights.values())
    if total <= 0:
        return 1.0
    return sum(w for p, w in weights.items() if p in inputs) / total


def _edges(atlas: Atlas, products: Collection[str] | None = None) -> list[tuple[str, str, float]]:
    """Recipe edges (output, input, coefficient) between ``products`` (default:
    :func:`flow_products`) in the order of the output's stage."""
    order = {p: i for i, p in enumerate(atlas.products.index)}
    keep = set(flow_products(atlas) if products is None else products)
    recipes = atlas.recipes
    edges = [
        (str(r.output), str(r.input), float(r.tonnes_per_tonne))
        for r in recipes.itertuples(index=False)
        if r.output in order and r.input in order and r.output in keep and r.input in keep
    ]
    return sorted(edges, key=lambda e: (order[e[0]], order[e[1]]))


def allocate(
    production: np.ndarray, need: np.ndarray, trade: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One recipe edge: split each country's ``need`` of an input among its suppliers.

    ``production`` and ``need`` are vectors over countries, ``trade`` the observed
    exporter x importer matrix of the input. Returns ``(domestic, traded, estimated,
    unmatched)``: ``domestic`` and ``unmatched`` vectors by consuming country, ``traded`` and
    ``estimated`` exporter x importer matrices. See the module docstring for the rules.
    """
    prod = np.clip(np.asarray(production, dtype=float), 0, None)
    need = np.clip(np.asarray(need, dtype=float), 0, None)
    t = np.clip(np.asarray(trade, dtype=float), 0, None).copy()
    np.fill_diagonal(t, 0.0)

    domestic = np.minimum(prod, need)
    remaining = need - domestic

    # observed imports, scaled down to the importer's remaining need ...
    imports = t.sum(axis=0)
    col_scale = np.divide(
        remaining, imports, out=np.zeros_like(remaining), where=imports > _EPS
    ).clip(max=1.0)
    traded = t * col_scale[None, :]
    # ... and to what the exporter has left after its own use
    available = prod - domestic
    sent = traded.sum(axis=1)
    row_scale = np.divide(available, sent, out=np.ones_like(sent), where=sent > _EPS).clip(max=1.0)
    traded = traded * row_scale[:, None]

    missing = np.clip(remaining - traded.sum(axis=0), 0, None)
    surplus = np.clip(prod - domestic - t.sum(axis=1), 0, None)
    total_missing, total_surplus = float(missing.sum()), float(surplus.sum())
    denom = max(total_missing, total_surplus)
    if denom > _EPS:
        estimated = np.outer(surplus, missing) / denom
        unmatched = missing * (1.0 - total_surplus / denom)  # exactly 0 when surplus suffices
    else:
        estimated, unmatched = np.zeros_like(t), missing
    np.fill_diagonal(estimated, 0.0)  # a country short of input has no surplus of its own
    return domestic, traded, estimated, unmatched


def stage_flows(atlas: Atlas, products: Collection[str] | None = None) -> pd.DataFrame:
    """Estimated flows of each recipe input from supplying to consuming countries.

    For every recipe edge (input -> output) and every country ``c`` with output, the need
    ``output_c x tonnes_per_tonne`` (in the input's basis) is met, in this order, from ``c``'s
    own output (``domestic``), its observed imports (``trade``), other countries' surplus pro
    rata (``estimated``) and, when the world has too little, ``"unknown"`` (``unmatched``).
    This is an estimate: only ``trade`` links are observed bilateral figures (see the module
    docstring). ``quantity_t`` is in the input's ``basis``; ``reo_t`` in t REO equivalent.
    One row per positive flow, columns :data:`FLOW_COLUMNS`. ``products`` limits the edges
    to those between the listed products (default :func:`flow_products`).
    """
    countries = np.asarray(atlas.countries, dtype=object)
    prod_all = atlas.production
    trade_all = atlas.trade
    row_of = {str(p): i for i, p in enumerate(prod_all["product"].values)}
    trade_row = {str(p): i for i, p in enumerate(trade_all["product"].values)}
    prod_values = prod_all.transpose("product", "country").values
    trade_values = trade_all.transpose("product", "exporter", "importer").values
    stage = atlas.products["stage"].to_dict()
    basis = atlas.products["basis"].to_dict()
    factors = reo_factors(atlas)
    left_prod: dict[str, np.ndarray] = {}
    left_trade: dict[str, np.ndarray] = {}
    columns: dict[str, list] = {c: [] for c in FLOW_COLUMNS}  # pieces, joined once at the end
    for output, inp, coef in _edges(atlas, products):
        if inp not in left_prod:
            left_prod[inp] = np.array(prod_values[row_of[inp]], dtype=float)
            left_trade[inp] = np.array(trade_values[trade_row[inp]], dtype=float)
        need = np.asarray(prod_values[row_of[output]], dtype=float) * coef
        domestic, traded, estimated, unmatched = allocate(left_prod[inp], need, left_trade[inp])
        left_prod[inp] = np.clip(
            left_prod[inp] - domestic - traded.sum(axis=1) - estimated.sum(axis=1), 0, None
        )
        left_trade[inp] = np.clip(left_trade[inp] - traded, 0, None)

        parts = []
        (i,) = np.nonzero(domestic > _EPS)
        parts.append((countries[i], countries[i], domestic[i], "domestic"))
        for matrix, kind in ((traded, "trade"), (estimated, "estimated")):
            e, c = np.nonzero(matrix > _EPS)
            parts.append((countries[e], countries[c], matrix[e, c], kind))
        (i,) = np.nonzero(unmatched > _EPS)
        parts.append(
            (np.full(len(i), UNKNOWN, dtype=object), countries[i], unmatched[i], "unmatched")
        )
        for src, dst, qty, kind in parts:
            n = len(qty)
            if n == 0:
                continue
            quantity = qty.astype(float)
            for col, value in (
                ("from_product", inp), ("from_stage", stage[inp]), ("from_country", src),
                ("to_product", output), ("to_stage", stage[output]), ("to_country", dst),
                ("quantity_t", quantity), ("basis", basis[inp]),
                ("reo_t", quantity * factors[inp]), ("kind", kind),
            ):  # fmt: skip
                columns[col].append(value if isinstance(value, np.ndarray) else [value] * n)
    if not columns["kind"]:
        return _frame([])
    return pd.DataFrame({c: np.concatenate(pieces) for c, pieces in columns.items()})


def end_use_flows(atlas: Atlas, products: Collection[str] | None = None) -> pd.DataFrame:
    """Last-stage output (magnets) by producing country split into end-use sectors.

    Assumption: every producer's output follows the world (``WLD``) end-use split of the
    ``demand`` table for that product (latest year up to the atlas year); shares adding up to
    less than 1 leave an ``unspecified`` remainder, shares above 1 (rounding) are rescaled.
    Rows have kind ``end_use``, ``to_stage`` ``"end use"``, ``to_product`` the sector and an
    empty ``to_country``. Empty when the demand table has no world split for the product.
    ``products`` limits the products split (default :func:`flow_products`).
    """
    keep = set(flow_products(atlas) if products is None else products)
    products = atlas.products
    if products.empty:
        return _frame([])
    last = products["stage"].iloc[-1]
    products = products[products.index.isin(keep)]
    demand = atlas.table("demand")
    demand = demand[(demand["country"] == "WLD") & (demand["year"] <= atlas.year)]
    factors = reo_factors(atlas)
    countries = np.asarray(atlas.countries, dtype=object)
    frames = []
    for product in products.index[products["stage"] == last]:
        d = demand[demand["product"] == product]
        if d.empty:
            continue
        d = d[d["year"] == d["year"].max()]
        shares = d.groupby("sector")["share"].sum()
        total = float(shares.sum())
        if total > 1:
            shares = shares / total
        elif total < 1 - 1e-9:
            shares = pd.concat([shares, pd.Series({"unspecified": 1 - total})])
        out = np.asarray(atlas.production.sel(product=product).values, dtype=float)
        split = np.outer(out, shares.to_numpy())
        c, s = np.nonzero(split > _EPS)
        qty = split[c, s]
        frames.append(
            pd.DataFrame(
                {
                    "from_product": product,
                    "from_stage": last,
                    "from_country": countries[c],
                    "to_product": shares.index.to_numpy()[s],
                    "to_stage": END_USE_STAGE,
                    "to_country": "",
                    "quantity_t": qty,
                    "basis": products.loc[product, "basis"],
                    "reo_t": qty * factors[product],
                    "kind": "end_use",
                }
            )
        )
    return _frame(frames)


def _frame(frames: Iterable[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in FLOW_COLUMNS}).astype(
            {"quantity_t": float, "reo_t": float}
        )
    return pd.concat(frames, ignore_index=True)[FLOW_COLUMNS]


def needs(atlas: Atlas, products: Collection[str] | None = None) -> pd.DataFrame:
    """What each country needs of each recipe input: rows ``to_product, to_country,
    from_product, need_t`` (positive needs only, in the input's basis)."""
    rows = []
    prod = atlas.production
    for output, inp, coef in _edges(atlas, products):
        line = prod.sel(product=output)
        for c, q in zip(line["country"].values, line.values, strict=True):
            if q > 0:
                rows.append(
                    {"to_product": output, "to_country": str(c), "from_product": inp,
                     "need_t": float(q) * coef}
                )  # fmt: skip
    return pd.DataFrame(rows, columns=["to_product", "to_country", "from_product", "need_t"])


def mass_check(
    flows: pd.DataFrame, atlas: Atlas, rtol: float = 1e-9, products: Collection[str] | None = None
) -> list[str]:
    """Invariants of :func:`stage_flows`; returns the problems found (empty when consistent).

    - no negative or non-finite quantity;
    - for every (output, country, input) the incoming flows add up to the need;
    - outgoing flows of an input from a country never exceed its output of that input;
    - domestic flows never exceed the country's output of the input.
    """
    problems: list[str] = []
    flows = flows[flows["kind"] != "end_use"]
    q = flows["quantity_t"].to_numpy(dtype=float)
    if len(q) and (not np.isfinite(q).all() or (q < 0).any()):
        problems.append("negative or non-finite quantities")
    prod = atlas.production

    def close_or_below(a: float, b: float) -> bool:
        return a <= b + rtol * max(1.0, abs(b))

    got = flows.groupby(["to_product", "to_country", "from_product"])["quantity_t"].sum()
    want = needs(atlas, products).set_index(["to_product", "to_country", "from_product"])["need_t"]
    for key in got.index.union(want.index):
        g, w = float(got.get(key, 0.0)), float(want.get(key, 0.0))
        if abs(g - w) > rtol * max(1.0, abs(w)):
            problems.append(f"incoming {key}: {g:.6g} t, need {w:.6g} t")
    known = flows[flows["from_country"] != UNKNOWN]
    out = known.groupby(["from_product", "from_country"])["quantity_t"].sum()
    for (p, c), v in out.items():
        have = float(prod.sel(product=p, country=c))
        if not close_or_below(float(v), have):
            problems.append(f"outgoing {p} from {c}: {v:.6g} t > output {have:.6g} t")
    dom = flows[flows["kind"] == "domestic"]
    for (p, c), v in dom.groupby(["from_product", "from_country"])["quantity_t"].sum().items():
        have = float(prod.sel(product=p, country=c))
        if not close_or_below(float(v), have):
            problems.append(f"domestic {p} in {c}: {v:.6g} t > output {have:.6g} t")
    if (dom["from_country"] != dom["to_country"]).any():
        problems.append("domestic flows between different countries")
    return problems
