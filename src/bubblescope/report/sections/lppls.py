"""LPPLS: one fit to the run-up into each peak, and the DS LPPLS Confidence indicator."""

from __future__ import annotations

import pandas as pd

from bubblescope.detect.lppls import (
    LPPLSFit,
    SearchSpace,
    WindowSet,
    lppls_confidence,
    lppls_fit,
)
from bubblescope.report.context import ReportContext
from bubblescope.report.model import Chart, Number, Section, Table

__all__ = ["DOTCOM_PEAK", "DOTCOM_WINDOW", "build"]

#: The dot-com fit: the 750 trading days to the NASDAQ peak of 10 March 2000.
DOTCOM_PEAK = "2000-03-10"
DOTCOM_WINDOW = 750
#: Dates over which the dot-com Confidence indicator is traced.
DOTCOM_SPAN = ("2000-01-03", "2000-12-29")


def build(ctx: ReportContext) -> Section:
    """The dot-com fit and Confidence trace, and every watched series' Confidence now."""
    s = ctx.settings
    windows = WindowSet(
        max_window=s.lppls_max_window, min_window=s.lppls_min_window, step=s.lppls_step
    )
    close = ctx.nasdaq
    source = f"bubblescope.detect.lppls on {ctx.source_of('NASDAQ')}"
    t2 = pd.Timestamp(DOTCOM_PEAK)
    t1 = close.loc[:t2].index[-DOTCOM_WINDOW]
    # the overview's fit: the same window, bounds and seed, so both print the same tc
    fit = lppls_fit(
        close, t2=t2, window=DOTCOM_WINDOW, space=SearchSpace.stylised(), rng=s.run.psy.seed
    )
    span = close.loc[DOTCOM_SPAN[0] : DOTCOM_SPAN[1]].index
    indicators = lppls_confidence(close, list(span[:: s.lppls_every]), windows=windows)
    conf = indicators.to_frame()
    numbers: list[Number] = []
    peak_conf = float(conf["confidence_pos"].max())
    numbers.append(
        Number("NASDAQ 2000: peak positive-bubble Confidence", f"{peak_conf:.2f}", source,
               raw=peak_conf)
    )  # fmt: skip
    notes: list[str] = []
    fit_row: tuple[str, ...]
    window_text = f"{pd.Timestamp(t1).date()} → {t2.date()}"
    if isinstance(fit, LPPLSFit):
        if fit.passes():
            numbers.append(
                Number(
                    "NASDAQ dot-com fit: critical time tc",
                    str(fit.tc_date.date()) if fit.tc_date is not None else f"t2 {fit.tc:+.0f}",
                    source,
                    raw=fit.tc,
                )
            )
        else:
            notes.append(
                "The dot-com fit does not pass the Sornette et al. (2015) filter, so no "
                "critical time is shown as a headline."
            )
        fit_row = (
            "NASDAQ (dot-com)",
            window_text,
            f"{fit.m:.2f}",
            f"{fit.omega:.2f}",
            f"{fit.tc:+.0f}",
            "yes" if fit.passes() else "no",
            ", ".join(fit.at_boundary) or "none",
        )
    else:
        fit_row = ("NASDAQ (dot-com)", window_text, "-", "-", "-", "no", f"failed: {fit.reason}")
        notes.append(f"The dot-com fit failed ({fit.reason}); no critical time is shown.")
    rows = []
    for row in ctx.status.rows:
        reading = row.reading("lppls")
        if reading is None:
            continue
        scales = reading.detail.get("scales", {})
        cells = [
            "–" if scales.get(k, {}).get("confidence") is None
            else f"{scales[k]['confidence']:.2f}"
            for k in ("short", "medium", "long")
        ]  # fmt: skip
        best = scales.get(reading.detail.get("largest_scale", ""), {})
        spread = best.get("tc_spread")
        rows.append(
            (
                row.label,
                *cells,
                "–" if not spread else f"{spread[0]} to {spread[1]}",
                reading.since or "–",
                reading.note or "",
            )
        )
    notes.append(
        f"Dot-com Confidence windows: {s.lppls_max_window} → {s.lppls_min_window} trading days "
        f"in steps of {s.lppls_step}, every {s.lppls_every}th trading day of 2000. The "
        "watched series use the multi-scale windows of Demirer et al. (2019): short 183 → 40, "
        "medium 730 → 365, long 1460 → 730 trading days; tc is the 10th to 90th percentile "
        "over the qualifying windows of the largest scale."
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
        charts=(
            Chart(
                indicators.chart_spec(
                    fit=fit if isinstance(fit, LPPLSFit) else None,
                    name="NASDAQ close",
                    title="NASDAQ: LPPLS fit and DS LPPLS Confidence",
                    source=source,
                )
            ),
        ),
        tables=(
            Table(
                "Single fit (tc in trading days after the window end)",
                ("series", "window", "m", "ω", "tc − t2", "passes filter", "at bound"),
                (fit_row,),
            ),
            Table(
                "Confidence now on each window scale (status page)",
                ("series", "short", "medium", "long", "tc (10th-90th pct)", "since", "note"),
                tuple(rows),
            ),
        ),
        notes=tuple(notes),
        data={
            "dotcom": {
                "fit": fit.to_dict(),
                "confidence": conf.reset_index(names="t2").to_dict("records"),
            }
        },
    )
