"""FastAPI application factory: JSON API, typed errors, uploads, jobs and the dashboard page.

The app is guarded (:mod:`bubblescope.web.guard`: host allow-list, token, origin check, body
limits counted as bytes arrive, security headers, a JSON 500), analyses are estimated before
they run and refused over the budget (:mod:`bubblescope.web.cost`), and heavy ones wait in a
bounded queue (:mod:`bubblescope.web.jobs`) that answers 429 when full. Light endpoints
(health, lists, facts) never enter that queue. Every error body is ``{"error", "message"}``
(a 422 adds ``detail``: ``loc``, ``msg`` and ``type`` per problem), as the OpenAPI schema says.
There is no Swagger page (it would load its code from a CDN); the schema is at /openapi.json.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import FastAPI, File, Query, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic.json_schema import models_json_schema
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from bubblescope._json import to_jsonable
from bubblescope.errors import (
    BubblescopeError,
    ConvergenceError,
    InputError,
    UnknownSymbolError,
)
from bubblescope.web import analyses as an
from bubblescope.web import scenario as sc
from bubblescope.web.cost import (
    DEFAULT_BUDGET_S,
    check_budget,
    lppls_confidence_cost,
    lppls_fit_cost,
    psy_cost,
    scenario_cost,
    status_preset_cost,
)
from bubblescope.web.generated import add_analysis_routes, json_response
from bubblescope.web.guard import DEFAULT_ALLOWED_HOSTS, DEFAULT_MAX_JSON, Guard, GuardSettings
from bubblescope.web.jobs import JobManager, QueueFullError
from bubblescope.web.openbb import openbb_router
from bubblescope.web.schemas import (
    SERIES_PATTERN,
    DrawdownRequest,
    ErrorBody,
    LPPLSConfidenceRequest,
    LPPLSRequest,
    PSYRequest,
    RunupRequest,
    ScenarioRequest,
    StressRequest,
    ValidationErrorBody,
)
from bubblescope.web.series import SeriesRegistry, window

if TYPE_CHECKING:
    import pandas as pd

    from bubblescope.data.facts import FactBase

__all__ = ["DEFAULT_MAX_UPLOAD", "create_app"]

#: Largest accepted upload, bytes (5 MiB: about 100 years of daily prices as CSV).
DEFAULT_MAX_UPLOAD = 5 * 1024 * 1024

STATIC = Path(__file__).with_name("static")
#: Error statuses every operation may answer, with the body each has.
_ERRORS: dict[str, str] = {
    "400": "bad input, or an analysis over the server's cost budget",
    "401": "the server's token is missing or wrong",
    "403": "a cross-site request that would change state",
    "404": "unknown series, fact or job",
    "413": "request body over the limit",
    "429": "the analysis queue is full",
    "500": "a server bug (no detail is disclosed)",
}


def _status(exc: BubblescopeError) -> int:
    if isinstance(exc, QueueFullError):
        return 429
    if isinstance(exc, UnknownSymbolError):
        return 404
    if isinstance(exc, ConvergenceError):
        return 422
    return 400


def _json(body: bytes) -> Response:
    """An answer of JSON already encoded (by the analysis's process)."""
    return Response(body, media_type="application/json")


def _error_responses(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with each operation's error bodies: ErrorBody (ValidationErrorBody for 422)."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    _, definitions = models_json_schema(
        [(ErrorBody, "serialization"), (ValidationErrorBody, "serialization")],
        ref_template="#/components/schemas/{model}",
    )
    components.update(definitions["$defs"])
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)

    def body(name: str, description: str) -> dict[str, Any]:
        ref = {"$ref": f"#/components/schemas/{name}"}
        return {"description": description, "content": {"application/json": {"schema": ref}}}

    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code, description in _ERRORS.items():
                responses[code] = body("ErrorBody", description)
            responses["422"] = body("ValidationErrorBody", "a request that fails the schema")
    return schema


