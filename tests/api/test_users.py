"""Admins manage users: revoke keys and change roles, at once and audited."""

from __future__ import annotations

from typer.testing import CliRunner

from critmin.cli.main import app
from critmin.data import service


def test_revoked_key_is_401_at_once(api):
    assert api.get("/me", "viewer").status_code == 200  # cached as valid
    assert api.delete("/users/viewer", "usa").status_code == 403  # analysts do not manage
    assert api.delete("/users/viewer").status_code == 204
    assert api.get("/me", "viewer").status_code == 401
    assert api.delete("/users/nobody").status_code == 404
    actions = {(a["action"], a["target"]) for a in api.get("/audit").json()}
    assert ("user.revoke", "viewer") in actions


def test_role_and_partner_change(api):
    assert api.post("/runs", "viewer", json={"scenario": "baseline"}).status_code == 403
    r = api.client.patch("/users/viewer", headers=api.as_("admin"), json={"role": "analyst"})
    assert r.status_code == 200 and r.json()["role"] == "analyst"
    assert api.get("/me", "viewer").json()["role"] == "analyst"
    r = api.client.patch("/users/jpn", headers=api.as_("admin"), json={"partner": "open"})
    assert r.status_code == 200 and r.json()["partner"] is None
    r = api.client.patch("/users/jpn", headers=api.as_("admin"), json={"role": "boss"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "role"]
    r = api.client.patch("/users/jpn", headers=api.as_("admin"), json={"partner": "Narnia"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "partner"]


def test_cli_revoke_and_set(store, monkeypatch):
    monkeypatch.setenv("CRITMIN_DB", str(store))
    key = service.add_user(store, "bo", "viewer", None)[1]
    runner = CliRunner()
    r = runner.invoke(app, ["--db", str(store), "users", "set", "bo", "--role", "admin",
                            "--partner", "Japan"])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert service.verify_key(store, key).role == "admin"
    assert service.verify_key(store, key).partner == "JPN"
    r = runner.invoke(app, ["--db", str(store), "users", "revoke", "bo"])
    assert r.exit_code == 2 and "last admin" in r.output  # issue 17 row 12
    service.add_user(store, "root", "admin", None)
    r = runner.invoke(app, ["--db", str(store), "users", "revoke", "bo"])
    assert r.exit_code == 0, r.output
    assert service.verify_key(store, key) is None
    r = runner.invoke(app, ["--db", str(store), "users", "revoke", "nobody"])
    assert r.exit_code != 0 and "nobody" in r.output
