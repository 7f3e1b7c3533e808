"""JSON API: results equal the engines' own, bad requests get a typed 4xx, the server survives."""

from __future__ import annotations

import time
from typing import Any, cast

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from bubblescope.data.bundled import load_bundled
from bubblescope.detect.critical_values import MonteCarloCV
from bubblescope.detect.drawdowns import drawdown
from bubblescope.detect.exuberance import psy
from bubblescope.economy.clearing import PaymentShock, stress
from bubblescope.economy.network import load_network
from tests.web.conftest import TEST_UPLOAD_LIMIT

GOOD_CSV = (
    "Date,Close\n" + "\n".join(f"2020-01-{d:02d},{100 + d * 1.5:.2f}" for d in range(1, 29)) + "\n"
)


def _wait(client: TestClient, job: dict[str, Any], timeout: float = 60.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = cast(dict[str, Any], client.get(f"/api/jobs/{job['id']}").json())
        if state["status"] in ("done", "failed"):
            return state
        time.sleep(0.1)
    raise AssertionError(f"job {job['id']} did not finish in {timeout} s")


def _still_serving(client: TestClient) -> None:
    assert client.get("/api/health").json() == {"status": "ok"}


def test_series_lists_shipped_data(client: TestClient) -> None:
    from bubblescope.data.universe import universe

    names = {s["name"]: s["kind"] for s in client.get("/api/series").json()["series"]}
    assert names == dict.fromkeys(universe(), "shipped")


def test_psy_matches_the_engine(client: TestClient) -> None:
    r = client.post(
        "/api/psy", json={"series": "nasdaq", "frequency": "M", "reps": 99, "transform": "level"}
    )
    assert r.status_code == 200
    monthly = load_bundled("nasdaq")["close"].resample("ME").last()
    expected = psy(monthly, cv=MonteCarloCV(reps=99, rng=20150401))
    body = r.json()
    assert body["result"]["gsadf"] == pytest.approx(expected.gsadf, abs=0)
    assert body["result"]["reject"] == expected.reject
    assert body["chart"]["data"][0]["type"] == "scatter"


def test_psy_job_reports_progress_and_result(client: TestClient) -> None:
    r = client.post("/api/jobs/psy", json={"series": "nasdaq", "frequency": "M", "reps": 99})
    assert r.status_code == 202
    state = _wait(client, r.json())
    assert state["status"] == "done"
    assert (state["done"], state["total"]) == (1, 1)
    monthly = load_bundled("nasdaq")["close"].resample("ME").last()
    expected = psy(np.log(monthly), cv=MonteCarloCV(reps=99, rng=20150401))
    assert state["result"]["result"]["gsadf"] == pytest.approx(expected.gsadf, abs=0)


def test_drawdown_matches_the_engine(client: TestClient) -> None:
    r = client.post("/api/drawdown", json={"series": "nasdaq"})
    assert r.status_code == 200
    expected = drawdown(load_bundled("nasdaq")["close"])
    assert r.json()["result"]["max_drawdown"] == pytest.approx(expected.max_drawdown, abs=0)


def test_network_and_stress(client: TestClient) -> None:
    net = client.get("/api/network").json()
    assert len(net["result"]["commitments"]) == len(load_network().commitments)
    r = client.post("/api/stress", json={"shocks": [{"firm": "OpenAI", "fraction": 0.0}]})
    assert r.status_code == 200
    firms = {f["firm"]: f for f in r.json()["result"]["firms"]}
    # the endpoint returns the library's clearing: every firm's default round as stress() has it
    expected = stress(load_network(), [PaymentShock("OpenAI", 0.0)]).firms
    for name, row in expected.iterrows():
        got = firms[str(name)]["default_round"]
        assert (got is None) == bool(pd.isna(row["default_round"])), name
        if got is not None:
            assert got == row["default_round"], name
    # a shocked firm that pays nothing of what it owes is short from the start: round 0, the
    # first of the cascade
    assert firms["OpenAI"]["due"] > 0.0
    assert firms["OpenAI"]["paid"] == 0.0
    rounds = [f["default_round"] for f in firms.values() if f["default_round"] is not None]
    assert firms["OpenAI"]["default_round"] == min(rounds) == 0


def test_facts_search_and_lookup(client: TestClient) -> None:
    found = client.get("/api/facts", params={"q": "Burry"}).json()
    assert any(f["id"] == "DEP-01" for f in found["facts"])
    assert client.get("/api/facts/DEP-01").json()["id"] == "DEP-01"


def test_upload_then_analyse(client: TestClient) -> None:
    r = client.post("/api/upload", files={"file": ("prices.csv", GOOD_CSV, "text/csv")})
    assert r.status_code == 201
    name = r.json()["name"]
    assert r.json()["n"] == 28
    assert name in {s["name"] for s in client.get("/api/series").json()["series"]}
    r = client.post("/api/drawdown", json={"series": name})
    assert r.status_code == 200
    # Strictly rising prices never fall below their running peak.
    assert r.json()["result"]["max_drawdown"] == 0.0


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status", "error", "message"),
    [
        (
            "post",
            "/api/psy",
            {"json": {"series": "NOSUCH"}},
            404,
            "UnknownSymbolError",
            "unknown series 'NOSUCH'",
        ),
        (
            "post",
            "/api/psy",
            {"json": {"series": "nasdaq", "reps": 10**9}},
            422,
            "ValidationError",
            "reps",
        ),
        (
            "post",
            "/api/psy",
            {"json": {"series": "nasdaq", "lag": -3}},
            422,
            "ValidationError",
            "lag",
        ),
        (
            "post",
            "/api/psy",
            {"json": {"series": "nasdaq", "frequency": "D", "reps": 50}},
            400,
            "InputError",
            "too many for PSY",
        ),
        (
            "post",
            "/api/psy",
            {"json": {"series": "../../etc/passwd"}},
            422,
            "ValidationError",
            "series",
        ),
        (
            "post",
            "/api/psy",
            {"json": {"series": "nasdaq", "start": "2030-01-01"}},
            400,
            "InputError",
            "no observations",
        ),
        (
            "post",
            "/api/runup",
            {"json": {"series": "nasdaq", "threshold": -1}},
            422,
            "ValidationError",
            "threshold",
        ),
        (
            "post",
            "/api/stress",
            {"json": {"shocks": [{"firm": "Nobody", "fraction": 0.5}]}},
            400,
            "InputError",
            "unknown firm",
        ),
        (
            "post",
            "/api/stress",
            {"json": {"shocks": [{"firm": "OpenAI", "fraction": 7}]}},
            422,
            "ValidationError",
            "fraction",
        ),
        ("get", "/api/facts/NOPE-99", {}, 404, "UnknownSymbolError", "no fact"),
        ("get", "/api/jobs/000000000000", {}, 404, "UnknownSymbolError", "no job"),
        (
            "post",
            "/api/upload",
            {"files": {"file": ("bad.csv", "just,some\ngarbage,here\n")}},
            400,
            "InputError",
            "bad.csv",
        ),
        ("post", "/api/upload", {"files": {"file": ("empty.csv", "")}}, 400, "InputError", "empty"),
        (
            "post",
            "/api/upload",
            {"files": {"file": ("big.csv", "x" * (TEST_UPLOAD_LIMIT + 1))}},
            413,
            "UploadTooLarge",
            "exceeds the limit",
        ),
        (
            "post",
            "/api/psy",
            {"content": "{not json", "headers": {"Content-Type": "application/json"}},
            422,
            "ValidationError",
            "JSON",
        ),
    ],
)
def test_bad_requests_get_typed_4xx_and_server_keeps_serving(
    client: TestClient,
    method: str,
    path: str,
    kwargs: dict[str, Any],
    status: int,
    error: str,
    message: str,
) -> None:
    r = getattr(client, method)(path, **kwargs)
    assert r.status_code == status, r.text
    body = r.json()
    assert body["error"] == error
    assert message.lower() in body["message"].lower()
    _still_serving(client)


