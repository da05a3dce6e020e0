"""``critmin serve`` (the REST API) and ``critmin users`` (API keys with roles)."""

from __future__ import annotations

from typing import Annotated

import pandas as pd
import typer

from critmin.cli.main import FormatOpt, State, _check_format, app, console, err, handle_errors
from critmin.cli.options import COUNT, PORT
from critmin.cli.output import print_sections
from critmin.countries import to_iso3

users_app = typer.Typer(help="API users and keys: add, list.", no_args_is_help=True)
app.add_typer(users_app, name="users")


@app.command("serve")
@handle_errors
def serve_cmd(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.", callback=PORT)] = 8000,
    workers: Annotated[
        int, typer.Option(help="Job worker processes (runs, portfolios).", callback=COUNT)
    ] = 2,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "info",
    access_log: Annotated[
        bool, typer.Option(help="Log every request (changes are in the audit log anyway).")
    ] = False,
) -> None:
    """Serve the REST API (OpenAPI at /openapi.json, docs at /docs) over the store.

    One service per store: a second one on the same store file stops with an error."""
    import uvicorn

    from critmin.api import create_app

    if not 1 <= workers <= 16:
        raise ValueError("--workers must be within 1..16")
    application = create_app(State.db, max_workers=workers)
    err.print(f"critmin API on http://{host}:{port} (docs: /docs), store {State.db}")
    # httptools and uvloop (dependencies) are picked up by uvicorn's "auto" settings
    uvicorn.run(application, host=host, port=port, log_level=log_level, access_log=access_log)


@users_app.command("add")
@handle_errors
def users_add(
    name: Annotated[str, typer.Argument(help="User name.")],
    role: Annotated[str, typer.Option(help="viewer, analyst or admin.")] = "viewer",
    partner: Annotated[
        str | None, typer.Option(help="Partner country (ISO3) for confidential data.")
    ] = None,
) -> None:
    """Create a user and print its API key (shown once; only a salted hash is stored)."""
    from critmin.data import service

    service.ensure(State.db)
    iso = to_iso3(partner) if partner else None
    user, key = service.add_user(State.db, name, role, iso, by="cli")
    err.print(f"user [bold]{user.name}[/] ({user.role}{', ' + iso if iso else ''}) created; "
              "the key is shown once:")  # fmt: skip
    print(key)


@users_app.command("list")
@handle_errors
def users_list(fmt: FormatOpt = "table") -> None:
    """Users with their role and partner (never their keys)."""
    from critmin.data import service

    _check_format(fmt)
    service.ensure(State.db)
    frame = pd.DataFrame([vars(u) for u in service.list_users(State.db)],
                         columns=["name", "role", "partner", "created_at"])  # fmt: skip
    print_sections(console, {"users": frame}, fmt, {"store": str(State.db)})


@users_app.command("revoke")
@handle_errors
def users_revoke(name: Annotated[str, typer.Argument(help="User name.")]) -> None:
    """Revoke every API key of a user (a running service notices within 30 s)."""
    from critmin.data import service

    service.ensure(State.db)
    n = service.revoke_user(State.db, name, by="cli")
    err.print(f"user [bold]{name}[/]: {n} active key(s) revoked")


@users_app.command("set")
@handle_errors
def users_set(
    name: Annotated[str, typer.Argument(help="User name.")],
    role: Annotated[str | None, typer.Option(help="viewer, analyst or admin.")] = None,
    partner: Annotated[
        str | None, typer.Option(help="Partner country (ISO3), or 'open' to remove it.")
    ] = None,
) -> None:
    """Change a user's role or partner."""
    from critmin.data import service

    if role is None and partner is None:
        raise ValueError("give --role and/or --partner")
    service.ensure(State.db)
    clear = partner is not None and partner.strip().lower() == "open"
    iso = None if clear or partner is None else to_iso3(partner)
    user = service.update_user(State.db, name, role=role, partner=iso, clear_partner=clear,
                               by="cli")  # fmt: skip
    err.print(f"user [bold]{user.name}[/]: {user.role}, partner {user.partner or 'none'}")
