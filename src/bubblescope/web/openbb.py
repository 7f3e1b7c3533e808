"""OpenBB Workspace backend: the widgets manifest, an app laying them out, and their data.

OpenBB Workspace (https://pro.openbb.co) reads a custom backend's ``widgets.json`` (a widget
per key: name, description, category, type, endpoint, grid size and query parameters), its
optional ``apps.json`` (dashboards laying those widgets out in tabs) and then calls each
widget's endpoint, relative to the backend's URL, with the widget's parameters as a query
string. A ``table`` widget expects a JSON array of flat objects, a ``chart`` widget a plotly
figure (``{"data": [...], "layout": {...}}``).

:func:`openbb_router` serves all of it under ``/openbb/``: add ``http://127.0.0.1:8000/openbb``
as a backend in Workspace. Every widget is a view of one entry of the analysis registry
(:mod:`bubblescope.analyses.registry`): its parameters set the entry's settings (checked by
:meth:`~bubblescope.analyses.base.Analysis.configure`, so a bad value is a typed 400 naming
it), the run is estimated and refused over the server's budget, heavy runs wait in the
server's bounded analysis queue, and the answer is the result's ``to_frame()`` as rows or its
``chart_spec()`` as a plotly figure. Nothing is computed here.

Workspace calls the backend from the browser, at its own origin, so the browser needs CORS
headers naming that origin. They are opt-in: :func:`allow_openbb` (``bubblescope serve
--openbb``) adds them for :data:`OPENBB_ORIGIN` only, on ``/openbb/`` paths only, for GET.
Everything else of the server's guard stays: the host allow-list, the token (set it in
Workspace as the custom header ``Authorization: Bearer <token>``) and the refusal of
cross-site requests that change state.

References
----------
- OpenBB, "Widgets.json reference",
  https://docs.openbb.co/workspace/developers/json-specs/widgets-json-reference
- OpenBB, "apps.json reference", https://docs.openbb.co/workspace/apps-json-reference
- OpenBB, "Data integration" (custom backends, CORS for OpenBB domains),
  https://docs.openbb.co/workspace/developers/data-integration
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from bubblescope._json import to_jsonable
from bubblescope._typing import ProgressCallback
from bubblescope.analyses.base import PRESET_NAMES, coerce
from bubblescope.analyses.registry import get
from bubblescope.errors import InputError
from bubblescope.web.cost import DEFAULT_BUDGET_S, check_budget, has_estimate, settings_cost
from bubblescope.web.jobs import JobManager
from bubblescope.web.schemas import SERIES_PATTERN
from bubblescope.web.series import SeriesRegistry

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = [
    "OPENBB_ORIGIN",
    "PREFIX",
    "WIDGETS",
    "Param",
    "Widget",
    "allow_openbb",
    "apps_manifest",
    "openbb_router",
    "widget_data",
    "widgets_manifest",
]

#: The origin OpenBB Workspace's web app calls backends from (data integration guide).
OPENBB_ORIGIN = "https://pro.openbb.co"
#: Where the backend is served: the URL to add in Workspace is the server's address plus this.
PREFIX = "/openbb"
#: Width of Workspace's grid, in grid units (widgets.json reference).
GRID_COLUMNS = 40
#: The series a ticker parameter starts on.
DEFAULT_TICKER = "NVDA"


@dataclass(frozen=True)
class Param:
    """One query parameter of a widget and the setting it fills.

    Attributes
    ----------
    name : str
        ``paramName`` in the manifest and the query string.
    target : str
        The registry entry's setting it sets; ``"series"`` (the price series analysed) or
        ``"preset"`` (the run preset whose values fill the rest).
    label : str
    description : str
    kind : {"text", "number"}
        The manifest's parameter ``type``.
    choices : {"series", "presets", "scenarios"} or None
        Where a dropdown's options come from.
    """

    name: str
    target: str
    label: str
    description: str
    kind: Literal["text", "number"] = "text"
    choices: Literal["series", "presets", "scenarios"] | None = None


@dataclass(frozen=True)
class Widget:
    """One widget: a view (table or chart) of one registry analysis.

    Attributes
    ----------
    key : str
        Its id in ``widgets.json`` and its endpoint under :data:`PREFIX`.
    analysis : str
        The registry entry it runs.
    view : {"table", "chart"}
        ``table``: the result's ``to_frame()`` as rows; ``chart``: its ``chart_spec()`` as a
        plotly figure.
    name, description : str
    params : tuple of Param
    size : tuple of int
        Width and height in grid units.
    columns : tuple of (field, header, cell type)
        Column definitions of a table (empty: Workspace infers them from the rows).
    """

    key: str
    analysis: str
    view: Literal["table", "chart"]
    name: str
    description: str
    params: tuple[Param, ...] = ()
    size: tuple[int, int] = (20, 12)
    columns: tuple[tuple[str, str, str], ...] = ()


_TICKER = Param(
    "ticker",
    "series",
    "Ticker",
    "Shipped series (ticker, NASDAQ, SP500) or stored",
    choices="series",
)
_PRESET = Param(
    "preset", "preset", "Preset", "Run preset filling every other setting", choices="presets"
)

#: The widgets, in the order of the manifest.
WIDGETS: tuple[Widget, ...] = (
    Widget(
        "status",
        "status",
        "table",
        "Bubble status now",
        "Every watched series read now (PSY, LPPLS, run-up, crash odds, drawdown, valuation), "
        "each reading's light and the signal's backtest record.",
        (Param("preset", "run", "Preset", "Run preset of the readings", choices="presets"),),
        size=(40, 14),
        columns=(
            ("series", "Series", "text"),
            ("signal", "Signal", "text"),
            ("value", "Value", "number"),
            ("light", "Light", "text"),
            ("since", "Since", "date"),
            ("text", "Reading", "text"),
            ("record", "Record", "text"),
            ("last_date", "Last date", "date"),
        ),
    ),
    Widget(
        "psy_chart",
        "psy",
        "chart",
        "PSY exuberance test",
        "Phillips-Shi-Yu GSADF test: the BSADF path against its family-wise critical value and "
        "the date-stamped explosive episodes of a series.",
        (
            _TICKER,
            _PRESET,
            Param("reps", "reps", "Replications", "Monte Carlo replications", "number"),
        ),
    ),
    Widget(
        "psy_table",
        "psy",
        "table",
        "PSY exuberance test (table)",
        "The PSY test's series by date: the tested series, BADF and BSADF with their critical "
        "values, and whether the date is in an explosive episode.",
        (
            _TICKER,
            _PRESET,
            Param("reps", "reps", "Replications", "Monte Carlo replications", "number"),
        ),
        columns=(
            ("date", "Date", "date"),
            ("y", "Series tested", "number"),
            ("badf", "BADF", "number"),
            ("bsadf", "BSADF", "number"),
            ("badf_cv", "BADF critical value", "number"),
            ("bsadf_cv", "BSADF critical value", "number"),
            ("threshold", "Threshold", "number"),
            ("episode", "Episode", "boolean"),
        ),
    ),
    Widget(
        "lppls_confidence",
        "lppls-confidence",
        "chart",
        "LPPLS Confidence",
        "DS LPPLS Confidence: the share of nested windows whose log-periodic power law fit "
        "qualifies as a positive or negative bubble, at every n-th of the last trading days.",
        (
            _TICKER,
            Param("dates", "dates", "Dates", "Most dates, the latest ones", "number"),
            Param("every", "every", "Every", "Every n-th trading day", "number"),
        ),
    ),
    Widget(
        "stress",
        "stress",
        "table",
        "Network stress test",
        "One year of the AI financing network's obligations cleared after payment shocks "
        "(Eisenberg-Noe / Rogers-Veraart): what each firm is due, pays and loses.",
        (
            Param(
                "shock",
                "shocks",
                "Shocks",
                "FIRM=FRACTION: the firm pays that fraction of its obligations (comma-separated)",
            ),
        ),
    ),
    Widget(
        "stress_chart",
        "stress",
        "chart",
        "Network stress test (chart)",
        "Who falls after the payment shocks: each firm's receipts due against those received, "
        "and its equity loss, in the cleared financing network.",
        (
            Param(
                "shock",
                "shocks",
                "Shocks",
                "FIRM=FRACTION: the firm pays that fraction of its obligations (comma-separated)",
            ),
        ),
    ),
    Widget(
        "scenario",
        "scenario",
        "chart",
        "Scenario Monte Carlo",
        "Monte Carlo of the AI capex system for a scenario preset: capex against funding and "
        "power, AI revenue against the path prices imply, and the bust odds.",
        (
            Param("preset", "scenario", "Scenario", "Scenario preset", choices="scenarios"),
            Param("paths", "paths", "Paths", "Monte Carlo paths", "number"),
        ),
        size=(40, 30),  # five stacked panels
    ),
    Widget(
        "scenario_table",
        "scenario",
        "table",
        "Scenario Monte Carlo (table)",
        "The scenario's medians and quantiles by year: capex, funding, AI revenue, the revenue "
        "gap, the market index and the cumulative bust share.",
        (
            Param("preset", "scenario", "Scenario", "Scenario preset", choices="scenarios"),
            Param("paths", "paths", "Paths", "Monte Carlo paths", "number"),
        ),
        size=(40, 12),
    ),
)
_BY_KEY = {w.key: w for w in WIDGETS}


def _options(choices: str | None, series: SeriesRegistry) -> list[dict[str, str]]:
    if choices == "series":
        names = [s["name"] for s in series.names()]
    elif choices == "presets":
        names = list(PRESET_NAMES)
    elif choices == "scenarios":
        from bubblescope.scenario import list_presets

        names = list_presets()
    else:
        return []
    return [{"label": n, "value": n} for n in names]


def _default(widget: Widget, param: Param) -> Any:
    if param.target == "series":
        return DEFAULT_TICKER
    if param.target == "preset":
        return "standard"
    value = get(widget.analysis).defaults("standard")[param.target]
    return ",".join(map(str, value)) if isinstance(value, list) else value


def widgets_manifest(series: SeriesRegistry) -> dict[str, dict[str, Any]]:
    """``widgets.json``: each of :data:`WIDGETS` by key, in the widgets.json reference's fields."""
    out: dict[str, dict[str, Any]] = {}
    for w in WIDGETS:
        entry = get(w.analysis)
        params = []
        for p in w.params:
            param: dict[str, Any] = {
                "paramName": p.name,
                "value": _default(w, p),
                "label": p.label,
                "description": p.description,
                "type": p.kind,
            }
            if p.choices:
                param["options"] = _options(p.choices, series)
            params.append(param)
        spec: dict[str, Any] = {
            "name": w.name,
            "description": w.description,
            "category": "bubblescope",
            "subCategory": entry.group,
            "type": w.view,
            "endpoint": w.key,
            "gridData": {"w": w.size[0], "h": w.size[1]},
            "params": params,
            "runButton": entry.slow or has_estimate(entry.settings),
        }
        if w.columns:
            spec["data"] = {
                "table": {
                    "showAll": True,
                    "columnsDefs": [
                        {"field": f, "headerName": h, "cellDataType": t} for f, h, t in w.columns
                    ],
                }
            }
        out[w.key] = spec
    return out


