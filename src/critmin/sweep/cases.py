"""The criticality sweep's cases: one export cut per (mineral or rare-earth element, major
exporter, severity, duration), each with an annual probability.

Major exporters of a chain are the countries with the largest share of its baseline exports,
valued at reference prices (tonnes where a product has no price), down to ``min_share``.
A case's probability is the annual probability that the exporter restricts the mineral
(:func:`annual_probabilities`) times the weight of its severity and duration (uniform over
the grid unless given).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

from critmin.atlas import Atlas
from critmin.elements import MATERIAL_MINERALS, REE_ELEMENTS
from critmin.errors import DataError, Issue
from critmin.simulate.network import build_network
from critmin.simulate.scenario import Restriction, Scenario

#: rare-earth elements swept one by one (label -> symbols as products.csv names them)
ELEMENT_LABELS = {
    "La": ("La",),
    "Ce": ("Ce",),
    "NdPr": ("Nd", "Pr"),
    "Sm": ("Sm",),
    "Gd": ("Gd",),
    "Tb": ("Tb",),
    "Dy": ("Dy",),
    "Y": ("Y",),
    "Lu": ("Lu",),
}
REFERENCE_YEAR = 2026
#: signal event types that count as a disruption by their first country
SIGNAL_TYPES = ("export_control", "outage")
#: a measure: exporter, mineral, rare-earth element label (None: the whole chain), year
Measure = tuple[str, str, str | None, int]


class SweepSpec(BaseModel):
    """Everything that defines a sweep (stored with it, so it can be replayed)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    partners: tuple[str, ...] = ("USA", "JPN", "eu27")
    minerals: tuple[str, ...] | None = None  # None: every chain of the dataset
    elements: bool = True  # rare earths element by element too
    exporters: int = Field(default=3, ge=1, le=20)
    min_share: float = Field(default=0.05, ge=0, le=1)
    severities: tuple[float, ...] = (0.3, 0.6, 0.9)
    durations: tuple[int, ...] = (3, 6, 12)
    severity_weights: tuple[float, ...] | None = None
    duration_weights: tuple[float, ...] | None = None
    months: int = Field(default=24, ge=1, le=120)
    draws: int = Field(default=100, ge=1, le=100_000)
    seed: int = 0
    method: str = "leontief"
    count: Literal["unmet", "shortfall"] = "unmet"  # what a partner goes without (impact)
    prior_years: float = Field(default=1.0, gt=0)
    signal_measures: tuple[tuple[str, str, str | None, int], ...] = ()  # from the signals store
    probabilities: dict[str, float] = Field(default_factory=dict)  # "EXP:mineral[:El]" -> p

    @field_validator("severities")
    @classmethod
    def _severities(cls, v: tuple[float, ...]) -> tuple[float, ...]:
        if not v or any(not 0 < s <= 1 for s in v):
            raise ValueError("severities are shares of exports cut, each in (0, 1]")
        return v

    @field_validator("durations")
    @classmethod
    def _durations(cls, v: tuple[int, ...]) -> tuple[int, ...]:
        if not v or any(d < 1 for d in v):
            raise ValueError("durations are whole months, at least 1")
        return v

    @field_validator("probabilities")
    @classmethod
    def _probabilities(cls, v: dict[str, float]) -> dict[str, float]:
        for key, p in v.items():
            if not 0 <= p <= 1:
                raise ValueError(f"probability of {key} must be in [0, 1], got {p}")
        return v


@dataclass(frozen=True)
class Case:
    """One disruption scenario of the sweep."""

    index: int
    mineral: str
    element: str | None
    exporter: str
    severity: float
    duration: int
    probability: float  # annual probability of this case
    export_share: float
    scenario: Scenario = field(repr=False)

    @property
    def item(self) -> str:
        """What the case ranks: the element (``Dy``) or the mineral."""
        return self.element or self.mineral

    @property
    def id(self) -> str:
        el = f"-{self.element}" if self.element else ""
        return (
            f"{self.mineral}{el}-{self.exporter}-{round(self.severity * 100)}pct-{self.duration}m"
        )


def _weights(values: Sequence, given: Sequence[float] | None, name: str) -> np.ndarray:
    if given is None:
        return np.full(len(values), 1.0 / len(values))
    w = np.asarray(given, dtype=float)
    if len(w) != len(values) or (w < 0).any() or w.sum() <= 0:
        raise DataError(
            [
                Issue(
                    "sweep",
                    None,
                    name,
                    f"{len(values)} non-negative weights needed, got {list(given)}",
                )
            ]
        )
    return w / w.sum()


