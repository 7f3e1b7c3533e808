"""The OpenBB Workspace backend: manifests in the documented fields, every widget answering in
the shape its type expects with the registry's own numbers, typed errors, and opt-in CORS."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import httpx
import pytest
import typer
from fastapi.testclient import TestClient
from pydantic import BaseModel, ConfigDict, Field
from typer.testing import CliRunner

from bubblescope.analyses.base import coerce
from bubblescope.analyses.registry import get
from bubblescope.data.catalog import load_series
from bubblescope.errors import InputError
from bubblescope.web import create_app
from bubblescope.web.openbb import GRID_COLUMNS, OPENBB_ORIGIN, WIDGETS, allow_openbb

TOKEN = "openbb-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
PREFLIGHT = {
    "Origin": OPENBB_ORIGIN,
    "Access-Control-Request-Method": "GET",
    "Access-Control-Request-Headers": "authorization",
}


# --- the documented fields, as models ----------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Option(_Strict):
    label: str
    value: str | int | float | bool


class Param(_Strict):
    """A widget parameter's documented fields.

    https://docs.openbb.co/workspace/custom-backend/advanced-controls/grouping-and-parameters
    """

    paramName: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    value: str | int | float | bool | None = None
    label: str | None = None
    description: str | None = None
    type: Literal["date", "text", "ticker", "number", "boolean", "endpoint", "form"]
    show: bool = True
    multiSelect: bool = False
    options: list[Option] | None = None
    optionsEndpoint: str | None = None


class GridData(_Strict):
    w: int = Field(ge=1, le=GRID_COLUMNS)
    h: int = Field(ge=1, le=100)


class ColumnDef(_Strict):
    field: str
    headerName: str | None = None
    cellDataType: Literal["text", "number", "boolean", "date", "dateString", "object"] | None = None


class TableData(_Strict):
    showAll: bool | None = None
    enableCharts: bool | None = None
    columnsDefs: list[ColumnDef] | None = None


class WidgetData(_Strict):
    dataKey: str | None = None
    table: TableData | None = None


class WidgetSpec(_Strict):
    """One entry of widgets.json, in the fields of OpenBB's widgets.json reference.

    https://docs.openbb.co/workspace/developers/json-specs/widgets-json-reference (name,
    description and endpoint required; type one of the documented visualisations; gridData at
    most 40 wide and 100 high; params as documented; data.table.columnsDefs).
    """

    name: str = Field(min_length=1)
    description: str = Field(min_length=1)
    endpoint: str = Field(min_length=1)
    category: str | None = None
    subCategory: str | None = None
    type: Literal["table", "chart", "markdown", "metric", "newsfeed", "pdf", "html", "note"]
    gridData: GridData | None = None
    params: list[Param] = []
    data: WidgetData | None = None
    runButton: bool = False


class LayoutItem(_Strict):
    i: str
    x: int = Field(ge=0)
    y: int = Field(ge=0)
    w: int = Field(ge=1, le=GRID_COLUMNS)
    h: int = Field(ge=1)


class Tab(_Strict):
    id: str
    name: str
    layout: list[LayoutItem]


class AppSpec(_Strict):
    """One app of apps.json, in the fields of OpenBB's apps.json reference.

    https://docs.openbb.co/workspace/apps-json-reference (name, description,
    allowCustomization, tabs of id/name/layout, groups, prompts).
    """

    name: str
    description: str
    allowCustomization: bool
    tabs: dict[str, Tab]
    groups: list[dict[str, Any]]
    prompts: list[str]


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def client(store_home: Path) -> Iterator[TestClient]:
    """The app with the backend opted in, a token, and analyses on the queue's threads."""
    app = create_app(token=TOKEN, isolate=False)
    allow_openbb(app)
    with TestClient(app, raise_server_exceptions=False, headers=AUTH) as c:
        yield c


#: Fast settings of each widget (small replications, dates and paths).
FAST: dict[str, dict[str, str]] = {
    "psy_chart": {"ticker": "NVDA", "preset": "quick", "reps": "50"},
    "psy_table": {"ticker": "NVDA", "preset": "quick", "reps": "50"},
    "lppls_confidence": {"ticker": "NVDA", "dates": "3", "every": "20"},
    "stress": {"shock": "OpenAI=0.5"},
    "stress_chart": {"shock": "OpenAI=0.5,Oracle=0.8"},
    "scenario": {"preset": "funding_squeeze", "paths": "200"},
    "scenario_table": {"preset": "base", "paths": "200"},
}
#: The status table reads every watched series (half a minute on the quick preset).
SLOW = {"status": {"preset": "quick"}}


