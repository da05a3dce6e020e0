"""The real-news evaluation set (tests/data/signals/real/) is well formed.

Checks the corpus only (no extraction runs here): every page has an expected entry and the
reverse, the expected answers follow the schema of tests/data/signals/expected.json, the split
is the fixed rule of split.py, both halves cover the required languages and every event type,
and SOURCES.md lists every file with its URL.
"""

from __future__ import annotations

import collections
import importlib.util
import json
import re
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data" / "signals"
REAL = DATA / "real"
HALVES = ("dev", "blind")
EVENT_TYPES = {"agreement", "export_control", "import_ban", "sanction", "tariff", "investment",
               "price_floor", "stockpile", "outage", "price_move"}  # fmt: skip
MATERIALS = {"La", "Ce", "Pr", "Nd", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu",
             "Sc", "Y", "REE", "NdFeB", "Li", "Co", "Ni", "Cu", "Mn", "Ga", "Ge", "Sb", "W",
             "graphite"}  # fmt: skip
REQUIRED_LANGUAGES = {"zh", "zh-Hant", "uk", "tr", "vi", "id", "hi", "pt", "fa", "ko"}
ENTRY_KEYS = {"language", "date", "title", "junk", "must_keep", "story", "events"}
URL = re.compile(r"https?://\S+")


def _load(half: str) -> tuple[dict, dict[str, Path]]:
    expected = json.loads((REAL / half / "expected.json").read_text(encoding="utf-8"))
    files = {p.stem: p for p in (REAL / half / "articles").iterdir() if p.is_file()}
    return expected, files


@pytest.fixture(scope="module")
def halves() -> dict[str, tuple[dict, dict[str, Path]]]:
    return {h: _load(h) for h in HALVES}


@pytest.mark.parametrize("half", HALVES)
def test_every_article_has_an_answer_and_back(halves, half):
    expected, files = halves[half]
    assert set(files) == set(expected)


@pytest.mark.parametrize("half", HALVES)
def test_answers_follow_the_schema(halves, half):
    expected, files = halves[half]
    for aid, exp in expected.items():
        assert set(exp) >= ENTRY_KEYS, aid
        assert exp["date"] is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", exp["date"]), aid
        text = files[aid].read_text(encoding="utf-8")
        for phrase in [*exp["junk"], *exp["must_keep"]] + ([exp["title"]] if exp["title"] else []):
            assert phrase in text, f"{aid}: {phrase!r} is not in the page"
        for ev in exp["events"]:
            assert ev["type"] in EVENT_TYPES, aid
            assert all(re.fullmatch(r"[A-Z]{3}|EU", c) for c in ev["countries"]), aid
            assert set(ev["materials"]) <= MATERIALS, (aid, ev["materials"])
            for q in ev.get("quantities", []):
                assert q["unit"] in {"%", "t", "USD"} and isinstance(q["value"], (int, float)), aid
            if "event_date" in ev:
                assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", ev["event_date"]), aid


def test_size_languages_and_types(halves):
    langs = collections.Counter()
    types = set()
    for expected, _ in halves.values():
        langs.update(e["language"] for e in expected.values())
        types |= {ev["type"] for e in expected.values() for ev in e["events"]}
    assert sum(langs.values()) >= 60
    assert len(langs) >= 15
    assert set(langs) >= REQUIRED_LANGUAGES
    assert types == EVENT_TYPES
    main = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))
    assert {ev["type"] for e in main.values() for ev in e["events"]} <= EVENT_TYPES


@pytest.mark.parametrize("half", HALVES)
def test_each_half_covers_languages_and_types(halves, half):
    expected, _ = halves[half]
    assert {e["language"] for e in expected.values()} >= REQUIRED_LANGUAGES
    assert {ev["type"] for e in expected.values() for ev in e["events"]} == EVENT_TYPES


def test_language_counts_are_balanced(halves):
    dev = collections.Counter(e["language"] for e in halves["dev"][0].values())
    blind = collections.Counter(e["language"] for e in halves["blind"][0].values())
    assert set(dev) == set(blind)
    for lang in dev:
        assert abs(dev[lang] - blind[lang]) <= 1, lang


def test_split_is_the_fixed_rule(halves):
    spec = importlib.util.spec_from_file_location("real_split", REAL / "split.py")
    split = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(split)
    placed = {p.name: h for h in HALVES for p in halves[h][1].values()}
    assert split.assign(list(placed)) == placed


@pytest.mark.parametrize("half", HALVES)
def test_sources_list_every_file_with_a_url(halves, half):
    _, files = halves[half]
    rows = {}
    for line in (REAL / half / "SOURCES.md").read_text(encoding="utf-8").splitlines():
        m = re.match(r"\|\s*articles/([^|\s]+)\.txt\s*\|(.*)", line)
        if m:
            rows[m.group(1)] = m.group(2)
    assert set(rows) == set(files)
    for aid, rest in rows.items():
        assert URL.search(rest), aid
