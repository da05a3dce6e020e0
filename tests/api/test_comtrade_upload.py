"""Uploading a UN Comtrade file: merge by default, replace and the mirror side on request."""

from __future__ import annotations

from tests.conftest import REAL_DATA

COMTRADE = REAL_DATA / "comtrade_ree_usa_chn_2020-2024.csv"


def _upload(api, **data):
    files = {"file": (COMTRADE.name, COMTRADE.read_bytes(), "text/csv")}
    return api.post("/datasets", files=files, data={"format": "comtrade", **data})


def test_comtrade_upload_merges_by_default(api):
    up = _upload(api, base="1")
    assert up.status_code == 201, up.text
    s = up.json()["summary"]
    assert s["mode"] == "merge (flow key)" and s["flows_from_importer"] == 20
    assert s["skipped_aggregate_country"] == 40


def test_comtrade_upload_replace_and_prefer_exporter(api):
    up = _upload(api, base="1", replace="true", prefer="exporter")
    assert up.status_code == 201, up.text
    s = up.json()["summary"]
    assert s["mode"] == "replace (product, year)" and s["flows_from_exporter"] == 20
    assert _upload(api, prefer="both").status_code == 422
