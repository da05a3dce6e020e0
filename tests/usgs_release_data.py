"""Test files in the layouts of the USGS MCS 2025 and 2026 data releases, generated.

The real files (``MCS2025_World_Data.csv``, ``MCS2026_Commodities_Data.csv``) are not available
here; these follow their published layouts (see docs/data-format.md, "USGS releases") with
their quirks: cp1252 text, upper-case columns and ``"PROD_EST_ 2024"`` (stray space) in 2025,
one figure a row in 2026, ``World total (rounded)`` / ``World total`` and ``Other countries``
rows, values with thousands separators, ``W``, ``NA``, ``—``, ``<0.5``, footnote markers,
stray spaces in names, units from kilograms to million metric tons and non-mass units (carats,
cubic meters). Figures are made up (seeded), not USGS data; a few are fixed so tests can check
them. ``EXPECTED`` records what a reader must find in the 2025 file.
"""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

COUNTRIES = (
    "United States", "Australia", "Brazil", "Burma", "Canada", "Chile", "China",
    "Congo (Kinshasa)", "India", "Indonesia", "Kazakhstan", "Korea, Republic of", "Madagascar",
    "Mexico", "Morocco", "Peru", "Philippines", "Russia", "South Africa", "Turkey", "Vietnam",
    "Zambia", "Zimbabwe", "Argentina", "Bolivia", "Gabon", "Ghana", "Guinea", "Japan",
    "Germany", "Norway", "Finland", "Sweden", "Ukraine", "Iran", "Cuba", "New Caledonia",
    "Papua New Guinea", "Rwanda", "Nigeria", "Mozambique", "Tanzania", "Thailand", "Malaysia",
    "Laos", "Uzbekistan", "Mongolia", "Saudi Arabia",
)  # fmt: skip

# commodity -> [(TYPE, UNIT_MEAS)], in the words of the MCS 2025 world data release
TYPES: dict[str, list[tuple[str, str]]] = {
    "Aluminum": [("Smelter production, aluminum", "thousand metric tons")],
    "Antimony": [("Mine production, antimony content", "metric tons")],
    "Arsenic": [("Plant production, arsenic trioxide", "metric tons")],
    "Asbestos": [("Mine production", "metric tons")],
    "Barite": [("Mine production", "thousand metric tons")],
    "Bauxite": [("Mine production, bauxite", "thousand metric tons")],
    "Beryllium": [("Mine production, beryllium content", "metric tons")],
    "Bismuth": [("Refinery production", "metric tons")],
    "Boron": [("Mine production, boron minerals", "thousand metric tons")],
    "Bromine": [("Plant production", "metric tons")],
    "Cadmium": [("Refinery production", "metric tons")],
    "Cement": [("Plant production", "thousand metric tons")],
    "Chromium": [("Mine production, marketable chromite ore", "thousand metric tons")],
    "Cobalt": [("Mine production, cobalt content", "metric tons")],
    "Copper ": [
        ("Mine production, copper content", "thousand metric tons"),
        ("Refinery production, copper content", "thousand metric tons"),
    ],
    "Diamond (industrial)": [("Mine production", "million carats")],
    "Diatomite": [("Mine production", "metric tons")],
    "Feldspar": [("Mine production", "thousand metric tons")],
    "Fluorspar": [("Mine production", "metric tons")],
    "Gallium": [("Primary production", "kilograms")],
    "Garnet (industrial)": [("Mine production", "metric tons")],
    "Germanium": [("Refinery production", "kilograms")],
    "Gold": [("Mine production, gold content", "metric tons")],
    "Graphite": [("Mine production, natural graphite", "metric tons")],
    "Gypsum": [("Mine production", "thousand metric tons")],
    "Helium": [("Production", "million cubic meters")],
    "Indium": [("Refinery production", "metric tons")],
    "Iodine": [("Mine production", "metric tons")],
    "Iron ore": [
        ("Mine production, usable ore", "million metric tons"),
        ("Mine production, iron content", "million metric tons"),
    ],
    "Iron and steel": [("Raw steel production", "million metric tons")],
    "Kyanite": [("Mine production", "metric tons")],
    "Lead": [("Mine production, lead content", "thousand metric tons")],
    "Lime": [("Plant production", "thousand metric tons")],
    "Lithium": [("Mine production, lithium content", "metric tons")],
    "Magnesium compounds": [("Mine production, magnesite", "thousand metric tons")],
    "Magnesium metal": [("Smelter production", "thousand metric tons")],
    "Manganese": [("Mine production, manganese content", "thousand metric tons")],
    "Mercury": [("Mine production", "metric tons")],
    "Mica (natural)": [("Mine production, scrap and flake", "metric tons")],
    "Molybdenum": [("Mine production, molybdenum content", "metric tons")],
    "Nickel": [("Mine production, nickel content", "metric tons")],
    "Niobium": [("Mine production, niobium content", "metric tons")],
    "Nitrogen (fixed)": [("Plant production, ammonia, nitrogen content", "thousand metric tons")],
    "Peat": [("Mine production", "thousand metric tons")],
    "Perlite": [("Mine production", "thousand metric tons")],
    "Phosphate rock ": [("Mine production", "thousand metric tons")],
    "Platinum-Group metals": [
        ("Mine production, platinum", "kilograms"),
        ("Mine production, palladium", "kilograms"),
    ],
    "Potash": [("Mine production, K2O equivalent", "thousand metric tons")],
    "Pumice": [("Mine production", "thousand metric tons")],
    "Rare earths": [("Mine production, rare-earth-oxide equivalent", "metric tons")],
    "Rhenium": [("Mine production", "kilograms")],
    "Salt": [("Mine production", "thousand metric tons")],
    "Sand and gravel (industrial)": [("Mine production", "thousand metric tons")],
    "Selenium": [("Refinery production", "metric tons")],
    "Silicon": [("Plant production, silicon content", "thousand metric tons")],
    "Silver": [("Mine production, silver content", "metric tons")],
    "Soda ash": [("Plant production, natural and synthetic", "thousand metric tons")],
    "Strontium": [("Mine production", "metric tons")],
    "Sulfur": [("Plant production, all forms", "thousand metric tons")],
    "Talc and pyrophyllite": [("Mine production", "thousand metric tons")],
    "Tantalum": [("Mine production, tantalum content", "metric tons")],
    "Tellurium": [("Refinery production", "metric tons")],
    "Tin": [("Mine production, tin content", "metric tons")],
    "Titanium mineral concentrates": [
        ("Mine production, ilmenite", "thousand metric tons"),
        ("Mine production, rutile", "thousand metric tons"),
    ],
    "Tungsten": [("Mine production, tungsten content", "metric tons")],
    "Vanadium": [("Mine production, vanadium content", "metric tons")],
    "Vermiculite": [("Mine production", "thousand metric tons")],
    "Wollastonite": [("Mine production", "metric tons")],
    "Zinc": [("Mine production, zinc content", "thousand metric tons")],
    "Zirconium and hafnium": [("Mine production, zirconium mineral concentrates",
                               "thousand metric tons")],
}  # fmt: skip

