"""Webhooks: signed POSTs to a receiver on loopback, retries with backoff while it is down,
nothing lost, confidential alerts only to their partner, bounded timeouts, clear errors."""

from __future__ import annotations

import json
import random
import threading
import time
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from critmin.cli.main import app
from critmin.data import webhooks as store
from critmin.delivery import (
    backoff_s,
    check_url,
    deliver_due,
    enqueue_alerts,
    sign,
    verify_signature,
)


class Receiver:
    """An HTTP receiver on 127.0.0.1 that records verified bodies; ``answer`` sets the status
    code it replies with, ``delay`` how long it waits first."""

    def __init__(self, secret: str) -> None:
        self.secret, self.answer, self.delay = secret, 200, 0.0
        self.location: str | None = None  # sent with a 3xx answer
        self.got: list[dict] = []
        self.bad_signatures = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                time.sleep(outer.delay)
                ok = verify_signature(outer.secret, self.headers["X-Critmin-Timestamp"], body,
                                      self.headers["X-Critmin-Signature"])  # fmt: skip
                if not ok:
                    outer.bad_signatures += 1
                elif outer.answer < 300:
                    outer.got.append({"delivery": self.headers["X-Critmin-Delivery"],
                                      "event": self.headers["X-Critmin-Event"],
                                      "body": json.loads(body)})  # fmt: skip
                self.send_response(outer.answer if ok else 401)
                if outer.location:
                    self.send_header("Location", outer.location)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "store.duckdb"


@pytest.fixture
def t0() -> datetime:
    """A clock a minute ahead: what the test queues is due at it."""
    return store.now_utc() + timedelta(minutes=1)


def alert(aid: str, partners=("USA", "JPN"), confidential_to=None) -> dict:
    return {"id": aid, "type": "export_control", "countries": ["CHN"], "materials": ["Ga"],
            "impact": {p: {"partner": p} for p in partners}, "confidential_to": confidential_to,
            "evidence": ["China restricts gallium exports."], "story": {"id": "S1"}}  # fmt: skip


def test_signature_round_trip_and_refusals():
    body = b'{"a": 1}'
    now = 1_800_000_000
    header = sign("s" * 20, now, body)
    assert verify_signature("s" * 20, now, body, header, now=now + 10)
    assert not verify_signature("t" * 20, now, body, header, now=now)  # wrong secret
    assert not verify_signature("s" * 20, now, body + b" ", header, now=now)  # tampered
    assert not verify_signature("s" * 20, now, body, header, now=now + 3600)  # replayed late
    assert not verify_signature("s" * 20, "soon", body, header, now=now)


def test_delivered_signed_to_each_partner_and_confidential_only_to_its_own(db):
    usa_rx, jpn_rx = Receiver("u" * 20), Receiver("j" * 20)
    try:
        store.add_webhook(db, "USA", usa_rx.url, secret="u" * 20)
        store.add_webhook(db, "JPN", jpn_rx.url, secret="j" * 20)
        ids = enqueue_alerts(db, [alert("A1"), alert("A2", confidential_to="JPN"),
                                  alert("A3", partners=("USA",))])  # fmt: skip
        assert len(ids) == 4  # A1 twice, A2 to JPN only, A3 to USA only
        report = deliver_due(db)
        assert len(report.delivered) == 4 and not report.failed
        assert sorted(g["body"]["id"] for g in usa_rx.got) == ["A1", "A3"]
        assert sorted(g["body"]["id"] for g in jpn_rx.got) == ["A1", "A2"]
        assert usa_rx.bad_signatures == jpn_rx.bad_signatures == 0
        assert {g["event"] for g in usa_rx.got} == {"alert"}
        log = store.delivery_log(db)
        assert {r["status"] for r in log} == {"delivered"} and all(r["attempts"] == 1 for r in log)
        assert deliver_due(db).row() == {"delivered": 0, "retrying": 0, "failed": 0}
    finally:
        usa_rx.close()
        jpn_rx.close()


def test_receiver_down_then_up_loses_nothing(db, t0):
    rx = Receiver("k" * 20)
    rx.answer = 503
    store.add_webhook(db, "USA", rx.url, secret="k" * 20)
    enqueue_alerts(db, [alert(f"A{i}") for i in range(3)])
    rng = random.Random(0)
    now = t0
    try:
        for _ in range(3):  # down for three passes: every delivery waits its backoff
            report = deliver_due(db, now=now, rng=rng)
            assert len(report.retrying) == 3 and not report.delivered
            assert deliver_due(db, now=now + timedelta(seconds=1), rng=rng).row()["retrying"] == 0
            now += timedelta(hours=2)
        rx.answer = 200
        report = deliver_due(db, now=now, rng=rng)
        assert len(report.delivered) == 3
        assert sorted(g["body"]["id"] for g in rx.got) == ["A0", "A1", "A2"]
        assert len({g["delivery"] for g in rx.got}) == 3
        log = store.delivery_log(db)
        assert all(r["attempts"] == 4 and r["status"] == "delivered" for r in log)
        assert all(r["last_status_code"] == 200 for r in log)
    finally:
        rx.close()


