"""The API generated from the registry: an endpoint per analysis, its request model per settings.

For every entry of :data:`bubblescope.analyses.registry.REGISTRY`,
:func:`add_analysis_routes` adds ``POST /api/analyses/{name}``, whose body is
:func:`request_model`'s pydantic model: the settings dataclass's fields with their types,
bounds and help, defaulting to the standard preset, plus ``preset`` (a field left out takes the
named preset's value) and, for an analysis of a series, ``series``, ``start`` and ``end``.
Unknown fields are refused (422). The answer is :func:`~bubblescope.web.analyses.result_payload`
of the result, with the settings used and, for a series, the data it read. A slow analysis is
also offered as a background job (``POST /api/analyses/{name}/job``) and tagged ``slow``.
``GET /api/analyses`` lists the registry: names, help, presets and request schemas.

Before an analysis runs, its cost is estimated from its settings and data
(:func:`~bubblescope.web.cost.settings_cost`) and refused above the server's budget; a slow
analysis, or one whose cost grows with its settings, runs in the job queue
(:class:`~bubblescope.web.jobs.JobManager`), so it waits its turn, is refused when the queue is
full and is cancelled when its client leaves. The others run on the request threads.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import json
from collections.abc import Callable
from enum import Enum
from typing import Any, Literal, cast

from fastapi import FastAPI, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, create_model
from starlette.concurrency import run_in_threadpool

from bubblescope._json import to_jsonable
from bubblescope._typing import ProgressCallback
from bubblescope.analyses.base import PRESET_NAMES, Analysis
from bubblescope.analyses.registry import REGISTRY
from bubblescope.data.catalog import data_info
from bubblescope.web.analyses import result_payload
from bubblescope.web.cost import DEFAULT_BUDGET_S, check_budget, has_estimate, settings_cost
from bubblescope.web.jobs import JobManager
from bubblescope.web.schemas import SERIES_PATTERN
from bubblescope.web.series import SeriesRegistry, window_frame

__all__ = [
    "Prepared",
    "add_analysis_routes",
    "json_response",
    "listing",
    "prepare_request",
    "request_model",
    "run_named",
    "run_prepared",
    "run_request",
]

_BOUNDS = ("ge", "gt", "le", "lt", "min_length", "max_length")


def json_response(payload: Any, status: int = 200) -> Response:
    """``payload`` as strict JSON (numpy and pandas values converted, no NaN)."""
    body = json.dumps(to_jsonable(payload), allow_nan=False)
    return Response(body, status_code=status, media_type="application/json")


def _model_name(name: str) -> str:
    return "".join(part.capitalize() for part in name.replace("_", "-").split("-")) + "Request"


def request_model(entry: Analysis[Any]) -> type[BaseModel]:
    """The request body of ``entry``'s endpoint (see the module notes)."""
    fields: dict[str, Any] = {}
    if entry.needs_series:
        fields["series"] = (
            str,
            Field(
                "NASDAQ",
                pattern=SERIES_PATTERN,
                description="shipped series (ticker, NASDAQ, SP500), upload name or stored symbol",
            ),
        )
        fields["start"] = (dt.date | None, Field(None, description="first date (inclusive)"))
        fields["end"] = (dt.date | None, Field(None, description="last date (inclusive)"))
    fields["preset"] = (
        Literal["standard", "quick", "publication"],
        Field("standard", description="the preset whose values fill the fields left out"),
    )
    defaults = entry.defaults("standard")
    for f in entry.fields():
        bounds: dict[str, Any] = {k: v for k, v in f.bounds.items() if k in _BOUNDS}
        fields[f.name] = (f.annotation, Field(defaults[f.name], description=f.help, **bounds))
    model: type[BaseModel] = create_model(
        _model_name(entry.name),
        __config__=ConfigDict(extra="forbid"),
        __doc__=f"Settings of {entry.title} (defaults: the standard preset).",
        **fields,
    )
    return model


@dataclasses.dataclass(frozen=True)
class Prepared:
    """A request made ready to run: its settings and, for an analysis of a series, its data."""

    entry: Analysis[Any]
    settings: Any
    frame: Any
    extra: dict[str, Any]


def prepare_request(entry: Analysis[Any], req: BaseModel, series: SeriesRegistry) -> Prepared:
    """``entry``'s settings from a request, and its series' window where it needs one."""
    names = {f.name for f in entry.fields()}
    values = {k: getattr(req, k) for k in req.model_fields_set if k in names}
    settings = entry.configure(getattr(req, "preset", "standard"), values)
    extra: dict[str, Any] = {}
    frame = None
    if entry.needs_series:
        name = str(getattr(req, "series", ""))
        frame = window_frame(
            series.load(name), getattr(req, "start", None), getattr(req, "end", None)
        )
        frame.attrs = {**frame.attrs, "symbol": name}
        extra["data"] = data_info(frame)
    return Prepared(entry, settings, frame, extra)


