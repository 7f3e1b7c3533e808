"""The server section of issue 20: each case a hostile or careless client found, now refused.

Access (token, Host allow-list, Origin), bounded work (cost budget, bounded queue, job ids
that outlive the queue, cancellation, health never behind heavy work), body limits counted as
bytes arrive, and error bodies (JSON 500 without paths, 422 ``type``, 405 ``Allow``, security
headers, no CDN).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import multiprocessing
import signal
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from bubblescope.data.bundled import load_bundled
from bubblescope.errors import InputError, UnknownSymbolError
from bubblescope.web import create_app
from bubblescope.web.cost import DEFAULT_BUDGET_S, psy_cost, settings_cost
from bubblescope.web.guard import DEFAULT_MAX_JSON, FORM_OVERHEAD, SECURITY_HEADERS
from bubblescope.web.jobs import JobCancelledError, JobManager, QueueFullError
from tests.web.conftest import TEST_UPLOAD_LIMIT

CSV = "Date,Close\n" + "".join(f"2020-01-{d:02d},{100 + d}\n" for d in range(1, 29))
TOKEN = "t0ken-for-tests-only"


@pytest.fixture
def guarded(store_home: Any) -> Iterator[TestClient]:
    """An app with a token, as ``serve --host 0.0.0.0`` runs it."""
    app = create_app(max_upload_bytes=TEST_UPLOAD_LIMIT, token=TOKEN)
    with TestClient(app, raise_server_exceptions=False, base_url="http://127.0.0.1:8000") as c:
        yield c


# --- access ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/api/series"), ("get", "/api/health"), ("post", "/api/drawdown"),
     ("get", "/openapi.json"), ("get", "/api/jobs/000000000000")],
)  # fmt: skip
def test_every_api_request_needs_the_token(guarded: TestClient, method: str, path: str) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        r = getattr(guarded, method)(path, headers=headers)
        assert r.status_code == 401, (headers, r.text)
        assert r.json()["error"] == "Unauthorized"
        assert r.headers["www-authenticate"] == "Bearer"
    r = getattr(guarded, method)(path, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code != 401


def test_the_token_link_sets_a_cookie_the_dashboard_uses(guarded: TestClient) -> None:
    assert guarded.get("/").status_code == 200  # the page itself is public
    assert guarded.get("/?token=wrong", follow_redirects=False).status_code == 200
    r = guarded.get(f"/?token={TOKEN}", follow_redirects=False)
    assert r.status_code == 303
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    assert guarded.get("/api/series").status_code == 200  # the client kept the cookie


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "127.0.0.1.evil.example"])
def test_unknown_host_names_are_refused(client: TestClient, host: str) -> None:
    r = client.get("/api/series", headers={"Host": host})
    assert r.status_code == 400
    assert r.json()["error"] == "HostNotAllowed"
    assert client.get("/api/series", headers={"Host": "127.0.0.1:8000"}).status_code == 200
    assert client.get("/api/series", headers={"Host": "[::1]:8000"}).status_code == 200


def test_cross_site_upload_is_refused(client: TestClient) -> None:
    files = {"file": ("p.csv", CSV, "text/csv")}
    evil = client.post("/api/upload", files=files, headers={"Origin": "https://evil.example"})
    assert evil.status_code == 403
    assert evil.json()["error"] == "OriginNotAllowed"
    fetch = client.post("/api/upload", files=files, headers={"Sec-Fetch-Site": "cross-site"})
    assert fetch.status_code == 403
    assert client.get("/api/series").json()["series"][-1]["kind"] != "upload"
    same = client.post("/api/upload", files=files, headers={"Origin": "http://testserver"})
    assert same.status_code == 201
    # Reading is not a state change: a cross-origin GET is answered (the browser hides it).
    assert client.get("/api/health", headers={"Origin": "https://evil.example"}).status_code == 200


# --- bounded work ----------------------------------------------------------------------------


def test_the_issues_psy_request_is_refused_with_its_estimate(client: TestClient) -> None:
    body = {"series": "nasdaq", "frequency": "D", "start": "2011-01-01", "end": "2018-12-31",
            "lag": 12, "reps": 1999}  # fmt: skip
    n = len(load_bundled("nasdaq")["close"].loc["2011-01-01":"2018-12-31"])
    expected = psy_cost(n, 12, 1999)
    assert expected.seconds > DEFAULT_BUDGET_S
    for path in ("/api/psy", "/api/jobs/psy"):
        started = time.monotonic()
        r = client.post(path, json=body)
        assert time.monotonic() - started < 30  # refused before the 754 s of work
        assert r.status_code == 400, r.text
        message = r.json()["message"]
        assert r.json()["error"] == "CostLimitError"
        assert f"T={n:,}" in message
        assert f"estimated {expected.seconds:,.0f} s" in message
        assert f"budget of {DEFAULT_BUDGET_S:,.0f} s" in message
    generated = {"series": "nasdaq", "frequency": "D", "lookback_years": None, "lag": 12,
                 "reps": 1999, "start": "2011-01-01", "end": "2018-12-31"}  # fmt: skip
    r = client.post("/api/analyses/psy", json=generated)
    assert r.status_code == 400
    assert r.json()["error"] == "CostLimitError"


def test_the_budget_is_configurable(store_home: Any) -> None:
    body = {"series": "nasdaq", "frequency": "M", "reps": 99}
    with TestClient(create_app(budget_s=1e-3), raise_server_exceptions=False) as tight:
        r = tight.post("/api/psy", json=body)
        assert r.status_code == 400
        assert "budget of 0 s" in r.json()["message"]
        assert tight.post("/api/analyses/scenario", json={"paths": 1000}).status_code == 400
        for path in ("/api/lppls", "/api/analyses/lppls"):
            refused = tight.post(path, json={"series": "nasdaq"})
            assert refused.status_code == 400
            assert "LPPLS fit" in refused.json()["message"]
        assert tight.post("/api/jobs/scenario", json={"paths": 1000}).status_code == 400


@pytest.mark.parametrize("preset", ["standard", "quick", "publication"])
def test_every_preset_fits_the_default_budget(
    preset: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bubblescope.analyses.registry import REGISTRY

    # an empty results cache: the status page is estimated cold (a warm one costs nothing)
    monkeypatch.setenv("BUBBLESCOPE_RESULTS_CACHE", str(tmp_path / "results-cache"))

    frame = load_bundled("nasdaq")
    for entry in REGISTRY:
        if (entry.name, preset) == ("status", "publication"):
            continue  # a cold run is over the default budget (test_cost_composites)
        estimate = settings_cost(entry.settings.preset(preset), frame)
        if estimate is not None:
            assert 0 < estimate.seconds <= DEFAULT_BUDGET_S, (entry.name, estimate)


def test_psy_cost_grows_with_length_lag_and_reps() -> None:
    base = psy_cost(500, 0, 199).seconds
    assert psy_cost(1000, 0, 199).seconds > 3.9 * base  # O(T^2)
    assert psy_cost(500, 2, 199).seconds == pytest.approx(4 * base)  # O(q^2), q = lag + 2
    assert psy_cost(500, 0, 399).seconds == pytest.approx(2 * base)  # O(reps + 1)


def _blocker(release: threading.Event) -> Any:
    def func(progress: Any) -> dict[str, Any]:
        release.wait(30)
        return {"ok": True}

    return func


def test_a_full_queue_answers_429_and_health_still_answers(store_home: Any) -> None:
    app = create_app(workers=1, max_pending=2, isolate=False)  # the blockers are closures
    release = threading.Event()
    with TestClient(app, raise_server_exceptions=False) as client:
        try:
            for _ in range(2):
                app.state.jobs.submit("block", _blocker(release))
            for path, body in (
                ("/api/psy", {"series": "nasdaq", "frequency": "M", "reps": 99}),
                ("/api/jobs/psy", {"series": "nasdaq", "frequency": "M", "reps": 99}),
                ("/api/analyses/lppls-confidence", {"series": "nasdaq"}),
                ("/api/scenario", {"paths": 100}),
            ):
                r = client.post(path, json=body)
                assert r.status_code == 429, (path, r.text)
                assert r.json()["error"] == "QueueFullError"
                assert r.headers["retry-after"] == "5"
            started = time.monotonic()
            assert client.get("/api/health").json() == {"status": "ok"}
            assert time.monotonic() - started < 5
            assert client.get("/api/series").status_code == 200
        finally:
            release.set()


def test_job_ids_answer_until_their_result_expires() -> None:
    now = [1000.0]
    jobs = JobManager(workers=1, max_pending=6, ttl=60.0, keep=2, clock=lambda: now[0])
    release = threading.Event()
    try:
        queued = [jobs.submit("block", _blocker(release)) for _ in range(6)]
        # More jobs than `keep` are queued: none of their ids is forgotten while pending.
        assert [jobs.get(j.id).status for j in queued][1:] == ["queued"] * 5
        with pytest.raises(QueueFullError):
            jobs.submit("block", _blocker(release))
    finally:
        release.set()
    deadline = time.monotonic() + 30
    while jobs.pending and time.monotonic() < deadline:
        time.sleep(0.01)
    assert jobs.pending == 0
    # Finished: the `keep` latest still answer with their result and expiry...
    for job in queued[-2:]:
        state = jobs.get(job.id).to_dict()
        assert state["result"] == {"ok": True}
        assert state["expires"] is not None
    with pytest.raises(UnknownSymbolError):
        jobs.get(queued[0].id)
    # ... until the ttl has passed.
    now[0] += 61.0
    with pytest.raises(UnknownSymbolError, match="expire"):
        jobs.get(queued[-1].id)


def test_an_abandoned_request_is_cancelled_running_or_queued() -> None:
    jobs = JobManager(workers=1, max_pending=4)
    steps: list[int] = []
    stopped = threading.Event()
    queued_ran = threading.Event()

    def running(progress: Any) -> dict[str, Any]:
        try:
            for i in range(10_000):
                progress(i, 10_000)
                steps.append(i)
                time.sleep(0.01)
        finally:
            stopped.set()
        return {}

    def queued(progress: Any) -> dict[str, Any]:
        queued_ran.set()
        return {}

    async def gone() -> bool:
        return True

    async def scenario() -> None:
        first = asyncio.ensure_future(jobs.run("first", gone, running))
        second = asyncio.ensure_future(jobs.run("second", gone, queued))
        for task in (first, second):
            with pytest.raises(JobCancelledError):
                await task

    asyncio.run(scenario())
    assert stopped.wait(10)
    assert len(steps) < 1000  # stopped at a progress report, not after the whole loop
    assert not queued_ran.is_set()
    deadline = time.monotonic() + 10
    while jobs.pending and time.monotonic() < deadline:
        time.sleep(0.01)
    assert jobs.pending == 0


def _settled(jobs: JobManager, within: float = 30.0) -> None:
    deadline = time.monotonic() + within
    while jobs.pending and time.monotonic() < deadline:
        time.sleep(0.05)
    assert jobs.pending == 0


def test_an_isolated_analysis_runs_in_a_child_that_is_stopped_when_its_client_leaves() -> None:

    from bubblescope.detect.critical_values import MonteCarloCV
    from bubblescope.detect.exuberance import psy
    from bubblescope.parallel import shutdown_pools
    from bubblescope.web import analyses as an
    from bubblescope.web.schemas import PSYRequest

    shutdown_pools()  # an earlier test's kept worker pool is not this test's child
    before = set(multiprocessing.active_children())  # another test's may still be ending
    jobs = JobManager(workers=1, max_pending=2, isolate=True)
    frame = load_bundled("nasdaq")
    small = PSYRequest(series="nasdaq", frequency="M", start="2015-01-01", reps=99)

    async def here() -> bool:
        return False

    async def gone() -> bool:
        return True

    # The child's answer is the engine's own.
    payload = json.loads(asyncio.run(jobs.run("psy", here, an.psy_on, frame, small)))
    monthly = frame["close"].loc["2015-01-01":].resample("ME").last()
    expected = psy(np.log(monthly), cv=MonteCarloCV(reps=99, rng=20150401))
    assert payload["result"]["gsadf"] == pytest.approx(expected.gsadf, abs=0)
    # A typed error crosses the process boundary as itself.
    with pytest.raises(InputError, match="no observations"):
        asyncio.run(jobs.run("psy", here, an.psy_on, frame, small.model_copy(
            update={"start": dt.date(2031, 1, 1)})))  # fmt: skip
    # A long run (about 2,000 daily points, 2,000 replications) is stopped with its client.
    long = PSYRequest(series="nasdaq", frequency="D", start="2010-03-01", end="2017-12-31",
                      reps=2000)  # fmt: skip
    with pytest.raises(JobCancelledError):
        asyncio.run(jobs.run("psy", gone, an.psy_on, frame, long))
    _settled(jobs)
    assert set(multiprocessing.active_children()) <= before


def _waits(*, progress: Any) -> dict[str, Any]:
    """An analysis that reports once and then runs for a minute."""
    progress(0, 1)
    time.sleep(60)
    return {}


def _waits_ignoring_sigterm(*, progress: Any) -> dict[str, Any]:
    """An analysis that will not stop for SIGTERM (as a hung C extension may not)."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    return _waits(progress=progress)


