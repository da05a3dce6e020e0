"""Published benchmark rankings (issue 12) load and use known critmin names."""

import csv
from pathlib import Path

DATA = Path(__file__).parents[1] / "src" / "critmin" / "data" / "published"

CRITMIN_NAMES = {
    # minerals (products.csv column `mineral`)
    "rare_earths",
    "gallium",
    "germanium",
    "graphite",
    "antimony",
    "tungsten",
    "indium",
    "tellurium",
    "bismuth",
    "lithium",
    "cobalt",
    "nickel",
    "manganese",
    "molybdenum",
    "copper",
    "aluminium",
    "zinc",
    "lead",
    # rare-earth elements
    "La",
    "Ce",
    "NdPr",
    "Sm",
    "Gd",
    "Tb",
    "Dy",
    "Y",
    "Lu",
}


def _rows(name):
    with open(DATA / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_usgs_ranks_unique_positive_and_ids_known():
    rows = _rows("usgs-2025-criticality.csv")
    assert rows
    ranks = [int(r["rank"]) for r in rows]
    assert all(r > 0 for r in ranks)
    assert len(set(ranks)) == len(ranks)
    assert {r["critmin_id"] for r in rows if r["critmin_id"]} <= CRITMIN_NAMES
    assert [r["commodity"] for r in rows[:3]] == ["Samarium", "Rhodium", "Lutetium"]


def test_japan_priorities_ids_known():
    rows = _rows("japan-priorities.csv")
    assert rows
    assert all(r["commodity"] and r["list"] for r in rows)
    assert {r["critmin_id"] for r in rows if r["critmin_id"]} <= CRITMIN_NAMES
