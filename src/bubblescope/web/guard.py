"""Who may call the API and how much they may send: one ASGI middleware in front of the app.

:class:`Guard` checks, for every HTTP request, in this order:

1. **Host allow-list.** The ``Host`` header's name must be one of ``allowed_hosts`` (400
   otherwise): a page on ``evil.example`` whose name an attacker re-points at 127.0.0.1 (DNS
   rebinding) sends ``Host: evil.example`` and is refused.
2. **Token.** With a token, every request but the dashboard page and its static files must
   carry it, as ``Authorization: Bearer <token>`` or as the cookie that opening
   ``/?token=<token>`` sets (401 otherwise). The comparison takes constant time.
3. **Origin.** A state-changing request (any method but GET, HEAD and OPTIONS) that a browser
   sends from another site (an ``Origin`` that is not this server's own, or
   ``Sec-Fetch-Site: cross-site``) is refused with 403, so a page elsewhere cannot post uploads
   or analyses to a server on this machine.
4. **Body size**, counted as the bytes arrive, whatever the framing (fixed length or chunked):
   ``/api/upload`` may send ``max_upload_bytes`` plus the multipart framing, every other
   request ``max_json_bytes``. A declared ``Content-Length`` over the limit is refused before
   anything is read; a body that grows past it is cut off with a 413 at that byte.
5. **Body time.** A body must arrive within ``body_timeout`` seconds of the request's start
   plus one second for every ``min_body_rate`` bytes received, so a client that trickles its
   body (a byte every few seconds holds a connection and a worker for ever otherwise) is
   answered 408 and its connection closed; the header timeout is :mod:`bubblescope.web.server`'s.

An exception that escapes the app becomes a JSON 500 that names no path or value (the server
log keeps the traceback). Every response gets the security headers of
:data:`SECURITY_HEADERS` (and ``Cache-Control: no-store`` for the API).
"""

from __future__ import annotations

import asyncio
import hmac
import json
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlsplit

__all__ = [
    "COOKIE",
    "DEFAULT_ALLOWED_HOSTS",
    "DEFAULT_BODY_TIMEOUT",
    "DEFAULT_MAX_JSON",
    "DEFAULT_MIN_BODY_RATE",
    "FORM_OVERHEAD",
    "LOOPBACK_HOSTS",
    "SECURITY_HEADERS",
    "Guard",
    "GuardSettings",
]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Names of this machine's loopback interface.
LOOPBACK_HOSTS: tuple[str, ...] = ("127.0.0.1", "localhost", "::1")
#: Loopback names plus ``testserver``, the name starlette's test client sends (not resolvable
#: from a browser, so it opens nothing to DNS rebinding).
DEFAULT_ALLOWED_HOSTS: tuple[str, ...] = (*LOOPBACK_HOSTS, "testserver")
#: Largest JSON (or other non-upload) request body, bytes: the largest valid request (64
#: scenario overrides, 20 shocks) is under 10 KiB.
DEFAULT_MAX_JSON = 1024 * 1024
#: Seconds any request body may take on top of its size at :data:`DEFAULT_MIN_BODY_RATE`.
DEFAULT_BODY_TIMEOUT = 10.0
#: Slowest average rate a body may arrive at after :data:`DEFAULT_BODY_TIMEOUT`, bytes a second
#: (16 KiB/s, 128 kbit/s: a 200 MB upload may take 3.5 hours).
DEFAULT_MIN_BODY_RATE = 16 * 1024.0
#: Bytes of multipart framing allowed on top of an uploaded file.
FORM_OVERHEAD = 64 * 1024
#: Name of the cookie holding the token.
COOKIE = "bubblescope_token"
#: Headers of every response. plotly.js needs inline styles and, for its WebGL traces,
#: ``eval``; everything else is this server's own.
SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "no-referrer"),
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-resource-policy", "same-origin"),
    (
        "content-security-policy",
        "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'",
    ),
)
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_PUBLIC = ("/", "/favicon.ico")


@dataclass(frozen=True)
class GuardSettings:
    """What :class:`Guard` enforces.

    Attributes
    ----------
    max_upload_bytes : int
        Largest uploaded file, bytes (the multipart framing, :data:`FORM_OVERHEAD`, comes on
        top).
    max_json_bytes : int
        Largest body of any other request, bytes.
    token : str or None
        Required on every request but the page and its static files (None: no token).
    allowed_hosts : tuple of str
        Host names (without port) the server answers to; ``"*"`` allows any.
    body_timeout : float
        Seconds a request body may take on top of ``received / min_body_rate``.
    min_body_rate : float
        Bytes a second a body must keep up, on average, after ``body_timeout``.
    """

    max_upload_bytes: int
    max_json_bytes: int = DEFAULT_MAX_JSON
    token: str | None = None
    allowed_hosts: tuple[str, ...] = DEFAULT_ALLOWED_HOSTS
    body_timeout: float = DEFAULT_BODY_TIMEOUT
    min_body_rate: float = DEFAULT_MIN_BODY_RATE


def _hostname(netloc: str) -> str:
    """``netloc``'s host name, lower case, without port or IPv6 brackets."""
    netloc = netloc.strip().lower()
    if netloc.startswith("["):
        return netloc[1 : netloc.find("]")] if "]" in netloc else netloc
    return netloc.rsplit(":", 1)[0] if netloc.count(":") == 1 else netloc


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


