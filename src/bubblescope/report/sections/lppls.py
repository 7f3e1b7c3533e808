"""LPPLS: one fit to the run-up into each peak, and the DS LPPLS Confidence indicator."""

from __future__ import annotations

from typing import Any

import pandas as pd

from bubblescope.charts import ChartSpec, Line, Panel
from bubblescope.detect.lppls import FailedFit, LPPLSFit, WindowSet, lppls_confidence, lppls_fit
from bubblescope.report.context import ReportContext
from bubblescope.report.model import Chart, Number, Section, Table

__all__ = ["build", "fit_window"]

#: The dot-com fit: from the first bundled observation to the NASDAQ peak of 10 March 2000.
DOTCOM_WINDOW = ("1999-01-04", "2000-03-10")
#: Dates over which the dot-com Confidence indicator is traced.
DOTCOM_SPAN = ("2000-01-03", "2000-12-29")


def fit_window(close: pd.Series) -> tuple[Any, Any]:
    """Fit window of a stored series: the 500 trading days up to its highest close."""
    peak = int(close.to_numpy().argmax())
    start = max(0, peak - 499)
    return close.index[start], close.index[peak]


def _chart(
    name: str,
    close: pd.Series,
    fit: LPPLSFit | FailedFit,
    conf: pd.DataFrame,
    window: tuple[Any, Any],
    source: str,
) -> ChartSpec:
    """Price over the fit window and the Confidence dates, the fitted path, Confidence."""
    lo = min(pd.Timestamp(window[0]), conf.index[0])
    hi = max(pd.Timestamp(window[1]), conf.index[-1])
    shown = close.loc[lo:hi]
    lines = [Line(shown.index, shown, f"{name} close", color="#000000", width=1.0)]
    if isinstance(fit, LPPLSFit):
        frame = fit.to_frame()
        label = "LPPLS fit" + (f" (tc {fit.tc_date.date()})" if fit.tc_date is not None else "")
        lines.append(Line(frame.index, frame["fitted_price"], label, color="#D55E00", width=2.0))
    return ChartSpec(
        f"{name}: LPPLS fit and DS LPPLS Confidence",
        (
            Panel("price (log scale)", lines=tuple(lines), logy=True),
            Panel(
                "Confidence",
                "share of windows",
                lines=(
                    Line(
                        conf.index,
                        conf["confidence_pos"],
                        "confidence, positive bubble",
                        color="#D55E00",
                    ),
                    Line(
                        conf.index,
                        conf["confidence_neg"],
                        "confidence, negative bubble",
                        color="#009E73",
                    ),
                ),
                height=0.7,
            ),
        ),
        source=source,
    )


def build(ctx: ReportContext) -> Section:
    """Fit and Confidence for the dot-com NASDAQ and for every stored series."""
    s = ctx.settings
    windows = WindowSet(
        max_window=s.lppls_max_window, min_window=s.lppls_min_window, step=s.lppls_step
    )
    charts: list[Chart] = []
    numbers: list[Number] = []
    rows: list[tuple[str, ...]] = []
    data: dict[str, Any] = {}
    for name, close in ctx.all_series().items():
        source = f"bubblescope.detect.lppls on {ctx.source_of(name)}"
        if name == "NASDAQ":
            t1, t2 = DOTCOM_WINDOW
            span = close.loc[DOTCOM_SPAN[0] : DOTCOM_SPAN[1]].index
        else:
            t1, t2 = fit_window(close)
            span = close.index[s.lppls_max_window - 1 :][-130:]
        if len(close.loc[:t2]) < s.lppls_min_window or len(span) == 0:
            continue
        fit = lppls_fit(close, t1, t2, rng=0)
        dates = list(span[:: s.lppls_every])
        conf = lppls_confidence(close, dates, windows=windows).to_frame()
        data[name] = {
            "fit": fit.to_dict(),
            "confidence": conf.reset_index(names="t2").to_dict("records"),
        }
        charts.append(Chart(_chart(name, close, fit, conf, (t1, t2), source)))
        peak_conf = float(conf["confidence_pos"].max())
        numbers.append(
            Number(
                f"{name}: peak positive-bubble Confidence",
                f"{peak_conf:.2f}",
                source,
                raw=peak_conf,
            )
        )
        if isinstance(fit, LPPLSFit):
            numbers.append(
                Number(
                    f"{name}: fitted critical time tc",
                    str(fit.tc_date.date())
                    if fit.tc_date is not None
                    else f"t2 {fit.tc:+.0f} days",
                    source,
                    raw=fit.tc,
                )
            )
            rows.append(
                (
                    name,
                    f"{pd.Timestamp(t1).date()} → {pd.Timestamp(t2).date()}",
                    f"{fit.m:.2f}",
                    f"{fit.omega:.2f}",
                    f"{fit.tc:+.0f}",
                    "yes" if fit.passes() else "no",
                    ", ".join(fit.at_boundary) or "none",
                )
            )
        else:
            rows.append(
                (
                    name,
                    f"{pd.Timestamp(t1).date()} → {pd.Timestamp(t2).date()}",
                    "-",
                    "-",
                    "-",
                    "no",
                    f"fit failed: {fit.reason}",
                )
            )
    return Section(
        key="lppls",
        title="Log-periodic power law (LPPLS): fit and confidence",
        intro=(
            "LPPLS fits a faster-than-exponential rise decorated by accelerating oscillations "
            "that converge on a critical time tc. A single fit is fragile, so the DS LPPLS "
            "Confidence indicator refits on many nested windows ending at each date and "
            "reports the share whose parameters pass the Sornette et al. (2015) filter: "
            "values near 1 mean almost every window sees a positive bubble."
        ),
        numbers=tuple(numbers),
        charts=tuple(charts),
        tables=(
            Table(
                "Single fits (tc in trading days after the window end)",
                ("series", "window", "m", "ω", "tc − t2", "passes filter", "at bound"),
                tuple(rows),
            ),
        ),
        notes=(
            f"Confidence windows: {s.lppls_max_window} → {s.lppls_min_window} trading days "
            f"in steps of {s.lppls_step} (the FCO default is 750 → 125 by 5), every "
            f"{s.lppls_every}th trading day; stored series use the 500 trading days up to "
            f"their highest close for the fit and their last 130 trading days for "
            f"Confidence.",
        ),
        data=data,
    )