def _manifest(client: TestClient) -> dict[str, WidgetSpec]:
    r = client.get("/openbb/widgets.json")
    assert r.status_code == 200, r.text
    raw = r.json()
    assert isinstance(raw, dict)  # an object keyed by widget id, not a list
    return {key: WidgetSpec.model_validate(spec) for key, spec in raw.items()}


def _check_shape(widget: WidgetSpec, body: Any) -> None:
    """The body a widget of this type renders: flat rows for a table, a plotly figure."""
    if widget.type == "table":
        assert isinstance(body, list)
        assert body
        for row in body:
            assert isinstance(row, dict)
            assert all(v is None or isinstance(v, (str, int, float, bool)) for v in row.values())
        columns = widget.data.table.columnsDefs if widget.data and widget.data.table else None
        if columns:
            assert set(body[0]) == {c.field for c in columns}
    else:
        assert widget.type == "chart"
        assert isinstance(body["layout"], dict)
        assert body["data"]
        assert all(isinstance(t, dict) and "type" in t for t in body["data"])


# --- the manifests -------------------------------------------------------------------------------


def test_widgets_manifest_has_the_documented_fields(client: TestClient) -> None:
    widgets = _manifest(client)
    assert list(widgets) == [w.key for w in WIDGETS]
    assert set(FAST) | set(SLOW) == set(widgets)  # every widget has a request test
    paths = client.get("/openapi.json").json()["paths"]
    for key, spec in widgets.items():
        assert "get" in paths[f"/openbb/{spec.endpoint}"], key
        entry = get(next(w.analysis for w in WIDGETS if w.key == key))
        assert spec.runButton == (entry.slow or key.startswith("psy"))  # heavy runs wait
        for param in spec.params:
            if param.options:  # the default is one of the choices offered
                assert param.value in [o.value for o in param.options], (key, param.paramName)
    assert {o.value for o in widgets["scenario"].params[0].options or []} >= {"base"}
    assert "NVDA" in {o.value for o in widgets["psy_chart"].params[0].options or []}


def test_each_default_reads_back_as_the_standard_setting(client: TestClient) -> None:
    """A parameter left at its manifest value asks for the registry's standard run."""
    specs = _manifest(client)
    for widget in WIDGETS:
        entry = get(widget.analysis)
        annotations = {f.name: f.annotation for f in entry.fields()}
        standard = entry.configure("standard")
        for param, spec in zip(widget.params, specs[widget.key].params, strict=True):
            assert spec.paramName == param.name
            if param.target in ("series", "preset"):
                continue
            value = coerce(str(spec.value), annotations[param.target])
            assert entry.configure("standard", {param.target: value}) == standard, param.name


def test_apps_manifest_lays_out_every_widget_without_overlap(client: TestClient) -> None:
    r = client.get("/openbb/apps.json")
    assert r.status_code == 200
    assert isinstance(r.json(), list)
    apps = [AppSpec.model_validate(a) for a in r.json()]
    widgets = _manifest(client)
    placed = []
    for app in apps:
        for tab_id, tab in app.tabs.items():
            assert tab.id == tab_id
            cells: set[tuple[int, int]] = set()
            for item in tab.layout:
                assert item.i in widgets
                assert item.x + item.w <= GRID_COLUMNS
                grid = widgets[item.i].gridData
                assert grid is not None
                assert (item.w, item.h) == (grid.w, grid.h)
                mine = {
                    (x, y)
                    for x in range(item.x, item.x + item.w)
                    for y in range(item.y, item.y + item.h)
                }
                assert not cells & mine, (tab_id, item.i)
                cells |= mine
                placed.append(item.i)
    assert sorted(placed) == sorted(widgets)


# --- each widget's data ----------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(FAST))
def test_every_widget_answers_in_its_type_s_shape(client: TestClient, key: str) -> None:
    widget = _manifest(client)[key]
    r = client.get(f"/openbb/{widget.endpoint}", params=FAST[key])
    assert r.status_code == 200, r.text
    _check_shape(widget, r.json())


@pytest.mark.slow
def test_the_status_table_answers(client: TestClient) -> None:
    widget = _manifest(client)["status"]
    r = client.get("/openbb/status", params=SLOW["status"])
    assert r.status_code == 200, r.text
    body = r.json()
    _check_shape(widget, body)
    assert {"NVDA", "NASDAQ"} <= {row["series"] for row in body}


