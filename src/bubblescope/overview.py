"""The overview: today's answer first, then every engine once, on the data that ships.

Runs without network or imported data (data a user imported or updated wins per date):

1. the status page (:mod:`bubblescope.status`): every watched series now, signal by signal,
   next to each signal's record, the market view and the synthesis;
2. the deepest drawdowns of the NASDAQ Composite (1971-) and the S&P 500 (1927-), with the
   current one (:mod:`bubblescope.detect.drawdowns`);
3. PSY on the dot-com boom: weekly NASDAQ 1990-2002, log prices and levels, with the
   standard run's critical values (:mod:`bubblescope.detect.exuberance`);
4. the LPPLS fit of the 750 trading days to the 2000-03-10 peak (:mod:`bubblescope.detect.lppls`);
5. the fact base in numbers (:mod:`bubblescope.data.facts`);
6. circular-financing loops of the deal network (:mod:`bubblescope.economy.network`);
7. Sequoia's revenue gap, Sept 2023 and June 2024 inputs (:mod:`bubblescope.economy.valuation`).

Every number comes from those modules' result objects; nothing is recomputed here. The
settings are :class:`bubblescope.settings.RunSettings` (the standard run by default).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bubblescope._json import to_jsonable
from bubblescope._typing import ProgressCallback
from bubblescope.result import ResultMixin
from bubblescope.settings import RunSettings

if TYPE_CHECKING:
    from bubblescope.charts import ChartSpec
    from bubblescope.status.result import StatusResult

__all__ = ["Overview", "Section", "run_overview"]


@dataclass(frozen=True)
class Section:
    """One part of the overview: a title, text lines for people, data for machines."""

    key: str
    title: str
    lines: tuple[str, ...]
    data: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"key": self.key, "title": self.title, "lines": list(self.lines), "data": self.data}


@dataclass(frozen=True)
class Overview(ResultMixin):
    """The status page, then the engine sections, in order.

    A composite: its frame and chart are the status page's (the engine sections are text and
    data, each drawn by its own result where the report shows it).
    """

    status: StatusResult
    sections: tuple[Section, ...]

    def summary(self) -> str:
        """The text a person reads: the status table first."""
        out: list[str] = [self.status.summary(), ""]
        for i, sec in enumerate(self.sections, start=1):
            out.append(f"{i}. {sec.title}")
            out.extend(f"   {line}" for line in sec.lines)
            out.append("")
        return "\n".join(out).rstrip()

    def to_frame(self) -> pd.DataFrame:
        """The status page's readings, one row per (series, signal)."""
        return self.status.to_frame()

    def chart_spec(self) -> ChartSpec:
        """The status page's chart."""
        return self.status.chart_spec()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the status page and every section's data."""
        out: dict[str, Any] = to_jsonable(
            {
                "status": self.status.to_dict(),
                "sections": [s.to_dict() for s in self.sections],
            }
        )
        return out


def _date(value: Any) -> str:
    return str(pd.Timestamp(value).date())


def _drawdowns(settings: RunSettings) -> Section:
    from bubblescope.data.catalog import load_series
    from bubblescope.detect.drawdowns import drawdown

    lines: list[str] = []
    data: dict[str, Any] = {}
    for symbol in settings.data.indices:
        frame = load_series(symbol)
        close = frame["close"].rename(symbol)
        res = drawdown(close, top=3)
        data[symbol] = res.to_dict()
        last = _date(close.index[-1])
        for _, row in res.episodes.iterrows():
            recovered = row.get("recovery")
            rec = (
                f"not recovered by {last}"
                if pd.isna(recovered)
                else f"recovered {_date(recovered)}"
            )
            lines.append(
                f"{symbol:<7} peak {_date(row['peak'])} → trough {_date(row['trough'])}: "
                f"{row['depth_pct']:.1f}% ({rec})"
            )
        now = float(res.drawdown.iloc[-1])
        lines.append(
            f"{symbol:<7} now ({last}): {100 * now:.1f}% from its peak "
            f"({frame.attrs.get('vintage', '')}, from {_date(close.index[0])})"
        )
    return Section(
        "drawdowns",
        "The deepest falls of the NASDAQ Composite and the S&P 500, and where they stand now",
        tuple(lines),
        data,
    )


#: The dot-com boom and bust as the overview tests it (weekly closes).
DOTCOM_SPAN = ("1990-01-01", "2002-12-31")


