"""Country codes: everything in ISO 3166-1 alpha-3, whatever the input used."""

from __future__ import annotations

import difflib
import re
from functools import cache

import pycountry

WORLD = "WLD"

# Codes used by CEPII BACI that differ from ISO 3166-1 numeric (BACI country_codes table).
BACI_NUMERIC = {
    "842": "USA",  # United States (BACI), ISO 840
    "251": "FRA",  # France incl. Monaco, ISO 250
    "699": "IND",  # India, ISO 356
    "757": "CHE",  # Switzerland incl. Liechtenstein, ISO 756
    "579": "NOR",  # Norway incl. Svalbard, ISO 578
    "490": "TWN",  # "Other Asia, nes" = Taiwan in BACI, ISO 158
    "711": "ZAF",  # Southern African Customs Union (BACI), mapped to South Africa
    "58": "BEL",  # Belgium-Luxembourg before 1999, mapped to Belgium
}

# Common short names and former names that pycountry's lookup does not know.
_ALIASES = {
    "burma": "MMR",
    "myanmar": "MMR",
    "russia": "RUS",
    "south korea": "KOR",
    "korea, republic of": "KOR",
    "republic of korea": "KOR",
    "korea": "KOR",
    "north korea": "PRK",
    "vietnam": "VNM",
    "viet nam": "VNM",
    "laos": "LAO",
    "iran": "IRN",
    "syria": "SYR",
    "taiwan": "TWN",
    "turkey": "TUR",
    "czech republic": "CZE",
    "ivory coast": "CIV",
    "tanzania": "TZA",
    "bolivia": "BOL",
    "venezuela": "VEN",
    "moldova": "MDA",
    "kyrgyzstan": "KGZ",
    "democratic republic of the congo": "COD",
    "congo (kinshasa)": "COD",
    "congo, dem. rep.": "COD",
    "uk": "GBR",
    "united kingdom": "GBR",
    "great britain": "GBR",
    "usa": "USA",
    "us": "USA",
    "united states of america": "USA",
}


class UnknownCountryError(ValueError):
    """A country that no ISO 3166-1 code, name or alias matches."""


@cache
def _names() -> dict[str, str]:
    """Lower-case name or code -> alpha-3, from pycountry plus aliases."""
    table: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("alpha_3", "alpha_2", "name", "official_name", "common_name"):
            value = getattr(c, attr, None)
            if value:
                table[value.lower()] = c.alpha_3
    table.update(_ALIASES)
    return table


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


@cache
def to_iso3(value: str | int, *, allow_world: bool = False, numeric_codes: str = "iso") -> str:
    """Normalise a country name, ISO2, ISO3 or numeric code to ISO 3166-1 alpha-3.

    ``numeric_codes="baci"`` reads numeric codes as CEPII BACI does (842 = USA, ...).
    Raises :class:`UnknownCountryError` with close matches when nothing fits.
    """
    text = _clean(str(value))
    if not text:
        raise UnknownCountryError("country is empty")
    if allow_world and text.upper() in {WORLD, "WORLD"}:
        return WORLD
    if text.isdigit() and not (text.isascii() and len(text) <= 4):
        # "²", "①" or a 5000-digit string: isdigit() is true, int() fails or means nothing
        raise UnknownCountryError(f"unknown numeric country code {text[:20]!r}")
    if text.isdigit():
        code = str(int(text))
        if numeric_codes == "baci" and code in BACI_NUMERIC:
            return BACI_NUMERIC[code]
        found = pycountry.countries.get(numeric=code.zfill(3))
        if found is None:
            raise UnknownCountryError(f"unknown numeric country code {text!r}")
        return found.alpha_3
    hit = _names().get(text.lower())
    if hit:
        return hit
    hit = _converter_lookup(text)
    if hit:
        return hit
    raise UnknownCountryError(f"unknown country {text!r}{_suggest(text)}")


@cache
def _regexes() -> list[tuple[re.Pattern[str], str]]:
    """country_converter's name regular expressions, read from the table it ships.

    Read directly (not through ``coco.convert``): its own loader turns Namibia's ISO2 "NA"
    into a missing value under pandas 3 and then fails on every lookup.
    """
    from importlib.resources import files

    table = files("country_converter").joinpath("country_data.tsv").read_text(encoding="utf-8")
    rows = table.splitlines()
    header = rows[0].split("\t")
    i_regex, i_iso3 = header.index("regex"), header.index("ISO3")
    out = []
    for line in rows[1:]:
        cells = line.split("\t")
        if len(cells) > max(i_regex, i_iso3) and cells[i_regex] and cells[i_iso3]:
            out.append((re.compile(cells[i_regex], re.IGNORECASE), cells[i_iso3]))
    return out


def _converter_lookup(text: str) -> str | None:
    """country_converter's regular expressions know many informal names."""
    hits = {iso3 for pattern, iso3 in _regexes() if pattern.search(text)}
    return hits.pop() if len(hits) == 1 else None


def _suggest(text: str) -> str:
    names = _names()
    close = difflib.get_close_matches(text.lower(), list(names), n=4, cutoff=0.6)
    codes: list[str] = []
    for name in close:
        code = names[name]
        if code not in codes:
            codes.append(code)
    if not codes:
        return ""
    return "; did you mean " + " or ".join(f"{c} ({name_of(c)})" for c in codes[:3]) + "?"


@cache
def name_of(iso3: str) -> str:
    """Short English name of an ISO3 code (``WLD`` is "World")."""
    if iso3 == WORLD:
        return "World"
    c = pycountry.countries.get(alpha_3=iso3)
    if c is None:
        return iso3
    return getattr(c, "common_name", None) or c.name
