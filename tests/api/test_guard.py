"""Issue 17 rows 4 and 12: key, role and size are checked before one byte of a body is read;
deep JSON is refused after the key check; answers carry the security headers."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from critmin.api import guard


def _asgi(api, method: str, path: str, headers: dict[str, str], chunks: list[bytes]):
    """Call the app directly: (status, body, how many body messages the app pulled)."""
    pulled = 0

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        if pulled < len(chunks):
            pulled += 1
            return {"type": "http.request", "body": chunks[pulled - 1],
                    "more_body": pulled < len(chunks)}  # fmt: skip
        return {"type": "http.disconnect"}

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http", "http_version": "1.1", "method": method, "path": path,
        "raw_path": path.encode(), "query_string": b"", "root_path": "", "scheme": "http",
        "server": ("test", 80), "client": ("test", 1),
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "app": api.client.app,
    }  # fmt: skip
    asyncio.run(api.client.app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], body, pulled


MULTIPART = {"content-type": "multipart/form-data; boundary=xyz"}


def test_no_key_answers_401_before_reading_the_body(api):
    big = [b"x" * (1 << 20)] * 8
    status, body, pulled = _asgi(api, "POST", "/datasets",
                                 MULTIPART | {"content-length": str(8 << 20)}, big)  # fmt: skip
    assert (status, pulled) == (401, 0) and b"X-API-Key" in body
    status, _, pulled = _asgi(api, "POST", "/datasets",
                              MULTIPART | {"transfer-encoding": "chunked", "x-api-key": "cmk_x_y"},
                              big)  # fmt: skip
    assert (status, pulled) == (401, 0)
    # a role below the endpoint's: 403, still unread
    status, _, pulled = _asgi(api, "POST", "/datasets", MULTIPART | {
        "content-length": str(8 << 20), "x-api-key": api.keys["usa"]}, big)  # fmt: skip
    assert (status, pulled) == (403, 0)


def test_bodies_over_the_limit_answer_413(api, monkeypatch):
    monkeypatch.setitem(guard.BODY_LIMITS, "/datasets", 1 << 20)
    key = {"x-api-key": api.keys["admin"]}
    status, body, pulled = _asgi(api, "POST", "/datasets",
                                 MULTIPART | key | {"content-length": str(2 << 20)},
                                 [b"x" * (2 << 20)])  # fmt: skip
    assert (status, pulled) == (413, 0) and b"1,048,576" in body
    head = (
        b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n'
        b"Content-Type: text/csv\r\n\r\n"
    )
    chunks = [head] + [b"x" * (256 << 10)] * 8  # no length declared: counted as it comes
    status, _, pulled = _asgi(
        api, "POST", "/datasets", MULTIPART | key | {"transfer-encoding": "chunked"}, chunks
    )
    assert status == 413 and pulled <= 6
    json_key = key | {"content-type": "application/json"}
    status, _, _ = _asgi(api, "POST", "/runs", json_key | {"transfer-encoding": "chunked"},
                         [b"[" + b" " * (guard.MAX_JSON_BYTES + 10) + b"]"])  # fmt: skip
    assert status == 413


def test_deep_json_is_422_after_the_key_check(api):
    deep = "[" * 2000 + "]" * 2000
    r = api.client.post("/runs", content=deep, headers={"content-type": "application/json"})
    assert r.status_code == 401
    r = api.client.post("/runs", content=deep, headers=api.as_("usa") | {
        "content-type": "application/json"})  # fmt: skip
    assert r.status_code == 422
    assert "nested deeper than" in r.json()["detail"][0]["msg"]
    ok = api.post(
        "/scenarios/validate",
        "usa",
        json={"scenario": {"name": "a", "months": 3, "restrictions": []}},
    )
    assert ok.status_code == 200, ok.text


@pytest.mark.parametrize(
    ("text", "depth"),
    [(b"{}", 1), (b'{"a": [1, {"b": "[[[["}]}', 3), (b'["\\"[", [[]]]', 3), (b"3", 0)],
)
def test_json_depth(text, depth):
    assert guard.json_depth(text) == depth


def test_security_headers_on_the_dashboard_and_the_api(api):
    page = api.client.get("/")
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert api.get("/me").headers["x-frame-options"] == "DENY"
    docs = api.client.get("/docs")
    assert docs.status_code == 200 and "content-security-policy" in docs.headers
