"""One HTTP GET for every live source: timeouts, bounded retries with backoff, a User-Agent.

Every live adapter (FRED CSV, SEC companyfacts, the SEC ticker map) downloads through
:func:`get`, so they share one failure policy:

* each attempt has a timeout (``timeout`` seconds for connect, read, write and pool);
* timeouts, connection errors, HTTP 429 and HTTP 5xx are retried up to ``retries`` times,
  sleeping ``backoff * 2**attempt`` seconds between attempts (capped at :data:`MAX_SLEEP_S`;
  a ``Retry-After`` header in seconds on 429/503 is honoured up to the same cap);
* anything else (4xx, an exhausted retry budget) raises :class:`~bubblescope.errors.SourceError`
  naming what was being fetched, the URL and the cause.

Each attempt's body must also arrive within ``deadline_s`` (default ``4 * timeout``) in total,
so the worst-case wall time is bounded by roughly
``(retries + 1) * (timeout + deadline_s) + retries * MAX_SLEEP_S``: a download can fail, but
never hang.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import httpx

from bubblescope import __version__
from bubblescope.errors import SourceError

__all__ = [
    "DEFAULT_TIMEOUT_S",
    "MAX_SLEEP_S",
    "USER_AGENT",
    "get",
    "get_json",
    "get_text",
    "retry_call",
]

T = TypeVar("T")

#: Default per-attempt timeout, seconds.
DEFAULT_TIMEOUT_S: float = 20.0
#: Longest single sleep between attempts, seconds.
MAX_SLEEP_S: float = 30.0
#: Default User-Agent (SEC EDGAR rejects requests without one).
USER_AGENT: str = f"bubblescope/{__version__} (+https://github.com/bubblescope/bubblescope)"

#: Status codes worth another attempt: rate limiting and server-side failures.
_RETRY_STATUS: frozenset[int] = frozenset({429, 500, 502, 503, 504})

#: Indirection so tests can replace the sleep without waiting.
_sleep: Callable[[float], None] = time.sleep


def _retry_after(response: httpx.Response) -> float | None:
    """Return a ``Retry-After`` header given in seconds, else None (HTTP dates are ignored)."""
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


class _DeadlineExceeded(Exception):
    """A response kept trickling in past the attempt's total time budget."""


def _get_once(
    session: httpx.Client,
    url: str,
    params: Mapping[str, str] | None,
    headers: Mapping[str, str],
    timeout: float,
    deadline_s: float,
) -> httpx.Response:
    """One GET whose body must arrive within ``deadline_s`` in total (not only per read)."""
    started = time.monotonic()
    with session.stream(
        "GET", url, params=params, headers=headers, timeout=httpx.Timeout(timeout)
    ) as response:
        chunks: list[bytes] = []
        for chunk in response.iter_bytes():
            chunks.append(chunk)
            if time.monotonic() - started > deadline_s:
                raise _DeadlineExceeded
    plain = [
        (k, v)
        for k, v in response.headers.multi_items()
        if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")
    ]
    return httpx.Response(
        response.status_code, headers=plain, content=b"".join(chunks), request=response.request
    )