def annual_probabilities(
    atlas: Atlas,
    exporters: Sequence[str] | None = None,
    prior_years: float = 1.0,
    until: int = REFERENCE_YEAR,
    extra: Sequence[Measure] = (),
) -> pd.DataFrame:
    """Annual probability that each exporter restricts each mineral (and rare-earth element),
    from the dataset's ``disruptions`` history: ``k`` measures started in ``Y`` years of
    record give a rate ``(k + a x r) / (Y + a)``, shrunk toward the exporter's rate over all
    minerals ``r`` (itself shrunk toward the rate of all exporters) with ``a = prior_years``;
    probability ``1 - exp(-rate)``. Measures starting in the same year count once.
    Columns: exporter, mineral, element, measures, years, rate, probability."""
    table = atlas.table("disruptions")
    minerals = atlas.minerals
    if table.empty and not extra:
        raise DataError(
            [
                Issue(
                    "disruptions",
                    None,
                    None,
                    "the dataset has no disruption history: give probabilities explicitly",
                )
            ]
        )
    years = [int(str(x)[:4]) for x in table["start"]] + [m[3] for m in extra]
    first = min(years)
    Y = max(1, until - first + 1)
    starts: dict[tuple[str, str, str | None], set[int]] = {}
    for r in table.itertuples(index=False):
        year = int(str(r.start)[:4])
        els = str(r.elements).split() if isinstance(r.elements, str) and r.elements else None
        starts.setdefault((r.exporter, r.mineral, None), set()).add(year)
        if r.mineral == "rare_earths":
            for label, symbols in ELEMENT_LABELS.items():
                if els is None or set(symbols) & set(els):
                    starts.setdefault((r.exporter, r.mineral, label), set()).add(year)
    for exporter, mineral, label, year in extra:
        starts.setdefault((exporter, mineral, None), set()).add(year)
        if mineral == "rare_earths":
            for lab in [label] if label else list(ELEMENT_LABELS):
                starts.setdefault((exporter, mineral, lab), set()).add(year)
    pool = sorted(set(exporters or []) | {k[0] for k in starts})
    M = max(1, len(minerals))
    total = sum(len(v) for k, v in starts.items() if k[2] is None)
    r0 = total / (Y * M * max(1, len(pool)))
    rows = []
    for e in pool:
        k_e = sum(len(v) for k, v in starts.items() if k[0] == e and k[2] is None)
        r_e = (k_e + prior_years * r0) / (Y * M + prior_years)
        for m in minerals:
            labels = [None, *ELEMENT_LABELS] if m == "rare_earths" else [None]
            for label in labels:
                k = len(starts.get((e, m, label), ()))
                rate = (k + prior_years * r_e) / (Y + prior_years)
                rows.append(
                    {
                        "exporter": e,
                        "mineral": m,
                        "element": label,
                        "measures": k,
                        "years": Y,
                        "rate": rate,
                        "probability": 1 - math.exp(-rate),
                    }
                )
    return pd.DataFrame(rows)


def major_exporters(
    atlas: Atlas, mineral: str, symbols: Sequence[str] | None, top: int, min_share: float
) -> list[tuple[str, float]]:
    """The chain's (or the element's products') largest exporters by share of baseline export
    value, at most ``top``, each with at least ``min_share``."""
    sub = atlas.for_minerals([mineral])
    net = build_network(sub)
    from critmin.prices import reference_prices

    prices = reference_prices(sub).set_index("product")["usd_per_kg"].to_dict()
    elements = sub.tree.elements_of if symbols else {}
    value = np.zeros(len(net.countries))
    for pi, p in enumerate(net.products):
        if symbols and not set(symbols) & set(elements.get(p, ())):
            continue
        flows = net.flows[pi].copy()
        np.fill_diagonal(flows, 0.0)
        value += flows.sum(axis=1) * float(prices.get(p, 1.0) or 1.0)
    if value.sum() <= 0:
        return []
    share = value / value.sum()
    order = np.argsort(-share)
    return [(net.countries[i], float(share[i])) for i in order[:top] if share[i] >= min_share]


