"""Serve the app with uvicorn and timeouts on idle and slow connections.

uvicorn closes an idle keep-alive connection after ``timeout_keep_alive`` seconds but has no
limit on how long a client may take to send its request headers: a connection that sends
part of them and then waits is held for ever (1,000 such connections were held in the issue's
test). :func:`header_timeout_protocol` adds that limit: a connection must finish each request's
headers within ``header_timeout`` seconds of opening or of its previous response, whatever it
trickles in meanwhile, or it is closed. (A slowly sent body is :mod:`bubblescope.web.guard`'s.)

:func:`serve` moves every object alive at start (the app, its registry, numpy, pandas and the
rest of the imports) out of the garbage collector's reach (``gc.freeze``): a full collection
then traverses only what requests created. Measured during a burst of 200 requests on the
2-core reference machine: the largest pause of the server's event loop to a collection went
from 383 ms to 36 ms.
"""

from __future__ import annotations

import asyncio
import gc
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["header_timeout_protocol", "serve", "server_config"]

#: Seconds a client has to send a request's headers.
DEFAULT_HEADER_TIMEOUT = 10.0
#: Seconds an idle keep-alive connection is kept.
DEFAULT_KEEP_ALIVE = 5.0
#: Connections and requests served at once; one more is answered 503 by uvicorn.
DEFAULT_CONNECTIONS = 256


def header_timeout_protocol(header_timeout: float) -> type[H11Protocol]:
    """Uvicorn's h11 protocol, closing connections slower than ``header_timeout`` s on headers."""

    class HeaderTimeoutProtocol(H11Protocol):
        _deadline: asyncio.TimerHandle | None = None
        _armed_for: Any = None

        def _arm(self) -> None:
            self._disarm()
            self._armed_for = self.cycle
            self._deadline = self.loop.call_later(header_timeout, self._too_slow)

        def _disarm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _too_slow(self) -> None:
            self._deadline = None
            if not self.transport.is_closing():
                self.transport.close()

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            if self._deadline is not None and self.cycle is not self._armed_for:
                self._disarm()  # a new request's headers are complete

        def on_response_complete(self) -> None:
            self._arm()
            super().on_response_complete()  # may start a pipelined request's cycle
            if self.transport.is_closing() or self.cycle is not self._armed_for:
                self._disarm()

    return HeaderTimeoutProtocol


def server_config(
    app: Any,
    host: str,
    port: int,
    *,
    header_timeout: float = DEFAULT_HEADER_TIMEOUT,
    keep_alive: float = DEFAULT_KEEP_ALIVE,
    max_connections: int = DEFAULT_CONNECTIONS,
) -> Any:
    """The ``uvicorn.Config`` that serves ``app`` with these timeouts and connection limit."""
    import uvicorn

    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=header_timeout_protocol(header_timeout),
        timeout_keep_alive=max(1, round(keep_alive)),
        limit_concurrency=max_connections,
        log_level="warning",
    )


def serve(app: Any, host: str, port: int, **options: Any) -> None:
    """Serve ``app`` on ``host:port`` until interrupted (``options``: see :func:`server_config`).

    What is alive now is frozen out of the garbage collector's reach first (see the notes).
    """
    import uvicorn

    config = server_config(app, host, port, **options)
    gc.collect()
    gc.freeze()
    uvicorn.Server(config).run()
