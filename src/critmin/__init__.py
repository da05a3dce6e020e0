"""critmin: security of critical-mineral supply chains, rare earths first.

>>> import critmin
>>> atlas = critmin.builtin()                 # the built-in dataset, no store needed
>>> critmin.metrics.concentration(atlas)      # HHI, top-3 and shares per product
>>> from critmin.simulate import simulate
>>> run = simulate(atlas, "embargo-japan-12m", draws=100)
>>> critmin.optimize_portfolio(atlas, ["china-2025-october-controls"], {"USA": 2e9, "JPN": 2e9})
"""

from typing import Any

from critmin import metrics
from critmin.atlas import Atlas
from critmin.countries import to_iso3
from critmin.data.dataset import Dataset, load_builtin, read_dataset, write_dataset
from critmin.data.importers import ImportResult, import_path
from critmin.data.store import Store
from critmin.errors import CritminError, DataError, Issue, StoreError

__version__ = "0.1.0"


def load(version: int | None = None, db: str | None = None) -> Atlas:
    """The Atlas of one dataset version (default: the store's default version, see
    ``critmin data use``) in the store ``db`` (default: ``$CRITMIN_DB``, else the per-user
    store ``~/.local/share/critmin/critmin.duckdb``).

    A new store starts with the built-in dataset as version 1, its default.
    """
    with Store(db) as store:
        v = store.resolve(version)
        return Atlas(store.load(v), version=v)


def builtin() -> Atlas:
    """The Atlas of the built-in dataset, read from the package (no store involved)."""
    return Atlas(load_builtin())


def __getattr__(name: str) -> Any:
    """Heavier parts load on first use (the optimiser pulls in linopy)."""
    if name == "optimize_portfolio":
        from critmin.invest import optimize_portfolio

        return optimize_portfolio
    raise AttributeError(f"module 'critmin' has no attribute {name!r}")


__all__ = [
    "Atlas",
    "CritminError",
    "DataError",
    "Dataset",
    "ImportResult",
    "Issue",
    "Store",
    "StoreError",
    "builtin",
    "import_path",
    "load",
    "load_builtin",
    "metrics",
    "optimize_portfolio",
    "read_dataset",
    "to_iso3",
    "write_dataset",
]