def _started_child(jobs: JobManager, func: Any, before: set[Any]) -> tuple[Any, Any]:
    """Submit ``func`` isolated; return the job and its process once it has reported."""
    job = jobs.submit("wait", func)
    deadline = time.monotonic() + 60
    while job.to_dict()["total"] != 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert job.to_dict()["status"] == "running"
    (child,) = set(multiprocessing.active_children()) - before
    return job, child


def test_a_stopped_server_leaves_no_analysis_running() -> None:
    before = set(multiprocessing.active_children())
    jobs = JobManager(workers=1, max_pending=2, isolate=True)
    job, child = _started_child(jobs, _waits, before)
    queued = jobs.submit("wait", _waits)
    jobs.shutdown()
    assert not child.is_alive()
    assert (job.to_dict()["status"], queued.to_dict()["status"]) == ("cancelled", "cancelled")
    assert jobs.pending == 0
    assert set(multiprocessing.active_children()) <= before


def test_a_child_that_ignores_sigterm_is_killed(monkeypatch: pytest.MonkeyPatch) -> None:
    from bubblescope.web import jobs as jobs_module

    monkeypatch.setattr(jobs_module, "_TERMINATE_S", 0.5)
    before = set(multiprocessing.active_children())
    jobs = JobManager(workers=1, max_pending=2, isolate=True)
    job, child = _started_child(jobs, _waits_ignoring_sigterm, before)
    jobs.cancel(job)
    _settled(jobs)
    assert job.to_dict()["status"] == "cancelled"
    assert not child.is_alive()
    assert child.exitcode == -signal.SIGKILL


