"""Webhooks through the API: admins only, private receivers refused unless allowed, the
service's own deliverer sends queued alerts, the log and retries."""

from __future__ import annotations

import time
from pathlib import Path

from fastapi.testclient import TestClient
from tests.delivery.test_webhooks import Receiver, alert

from critmin.api import create_app
from critmin.data import service
from critmin.data import webhooks as store
from critmin.delivery import enqueue_alerts


def test_admin_only_and_private_receivers_refused_by_default(api, monkeypatch):
    body = {"partner": "JPN", "url": "http://127.0.0.1:9/hook"}
    for who in ("viewer", "usa"):
        assert api.post("/webhooks", who, json=body).status_code == 403
        assert api.get("/webhooks", who).status_code == 403
        assert api.get("/webhooks/deliveries", who).status_code == 403
    monkeypatch.delenv("CRITMIN_WEBHOOK_PRIVATE", raising=False)
    r = api.post("/webhooks", json=body)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "url"]
    assert "not public" in r.json()["detail"][0]["msg"]
    r = api.post("/webhooks", json=body | {"partner": "Japn"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "partner"]
    monkeypatch.setenv("CRITMIN_WEBHOOK_PRIVATE", "1")
    r = api.post("/webhooks", json=body)
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["partner"] == "JPN" and len(created["secret"]) >= 16
    listed = api.get("/webhooks").json()
    assert [h["id"] for h in listed] == [created["id"]]
    assert created["secret"] not in str(listed)
    assert api.delete(f"/webhooks/{created['id']}").status_code == 204
    assert api.delete(f"/webhooks/{created['id']}").status_code == 404
    actions = [a["action"] for a in api.get("/audit").json()]
    assert "webhook.add" in actions and "webhook.remove" in actions


def test_the_service_delivers_queued_alerts_and_logs_them(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("CRITMIN_WEBHOOK_PRIVATE", "1")
    db = tmp_path / "store.duckdb"
    service.ensure(db)
    _, key = service.add_user(db, "root", "admin")
    rx = Receiver("s" * 20)
    try:
        with TestClient(create_app(db, deliver_every_s=0.2)) as client:
            h = {"X-API-Key": key}
            r = client.post("/webhooks", headers=h,
                            json={"partner": "USA", "url": rx.url, "secret": "s" * 20})  # fmt: skip
            assert r.status_code == 201, r.text
            enqueue_alerts(db, [alert("A1"), alert("A2", confidential_to="JPN")])
            deadline = time.monotonic() + 20
            while not rx.got and time.monotonic() < deadline:
                time.sleep(0.1)
            assert [g["body"]["id"] for g in rx.got] == ["A1"]  # A2 is JPN's alone
            # the receiver answers before the service records the delivery: wait for the record
            log = client.get("/webhooks/deliveries", headers=h).json()
            while log and log[0]["status"] != "delivered" and time.monotonic() < deadline:
                time.sleep(0.1)
                log = client.get("/webhooks/deliveries", headers=h).json()
            assert [(d["ref"], d["status"]) for d in log] == [("A1", "delivered")]
            assert client.get("/webhooks/deliveries?status=failed", headers=h).json() == []
            r = client.post(f"/webhooks/deliveries/{log[0]['id']}/retry", headers=h)
            assert r.status_code == 409  # delivered: nothing to retry
            assert client.post("/webhooks/deliveries/dl-x/retry", headers=h).status_code == 404
    finally:
        rx.close()
    assert store.delivery_log(db)[0]["status"] == "delivered"
