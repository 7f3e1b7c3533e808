"""Acceptance: every "now" number of the status page, recomputed from the raw shipped files.

The issue's criterion: each number :func:`bubblescope.status.run_status` shows for NVDA, MSFT,
the AI basket, the NASDAQ and the S&P 500 is recomputed here from the Parquet files shipped in
``bubblescope/data/shipped`` (read with pyarrow, not through bubblescope's loaders), by code that
does not call the engine under test:

* drawdown and its peak: ``close[-1] / close.max() - 1`` and argmax;
* 24-month returns, raw and net of the S&P 500: calendar-month arithmetic with :mod:`calendar`
  and ``searchsorted``; GSY crash odds: ``1 / (1 + exp(-z))`` on the shipped coefficients (data);
* PSY: our own weekly resampling and 20-year window, GSADF and BSADF from the peer package
  pyexuber, episodes by our own implementation of PSY's (2015) dating rule;
* the AI and dot-com baskets: an independent, holdings-based equal-weight index;
* valuation: trailing P/E and P/S from ``fundamentals.parquet`` with the stock splits taken from
  the companies' announcements (not inferred), CAPE and gauge percentiles from
  ``shiller.parquet``;
* LPPLS: Confidence and the spread of tc from single fits of each nested window
  (:func:`lppls_fit`: the fitting kernel is shared, so this checks the indicator's nested fit,
  its normalisation by all windows, the sign of B and the tc dates, not the optimiser);
* every light from the value and the thresholds of ``settings/presets.yaml``, read as YAML.

Settings: the standard preset with 199 PSY replications (the critical values are read from the
reading: their precision is not under test) and no LPPLS "since" trace (only the reading at the
last date is). Backtest records are stubbed out: they are no "now" number and take a minute
(``test_records_change_no_reading``, marked slow, checks that they change no reading).
"""

from __future__ import annotations

import calendar
import functools
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml

import bubblescope
from bubblescope.settings import RunSettings
from bubblescope.status import StatusResult, run_status
from bubblescope.status.readings import Reading

PACKAGE = Path(bubblescope.__file__).parent
SHIPPED = PACKAGE / "data" / "shipped"
#: The standard preset as data (values only), read without bubblescope.settings.
STANDARD: dict[str, Any] = yaml.safe_load(
    (PACKAGE / "settings" / "presets.yaml").read_text(encoding="utf-8")
)["standard"]

#: The run under test: standard, cheaper where it does not change what is tested.
SETTINGS = RunSettings.preset("standard").with_changes(
    psy={"reps": 199}, lppls={"history_months": 0}
)
KEYS = ["NVDA", "MSFT", "AI_BASKET", "NASDAQ", "SP500"]
#: Stock splits after 2009 (the first SEC share counts shipped), from the companies' own
#: announcements: NVIDIA's 4-for-1 (effective 20 July 2021) and 10-for-1 (10 June 2024);
#: Microsoft has not split since February 2003.
SPLITS: dict[str, list[tuple[str, float]]] = {
    "NVDA": [("2021-07-20", 4.0), ("2024-06-10", 10.0)],
    "MSFT": [],
}
#: Gauge ranks need ten years (120 months) of history (bubble_gauge's documented default).
GAUGE_MIN_HISTORY = 120


def preset(section: str, key: str) -> Any:
    """A value of the standard preset, from the YAML file."""
    return STANDARD[section][key]["value"]


# --- the run under test -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def status(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StatusResult]:
    """One status run over the five rows, in an empty home, without backtest records."""
    import bubblescope.status.run as run_module

    home = tmp_path_factory.mktemp("status-home")
    with pytest.MonkeyPatch.context() as mp:
        # its own results cache too: every reading is computed by this run's code
        mp.setenv("BUBBLESCOPE_HOME", str(home))
        mp.setenv("BUBBLESCOPE_RESULTS_CACHE", str(home / "results"))
        mp.delenv("BUBBLESCOPE_SHIPPED_DIR", raising=False)
        mp.setattr(run_module, "compute_records", lambda settings: {})
        yield run_status(SETTINGS, symbols=KEYS, log=False)


def reading(status: StatusResult, key: str, signal: str) -> Reading:
    row = status.row(key)
    assert row.error is None, row.error
    found = row.reading(signal)
    assert found is not None, f"{key} has no {signal} reading"
    return found


# --- the raw files, read directly --------------------------------------------------------------


@functools.cache
def table(name: str) -> pd.DataFrame:
    return pq.read_table(SHIPPED / name).to_pandas()


@functools.cache
def raw_close(symbol: str) -> pd.Series:
    rows = table("prices.parquet")
    rows = rows[rows["symbol"] == symbol]
    close = pd.Series(
        rows["close"].to_numpy(np.float64),
        index=pd.DatetimeIndex(pd.to_datetime(rows["date"])),
        name=symbol,
    ).sort_index()
    close = close.dropna()
    assert close.index.is_unique
    assert len(close) > 0
    assert bool((close > 0).all())
    return close


