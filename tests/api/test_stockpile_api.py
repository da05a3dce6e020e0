"""Joint stockpile over the API: a partner's current levels stay confidential to it; the other
partner sees only the joint coverage and the joint action (as the partner-scoping tests)."""

from __future__ import annotations

import json

from critmin.data import service

SECRET = 77.123457
BODY = {"budgets": {"USA": 5e6, "JPN": 5e6}, "materials": ["oxide_dy", "oxide_tb"],
        "scenarios": ["china-2025-october-controls"], "draws": 3, "recheck_draws": 0,
        "months": 6}  # fmt: skip


def test_levels_are_confidential_to_their_partner_and_the_result_is_scoped(api):
    r = api.client.put("/stockpile/levels", headers=api.as_("jpn"),
                       json={"levels": [{"material": "oxide_dy", "tonnes": SECRET}]})  # fmt: skip
    assert r.status_code == 200, r.text
    assert api.get("/stockpile/levels", "jpn").json() == [
        {"partner": "JPN", "material": "oxide_dy", "tonnes": SECRET}]  # fmt: skip
    assert api.get("/stockpile/levels", "usa").json() == []
    assert api.get("/stockpile/levels", "viewer").json() == []
    assert len(api.get("/stockpile/levels", "admin").json()) == 1
    r = api.client.put("/stockpile/levels", headers=api.as_("jpn"),
                       json={"partner": "USA", "levels": []})  # fmt: skip
    assert r.status_code == 403  # an analyst sets only its own partner's

    sub = api.post("/stockpiles", "usa", json=BODY)
    assert sub.status_code == 202, sub.text
    job_id = sub.json()["id"]
    assert str(SECRET) not in json.dumps(sub.json())
    done = api.wait(f"/stockpiles/{job_id}", lambda b: b["status"] in {"done", "failed"},
                    "usa", timeout=120)  # fmt: skip
    assert done["status"] == "done", done
    seen_by_usa = json.dumps(done)
    assert str(SECRET) not in seen_by_usa and "77.12" not in seen_by_usa
    res = done["result"]
    assert res["hidden_partners"] == ["JPN"]
    assert {r["partner"] for r in res["rows"]} == {"USA"}
    assert {r["partner"] for r in res["by_partner"]} == {"USA"}
    assert [r["material"] for r in res["joint"]] == ["oxide_dy", "oxide_tb"]
    cover = res["joint"][0]["joint_months_of_cover"]
    assert cover == round(cover)  # whole months: no subtraction gives the level back

    jpn = api.get(f"/stockpiles/{job_id}", "jpn").json()["result"]
    assert jpn["hidden_partners"] == []
    mine = [r for r in jpn["rows"] if r["partner"] == "JPN" and r["material"] == "oxide_dy"]
    assert mine[0]["current_t"] == SECRET
    admin = api.get(f"/stockpiles/{job_id}", "admin").json()["result"]
    assert {r["partner"] for r in admin["rows"]} == {"USA", "JPN"}
    assert api.get(f"/stockpiles/{job_id}", "viewer").status_code == 403  # not a partner of it
    assert [j["id"] for j in api.get("/stockpiles", "jpn").json()] == [job_id]
    assert api.get("/stockpiles", "viewer").json() == []
    # the job's parameters and the audit log never carry the level
    job = service.get_job(api.db, job_id)
    assert str(SECRET) not in json.dumps(job.params)
    assert str(SECRET) not in json.dumps(service.audit_log(api.db))


def test_bad_stockpile_requests_are_named(api):
    r = api.post("/stockpiles", "usa", json=BODY | {"materials": ["oxide_dyy"]})
    assert r.status_code == 422 and "unknown material 'oxide_dyy'" in r.text
    r = api.post("/stockpiles", "usa", json=BODY | {"budgets": {"USA": -1.0}})
    assert r.status_code == 422 and "budget" in r.text
    r = api.client.put("/stockpile/levels", headers=api.as_("usa"),
                       json={"levels": [{"material": "unobtainium", "tonnes": 1}]})  # fmt: skip
    assert r.status_code == 422 and "unknown material" in r.text
    assert api.post("/stockpiles", "viewer", json=BODY).status_code == 403


def test_the_default_request_is_accepted_within_the_run_budget(api, monkeypatch):
    monkeypatch.setattr(api.client.app.state.ctx.jobs, "submit", lambda job_id: None)
    r = api.post("/stockpiles", "usa", json={"budgets": {"USA": 1e9, "JPN": 1e9}})
    assert r.status_code == 202, r.text
    params = r.json()["params"]
    assert "china-2025-october-controls" in params["scenarios"]
    assert "oxide_dy" in params["materials"]
