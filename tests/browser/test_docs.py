"""The API documentation pages render offline (no CDN) in headless Chromium."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_api_docs_render_without_the_network(dash) -> None:
    dash.page.goto(f"{dash.server.url}/docs")
    title = dash.page.wait_for_selector(".swagger-ui .info .title", timeout=30_000)
    assert "critmin" in title.inner_text()
    dash.page.wait_for_selector("text=/metrics", timeout=30_000)  # read from /openapi.json
    dash.shot("api-docs")
    dash.watch.check()
