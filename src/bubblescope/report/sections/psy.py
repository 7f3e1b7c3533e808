"""PSY exuberance tests on log prices and on levels, side by side.

The two transformations answer different questions, and for fast-growing stocks they can
disagree sharply; the section shows both and says which flags what, instead of picking one.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from bubblescope.detect.exuberance import PSYResult, psy
from bubblescope.errors import InputError
from bubblescope.report.context import ReportContext
from bubblescope.report.model import Chart, Number, Section, Table
from bubblescope.settings import resample

__all__ = ["EXPLANATION", "build", "run_pair"]

#: The plain-language note on what each transformation detects.
EXPLANATION = (
    "On log prices the test asks whether the growth rate itself keeps rising: a price "
    "compounding at a steady rate is a random walk with drift in logs and is NOT flagged; only "
    "super-exponential (accelerating) growth is. On price levels, steady exponential growth is "
    "already explosive, so levels flag any sustained fast compounding. A series explosive in "
    "levels but not in logs grew fast at a roughly constant rate; explosive in logs means growth "
    "was accelerating — the textbook bubble signature. Leaders of 1999–2000 and today's AI "
    "leaders can land on different sides of that line, so both readings are shown."
)


#: The dot-com boom and bust as the report tests it on the NASDAQ Composite.
DOTCOM_SPAN = ("1990-01-01", "2002-12-31")


def sample(close: pd.Series, ctx: ReportContext, name: str) -> pd.Series:
    """The closes PSY tests: the dot-com span for the NASDAQ, else the run's "now" sample."""
    ps = ctx.settings.run.psy
    if name == "NASDAQ":
        return resample(close.loc[DOTCOM_SPAN[0] : DOTCOM_SPAN[1]], ps.frequency)
    return ps.sample(close)


def run_pair(close: pd.Series, ctx: ReportContext, name: str) -> tuple[PSYResult, PSYResult]:
    """PSY on log prices and on levels of ``close`` with the run's PSY settings."""
    ps = ctx.settings.run.psy
    sampled = sample(close, ctx, name)
    kwargs: dict[str, Any] = {"lag": ps.lag, "window": ps.window, "cv": ps.cv(), "level": ps.level}
    on_logs = psy(np.log(sampled), name=f"log {name}", **kwargs)
    on_levels = psy(sampled, name=name, **kwargs)
    return on_logs, on_levels


def _episodes(result: PSYResult) -> str:
    if not result.episodes:
        return "none"
    parts = []
    for ep in result.episodes:
        d: dict[str, Any] = ep.to_dict()
        parts.append(f"{d['start']} → {'ongoing' if ep.ongoing else d['end']}")
    return "; ".join(parts)


def _verdict(result: PSYResult) -> str:
    return {True: "explosive", False: "not explosive", None: "no critical values"}[result.reject]


def build(ctx: ReportContext) -> Section:
    """The PSY section: every series, log prices and levels side by side."""
    ps = ctx.settings.run.psy
    charts: list[Chart] = []
    numbers: list[Number] = []
    rows: list[tuple[str, ...]] = []
    notes: list[str] = []
    data: dict[str, Any] = {}
    for name, close in ctx.all_series().items():
        source = f"bubblescope.detect.psy on {ctx.source_of(name)}"
        try:
            on_logs, on_levels = run_pair(close, ctx, name)
        except InputError as exc:  # e.g. a stored series too short for the minimum window
            notes.append(f"{name}: not tested ({exc}).")
            continue
        data[name] = {"log": on_logs.to_dict(), "level": on_levels.to_dict()}
        for label, res in (("log prices", on_logs), ("levels", on_levels)):
            charts.append(Chart(res.chart_spec(title=f"{name}: PSY on {label}", source=source)))
            cv = res.critical_value("gsadf")
            numbers.append(
                Number(f"{name} GSADF on {label}", f"{res.gsadf:.3f}", source, raw=res.gsadf)
            )
            rows.append(
                (name, label, f"{res.gsadf:.3f}", f"{cv:.3f}", _verdict(res), _episodes(res))
            )
        if on_logs.reject != on_levels.reject:
            which = "levels" if on_levels.reject else "log prices"
            other = "log prices" if on_levels.reject else "levels"
            notes.append(
                f"{name}: the two readings disagree — explosive on {which} "
                f"(GSADF {max(on_logs.gsadf, on_levels.gsadf):.2f}) but not on {other}. "
                + (
                    "Growth was fast but not accelerating (exponential, not super-exponential)."
                    if on_levels.reject
                    else "Log growth accelerated while levels stayed below their critical value."
                )
            )
    notes.append(
        f"The NASDAQ Composite is tested on the dot-com boom and bust ({DOTCOM_SPAN[0][:4]}-"
        f"{DOTCOM_SPAN[1][:4]}); every other series on the run's 'now' sample. Settings: "
        f"{ps.describe()}; PSY termination rule. The status page reads the last BSADF of the "
        "same tests."
    )
    return Section(
        key="psy",
        title="Explosive-growth tests (PSY): log prices vs levels",
        intro=EXPLANATION,
        numbers=tuple(numbers),
        charts=tuple(charts),
        tables=(
            Table(
                "GSADF by series and transformation",
                ("series", "tested on", "GSADF", "95% CV", "verdict", "episodes"),
                tuple(rows),
            ),
        ),
        notes=tuple(notes),
        side_by_side=True,
        data=data,
    )