def apps_manifest() -> list[dict[str, Any]]:
    """``apps.json``: one app, a tab per theme, its widgets laid out row by row."""
    tabs = {
        "now": ("Now", ("status",)),
        "detect": ("Bubble tests", ("psy_chart", "lppls_confidence", "psy_table")),
        "economy": ("AI economy", ("stress_chart", "stress", "scenario", "scenario_table")),
    }
    out: dict[str, Any] = {}
    for tab_id, (title, keys) in tabs.items():
        layout, x, y, row_h = [], 0, 0, 0
        for key in keys:
            w, h = _BY_KEY[key].size
            if x + w > GRID_COLUMNS:
                x, y, row_h = 0, y + row_h, 0
            layout.append({"i": key, "x": x, "y": y, "w": w, "h": h})
            x, row_h = x + w, max(row_h, h)
        out[tab_id] = {"id": tab_id, "name": title, "layout": layout}
    return [
        {
            "name": "bubblescope",
            "description": "Is the AI boom a bubble? The status of every watched series, the "
            "PSY and LPPLS tests of one series, and stress tests of the AI economy.",
            "allowCustomization": True,
            "tabs": out,
            "groups": [],
            "prompts": [
                "Which watched series show an explosive episode now?",
                "Who defaults if OpenAI pays half of its obligations?",
            ],
        }
    ]


