"""``critmin webhooks``: partners' receivers of alerts, their delivery log and the deliverer."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from critmin.cli.main import FormatOpt, _check_format, _store, app, console, err, handle_errors
from critmin.cli.output import print_sections
from critmin.countries import to_iso3
from critmin.data import webhooks as store
from critmin.delivery import MAX_ATTEMPTS, TIMEOUT_S, check_url, deliver_due, ping

webhooks_app = typer.Typer(
    help="Partners' webhooks: signed alert deliveries with retries (add, list, remove, log, "
    "deliver, retry, test).",
    no_args_is_help=True,
)
app.add_typer(webhooks_app, name="webhooks")
HOOK_COLUMNS = ["id", "partner", "url", "active", "created_at", "created_by", "secret_hint"]


def _db() -> Path:
    with _store() as s:
        return s.path


def _hooks_frame(hooks: list[store.Webhook]) -> pd.DataFrame:
    return pd.DataFrame([h.row() for h in hooks], columns=HOOK_COLUMNS)


@webhooks_app.command("add")
@handle_errors
def add_cmd(
    partner: Annotated[str, typer.Option("--partner", "-p", help="The partner it serves (ISO3).")],
    url: Annotated[str, typer.Option("--url", help="Where alerts are POSTed (http or https).")],
    secret: Annotated[
        str | None,
        typer.Option(help="The HMAC secret (16+ characters); generated when not given."),
    ] = None,
    fmt: FormatOpt = "table",
) -> None:
    """Register a receiver for a partner's alerts; prints its secret once (keep it: the
    receiver checks X-Critmin-Signature with it)."""
    _check_format(fmt)
    iso = to_iso3(partner)
    hook, key = store.add_webhook(_db(), iso, check_url(url), secret=secret)
    frame = _hooks_frame([hook]).assign(secret=key).drop(columns="secret_hint")
    print_sections(console, {"webhook": frame}, fmt, {"note": "the secret is shown only now"})


@webhooks_app.command("list")
@handle_errors
def list_cmd(
    partner: Annotated[str | None, typer.Option("--partner", "-p", help="Only this one.")] = None,
    fmt: FormatOpt = "table",
) -> None:
    """The receivers (secrets are never listed: their first characters only)."""
    _check_format(fmt)
    hooks = store.list_webhooks(_db(), partner=to_iso3(partner) if partner else None)
    print_sections(console, {"webhooks": _hooks_frame(hooks)}, fmt, {"webhooks": len(hooks)})


@webhooks_app.command("remove")
@handle_errors
def remove_cmd(webhook_id: Annotated[str, typer.Argument(help="The webhook's id.")]) -> None:
    """Stop sending to a receiver; its pending deliveries end failed, its log stays."""
    try:
        hook = store.remove_webhook(_db(), webhook_id)
    except KeyError as exc:
        raise ValueError(exc.args[0]) from None
    err.print(f"removed {hook.id} ({hook.partner}, {hook.url})", markup=False, soft_wrap=True)


@webhooks_app.command("log")
@handle_errors
def log_cmd(
    status: Annotated[str | None, typer.Option(help="pending, delivered or failed.")] = None,
    webhook: Annotated[str | None, typer.Option("--webhook", help="Only this webhook.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 200,
    fmt: FormatOpt = "table",
) -> None:
    """The delivery log, newest first: status, attempts, last answer or error."""
    _check_format(fmt)
    rows = store.delivery_log(_db(), status=status, webhook_id=webhook, limit=limit)
    frame = pd.DataFrame(rows, columns=store.LOG_COLUMNS)
    print_sections(console, {"deliveries": frame}, fmt, {"deliveries": len(frame)})


@webhooks_app.command("deliver")
@handle_errors
def deliver_cmd(
    once: Annotated[bool, typer.Option("--once", help="One pass, then exit.")] = False,
    interval: Annotated[float, typer.Option(min=0.5, help="Seconds between passes.")] = 10.0,
    timeout: Annotated[float, typer.Option(min=0.5, max=60, help="Seconds per POST.")] = TIMEOUT_S,
    max_attempts: Annotated[int, typer.Option(min=1, max=50)] = MAX_ATTEMPTS,
    fmt: FormatOpt = "table",
) -> None:
    """Send due deliveries (the API service does this by itself; this is for a store used
    without one). Without --once it loops until interrupted."""
    _check_format(fmt)
    db = _db()
    totals = {"delivered": 0, "retrying": 0, "failed": 0}
    while True:
        report = deliver_due(db, timeout_s=timeout, max_attempts=max_attempts)
        for k, v in report.row().items():
            totals[k] += v
        if once:
            break
        if any(report.row().values()):
            err.print(f"delivered {totals['delivered']}, retrying {totals['retrying']}, "
                      f"failed {totals['failed']}", style="dim")  # fmt: skip
        time.sleep(interval)
    print_sections(console, {"pass": pd.DataFrame([totals])}, fmt)


@webhooks_app.command("retry")
@handle_errors
def retry_cmd(delivery_id: Annotated[str, typer.Argument(help="A failed delivery's id.")]) -> None:
    """Queue a failed delivery again, due now."""
    try:
        store.retry_delivery(_db(), delivery_id)
    except KeyError as exc:
        raise ValueError(exc.args[0]) from None
    err.print(f"{delivery_id} queued again", markup=False)


@webhooks_app.command("test")
@handle_errors
def test_cmd(webhook_id: Annotated[str, typer.Argument(help="The webhook's id.")]) -> None:
    """Send a signed ping now and print the receiver's status code (exit 1 unless 2xx)."""
    try:
        code = ping(_db(), webhook_id)
    except KeyError as exc:
        raise ValueError(exc.args[0]) from None
    except OSError as exc:
        err.print(f"{webhook_id}: no answer ({exc})", markup=False, soft_wrap=True)
        raise typer.Exit(1) from None
    console.print(f"{webhook_id}: HTTP {code}", markup=False)
    if not 200 <= code < 300:
        raise typer.Exit(1)