def test_the_psy_table_is_the_registry_s_result(client: TestClient) -> None:
    """The widget shows the numbers the registry's run gives (the CLI and API run the same)."""
    rows = client.get("/openbb/psy_table", params=FAST["psy_table"]).json()
    entry = get("psy")
    close = load_series("NVDA")
    close.attrs = {**close.attrs, "symbol": "NVDA"}
    frame = entry.run(close, entry.configure("quick", {"reps": 50})).to_frame()
    assert len(rows) == len(frame)
    assert rows[-1]["date"] == frame.index[-1].date().isoformat()
    assert rows[-1]["bsadf"] == pytest.approx(frame["bsadf"].iloc[-1], rel=1e-12)
    assert sum(r["episode"] for r in rows) == int(frame["episode"].sum())


def test_a_whole_number_sent_as_a_float_is_read_as_an_integer(client: TestClient) -> None:
    """A number box may send ``50.0`` for an integer setting."""
    r = client.get("/openbb/psy_table", params={**FAST["psy_table"], "reps": "50.0"})
    assert r.status_code == 200, r.text
    fractional = client.get("/openbb/psy_table", params={**FAST["psy_table"], "reps": "50.5"})
    assert fractional.status_code == 400


def test_a_larger_shock_never_lowers_the_stress_shortfall(client: TestClient) -> None:
    def shortfall(fraction: float) -> float:
        rows = client.get("/openbb/stress", params={"shock": f"OpenAI={fraction}"}).json()
        return sum(r["shortfall"] for r in rows)

    assert shortfall(0.2) >= shortfall(0.5) >= shortfall(0.9) >= 0.0
    assert shortfall(0.2) > shortfall(0.9)


# --- typed errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "params", "status", "error", "names"),
    [
        ("psy_table", {"reps": "many"}, 400, "InputError", "reps"),
        ("psy_table", {"reps": "5", "preset": "quick"}, 400, "InputError", "reps"),
        ("psy_chart", {"preset": "fast"}, 400, "InputError", "fast"),
        ("psy_chart", {"ticker": "NOSUCH"}, 404, "UnknownSymbolError", "NOSUCH"),
        ("psy_chart", {"ticker": "../etc"}, 400, "InputError", "not a series name"),
        ("lppls_confidence", {"dates": "0"}, 400, "InputError", "dates"),
        ("stress", {"shock": "Nobody=0.5"}, 400, "InputError", "Nobody"),
        ("stress", {"shock": "OpenAI=lots"}, 400, "InputError", "lots"),
        ("scenario", {"preset": "nosuch"}, 404, "UnknownSymbolError", "nosuch"),
        ("scenario", {"paths": "10"}, 400, "InputError", "paths"),
    ],
)
def test_a_bad_parameter_is_a_typed_error(
    client: TestClient, path: str, params: dict[str, str], status: int, error: str, names: str
) -> None:
    r = client.get(f"/openbb/{path}", params=params)
    assert r.status_code == status, r.text
    assert r.json()["error"] == error
    assert names in r.json()["message"]


def test_a_run_over_the_budget_is_refused_before_it_starts(store_home: Path) -> None:
    app = create_app(budget_s=1e-3, isolate=False)
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/openbb/psy_chart", params={"ticker": "NVDA"})
    assert r.status_code == 400
    assert r.json()["error"] == "CostLimitError"
    assert app.state.jobs.pending == 0  # the place its checks held was given back


def test_a_burst_of_widget_requests_does_at_most_max_pending_checks(store_home: Path) -> None:
    # issue 20: each heavy widget takes its queue place before loading its series and
    # estimating its cost, so a burst cannot do all its checks and only then be refused
    app = create_app(workers=1, max_pending=2, isolate=False)
    registry = app.state.registry
    loads: list[str] = []
    load = registry.load

    def counted(name: str) -> Any:
        loads.append(name)
        time.sleep(0.2)  # a check that takes a while, as loading a long series does
        return load(name)

    registry.load = counted

    async def burst() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            answers = await asyncio.gather(
                *(c.get("/openbb/psy_table", params=FAST["psy_table"]) for _ in range(20))
            )
        return [r.status_code for r in answers]

    statuses = asyncio.run(burst())
    assert statuses.count(429) >= 18
    assert set(statuses) <= {200, 429}
    assert len(loads) <= 2  # before: every request loaded NVDA, then 18 were refused
    assert app.state.jobs.pending == 0
    app.state.jobs.shutdown()


