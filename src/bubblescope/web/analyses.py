"""The API's analyses: call an engine, return its ``to_dict()`` plus a plotly figure.

Every chart is the result's own :meth:`~bubblescope.result.Result.chart_spec`, the one the
report draws too, so the dashboard and the report show the same picture of the same result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bubblescope._typing import ProgressCallback
from bubblescope.charts import ChartSpec, price_panel, to_plotly
from bubblescope.data.catalog import data_info
from bubblescope.errors import InputError
from bubblescope.web.schemas import (
    DrawdownRequest,
    LPPLSConfidenceRequest,
    LPPLSRequest,
    PSYRequest,
    RunupRequest,
    StressRequest,
)
from bubblescope.web.series import SeriesRegistry, window

if TYPE_CHECKING:
    from bubblescope.result import Result

__all__ = [
    "MAX_CONFIDENCE_DATES",
    "MAX_PSY_POINTS",
    "drawdown_api",
    "lppls_api",
    "lppls_confidence_api",
    "lppls_confidence_on",
    "lppls_on",
    "psy_api",
    "psy_on",
    "result_payload",
    "runup_api",
    "series_api",
    "status_api",
    "stress_api",
]

#: PSY costs O(T²) per replication: longer series must be resampled first.
MAX_PSY_POINTS = 2000
#: Most LPPLS Confidence dates per request: the latest ones, counted back from the window's end.
MAX_CONFIDENCE_DATES = 200


def result_payload(res: Result, chart: ChartSpec | None = None, **extra: Any) -> dict[str, Any]:
    """What an analysis returns: the result's JSON and summary, its chart for plotly.js, ``extra``.

    ``chart`` is the result's ``chart_spec()`` unless one is given (the same spec with the
    request's title or source).
    """
    return {
        "result": res.to_dict(),
        "summary": res.summary(),
        "chart": to_plotly(res.chart_spec() if chart is None else chart),
        **extra,
    }


def status_api(preset: str, progress: ProgressCallback | None = None) -> dict[str, Any]:
    """The status page: its JSON, the HTML table the report shows, the aligned-basket chart."""
    from bubblescope.settings import RunSettings
    from bubblescope.status import run_status, status_table_html

    result = run_status(RunSettings.preset(preset), progress=progress)
    data = result.to_dict()
    return {
        "status": data,
        "html": status_table_html(data),
        "chart": to_plotly(result.chart_spec()),
    }


def series_api(
    reg: SeriesRegistry, name: str, start: Any = None, end: Any = None
) -> dict[str, Any]:
    """Summary and price chart of a series."""
    close = window(reg.load(name), start, end)
    spec = ChartSpec(name, (price_panel(close, name),), source=name)
    return {
        "name": name,
        "n": len(close),
        "first": str(close.index[0].date()),
        "last": str(close.index[-1].date()),
        "last_close": float(close.iloc[-1]),
        "chart": to_plotly(spec),
        "data": data_info(close),
    }


def psy_api(
    reg: SeriesRegistry, req: PSYRequest, progress: ProgressCallback | None = None
) -> dict[str, Any]:
    """PSY on log prices or levels, with the report's chart."""
    from bubblescope.data.validate import require_positive
    from bubblescope.detect.critical_values import MonteCarloCV
    from bubblescope.detect.exuberance import psy
    from bubblescope.settings import RunSettings, resample

    seed = RunSettings.preset("standard").psy.seed
    daily = window(reg.load(req.series), req.start, req.end)
    if req.transform == "log":  # every day: sampling would drop a bad close inside a period
        require_positive(daily.rename(req.series), "PSY on log prices needs positive prices")
    close = resample(daily, req.frequency)
    if len(close) > MAX_PSY_POINTS:
        raise InputError(
            f"{len(close)} observations is too many for PSY here (at most {MAX_PSY_POINTS})",
            hint="choose weekly or monthly frequency or a shorter date window",
        )
    y = np.log(close) if req.transform == "log" else close
    if progress is not None:
        progress(0, 1)
    res = psy(
        y,
        lag=req.lag,
        cv=MonteCarloCV(reps=req.reps, rng=seed, progress=progress),
        level=req.level,
        name=f"{req.transform} {req.series}",
    )
    if progress is not None:
        progress(1, 1)
    title = f"{req.series}: PSY on {'log prices' if req.transform == 'log' else 'levels'}"
    return result_payload(
        res, res.chart_spec(title=title, source=req.series), data=data_info(close)
    )


