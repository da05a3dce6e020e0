"""Shared fixtures of the signals tests."""

from __future__ import annotations

import pytest

from critmin.signals import embed


@pytest.fixture
def lexical_only(monkeypatch):
    """The rules alone, without the sentence-embedding model (the lessons tests pin what the
    lexicons and rules read, whatever the model would add)."""
    monkeypatch.setattr(embed, "_enabled", False)