def _scenario(
    mineral: str,
    products: list[str],
    symbols: Sequence[str] | None,
    exporter: str,
    severity: float,
    duration: int,
    months: int,
    name: str,
) -> Scenario:
    return Scenario(
        name=name,
        minerals=[mineral],
        months=months,
        description=f"criticality sweep: {exporter} cuts {round(severity * 100)}% of its "
        f"{'/'.join(symbols) if symbols else mineral} exports for {duration} months",
        restrictions=[
            Restriction(
                exporter=exporter,
                products=products,
                elements=list(symbols) if symbols else None,
                share=severity,
                start=1,
                duration=min(duration, months),
            )
        ],
    )


def sweep_cases(atlas: Atlas, spec: SweepSpec) -> list[Case]:
    """The sweep's cases, in a fixed order (mineral, element, exporter, severity, duration)."""
    known = atlas.minerals
    minerals = list(spec.minerals) if spec.minerals else known
    unknown = [m for m in minerals if m not in known]
    if unknown:
        raise DataError(
            [
                Issue(
                    "sweep",
                    None,
                    "minerals",
                    f"unknown mineral {', '.join(unknown)}; the dataset has {', '.join(known)}",
                )
            ]
        )
    sev_w = _weights(spec.severities, spec.severity_weights, "severity_weights")
    dur_w = _weights(spec.durations, spec.duration_weights, "duration_weights")
    targets: list[tuple[str, str | None]] = []
    for m in minerals:
        targets.append((m, None))
        if m == "rare_earths" and spec.elements:
            targets += [(m, label) for label in ELEMENT_LABELS]
    found = {
        (m, label, e): s
        for m, label in targets
        for e, s in major_exporters(
            atlas, m, ELEMENT_LABELS.get(label) if label else None, spec.exporters, spec.min_share
        )
    }
    exporters = sorted({e for _, _, e in found})
    lookup: Mapping[tuple[str, str, str | None], float] = {}
    if not atlas.table("disruptions").empty or spec.signal_measures:
        probs = annual_probabilities(atlas, exporters, spec.prior_years, extra=spec.signal_measures)
        lookup = {
            (r.exporter, r.mineral, r.element if isinstance(r.element, str) else None): float(
                r.probability
            )
            for r in probs.itertuples(index=False)
        }
    mineral_of = atlas.products["mineral"]
    cases: list[Case] = []
    for (m, label, e), share in found.items():
        key = f"{e}:{m}" + (f":{label}" if label else "")
        p_year = spec.probabilities.get(key, spec.probabilities.get(f"{e}:{m}"))
        if p_year is None:
            p_year = lookup.get((e, m, label))
        if p_year is None:
            raise DataError([Issue("sweep", None, "probabilities", f"no probability for {key}")])
        products = [str(p) for p in mineral_of[mineral_of == m].index]
        symbols = ELEMENT_LABELS.get(label) if label else None
        for si, sev in enumerate(spec.severities):
            for di, dur in enumerate(spec.durations):
                i = len(cases)
                name = f"sweep-{m}{'-' + label if label else ''}-{e}-{si}-{di}"
                cases.append(
                    Case(
                        i,
                        m,
                        label,
                        e,
                        float(sev),
                        int(dur),
                        float(p_year * sev_w[si] * dur_w[di]),
                        share,
                        _scenario(m, products, symbols, e, sev, dur, spec.months, name),
                    )
                )
    return cases


def signal_measures(events: pd.DataFrame, minerals: Sequence[str]) -> tuple[Measure, ...]:
    """Disruptions the signals store has seen (:func:`critmin.data.signals.list_events`):
    export controls and outages with a date, by their first country, per mineral the event
    names (rare-earth elements by their label). Counted in the history like
    ``disruptions.csv`` rows; a measure already there the same year counts once."""
    out: set[Measure] = set()
    if events.empty:
        return ()
    symbol_label = {s: label for label, syms in ELEMENT_LABELS.items() for s in syms}
    for e in events.itertuples(index=False):
        if e.type not in SIGNAL_TYPES or not e.countries or not isinstance(e.date, str):
            continue
        try:
            year = int(e.date[:4])
        except ValueError:
            continue
        exporter = str(e.countries[0])
        for material in e.materials or []:
            if material in symbol_label:  # an element: that element (and so the chain)
                out.add((exporter, "rare_earths", symbol_label[material], year))
            elif material in REE_ELEMENTS:  # not swept alone: counts for the chain only
                out.add((exporter, "rare_earths", material, year))
            elif MATERIAL_MINERALS.get(material) in minerals:
                out.add((exporter, MATERIAL_MINERALS[material], None, year))
    return tuple(sorted(out, key=lambda m: (m[0], m[1], m[2] or "", m[3])))