def widget_data(
    name: str,
    settings: Any,
    frame: Any,
    view: str,
    progress: ProgressCallback | None = None,
) -> dict[str, Any]:
    """Run registry entry ``name``: ``{"rows": to_frame() rows}`` or ``{"figure": plotly}``.

    Module-level and on plain data so the job queue can run it in a child process;
    ``progress`` is accepted for the queue (the registry's run functions report none).
    """
    from bubblescope.charts import to_plotly

    result = get(name).run(frame, settings)
    if view == "table":
        return {"rows": to_jsonable(result.to_frame())}
    return {"figure": to_plotly(result.chart_spec())}


def _openapi_param(param: Param) -> dict[str, Any]:
    """A widget parameter as an OpenAPI query parameter (optional: the manifest has defaults)."""
    return {
        "name": param.name,
        "in": "query",
        "required": False,
        "description": param.description,
        "schema": {"type": "number" if param.kind == "number" else "string"},
    }


def _whole(text: str) -> str:
    """``text`` without a zero fraction (a number box may send ``50.0`` for 50)."""
    try:
        value = float(text)
    except ValueError:
        return text
    return str(int(value)) if value.is_integer() else text


def _query(widget: Widget, request: Request) -> tuple[str, str | None, dict[str, Any]]:
    """The run preset, the series and the settings a widget's query string asks for."""
    entry = get(widget.analysis)
    annotations = {f.name: f.annotation for f in entry.fields()}
    preset, ticker, values = "standard", None, {}
    for p in widget.params:
        text = request.query_params.get(p.name)
        if text is None or text == "":
            continue
        if p.target == "preset":
            preset = text
        elif p.target == "series":
            if not re.fullmatch(SERIES_PATTERN, text):
                raise InputError(f"{p.name}: {text[:100]!r} is not a series name")
            ticker = text
        else:
            if p.kind == "number":
                text = _whole(text)
            try:
                values[p.target] = coerce(text, annotations[p.target])
            except InputError as exc:
                raise InputError(f"{p.name}: {exc}") from None
    if entry.needs_series and ticker is None:
        ticker = DEFAULT_TICKER
    return preset, ticker, values


