"""Issue 20: a request body sent too slowly is answered 408 and its connection closed.

Uvicorn limits how long headers may take (:mod:`bubblescope.web.server`) but not a body: a
client that declared 1,000 bytes and sent one every few seconds held its connection and a
worker for ever. The guard now times the body as it arrives (:mod:`bubblescope.web.guard`).
Each test serves over real loopback sockets with uvicorn and bubblescope's protocol.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from bubblescope.web.guard import DEFAULT_BODY_TIMEOUT, Guard, GuardSettings


async def _echo(scope: Any, receive: Any, send: Any) -> None:
    """An ASGI app that reads the whole body and answers its length."""
    if scope["type"] != "http":
        return
    size, more = 0, True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise OSError("client went away")
        size += len(message.get("body", b""))
        more = message.get("more_body", False)
    body = str(size).encode()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-length", str(len(body)).encode())]})  # fmt: skip
    await send({"type": "http.response.body", "body": body})


@contextlib.contextmanager
def _served(app: Any) -> Iterator[int]:
    import uvicorn

    from bubblescope.web.server import server_config

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(server_config(app, "127.0.0.1", port, header_timeout=5))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        yield port
    finally:
        server.should_exit = True
        thread.join(10)


def _trickle(
    port: int, head: bytes, byte: bytes, every: float, limit: float
) -> tuple[bytes, float]:
    """Send ``head``, then ``byte`` every ``every`` s; the answer and when the socket closed."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(head)
    sock.setblocking(False)
    answer = b""
    started = time.monotonic()
    try:
        while time.monotonic() - started < limit:
            try:
                chunk = sock.recv(4096)
                if not chunk:
                    return answer, time.monotonic() - started  # closed by the server
                answer += chunk
            except BlockingIOError:
                pass
            with contextlib.suppress(OSError):
                sock.sendall(byte)
            time.sleep(every)
        return answer, float("inf")
    finally:
        sock.close()


GUARDED = Guard(_echo, GuardSettings(max_upload_bytes=10_000, body_timeout=0.5, min_body_rate=1e4))


@pytest.mark.parametrize(
    ("head", "byte"),
    [(b"POST /api/psy HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n", b"x"),
     (b"POST /api/psy HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n",
      b"1\r\nx\r\n")],
    ids=["fixed-length", "chunked"],
)  # fmt: skip
def test_a_trickled_body_is_answered_408_and_closed(head: bytes, byte: bytes) -> None:
    with _served(GUARDED) as port:
        answer, closed = _trickle(port, head, byte, every=0.1, limit=10)
    assert answer.startswith(b"HTTP/1.1 408"), answer
    assert b"BodyTimeout" in answer
    assert b"connection: close" in answer.lower()
    assert closed < 5.0  # half a second of grace, then the answer and the close


def test_a_body_sent_at_a_normal_pace_is_served() -> None:
    with _served(GUARDED) as port:
        sock = socket.create_connection(("127.0.0.1", port))
        sock.sendall(b"POST /x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3000\r\n\r\n")
        for _ in range(3):  # 1,000 bytes every 0.2 s: 5,000 bytes a second, within the grace
            sock.sendall(b"x" * 1000)
            time.sleep(0.2)
        sock.settimeout(5)
        answer = sock.recv(4096)
        sock.close()
    assert answer.startswith(b"HTTP/1.1 200")
    assert answer.endswith(b"3000")


@pytest.mark.slow
def test_the_dashboard_answers_a_trickled_request_408(store_home: Any) -> None:
    from bubblescope.web import create_app

    head = (
        b"POST /api/psy HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: 5000\r\n\r\n"
    )
    with _served(create_app()) as port:
        answer, closed = _trickle(port, head, b" ", every=0.5, limit=DEFAULT_BODY_TIMEOUT + 10)
    assert answer.startswith(b"HTTP/1.1 408"), answer
    assert closed < DEFAULT_BODY_TIMEOUT + 5