HEADER_2025 = [
    "SOURCE", "COMMODITY", "COUNTRY", "TYPE", "UNIT_MEAS", "PROD_2023", "PROD_EST_ 2024",
    "PROD_NOTES", "CAP_2023", "CAP_EST_2024", "CAP_NOTES", "RESERVES_2024", "RESERVES_NOTES",
]  # fmt: skip
HEADER_2026 = [
    "MCS chapter", "Section", "Commodity", "Country", "Statistics", "Statistics_detail", "Unit",
    "Year", "Value", "Notes", "Is critical mineral 2025", "Other notes",
]  # fmt: skip
QUOTA = "Production quota; does not include undocumented production."

# the rare-earth rows, fixed: (country, 2023, 2024, reserves, note)
RARE_EARTHS = [
    ("United States", "41,600", "45,000", "1,900,000", ""),
    ("Australia", "16,000", "13,000", "5,700,000", ""),
    ("Brazil", "140", "20", "21,000,000", ""),
    ("Burma", "43,000", "31,000", "NA", ""),
    ("Canada", "—", "—", "830,000", ""),
    ("China", "255,000", "270,000", "44,000,000", QUOTA),
    ("India", "2,900", "2,900", "6,900,000", ""),
    ("Madagascar", "2,100", "2,000", "NA", ""),
    ("Nigeria", "13,000", "13,000", "NA", ""),
    ("Russia", "2,500", "2,500", "3,800,000", ""),
    ("Thailand", "14,000", "13,000", "4,500", ""),
    ("Vietnam", "1,400", "300", "3,500,000", ""),
    ("Malaysia", "130", "130", "NA", ""),
    ("Other countries", "1,100", "1,100", "W", ""),
    ("World total (rounded)", "376,000", "390,000", "90,000,000", ""),
]


def _fmt(x: float) -> str:
    if x < 1:
        return "<0.5"
    return f"{round(x):,}"