def psy_on(
    frame: pd.DataFrame, req: PSYRequest, progress: ProgressCallback | None = None
) -> dict[str, Any]:
    """:func:`psy_api` on ``frame`` (the series ``req`` names, loaded by the caller)."""
    return psy_api(SeriesRegistry.pinned(req.series, frame), req, progress)


def lppls_api(reg: SeriesRegistry, req: LPPLSRequest) -> dict[str, Any]:
    """One LPPLS fit with the price and fitted path."""
    from bubblescope.analyses.engines import LPPLSFitSettings
    from bubblescope.detect.lppls import lppls_fit

    close = window(reg.load(req.series), req.start, req.end)
    fit = lppls_fit(close, rng=LPPLSFitSettings.preset("standard").seed)
    return result_payload(
        fit, fit.chart_spec(name=req.series, source=req.series), data=data_info(close)
    )


def lppls_on(
    frame: pd.DataFrame, req: LPPLSRequest, progress: ProgressCallback | None = None
) -> dict[str, Any]:
    """:func:`lppls_api` on ``frame`` (loaded by the caller; a fit reports no progress)."""
    return lppls_api(SeriesRegistry.pinned(req.series, frame), req)


def lppls_confidence_api(
    reg: SeriesRegistry, req: LPPLSConfidenceRequest, progress: ProgressCallback | None = None
) -> dict[str, Any]:
    """DS LPPLS Confidence at every ``every``-th date of the window, counted back from its end.

    At most :data:`MAX_CONFIDENCE_DATES` dates: the most recent ones, so a long window still
    reaches its last date.
    """
    from bubblescope.detect.lppls import WindowSet, lppls_confidence

    if req.min_window > req.max_window:
        raise InputError(f"min_window ({req.min_window}) exceeds max_window ({req.max_window})")
    full = reg.load(req.series)["close"].astype("float64")
    shown = window(reg.load(req.series), req.start, req.end)
    first = full.index.get_indexer(pd.Index([shown.index[0]]))[0]
    dates = [d for i, d in enumerate(shown.index, start=first) if i + 1 >= req.max_window]
    dates = dates[::-1][:: req.every][:MAX_CONFIDENCE_DATES][::-1]
    if not dates:
        raise InputError(
            f"no date in the window has {req.max_window} observations before it",
            hint="move the window later or lower max_window",
        )
    ind = lppls_confidence(
        full, dates, windows=WindowSet(req.max_window, req.min_window, req.step), progress=progress
    )
    return result_payload(
        ind, ind.chart_spec(name=req.series, source=req.series), data=data_info(shown)
    )


def lppls_confidence_on(
    frame: pd.DataFrame, req: LPPLSConfidenceRequest, progress: ProgressCallback | None = None
) -> dict[str, Any]:
    """:func:`lppls_confidence_api` on ``frame`` (the series ``req`` names, loaded already)."""
    return lppls_confidence_api(SeriesRegistry.pinned(req.series, frame), req, progress)


def runup_api(reg: SeriesRegistry, req: RunupRequest) -> dict[str, Any]:
    """GSY run-ups with the trailing return against the threshold."""
    from bubblescope.detect.gsy import runup

    close = window(reg.load(req.series), req.start, req.end)
    res = runup(
        close,
        threshold=req.threshold,
        horizon=req.horizon,
        crash_drawdown=req.crash_drawdown,
        name=req.series,
    )
    return result_payload(res, res.chart_spec(source=req.series), data=data_info(close))


def drawdown_api(reg: SeriesRegistry, req: DrawdownRequest) -> dict[str, Any]:
    """Drawdown curve and worst episodes."""
    from bubblescope.detect.drawdowns import drawdown

    close = window(reg.load(req.series), req.start, req.end)
    res = drawdown(close, top=req.top, name=req.series)
    return result_payload(res, res.chart_spec(source=req.series), data=data_info(close))


def stress_api(req: StressRequest) -> dict[str, Any]:
    """Stress the fact-base network with the requested shocks."""
    from bubblescope.economy.clearing import PaymentShock, stress
    from bubblescope.economy.network import load_network

    net = load_network()
    unknown = sorted({s.firm for s in req.shocks} - set(net.names))
    if unknown:
        raise InputError(f"unknown firm(s) {unknown}", hint=f"choose from {list(net.names)}")
    res = stress(
        net, [PaymentShock(s.firm, s.fraction) for s in req.shocks], alpha=req.alpha, beta=req.beta
    )
    return result_payload(res)