def test_psy_reports_progress_by_critical_value_chunks(client: TestClient) -> None:
    from bubblescope.web import analyses as an
    from bubblescope.web.schemas import PSYRequest
    from bubblescope.web.series import SeriesRegistry

    seen: list[tuple[int, int]] = []
    an.psy_api(
        SeriesRegistry(),
        PSYRequest(series="nasdaq", frequency="M", start="2010-01-01", reps=2000),
        lambda done, total: seen.append((done, total)),
    )
    # 2,000 replications run in groups of 1,000: two reports between the start and the end,
    # each a point where a cancelled job stops.
    assert seen == [(0, 1), (1, 2), (2, 2), (1, 1)]


def test_psy_on_log_prices_refuses_a_bad_close_inside_a_week() -> None:
    import pandas as pd

    from bubblescope.web import analyses as an
    from bubblescope.web.schemas import PSYRequest
    from bubblescope.web.series import SeriesRegistry

    days = pd.bdate_range("2015-01-01", periods=600)
    close = 100.0 * np.exp(np.cumsum(0.01 * np.random.default_rng(3).standard_normal(600)))
    close[np.flatnonzero(days == pd.Timestamp("2016-12-01"))[0]] = -5.0  # a Thursday
    reg = SeriesRegistry.pinned("bad", pd.DataFrame({"close": close}, index=days))
    with pytest.raises(InputError, match="first -5 at 2016-12-01; PSY on log prices needs"):
        an.psy_api(reg, PSYRequest(series="bad", frequency="W", reps=99))
    levels = an.psy_api(reg, PSYRequest(series="bad", frequency="W", reps=99, transform="level"))
    assert levels["data"]["first_date"] == "2015-01-02"  # levels may be anything: tested


