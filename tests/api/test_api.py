"""The REST API: access control, validation, jobs (run, cancel, restart), uploads."""

from __future__ import annotations

import csv
import io
import shutil
import zipfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from critmin.api import create_app
from critmin.data import service
from critmin.data.dataset import builtin_path
from critmin.data.store import Store

DATA = Path(__file__).parent.parent / "data"
SECRET = "mp-hree"  # made confidential to the USA in the uploaded dataset


@pytest.fixture(scope="session")
def confidential_zip(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The built-in dataset as a zip, with one project confidential to the USA."""
    folder = tmp_path_factory.mktemp("ds") / "dataset"
    shutil.copytree(builtin_path(), folder, ignore=shutil.ignore_patterns("__pycache__"))
    path = folder / "projects.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert any(r["id"] == SECRET for r in rows)
    for r in rows:
        if r["id"] == SECRET:
            r["confidential_to"] = "USA"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for f in sorted(folder.iterdir()):
            zf.write(f, f"dataset/{f.name}")
    return buf.getvalue()


def _fingerprint(db: Path) -> str:
    with Store(db) as store:
        return store.fingerprint()


# -- access control -----------------------------------------------------------------------------
def test_no_key_and_unknown_key_are_401(api):
    assert api.client.get("/datasets").status_code == 401
    bad = api.client.get("/datasets", headers={"X-API-Key": "cmk_0000_nope"})
    assert bad.status_code == 401
    assert api.client.get("/metrics", headers={"X-API-Key": "garbage"}).status_code == 401
    assert api.get("/me", "jpn").json() == {"name": "jpn", "role": "analyst", "partner": "JPN"}


def test_roles(api):
    run = {"scenario": "embargo-japan-12m", "draws": 8, "months": 6}
    assert api.post("/runs", "viewer", json=run).status_code == 403
    assert api.post("/portfolios", "viewer", json={"budgets": {"USA": 1e9}}).status_code == 403
    assert api.post("/scenarios", "viewer", json={"scenario": {"name": "x"}}).status_code == 403
    assert api.get("/audit", "usa").status_code == 403
    assert api.get("/users", "jpn").status_code == 403
    files = {"file": ("x.csv", b"t,i,j,k,v,q\n", "text/csv")}
    assert api.post("/datasets", "usa", files=files, data={"format": "baci"}).status_code == 403
    assert api.get("/scenarios", "viewer").status_code == 200
    assert api.get("/audit").status_code == 200


def test_confidential_project_visible_only_to_its_partner(api, confidential_zip):
    files = {"file": ("dataset.zip", confidential_zip, "application/zip")}
    up = api.post("/datasets", files=files, data={"format": "critmin"})
    assert up.status_code == 201, up.text
    v = up.json()["version"]
    assert v == 2

    def ids(who: str) -> set[str]:
        r = api.get("/projects", who, params={"version": v})
        assert r.status_code == 200
        return {p["id"] for p in r.json()}

    assert SECRET in ids("usa") and SECRET in ids("admin")
    assert SECRET not in ids("jpn") and SECRET not in ids("viewer")
    assert "lynas-seadrift" in ids("jpn")
    hidden = api.get(f"/projects/{SECRET}", "jpn", params={"version": v})
    missing = api.get("/projects/no-such-project", "jpn", params={"version": v})
    # confidential and missing answer alike (403), so the answer reveals nothing
    assert hidden.status_code == missing.status_code == 403
    assert hidden.json()["detail"].replace(SECRET, "no-such-project") == missing.json()["detail"]
    assert api.get(f"/projects/{SECRET}", "admin", params={"version": v}).status_code == 200
    assert api.get("/projects/nope", "admin", params={"version": v}).status_code == 404
    assert api.get(f"/projects/{SECRET}", "usa", params={"version": v}).status_code == 200
    # a portfolio may not require a project the caller cannot see (answered as missing)
    body = {"budgets": {"JPN": 1e9}, "rules": {"required": [SECRET]}, "version": v}
    r = api.post("/portfolios", "jpn", json=body)
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "rules", "required", 0]


def test_confidential_dataset_and_scenario(api):
    files = {"file": ("b.csv", (DATA / "baci" / "baci_sample.csv").read_bytes(), "text/csv")}
    up = api.post("/datasets", files=files, data={"format": "baci", "confidential_to": "USA"})
    assert up.status_code == 201, up.text
    v = up.json()["version"]
    assert api.get(f"/datasets/{v}", "usa").status_code == 200
    assert api.get(f"/datasets/{v}", "jpn").status_code == 403
    assert api.get(f"/datasets/{v + 5}", "jpn").status_code == 403
    assert api.get(f"/datasets/{v + 5}", "admin").status_code == 404
    assert v not in {d["version"] for d in api.get("/datasets", "jpn").json()}
    assert api.get("/metrics", "jpn", params={"version": v}).status_code == 403
    assert api.get("/metrics", "jpn").json()["dataset"]["version"] == 1  # latest it may see

    sc = {
        "name": "usa-only",
        "months": 6,
        "restrictions": [{"exporter": "CHN", "products": ["re_oxides"], "share": 0.5}],
    }
    r = api.post("/scenarios", "usa", json={"scenario": sc, "confidential_to": "USA"})
    assert r.status_code == 201, r.text
    assert r.json()["confidential_to"] == "USA"
    assert api.get("/scenarios/usa-only", "usa").status_code == 200
    assert api.get("/scenarios/usa-only", "jpn").status_code == 403
    assert api.get("/scenarios/no-such", "jpn").status_code == 403
    assert "usa-only" not in {s["name"] for s in api.get("/scenarios", "jpn").json()}
    run = api.post("/runs", "jpn", json={"scenario": "usa-only", "draws": 8})
    assert run.status_code == 422  # unknown to JPN, like a missing scenario
    # an analyst may not mark a scenario confidential to another partner
    r = api.post("/scenarios", "jpn", json={"scenario": sc, "confidential_to": "USA"})
    assert r.status_code == 403


# -- validation ---------------------------------------------------------------------------------
def test_bad_payloads_name_the_field(api):
    bad = {"name": "bad", "restrictions": [{"exporter": "CHN", "share": 2}]}
    r = api.post("/scenarios/validate", json={"scenario": bad})
    assert r.status_code == 422
    [item] = r.json()["detail"]
    assert item["loc"] == ["body", "scenario", "restrictions[0].share"]
    assert "[0, 1]" in item["msg"]

    unknown = {"name": "bad", "outages": [{"country": "Atlantis", "product": "unobtainium"}]}
    r = api.post("/scenarios", "usa", json={"scenario": unknown})
    assert r.status_code == 422
    locs = {tuple(i["loc"]) for i in r.json()["detail"]}
    assert ("body", "scenario", "outages[0].product") in locs
    assert ("body", "scenario", "outages[0].country") in locs

    r = api.post("/runs", "usa", json={"scenario": "embargo-japan-12m", "draws": 0})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "draws"]
    r = api.post("/runs", "usa", json={"scenario": "no-such-scenario"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "scenario"]
    r = api.post("/portfolios", "usa", json={"budgets": {"Atlantis": 1e9}})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "budgets", "Atlantis"]
    r = api.post("/portfolios", "usa", json={"budgets": {"USA": -1}})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "rules"]
    r = api.get("/metrics", "viewer", params={"country": "Atlantis"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "country"]
    r = api.get("/metrics", "viewer", params={"group": "nope"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "group"]

    good = {"name": "ok", "months": 6, "restrictions": [{"exporter": "China", "share": 0.5}]}
    r = api.post("/scenarios/validate", "viewer", json={"scenario": good})
    assert r.status_code == 200
    assert r.json()["scenario"]["restrictions"][0]["exporter"] == "CHN"


def test_bad_baci_upload_is_422_and_leaves_the_store_unchanged(api):
    before = _fingerprint(api.db)
    content = (DATA / "baci" / "bad_values.csv").read_bytes()
    files = {"file": ("bad_values.csv", content, "text/csv")}
    r = api.post("/datasets", files=files, data={"format": "baci"})
    assert r.status_code == 422
    items = r.json()["detail"]
    assert len(items) == 9
    first = items[0]
    assert (first["file"], first["row"], first["column"]) == ("bad_values.csv", 2, "k")
    assert "integer" in first["msg"]
    assert {(i["row"], i["column"]) for i in items} >= {(3, "q"), (5, "i"), (9, "t")}
    assert _fingerprint(api.db) == before
    assert [d["version"] for d in api.get("/datasets").json()] == [1]
    r = api.post("/datasets", files={"file": ("x.zip", b"not a zip", "application/zip")},
                 data={"format": "critmin"})  # fmt: skip
    assert r.status_code == 422 and r.json()["detail"][0]["file"] == "x.zip"
    r = api.post("/datasets", files=files, data={"format": "excel"})
    assert r.status_code == 422


# -- metrics, datasets, docs --------------------------------------------------------------------
def test_metrics_datasets_and_docs(api):
    r = api.get("/metrics", "viewer", params={"country": "JPN"})
    assert r.status_code == 200
    body = r.json()
    for table in ("concentration", "reliance", "partner_share", "supply_risk", "chokepoints"):
        assert isinstance(body[table], list) and body[table], table
    assert body["dataset"]["country"] == "JPN"
    assert all(row["country"] == "JPN" for row in body["reliance"])
    assert api.get("/metrics", "viewer", params={"country": "JPN"}).content == r.content
    [ds] = api.get("/datasets", "viewer").json()
    assert ds["version"] == 1 and ds["format"] == "builtin"
    detail = api.get("/datasets/1", "viewer").json()
    assert detail["counts"]["production"] > 0
    spec = api.client.get("/openapi.json").json()
    assert "/runs/{job_id}/trajectory" in spec["paths"]
    assert "APIKeyHeader" in spec["components"]["securitySchemes"]
    assert api.client.get("/docs").status_code == 200
    names = {s["name"] for s in api.get("/scenarios", "viewer").json()}
    assert "embargo-japan-12m" in names


# -- jobs ---------------------------------------------------------------------------------------
def test_run_to_completion_summary_and_trajectory(api, store):
    r = api.post("/runs", "usa", json={"scenario": "embargo-japan-12m", "draws": 8, "months": 6})
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["status"] == "queued" and r.headers["location"] == f"/runs/{job['id']}"
    url = f"/runs/{job['id']}"
    done = api.wait(url, lambda b: b["status"] not in {"queued", "running"}, "usa")
    assert done["status"] == "done", done
    assert done["progress"] == 1.0 and done["run_id"]
    # the job records where its chunks ran and why (in this process: no workers asked)
    from critmin.data import service

    execution = service.get_job(str(store), job["id"]).result["execution"]
    assert execution["path"] == "threads" and execution["reason"] == "asked-threads"
    assert execution["cells"] > 0 and execution["draw_months"] == 8 * 6

    s = api.get(f"{url}/summary", "usa").json()
    assert (s["draws"], s["months"], s["scenario"]) == (8, 6, "embargo-japan-12m")
    assert s["shortfall_by_country"]
    top = s["shortfall_by_country"][0]

    params = {"variable": "shortfall", "product": top["product"], "country": top["country"]}
    t = api.get(f"{url}/trajectory", "usa", params=params).json()
    assert len(t["rows"]) == 8 * 6
    assert {r["country"] for r in t["rows"]} == {top["country"]}
    assert sum(r["value"] for r in t["rows"]) > 0
    q = api.get(f"{url}/trajectory", "usa", params=params | {"quantiles": True}).json()
    assert len(q["rows"]) == 6 and {"p10", "p50", "p90"} <= set(q["rows"][0])
    pr = api.get(f"{url}/trajectory", "usa", params=params | {"format": "parquet"})
    assert pr.status_code == 200
    assert pq.read_table(io.BytesIO(pr.content)).num_rows == 8 * 6
    price = api.get(f"{url}/trajectory", "usa", params={"variable": "price"}).json()
    assert price["rows"] and "country" not in price["rows"][0]
    bad = api.get(f"{url}/trajectory", "usa", params={"variable": "nope"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "variable"]

    # partner scoping of jobs: the viewer without partner and JPN do not see a USA job
    assert api.get(url, "jpn").status_code == 403
    assert api.get(url, "admin").status_code == 200
    assert api.delete(url, "usa").status_code == 409  # already done
    actions = [a["action"] for a in api.get("/audit").json()]
    assert "run.submit" in actions and "user.add" in actions


def test_cancel_a_running_job(api, big_runs):
    body = {"scenario": "china-2025-october-controls", "draws": 100_000, "months": 36}
    job = api.post("/runs", "usa", json=body).json()
    url = f"/runs/{job['id']}"
    assert api.delete(url, "jpn").status_code == 403  # not theirs to see
    api.wait(url, lambda b: b["status"] == "running" or b["status"] not in {"queued"}, "usa")
    r = api.delete(url, "usa")
    assert r.status_code == 202
    end = api.wait(url, lambda b: b["status"] not in {"queued", "running"}, "usa")
    assert end["status"] == "cancelled", end
    assert end["progress"] < 1
    assert api.get(f"{url}/summary", "usa").status_code == 409
    assert "job.cancel" in [a["action"] for a in api.get("/audit").json()]


def test_portfolio_job(api):
    body = {"budgets": {"USA": 2e9, "JPN": 2e9}, "draws": 8, "months": 6,
            "recheck_draws": 2, "time_limit": 30, "agree_iterations": 2}  # fmt: skip
    r = api.post("/portfolios", "usa", json=body)
    assert r.status_code == 202, r.text
    url = f"/portfolios/{r.json()['id']}"
    end = api.wait(url, lambda b: b["status"] not in {"queued", "running"}, "usa", timeout=90)
    assert end["status"] == "done", end
    result = end["result"]
    assert result["status"] in {"optimal", "feasible"} and "chosen" in result
    assert result["expected_shortfall_after_t_reo"] <= result["expected_shortfall_before_t_reo"]
    # the promise is made with the effectiveness learned from re-simulations (issue 13)
    assert set(result["gap_closed"]) == {"in_sample", "out_of_sample"}
    assert result["agreement"]["stop"] in {"stable", "cycle", "limit", "nothing chosen"}


def test_restart_marks_left_jobs_interrupted(store):
    service.add_user(store, "ana", "analyst", "USA")
    running = service.create_job(store, "run", {"draws": 8}, "ana", "USA")
    assert service.start_job(store, running.id)
    queued = service.create_job(store, "run", {"draws": 8}, "ana", "USA")
    _, key = service.add_user(store, "boss", "admin")
    from fastapi.testclient import TestClient

    with TestClient(create_app(store)) as client:
        for job in (running, queued):
            body = client.get(f"/runs/{job.id}", headers={"X-API-Key": key}).json()
            assert body["status"] == "interrupted"
            assert body["finished_at"]
    assert service.get_job(store, running.id).status == "interrupted"


def test_users_endpoint_and_hashed_keys(api):
    r = api.post("/users", json={"name": "kenji", "role": "viewer", "partner": "Japan"})
    assert r.status_code == 201
    key = r.json()["api_key"]
    assert r.json()["partner"] == "JPN"
    assert api.client.get("/me", headers={"X-API-Key": key}).json()["name"] == "kenji"
    assert api.post("/users", json={"name": "kenji", "role": "viewer"}).status_code == 409
    assert api.post("/users", json={"name": "x", "role": "root"}).status_code == 422
    import duckdb

    with service.connect(api.db) as con:
        stored = con.execute("SELECT hash, salt FROM svc_api_keys").fetchall()
    assert all(key.split("_", 2)[2] not in (h, s) for h, s in stored)
    assert isinstance(duckdb.__version__, str)