def test_oversized_upload_is_refused_from_its_declared_length(client: TestClient) -> None:
    body = b"x" * (TEST_UPLOAD_LIMIT + 200_000)
    r = client.post(
        "/api/upload", content=body, headers={"Content-Type": "multipart/form-data; boundary=b"}
    )
    assert r.status_code == 413
    assert r.json()["error"] == "UploadTooLarge"
    _still_serving(client)


def test_failed_job_carries_the_typed_error(client: TestClient) -> None:
    r = client.post(
        "/api/jobs/lppls-confidence",
        json={"series": "CRWV", "end": "2025-06-01", "max_window": 250},
    )
    state = _wait(client, r.json())
    assert state["status"] == "failed"
    assert state["error"]["error"] == "InputError"
    _still_serving(client)


def test_dashboard_assets_are_local(client: TestClient) -> None:
    page = client.get("/").text
    assert 'src="/static/plotly.min.js"' in page
    assert "http://" not in page
    assert "https://" not in page
    js = client.get("/static/plotly.min.js")
    assert js.status_code == 200
    assert "plotly" in js.text[:2000].lower()


def test_gpu_power_and_gauge_match_the_engines(client: TestClient) -> None:
    from bubblescope.economy.gpu import gpu_economics
    from bubblescope.gauge import bubble_gauge, stock_proxies
    from bubblescope.report.sections.gauge import MIN_HISTORY

    body = client.get("/api/gpu", params={"generation": "A100"}).json()
    assert body["result"]["payback_years"] == gpu_economics("A100").payback_years
    # IEA 'Energy and AI' base case: world data centres 945 TWh in 2030 (fact ENE-06).
    rows = client.get("/api/power").json()["result"]["projections"]
    assert {r["series"]: r["end_twh"] for r in rows}["World DC (IEA)"] == 945.0
    res = bubble_gauge(
        stock_proxies(load_bundled("nasdaq"), name="nasdaq"), min_history=MIN_HISTORY
    )
    gauge = client.get("/api/gauge/nasdaq").json()["result"]
    assert gauge["latest"]["aggregate"] == pytest.approx(
        float(res.aggregate.dropna().iloc[-1]), abs=0
    )


def test_gauge_of_a_too_short_upload_is_not_a_server_error(client: TestClient) -> None:
    name = client.post("/api/upload", files={"file": ("p.csv", GOOD_CSV)}).json()["name"]
    r = client.get(f"/api/gauge/{name}")
    assert r.status_code == 400, r.text
    assert "too short for a gauge" in r.json()["message"]
    _still_serving(client)
