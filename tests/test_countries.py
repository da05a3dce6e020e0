import pytest

from critmin.countries import UnknownCountryError, name_of, to_iso3


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("CHN", "CHN"), ("cn", "CHN"), ("156", "CHN"), (156, "CHN"), ("China", "CHN"),
        ("Burma", "MMR"), ("United States", "USA"), ("Viet Nam", "VNM"), ("Russia", "RUS"),
        ("Korea, Republic of", "KOR"), ("  Japan ", "JPN"), ("Türkiye", "TUR"),
    ],
)  # fmt: skip
def test_names_and_codes_normalise_to_iso3(value, expected):
    assert to_iso3(value) == expected


def test_baci_numeric_codes_differ_from_iso():
    assert to_iso3("842", numeric_codes="baci") == "USA"
    assert to_iso3("251", numeric_codes="baci") == "FRA"
    assert to_iso3("699", numeric_codes="baci") == "IND"
    with pytest.raises(UnknownCountryError):
        to_iso3("842")  # not an ISO numeric code


def test_unknown_country_suggests_close_matches():
    with pytest.raises(UnknownCountryError, match=r"unknown country 'Chna'; did you mean CHN"):
        to_iso3("Chna")
    with pytest.raises(UnknownCountryError, match="unknown numeric country code"):
        to_iso3("999")


def test_world_only_where_allowed():
    assert to_iso3("WLD", allow_world=True) == "WLD"
    with pytest.raises(UnknownCountryError):
        to_iso3("WLD")
    assert name_of("WLD") == "World"
    assert name_of("MMR") == "Myanmar"
