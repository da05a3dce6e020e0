"""Schemathesis: requests generated from the OpenAPI schema, for every operation (reads and
writes, with an admin key), never get a 5xx, and every answer passes schemathesis' checks:
status codes, content types, response schemas and headers as documented, invalid data
rejected, authentication not ignored (the same request without the key answers 401), no
use of a deleted resource, no missing-header or unsupported-method surprises.

Left out: ``positive_data_acceptance``. The schema cannot say what makes a file a valid BACI
table or a string a known scenario or country, so schema-valid requests are rightly refused
with 422 naming the problem; that is the API's contract (test_api.py and friends check the
accepted paths).

Bounded for speed (issue 17): a few examples per operation, derandomized, runs small (a low
run budget, one worker), about 30 s in all.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from critmin.api import create_app, runs
from critmin.data import service

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
    checks.negative_data_rejection,
    checks.use_after_free,
    checks.ensure_resource_availability,
    checks.ignored_auth,
    checks.missing_required_header,
    checks.unsupported_method,
]
EXAMPLES = 8
BUDGET_S = 60.0


def test_every_operation_conforms_to_its_schema(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(runs, "MAX_RUN_CELLS", 1_000_000)  # generated runs stay small
    db = tmp_path / "store.duckdb"
    service.ensure(db)
    _, key = service.add_user(db, "schema-admin", "admin")
    app = create_app(db, max_workers=1)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: list[str] = []
    methods: set[str] = set()
    tested = 0
    started = time.monotonic()
    with TestClient(app):  # the app's lifespan: its workers end with the test
        for result in schema.get_all_operations():
            operation = result.ok()
            tested += 1
            methods.add(operation.method.upper())

            @given(case=operation.as_strategy())
            @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                      suppress_health_check=list(HealthCheck))  # fmt: skip
            def check(case: schemathesis.Case) -> None:
                case.call_and_validate(headers={"X-API-Key": key}, checks=CHECKS)

            try:
                check()
            except BaseException as exc:  # schemathesis raises a group: collect them all
                if isinstance(exc, KeyboardInterrupt):
                    raise
                failures.append(f"{operation.label}: {exc}"[:3000])
    took = time.monotonic() - started
    assert tested >= 35, f"only {tested} operations in the schema"
    assert {"GET", "POST", "PATCH", "DELETE"} <= methods
    assert not failures, "\n\n".join(failures)
    assert took < BUDGET_S * 2, f"schemathesis took {took:.0f} s"
