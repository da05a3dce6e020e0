"""Event types by meaning: candidate sentences against prototype sentences per type.

The prototypes (``lexicon/prototypes.yaml``) are embedded once; a sentence's similarity to a
type is its highest cosine with that type's prototypes. Used beside the trigger lexicons
(``extract.py``): to confirm a secondary type, and to type sentences in languages that have
no trigger lexicon.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np

from critmin.signals import embed
from critmin.signals.lexicon import load


@cache
def prototypes() -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """``(types, prototype vectors, type index of each prototype)``."""
    data = load("prototypes")
    types = tuple(data)
    texts: list[str] = []
    owner: list[int] = []
    for k, etype in enumerate(types):
        for sentences in (data[etype] or {}).values():
            for s in sentences or []:
                texts.append(str(s))
                owner.append(k)
    return types, embed.embed(texts), np.asarray(owner)


def type_similarity(texts: Sequence[str]) -> tuple[tuple[str, ...], np.ndarray]:
    """``(types, sims)``: ``sims[i, k]`` the highest cosine of ``texts[i]`` with a prototype
    of ``types[k]``."""
    types, protos, owner = prototypes()
    if not texts:
        return types, np.zeros((0, len(types)), dtype=np.float32)
    cos = embed.embed(list(texts)) @ protos.T
    sims = np.full((len(texts), len(types)), -1.0, dtype=np.float32)
    for k in range(len(types)):
        sims[:, k] = cos[:, owner == k].max(axis=1)
    return types, sims


def best_types(texts: Sequence[str]) -> list[tuple[str, float, float]]:
    """Per text: ``(type, similarity, margin over the next type)``."""
    types, sims = type_similarity(texts)
    out = []
    for row in sims:
        order = np.argsort(-row)
        out.append((types[order[0]], float(row[order[0]]), float(row[order[0]] - row[order[1]])))
    return out
