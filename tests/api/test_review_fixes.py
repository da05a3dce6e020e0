"""Review fixes: an upload's confidentiality is stored with the version (and inherited from
its base); a stored scenario is replaced only by its owner or an admin."""

from __future__ import annotations

from pathlib import Path

import pytest

from critmin.data import service
from critmin.data.store import Store

DATA = Path(__file__).parent.parent / "data"
BACI = {"file": ("b.csv", (DATA / "baci" / "baci_sample.csv").read_bytes(), "text/csv")}
SCENARIO = {
    "name": "shared-cut",
    "months": 6,
    "restrictions": [{"exporter": "CHN", "products": ["re_oxides"], "share": 0.5}],
}


def _fingerprint(db: Path) -> str:
    with Store(db) as store:
        return store.fingerprint()


def test_failing_access_write_leaves_neither_version_nor_access(api, monkeypatch):
    before = _fingerprint(api.db)

    def boom(*args, **kwargs):
        raise RuntimeError("access write failed")

    monkeypatch.setattr(service, "set_dataset_access", boom, raising=False)
    monkeypatch.setattr(service, "write_dataset_access", boom, raising=False)
    with pytest.raises(RuntimeError, match="access write failed"):
        api.post("/datasets", files=BACI, data={"format": "baci", "confidential_to": "USA"})
    monkeypatch.undo()
    assert _fingerprint(api.db) == before
    assert service.dataset_access(api.db) == {}
    assert [d["version"] for d in api.get("/datasets", "jpn").json()] == [1]


def test_version_merged_into_a_confidential_base_inherits_it(api):
    up = api.post("/datasets", files=BACI, data={"format": "baci", "confidential_to": "USA"})
    assert up.status_code == 201, up.text
    secret = up.json()["version"]
    child = api.post("/datasets", files=BACI, data={"format": "baci", "base": str(secret)})
    assert child.status_code == 201, child.text
    v = child.json()["version"]
    assert child.json()["confidential_to"] == "USA"
    assert service.dataset_access(api.db)[v] == "USA"
    assert api.get(f"/datasets/{v}", "jpn").status_code == 403
    assert api.get(f"/datasets/{v}", "usa").json()["confidential_to"] == "USA"
    # the admin may say otherwise: another partner, or open
    form = {"format": "baci", "base": str(secret)}
    other = api.post("/datasets", files=BACI, data=form | {"confidential_to": "JPN"})
    assert other.json()["confidential_to"] == "JPN"
    opened = api.post("/datasets", files=BACI, data=form | {"confidential_to": "open"})
    assert opened.status_code == 201, opened.text
    assert opened.json()["confidential_to"] is None
    assert api.get(f"/datasets/{opened.json()['version']}", "jpn").status_code == 200
    # an open base gives an open version
    plain = api.post("/datasets", files=BACI, data={"format": "baci", "base": "1"})
    assert plain.json()["confidential_to"] is None


def test_only_owner_or_admin_replaces_a_stored_scenario(api):
    first = api.post("/scenarios", "usa", json={"scenario": SCENARIO})
    assert first.status_code == 201, first.text
    changed = SCENARIO | {"months": 9}
    r = api.post("/scenarios", "jpn", json={"scenario": changed})
    assert r.status_code == 403
    assert "only its owner or an admin" in r.json()["detail"]
    stored = api.get("/scenarios/shared-cut", "usa").json()
    assert stored["owner"] == "usa" and stored["months"] == 6
    assert api.post("/scenarios", "usa", json={"scenario": changed}).status_code == 201
    by_admin = api.post("/scenarios", "admin", json={"scenario": SCENARIO | {"months": 12}})
    assert by_admin.status_code == 201, by_admin.text
    assert by_admin.json()["months"] == 12 and by_admin.json()["owner"] == "usa"
    log = [e for e in api.get("/audit").json() if e["target"] == "shared-cut"]
    assert [(e["actor"], e["action"]) for e in reversed(log)] == [
        ("usa", "scenario.save"), ("usa", "scenario.replace"), ("admin", "scenario.replace"),
    ]  # fmt: skip
    assert log[0]["detail"]["replaced"] is True and log[0]["detail"]["owner"] == "usa"


def test_replacing_a_scenario_one_cannot_see_answers_as_hidden(api, monkeypatch):
    """The store refuses a non-owner; for a scenario the caller cannot see, the API answers
    exactly as for any hidden object."""
    service.save_scenario(api.db, "their-cut", SCENARIO | {"name": "their-cut"}, "usa", "USA")
    with pytest.raises(service.ScenarioOwned) as exc:
        service.save_scenario(api.db, "their-cut", SCENARIO, "jpn", "USA")
    assert exc.value.owner == "usa" and exc.value.confidential_to == "USA"
    assert service.save_scenario(api.db, "their-cut", SCENARIO, "root", "USA", admin=True)

    def owned(path, name, *args, **kwargs):
        raise service.ScenarioOwned(name, "usa", "USA")

    monkeypatch.setattr(service, "save_scenario", owned)
    r = api.post("/scenarios", "jpn", json={"scenario": SCENARIO | {"name": "no-such"}})
    missing = api.get("/scenarios/no-such", "jpn")
    assert r.status_code == missing.status_code == 403
    assert r.json() == missing.json()
