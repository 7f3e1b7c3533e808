"""Scenario API: presets carry their sources, runs equal the engine's, bad input is a typed 4xx."""

from __future__ import annotations

import math
import time
from typing import Any, cast

import pytest
from fastapi.testclient import TestClient

from bubblescope.scenario import PARAMETERS, list_presets, load_scenario, run_scenario
from bubblescope.web.scenario import KEY_PARAMETERS


def _wait(client: TestClient, job: dict[str, Any], timeout: float = 60.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = cast(dict[str, Any], client.get(f"/api/jobs/{job['id']}").json())
        if state["status"] in ("done", "failed"):
            return state
        time.sleep(0.05)
    raise AssertionError(f"job {job['id']} did not finish in {timeout} s")


def test_presets_list_every_parameter_with_its_source(client: TestClient) -> None:
    body = client.get("/api/scenario/presets").json()
    assert [p["name"] for p in body["presets"]] == list_presets()
    assert set(body["key_parameters"]) == set(KEY_PARAMETERS) <= set(PARAMETERS)
    for preset in body["presets"]:
        spec = load_scenario(preset["name"])
        rows = {r["parameter"]: r for r in preset["parameters"]}
        assert set(rows) == set(PARAMETERS)
        for name, row in rows.items():
            assert row["model_value"] == spec.value(name)
            assert row["model_unit"] == PARAMETERS[name].unit
            assert row["source"] == spec.params[name].source
            assert row["source"]  # every input names a fact or a rationale


def test_run_with_an_override_equals_the_engine(client: TestClient) -> None:
    r = client.post(
        "/api/scenario",
        json={"preset": "funding_squeeze", "paths": 1500, "seed": 11, "overrides": {"kappa": 0.3}},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    res = run_scenario("funding_squeeze", n_paths=1500, rng=11, overrides={"kappa": 0.3})
    head = body["headline"]
    assert head["bust_share"] == float(res.bust_share_by_year()[-1])
    assert head["median_bust_year"] == res.median_bust_year()
    assert head["median_depth"] == res.depth_quantiles()["p50"]
    assert body["result"]["bust"]["share_by_year"] == dict(
        zip(map(str, res.years), res.bust_share_by_year().tolist(), strict=True)
    )
    assert body["result"]["scenario"]["overrides"] == ["kappa=0.3"]
    kappa = next(p for p in body["result"]["scenario"]["parameters"] if p["parameter"] == "kappa")
    assert (kappa["value"], kappa["kind"]) == (0.3, "user")
    assert body["chart"]["data"][0]["type"] == "scatter"
    assert body["summary"] == res.summary()


def test_override_changes_the_result(client: TestClient) -> None:
    """Herding sellers: a larger kappa needs more sellers to burst, so busts come no earlier."""
    low, high = (
        client.post(
            "/api/scenario", json={"paths": 1000, "seed": 3, "overrides": {"kappa": k}}
        ).json()["result"]["bust"]["share_by_year"]
        for k in (0.02, 0.5)
    )
    assert all(high[y] <= low[y] for y in low)
    assert high != low


def test_scenario_job_reports_progress_in_chunks(client: TestClient) -> None:
    body = {"paths": 4500, "seed": 5, "overrides": {"grid_growth": 0.1}}
    r = client.post("/api/jobs/scenario", json=body)
    assert r.status_code == 202
    state = _wait(client, r.json())
    assert state["status"] == "done", state["error"]
    assert state["done"] == state["total"] == math.ceil(4500 / 2000)  # run_scenario's chunk_size
    sync = client.post("/api/scenario", json=body).json()
    assert state["result"]["headline"] == sync["headline"]


@pytest.mark.parametrize(
    ("path", "body", "status", "error", "message"),
    [
        ("/api/scenario", {"overrides": {"kapa": 0.1}}, 400, "InputError", "overrides.kapa"),
        ("/api/scenario", {"overrides": {"kappa": 1.5}}, 400, "InputError", "overrides.kappa"),
        ("/api/scenario", {"overrides": {"grid_additions": -5}}, 400, "InputError", "positive"),
        ("/api/jobs/scenario", {"overrides": {"kappa": -1}}, 400, "InputError", "overrides.kappa"),
        ("/api/scenario", {"preset": "nope"}, 400, "InputError", "preset"),
        ("/api/jobs/scenario", {"preset": "nope"}, 400, "InputError", "preset"),
        ("/api/scenario", {"preset": "../base"}, 422, "ValidationError", "preset"),
        ("/api/scenario", {"paths": 20_001}, 422, "ValidationError", "paths"),
        ("/api/scenario", {"paths": 0}, 422, "ValidationError", "paths"),
        ("/api/scenario", {"seed": -1}, 422, "ValidationError", "seed"),
        ("/api/scenario", {"overrides": {"kappa": "x"}}, 422, "ValidationError", "kappa"),
        ("/api/scenario", {"n_paths": 10}, 422, "ValidationError", "n_paths"),
    ],
)
def test_bad_scenario_requests_get_typed_4xx(
    client: TestClient, path: str, body: dict[str, Any], status: int, error: str, message: str
) -> None:
    r = client.post(path, json=body)
    assert r.status_code == status, r.text
    assert r.json()["error"] == error
    assert message in r.json()["message"]
    assert client.get("/api/health").json() == {"status": "ok"}


def test_non_finite_override_is_refused(client: TestClient) -> None:
    r = client.post(
        "/api/scenario",
        content='{"overrides": {"kappa": NaN}}',
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "ValidationError"
    assert "kappa" in r.json()["message"]
