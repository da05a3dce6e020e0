"""critmin's REST API (FastAPI): datasets, metrics, scenarios, runs and portfolios as jobs,
API keys with roles and partner scoping. ``create_app(db_path)`` builds the app."""

from critmin.api.app import create_app

__all__ = ["create_app"]