def test_connection_refused_retries_then_fails_and_can_be_retried(db, t0):
    rx = Receiver("k" * 20)
    url = rx.url
    rx.close()  # nothing listens on the port any more
    store.add_webhook(db, "JPN", url, secret="k" * 20)
    (did,) = enqueue_alerts(db, [alert("A1", partners=("JPN",))])
    now = t0
    for _attempt in range(1, 4):
        report = deliver_due(db, now=now, max_attempts=3)
        now += timedelta(hours=2)
    assert report.failed == [did]
    (row,) = store.delivery_log(db)
    assert row["status"] == "failed" and row["attempts"] == 3
    assert "Error" in row["last_error"]  # ConnectionRefusedError / URLError, named
    store.retry_delivery(db, did, now=now)
    assert store.delivery_log(db)[0]["status"] == "pending"
    with pytest.raises(ValueError, match="only a failed one"):
        store.retry_delivery(db, did)


def test_refusal_fails_at_once_and_timeouts_are_bounded(db, t0):
    rx = Receiver("k" * 20)
    try:
        rx.answer = 400
        store.add_webhook(db, "USA", rx.url, secret="k" * 20)
        enqueue_alerts(db, [alert("A1", partners=("USA",))])
        assert len(deliver_due(db, now=t0).failed) == 1  # 4xx: the receiver refuses it
        rx.answer, rx.delay = 200, 3.0
        enqueue_alerts(db, [alert("A2", partners=("USA",))])
        started = time.monotonic()
        report = deliver_due(db, now=t0, timeout_s=0.5)
        assert time.monotonic() - started < 2.5 and len(report.retrying) == 1
        pending = store.delivery_log(db, status="pending")
        assert "timed out" in pending[0]["last_error"].lower()
    finally:
        rx.close()


def test_a_claimed_delivery_is_not_sent_twice_within_its_lease(db, t0):
    store.add_webhook(db, "USA", "http://127.0.0.1:9/x", secret="k" * 20)
    enqueue_alerts(db, [alert("A1", partners=("USA",))])
    first = store.claim_due(db, now=t0, lease_s=60)
    assert len(first) == 1 and store.claim_due(db, now=t0 + timedelta(seconds=30)) == []
    # the deliverer died after claiming: after the lease it is due again (at least once)
    assert [d.id for d in store.claim_due(db, now=t0 + timedelta(seconds=61))] == [first[0].id]


def test_removed_webhook_gets_nothing_and_its_pending_fail(db):
    hook, _ = store.add_webhook(db, "USA", "http://127.0.0.1:9/x")
    enqueue_alerts(db, [alert("A1")])
    store.remove_webhook(db, hook.id)
    assert store.delivery_log(db)[0]["last_error"] == "webhook removed"
    assert enqueue_alerts(db, [alert("A2")]) == []
    with pytest.raises(KeyError):
        store.remove_webhook(db, hook.id)


def test_backoff_grows_and_is_capped():
    rng = random.Random(1)
    waits = [backoff_s(a, rng) for a in range(1, 16)]
    assert 8 <= waits[0] <= 12 and waits[3] > waits[2] > waits[1]
    assert max(waits) <= 3600 * 1.2


@pytest.mark.parametrize("url", ["ftp://example.org/x", "example.org/hook", "http://",
                                 "http://user:pw@example.org/"])  # fmt: skip
def test_bad_urls_are_refused(url):
    with pytest.raises(ValueError, match="url"):
        check_url(url)


def test_private_addresses_refused_unless_allowed():
    assert check_url("http://127.0.0.1:8080/hook") == "http://127.0.0.1:8080/hook"
    with pytest.raises(ValueError, match="not public"):
        check_url("http://127.0.0.1:8080/hook", allow_private=False)
    with pytest.raises(ValueError, match="not public"):
        check_url("http://10.1.2.3/hook", allow_private=False)


def test_cli_add_list_log_deliver_and_errors(db):
    runner = CliRunner()
    rx = Receiver("c" * 20)
    try:
        add = ["add", "--partner", "Japan", "--url", rx.url, "--secret", "c" * 20]
        out = runner.invoke(app, ["--db", str(db), "webhooks", *add, "--format", "json"])
        assert out.exit_code == 0, out.output
        hook = json.loads(out.stdout)["webhook"][0]
        assert hook["partner"] == "JPN" and hook["secret"] == "c" * 20
        listed = runner.invoke(app, ["--db", str(db), "webhooks", "list", "--format", "json"])
        assert "c" * 20 not in listed.stdout  # the secret is shown once only
        enqueue_alerts(db, [alert("A9", partners=("JPN",))])
        out = runner.invoke(app, ["--db", str(db), "webhooks", "deliver", "--once",
                                  "--format", "json"])  # fmt: skip
        assert out.exit_code == 0, out.output
        assert json.loads(out.stdout)["pass"][0]["delivered"] == 1
        out = runner.invoke(app, ["--db", str(db), "webhooks", "log", "--format", "csv"])
        assert "delivered" in out.stdout and "A9" in out.stdout
        out = runner.invoke(app, ["--db", str(db), "webhooks", "test", hook["id"]])
        assert out.exit_code == 0 and "HTTP 200" in out.stdout
        for bad in (["add", "--partner", "Japn", "--url", rx.url],
                    ["add", "--partner", "JPN", "--url", "ftp://x"],
                    ["add", "--partner", "JPN", "--url", rx.url, "--secret", "short"],
                    ["log", "--status", "lost"], ["remove", "wh-nope"],
                    ["retry", "dl-nope"]):  # fmt: skip
            out = runner.invoke(app, ["--db", str(db), "webhooks", *bad])
            assert out.exit_code == 2, (bad, out.output)
    finally:
        rx.close()


