"""``bubblescope serve``: loopback by default; a token and a host allow-list off the loopback."""

from __future__ import annotations

from typing import Any

import pytest
import typer
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from bubblescope.cli.serve import register


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """Test root."""

    register(app)
    return app


def _served(monkeypatch: pytest.MonkeyPatch, args: list[str]) -> tuple[dict[str, Any], str]:
    from bubblescope.web import server

    seen: dict[str, Any] = {}
    monkeypatch.delenv("BUBBLESCOPE_TOKEN", raising=False)
    monkeypatch.setattr(
        server, "serve", lambda app, host, port, **kw: seen.update(app=app, host=host, port=port)
    )
    result = CliRunner().invoke(_app(), ["serve", *args])
    assert result.exit_code == 0, result.output
    return seen, result.output


def test_serve_defaults_to_localhost_without_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    seen, _ = _served(monkeypatch, ["--port", "8765"])
    assert (seen["host"], seen["port"]) == ("127.0.0.1", 8765)
    assert isinstance(seen["app"], FastAPI)
    with TestClient(seen["app"], base_url="http://127.0.0.1:8765") as client:
        assert client.get("/api/health").status_code == 200


def test_serve_beyond_loopback_requires_the_printed_token(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen, output = _served(monkeypatch, ["--host", "0.0.0.0", "--allow-host", "box.example"])
    token = output.split("?token=")[1].split()[0]
    assert len(token) >= 24
    with TestClient(seen["app"], base_url="http://box.example:8000") as client:
        assert client.get("/api/series").status_code == 401
        ok = client.get("/api/series", headers={"Authorization": f"Bearer {token}"})
        assert ok.status_code == 200
        # A name it was not told is refused even with the token (DNS rebinding).
        evil = client.get(
            "/api/series", headers={"Authorization": f"Bearer {token}", "Host": "evil.example"}
        )
        assert evil.status_code == 400


def test_serve_takes_a_given_token(monkeypatch: pytest.MonkeyPatch) -> None:
    seen, output = _served(monkeypatch, ["--host", "10.1.2.3", "--token", "s3cret-token"])
    assert "?token=s3cret-token" in output
    with TestClient(seen["app"], base_url="http://10.1.2.3:8000") as client:
        assert (
            client.get("/api/series", headers={"Authorization": "Bearer nope"}).status_code == 401
        )
        good = client.get("/api/series", headers={"Authorization": "Bearer s3cret-token"})
        assert good.status_code == 200


def test_serve_rejects_a_bad_port() -> None:
    result = CliRunner().invoke(_app(), ["serve", "--port", "70000"])
    assert result.exit_code != 0
    assert "port" in result.output.lower()