def openbb_router(
    series: SeriesRegistry, jobs: JobManager, budget_s: float = DEFAULT_BUDGET_S
) -> APIRouter:
    """The backend's routes: manifests and one GET endpoint per widget, under :data:`PREFIX`.

    Parameters
    ----------
    series : SeriesRegistry
        The server's series (shipped, stored and uploaded).
    jobs : JobManager
        The server's analysis queue; heavy runs wait in it (429 when full) and stop when the
        client leaves.
    budget_s : float
        Most estimated seconds of one run (:mod:`bubblescope.web.cost`); more is a 400.
    """
    router = APIRouter(prefix=PREFIX, tags=["openbb"])

    def json_body(payload: Any) -> Response:
        body = json.dumps(to_jsonable(payload), allow_nan=False)
        return Response(body, media_type="application/json")

    @router.get("/widgets.json")
    def widgets() -> Response:
        """The widgets manifest OpenBB Workspace reads."""
        return json_body(widgets_manifest(series))

    @router.get("/apps.json")
    def apps() -> Response:
        """The app laying the widgets out."""
        return json_body(apps_manifest())

    def prepared(widget: Widget, request: Request) -> tuple[Any, Any]:
        """Settings and data of a widget's request: a 400 or 404 now, and over budget."""
        from bubblescope.web.series import window_frame

        preset, ticker, values = _query(widget, request)
        entry = get(widget.analysis)
        settings = entry.configure(preset, values)
        frame = None
        if ticker is not None:
            frame = window_frame(series.load(ticker), None, None)
            frame.attrs = {**frame.attrs, "symbol": ticker}
        check_budget(settings_cost(settings, frame), budget_s)
        return settings, frame

    def add(widget: Widget) -> None:
        entry = get(widget.analysis)
        heavy = entry.slow or has_estimate(entry.settings)

        async def endpoint(request: Request) -> Response:
            if heavy:
                with jobs.admitted():  # a queue place now (429 when full), then the checks
                    settings, frame = await run_in_threadpool(prepared, widget, request)
                    args = (widget.analysis, settings, frame, widget.view)
                    body = await jobs.run(
                        widget.analysis, request.is_disconnected, widget_data, *args
                    )
                payload = json.loads(body)
            else:
                settings, frame = await run_in_threadpool(prepared, widget, request)
                args = (widget.analysis, settings, frame, widget.view)
                payload = await run_in_threadpool(widget_data, *args)
            return json_body(payload["rows"] if widget.view == "table" else payload["figure"])

        endpoint.__doc__ = widget.description
        router.add_api_route(
            f"/{widget.key}",
            endpoint,
            methods=["GET"],
            tags=["slow"] if heavy else None,
            summary=widget.name,
            name=f"openbb-{widget.key}",
            openapi_extra={"parameters": [_openapi_param(p) for p in widget.params]},
        )

    for widget in WIDGETS:
        add(widget)
    return router


def allow_openbb(app: FastAPI, origins: tuple[str, ...] = (OPENBB_ORIGIN,)) -> None:
    """Let ``origins`` read the ``/openbb/`` routes from a browser (CORS, GET only).

    Call before the app serves. Preflight requests (which carry no token) are answered here;
    every other request still passes the server's guard: host, token and origin checks.
    Other paths get no CORS headers, so a page at ``origins`` cannot read the rest of the API.
    """
    if "*" in origins or not origins:
        raise InputError("give the exact origins to allow; a wildcard is refused")
    app.add_middleware(_OpenBBCors, origins=origins)


class _OpenBBCors:
    """CORS for :data:`PREFIX` paths only (starlette's middleware), the app unchanged elsewhere."""

    def __init__(self, app: Any, origins: tuple[str, ...]) -> None:
        from starlette.middleware.cors import CORSMiddleware

        self.app = app
        self.cors = CORSMiddleware(
            app,
            allow_origins=list(origins),
            allow_methods=["GET"],
            allow_headers=["authorization"],
            allow_private_network=True,
            max_age=600,
        )

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and str(scope["path"]).startswith(f"{PREFIX}/"):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)
