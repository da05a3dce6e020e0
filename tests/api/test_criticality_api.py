"""The criticality sweep in the API: a job with progress, the stored sweeps, their rankings and
per-item loss distributions; 404/403 for unknown sweeps, 422 naming the field."""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile

import pytest
from typer.testing import CliRunner

from critmin.data.dataset import builtin_path

#: the tiny sweep of the brief: one mineral, one severity and duration, 8 draws of 6 months;
#: explicit probabilities, so the test does not depend on the dataset's disruption history
TINY = {"minerals": ["graphite"], "severities": [0.9], "durations": [6], "draws": 8,
        "months": 6, "method": "direct", "exporters": 1, "elements": False,
        "probabilities": {"CHN:graphite": 0.2}}  # fmt: skip
DONE = {"queued", "running"}


def _ended(body: dict) -> bool:
    return body["status"] not in DONE


@pytest.fixture(scope="session")
def priced_zip(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The built-in dataset with gross output beside its value added (3x, for the test only),
    so value added lost is computed (the built-in table may still be empty)."""
    folder = tmp_path_factory.mktemp("gross") / "dataset"
    shutil.copytree(builtin_path(), folder, ignore=shutil.ignore_patterns("__pycache__"))
    with (folder / "value_added.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with (folder / "gross_output.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["partner", "nace", "year", "gross_output_musd", "source", "note"])
        for r in rows:
            w.writerow([r["partner"], r["nace"], r["year"], 3 * float(r["value_added_musd"]),
                        r["source"], "test: three times value added"])  # fmt: skip
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for f in sorted(folder.iterdir()):
            zf.write(f, f"dataset/{f.name}")
    return buf.getvalue()


def _sweep(api, who: str = "usa", **body) -> tuple[dict, str]:
    r = api.post("/criticality", who, json=TINY | body)
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["kind"] == "criticality" and job["status"] == "queued"
    assert r.headers["location"] == f"/criticality/{job['id']}"
    end = api.wait(f"/criticality/{job['id']}", _ended, who, timeout=90)
    assert end["status"] == "done", end
    return end, end["sweep_id"]


def test_sweep_job_lifecycle_ranking_and_losses(api):
    end, sweep_id = _sweep(api)
    assert end["progress"] == 1.0 and sweep_id
    assert end["result"]["cases"] == 1 and end["result"]["partners"] == ["USA", "JPN", "eu27"]
    # listed, for its owner and admins, not for another partner (like its job)
    [listed] = api.get("/sweeps", "usa").json()
    assert listed["id"] == sweep_id and listed["job_id"] == end["id"]
    assert (listed["cases"], listed["draws"], listed["months"]) == (1, 8, 6)
    assert listed["minerals"] == ["graphite"] and listed["method"] == "direct"
    assert api.get("/sweeps", "jpn").json() == []
    assert [s["id"] for s in api.get("/sweeps", "admin").json()] == [sweep_id]
    assert api.get(f"/criticality/{end['id']}", "jpn").status_code == 403

    r = api.get(f"/sweeps/{sweep_id}", "usa")  # default partner: the caller's
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["partner"] == "USA" and body["unit"].startswith("expected value added lost")
    [row] = body["rows"]
    assert row["item"] == "graphite" and row["rank"] == 1 and row["partner"] == "USA"
    assert row["probability"] == pytest.approx(0.2) and row["cases"] == 1
    assert row["expected_loss_p10_usd"] <= row["expected_loss_usd"]
    assert row["expected_loss_usd"] <= row["expected_loss_p90_usd"]
    [sc] = row["scenarios"]
    assert sc["case"] == "graphite-CHN-90pct-6m" and sc["probability"] == pytest.approx(0.2)
    assert api.get(f"/sweeps/{sweep_id}", "usa", params={"partner": "Japan"}).json()[
        "partner"] == "JPN"  # fmt: skip

    r = api.get(f"/sweeps/{sweep_id}/losses", "usa", params={"item": "graphite"})
    assert r.status_code == 200, r.text
    losses = r.json()
    assert len(losses["values"]) == 8
    assert sum(losses["values"]) / 8 == pytest.approx(row["expected_loss_usd"], abs=1e-6)
    assert [s["case"] for s in losses["scenarios"]] == ["graphite-CHN-90pct-6m"]


def test_ranking_matches_the_cli_and_partners_differ(api, priced_zip, monkeypatch):
    up = api.post("/datasets", files={"file": ("d.zip", priced_zip, "application/zip")},
                  data={"format": "critmin"})  # fmt: skip
    assert up.status_code == 201, up.text
    _, sweep_id = _sweep(api, "admin", version=up.json()["version"])
    usa = api.get(f"/sweeps/{sweep_id}", "admin", params={"partner": "USA"}).json()["rows"]
    jpn = api.get(f"/sweeps/{sweep_id}", "admin", params={"partner": "JPN"}).json()["rows"]
    assert usa[0]["expected_loss_usd"] > 0 and jpn[0]["expected_loss_usd"] > 0
    assert usa[0]["expected_loss_usd"] != jpn[0]["expected_loss_usd"]
    # the same rows as `critmin sweeps show ID --format json` (what `criticality` prints)
    from critmin.cli.main import app

    shown = CliRunner().invoke(app, ["--db", str(api.db), "sweeps", "show", sweep_id,
                                     "--partner", "USA", "--format", "json"])  # fmt: skip
    assert shown.exit_code == 0, shown.output
    cli_rows = json.loads(shown.stdout)["ranking"]
    assert usa == cli_rows
    losses = api.get(f"/sweeps/{sweep_id}/losses", "admin",
                     params={"partner": "JPN", "item": "graphite"}).json()  # fmt: skip
    assert losses["partner"] == "JPN" and len(set(losses["values"])) > 1
    assert losses["expected_loss_usd"] == pytest.approx(jpn[0]["expected_loss_usd"])


def test_unknown_sweep_is_404_for_admins_and_403_for_others(api):
    r = api.get("/sweeps/nosuchsweep", "admin")
    assert r.status_code == 404
    assert "GET /sweeps" in r.json()["detail"]
    assert api.get("/sweeps/nosuchsweep/losses", "admin", params={"item": "Dy"}).status_code == 404
    # like every confidential object: missing and hidden answer alike to non-admins
    assert api.get("/sweeps/nosuchsweep", "usa").status_code == 403
    assert api.get("/criticality/nosuchjob", "admin").status_code == 404


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"severities": [1.5]}, ["body", "severities", 0]),
        ({"durations": [0]}, ["body", "durations", 0]),
        ({"draws": 0}, ["body", "draws"]),
        ({"method": "magic"}, ["body", "method"]),
        ({"probabilities": {"CHN:graphite": 2}}, ["body", "probabilities", "CHN:graphite"]),
        ({"probabilities": {"Atlantis:graphite": 0.1}}, ["body", "probabilities",
                                                          "Atlantis:graphite"]),
        ({"minerals": ["unobtainium"]}, ["body", "minerals", 0]),
        ({"partners": ["Atlantis"]}, ["body", "partners", 0]),
        ({"severity_weights": [1, 2]}, ["body", "severity_weights"]),
        ({"probabilities": {}}, ["body", "probabilities"]),
        ({"surprise": 1}, ["body", "surprise"]),
        ({"draws": 100_000, "months": 120, "minerals": ["rare_earths"]}, ["body", "draws"]),
    ],
)  # fmt: skip
def test_bad_sweeps_are_422_naming_the_field(api, body, loc):
    from critmin.atlas import Atlas
    from critmin.data.dataset import read_dataset

    history = Atlas(read_dataset(builtin_path())).table("disruptions")
    if loc == ["body", "probabilities"] and not history.empty:
        pytest.skip("the built-in dataset has a disruption history now")
    r = api.post("/criticality", "usa", json=TINY | body)
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["loc"] == loc, r.json()


def test_viewers_cannot_start_sweeps_and_bad_queries(api):
    assert api.post("/criticality", "viewer", json=TINY).status_code == 403
    _, sweep_id = _sweep(api)
    r = api.get(f"/sweeps/{sweep_id}", "usa", params={"partner": "KOR"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "partner"]
    r = api.get(f"/sweeps/{sweep_id}/losses", "usa", params={"item": "Dy"})
    assert r.status_code == 422 and "graphite" in r.json()["detail"][0]["msg"]


def test_impact_job(api):
    body = {"scenario": "embargo-japan-12m", "partners": ["USA", "JPN"], "draws": 8,
            "months": 6, "method": "direct"}  # fmt: skip
    r = api.post("/impact", "usa", json=body)
    assert r.status_code == 202, r.text
    end = api.wait(f"/impact/{r.json()['id']}", _ended, "usa", timeout=90)
    assert end["status"] == "done", end
    result = end["result"]
    assert {row["partner"] for row in result["by_partner"]} == {"USA", "JPN"}
    assert "value_added_p50_musd" in result["by_partner"][0]
    assert isinstance(result["by_industry"], list)
    r = api.post("/impact", "usa", json=body | {"scenario": "no-such"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "scenario"]


def test_the_schema_documents_the_endpoints(api):
    paths = api.client.get("/openapi.json").json()["paths"]
    for path in ("/criticality", "/criticality/{job_id}", "/sweeps", "/sweeps/{sweep_id}",
                 "/sweeps/{sweep_id}/losses", "/impact", "/impact/{job_id}"):  # fmt: skip
        assert path in paths, path


def test_the_schema_bounds_the_sweep(api):
    schema = api.client.get("/openapi.json").json()["components"]["schemas"]["CriticalityIn"]
    props = schema["properties"]
    assert props["draws"]["maximum"] == 100_000 and props["exporters"]["maximum"] == 20


def test_cancel_a_running_sweep(api, big_runs):
    exporters = ("CHN", "MYS", "MMR", "AUS", "USA", "VNM", "LAO", "JPN", "EST", "THA", "IND")
    body = TINY | {"minerals": ["rare_earths"], "elements": True, "draws": 40, "months": 12,
                   "severities": [0.3, 0.6, 0.9], "durations": [3, 6, 12],
                   "probabilities": {f"{e}:rare_earths": 0.1 for e in exporters}}  # fmt: skip
    r = api.post("/criticality", "usa", json=body)
    assert r.status_code == 202, r.text
    url = f"/criticality/{r.json()['id']}"
    assert api.delete(url, "jpn").status_code == 403  # not theirs to see
    api.wait(url, lambda b: (b["message"] or "").startswith("case") or _ended(b), "usa", 120)
    assert api.delete(url, "usa").status_code == 202
    end = api.wait(url, _ended, "usa", timeout=120)
    assert end["status"] == "cancelled", end
    assert end["progress"] < 1 and end["sweep_id"] is None
    assert api.get("/sweeps", "admin").json() == []