# --- body limits -----------------------------------------------------------------------------


def _stream(
    app: Any,
    path: str,
    chunk: int,
    chunks: int,
    headers: list[tuple[bytes, bytes]],
    first: bytes = b"",
) -> tuple[int, int, bytes]:
    """Send ``first`` then ``chunks`` body messages of ``chunk`` bytes (chunked framing) straight
    to the ASGI app; the status, the body messages the app pulled, and the response body."""
    pulled = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        if pulled >= chunks:
            return {"type": "http.disconnect"}
        pulled += 1
        body = (first if pulled == 1 else b"") + b"x" * chunk
        return {"type": "http.request", "body": body, "more_body": pulled < chunks}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 8000),
        "headers": [(b"host", b"127.0.0.1:8000"), (b"transfer-encoding", b"chunked"), *headers],
    }  # fmt: skip
    with contextlib.suppress(Exception):  # what the app raises on the cut body; see `sent`
        asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], pulled, body


@pytest.mark.parametrize(
    ("path", "content_type", "limit", "error"),
    [
        ("/api/upload", b"multipart/form-data; boundary=b", TEST_UPLOAD_LIMIT + FORM_OVERHEAD,
         "UploadTooLarge"),
        ("/api/psy", b"application/json", DEFAULT_MAX_JSON, "BodyTooLarge"),
        ("/api/analyses/scenario", b"application/json", DEFAULT_MAX_JSON, "BodyTooLarge"),
    ],
)  # fmt: skip
def test_chunked_bodies_are_cut_off_at_the_limit(
    store_home: Any, path: str, content_type: bytes, limit: int, error: str
) -> None:
    app = create_app(max_upload_bytes=TEST_UPLOAD_LIMIT)
    chunk = 64 * 1024
    preamble = (
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="p.csv"\r\n'
        b"Content-Type: text/csv\r\n\r\nDate,Close\n"
    )
    status, pulled, body = _stream(
        app, path, chunk, 24_000, [(b"content-type", content_type)], first=preamble
    )  # 1.5 GB offered
    assert status == 413
    assert json.loads(body)["error"] == error
    assert (pulled - 1) * chunk <= limit  # read up to the limit, not the 1.5 GB