def run_prepared(prepared: Prepared) -> dict[str, Any]:
    """Run a prepared request; the result's payload with the settings used."""
    result = prepared.entry.run(prepared.frame, prepared.settings)
    return result_payload(result, settings=dataclasses.asdict(prepared.settings), **prepared.extra)


def run_named(
    name: str,
    settings: Any,
    frame: Any,
    extra: dict[str, Any],
    progress: ProgressCallback | None = None,
) -> dict[str, Any]:
    """:func:`run_prepared` from plain data (what an analysis process is handed).

    ``progress`` is accepted for the job queue; the registry's run functions report none.
    """
    from bubblescope.analyses.registry import get

    return run_prepared(Prepared(get(name), settings, frame, extra))


def run_request(entry: Analysis[Any], req: BaseModel, series: SeriesRegistry) -> dict[str, Any]:
    """Run ``entry`` on a request: its settings, and its series' window where it needs one."""
    return run_prepared(prepare_request(entry, req, series))


def listing() -> dict[str, Any]:
    """Every analysis of the registry: name, title, help, presets and request schema."""
    return {
        "analyses": [
            {
                "name": entry.name,
                "title": entry.title,
                "help": entry.help,
                "group": entry.group,
                "needs_series": entry.needs_series,
                "slow": entry.slow,
                "in_report": entry.report is not None,
                "endpoint": f"/api/analyses/{entry.name}",
                "presets": {name: entry.defaults(name) for name in PRESET_NAMES},
                "schema": request_model(entry).model_json_schema(),
            }
            for entry in REGISTRY
        ]
    }


def _endpoint(
    model: type[BaseModel], call: Callable[..., Any], doc: str, *, is_async: bool
) -> Callable[..., Any]:
    """A FastAPI handler of ``(req: model, request: Request)`` (built, not written by hand)."""
    if is_async:

        async def endpoint(req: BaseModel, request: Request) -> Response:
            return cast(Response, await call(req, request))

    else:

        def endpoint(req: BaseModel, request: Request) -> Response:  # type: ignore[misc]
            return cast(Response, call(req, request))

    endpoint.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter("req", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=model),
            inspect.Parameter(
                "request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request
            ),
        ],
        return_annotation=Response,
    )
    endpoint.__doc__ = doc
    return endpoint


def add_analysis_routes(
    app: FastAPI,
    series: SeriesRegistry,
    jobs: JobManager,
    budget_s: float = DEFAULT_BUDGET_S,
) -> None:
    """Add ``GET /api/analyses`` and an endpoint (and job) for every entry of the registry.

    ``budget_s`` is the most seconds of estimated cost one analysis may have.
    """

    @app.get("/api/analyses", tags=["analyses"])
    def analyses() -> Response:
        """Every analysis: name, title, help, presets and the schema of its request."""
        return json_response(listing())

    def checked(entry: Analysis[Any], req: BaseModel) -> Prepared:
        """The prepared request, refused over budget."""
        prepared = prepare_request(entry, req, series)
        check_budget(settings_cost(prepared.settings, prepared.frame), budget_s)
        return prepared

    for entry in REGISTRY:
        model = request_model(entry)
        tags: list[str | Enum] = ["analyses", entry.group, *(["slow"] if entry.slow else [])]

        heavy = entry.slow or has_estimate(entry.settings)

        async def run(
            req: BaseModel, request: Request, entry: Analysis[Any] = entry, heavy: bool = heavy
        ) -> Response:
            if not heavy:
                payload = await run_in_threadpool(run_request, entry, req, series)
                return json_response(payload)
            with jobs.admitted():  # a queue place now (429 when full), then the checks
                prepared = await run_in_threadpool(checked, entry, req)
                body = await jobs.run(
                    entry.name,
                    request.is_disconnected,
                    run_named,
                    entry.name,
                    prepared.settings,
                    prepared.frame,
                    prepared.extra,
                )
                return Response(body, media_type="application/json")

        app.add_api_route(
            f"/api/analyses/{entry.name}",
            _endpoint(model, run, entry.help, is_async=True),
            methods=["POST"],
            tags=tags,
            summary=entry.title,
            name=f"analysis-{entry.name}",
        )
        if entry.slow:

            def submit(req: BaseModel, _: Request, entry: Analysis[Any] = entry) -> Response:
                with jobs.admitted():  # a queue place now (429 when full), then the checks
                    prepared = checked(entry, req)  # unknown series, over budget: now
                    job = jobs.submit(
                        entry.name,
                        run_named,
                        entry.name,
                        prepared.settings,
                        prepared.frame,
                        prepared.extra,
                    )
                    return json_response(job.to_dict(), 202)

            app.add_api_route(
                f"/api/analyses/{entry.name}/job",
                _endpoint(
                    model,
                    submit,
                    f"{entry.help} In the background: poll GET /api/jobs/{{id}}.",
                    is_async=False,
                ),
                methods=["POST"],
                tags=[*tags, "jobs"],
                summary=f"{entry.title} (background job)",
                status_code=202,
                name=f"analysis-job-{entry.name}",
            )
