"""The later real-news sets (tests/data/signals/real5, real6/ ... real21/) are well formed.

Checks the corpora only (no extraction runs here): every page has an answer and the reverse,
the answers use the canonical ids (event types, materials, ISO 3166-1 alpha-3 or EU, units),
a date is a full ISO date or null, and SOURCES.md names every file with its URL.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data" / "signals"
SETS = [DATA / "real5", DATA / "real6" / "dev", DATA / "real6" / "blind", DATA / "real7" / "dev",
        DATA / "real7" / "blind", DATA / "real8" / "dev", DATA / "real8" / "blind",
        DATA / "real9" / "dev", DATA / "real9" / "blind", DATA / "real10" / "dev",
        DATA / "real10" / "blind", DATA / "real11", DATA / "real12", DATA / "real13" / "dev",
        DATA / "real13" / "blind", DATA / "real14" / "dev", DATA / "real14" / "blind",
        DATA / "real15" / "dev", DATA / "real15" / "blind", DATA / "real16" / "dev",
        DATA / "real16" / "blind", DATA / "real17" / "dev", DATA / "real17" / "blind",
        DATA / "real18" / "dev", DATA / "real18" / "blind",
        DATA / "real19" / "dev", DATA / "real19" / "blind",
        DATA / "real20" / "dev", DATA / "real20" / "blind",
        DATA / "real21" / "dev", DATA / "real21" / "blind",
        DATA / "real22" / "dev", DATA / "real22" / "blind",
        DATA / "real23" / "dev", DATA / "real23" / "blind",
        DATA / "real24" / "dev", DATA / "real24" / "blind",
        DATA / "real25" / "dev", DATA / "real25" / "blind", DATA / "real26" / "dev",
        DATA / "real26" / "blind", DATA / "real27" / "dev", DATA / "real27" / "blind",
        DATA / "real28" / "dev", DATA / "real28" / "blind",
        DATA / "real29" / "dev", DATA / "real29" / "blind",
        DATA / "real30" / "dev", DATA / "real30" / "blind",
        DATA / "real31" / "dev", DATA / "real31" / "blind",
        DATA / "real32" / "dev", DATA / "real32" / "blind",
        DATA / "real33" / "dev", DATA / "real33" / "blind",
        DATA / "real34" / "dev", DATA / "real34" / "blind",
        DATA / "real35" / "dev", DATA / "real35" / "blind",
        DATA / "real36" / "dev", DATA / "real36" / "blind",
        DATA / "real37" / "dev", DATA / "real37" / "blind",
        DATA / "real38" / "dev", DATA / "real38" / "blind",
        DATA / "real39" / "dev", DATA / "real39" / "blind",
        DATA / "real40" / "dev", DATA / "real40" / "blind",
        DATA / "real41" / "dev", DATA / "real41" / "blind",
        DATA / "real42" / "dev", DATA / "real42" / "blind",
        DATA / "real43" / "dev", DATA / "real43" / "blind",
        DATA / "real44" / "dev", DATA / "real44" / "blind",
        DATA / "real45" / "dev", DATA / "real45" / "blind",
        DATA / "real46" / "dev", DATA / "real46" / "blind"]  # fmt: skip
EVENT_TYPES = {"agreement", "export_control", "import_ban", "sanction", "tariff", "investment",
               "price_floor", "stockpile", "outage", "price_move"}  # fmt: skip
MATERIALS = {"La", "Ce", "Pr", "Nd", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu",
             "Sc", "Y", "REE", "NdFeB", "Li", "Co", "Ni", "Cu", "Mn", "Ga", "Ge", "Sb", "W",
             "graphite", "Sn", "U", "Mo", "Te", "Bi", "In"}  # fmt: skip
ENTRY_KEYS = {"language", "date", "title", "junk", "must_keep", "story", "events"}
COUNTRY = re.compile(r"[A-Z]{3}|EU")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@pytest.mark.parametrize("corpus", SETS, ids=lambda p: str(p.relative_to(DATA)))
def test_set_is_well_formed(corpus: Path) -> None:
    expected = json.loads((corpus / "expected.json").read_text(encoding="utf-8"))
    files = {p.stem for p in (corpus / "articles").iterdir() if p.is_file()}
    assert files == set(expected)
    sources = (corpus / "SOURCES.md").read_text(encoding="utf-8")
    for aid, entry in expected.items():
        assert set(entry) >= ENTRY_KEYS, aid
        assert entry["date"] is None or DATE.fullmatch(entry["date"]), aid
        row = next((x for x in sources.splitlines() if x.startswith(f"| {aid}")), None)
        assert row is not None and "http" in row, aid
        for ev in entry["events"]:
            assert ev["type"] in EVENT_TYPES, aid
            assert set(ev["materials"]) <= MATERIALS, aid
            assert all(COUNTRY.fullmatch(c) for c in ev["countries"]), aid
            assert all(q["unit"] in {"%", "t", "USD"} for q in ev.get("quantities", [])), aid
