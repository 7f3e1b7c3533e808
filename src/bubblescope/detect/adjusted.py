"""Bubble or adoption? PSY on a price next to PSY on the price adjusted for its fundamentals.

An explosive price path is what a bubble looks like, and also what a technology being adopted
looks like: when sales, earnings or investment grow explosively, so does a price that merely
follows them. Each test here takes a price series and removes a fundamental from it before
running the PSY recursive test (Phillips, Shi and Yu 2015) on what is left:

``price``
    The raw test: PSY on the log price.
``pe``, ``ps``
    PSY on the log price-to-earnings and price-to-sales ratios, built point in time from the
    SEC filings (:func:`bubblescope.detect.firm_multiples.multiples`: market capitalisation over
    the trailing-twelve-month net income or revenue known at each date). This is how the Dallas
    Fed's exuberance indicators test house prices against rents and incomes (Pavlidis et al.
    2016): the ratio of the price to its fundamental is tested directly, and an explosive
    ratio is a price outrunning its fundamental. The log makes the test blind to the ratio's
    scale (a constant fundamental, or a ratio scaled by any factor, leaves the test unchanged).
``factors``
    PSY on the residual of the log price regressed (OLS with a constant, over the tested
    span) on the log levels of market and industry series, by default the S&P 500 and the
    technology sector (XLK): Basele, Phillips and Shi (2025) test the Magnificent Seven "while
    controlling for market and industry factors". Their exact factor regression was not found
    in the sources searched (only the abstract); this is the closest documented form, the
    projection of the log price on factor levels, labelled as such in the output.
``technology``
    PSY on the residual of the log price projected (OLS with a constant) on log observable
    technology proxies, the fundamental-versus-speculative decomposition of Chen, Chen, Huang,
    Li and Zhang (2026), whose proxies are TFP, IT investment and patent grants. Here the AI
    economy's series that ship as time series stand in: the hyperscalers' trailing capital
    expenditure and NVIDIA's trailing revenue as filed (:func:`technology_proxies`). GPU
    rental prices and power ship only as a few dated facts (``GPU-*`` rows of the fact base),
    not as series a regression can use, so they are left out and the result says so.

``price_level``, ``pe_level``, ``ps_level`` (``levels=True``)
    The same price and ratios tested in levels rather than logs: PSY on levels reads steady
    exponential growth as explosive, PSY on logs only growth that accelerates. The ratio tests
    are blind to the ratio's scale in levels too (ADF t-statistics do not change when a series
    is multiplied by a constant).

Every adjusted series is tested with the same sampling, lag, window and critical values as
the raw price, so the verdicts compare like with like. A verdict is the reading now of
:func:`bubblescope.detect.episode_now`, as on the status page's PSY columns: "explosive now"
(the last BSADF above its critical value), "episode not confirmed" (PSY's dating holds an
episode open, an exceedance within the minimum duration, but the last BSADF is back below the
critical value), "explosive earlier" (episodes, none open) or "not explosive".

Caveat: the residual of a regression on integrated regressors does not have the random-walk
null distribution PSY's critical values assume (its ADF statistic is shifted left, as in
residual-based cointegration tests), so the residual tests here, as in the papers that apply
PSY's critical values to them, lean towards "not explosive".

References
----------
Phillips, P.C.B., Shi, S. and Yu, J. (2015). Testing for multiple bubbles: historical episodes
of exuberance and collapse in the S&P 500. International Economic Review 56(4), 1043-1078.
Pavlidis, E., Yusupova, A., Paya, I., Peel, D., Martinez-Garcia, E., Mack, A. and Grossman, V.
(2016). Episodes of exuberance in housing markets: in search of the smoking gun. Journal of
Real Estate Finance and Economics 53(4), 419-449 (the Dallas Fed's exuberance indicators,
https://www.dallasfed.org/research/international/houseprice).
Basele, R.B., Phillips, P.C.B. and Shi, S. (2025). Speculative bubbles in the recent AI boom:
Nasdaq and the Magnificent Seven. Journal of Time Series Analysis, doi:10.1111/jtsa.12835
(Cowles Foundation Discussion Paper 2430).
Chen, H., Chen, L., Huang, D., Li, Y. and Zhang, Z. (2026). General-purpose technology and
speculative bubble detection. arXiv:2604.25826.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from bubblescope._json import to_jsonable
from bubblescope.charts import ChartSpec, HLine, Line, Panel
from bubblescope.detect._datestamp import EpisodeNow, episode_now
from bubblescope.detect.critical_values import CriticalValueMethod, MonteCarloCV
from bubblescope.detect.exuberance import PSYResult, psy
from bubblescope.errors import BubblescopeError, InputError
from bubblescope.result import ResultMixin

__all__ = [
    "AdjustedResult",
    "AdjustedTest",
    "adjusted_psy",
    "ratio_test",
    "residual_test",
    "technology_proxies",
]

Verdict = Literal[
    "explosive now", "episode not confirmed", "explosive earlier", "not explosive", "not tested"
]
Sampler = Callable[[pd.Series], pd.Series]

#: Firms whose trailing capital expenditure may make up the AI-capex proxy.
HYPERSCALERS: tuple[str, ...] = ("MSFT", "GOOGL", "AMZN", "META", "ORCL")
#: Fewest filings of trailing capex for a firm to join the proxy (two years of quarters): a firm
#: that enters the sum later would put a jump into it.
_MIN_FILINGS = 8
#: The AI series the technology adjustment cannot use, and why.
LEFT_OUT = (
    "GPU rental prices and data-centre power ship as a few dated facts (fact base GPU-*, "
    "POW-*), not as series a regression can use"
)
#: What each adjusted test measures the price against (for the plain sentences).
_AGAINST = {
    "pe": "earnings",
    "ps": "sales",
    "factors": "the market and its sector",
    "technology": "AI capex and NVIDIA's sales",
    "pe_level": "earnings",
    "ps_level": "sales",
}
_COLORS = ("#000000", "#0072B2", "#009E73", "#D55E00", "#CC79A7")


@dataclass(frozen=True)
class AdjustedTest:
    """PSY on one version of the price: raw, a ratio to a fundamental, or a residual.

    Attributes
    ----------
    key : str
        ``price``, ``pe``, ``ps``, ``factors`` or ``technology``.
    label : str
        What was tested, e.g. "log price-to-sales".
    method : str
        How the series was built (and where it follows a paper only in its closest form).
    series : pandas.Series or None
        The tested series (log units), None when not tested.
    result : PSYResult or None
        The PSY test (None when not tested).
    coefficients : dict of str to float
        For a residual: the OLS coefficients (``const`` and one per regressor, log-log
        elasticities) and ``r2``.
    reason : str
        Why it was not tested, or a note on what was dropped.
    """

    key: str
    label: str
    method: str
    series: pd.Series | None = None
    result: PSYResult | None = None
    coefficients: dict[str, float] | None = None
    reason: str = ""

    @property
    def now(self) -> EpisodeNow | None:
        """The reading now (:func:`~bubblescope.detect.episode_now`); None when not tested."""
        if self.result is None:
            return None
        r = self.result
        return episode_now(r.bsadf, r.threshold, r.episodes)

    @property
    def verdict(self) -> Verdict:
        """The reading now (:attr:`now`'s state), or "not tested".

        One of: explosive now, episode not confirmed, explosive earlier, not explosive.
        """
        now = self.now
        return "not tested" if now is None else now.state

    @property
    def bsadf_now(self) -> float | None:
        """The last BSADF (None when not tested)."""
        return None if self.result is None else float(self.result.bsadf.iloc[-1])

    @property
    def critical_value(self) -> float | None:
        """The family-wise critical value the BSADF path is compared with."""
        if self.result is None:
            return None
        return float(self.result.threshold.iloc[-1])

    def describe(self) -> str:
        """One line: the verdict and its numbers."""
        if self.result is None:
            return f"{self.label}: not tested ({self.reason})"
        r = self.result
        eps = r.episodes
        last = eps[-1].to_dict() if eps else None
        text = (
            f"{self.label}: {self.verdict} (BSADF now {self.bsadf_now:.2f} vs "
            f"{self.critical_value:.2f}; GSADF {r.gsadf:.2f} vs {r.critical_value('gsadf'):.2f}; "
            f"{len(r.y)} obs {_day(r.y.index[0])} to {_day(r.y.index[-1])}"
        )
        if last is not None:
            text += f"; latest episode from {last['start']}" + (
                " ongoing" if eps[-1].ongoing else f" to {last['end']}"
            )
            if self.verdict == "episode not confirmed":
                text += ", not yet confirmed: BSADF has fallen back below its critical value"
        return text + ")"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields (the PSY result in full under ``psy``)."""
        out: dict[str, Any] = to_jsonable(
            {
                "key": self.key,
                "label": self.label,
                "method": self.method,
                "verdict": self.verdict,
                "bsadf_now": self.bsadf_now,
                "critical_value": self.critical_value,
                "coefficients": self.coefficients,
                "reason": self.reason,
                "psy": None if self.result is None else self.result.to_dict(),
            }
        )
        return out


def _day(value: Any) -> str:
    return str(pd.Timestamp(value).date()) if isinstance(value, pd.Timestamp) else str(value)


def meaning(raw: AdjustedTest, adjusted: AdjustedTest, name: str) -> str:
    """A plain sentence on what the difference between a raw and an adjusted verdict means.

    Parameters
    ----------
    raw, adjusted : AdjustedTest
        The test on the price and the test on the price adjusted for a fundamental.
    name : str
        The series' name, e.g. "NVDA".
    """
    what = adjusted.label
    against = _AGAINST.get(adjusted.key, "the fundamental")
    if adjusted.result is None:
        return f"{name}: {what} not tested ({adjusted.reason})."
    if raw.result is None:
        return f"{name}: the price itself was not tested ({raw.reason})."
    now_raw = raw.verdict == "explosive now"
    now_adj = adjusted.verdict == "explosive now"
    if now_raw and not now_adj:
        text = (
            f"{name}'s price is explosive but its {what} is not: {against} grew about as fast, "
            "which reads as adoption rather than a speculative bubble on this test."
        )
    elif now_raw and now_adj:
        text = (
            f"{name}'s price and its {what} are both explosive: {against} did not keep up with "
            "the price, so the run is not explained by it and speculation is not ruled out."
        )
    elif now_adj:
        text = (
            f"{name}'s price is not explosive but its {what} is: the price outruns {against}, "
            "a stretch relative to it rather than a price run of its own."
        )
    else:
        text = f"Neither {name}'s price nor its {what} is explosive now: no bubble on either test."
    for test, label in ((raw, f"{name}'s price"), (adjusted, f"its {what}")):
        now = test.now
        if now is not None and now.state == "episode not confirmed":
            text += f" For {label}, {now.sentence('BSADF')}."
    return text


def _sampled(series: pd.Series, sample: Sampler | None) -> pd.Series:
    out = series.astype("float64").dropna()
    return sample(out) if sample is not None else out


def _latest_run(values: pd.Series, label: str) -> tuple[pd.Series, int]:
    """The trailing run of finite positive values, and how many points before it were dropped."""
    arr = values.to_numpy(dtype=np.float64)
    ok = np.isfinite(arr) & (arr > 0)
    if not len(ok) or not ok[-1]:
        raise InputError(f"{label}: the ratio is not defined or not positive at the last date")
    bad = np.flatnonzero(~ok)
    start = int(bad[-1]) + 1 if len(bad) else 0
    return values.iloc[start:], start


def _psy(
    y: pd.Series, name: str, lag: int, window: Any, cv: CriticalValueMethod, level: float
) -> PSYResult:
    return psy(y, lag=lag, window=window, cv=cv, level=level, name=name)


def ratio_test(
    ratio: pd.Series,
    *,
    key: str = "ratio",
    label: str = "log price-to-fundamental ratio",
    method: str = "",
    sample: Sampler | None = None,
    lag: int = 0,
    window: Literal["psy", "exuber"] | int = "psy",
    cv: CriticalValueMethod | None = None,
    level: float = 0.95,
    log: bool = True,
) -> AdjustedTest:
    """PSY on the log of a price-to-fundamental ratio (the Dallas Fed's price-to-rent test).

    Parameters
    ----------
    ratio : pandas.Series
        The ratio at each price date (dimensionless, e.g. a P/E), indexed by date. Non-positive
        or missing values (a P/E with losses) break the series: the trailing run of positive
        values is tested and the reason says how many points were dropped before it.
    key, label, method : str
        Names carried into the result.
    sample : callable, optional
        Resampling applied to the ratio before the test (e.g. ``RunSettings.psy.sample``:
        weekly, last 20 years); None tests the dates given.
    lag, window, cv, level
        As for :func:`bubblescope.detect.exuberance.psy`; ``cv`` defaults to
        ``MonteCarloCV(reps=999, rng=20150401)``.
    log : bool
        Test the log of the ratio (default) or the ratio in levels.

    Returns
    -------
    AdjustedTest

    Raises
    ------
    InputError
        When the ratio is not a Series indexed by date, or the series is too short for PSY.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> days = pd.date_range("2020-01-03", periods=120, freq="W-FRI")
    >>> price = pd.Series(np.exp(np.cumsum(np.random.default_rng(1).normal(0, 0.02, 120))), days)
    >>> a = ratio_test(price / 5.0, cv=MonteCarloCV(reps=200, rng=0))
    >>> b = ratio_test(price * 100.0, cv=MonteCarloCV(reps=200, rng=0))
    >>> bool(abs(a.result.gsadf - b.result.gsadf) < 1e-9)
    True
    """
    if not isinstance(ratio, pd.Series) or not isinstance(ratio.index, pd.DatetimeIndex):
        raise InputError(f"{label}: the ratio must be a pandas Series indexed by date")
    marked = ratio.astype("float64").where(lambda v: v > 0, 0.0)  # a gap stays a gap
    run, dropped = _latest_run(sample(marked) if sample is not None else marked, label)
    note = (
        f"{dropped} earlier point(s) left out: the ratio was not defined or not positive "
        f"before {_day(run.index[0])}"
        if dropped
        else ""
    )
    y = (np.log(run) if log else run).rename(label)
    result = _psy(y, label, lag, window, cv or MonteCarloCV(reps=999, rng=20150401), level)
    return AdjustedTest(key, label, method, y, result, None, note)


def residual_test(
    price: pd.Series,
    regressors: Mapping[str, pd.Series],
    *,
    key: str = "residual",
    label: str = "log price net of regressors",
    method: str = "",
    sample: Sampler | None = None,
    lag: int = 0,
    window: Literal["psy", "exuber"] | int = "psy",
    cv: CriticalValueMethod | None = None,
    level: float = 0.95,
) -> AdjustedTest:
    """PSY on the residual of the log price regressed on log regressors (OLS with a constant).

    ``log P_t = a + sum_k b_k log X_kt + u_t`` is fitted by OLS over the dates where the price
    and every regressor are known (a regressor indexed by filing dates holds its last value
    until the next, so no date uses a later filing); PSY tests ``u_t``.

    Parameters
    ----------
    price : pandas.Series
        Closes (positive), indexed by date.
    regressors : mapping of str to pandas.Series
        Positive level series (index levels, trailing capex in USD, ...), indexed by date.
    key, label, method : str
        Names carried into the result.
    sample : callable, optional
        Resampling applied to the price before the test; the regressors are read as of each
        sampled date.
    lag, window, cv, level
        As for :func:`ratio_test`.

    Returns
    -------
    AdjustedTest
        With the coefficients (``const``, one elasticity per regressor) and ``r2``.

    Raises
    ------
    InputError
        No regressors, a non-positive or non-finite value, inputs not indexed by date, or too
        few common dates for the regression and PSY.
    """
    if not regressors:
        raise InputError(f"{label}: give at least one regressor")
    if not isinstance(price, pd.Series) or not isinstance(price.index, pd.DatetimeIndex):
        raise InputError(f"{label}: the price must be a pandas Series indexed by date")
    close = _sampled(price, sample)
    columns: dict[str, pd.Series] = {}
    for name, series in regressors.items():
        if not isinstance(series, pd.Series) or not isinstance(series.index, pd.DatetimeIndex):
            raise InputError(f"{label}: regressor {name!r} must be a pandas Series indexed by date")
        s = series.astype("float64").dropna().sort_index()
        if not np.isfinite(s.to_numpy()).all() or (s <= 0).any():
            raise InputError(f"{label}: regressor {name!r} has non-positive or infinite values")
        s = s[~s.index.duplicated(keep="last")]
        columns[name] = s.reindex(s.index.union(close.index)).ffill().reindex(close.index)
    if (close <= 0).any():
        raise InputError(f"{label}: the price has non-positive values")
    frame = pd.DataFrame({"price": close, **columns}).dropna()
    k = len(columns) + 1
    if len(frame) < 3 * k + 10:
        raise InputError(
            f"{label}: {len(frame)} common dates of the price and its regressors, too few",
            hint="regressors must overlap the price's dates (check their spans)",
        )
    y = np.log(frame["price"].to_numpy(dtype=np.float64))
    x = np.column_stack(
        [np.ones(len(frame))] + [np.log(frame[c].to_numpy(dtype=np.float64)) for c in columns]
    )
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    resid = y - x @ beta
    tss = float(((y - y.mean()) ** 2).sum())
    r2 = 1.0 - float(resid @ resid) / tss if tss > 0 else float("nan")
    coefficients = {"const": float(beta[0])}
    coefficients.update({c: float(b) for c, b in zip(columns, beta[1:], strict=True)})
    coefficients["r2"] = r2
    series = pd.Series(resid, index=frame.index, name=label)
    result = _psy(series, label, lag, window, cv or MonteCarloCV(reps=999, rng=20150401), level)
    return AdjustedTest(key, label, method, series, result, coefficients)


def _step(table: pd.DataFrame) -> pd.Series:
    """A trailing table's known values by filing date (last value of a day kept)."""
    s = table["value"].astype("float64").dropna()
    return s[~s.index.duplicated(keep="last")]


def technology_proxies(fundamentals: pd.DataFrame) -> tuple[dict[str, pd.Series], str]:
    """The AI economy's technology proxies as series known at each filing date.

    Parameters
    ----------
    fundamentals : pandas.DataFrame
        A fundamentals table with several firms (:func:`bubblescope.data.bundled.load_fundamentals`
        with no symbol).

    Returns
    -------
    proxies : dict of str to pandas.Series
        ``ai_capex``: the sum of the hyperscalers' trailing-twelve-month capital expenditure
        (USD) over those with at least two years of quarterly filings, from the date all of
        them are known; ``ai_revenue``: NVIDIA's trailing-twelve-month revenue (USD), the sales
        of the main maker of AI accelerators. Each is indexed by filing date.
    note : str
        Which firms make up the capex proxy and what was left out.

    Raises
    ------
    DataError
        When no firm has enough capex filings and NVIDIA's revenue is absent.
    """
    from bubblescope.data.fundamentals import trailing_table
    from bubblescope.errors import DataError

    parts = {}
    for firm in HYPERSCALERS:
        step = _step(trailing_table(fundamentals, firm, "capex"))
        if len(step) >= _MIN_FILINGS:
            parts[firm] = step
    proxies: dict[str, pd.Series] = {}
    if parts:
        frame = pd.concat(parts, axis=1, sort=True).ffill()
        proxies["ai_capex"] = frame.dropna().sum(axis=1).rename("ai_capex")
    revenue = _step(trailing_table(fundamentals, "NVDA", "revenue"))
    if len(revenue):
        proxies["ai_revenue"] = revenue.rename("ai_revenue")
    if not proxies:
        raise DataError("no technology proxy: the fundamentals hold no hyperscaler capex or "
                        "NVIDIA revenue")  # fmt: skip
    firms = "+".join(parts) or "none"
    return proxies, (
        f"ai_capex: trailing capex of {firms} as filed; ai_revenue: NVIDIA's trailing revenue "
        f"as filed; left out: {LEFT_OUT}"
    )


@dataclass(frozen=True)
class AdjustedResult(ResultMixin):
    """Raw and fundamentals-adjusted PSY verdicts of one series.

    Attributes
    ----------
    name : str
        The series (ticker).
    tests : tuple of AdjustedTest
        ``price`` first, then the adjusted tests in the order ``pe``, ``ps``, ``factors``,
        ``technology`` (those requested).
    sampling : str
        How the closes were sampled before testing.
    notes : tuple of str
    """

    name: str
    tests: tuple[AdjustedTest, ...]
    sampling: str = ""
    notes: tuple[str, ...] = ()

    def test(self, key: str) -> AdjustedTest:
        """The test of ``key`` (KeyError when absent)."""
        for t in self.tests:
            if t.key == key:
                return t
        raise KeyError(key)

    @property
    def raw(self) -> AdjustedTest:
        """The test on the price itself."""
        return self.test("price")

    def _first(self, keys: tuple[str, ...]) -> AdjustedTest | None:
        for key in keys:
            t = next((x for x in self.tests if x.key == key and x.result is not None), None)
            if t is not None:
                return t
        return None

    @property
    def headline(self) -> AdjustedTest | None:
        """The adjusted test the plain sentence compares with: P/S, else P/E, else technology."""
        return self._first(("ps", "pe", "technology", "factors"))

    @property
    def headline_level(self) -> AdjustedTest | None:
        """The levels test compared with the price in levels: P/S, else P/E (None without)."""
        return self._first(("ps_level", "pe_level"))

    def sentences(self) -> list[str]:
        """One plain sentence per adjusted test on what its difference from the raw means.

        A levels test is compared with the price in levels, the others with the log price.
        """
        out = []
        for t in self.tests:
            if t.key in ("price", "price_level"):
                continue
            raw = self.test("price_level") if t.key.endswith("_level") else self.raw
            out.append(meaning(raw, t, self.name))
        return out

    def summary(self) -> str:
        """The verdicts side by side, the sentences and the regressions."""
        lines = [f"Bubble or adoption? PSY on {self.name}, raw and adjusted ({self.sampling})"]
        lines += [f"  {t.describe()}" for t in self.tests]
        lines.append("  What the differences mean:")
        lines += [f"    {s}" for s in self.sentences()]
        for t in self.tests:
            if t.coefficients:
                coef = ", ".join(f"{k} {v:.3f}" for k, v in t.coefficients.items())
                lines.append(f"  {t.label}: {coef}")
            lines.append(f"  {t.key}: {t.method}" + (f" ({t.reason})" if t.reason else ""))
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """One row per date and test: the tested value, BSADF, critical value, episode flag."""
        frames = []
        for t in self.tests:
            if t.result is None:
                continue
            f = t.result.to_frame()[["y", "bsadf", "threshold", "episode"]].copy()
            f["test"] = t.key
            frames.append(f)
        if not frames:
            return pd.DataFrame(columns=["test", "y", "bsadf", "threshold", "episode"])
        out = pd.concat(frames)
        out.index.name = "date"
        return out.set_index("test", append=True)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: each test's verdict, numbers and PSY result, and the sentences."""
        out: dict[str, Any] = to_jsonable(
            {
                "name": self.name,
                "sampling": self.sampling,
                "tests": [t.to_dict() for t in self.tests],
                "sentences": self.sentences(),
                "notes": list(self.notes),
            }
        )
        return out

    def chart_spec(self) -> ChartSpec:
        """Each log series tested (rebased to 0), above BSADF minus its critical value.

        A test in levels shares its log counterpart's colour and is dashed in the lower panel;
        its levels are left out of the upper panel, whose axis is in log units.
        """
        done = [t for t in self.tests if t.result is not None and t.series is not None]
        logs = [t.key for t in done if not t.key.endswith("_level")]
        series_lines = []
        gap_lines = []
        for t in done:
            assert t.series is not None
            assert t.result is not None
            base = t.key.removesuffix("_level")
            in_levels = t.key != base
            at = logs.index(base) if base in logs else len(logs) + done.index(t)
            color = _COLORS[at % len(_COLORS)]
            if not in_levels:
                y = t.series - float(t.series.iloc[0])
                series_lines.append(Line(y.index, y.to_numpy(), t.label, color=color, width=1.2))
            gap = t.result.bsadf - t.result.threshold
            gap_lines.append(
                Line(
                    gap.index, gap.to_numpy(), t.label, color=color, width=1.2,
                    dash="dash" if in_levels else "solid", legend=in_levels,
                )
            )  # fmt: skip
        return ChartSpec(
            f"{self.name}: bubble or adoption? PSY on the price and on the price adjusted",
            (
                Panel("tested series, log, rebased to 0", "log", lines=tuple(series_lines)),
                Panel(
                    "BSADF minus its critical value (above 0: explosive)",
                    "statistic",
                    lines=tuple(gap_lines),
                    hlines=(HLine(0.0, "critical value"),),
                    height=0.8,
                ),
            ),
            source=f"bubblescope.detect.adjusted; {self.sampling}",
        )


def adjusted_psy(
    close: pd.Series,
    name: str,
    *,
    fundamentals: pd.DataFrame | None = None,
    factors: Mapping[str, pd.Series] | None = None,
    proxies: Mapping[str, pd.Series] | None = None,
    proxy_note: str = "",
    sample: Sampler | None = None,
    sampling: str = "",
    lag: int = 0,
    window: Literal["psy", "exuber"] | int = "psy",
    cv: CriticalValueMethod | None = None,
    level: float = 0.95,
    levels: bool = False,
) -> AdjustedResult:
    """PSY on a price and on the price adjusted for its fundamentals, side by side.

    Parameters
    ----------
    close : pandas.Series
        Daily closes (positive), indexed by date.
    name : str
        The ticker (the ``symbol`` of ``fundamentals``).
    fundamentals : pandas.DataFrame, optional
        SEC fundamentals (:func:`bubblescope.data.bundled.load_fundamentals`): adds the P/E and
        P/S tests (each says why when the firm lacks the filings).
    factors : mapping of str to pandas.Series, optional
        Market and industry levels (e.g. ``{"SP500": ..., "XLK": ...}``): adds the factor test.
    proxies : mapping of str to pandas.Series, optional
        Technology proxies (:func:`technology_proxies`): adds the technology test.
    proxy_note : str
        What the proxies are (kept in the notes).
    sample : callable, optional
        Resampling of each daily series before the test (e.g. ``RunSettings.psy.sample``).
    sampling : str
        How ``sample`` samples, for the output.
    lag, window, cv, level
        As for :func:`bubblescope.detect.exuberance.psy`, the same for every test.
    levels : bool
        Also test the price and (with ``fundamentals``) its P/E and P/S in levels.

    Returns
    -------
    AdjustedResult

    Raises
    ------
    InputError
        For unusable closes (too short, NaN, not positive, not indexed by date). An adjusted
        test that cannot run on its inputs is kept as "not tested" with the reason.

    Examples
    --------
    >>> from bubblescope.data.bundled import load_bundled, load_fundamentals
    >>> from bubblescope.detect.critical_values import MonteCarloCV
    >>> close = load_bundled("NVDA")["close"].loc["2016":]
    >>> res = adjusted_psy(close, "NVDA", fundamentals=load_fundamentals("NVDA"),
    ...                    sample=lambda s: s.resample("ME").last().dropna(),
    ...                    cv=MonteCarloCV(reps=199, rng=0))
    >>> [t.key for t in res.tests]
    ['price', 'pe', 'ps']
    """
    from bubblescope.data.validate import validate_series

    if not isinstance(close, pd.Series) or not isinstance(close.index, pd.DatetimeIndex):
        raise InputError(f"{name}: adjusted PSY needs closes as a pandas Series indexed by date")
    daily = validate_series(close, min_points=10, name=name, purpose="adjusted PSY").series
    cv = cv or MonteCarloCV(reps=999, rng=20150401)
    opts: dict[str, Any] = {"sample": sample, "lag": lag, "window": window, "cv": cv}
    opts["level"] = level
    prices = _sampled(daily, sample)
    raw_y = np.log(prices).rename("log price")
    tests = [
        AdjustedTest(
            "price", "log price", "PSY on the log close",
            raw_y, _psy(raw_y, "log price", lag, window, cv, level),
        )
    ]  # fmt: skip
    if fundamentals is not None:
        tests += _ratio_tests(daily, fundamentals, name, opts)
    if factors:
        tests.append(
            _guarded(
                "factors",
                "log price net of " + " and ".join(factors),
                "OLS of the log price on a constant and the log levels of "
                + ", ".join(factors)
                + " over the tested span (Basele, Phillips & Shi 2025 control for market and "
                "industry factors; their exact regression was not found: closest documented "
                "form)",
                lambda label, method: residual_test(
                    daily, factors, key="factors", label=label, method=method, **opts
                ),
            )
        )
    if proxies:
        tests.append(
            _guarded(
                "technology",
                "log price net of AI technology proxies",
                "OLS of the log price on a constant and the log of "
                + ", ".join(proxies)
                + " (Chen et al. 2026's fundamental-versus-speculative decomposition, with the "
                "AI economy's shipped series standing in for TFP, IT investment and patents)",
                lambda label, method: residual_test(
                    daily, proxies, key="technology", label=label, method=method, **opts
                ),
            )
        )
    if levels:
        tests.append(
            AdjustedTest(
                "price_level", "price (levels)", "PSY on the close in levels",
                prices.rename("price (levels)"),
                _psy(prices.rename("price (levels)"), "price (levels)", lag, window, cv, level),
            )
        )  # fmt: skip
        if fundamentals is not None:
            tests += _ratio_tests(daily, fundamentals, name, {**opts, "log": False})
    notes = (proxy_note,) if proxies and proxy_note else ()
    return AdjustedResult(name, tuple(tests), sampling, notes)


def _guarded(
    key: str, label: str, method: str, run: Callable[[str, str], AdjustedTest]
) -> AdjustedTest:
    """Run one adjusted test; a test its inputs cannot support is kept with the reason."""
    try:
        return run(label, method)
    except BubblescopeError as exc:
        return AdjustedTest(key, label, method, reason=str(exc))


def _ratio_tests(
    daily: pd.Series, fundamentals: pd.DataFrame, name: str, opts: dict[str, Any]
) -> list[AdjustedTest]:
    from bubblescope.detect.firm_multiples import multiples

    log = opts.get("log", True)
    suffix, prefix, how = ("", "log ", "in logs") if log else ("_level", "", "in levels")
    specs = (
        ("pe" + suffix, prefix + "price-to-earnings", "net income"),
        ("ps" + suffix, prefix + "price-to-sales", "revenue"),
    )
    try:
        frame = multiples(daily, fundamentals, name).frame
    except BubblescopeError as exc:
        return [
            AdjustedTest(key, label, f"market cap / trailing {item}", reason=str(exc))
            for key, label, item in specs
        ]

    def one(key: str, label: str, method: str) -> AdjustedTest:
        ratio = frame[key.removesuffix("_level")]
        return _guarded(
            key,
            label,
            method,
            lambda lab, met: ratio_test(ratio, key=key, label=lab, method=met, **opts),
        )

    return [
        one(
            key,
            label,
            f"market capitalisation over the trailing-twelve-month {item} known at each date "
            f"(SEC filings), tested {how} as the Dallas Fed tests price-to-rent",
        )
        for key, label, item in specs
    ]