def test_respond_to_webhook_end_to_end(tmp_path):
    """Real pages in three languages -> one alert -> each partner's receiver gets it,
    signed; the alert and its deliveries are stored in one transaction."""
    from tests.signals.test_respond import DEV, STORY

    from critmin.data import service
    from critmin.data.store import Store
    from critmin.signals.pipeline import process_paths
    from critmin.signals.respond import respond

    db = tmp_path / "store.duckdb"
    service.ensure(db)
    usa_rx, jpn_rx = Receiver("u" * 20), Receiver("j" * 20)
    try:
        store.add_webhook(db, "USA", usa_rx.url, secret="u" * 20)
        store.add_webhook(db, "JPN", jpn_rx.url, secret="j" * 20)
        with Store(db) as st:
            result = respond(st, process_paths([DEV / n for n in STORY]), draws=20)
        assert len(result.alerts) == 1
        assert [r["ref"] for r in store.delivery_log(db)] == [result.alerts[0].id] * 2
        assert len(deliver_due(db).delivered) == 2
        for rx in (usa_rx, jpn_rx):
            (got,) = rx.got
            assert got["body"]["id"] == result.alerts[0].id
            assert set(got["body"]["impact"]) == {"USA", "JPN"}
            assert got["body"]["impact"]["USA"]["tonnes_short_peak"]["p50"] >= 0
    finally:
        usa_rx.close()
        jpn_rx.close()


def test_first_use_from_several_threads_at_once(tmp_path: Path):
    """The service's deliverer and a request both touching a store without the webhook
    tables: creating them at once must not fail either (a DuckDB write conflict)."""
    from critmin.data import service

    for round_ in range(2):
        db = tmp_path / f"s{round_}.duckdb"
        service.ensure(db)
        errors: list[BaseException] = []
        start = threading.Barrier(4)

        def run(fn, db=db, errors=errors, start=start) -> None:
            start.wait()
            try:
                fn(db)
            except BaseException as exc:  # collected for the assertion
                errors.append(exc)

        jobs = [lambda d: store.add_webhook(d, "USA", "http://127.0.0.1:9/h"),
                lambda d: store.claim_due(d), lambda d: store.delivery_log(d),
                lambda d: store.enqueue(d, [(alert("A"), ["USA"], None)])]  # fmt: skip
        threads = [threading.Thread(target=run, args=(j,)) for j in jobs]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert len(store.list_webhooks(db)) == 1


def test_redirects_are_not_followed(db, t0):
    """A receiver answering 302 to another address fails the delivery at once: following it
    would let a public URL send the service to a private one."""
    rx = Receiver("r" * 20)
    try:
        rx.answer, rx.location = 302, "http://127.0.0.1:9/elsewhere"
        store.add_webhook(db, "USA", rx.url, secret="r" * 20)
        enqueue_alerts(db, [alert("A1", partners=("USA",))])
        assert len(deliver_due(db, now=t0).failed) == 1
        (row,) = store.delivery_log(db)
        assert (row["status"], row["last_status_code"]) == ("failed", 302)
    finally:
        rx.close()


def test_private_receivers_checked_again_at_send_time_and_a_pass_stops(db, t0):
    """The service (private receivers refused) checks each URL again before sending; a pass
    asked to stop sends nothing more, and what it claimed is sent after the lease."""
    rx = Receiver("p" * 20)
    try:
        store.add_webhook(db, "USA", rx.url, secret="p" * 20)  # the CLI allows loopback
        enqueue_alerts(db, [alert("A1", partners=("USA",))])
        report = deliver_due(db, now=t0, allow_private=False)
        assert len(report.retrying) == 1 and rx.got == []
        assert "not public" in store.delivery_log(db)[0]["last_error"]
        later = t0 + timedelta(hours=2)
        assert deliver_due(db, now=later, should_stop=lambda: True).row()["delivered"] == 0
        assert rx.got == [] and deliver_due(db, now=later).row()["delivered"] == 0  # leased
        assert len(deliver_due(db, now=later + timedelta(minutes=5)).delivered) == 1
        assert [g["body"]["id"] for g in rx.got] == ["A1"]
    finally:
        rx.close()