def test_a_declared_oversized_body_is_refused_before_reading(store_home: Any) -> None:
    app = create_app(max_upload_bytes=TEST_UPLOAD_LIMIT)
    declared = str(DEFAULT_MAX_JSON + 1).encode()
    status, pulled, _ = _stream(
        app, "/api/psy", 1024, chunks=10,
        headers=[(b"content-type", b"application/json"), (b"content-length", declared)],
    )  # fmt: skip
    assert (status, pulled) == (413, 0)


def test_json_bodies_have_a_limit(client: TestClient) -> None:
    overrides = {f"k{i}": 1.0 for i in range(100_000)}  # about 1.4 MB of JSON
    r = client.post("/api/scenario", json={"overrides": overrides})
    assert r.status_code == 413
    assert r.json()["error"] == "BodyTooLarge"
    assert client.get("/api/health").status_code == 200


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_connections_that_never_finish_their_headers_are_closed(store_home: Any) -> None:
    import uvicorn

    from bubblescope.web.server import server_config

    port = _free_port()
    config = server_config(create_app(), "127.0.0.1", port, header_timeout=0.5, keep_alive=1)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        # One connection sends half its headers and waits; another trickles a byte at a time.
        idle = socket.create_connection(("127.0.0.1", port))
        idle.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        trickle = socket.create_connection(("127.0.0.1", port))
        trickle.sendall(b"GET /api/health HTTP/1.1\r\n")
        closed_at = None
        started = time.monotonic()
        for _ in range(40):
            try:
                trickle.sendall(b"X")
            except OSError:
                closed_at = time.monotonic() - started
                break
            time.sleep(0.1)
        idle.settimeout(5)
        assert idle.recv(1024) == b""  # closed by the server
        assert closed_at is not None
        assert closed_at < 3.0
        # A well-behaved client is served, and its idle keep-alive connection closed.
        ok = socket.create_connection(("127.0.0.1", port))
        ok.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        ok.settimeout(5)
        assert ok.recv(4096).startswith(b"HTTP/1.1 200")
        for sock in (idle, trickle, ok):
            sock.close()
    finally:
        server.should_exit = True
        thread.join(10)