def rows_2025(seed: int = 2025) -> tuple[list[list[str]], dict]:
    """The rows of a MCS 2025 world data file and what a reader must find in them."""
    rng = random.Random(seed)
    rows: list[list[str]] = []
    expected = {"numbers": 0, "withheld": 0, "na": 0, "not_mass": 0, "world": 0, "other": 0}
    for commodity, types in TYPES.items():
        if commodity == "Rare earths":
            typ, unit = types[0]
            for country, p23, p24, res, note in RARE_EARTHS:
                rows.append(["MCS2025", commodity, country, typ, unit, p23, p24, note, "", "",
                             "", res, ""])  # fmt: skip
            continue
        countries = rng.sample(COUNTRIES, rng.randint(16, 34))
        for typ, unit in types:
            has_cap = commodity.startswith(("Aluminum", "Cobalt", "Lithium"))
            first = types.index((typ, unit)) == 0
            total = [0.0, 0.0, 0.0]
            for i, country in enumerate(countries):
                shown = country + (" " if i == 2 else "")  # stray spaces, as in the release
                if i == 1 and commodity == "Gold":
                    shown = country + "²"  # a footnote marker (cp1252 has ¹²³)
                mu = (
                    2.5 if unit.startswith("million") else 4.5 if unit.startswith("thousand") else 6
                )
                figures = [rng.lognormvariate(mu, 1.5) for _ in range(3)]
                cells = [_fmt(v) for v in figures]
                marker = rng.random()
                if marker < 0.05:
                    cells[0] = "W"
                elif marker < 0.08:
                    cells[1] = "NA"
                elif marker < 0.12:
                    cells[1] = "—"
                    figures[1] = 0.0
                if i == 3:
                    cells[1] += "³"  # a footnote marker on a value
                note = "Estimated." if rng.random() < 0.1 else ""
                reserves = cells[2] if first else ""
                cap = [_fmt(v * 1.3) for v in figures[:2]] if has_cap else ["", ""]
                rows.append(["MCS2025", commodity, shown, typ, unit, cells[0], cells[1], note,
                             cap[0], cap[1], "", reserves, ""])  # fmt: skip
                for k in range(3):
                    if cells[k] not in {"W", "NA"}:
                        total[k] += figures[k]
            other = [rng.lognormvariate(4, 1) for _ in range(2)]
            rows.append(["MCS2025", commodity, "Other countries", typ, unit, _fmt(other[0]),
                         _fmt(other[1]), "", "", "", "", "NA" if first else "", ""])  # fmt: skip
            world = [_fmt(round(t + o, -2)) for t, o in zip(total, other, strict=False)]
            reserves = _fmt(round(total[2] * 1.2, -3)) if first else ""
            rows.append(["MCS2025", commodity, "World total (rounded)", typ, unit, *world,
                         "", "", "", "", reserves, ""])  # fmt: skip
    for r in rows:
        for k in (5, 6, 8, 9, 11):
            cell = r[k].rstrip("¹²³")
            if not cell:
                continue
            if cell == "W":
                expected["withheld"] += 1
            elif cell == "NA":
                expected["na"] += 1
            elif r[4].endswith(("carats", "cubic meters")):
                expected["not_mass"] += 1
            elif r[2].startswith("World total"):
                expected["world"] += 1
            elif r[2].startswith("Other countries"):
                expected["other"] += 1
            else:
                expected["numbers"] += 1
    return rows, expected


