"""Web fixtures: an app on an empty store, and the switch that turns on the browser test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bubblescope.web import create_app

#: Upload limit used by the tests (small, so the oversized case is cheap).
TEST_UPLOAD_LIMIT = 200_000


def pytest_configure(config: pytest.Config) -> None:
    """With ``BUBBLESCOPE_BROWSER_TESTS=1`` (set by ``.ci/run``) also select ``browser`` tests.

    The default ``-m`` of pyproject deselects them; this widens the expression instead of
    asking CI to pass its own ``-m``.
    """
    if os.environ.get("BUBBLESCOPE_BROWSER_TESTS") != "1":
        return
    expr = config.option.markexpr
    if expr and "browser" in expr and "or browser" not in expr:
        config.option.markexpr = f"({expr}) or browser"


@pytest.fixture
def client(store_home: Path) -> Iterator[TestClient]:
    app = create_app(max_upload_bytes=TEST_UPLOAD_LIMIT)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c