def create_app(
    *,
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD,
    workers: int = 2,
    max_pending: int = 16,
    budget_s: float = DEFAULT_BUDGET_S,
    token: str | None = None,
    allowed_hosts: tuple[str, ...] = DEFAULT_ALLOWED_HOSTS,
    max_json_bytes: int = DEFAULT_MAX_JSON,
    job_ttl: float = 3600.0,
    isolate: bool = True,
) -> FastAPI:
    """Build the dashboard application.

    Parameters
    ----------
    max_upload_bytes : int
        Uploads larger than this get a 413 (counted as they arrive).
    workers : int
        Analyses running at once (threads of the job queue).
    max_pending : int
        Analyses queued or running at once; one more gets a 429.
    budget_s : float
        Most estimated seconds of one analysis (:mod:`bubblescope.web.cost`); more gets a 400.
    token : str, optional
        Required on every API request (``Authorization: Bearer``, or the cookie that
        ``/?token=`` sets); None: no token (for a server on the loopback only).
    allowed_hosts : tuple of str
        Host names the server answers to (DNS rebinding guard); ``"*"``: any.
    max_json_bytes : int
        Largest body of a request other than an upload, bytes.
    job_ttl : float
        Seconds a finished job's id keeps answering.
    isolate : bool
        Run each queued analysis in a child process, so that it never holds the server's GIL
        and its memory is returned when it ends (:mod:`bubblescope.web.jobs`).

    Returns
    -------
    fastapi.FastAPI
    """
    registry = SeriesRegistry()
    jobs = JobManager(workers=workers, max_pending=max_pending, ttl=job_ttl, isolate=isolate)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        jobs.shutdown()

    app = FastAPI(
        title="bubblescope",
        version="1",
        lifespan=lifespan,
        description="Bubble detection and AI-economy stress tests: a JSON API for "
        "every analysis, and the dashboard at /.",
        docs_url=None,
        redoc_url=None,
    )
    app.state.registry, app.state.jobs = registry, jobs
    app.add_middleware(
        Guard,
        settings=GuardSettings(
            max_upload_bytes=max_upload_bytes,
            max_json_bytes=max_json_bytes,
            token=token,
            allowed_hosts=allowed_hosts,
        ),
    )

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _error_responses(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    description=app.description,
                    routes=app.routes,
                )
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    ok = json_response

    def error(status: int, kind: str, message: str, **extra: Any) -> JSONResponse:
        return JSONResponse({"error": kind, "message": message, **extra}, status_code=status)

    @app.exception_handler(BubblescopeError)
    async def _typed(request: Request, exc: BubblescopeError) -> JSONResponse:
        response = error(_status(exc), type(exc).__name__, str(exc))
        if isinstance(exc, QueueFullError):
            response.headers["Retry-After"] = "5"
        return response

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        response = error(exc.status_code, "HTTPError", str(exc.detail))
        response.headers.update(exc.headers or {})  # Allow on a 405
        return response

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        details = [
            {
                "loc": list(e.get("loc", ())),
                "msg": str(e.get("msg", "")),
                "type": str(e.get("type", "")),
            }
            for e in exc.errors()
        ]
        message = (
            "; ".join(f"{'.'.join(str(p) for p in d['loc'])}: {d['msg']}" for d in details)
            or "invalid request"
        )
        return error(422, "ValidationError", message, detail=details)

    # --- liveness: the first route, so matching it tries no other ----------------------------
    @app.get("/api/health", tags=["meta"])
    async def health() -> dict[str, str]:
        """Liveness check (on the event loop: it never waits for a thread)."""
        return {"status": "ok"}

    # --- pages and static files -----------------------------------------------------------
    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    @app.get("/static/plotly.min.js", include_in_schema=False)
    def plotly_js() -> FileResponse:
        path = resources.files("plotly") / "package_data" / "plotly.min.js"
        return FileResponse(str(path), media_type="text/javascript")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    # --- every analysis of the registry: POST /api/analyses/{name}, GET /api/analyses ------------
    add_analysis_routes(app, registry, jobs, budget_s)
    app.include_router(openbb_router(registry, jobs, budget_s))  # OpenBB Workspace backend

    # --- the answer now ------------------------------------------------------------------------
    @app.get("/api/status", tags=["status"])
    async def status(
        request: Request,
        preset: Annotated[Literal["standard", "quick", "publication"], Query()] = "standard",
    ) -> Response:
        """The status page: every watched series now, next to each signal's record.

        Returns ``status`` (the same JSON as ``bubblescope status --json``), ``html`` (the
        table, market view and synthesis as the report shows them) and ``chart`` (the AI
        basket against the dot-com basket).
        """
        with jobs.admitted():  # a queue place now (429 when full), then the checks
            check_budget(await run_in_threadpool(status_preset_cost, preset), budget_s)
            return _json(await jobs.run("status", request.is_disconnected, an.status_api, preset))

    @app.post("/api/jobs/status", tags=["status"], status_code=202)
    def job_status_page(
        preset: Annotated[Literal["standard", "quick", "publication"], Query()] = "standard",
    ) -> Response:
        """Compute the status page in the background; poll ``GET /api/jobs/{id}``.

        The first run computes the backtest records (under a minute on two cores); later runs
        read them.
        """
        with jobs.admitted():  # a queue place now (429 when full), then the checks
            check_budget(status_preset_cost(preset), budget_s)
            job = jobs.submit("status", an.status_api, preset)
            return ok(job.to_dict(), 202)

    # --- data -------------------------------------------------------------------------------
    @app.get("/api/series", tags=["data"])
    def list_series() -> Response:
        """Every series the API can analyse: shipped, uploaded and stored."""
        return ok({"series": registry.names()})

    @app.get("/api/series/{name}", tags=["data"])
    def get_series(
        name: Annotated[str, PathParam(pattern=SERIES_PATTERN)],
        start: dt.date | None = None,
        end: dt.date | None = None,
    ) -> Response:
        """Summary and price chart of one series."""
        return ok(an.series_api(registry, name, start, end))

    @app.post("/api/upload", tags=["data"], status_code=201)
    async def upload(
        file: Annotated[UploadFile, File(description="CSV of dates and prices")],
    ) -> Response:
        """Upload a CSV price series (at most ``max_upload_bytes``); returns its new name."""
        content = await file.read(max_upload_bytes + 1)  # the guard counted the bytes too
        if len(content) > max_upload_bytes:
            return error(
                413, "UploadTooLarge", f"upload exceeds the limit of {max_upload_bytes:,} bytes"
            )
        if not content.strip():
            return error(400, "InputError", "the uploaded file is empty")
        name, frame = registry.add_upload(content, file.filename or "upload.csv")
        return ok(
            {
                "name": name,
                "n": len(frame),
                "first": frame.index[0],
                "last": frame.index[-1],
                "notes": frame.attrs.get("notes", []),
            },
            201,
        )

    # --- detection --------------------------------------------------------------------------
    def psy_checked(req: PSYRequest) -> pd.DataFrame:
        """The series of ``req``: a 404 now if unknown, a 400 now if the run is over budget."""
        from bubblescope.settings import resample

        frame = registry.load(req.series)
        n = len(resample(window(frame, req.start, req.end), req.frequency))
        check_budget(psy_cost(n, req.lag, req.reps), budget_s)
        return frame

    @app.post("/api/psy", tags=["detect"])
    async def run_psy(req: PSYRequest, request: Request) -> Response:
        """PSY exuberance test (GSADF, BSADF path, critical values, episodes).

        Refused (400) when its estimated cost exceeds the server's budget; runs in the
        analysis queue (429 when full) and stops when the client leaves.
        """
        with jobs.admitted():  # a queue place now (429 when full), then the checks
            frame = await run_in_threadpool(psy_checked, req)
            return _json(await jobs.run("psy", request.is_disconnected, an.psy_on, frame, req))

    def lppls_checked(req: LPPLSRequest) -> pd.DataFrame:
        """The series of ``req``: a 404 now if unknown, a 400 now if the fit is over budget."""
        frame = registry.load(req.series)
        check_budget(lppls_fit_cost(len(window(frame, req.start, req.end))), budget_s)
        return frame

    @app.post("/api/lppls", tags=["detect"])
    async def run_lppls(req: LPPLSRequest, request: Request) -> Response:
        """One LPPLS fit on the date window (in the analysis queue: 429 when full)."""
        with jobs.admitted():  # a queue place now (429 when full), then the checks
            frame = await run_in_threadpool(lppls_checked, req)
            return _json(await jobs.run("lppls", request.is_disconnected, an.lppls_on, frame, req))

    @app.post("/api/runup", tags=["detect"])
    def run_runup(req: RunupRequest) -> Response:
        """Greenwood–Shleifer–You run-ups and crash labels."""
        return ok(an.runup_api(registry, req))

    @app.post("/api/drawdown", tags=["detect"])
    def run_drawdown(req: DrawdownRequest) -> Response:
        """Drawdown curve and the worst episodes."""
        return ok(an.drawdown_api(registry, req))

    # --- background jobs --------------------------------------------------------------------
    @app.post("/api/jobs/psy", tags=["jobs"], status_code=202)
    def job_psy(req: PSYRequest) -> Response:
        """Run PSY in the background; poll ``GET /api/jobs/{id}``."""
        with jobs.admitted():  # a queue place now (429 when full), then the checks
            frame = psy_checked(req)  # not a failed job later
            job = jobs.submit("psy", an.psy_on, frame, req)
            return ok(job.to_dict(), 202)

    @app.post("/api/jobs/lppls-confidence", tags=["jobs"], status_code=202)
    def job_confidence(req: LPPLSConfidenceRequest) -> Response:
        """Run DS LPPLS Confidence in the background; poll ``GET /api/jobs/{id}``."""
        with jobs.admitted():  # a queue place now (429 when full), then the checks
            frame = registry.load(req.series)
            shown = window(frame, req.start, req.end)
            dates = min(an.MAX_CONFIDENCE_DATES, -(-len(shown) // req.every))
            check_budget(
                lppls_confidence_cost(dates, req.max_window, req.min_window, req.step), budget_s
            )
            job = jobs.submit("lppls-confidence", an.lppls_confidence_on, frame, req)
            return ok(job.to_dict(), 202)

    @app.post("/api/jobs/scenario", tags=["jobs"], status_code=202)
    def job_scenario(req: ScenarioRequest) -> Response:
        """Run the scenario Monte Carlo in the background (progress in chunks of paths)."""
        with jobs.admitted():  # a queue place now (429 when full), then the checks
            sc.scenario_spec(req)  # bad preset or override -> 400 now, not a failed job
            check_budget(scenario_cost(req.paths), budget_s)
            job = jobs.submit("scenario", sc.scenario_api, req)
            return ok(job.to_dict(), 202)

    @app.get("/api/jobs/{job_id}", tags=["jobs"])
    def job_status(job_id: str) -> Response:
        """Status, progress (done of total) and, when done, the result of a job."""
        return ok(jobs.get(job_id).to_dict())

    # --- economy and facts ------------------------------------------------------------------
    @functools.cache
    def factbase() -> FactBase:
        from bubblescope.data.facts import load_factbase

        return load_factbase()

    @functools.cache
    def network_payload() -> str:
        from bubblescope.economy.network import analyze_network, load_network

        res = analyze_network(load_network())
        return json.dumps(to_jsonable(an.result_payload(res)), allow_nan=False)

    @app.get("/api/facts", tags=["facts"])
    def facts(
        q: Annotated[str | None, Query(max_length=200)] = None,
        topic: Annotated[str | None, Query(max_length=64)] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
    ) -> Response:
        """Facts of the fact base, optionally searched by text or filtered by topic."""
        fb = factbase()
        rows = fb.search(q) if q else list(fb.facts)
        if topic:
            rows = [f for f in rows if f.topic == topic]
        return ok(
            {
                "total": len(rows),
                "topics": fb.topics(),
                "facts": [f.to_dict() for f in rows[:limit]],
            }
        )

    @app.get("/api/facts/{fact_id}", tags=["facts"])
    def fact(fact_id: str) -> Response:
        """One fact with its source."""
        fb = factbase()
        if fact_id not in fb:
            raise UnknownSymbolError(f"no fact {fact_id!r}", hint="search with GET /api/facts")
        return ok(fb.get(fact_id).to_dict())

    @app.get("/api/network", tags=["economy"])
    def network() -> Response:
        """The financing network: firms, commitments, loops and its chart."""
        return Response(network_payload(), media_type="application/json")

    @app.post("/api/stress", tags=["economy"])
    def run_stress(req: StressRequest) -> Response:
        """Clear one year of obligations after payment shocks (Eisenberg–Noe/Rogers–Veraart)."""
        return ok(an.stress_api(req))

    @app.get("/api/gpu", tags=["economy"])
    def gpu(
        generation: Literal["H100", "A100"] = "H100",
        purchase_time: Annotated[float | None, Query(ge=2015.0, le=2035.0)] = None,
    ) -> Response:
        """Margins by age, payback and economic life of one GPU cohort."""
        from bubblescope.economy.gpu import gpu_economics

        return ok(an.result_payload(gpu_economics(generation, purchase_time=purchase_time)))

    @app.get("/api/power", tags=["economy"])
    def power() -> Response:
        """Data-centre electricity projections against total US demand growth."""
        from bubblescope.economy.power import grid_comparison

        return ok(an.result_payload(grid_comparison()))

    @app.get("/api/gauge/{name}", tags=["economy"])
    def gauge(name: Annotated[str, PathParam(pattern=SERIES_PATTERN)]) -> Response:
        """Composite bubble gauge of one series from its price and volume proxies."""
        from bubblescope.gauge import STOCK_MIN_HISTORY, bubble_gauge, stock_proxies

        res = bubble_gauge(
            stock_proxies(registry.load(name), name=name), min_history=STOCK_MIN_HISTORY
        )
        if res.aggregate.dropna().empty:
            raise InputError(
                f"{name} is too short for a gauge reading",
                hint=f"each proxy needs {STOCK_MIN_HISTORY} months of history",
            )
        return ok(an.result_payload(res))

    @functools.cache
    def scenario_presets() -> str:
        return json.dumps(to_jsonable(sc.preset_catalogue()), allow_nan=False)

    @app.get("/api/scenario/presets", tags=["scenario"])
    def presets() -> Response:
        """Scenario presets: every parameter's value, unit, admissible range and source."""
        return Response(scenario_presets(), media_type="application/json")

    @app.post("/api/scenario", tags=["scenario"])
    async def run_scenario(req: ScenarioRequest, request: Request) -> Response:
        """Scenario Monte Carlo of the AI capex system for a preset with overrides.

        At most 20,000 paths; for progress, submit the same body to ``POST /api/jobs/scenario``.
        Runs in the analysis queue (429 when full) and stops when the client leaves.
        """
        with jobs.admitted():  # a queue place now (429 when full), then the checks
            await run_in_threadpool(sc.scenario_spec, req)  # bad preset or override -> 400 now
            check_budget(scenario_cost(req.paths), budget_s)
            return _json(await jobs.run("scenario", request.is_disconnected, sc.scenario_api, req))

    @app.get("/api/depreciation", tags=["economy"])
    def depreciation(
        economic_life: Annotated[float | None, Query(gt=0.5, le=30.0)] = None,
    ) -> Response:
        """Burry's depreciation case, at the implied or a chosen economic life (years)."""
        from bubblescope.economy.depreciation import burry_case

        return ok(an.result_payload(burry_case(economic_life)))

    return app