def _csv(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def write_2025(path: Path, rows: list[list[str]] | None = None) -> Path:
    """Write a MCS2025_World_Data.csv-like file (cp1252) and return its path."""
    rows = rows if rows is not None else rows_2025()[0]
    path.write_bytes(_csv(HEADER_2025, rows).encode("cp1252"))
    return path


def rows_2026() -> list[list[str]]:
    """A multi-commodity MCS 2026 long release: world tables, salient U.S. statistics."""
    world = "World Mine Production and Reserves"
    salient = "Salient Statistics—United States"
    rows: list[list[str]] = []

    def add(chapter: str, section: str, commodity: str, country: str, stat: str, detail: str,
            unit: str, year: str, value: str, notes: str = "") -> None:  # fmt: skip
        rows.append([chapter, section, commodity, country, stat, detail, unit, year, value,
                     notes, "Yes", ""])  # fmt: skip

    ree = [("United States", "45,000", "51,000", "1,900,000"),
           ("Australia", "13,000", "14,000", "5,700,000"),
           ("Burma", "31,000", "W", "NA"), ("China", "270,000", "270,000", "44,000,000"),
           ("India", "2,900", "2,900", "6,900,000"), ("Thailand", "13,000", "9,000", "4,500"),
           ("Vietnam", "300", "—", "3,500,000"),
           ("Other countries", "15,000", "16,000", "")]  # fmt: skip
    for country, p24, p25, res in ree:
        add("RARE EARTHS", world, "Rare earths", country, "Production", "Mine production",
            "metric tons", "2024", p24, QUOTA if country == "China" else "")  # fmt: skip
        add("RARE EARTHS", world, "Rare earths", country, "Production", "Mine production",
            "metric tons", "2025", p25, "Estimated.")  # fmt: skip
        if res:
            add("RARE EARTHS", world, "Rare earths", country, "Reserves", "Reserves",
                "metric tons", "2025", res)  # fmt: skip
    add("RARE EARTHS", world, "Rare earths", "World total", "Production",
        "Mine production: rounded", "metric tons", "2024", "390,000")  # fmt: skip
    add("RARE EARTHS", world, "Rare earths", "World total", "Production",
        "Mine production: rounded", "metric tons", "2025", "390,000", "Estimated.")  # fmt: skip
    add("RARE EARTHS", world, "Rare earths", "World total", "Reserves", "Reserves: rounded",
        "metric tons", "2025", "90,000,000")  # fmt: skip
    add(
        "RARE EARTHS",
        salient,
        "Rare earths",
        "United States",
        "Production",
        "Production: Mine, rare-earth-oxide equivalent",
        "metric tons",
        "2025",
        "51,000",
    )
    add("RARE EARTHS", salient, "Rare earths", "United States",
        "Net import reliance as a percentage of apparent consumption", "", "percent", "2025",
        "E")  # fmt: skip
    add("RARE EARTHS", salient, "Rare earths", "United States", "Import sources", "China",
        "percent", "2021–24", "70")  # fmt: skip
    for chapter, commodity, detail, unit, figs in (
        ("COBALT", "Cobalt", "Mine production", "metric tons",
         [("Congo (Kinshasa)", "220,000", "240,000"), ("Indonesia", "28,000", "40,000"),
          ("Russia", "8,700", "8,800"), ("Australia", "4,600", "3,900"),
          ("Other countries", "12,000", "13,000"), ("World total", "290,000", "310,000")]),
        ("GALLIUM", "Gallium", "Primary production", "metric tons",
         [("China", "750", "800"), ("Japan", "3", "3"), ("Russia", "5", "5"),
          ("Korea, Republic of", "2", "2"), ("World total", "760", "810")]),
        ("LITHIUM", "Lithium", "Mine production", "metric tons",
         [("Australia", "88,000", "92,000"), ("Chile", "49,000", "53,000"),
          ("China", "33,000", "41,000"), ("Argentina", "18,000", "23,000"),
          ("World total", "240,000", "260,000")]),
        ("COPPER", "Copper", "Mine production", "thousand metric tons",
         [("Chile", "5,300", "5,400"), ("Peru", "2,600", "2,700"),
          ("Congo (Kinshasa)", "3,300", "3,500"), ("World total", "23,000", "24,000")]),
        ("COPPER", "Copper", "Refinery production", "thousand metric tons",
         [("China", "13,000", "14,000"), ("Chile", "2,200", "2,100"),
          ("World total", "27,000", "28,000")]),
        ("IRON ORE", "Iron ore", "Mine production: Usable ore", "million metric tons",
         [("Australia", "930", "940"), ("Brazil", "440", "450"),
          ("World total", "2,500", "2,500")]),
        ("IRON ORE", "Iron ore", "Mine production: Iron content", "million metric tons",
         [("Australia", "580", "590"), ("Brazil", "280", "290"),
          ("World total", "1,600", "1,600")]),
        ("GERMANIUM", "Germanium", "Refinery production", "kilograms",
         [("China", "W", "W"), ("Russia", "5,000", "5,000")]),
        ("HELIUM", "Helium", "Production", "million cubic meters",
         [("Qatar", "63", "63"), ("United States", "81", "81")]),
    ):  # fmt: skip
        for country, v24, v25 in figs:
            d = f"{detail}, rounded" if ":" in detail else f"{detail}: rounded"
            shown = d if country == "World total" else detail
            add(chapter, world, commodity, country, "Production", shown, unit, "2024", v24)
            add(chapter, world, commodity, country, "Production", shown, unit, "2025", v25,
                "Estimated.")  # fmt: skip
    add("COBALT", world, "Cobalt", "Congo (Kinshasa)", "Reserves", "Reserves", "metric tons",
        "2025", "6,000,000")  # fmt: skip
    add("LITHIUM", world, "Lithium", "Chile", "Reserves", "Reserves", "metric tons", "2025",
        "9,300,000")  # fmt: skip
    add("IRON ORE", world, "Iron ore", "Australia", "Reserves", "Reserves: Crude ore",
        "million metric tons", "2025", "58,000")  # fmt: skip
    return rows


def write_2026(path: Path, rows: list[list[str]] | None = None) -> Path:
    """Write a MCS2026_Commodities_Data.csv-like file (cp1252) and return its path."""
    rows = rows if rows is not None else rows_2026()
    path.write_bytes(_csv(HEADER_2026, rows).encode("cp1252"))
    return path
