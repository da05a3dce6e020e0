"""Alerts over the API: an ingest of supply-cut news starts a respond job; its alerts are
listed and shown with partner scoping (an alert on a version confidential to a partner is
that partner's; everyone else gets the same 403 as for a missing alert)."""

from __future__ import annotations

from pathlib import Path

from critmin.data import service
from critmin.signals import respond

DEV = Path(__file__).parent.parent / "data" / "signals" / "real" / "dev" / "articles"
NAMES = ["zht_ettoday_not_a_ban.txt", "ko_fnnews_tech_controls.txt", "ar_shorouk_us_australia.txt"]


def _files(names):
    return [("files", (n, (DEV / n).read_bytes(), "text/plain")) for n in names]


def test_ingest_raises_alerts_scoped_to_partners(api, monkeypatch):
    monkeypatch.setattr(respond, "QUICK_DRAWS", 20)  # the job's draws: a quick test
    service.set_dataset_access(api.db, 1, "JPN", "admin")  # alerts on it are JPN's
    r = api.post("/events/ingest", "jpn", files=_files(NAMES))
    assert r.status_code == 201, r.text
    job_id = r.json()["respond_job"]
    assert job_id
    job = api.wait(f"/alerts/jobs/{job_id}", lambda b: b["status"] not in ("queued", "running"),
                   who="jpn", timeout=120)  # fmt: skip
    assert job["status"] == "done", job
    (alert_id,) = job["result"]["alerts"]
    assert "ar_shorouk_us_australia" not in job["params"]["articles"]  # an agreement: no job
    page = api.get("/alerts", "jpn").json()
    assert [a["id"] for a in page["alerts"]] == [alert_id]
    alert = api.get(f"/alerts/{alert_id}", "jpn").json()
    assert alert["confidential_to"] == "JPN" and set(alert["impact"]) == {"USA", "JPN"}
    assert sorted(alert["story"]["languages"]) == ["ko", "zh-Hant"]  # a traditional page
    assert api.get("/alerts", "usa").json()["alerts"] == []
    hidden = api.get(f"/alerts/{alert_id}", "usa")
    missing = api.get("/alerts/AL-none", "usa")
    assert hidden.status_code == missing.status_code == 403
    assert hidden.json()["detail"].replace(alert_id, "X") == missing.json()["detail"].replace(
        "AL-none", "X"
    )
    assert api.get(f"/alerts/{alert_id[:8]}", "admin").status_code == 404  # no prefixes
    assert api.get(f"/alerts/{alert_id}", "admin").status_code == 200
    assert api.get(f"/alerts/jobs/{job_id}", "usa").status_code == 403  # JPN's job
    assert api.client.get("/alerts").status_code == 401
    # the same articles again: already seen, no job
    again = api.post("/events/ingest", "jpn", files=_files(NAMES[:1])).json()
    job2 = api.wait(f"/alerts/jobs/{again['respond_job']}", lambda b: b["status"] == "done",
                    who="jpn", timeout=60)  # fmt: skip
    assert job2["result"]["alerts"] == []
