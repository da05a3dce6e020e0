"""Shared fixtures: the small hand-computable dataset and throwaway stores."""

from __future__ import annotations

import shutil
import sys
import types
from pathlib import Path
from typing import Any

import pytest
import typer
import typer.testing

from critmin.atlas import Atlas
from critmin.data.dataset import Dataset, read_dataset

# ``tests`` is this folder: some dependencies install a top-level ``tests`` package of their
# own (pymrio 0.6-0.7 does), which would shadow it for ``from tests.simulate import ...``
_HERE = Path(__file__).resolve().parent
if [Path(p).resolve() for p in getattr(sys.modules.get("tests"), "__path__", [])] != [_HERE]:
    for _name in [n for n in sys.modules if n == "tests" or n.startswith("tests.")]:
        del sys.modules[_name]
    _package = types.ModuleType("tests")
    _package.__path__ = [str(_HERE)]
    sys.modules["tests"] = _package

# Typer's CliRunner builds the Click command tree from the app at every invoke (0.2 s for
# critmin's): a process does that once, so the tests build it once per app and shape too
# (a Typer without that hook is left as it is: slower, not wrong)
_build_command = getattr(typer.testing, "_get_command", None)
_commands: dict[tuple[int, int, int], Any] = {}


def _cached_command(app: typer.Typer) -> Any:
    key = (id(app), len(app.registered_commands), len(app.registered_groups))
    if key not in _commands:
        _commands[key] = _build_command(app)  # type: ignore[misc]
    return _commands[key]


if _build_command is not None:
    typer.testing._get_command = _cached_command

DATA = Path(__file__).parent / "data"
MINI = DATA / "mini"
#: public files as analysts have them (USGS, UN Comtrade, BACI code list), kept beside the
#: repository in ../shared/real-data and never copied into it (see its README)
REAL_DATA = Path(__file__).resolve().parents[2] / "shared" / "real-data"


@pytest.fixture(scope="session")
def mini() -> Dataset:
    return read_dataset(MINI)


@pytest.fixture(scope="session")
def mini_atlas(mini: Dataset) -> Atlas:
    return Atlas(mini)


@pytest.fixture
def mini_copy(tmp_path: Path) -> Path:
    """A writable copy of the mini dataset folder, for tests that break one file."""
    dst = tmp_path / "mini"
    shutil.copytree(MINI, dst)
    return dst


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "store.duckdb"


ELEMENTS = DATA / "elements"
#: Reference prices for the element test dataset (tests of prices, summaries and surfaces):
#: oxide_ndpr has a marked reference item, oxide_dy three items (median 250), metal_ndpr
#: only a later year (no price at 2024), ndfeb_magnets its own price (its leaves have none),
#: re_oxides an element quote filed under it (its priced leaves win).
ELEMENT_PRICES = """product,item,year,usd_per_kg,source,note
oxide_la,La oxide FOB China,2024,1,test-src,
oxide_ndpr,NdPr oxide FOB China (reference),2024,60,test-src,
oxide_ndpr,NdPr oxide China domestic,2024,50,test-src,
oxide_ndpr,NdPr oxide,2020,90,test-src,an older year
oxide_dy,Dy oxide A,2024,200,test-src,
oxide_dy,Dy oxide B,2024,300,test-src,
oxide_dy,Dy oxide C,2024,250,test-src,
ndfeb_magnets,Sintered magnet,2024,50,test-src,
re_oxides,Nd oxide (filed under the aggregate),2024,56,test-src,
metal_ndpr,NdPr metal,2025,70,test-src,a later year than the atlas
"""


@pytest.fixture(scope="session")
def priced_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The element dataset (aggregates split into leaves) with a prices table."""
    dst = tmp_path_factory.mktemp("priced") / "elements"
    shutil.copytree(ELEMENTS, dst)
    (dst / "prices.csv").write_text(ELEMENT_PRICES, encoding="utf-8")
    return dst


@pytest.fixture(scope="session")
def priced_atlas(priced_folder: Path) -> Atlas:
    return Atlas(read_dataset(priced_folder))


def pytest_configure(config: pytest.Config) -> None:
    # known without xdist too, so that ``-p no:xdist`` runs under --strict-markers
    config.addinivalue_line("markers", "xdist_group(name): run the group on one xdist worker")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Everything that drives Chromium runs on one xdist worker, one test at a time.

    ``make test`` spreads the suite over the cores (``-n auto --dist loadgroup``); two headless
    browsers beside two numeric workers on a 2-core machine miss their waits.
    """
    for item in items:
        path = item.path.as_posix()
        if "/tests/browser/" in path or "pdf" in item.name:
            item.add_marker(pytest.mark.xdist_group("chromium"))
        elif "readme_examples_run" in item.name:  # long: a worker of its own
            item.add_marker(pytest.mark.xdist_group("readme"))