@functools.cache
def basket(members: tuple[str, ...]) -> pd.Series:
    """Equal-weighted basket, rebalanced at the close of each quarter's first trading day.

    Written as holdings: at the close of a rebalance day the basket's value is split equally over
    the members with a price on or before that day; the units bought are then held (their value
    drifts with the prices, a day without a trade keeps the last price) up to the next rebalance
    day's close. Starts (100) in the first quarter with at least ``basket_min_share`` of the
    members listed; ends at the earliest last date of any member.
    """
    assert preset("data", "basket_rebalance") == "Q"  # what this implementation does
    closes = {m: raw_close(m) for m in members}
    end = min(s.index[-1] for s in closes.values())
    days = np.unique(np.concatenate([s.index.to_numpy() for s in closes.values()]))
    days = days[days <= end.to_datetime64()]
    px = np.full((len(days), len(members)), np.nan)
    for j, s in enumerate(closes.values()):
        pos = np.searchsorted(s.index.to_numpy(), days, side="right") - 1
        px[pos >= 0, j] = s.to_numpy()[pos[pos >= 0]]
    stamps = pd.DatetimeIndex(days)
    quarter = stamps.year.to_numpy() * 4 + (stamps.month.to_numpy() - 1) // 3
    rebalance = np.r_[True, quarter[1:] != quarter[:-1]]
    share = float(preset("data", "basket_min_share"))
    first = next(
        i for i in np.flatnonzero(rebalance) if np.isfinite(px[i]).sum() >= share * len(members)
    )
    level = np.empty(len(days) - first)
    units = np.zeros(len(members))
    for k, i in enumerate(range(first, len(days))):
        level[k] = 100.0 if k == 0 else float(np.sum(units * np.nan_to_num(px[i])))
        if rebalance[i]:
            listed = np.isfinite(px[i])
            units = np.zeros(len(members))
            units[listed] = level[k] / listed.sum() / px[i, listed]
    return pd.Series(level, index=stamps[first:], name="basket")


def series(key: str) -> pd.Series:
    if key == "AI_BASKET":
        return basket(tuple(preset("data", "ai_basket")))
    return raw_close(key)


def months_back(day: pd.Timestamp, months: int) -> pd.Timestamp:
    """The calendar date ``months`` months before ``day`` (the day clipped to the month's end)."""
    year, month0 = divmod(day.year * 12 + day.month - 1 - months, 12)
    last_day = calendar.monthrange(year, month0 + 1)[1]
    return pd.Timestamp(year, month0 + 1, min(day.day, last_day))


def on_or_before(index: pd.DatetimeIndex, day: pd.Timestamp) -> int:
    """Position of the last date of ``index`` on or before ``day`` (-1 if none)."""
    return int(np.searchsorted(index.to_numpy(), day.to_datetime64(), side="right")) - 1


def trailing_returns(close: pd.Series, months: int) -> np.ndarray:
    """``P_t / P_{t-months} - 1`` at every date (the base: last close on or before)."""
    values = close.to_numpy()
    out = np.full(len(values), np.nan)
    for i, day in enumerate(close.index):
        j = on_or_before(close.index, months_back(day, months))
        if j >= 0:
            out[i] = values[i] / values[j] - 1.0
    return out


@functools.cache
def market_trailing(months: int) -> np.ndarray:
    return trailing_returns(raw_close(preset("runup", "market")), months)


def market_returns_at(days: pd.DatetimeIndex, months: int) -> np.ndarray:
    """The market's own trailing return at its last date on or before each of ``days``."""
    market = raw_close(preset("runup", "market"))
    own = market_trailing(months)
    pos = np.searchsorted(market.index.to_numpy(), days.to_numpy(), side="right") - 1
    return np.where(pos >= 0, own[np.clip(pos, 0, None)], np.nan)