@contextlib.contextmanager
def _uvicorn(app: Any, **options: Any) -> Iterator[int]:
    """``app`` served on a free loopback port in a thread (with bubblescope's timeouts)."""
    import uvicorn

    from bubblescope.web.server import server_config

    port = _free_port()
    server = uvicorn.Server(server_config(app, "127.0.0.1", port, **options))
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


def test_a_request_whose_client_leaves_stops_its_analysis(store_home: Any) -> None:
    app = create_app(workers=1, max_pending=2)
    body = json.dumps({"series": "nasdaq", "frequency": "D", "start": "2010-03-01",
                       "end": "2017-12-31", "lag": 2, "reps": 2000}).encode()  # fmt: skip
    # About 1,970 points, lag 2, 2,000 replications: estimated 74 s, well within the budget.
    with _uvicorn(app) as port:
        client = socket.create_connection(("127.0.0.1", port))
        client.sendall(
            b"POST /api/psy HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        deadline = time.monotonic() + 30
        while app.state.jobs.pending == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert app.state.jobs.pending == 1  # the analysis is running
        client.close()  # the client leaves long before its result
        _settled(app.state.jobs, within=10.0)  # ... and the analysis stops long before


# --- errors ----------------------------------------------------------------------------------


def test_a_server_error_is_json_without_paths(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bubblescope.web import analyses as an

    def read_only_home(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied", "/home/someone/.bubblescope/cache/x.npz")

    monkeypatch.setattr(an, "drawdown_api", read_only_home)
    r = client.post("/api/drawdown", json={"series": "nasdaq"})
    assert r.status_code == 500
    assert r.headers["content-type"] == "application/json"
    assert r.json()["error"] == "InternalError"
    assert "/home" not in r.text
    assert "Permission" not in r.text
    assert r.headers["x-content-type-options"] == "nosniff"
    assert client.get("/api/health").status_code == 200


def test_no_swagger_page_from_a_cdn(client: TestClient) -> None:
    for path in ("/docs", "/redoc"):
        r = client.get(path)
        assert r.status_code == 404
        assert "cdn" not in r.text.lower()
    assert client.get("/openapi.json").json()["openapi"].startswith("3.")


def test_422_bodies_carry_what_the_schema_promises(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    documented = schema["paths"]["/api/psy"]["post"]["responses"]["422"]
    ref = documented["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    body_schema = schema["components"]["schemas"][ref]
    (listed,) = [t for t in body_schema["properties"]["detail"]["anyOf"] if "items" in t]
    item_ref = listed["items"]["$ref"].rsplit("/", 1)[1]
    required_item = set(schema["components"]["schemas"][item_ref]["required"])
    assert required_item == {"loc", "msg", "type"}

    r = client.post("/api/psy", json={"series": "nasdaq", "lag": -3, "reps": 10**9})
    assert r.status_code == 422
    body = r.json()
    assert set(body) >= set(body_schema["required"])
    assert {d["type"] for d in body["detail"]} == {"greater_than_equal", "less_than_equal"}
    for item in body["detail"]:
        assert set(item) >= required_item


def test_405_names_the_allowed_methods(client: TestClient) -> None:
    r = client.delete("/api/health")
    assert r.status_code == 405
    assert r.headers["allow"] == "GET"
    r = client.get("/api/psy")
    assert r.status_code == 405
    assert r.headers["allow"] == "POST"


@pytest.mark.parametrize("path", ["/", "/api/health", "/api/facts/NOPE-1", "/static/app.js"])
def test_every_answer_has_the_security_headers(client: TestClient, path: str) -> None:
    r = client.get(path)
    for name, value in SECURITY_HEADERS:
        assert r.headers[name] == value, name
    if path.startswith("/api/"):
        assert r.headers["cache-control"] == "no-store"