def test_a_full_queue_answers_429_before_any_work(store_home: Path) -> None:
    release = threading.Event()

    def hold(progress: Any = None) -> dict[str, Any]:
        release.wait(30)
        return {}

    app = create_app(workers=1, max_pending=1, isolate=False)
    with TestClient(app, raise_server_exceptions=False) as c:
        app.state.jobs.submit("hold", hold)
        try:
            heavy = c.get("/openbb/psy_chart", params=FAST["psy_chart"])
            light = c.get("/openbb/stress", params=FAST["stress"])  # never enters the queue
        finally:
            release.set()
    assert heavy.status_code == 429
    assert heavy.headers["retry-after"] == "5"
    assert light.status_code == 200


# --- CORS: opt-in, one origin, the backend's paths only, the guard unchanged -----------------


def test_without_the_opt_in_no_origin_may_read_the_backend(store_home: Path) -> None:
    with TestClient(create_app(isolate=False), raise_server_exceptions=False) as c:
        pre = c.options("/openbb/widgets.json", headers=PREFLIGHT)
        got = c.get("/openbb/widgets.json", headers={"Origin": OPENBB_ORIGIN})
    assert "access-control-allow-origin" not in pre.headers
    assert got.status_code == 200  # same-site clients (curl, the dashboard) still read it
    assert "access-control-allow-origin" not in got.headers


def test_the_opt_in_allows_openbb_s_origin_only(client: TestClient) -> None:
    pre = client.options("/openbb/widgets.json", headers=PREFLIGHT)
    assert pre.status_code == 200
    assert pre.headers["access-control-allow-origin"] == OPENBB_ORIGIN
    assert "authorization" in pre.headers["access-control-allow-headers"].lower()
    assert pre.headers["access-control-allow-methods"] == "GET"
    got = client.get("/openbb/widgets.json", headers={"Origin": OPENBB_ORIGIN})
    assert got.status_code == 200
    assert got.headers["access-control-allow-origin"] == OPENBB_ORIGIN

    evil = {**PREFLIGHT, "Origin": "https://evil.example"}
    assert client.options("/openbb/widgets.json", headers=evil).status_code == 400
    other = client.get("/openbb/widgets.json", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers
    post = client.options(
        "/openbb/widgets.json", headers={**PREFLIGHT, "Access-Control-Request-Method": "POST"}
    )
    assert post.status_code == 400  # only GET
    # The rest of the API stays closed to that origin.
    api = client.get("/api/series", headers={"Origin": OPENBB_ORIGIN})
    assert api.status_code == 200
    assert "access-control-allow-origin" not in api.headers


def test_the_opt_in_keeps_the_token_and_host_checks(client: TestClient) -> None:
    bare = client.get(
        "/openbb/widgets.json", headers={"Origin": OPENBB_ORIGIN, "Authorization": ""}
    )
    assert bare.status_code == 401
    assert bare.headers["access-control-allow-origin"] == OPENBB_ORIGIN  # Workspace can show it
    rebound = client.get("/openbb/widgets.json", headers={"Host": "evil.example"})
    assert rebound.status_code == 400
    assert rebound.json()["error"] == "HostNotAllowed"


def test_a_wildcard_origin_is_refused(store_home: Path) -> None:
    with pytest.raises(InputError, match="wildcard"):
        allow_openbb(create_app(isolate=False), ("*",))


def _cli() -> typer.Typer:
    from bubblescope.cli.serve import register

    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """Test root."""

    register(app)
    return app


@pytest.mark.parametrize("opt_in", [False, True])
def test_serve_openbb_adds_exactly_that_origin(
    monkeypatch: pytest.MonkeyPatch, store_home: Path, opt_in: bool
) -> None:
    from bubblescope.web import server

    seen: dict[str, Any] = {}
    monkeypatch.delenv("BUBBLESCOPE_TOKEN", raising=False)
    monkeypatch.setattr(server, "serve", lambda app, host, port, **kw: seen.update(app=app))
    args = ["serve", "--port", "8765", *(["--openbb"] if opt_in else [])]
    result = CliRunner().invoke(_cli(), args)
    assert result.exit_code == 0, result.output
    assert ("http://127.0.0.1:8765/openbb" in result.output) == opt_in
    with TestClient(seen["app"], base_url="http://127.0.0.1:8765") as c:
        pre = c.options("/openbb/widgets.json", headers=PREFLIGHT)
    assert pre.headers.get("access-control-allow-origin") == (OPENBB_ORIGIN if opt_in else None)
