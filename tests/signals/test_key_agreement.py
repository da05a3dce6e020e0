"""bench/key_agreement.py: a second answer key scored against the first."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "signals"
SECONDS = sorted(DATA.glob("real*/dev/second_key.json"))


def _module():
    spec = importlib.util.spec_from_file_location(
        "key_agreement", ROOT / "bench" / "key_agreement.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_agreement_counts_types_facts_stories_and_dates():
    k = _module()
    first = {
        "a": {"date": "2025-10-09", "story": "s1",
              "events": [{"type": "export_control", "countries": ["CHN"], "materials": ["REE"]}]},
        "b": {"date": None, "story": "s1",
              "events": [{"type": "export_control", "countries": ["CHN", "USA"],
                          "materials": ["REE"]}]},
        "c": {"date": "2025-10-10", "story": "s2", "events": []},
    }  # fmt: skip
    second = {
        "a": {"date": "2025-10-09", "story": "x",
              "events": [{"type": "export_control", "countries": ["CHN"], "materials": ["REE"]},
                         {"type": "tariff", "countries": ["USA"], "materials": []}]},
        "b": {"date": None, "story": "y",
              "events": [{"type": "export_control", "countries": ["CHN"], "materials": ["REE"]}]},
        "c": {"date": "2025-10-11", "story": "y", "events": []},
    }  # fmt: skip
    fields, dates = k.agreement(first, second)
    assert (fields["type"].tp, fields["type"].fp, fields["type"].fn) == (2, 1, 0)
    assert (fields["countries"].tp, fields["countries"].fn) == (2, 1)
    assert (fields["stories"].tp, fields["stories"].fp, fields["stories"].fn) == (0, 1, 1)
    assert dates == [1, 2]


@pytest.mark.parametrize("path", SECONDS, ids=lambda p: str(p.parent.relative_to(DATA)))
def test_second_keys_cover_their_set_and_use_canonical_types(path: Path):
    second = json.loads(path.read_text(encoding="utf-8"))
    first = json.loads((path.parent / "expected.json").read_text(encoding="utf-8"))
    assert set(second) == set(first)
    types = {"agreement", "export_control", "import_ban", "sanction", "tariff", "investment",
             "price_floor", "stockpile", "outage", "price_move"}  # fmt: skip
    for aid, entry in second.items():
        assert {e["type"] for e in entry["events"]} <= types, aid
        assert entry["story"], aid


def test_the_script_reports_every_set_with_a_second_key(capsys):
    assert SECONDS, "no second keys"
    assert _module().main([]) == 0
    out = capsys.readouterr().out
    assert "pooled" in out and out.count("-dev ") == len(SECONDS)