async def _answer(
    send: Send, status: int, kind: str, message: str, headers: tuple[tuple[str, str], ...] = ()
) -> None:
    body = json.dumps({"error": kind, "message": message}).encode()
    raw = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *((k.encode(), v.encode()) for k, v in headers),
    ]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


class Guard:
    """ASGI middleware enforcing :class:`GuardSettings` (see the module notes)."""

    def __init__(self, app: ASGIApp, settings: GuardSettings) -> None:
        self.app = app
        self.settings = settings
        self._hosts = frozenset(_hostname(h) for h in settings.allowed_hosts)

    def _authorised(self, scope: Scope) -> bool:
        token = self.settings.token
        if token is None:
            return True
        offered = ""
        auth = _header(scope, b"authorization") or ""
        if auth[:7].lower() == "bearer ":
            offered = auth[7:].strip()
        else:
            cookie = SimpleCookie()
            cookie.load(_header(scope, b"cookie") or "")
            if COOKIE in cookie:
                offered = cookie[COOKIE].value
        return hmac.compare_digest(offered.encode(), token.encode())

    def _cross_site(self, scope: Scope, host: str) -> bool:
        origin = _header(scope, b"origin")
        if origin is not None and urlsplit(origin).netloc.lower() != host.lower():
            return True
        return (_header(scope, b"sec-fetch-site") or "") == "cross-site"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check one request (see the module notes), then pass it to the app."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        extra = (("cache-control", "no-store"),) if path.startswith("/api/") else ()
        started = False

        async def send_secured(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [
                    *message.get("headers", []),
                    *((k.encode(), v.encode()) for k, v in (*SECURITY_HEADERS, *extra)),
                ]
            await send(message)

        host = _header(scope, b"host") or ""
        if "*" not in self._hosts and _hostname(host) not in self._hosts:
            await _answer(
                send_secured,
                400,
                "HostNotAllowed",
                f"this server does not answer to the host name {_hostname(host)[:100]!r}",
            )
            return
        if path == "/" and self.settings.token is not None:
            offered = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token")
            if offered and hmac.compare_digest(offered[0].encode(), self.settings.token.encode()):
                cookie = f"{COOKIE}={self.settings.token}; HttpOnly; SameSite=Strict; Path=/"
                await send_secured(
                    {
                        "type": "http.response.start",
                        "status": 303,
                        "headers": [(b"location", b"/"), (b"set-cookie", cookie.encode())],
                    }
                )
                await send_secured({"type": "http.response.body", "body": b""})
                return
        public = path in _PUBLIC or path.startswith("/static/")
        if not public and not self._authorised(scope):
            await _answer(
                send_secured,
                401,
                "Unauthorized",
                "this server needs its token: send 'Authorization: Bearer <token>' or open "
                "the /?token=<token> address that 'bubblescope serve' printed",
                (("www-authenticate", "Bearer"),),
            )
            return
        if scope["method"] not in _SAFE_METHODS and self._cross_site(scope, host):
            await _answer(
                send_secured,
                403,
                "OriginNotAllowed",
                "cross-site requests may not change this server's state",
            )
            return
        try:
            await self._limited(scope, receive, send_secured)
        except Exception:
            # A bug: answer JSON that names no file, class or value; the server log has it all.
            if not started:
                await _answer(
                    send_secured,
                    500,
                    "InternalError",
                    "the server failed on this request; its log has the details",
                )
            raise

    async def _limited(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the app with the body counted and timed as it arrives; 413 or 408 past a limit."""
        if scope["path"] == "/api/upload":
            limit = self.settings.max_upload_bytes + FORM_OVERHEAD
            kind, what = "UploadTooLarge", f"upload exceeds the limit of {limit:,} bytes"
        else:
            limit = self.settings.max_json_bytes
            kind, what = "BodyTooLarge", f"request body exceeds the limit of {limit:,} bytes"
        declared = _header(scope, b"content-length") or ""
        if declared.strip().isdigit() and int(declared) > limit:
            await _answer(send, 413, kind, what, (("connection", "close"),))
            return
        received = 0
        refused = complete = started = False
        loop = asyncio.get_running_loop()
        opened = loop.time()
        grace, rate = self.settings.body_timeout, self.settings.min_body_rate

        async def counted() -> Message:
            nonlocal received, refused, complete
            if refused:
                return {"type": "http.disconnect"}
            if complete:  # the body is in: waiting for a disconnect is not timed
                return await receive()
            left = opened + grace + received / rate - loop.time()
            try:
                message = await asyncio.wait_for(receive(), max(left, 0.0))
            except TimeoutError:
                refused = True
                if not started:
                    await _answer(
                        send,
                        408,
                        "BodyTimeout",
                        f"the request body came too slowly ({received:,} bytes in "
                        f"{loop.time() - opened:.0f} s; at least {rate:,.0f} bytes a second "
                        f"after the first {grace:g} s)",
                        (("connection", "close"),),
                    )
                return {"type": "http.disconnect"}
            if message["type"] == "http.request":
                complete = not message.get("more_body", False)
                received += len(message.get("body", b""))
                if received > limit:
                    refused = True
                    if not started:
                        await _answer(send, 413, kind, what, (("connection", "close"),))
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:
                return  # the 413 has been sent; what the app answers to the cut body is dropped
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, guarded_send)
        except Exception:
            if not refused:
                raise
