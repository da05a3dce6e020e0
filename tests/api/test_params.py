"""Issue 17 row 8: every malformed parameter answers 422 (or is made safe), never 500."""

from __future__ import annotations

from pathlib import Path

import pytest

from critmin.api.datasets import safe_name
from critmin.countries import UnknownCountryError, to_iso3

DATA = Path(__file__).parent.parent / "data"
ODD = ["²", "①", "٣", "9" * 5000, "\x00", "𝟙𝟚𝟛"]


@pytest.mark.parametrize("value", ODD)
def test_odd_countries_are_unknown_not_value_errors(value):
    with pytest.raises(UnknownCountryError):
        to_iso3(value)


@pytest.mark.parametrize("value", ["²", "①"])
@pytest.mark.parametrize("url", ["/metrics?country={}", "/events?country={}",
                                 "/stories?country={}"])  # fmt: skip
def test_country_parameters_answer_422(api, url, value):
    r = api.get(url.format(value), "viewer")
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["loc"] == ["query", "country"]


def test_country_in_bodies_answers_422(api):
    r = api.post("/users", json={"name": "x", "role": "viewer", "partner": "①"})
    assert r.status_code == 422, r.text
    r = api.post("/scenarios", "usa", json={"scenario": {"name": "a", "months": 3},
                                            "confidential_to": "²"})  # fmt: skip
    assert r.status_code == 422, r.text


@pytest.mark.parametrize("url", ["/audit?offset=9223372036854775808", "/audit?offset=-1",
                                 "/events?offset=9223372036854775808",
                                 "/runs?offset=9223372036854775808"])  # fmt: skip
def test_offsets_beyond_int64_answer_422(api, url):
    assert api.get(url).status_code == 422


@pytest.mark.parametrize("name", ["..", ".", "a" * 300 + ".csv", "x/../../etc/passwd",
                                  "..\\..\\b.csv", "b\x01.csv"])  # fmt: skip
def test_odd_upload_file_names_are_made_safe(api, name):
    data = (DATA / "baci" / "baci_sample.csv").read_bytes()
    r = api.post("/datasets", files={"file": (name, data, "text/csv")}, data={"format": "baci"})
    assert r.status_code == 201, r.text
    stored = safe_name(name)
    assert "/" not in stored and stored not in {".", ".."} and len(stored.encode()) <= 200


def test_safe_name_keeps_plain_names():
    assert safe_name("trade 2024.csv") == "trade 2024.csv"
    assert safe_name("a" * 300 + ".csv") == "upload.csv"
    assert safe_name("..") == "upload" and safe_name(None) == "upload"