def _psy(settings: RunSettings) -> Section:
    from bubblescope.data.catalog import load_series
    from bubblescope.detect.exuberance import psy
    from bubblescope.settings import resample

    ps = settings.psy
    daily = load_series("NASDAQ")["close"].loc[DOTCOM_SPAN[0] : DOTCOM_SPAN[1]]
    weekly = resample(daily, ps.frequency).rename("NASDAQ")
    lines: list[str] = [
        f"NASDAQ Composite, {ps.frequency} closes {_date(weekly.index[0])}.."
        f"{_date(weekly.index[-1])} (T = {len(weekly)}), lag {ps.lag}, {ps.window} minimum "
        f"window, family-wise stamping at {ps.level:.0%}",
    ]
    data: dict[str, Any] = {}
    for label, series in (("log prices", np.log(weekly)), ("levels", weekly)):
        res = psy(series, lag=ps.lag, window=ps.window, cv=ps.cv(), level=ps.level,
                  name=f"NASDAQ ({label})")  # fmt: skip
        crit = res.critical_value("gsadf")
        episodes = (
            ", ".join(
                f"{_date(e.start)}..{_date(e.end) if e.end is not None else 'ongoing'}"
                for e in res.episodes
            )
            or "none"
        )
        lines.append(
            f"{label:<10} GSADF {res.gsadf:6.2f} vs 95% cv {crit:5.2f} → "
            f"{'explosive' if res.reject else 'not explosive'}; episodes: {episodes}"
        )
        data[label] = res.to_dict()
    lines.append(f"critical values: {ps.reps} Monte Carlo replications, seed {ps.seed}")
    lines.append(
        "log prices test for faster-than-exponential (super-exponential) growth; levels "
        "flag plain exponential growth too, so the two can disagree"
    )
    return Section("psy", "PSY exuberance test on the dot-com boom", tuple(lines), data)


#: The classic dot-com LPPLS window: 750 trading days to the NASDAQ peak.
DOTCOM_PEAK = "2000-03-10"
LPPLS_WINDOW = 750


def _lppls(settings: RunSettings) -> Section:
    from bubblescope.data.catalog import load_series
    from bubblescope.detect.lppls import LPPLSFit, SearchSpace, lppls_fit

    close = load_series("NASDAQ")["close"].loc[:DOTCOM_PEAK]
    title = "LPPLS fit to the dot-com peak"
    fit = lppls_fit(
        close, t2=DOTCOM_PEAK, window=LPPLS_WINDOW, space=SearchSpace.stylised(),
        rng=settings.psy.seed,
    )  # fmt: skip
    if not isinstance(fit, LPPLSFit):
        return Section("lppls", title, (f"no fit: {fit.reason}",), {"failed": fit.reason})
    tc_date = "n/a" if fit.tc_date is None else _date(fit.tc_date)
    verdict = "passes" if fit.passes() else "fails"
    lines = [
        f"NASDAQ, {LPPLS_WINDOW} trading days to {DOTCOM_PEAK}, stylised bounds m ∈ [0.1, 0.9]",
        f"critical time tc = t2 + {fit.tc:.1f} trading days ≈ {tc_date}; m = {fit.m:.3f}, "
        f"ω = {fit.omega:.2f}, B = {fit.b:.3f} ({'bubble' if fit.b < 0 else 'anti-bubble'}); "
        f"the fit {verdict} the Sornette et al. (2015) filter",
    ]
    if fit.at_boundary:
        lines.append(f"boundary solution: {', '.join(fit.at_boundary)} on a search bound")
    return Section("lppls", title, tuple(lines), fit.to_dict())


def _facts(settings: RunSettings) -> Section:
    from bubblescope.data.facts import load_factbase

    fb = load_factbase()
    lines = tuple(fb.summary().splitlines()[:4])
    return Section(
        "facts",
        "The sourced AI-economy fact base",
        lines,
        {"n_facts": len(fb.facts), "n_deals": len(fb.deals)},
    )


def _network(settings: RunSettings) -> Section:
    from bubblescope.economy.network import analyze_network, load_network

    res = analyze_network(load_network())
    lines = [
        f"{len(res.cycles)} simple loops of money among the deal edges (USD bn, contract "
        "totals; bottleneck = most that can go round):"
    ]
    for cyc in res.cycles[:5]:
        ids = ", ".join("/".join(e) for e in cyc.edge_ids)
        lines.append(f"{cyc.label}: bottleneck {cyc.bottleneck:.1f}, deals {ids}")
    return Section(
        "network", "Circular financing", tuple(lines), {"cycles": [c.to_dict() for c in res.cycles]}
    )


def _sequoia(settings: RunSettings) -> Section:
    from bubblescope.economy.valuation import sequoia_2023, sequoia_2024

    lines: list[str] = []
    data: dict[str, Any] = {}
    for gap in (sequoia_2023(), sequoia_2024()):
        text = f"{gap.label}: AI revenue needed ${gap.required_revenue:,.0f}B a year"
        if gap.gap is not None:
            text += f"; gap to assumed AI revenue ${gap.gap:,.0f}B"
        lines.append(text)
        data[gap.label] = gap.to_dict()
    return Section("sequoia", "Sequoia's revenue gap (David Cahn)", tuple(lines), data)


def run_overview(
    settings: RunSettings | None = None, *, progress: ProgressCallback | None = None
) -> Overview:
    """The status page, then every overview section.

    Parameters
    ----------
    settings : RunSettings, optional
        Default: the standard run.
    progress : callable, optional
        ``progress(done, total)`` after the status page and each section.

    Returns
    -------
    Overview
    """
    from bubblescope.status import run_status

    settings = settings or RunSettings.preset("standard")
    builders: list[Callable[[RunSettings], Section]] = [
        _drawdowns,
        _psy,
        _lppls,
        _facts,
        _network,
        _sequoia,
    ]
    total = len(builders) + 1
    status = run_status(settings)
    if progress is not None:
        progress(1, total)
    sections = []
    for i, build in enumerate(builders, start=2):
        sections.append(build(settings))
        if progress is not None:
            progress(i, total)
    return Overview(status, tuple(sections))
