"""Schemathesis against the OpenAPI schema: no 5xx, and every answer is one the schema documents.

Each response is checked for its status code being documented for its operation, its content
type and its body matching the documented schema (errors included: ``ErrorBody``, and
``ValidationErrorBody`` for a 422, whose ``detail`` items carry ``loc``, ``msg`` and ``type``).
Kept small (a few examples per operation, no shrinking) so it stays fast; series names are
random strings, so nearly every analysis request is a 404 — the typed-error path is what this
exercises, together with validation of every parameter.
"""

from __future__ import annotations

import os
import tempfile

import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from bubblescope.web import create_app

# A private, empty store for the app under test (module-level: the schema is built at import).
os.environ.setdefault("BUBBLESCOPE_HOME", tempfile.mkdtemp(prefix="bubblescope-schema-"))

# The status page (GET /api/status, POST /api/jobs/status) reads every watched series and, on
# a cold cache, backtests each signal over a century of data: minutes per call, not a request
# to fuzz. tests/test_consistency.py calls it, and its parameter is a three-value enum.
schema = (
    schemathesis.openapi.from_asgi(
        # In-thread analyses: a fresh process per call pays numba's cold start (about 2 s),
        # too slow for schemathesis's 10 s request timeout on a loaded machine; the process
        # path is tested in test_hardening.py.
        "/openapi.json",
        create_app(max_upload_bytes=100_000, isolate=False),
    )
    .exclude(tag="status")
    .exclude(tag="slow")
)


@schema.parametrize()
@settings(
    max_examples=5,
    deadline=None,
    phases=[Phase.generate],
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_errors(case: schemathesis.Case) -> None:
    response = case.call()
    assert response.status_code < 500, (case.method, case.path, response.text[:500])
    if response.status_code >= 400:
        body = response.json()
        assert set(body) >= {"error", "message"}, body
    case.validate_response(
        response,
        checks=[status_code_conformance, content_type_conformance, response_schema_conformance],
    )
