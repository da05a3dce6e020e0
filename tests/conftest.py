"""Shared fixtures: the small hand-computable dataset and throwaway stores."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from critmin.atlas import Atlas
from critmin.data.dataset import Dataset, read_dataset

DATA = Path(__file__).parent / "data"
MINI = DATA / "mini"


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
