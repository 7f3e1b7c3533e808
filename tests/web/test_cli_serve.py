"""``bubblescope serve``: binds to 127.0.0.1 by default and serves the app factory's app."""

from __future__ import annotations

from typing import Any

import pytest
import typer
from fastapi import FastAPI
from typer.testing import CliRunner

from bubblescope.cli.serve import register


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """Test root."""

    register(app)
    return app


def test_serve_defaults_to_localhost(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app, **kw))
    result = CliRunner().invoke(_app(), ["serve", "--port", "8765"])
    assert result.exit_code == 0, result.output
    assert seen["host"] == "127.0.0.1"
    assert seen["port"] == 8765
    assert isinstance(seen["app"], FastAPI)


def test_serve_rejects_a_bad_port() -> None:
    result = CliRunner().invoke(_app(), ["serve", "--port", "70000"])
    assert result.exit_code != 0
    assert "port" in result.output.lower()
