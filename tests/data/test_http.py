"""The shared downloader: retries with backoff, typed failures, never a hang."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import respx

from bubblescope.data import http
from bubblescope.errors import SourceError

URL = "https://example.test/series.csv"


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record the backoff sleeps instead of waiting."""
    recorded: list[float] = []
    monkeypatch.setattr(http, "_sleep", recorded.append)
    return recorded


@respx.mock
def test_retries_503_then_succeeds_with_exponential_backoff(sleeps: list[float]) -> None:
    route = respx.get(URL).mock(
        side_effect=[httpx.Response(503), httpx.Response(503), httpx.Response(200, text="ok")]
    )
    response = http.get(URL, what="SP500", retries=3, backoff=0.5)
    assert response.text == "ok"
    assert route.call_count == 3
    assert sleeps == [0.5, 1.0]


@respx.mock
def test_exhausted_retries_name_symbol_url_and_cause(sleeps: list[float]) -> None:
    route = respx.get(URL).mock(return_value=httpx.Response(502))
    with pytest.raises(
        SourceError,
        match=r"SP500 \(https://example.test/series.csv\) failed "
        r"after 3 attempt\(s\): HTTP 502",
    ):
        http.get(URL, what="SP500", retries=2, backoff=1.0)
    assert route.call_count == 3
    assert sleeps == [1.0, 2.0]


@respx.mock
def test_timeout_becomes_source_error(sleeps: list[float]) -> None:
    respx.get(URL).mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(SourceError, match=r"NASDAQCOM .* timed out after 5 s \(ReadTimeout\)"):
        http.get(URL, what="NASDAQCOM", timeout=5.0, retries=1)
    assert len(sleeps) == 1


@respx.mock
def test_connection_error_is_retried_then_reported(sleeps: list[float]) -> None:
    respx.get(URL).mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(SourceError, match="connection failed: ConnectError: refused"):
        http.get(URL, retries=1)


@respx.mock
def test_404_is_not_retried_and_hints(sleeps: list[float]) -> None:
    route = respx.get(URL).mock(return_value=httpx.Response(404))
    with pytest.raises(SourceError, match=r"XYZ .* failed: HTTP 404 Not Found .*check the symbol"):
        http.get(URL, what="XYZ", retries=3)
    assert route.call_count == 1
    assert sleeps == []


@respx.mock
def test_429_honours_retry_after_capped(sleeps: list[float]) -> None:
    respx.get(URL).mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "7"}),
            httpx.Response(429, headers={"Retry-After": "9999"}),
            httpx.Response(200, text="ok"),
        ]
    )
    assert http.get(URL, retries=2).text == "ok"
    assert sleeps == [7.0, http.MAX_SLEEP_S]


@respx.mock
def test_user_agent_is_sent_and_can_be_overridden(sleeps: list[float]) -> None:
    route = respx.get(URL).mock(return_value=httpx.Response(200, text="ok"))
    http.get(URL)
    assert route.calls.last.request.headers["User-Agent"] == http.USER_AGENT
    http.get(URL, headers={"User-Agent": "Jane Doe jane@example.org"})
    assert route.calls.last.request.headers["User-Agent"] == "Jane Doe jane@example.org"


@respx.mock
def test_get_json_rejects_an_html_error_page(sleeps: list[float]) -> None:
    respx.get(URL).mock(return_value=httpx.Response(200, text="<html>busy</html>"))
    with pytest.raises(SourceError, match=r"CIK0000789019 .* returned invalid JSON"):
        http.get_json(URL, what="CIK0000789019")


def test_invalid_settings_are_rejected() -> None:
    with pytest.raises(SourceError, match="retries=-1"):
        http.get(URL, retries=-1)


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A local TCP server that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.05)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
                held.append(conn)
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/never"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def test_a_silent_server_cannot_hang_the_download(silent_server: str, sleeps: list[float]) -> None:
    # A real socket that never replies: the per-attempt read timeout must fire on every attempt.
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"failed after 2 attempt\(s\): timed out after 0.2 s"):
        http.get(silent_server, timeout=0.2, retries=1)
    assert time.monotonic() - started < 5.0


@pytest.fixture
def trickling_server() -> Iterator[str]:
    """A local HTTP server that answers 200 and then sends one body byte every 50 ms forever."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    stop = threading.Event()

    def serve() -> None:
        server.settimeout(0.05)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n")
            while not stop.is_set():
                try:
                    conn.sendall(b"x")
                except OSError:
                    break
                time.sleep(0.05)
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/trickle"
    stop.set()
    thread.join()
    server.close()


def test_a_trickling_body_hits_the_total_deadline(
    trickling_server: str, sleeps: list[float]
) -> None:
    # Bytes arrive every 50 ms, well inside the 0.5 s read timeout, so only the per-attempt total
    # deadline can stop this download.
    started = time.monotonic()
    with pytest.raises(
        SourceError,
        match=r"failed after 1 attempt\(s\): body did not arrive "
        r"within 0.6 s",
    ):
        http.get(trickling_server, timeout=0.5, deadline_s=0.6, retries=0)
    assert time.monotonic() - started < 5.0
