"""Issue 17 row 12: the last admin cannot be revoked or demoted; a zip bomb is refused."""

from __future__ import annotations

import io
import zipfile

import pytest

from critmin.data import service


def test_the_last_admin_is_protected(api):
    r = api.delete("/users/admin")
    assert r.status_code == 409 and "last admin" in r.json()["detail"]
    r = api.client.patch("/users/admin", json={"role": "viewer"}, headers=api.as_("admin"))
    assert r.status_code == 409
    assert api.get("/me").status_code == 200
    with pytest.raises(service.LastAdmin):
        service.revoke_user(api.db, "admin")
    # with a second admin, either may go (but not both)
    second = api.post("/users", json={"name": "root2", "role": "admin"}).json()["api_key"]
    assert api.delete("/users/admin").status_code == 204
    r = api.client.delete("/users/root2", headers={"X-API-Key": second})
    assert r.status_code == 409
    # other users are revoked as before
    assert api.client.delete("/users/viewer", headers={"X-API-Key": second}).status_code == 204


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_zip_bomb_is_refused_by_ratio(api):
    bomb = _zip({"ds/dataset.toml": b'name="x"\nyear=2024\n', "ds/trade.csv": b"0" * (64 << 20)})
    assert len(bomb) < 1 << 20  # 64 MiB of zeros in well under 1 MiB
    r = api.post("/datasets", files={"file": ("bomb.zip", bomb, "application/zip")},
                 data={"format": "critmin"})  # fmt: skip
    assert r.status_code == 422, r.text
    assert "zip bomb" in r.json()["detail"][0]["msg"]