def get(
    url: str,
    *,
    what: str | None = None,
    params: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT_S,
    retries: int = 3,
    backoff: float = 0.5,
    deadline_s: float | None = None,
    client: httpx.Client | None = None,
) -> httpx.Response:
    """GET ``url`` with timeouts and retries; return the successful (2xx) response.

    Parameters
    ----------
    url : str
        Absolute URL.
    what : str, optional
        What is being fetched (a symbol, series id or CIK), used in error messages.
    params, headers : mapping, optional
        Query parameters and extra headers. ``User-Agent`` defaults to :data:`USER_AGENT`.
    timeout : float
        Per-attempt timeout in seconds (connect, read, write and pool each).
    retries : int
        Extra attempts after the first on timeouts, connection errors, 429 and 5xx.
    backoff : float
        Base of the exponential backoff, seconds: the k-th retry waits ``backoff * 2**(k-1)``.
    deadline_s : float, optional
        Total time allowed for one attempt's body, seconds (default ``4 * timeout``), so a
        server trickling bytes slower than ``timeout`` apart still cannot stall the download.
    client : httpx.Client, optional
        A client to reuse (connection pooling); by default a short-lived one is made.

    Returns
    -------
    httpx.Response
        A response with a 2xx status, body already read.

    Raises
    ------
    SourceError
        On a non-retryable HTTP status, or when every attempt failed; the message names
        ``what``, the URL and the last cause.
    """
    if retries < 0 or timeout <= 0 or backoff < 0:
        raise SourceError(
            f"invalid download settings for {url}: retries={retries}, timeout={timeout}, "
            f"backoff={backoff}",
            hint="use retries >= 0, timeout > 0 and backoff >= 0",
        )
    label = f"{what} ({url})" if what else url
    merged = {"User-Agent": USER_AGENT}
    if headers:
        merged.update(headers)
    budget = 4.0 * timeout if deadline_s is None else deadline_s
    owns_client = client is None
    session = client if client is not None else httpx.Client(follow_redirects=True)
    cause = "no attempt made"
    try:
        for attempt in range(retries + 1):
            wait = min(backoff * 2.0**attempt, MAX_SLEEP_S)
            try:
                response = _get_once(session, url, params, merged, timeout, budget)
            except _DeadlineExceeded:
                cause = f"body did not arrive within {budget:g} s"
            except httpx.TimeoutException as exc:
                cause = f"timed out after {timeout:g} s ({type(exc).__name__})"
            except httpx.TransportError as exc:
                cause = f"connection failed: {type(exc).__name__}: {exc}"
            else:
                if response.is_success:
                    return response
                cause = f"HTTP {response.status_code} {response.reason_phrase}".rstrip()
                if response.status_code not in _RETRY_STATUS:
                    raise SourceError(
                        f"download of {label} failed: {cause}", hint=_hint_for(response.status_code)
                    )
                suggested = _retry_after(response)
                if suggested is not None:
                    wait = min(suggested, MAX_SLEEP_S)
            if attempt < retries:
                _sleep(wait)
    finally:
        if owns_client:
            session.close()
    raise SourceError(
        f"download of {label} failed after {retries + 1} attempt(s): {cause}",
        hint="check the network connection or try again later",
    )


def _hint_for(status: int) -> str:
    """Return a fix suggestion for a non-retryable HTTP status."""
    if status == 404:
        return "check the symbol, series id or CIK"
    if status in (401, 403):
        return (
            "the server refused the request; SEC needs a User-Agent with a contact e-mail "
            "(set BUBBLESCOPE_SEC_USER_AGENT)"
        )
    return "check the request"


def get_text(url: str, **kwargs: Any) -> str:
    """GET ``url`` (see :func:`get` for the keyword arguments) and return the body as text."""
    return get(url, **kwargs).text


def get_json(url: str, **kwargs: Any) -> Any:
    """GET ``url`` (see :func:`get`) and decode its JSON body.

    Raises
    ------
    SourceError
        When the body is not valid JSON.
    """
    what = kwargs.get("what")
    response = get(url, **kwargs)
    try:
        return response.json()
    except ValueError as exc:
        label = f"{what} ({url})" if what else url
        raise SourceError(
            f"download of {label} returned invalid JSON: {exc}",
            hint="the server may have returned an error page; try again later",
        ) from exc


def retry_call(
    func: Callable[[], T],
    *,
    what: str,
    retries: int = 2,
    backoff: float = 1.0,
    give_up_on: tuple[type[BaseException], ...] = (),
) -> T:
    """Call ``func()`` with the same retry policy as :func:`get`, for non-httpx clients.

    Parameters
    ----------
    func : callable
        The download, taking no arguments; it must enforce its own timeout.
    what : str
        What is being fetched, for the error message.
    retries, backoff : int, float
        As in :func:`get`.
    give_up_on : tuple of exception types
        Raised at once, not retried (e.g. a typed "no such symbol" error).

    Raises
    ------
    SourceError
        When every attempt raised; names ``what`` and the last exception.
    """
    cause = "no attempt made"
    for attempt in range(retries + 1):
        try:
            return func()
        except give_up_on:
            raise
        except Exception as exc:  # any client failure is a retryable source failure
            cause = f"{type(exc).__name__}: {exc}"
        if attempt < retries:
            _sleep(min(backoff * 2.0**attempt, MAX_SLEEP_S))
    raise SourceError(
        f"download of {what} failed after {retries + 1} attempt(s): {cause}",
        hint="check the network connection or try again later",
    )
