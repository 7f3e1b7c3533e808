"""The overview: a first look at every engine on the data that ships with the installation.

Runs without network or imported data, on the NASDAQ Composite and S&P 500 daily 1999–2018 that
ship inside the ``arch`` package and on bubblescope's sourced fact base:

1. dot-com drawdowns (:mod:`bubblescope.detect.drawdown`);
2. PSY exuberance on weekly NASDAQ, log prices and levels side by side
   (:mod:`bubblescope.detect.psy`, response-surface critical values: no simulation);
3. the LPPLS fit of the 750 trading days to the 2000-03-10 peak
   (:mod:`bubblescope.detect.lppls`, stylised bounds m ∈ [0.1, 0.9]);
4. the fact base in numbers (:mod:`bubblescope.data.facts`);
5. circular-financing loops of the deal network (:mod:`bubblescope.economy.network`);
6. Sequoia's revenue gap, Sept 2023 and June 2024 inputs (:mod:`bubblescope.economy.valuation`).

Every number comes from those modules' result objects; nothing is recomputed here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from bubblescope._typing import ProgressCallback

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
class Overview:
    """All sections, in order."""

    sections: tuple[Section, ...]

    def summary(self) -> str:
        """The text a person reads."""
        out: list[str] = []
        for i, sec in enumerate(self.sections, start=1):
            out.append(f"{i}. {sec.title}")
            out.extend(f"   {line}" for line in sec.lines)
            out.append("")
        return "\n".join(out).rstrip()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: every section's data."""
        return {"sections": [s.to_dict() for s in self.sections]}


def _drawdowns() -> Section:
    from bubblescope.data.bundled import load_bundled
    from bubblescope.detect.drawdown import drawdown

    lines: list[str] = []
    data: dict[str, Any] = {}
    for name in ("nasdaq", "sp500"):
        frame = load_bundled(name)
        res = drawdown(frame["close"].rename(str(frame["symbol"].iloc[0])), top=2)
        data[name] = res.to_dict()
        for _, row in res.episodes.iterrows():
            recovered = row.get("recovery")
            rec = (
                "not recovered by 2018-12-31"
                if pd.isna(recovered)
                else f"recovered {pd.Timestamp(recovered).date()}"
            )
            lines.append(
                f"{frame['symbol'].iloc[0]:<7} peak {pd.Timestamp(row['peak']).date()} → trough "
                f"{pd.Timestamp(row['trough']).date()}: {row['depth_pct']:.1f}% ({rec})"
            )
    return Section(
        "drawdowns",
        "Dot-com drawdowns (arch's bundled daily closes, 1999–2018)",
        tuple(lines),
        data,
    )


def _psy() -> Section:
    from bubblescope.data.bundled import load_bundled
    from bubblescope.detect.psy import PSYResult, psy

    weekly = load_bundled("nasdaq")["close"].resample("W-FRI").last().dropna()
    weekly = weekly.loc[:"2002-12-31"].rename("NASDAQ")
    lines: list[str] = [
        f"NASDAQ Composite, Friday closes {weekly.index[0].date()}..{weekly.index[-1].date()} "
        f"(T = {len(weekly)}), lag 0, PSY minimum window, family-wise stamping at 95%",
    ]
    data: dict[str, Any] = {}
    method = ""
    for label, series in (("log prices", np.log(weekly)), ("levels", weekly)):
        res = psy(series, name=f"NASDAQ ({label})")
        assert isinstance(res, PSYResult)
        assert res.cv is not None
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
        method = res.cv.method
    lines.append(f"critical values: {method}")
    lines.append(
        "log prices test for faster-than-exponential (super-exponential) growth; levels "
        "flag plain exponential growth too, so the two can disagree"
    )
    return Section("psy", "PSY exuberance test on the dot-com boom", tuple(lines), data)


def _date(value: Any) -> str:
    return str(pd.Timestamp(value).date())


def _lppls() -> Section:
    from bubblescope.data.bundled import load_bundled
    from bubblescope.detect.lppls import LPPLSFit, SearchSpace, lppls_fit

    close = load_bundled("nasdaq")["close"].loc[:"2000-03-10"]
    fit = lppls_fit(close, t2="2000-03-10", window=len(close), space=SearchSpace.stylised(), rng=0)
    if not isinstance(fit, LPPLSFit):
        return Section(
            "lppls",
            "LPPLS fit to the dot-com peak",
            (f"no fit: {fit.reason}",),
            {"failed": fit.reason},
        )
    tc_date = "n/a" if fit.tc_date is None else str(pd.Timestamp(fit.tc_date).date())
    lines = [
        f"NASDAQ, {len(close)} trading days to 2000-03-10 (arch data starts 1999-01-04), "
        "stylised bounds m ∈ [0.1, 0.9]",
        f"critical time tc = t2 + {fit.tc:.1f} trading days ≈ {tc_date}; m = {fit.m:.3f}, "
        f"ω = {fit.omega:.2f}, B = {fit.b:.3f} ({'bubble' if fit.b < 0 else 'anti-bubble'})",
    ]
    if fit.at_boundary:
        lines.append(
            f"boundary solution ({', '.join(fit.at_boundary)} on a search bound): the FCO "
            "filters reject it; a longer window (750 days, e.g. FRED NASDAQCOM imported with "
            "`bubblescope data import`) gives the classic fit tc ≈ 2000-05-19, m ≈ 0.2"
        )
    return Section("lppls", "LPPLS fit to the dot-com peak", tuple(lines), fit.to_dict())


def _facts() -> Section:
    from bubblescope.data.facts import load_factbase

    fb = load_factbase()
    lines = tuple(fb.summary().splitlines()[:4])
    return Section(
        "facts",
        "The sourced AI-economy fact base",
        lines,
        {"n_facts": len(fb.facts), "n_deals": len(fb.deals)},
    )


def _network() -> Section:
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


def _sequoia() -> Section:
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


def run_overview(*, progress: ProgressCallback | None = None) -> Overview:
    """Run every overview section.

    Parameters
    ----------
    progress : callable, optional
        ``progress(done, total)`` after each section.

    Returns
    -------
    Overview
    """
    builders: list[Callable[[], Section]] = [
        _drawdowns,
        _psy,
        _lppls,
        _facts,
        _network,
        _sequoia,
    ]
    sections = []
    for i, build in enumerate(builders, start=1):
        sections.append(build())
        if progress is not None:
            progress(i, len(builders))
    return Overview(tuple(sections))