def weekly(close: pd.Series) -> pd.Series:
    """The last close of each week ending Friday, dated at its own trading day."""
    day = close.index.to_numpy().astype("datetime64[D]").astype(np.int64)
    weekday = (day + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    friday = day + (4 - weekday) % 7
    last = np.r_[friday[1:] != friday[:-1], True]
    return close[last]


def psy_sample(close: pd.Series) -> pd.Series:
    """Weekly closes strictly after the last date minus the lookback."""
    assert (preset("psy", "frequency"), preset("psy", "window")) == ("W", "psy")
    w = weekly(close)
    months = round(12 * float(preset("psy", "lookback_years")))
    return w[w.index > months_back(w.index[-1], months)]


def psy_points(T: int) -> int:
    """PSY's (2015) minimum window: floor(T (0.01 + 1.8 / sqrt T)) points of y."""
    return math.floor(T * (0.01 + 1.8 / math.sqrt(T)))


def exuber_bsadf(values: np.ndarray) -> tuple[np.ndarray, float]:
    """BSADF path and GSADF from pyexuber, with PSY's window (exuber counts regression rows)."""
    exuber = pytest.importorskip("exuber")
    lag = int(preset("psy", "lag"))
    rows = psy_points(len(values)) - 1 - lag
    ref = exuber.radf(np.asarray(values, dtype=np.float64), minw=rows, lag=lag)
    return np.ravel(ref.bsadf).astype(np.float64), float(np.ravel(ref.gsadf)[0])


def psy_runs(stat: np.ndarray, cv: float, min_duration: int) -> list[tuple[int, int]]:
    """PSY (2015) dating: an episode starts at an exceedance; its end is the first point below
    the critical value from ``min_duration`` points after the start (``len`` when ongoing)."""
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(stat):
        if stat[i] > cv:
            j = i + max(min_duration, 1)
            while j < len(stat) and stat[j] >= cv:
                j += 1
            runs.append((i, min(j, len(stat))))
            i = j
        else:
            i += 1
    return runs


def day(value: Any) -> str:
    return str(pd.Timestamp(value).date())


# --- lights from the YAML thresholds ------------------------------------------------------------


def light_drawdown(value: float) -> str:
    if value <= preset("lights", "drawdown_red"):
        return "red"
    return "amber" if value <= preset("lights", "drawdown_amber") else "green"


def light_return(raw: float, net: float | None, is_market: bool) -> tuple[str, bool]:
    threshold = preset("runup", "threshold")
    runup = raw >= threshold and (is_market or net is None or net >= threshold)
    if runup:
        return "red", True
    return ("amber" if raw >= preset("lights", "return_amber") else "green"), False


def light_crash(prob: float) -> str:
    if prob >= preset("lights", "crash_red"):
        return "red"
    return "amber" if prob >= preset("lights", "crash_amber") else "green"


def light_lppls(value: float) -> str:
    if value >= preset("lppls", "alarm"):
        return "red"
    return "amber" if value > preset("lights", "lppls_amber") else "green"


def light_valuation(percentile: float) -> str:
    if percentile >= preset("lights", "valuation_red"):
        return "red"
    return "amber" if percentile >= preset("lights", "valuation_amber") else "green"


# --- rows ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", KEYS)
def test_row_span(status: StatusResult, key: str) -> None:
    row = status.row(key)
    close = series(key)
    assert row.error is None
    assert (row.first_date, row.last_date) == (day(close.index[0]), day(close.index[-1]))
    assert {r.signal for r in row.readings} == {
        "psy_log",
        "psy_level",
        "lppls",
        "return_24m",
        "crash_odds",
        "drawdown",
        "valuation",
    }


# --- drawdown -----------------------------------------------------------------------------------


@pytest.mark.parametrize("key", KEYS)
def test_drawdown_now(status: StatusResult, key: str) -> None:
    close = series(key)
    values = close.to_numpy()
    peak = int(np.argmax(values))
    now = values[-1] / values.max() - 1.0
    r = reading(status, key, "drawdown")
    assert r.value == pytest.approx(now, rel=1e-9, abs=1e-12)
    assert r.detail["peak"] == pytest.approx(values.max(), rel=1e-9)
    assert r.detail["last"] == pytest.approx(values[-1], rel=1e-9)
    assert r.detail["peak_date"] == day(close.index[peak])
    assert r.since == (day(close.index[peak]) if now < 0 else None)
    assert r.light == light_drawdown(now)


# --- 24-month return and GSY crash odds ---------------------------------------------------------


def expected_return(key: str) -> dict[str, Any]:
    close = series(key)
    months = int(preset("runup", "horizon_months"))
    last = close.index[-1]
    base = on_or_before(close.index, months_back(last, months))
    raw = close.iloc[-1] / close.iloc[base] - 1.0
    is_market = key == preset("runup", "market")
    net = None
    if not is_market:
        m_now = float(market_returns_at(pd.DatetimeIndex([last]), months)[0])
        net = raw - m_now if np.isfinite(m_now) else None
    light, runup = light_return(raw, net, is_market)
    return {
        "raw": raw,
        "net": net,
        "is_market": is_market,
        "base_date": day(close.index[base]),
        "base_close": float(close.iloc[base]),
        "light": light,
        "runup": runup,
    }


@pytest.mark.parametrize("key", KEYS)
def test_return_24m_now(status: StatusResult, key: str) -> None:
    want = expected_return(key)
    r = reading(status, key, "return_24m")
    assert r.value == pytest.approx(want["raw"], rel=1e-9)
    assert r.detail["raw"] == r.value
    assert r.detail["base_date"] == want["base_date"]
    assert r.detail["base_close"] == pytest.approx(want["base_close"], rel=1e-9)
    if want["net"] is None:
        assert r.detail["net"] is None
    else:
        assert r.detail["net"] == pytest.approx(want["net"], rel=1e-9)
    assert r.detail["runup"] is want["runup"]
    assert r.light == want["light"]


def light_run_start(key: str, light: str) -> str | None:
    """First date of the trailing run of days on which the run-up light was ``light``."""
    close = series(key)
    months = int(preset("runup", "horizon_months"))
    raw = trailing_returns(close, months)
    is_market = key == preset("runup", "market")
    net = raw - market_returns_at(close.index, months) if not is_market else raw
    lights = []
    for r, n in zip(raw, net, strict=True):
        if not np.isfinite(r):
            lights.append("grey")
        else:
            lights.append(light_return(r, n if np.isfinite(n) else None, is_market)[0])
    if lights[-1] != light:
        return None
    i = len(lights) - 1
    while i > 0 and lights[i - 1] == light:
        i -= 1
    return day(close.index[i])


@pytest.mark.parametrize("key", KEYS)
def test_return_24m_since_the_light_held(status: StatusResult, key: str) -> None:
    r = reading(status, key, "return_24m")
    want = light_run_start(key, r.light) if r.light != "green" else None
    assert r.since == want


def gsy_model() -> tuple[float, float, float]:
    """(const, slope, lowest fitted threshold) of the shipped net-run-up logit, as data."""
    from bubblescope.detect._runup_coefficients import MODELS, PROVENANCE

    sample = str(preset("runup", "model_sample")).replace("-", "_")
    model = MODELS[f"net_{sample}"]
    assert tuple(model["terms"]) == ("const", "net_runup")
    const, slope = (float(p) for p in model["params"])
    return const, slope, float(min(PROVENANCE["thresholds_stacked"]))


@pytest.mark.parametrize("key", KEYS)
def test_crash_odds_now(status: StatusResult, key: str) -> None:
    want = expected_return(key)
    r = reading(status, key, "crash_odds")
    if want["is_market"]:
        assert (r.light, r.value) == ("grey", None)
        return
    const, slope, lowest = gsy_model()
    net = want["net"]
    assert net is not None
    assert r.detail["net"] == pytest.approx(net, rel=1e-9)
    if net < lowest:  # below the run-ups the model was fitted on
        assert (r.value, r.light) == (None, "green")
        return
    prob = 1.0 / (1.0 + math.exp(-(const + slope * net)))
    assert r.value == pytest.approx(prob, rel=1e-9)
    assert r.light == light_crash(prob)


# --- PSY ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("log", [True, False], ids=["log", "level"])
@pytest.mark.parametrize("key", KEYS)
def test_psy_now_equals_pyexuber(status: StatusResult, key: str, log: bool) -> None:
    sample = psy_sample(series(key))
    y = np.log(sample.to_numpy()) if log else sample.to_numpy()
    T = len(y)
    bsadf, gsadf = exuber_bsadf(y)
    ends = sample.index[psy_points(T) - 1 :]
    assert len(bsadf) == len(ends)
    r = reading(status, key, "psy_log" if log else "psy_level")
    d = r.detail
    assert (d["n"], d["first"], d["last"]) == (T, day(sample.index[0]), day(sample.index[-1]))
    assert d["gsadf"] == pytest.approx(gsadf, abs=1e-10)
    assert d["bsadf"] == pytest.approx(bsadf[-1], abs=1e-10)
    assert r.value == d["bsadf"]
    # episodes by PSY's rule on pyexuber's path, against the reading's critical values
    crit, crit_amber = d["critical_value"], d["critical_value_amber"]
    assert crit_amber < crit  # the 90% value lies below the 95% value
    runs = psy_runs(bsadf, crit, round(math.log(T)))
    ongoing = bool(runs) and runs[-1][1] == len(bsadf)
    assert d["episodes"] == len(runs)
    if runs:
        start, end = runs[-1]
        peak = start + int(np.argmax(bsadf[start:end]))
        last = d["last_episode"]
        assert last["start"] == day(ends[start])
        assert last["peak"] == day(ends[peak])
        assert last["end"] == (None if ongoing else day(ends[end]))
    else:
        assert d["last_episode"] is None
    # the reading now: explosive only while the last BSADF is above its critical value; an
    # episode the rule holds open while BSADF is back below it is not confirmed (amber)
    above = bool(bsadf[-1] > crit)
    state = (
        "explosive now"
        if above
        else "episode not confirmed"
        if ongoing
        else ("explosive earlier" if runs else "not explosive")
    )
    assert d["now"]["state"] == state
    light = "red" if above else ("amber" if bsadf[-1] > crit_amber or ongoing else "green")
    assert r.light == light
    assert r.since == (day(ends[runs[-1][0]]) if above else None)


@pytest.mark.parametrize("log", [True, False], ids=["log", "level"])
@pytest.mark.parametrize("key", KEYS)
def test_psy_what_if_price_moves_bsadf_across_its_critical_value(
    status: StatusResult, key: str, log: bool
) -> None:
    sample = psy_sample(series(key))
    r = reading(status, key, "psy_log" if log else "psy_level")
    crit = r.detail["critical_value"]
    price = float(sample.iloc[-1])

    def bsadf_now(p: float) -> float:
        y = sample.to_numpy().copy()
        y[-1] = p
        return float(exuber_bsadf(np.log(y) if log else y)[0][-1])

    found = re.search(r"close (above|below) ([\d,]+\.\d+)", r.what_if)
    if found is None:  # no close within +-50% of the last crosses
        assert r.what_if.startswith("no close within")
        lo, hi = (0.5 * price, price) if r.value > crit else (price, 1.5 * price)
        assert (bsadf_now(lo) - crit) * (bsadf_now(hi) - crit) > 0
        return
    level = float(found.group(2).replace(",", ""))
    assert (found.group(1) == "below") == (r.value > crit)
    # the printed level (2 decimals) sits at the crossing: BSADF straddles the critical value
    step = max(1e-4, 0.02 / level)
    assert (bsadf_now(level * (1 - step)) - crit) * (bsadf_now(level * (1 + step)) - crit) <= 0


# --- LPPLS --------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", KEYS)
def test_lppls_invariants_and_light(status: StatusResult, key: str) -> None:
    r = reading(status, key, "lppls")
    scales = r.detail["scales"]
    assert list(scales) == list(preset("lppls", "scales"))
    values = {k: v["confidence"] for k, v in scales.items() if v["confidence"] is not None}
    assert values, "every series here is longer than the longest window"
    for v in scales.values():
        if v["confidence"] is not None:
            assert 0.0 <= v["confidence"] <= 1.0
            assert 0.0 <= v["confidence_neg"] <= 1.0
    largest = max(values.values())
    assert r.value == largest
    assert values.get(r.detail["largest_scale"]) == largest
    assert r.detail["alarm"] == preset("lppls", "alarm")
    assert r.light == light_lppls(largest)
    assert (r.light == "red") == (largest >= preset("lppls", "alarm"))
    if r.light == "green":
        assert r.since is None
    else:  # history_months = 0: the trace is the last date alone
        assert (r.since, r.since_bound) == (day(series(key).index[-1]), "on or before")


def test_lppls_short_history_needs_the_longest_window(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bubblescope.status.run as run_module
    from bubblescope.detect.lppls import WindowSet

    monkeypatch.setenv("BUBBLESCOPE_HOME", str(tmp_path))
    monkeypatch.setenv("BUBBLESCOPE_RESULTS_CACHE", str(tmp_path / "results"))
    monkeypatch.setattr(run_module, "compute_records", lambda settings: {})
    n = len(raw_close("CRWV"))  # listed 2025-03-28: fewer days than the medium scale needs
    res = run_status(SETTINGS, symbols=["CRWV"], log=False)
    r = reading(res, "CRWV", "lppls")
    for scale, v in r.detail["scales"].items():
        need = getattr(WindowSet, scale)().max_window
        if n < need:
            assert v["confidence"] is None
            assert v["note"] == f"needs {need} trading days, has {n}"
        else:
            assert 0.0 <= v["confidence"] <= 1.0
    assert any(v["confidence"] is None for v in r.detail["scales"].values())
    ret = reading(res, "CRWV", "return_24m")
    assert (ret.light, ret.value) == ("grey", None)


def single_fit_confidence(close: pd.Series, scale: str) -> dict[str, Any]:
    """Confidence at the last date from one lppls_fit per nested window (last L closes)."""
    from bubblescope.detect.lppls import GridSpec, LPPLSFilter, WindowSet, lppls_fit

    windows = getattr(WindowSet, scale)()
    flt = LPPLSFilter.fco_confidence()
    pos, neg, tc = 0, 0, []
    for length in windows.lengths:
        # the indicator's grid (no random starts), not lppls_fit's finer single-fit default
        fit = lppls_fit(close.iloc[-int(length) :], grid=GridSpec())
        if fit.ok and fit.passes(flt):
            if fit.b < 0:
                pos += 1
                tc.append(fit.tc)
            elif fit.b > 0:
                neg += 1
    return {"pos": pos / len(windows), "neg": neg / len(windows), "tc": np.array(tc)}


def tc_day(last: pd.Timestamp, offset: float) -> str:
    """The business day ``round(offset)`` business days after ``last``."""
    moved = np.busday_offset(last.to_datetime64().astype("datetime64[D]"), round(offset))
    return str(moved)


LPPLS_CASES = [  # short scales and the S&P 500 (the non-zero readings) run by default
    pytest.param(key, scale, marks=[] if scale == "short" or key == "SP500" else [pytest.mark.slow])
    for key in KEYS
    for scale in ("short", "medium", "long")
]


@pytest.mark.parametrize(("key", "scale"), LPPLS_CASES)
def test_lppls_confidence_from_single_fits(status: StatusResult, key: str, scale: str) -> None:
    # The indicator fits every nested window in one pass whose (tc, m, omega) grid spans the
    # longest window's tc interval; a single fit spans its own. Same bounds, filter and polish,
    # so the qualifying windows agree (they do on every case here).
    close = series(key)
    r = reading(status, key, "lppls")
    got = r.detail["scales"][scale]
    want = single_fit_confidence(close, scale)
    assert got["confidence"] == pytest.approx(want["pos"], abs=1e-12)
    assert got["confidence_neg"] == pytest.approx(want["neg"], abs=1e-12)
    if len(want["tc"]):
        last = close.index[-1]
        q10, q50, q90 = np.quantile(want["tc"], [0.1, 0.5, 0.9])
        assert got["tc_median"] == tc_day(last, q50)
        assert got["tc_spread"] == [tc_day(last, q10), tc_day(last, q90)]
    else:
        assert (got["tc_median"], got["tc_spread"]) == (None, None)


# --- valuation ----------------------------------------------------------------------------------


def _as_of(filed: np.ndarray, dates: np.ndarray) -> np.ndarray:
    return np.searchsorted(filed, dates, side="right") - 1


def multiples_history(symbol: str) -> pd.DataFrame:
    """Daily point-in-time market cap, TTM net income and revenue, P/E and P/S of ``symbol``.

    Shares: the latest cover-page count filed on or before each date, put on today's share
    basis with :data:`SPLITS` (a count dated before a split is multiplied by its ratio). Flows:
    the four latest quarters (by period end) filed on or before each date, summed when they are
    consecutive (period ends 80-100 days apart), else undefined.
    """
    funds = table("fundamentals.parquet")
    funds = funds[(funds["symbol"] == symbol) & (funds["period"] == "Q") & funds["filed"].notna()]
    close = raw_close(symbol)
    shares = funds[funds["item"] == "shares_outstanding"].sort_values(["filed", "end"])
    shares = shares.drop_duplicates("filed", keep="last")
    factor = np.ones(len(shares))
    for when, ratio in SPLITS[symbol]:
        factor[shares["end"].to_numpy() < np.datetime64(when)] *= ratio
    filed = shares["filed"].to_numpy()
    at = _as_of(filed, close.index.to_numpy())
    keep = at >= 0
    close, at = close[keep], at[keep]
    out = pd.DataFrame(
        {
            "close": close.to_numpy(),
            "cap": close.to_numpy() * (shares["value"] * factor).to_numpy()[at],
        },
        index=close.index,
    )
    for item in ("net_income", "revenue"):
        rows = funds[funds["item"] == item]
        assert not rows.duplicated(["fiscal_year", "fiscal_period"]).any()
        days = np.sort(rows["filed"].unique())
        ttm = np.full(len(days), np.nan)
        for i, d in enumerate(days):
            last4 = rows[rows["filed"] <= d].sort_values("end").tail(4)
            gaps = np.diff(last4["end"].to_numpy()).astype("timedelta64[D]").astype(int)
            if len(last4) == 4 and bool(np.all((gaps >= 80) & (gaps <= 100))):
                ttm[i] = float(last4["value"].sum())
        pos = _as_of(days, out.index.to_numpy())
        out[item] = np.where(pos >= 0, ttm[np.clip(pos, 0, None)], np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["pe"] = np.where(out["net_income"] > 0, out["cap"] / out["net_income"], np.nan)
        out["ps"] = np.where(out["revenue"] > 0, out["cap"] / out["revenue"], np.nan)
    return out


def own_percentile(values: np.ndarray) -> float | None:
    """Rank of the last value among all defined values: 100 (count <= last - 1) / (count - 1)."""
    history = values[np.isfinite(values)]
    if not np.isfinite(values[-1]) or len(history) < 2:
        return None
    return 100.0 * (np.count_nonzero(history <= values[-1]) - 1) / (len(history) - 1)


@pytest.mark.parametrize("symbol", ["NVDA", "MSFT"])
def test_stock_valuation_now(status: StatusResult, symbol: str) -> None:
    hist = multiples_history(symbol)
    now = hist.iloc[-1]
    r = reading(status, symbol, "valuation")
    assert r.detail["market_cap"] == pytest.approx(now["cap"], rel=1e-12)
    assert r.detail["pe"] == pytest.approx(now["pe"], rel=1e-12)
    assert r.detail["ps"] == pytest.approx(now["ps"], rel=1e-12)
    ranks = {k: own_percentile(hist[k].to_numpy()) for k in ("pe", "ps")}
    for k, v in ranks.items():
        assert r.detail["percentiles"][k] == pytest.approx(v, abs=1e-9)
    assert r.detail["since"] == day(hist.index[0])
    top = max(v for v in ranks.values() if v is not None)
    assert r.value == pytest.approx(top, abs=1e-9)
    assert r.light == light_valuation(top)


def test_nvda_valuation_inputs_from_the_latest_filings(status: StatusResult) -> None:
    # The "now" multiples spelled out: TTM = the four latest quarters filed by the last price.
    funds = table("fundamentals.parquet")
    funds = funds[(funds["symbol"] == "NVDA") & (funds["period"] == "Q")]
    close = raw_close("NVDA")
    last = close.index[-1].to_datetime64()
    known = funds[funds["filed"] <= last]
    shares = known[known["item"] == "shares_outstanding"].sort_values("end").iloc[-1]
    assert shares["end"] > pd.Timestamp(SPLITS["NVDA"][-1][0])  # after the last split
    cap = float(close.iloc[-1]) * float(shares["value"])
    income = known[known["item"] == "net_income"].sort_values("end").tail(4)["value"].sum()
    revenue = known[known["item"] == "revenue"].sort_values("end").tail(4)["value"].sum()
    r = reading(status, "NVDA", "valuation")
    assert r.detail["pe"] == pytest.approx(cap / income, rel=1e-12)
    assert r.detail["ps"] == pytest.approx(cap / revenue, rel=1e-12)


def test_sp500_cape_now(status: StatusResult) -> None:
    shiller = table("shiller.parquet")
    cape = pd.Series(
        shiller["CAPE"].to_numpy(np.float64), index=pd.to_datetime(shiller["date"])
    ).dropna()
    values = cape.to_numpy()
    pct = 100.0 * np.mean(values <= values[-1])  # share of months at or below the latest
    r = reading(status, "SP500", "valuation")
    d = r.detail
    assert d["value"] == values[-1]
    assert d["as_of"] == day(cape.index[-1])
    assert r.value == pytest.approx(pct, abs=1e-12)
    assert d["percentile"] == r.value
    assert d["record"] == values.max()
    assert d["record_date"] == day(cape.index[int(np.argmax(values))])
    assert r.light == light_valuation(pct)


@pytest.mark.parametrize("key", ["AI_BASKET", "NASDAQ"])
def test_no_valuation_without_earnings(status: StatusResult, key: str) -> None:
    r = reading(status, key, "valuation")
    assert (r.light, r.value) == ("grey", None)


# --- the market view ----------------------------------------------------------------------------


def gauge_ranks() -> tuple[pd.DatetimeIndex, dict[str, np.ndarray]]:
    """Point-in-time (expanding) percentile of each Shiller proxy at every month, oriented so
    that 100 is the bubbliest: ``100 (count of history <= now - 1) / (count - 1)``."""
    sh = table("shiller.parquet")
    dates = pd.DatetimeIndex(pd.to_datetime(sh["date"]))
    cpi = pd.Series(sh["CPI"].to_numpy(np.float64), index=dates)
    cpi_year_ago = np.array([cpi.get(months_back(d, 12), np.nan) for d in dates])
    proxies = {  # value, higher is bubblier
        "cape": (sh["CAPE"].to_numpy(np.float64), True),
        "pe_trailing": ((sh["P"] / sh["E"]).to_numpy(np.float64), True),
        "excess_cape_yield": (sh["excess_CAPE_yield"].to_numpy(np.float64), False),
        "real_10y_yield": (
            sh["GS10"].to_numpy(np.float64) / 100.0 - (cpi.to_numpy() / cpi_year_ago - 1.0),
            False,
        ),
    }
    ranks = {}
    for key, (raw, higher) in proxies.items():
        values = raw if higher else -raw
        out = np.full(len(values), np.nan)
        seen: list[float] = []
        for i, v in enumerate(values):
            if np.isnan(v):
                continue
            seen.append(v)
            if len(seen) >= GAUGE_MIN_HISTORY:
                hist = np.array(seen)
                out[i] = 100.0 * (np.count_nonzero(hist <= v) - 1) / (len(hist) - 1)
        ranks[key] = out
    return dates, ranks


def gauge_at(ranks: dict[str, np.ndarray], i: int) -> dict[str, float | None]:
    def mean(*keys: str) -> float | None:
        vals = [ranks[k][i] for k in keys if np.isfinite(ranks[k][i])]
        return float(np.mean(vals)) if vals else None

    return {
        "price_vs_traditional": mean("cape", "pe_trailing"),
        "unsustainable_growth": mean("excess_cape_yield"),
        "monetary_policy": mean("real_10y_yield"),
    }


def test_gauge_components_recomputed(status: StatusResult) -> None:
    g = status.gauge
    assert g is not None
    dates, ranks = gauge_ranks()
    covered = [
        i for i in range(len(dates)) if any(v is not None for v in gauge_at(ranks, i).values())
    ]
    i = covered[-1]
    assert g.as_of == day(dates[i])
    want = gauge_at(ranks, i)
    for name, value in want.items():
        assert g.criteria[name] == pytest.approx(value, abs=1e-9), name
    # the CAPE component alone: E is not yet published for the last months
    if not np.isfinite(ranks["pe_trailing"][i]):
        assert g.criteria["price_vs_traditional"] == pytest.approx(ranks["cape"][i], abs=1e-9)
    others = [k for k in g.criteria if k not in want]
    assert all(g.criteria[k] is None for k in others)
    assert sorted(g.missing) == sorted(others)
    available = [v for v in want.values() if v is not None]
    assert g.aggregate == pytest.approx(np.mean(available), abs=1e-9)  # equal weights
    assert g.coverage == pytest.approx(len(available) / len(g.criteria), abs=1e-12)
    march = max(j for j in covered if dates[j] <= pd.Timestamp("2000-03-31"))
    then = [v for v in gauge_at(ranks, march).values() if v is not None]
    assert g.history_percentile_2000 == pytest.approx(np.mean(then), abs=1e-9)


def test_alignment_recomputed(status: StatusResult) -> None:
    al = status.alignment
    assert al is not None
    ai = basket(tuple(preset("data", "ai_basket")))
    dc = basket(tuple(preset("data", "dotcom_basket")))
    months = round(12 * float(preset("data", "alignment_lookback_years")))

    def start_before(level: pd.Series, ref: int) -> int:
        """Position of the lowest close in the lookback before position ``ref``."""
        lo = on_or_before(level.index, months_back(level.index[ref], months) - pd.Timedelta(days=1))
        return lo + 1 + int(np.argmin(level.to_numpy()[lo + 1 : ref + 1]))

    a_last = len(ai) - 1
    a0 = start_before(ai, a_last)
    assert (al.ai_last, al.ai_start) == (day(ai.index[a_last]), day(ai.index[a0]))
    assert al.ai_gain == pytest.approx(ai.iloc[a_last] / ai.iloc[a0], rel=1e-9)
    assert al.days == a_last - a0

    lo, hi = (pd.Timestamp(d) for d in preset("data", "dotcom_peak_window"))
    inside = np.flatnonzero((dc.index >= lo) & (dc.index <= hi))
    peak = int(inside[np.argmax(dc.to_numpy()[inside])])
    d0 = start_before(dc, peak)
    after_end = on_or_before(dc.index, months_back(dc.index[peak], -36))
    trough = peak + int(np.argmin(dc.to_numpy()[peak : after_end + 1]))
    assert (al.dotcom_peak, al.dotcom_start) == (day(dc.index[peak]), day(dc.index[d0]))
    assert al.dotcom_peak_gain == pytest.approx(dc.iloc[peak] / dc.iloc[d0], rel=1e-9)
    assert al.dotcom_fall == pytest.approx(dc.iloc[trough] / dc.iloc[peak] - 1.0, rel=1e-9)
    same_age = d0 + min(al.days, trough - d0)
    assert al.dotcom_gain_same_age == pytest.approx(dc.iloc[same_age] / dc.iloc[d0], rel=1e-9)
    assert al.days_to_dotcom_peak == (peak - d0) - (a_last - a0)
    assert al.ai.iloc[-1] == pytest.approx(100.0 * al.ai_gain, rel=1e-12)


# --- the stub is harmless -----------------------------------------------------------------------


@pytest.mark.slow
def test_records_change_no_reading(
    status: StatusResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bubblescope.status.run as run_module
    from bubblescope.status.records import compute_records

    monkeypatch.setenv("BUBBLESCOPE_HOME", str(tmp_path))
    monkeypatch.setenv("BUBBLESCOPE_RESULTS_CACHE", str(tmp_path / "results"))  # nothing cached
    monkeypatch.setattr(run_module, "compute_records", compute_records)  # the module's stub
    full = run_status(SETTINGS, symbols=KEYS, log=False)
    for key in KEYS:
        with_records = {r.signal: r.to_dict() for r in full.row(key).readings}
        stubbed = {r.signal: r.to_dict() for r in status.row(key).readings}
        assert with_records == stubbed
    assert any(row.records for row in full.rows)
