"""Numeric country codes of trade statistics (UN Comtrade, CEPII BACI) to ISO3, or not a country.

Both use UN M49-like numeric codes with their own exceptions (842 USA, 251 France, 699 India,
757 Switzerland, 579 Norway, 490 "Other Asia, nes" = Taiwan: see
:data:`critmin.countries.BACI_NUMERIC`). Besides countries their files carry codes that are no
country critmin can hold:

* aggregates and "nes" (not elsewhere specified) areas: World (0), EU (97), "Europe EFTA, nes"
  (697), "US Misc. Pacific Isds" (849), bunkers, free zones, "Areas, nes" (899)...;
* former countries without one successor: USSR (810), Czechoslovakia (200), Serbia and
  Montenegro (891), Netherlands Antilles (530), German Democratic Republic (278).

Readers skip rows with such codes and count them; a numeric code that is neither a country nor
listed here is still an error (it is more likely a typo than an area).
"""

from __future__ import annotations

from typing import Literal

from critmin.countries import UnknownCountryError, to_iso3

#: Aggregates and "not elsewhere specified" areas of UN Comtrade and BACI (code -> name).
AGGREGATES: dict[int, str] = {
    0: "World",
    97: "EU",
    129: "Caribbean, nes",
    221: "Eastern Europe, nes",
    290: "Northern Africa, nes",
    471: "CACM, nes",
    472: "Africa CAMEU region, nes",
    473: "LAIA, nes",
    492: "Europe, nes",
    527: "Oceania, nes",
    536: "Neutral Zone",
    568: "Other Europe, nes",
    577: "Other Africa, nes",
    636: "Rest of America, nes",
    637: "North America and Central America, nes",
    697: "Europe EFTA, nes",
    837: "Bunkers",
    838: "Free Zones",
    839: "Special Categories",
    849: "US Misc. Pacific Isds",
    879: "Western Asia, nes",
    899: "Areas, nes",
}

#: Former countries that no single present country continues (code -> name).
FORMER: dict[int, str] = {
    200: "Czechoslovakia (...1992)",
    278: "Dem. Rep. of Germany (...1990)",
    530: "Netherlands Antilles (...2010)",
    582: "Pacific Isds (...1991)",
    720: "Dem. Yemen (...1990)",
    810: "USSR (...1990)",
    890: "Yugoslavia (...1991)",
    891: "Serbia and Montenegro (...2005)",
}

#: Former codes whose country continues under a present ISO3 (as the BACI code list says).
SUCCESSORS: dict[int, str] = {
    280: "DEU",  # Fed. Rep. of Germany (...1990)
    736: "SDN",  # Sudan (...2011)
}

Kind = Literal["country", "aggregate", "former"]


def trade_country(code: int) -> tuple[Kind, str]:
    """``("country", ISO3)``, ``("aggregate", name)`` or ``("former", name)`` for a code.

    Raises :class:`~critmin.countries.UnknownCountryError` for any other unknown code."""
    if code in AGGREGATES:
        return "aggregate", AGGREGATES[code]
    if code in FORMER:
        return "former", FORMER[code]
    if code in SUCCESSORS:
        return "country", SUCCESSORS[code]
    if code < 0:
        raise UnknownCountryError(f"unknown numeric country code {code!r}")
    try:
        return "country", to_iso3(str(code), numeric_codes="baci")
    except UnknownCountryError:
        raise UnknownCountryError(
            f"unknown numeric country code {str(code)!r} (neither a country nor a known "
            "aggregate or former country of UN Comtrade/BACI)"
        ) from None
