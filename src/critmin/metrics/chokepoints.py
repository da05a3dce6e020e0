"""Chokepoints: stages or elements where one country holds more than a threshold of supply."""

from __future__ import annotations

import pandas as pd

from critmin.atlas import Atlas
from critmin.metrics.concentration import (
    concentration,
    element_concentration,
    figure_quality,
)

DEFAULT_THRESHOLD = 0.5


def chokepoints(
    atlas: Atlas, threshold: float = DEFAULT_THRESHOLD, elements: bool = True
) -> pd.DataFrame:
    """Products (and element supplies) whose largest supplier holds more than ``threshold``;
    ``quality`` is that supplier's figure's source quality (``assumption``, ``weak``...; see
    :func:`critmin.metrics.concentration.figure_quality`)."""
    if not 0 < threshold < 1:
        raise ValueError(f"threshold must be between 0 and 1, got {threshold}")
    frames = [concentration(atlas)]
    if elements:
        frames.append(element_concentration(atlas))
    rows = []
    for frame in frames:
        for r in frame.itertuples(index=False):
            if r.top1_share > threshold:
                rows.append(
                    {
                        "product": r.product, "stage": r.stage, "year": r.year,
                        "country": r.top1_country, "share": r.top1_share,
                        "quality": figure_quality(atlas, "production", r.product, r.year).get(
                            r.top1_country) or None, "hhi": r.hhi,
                        "threshold": threshold,
                    }
                )  # fmt: skip
    out = pd.DataFrame(
        rows,
        columns=["product", "stage", "year", "country", "share", "quality", "hhi", "threshold"],
    )
    return out.sort_values("share", ascending=False).reset_index(drop=True)
