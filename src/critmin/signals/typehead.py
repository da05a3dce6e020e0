"""A page's event types by meaning: a linear head on the sentence embedding of its top.

The head is one logistic regression per event type on the E5 vector (``embed``) of a page's
headline and first two body sentences (:func:`page_text`). It is trained on the answer keys of
the real-news development halves (``bench/train_type_head.py``; nothing of the rules is a
feature) and ships as data, ``lexicon/type_head.json``, with the sets it was trained on. The
extractor asks it about pages whose types the rules are least sure of (``extract.py``): a type
the rules chose that the head gives almost no chance is dropped; a type the head is nearly
sure of, that the page's sentences trigger but the rules' weighing left out, is added.

Why beside the lexicons: the rules' remaining type errors on unseen pages are mostly judgement
calls the trigger words cannot make (a deal that is an investment or an agreement, a price
move beside the outage that caused it); an embedding of the page's top reads them as the
answer keys do, in every language the model knows.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from functools import cache
from importlib.resources import files
from typing import Any

import numpy as np

from critmin.signals import embed

HEAD_FILE = "type_head.json"
SCALE = 10.0  # vectors are multiplied by this before the head (unit vectors: logits in range)
BODY_SENTENCES = 2  # body sentences read after the headline
MAX_CHARS = 400  # ... cut here, as ``embed`` does (200: dev leave-one-set-out type F -0.4 point)
_MODES = {"0": False, "off": False, "false": False, "no": False,
          "1": True, "on": True, "true": True, "yes": True}  # fmt: skip
_enabled: bool | None = None


def page_text(title: str, body_sentences: Sequence[str]) -> str:
    """The text the head reads: the headline and the first body sentences, cut at
    ``MAX_CHARS``."""
    return " ".join(" ".join([title, *body_sentences[:BODY_SENTENCES]]).split())[:MAX_CHARS]


def enabled() -> bool:
    """Whether the extractor asks the head (:func:`set_enabled`, else
    ``CRITMIN_SIGNALS_TYPE_HEAD``; off by default: it embeds about a fifth of the pages, which
    takes throughput from ~89 to ~36 articles/s on 2 cores on the blind halves). It needs the
    embedding model (``embed.enabled()``). An unknown setting is an error, not silently off."""
    if _enabled is not None:
        return _enabled
    setting = os.environ.get("CRITMIN_SIGNALS_TYPE_HEAD", "off").strip().lower()
    if setting not in _MODES:
        raise ValueError(f"CRITMIN_SIGNALS_TYPE_HEAD={setting!r}: use on or off")
    return _MODES[setting]


def set_enabled(value: bool | None) -> None:
    """The head on or off for this process (None: back to the environment)."""
    global _enabled
    _enabled = value


@cache
def head() -> tuple[tuple[str, ...], np.ndarray]:
    """``(types, weights)``: ``weights[k]`` the coefficients (384) and intercept of type k."""
    data = json.loads(files("critmin.signals").joinpath("lexicon", HEAD_FILE).read_text("utf-8"))
    types = tuple(data["types"])
    weights = np.asarray(data["weights"], dtype=np.float64)
    if weights.shape != (len(types), embed.DIM + 1):
        raise ValueError(f"{HEAD_FILE}: weights of shape {weights.shape}, expected "
                         f"({len(types)}, {embed.DIM + 1})")  # fmt: skip
    return types, weights


def probabilities(texts: Sequence[str]) -> list[dict[str, float]]:
    """Per text, each type's probability that the page reports an event of it."""
    if not texts:
        return []
    types, weights = head()
    x = embed.embed(list(texts)).astype(np.float64) * SCALE
    p = 1.0 / (1.0 + np.exp(-(x @ weights[:, :-1].T + weights[:, -1])))
    return [dict(zip(types, map(float, row), strict=True)) for row in p]


def fit(x: np.ndarray, y: np.ndarray, lam: float = 1.0) -> np.ndarray:
    """Coefficients and intercept of an L2-penalised logistic regression (``lam`` on the
    coefficients, not the intercept) of 0/1 labels ``y`` on rows ``x`` (already scaled)."""
    from scipy.optimize import minimize

    xb = np.hstack([x, np.ones((len(x), 1))])

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = xb @ w
        # log(1 + e^z) - y z, stable for large |z|
        value = np.sum(np.logaddexp(0.0, z) - y * z) + lam * np.sum(w[:-1] ** 2)
        p = 1.0 / (1.0 + np.exp(-z))
        grad = xb.T @ (p - y) + 2.0 * lam * np.r_[w[:-1], 0.0]
        return float(value), grad

    return minimize(loss, np.zeros(xb.shape[1]), jac=True, method="L-BFGS-B").x


def train(texts: Sequence[str], labels: Sequence[set[str]], types: Sequence[str],
          lam: float = 1.0) -> np.ndarray:  # fmt: skip
    """Weights ``(len(types), DIM + 1)`` fitted on pages' :func:`page_text` and their keyed
    types."""
    return train_on(embed.embed(list(texts)).astype(np.float64) * SCALE, labels, types, lam)


def train_on(x: np.ndarray, labels: Sequence[set[str]], types: Sequence[str],
             lam: float = 1.0) -> np.ndarray:  # fmt: skip
    """:func:`train` on vectors already embedded and scaled."""
    return np.array([fit(x, np.array([t in lab for lab in labels], float), lam) for t in types])


def head_document(types: Sequence[str], weights: np.ndarray, **provenance: Any) -> dict:
    """The JSON document ``lexicon/type_head.json`` holds."""
    return {**provenance, "types": list(types),
            "weights": [[round(float(v), 6) for v in row] for row in weights]}  # fmt: skip
