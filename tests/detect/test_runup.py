"""GSY run-up flags, episodes and crash labels (S12), the logit, and input errors."""

from __future__ import annotations

import itertools
import json

import matplotlib
import numpy as np
import pandas as pd
import pytest

from bubblescope.detect._runup_logit import fit_logit
from bubblescope.detect.gsy import crash_probability, runup
from bubblescope.errors import InputError

matplotlib.use("Agg")

G = 1.03  # 24 monthly steps of 3%: 1.03**24 - 1 = 1.0328 > 100%, 1.03**23 - 1 = 0.974 < 100%


def _path(tail: list[float], *, n_flat: int = 12, start: str = "2000-01-31") -> pd.Series:
    """Flat at 1 for n_flat months, 24 months of 3% growth, then ``tail`` (relative to the top)."""
    top = G**24
    values = np.r_[np.ones(n_flat), G ** np.arange(1, 25), top * np.asarray(tail, dtype=float)]
    idx = pd.date_range(start, periods=len(values), freq="ME")
    return pd.Series(values, index=idx, name="A")


def _flat_market(like: pd.Series, growth: float = 1.0) -> pd.Series:
    return pd.Series(growth ** np.arange(len(like)), index=like.index, name="M")


def _one(res_tail: list[float], **kw: object) -> pd.Series:
    asset = _path(res_tail)
    res = runup(asset, _flat_market(asset), prior_window=None, **kw)  # type: ignore[arg-type]
    assert res.n_episodes == 1
    return res.episodes.iloc[0]


# -- S12: exact labelling on hand-made monthly paths ------------------------------------------


def test_flag_starts_exactly_when_24_month_return_exceeds_threshold() -> None:
    asset = _path([1.0] * 30)
    res = runup(asset, _flat_market(asset), prior_window=None)
    flags = res.flags["A"]
    first = asset.index[12 + 23]  # 24th growth month: P/P(-24) = 1.03**24
    assert flags.idxmax() == first
    assert not flags.loc[: asset.index[12 + 22]].any()
    assert res.raw_runup["A"].loc[first] == pytest.approx(G**24 - 1, rel=1e-12)
    assert res.net_runup["A"].loc[first] == pytest.approx(G**24 - 1, rel=1e-12)
    assert res.episodes["start"].tolist() == [first]


def test_crash_at_exactly_forty_percent_within_window() -> None:
    ep = _one([1.0, 0.8, 0.6] + [0.6] * 30)  # -40% two months after the run-up date
    assert ep.crash is True or bool(ep.crash)
    assert ep.drawdown == pytest.approx(-0.4, abs=1e-12)
    assert ep.crash_date == ep.start + pd.offsets.MonthEnd(3)


def test_no_crash_at_39_9_percent() -> None:
    ep = _one([1.0, 0.601] + [0.601] * 30)
    assert not bool(ep.crash)
    assert ep.drawdown == pytest.approx(-0.399, abs=1e-12)


def test_crash_window_boundary_is_24_months_inclusive() -> None:
    # flat for 23 months after the run-up date, then -50% in month 24: inside the window
    # (tail[k] is month k + 1 after the run-up date)
    inside = _one([1.0] * 23 + [0.5] * 6)
    assert bool(inside.crash)
    assert inside.crash_date == inside.start + pd.offsets.MonthEnd(24)
    # the same fall one month later is outside
    outside = _one([1.0] * 24 + [0.5] * 6)
    assert not bool(outside.crash)


def test_net_of_market_condition() -> None:
    asset = _path([1.0] * 30)
    # market up 2%/month: net = 1.0328 - (1.02**24 - 1) = 0.42 < 1 -> no run-up
    res = runup(asset, _flat_market(asset, 1.02), prior_window=None)
    assert res.n_episodes == 0
    assert not res.flags["A"].any()
    # without a market only the raw condition applies
    raw_only = runup(asset, prior_window=None)
    assert raw_only.n_episodes == 1
    assert raw_only.settings["net_of_market"] is False


def test_anchor_peak_versus_runup() -> None:
    # after the run-up the price rises 50% more, then falls 45% from that new peak:
    # 45% drawdown from the peak, but only 1.5 * 0.55 - 1 = -17.5% from the run-up date price
    tail = [1.2, 1.5, 1.1, 0.825] + [0.825] * 30
    peak = _one(tail, anchor="peak")
    assert bool(peak.crash)
    assert peak.drawdown == pytest.approx(-0.45, abs=1e-12)
    runup_anchor = _one(tail, anchor="runup")
    assert not bool(runup_anchor.crash)
    assert runup_anchor.drawdown == pytest.approx(-0.175, abs=1e-12)


def test_episode_deduplication_every_crash_horizon() -> None:
    # keep growing 3%/month for 40 more months: flags every month from the first crossing;
    # episodes start at the crossing and 24 months later (76 points: positions 35 and 59)
    top = G**24
    values = np.r_[np.ones(12), G ** np.arange(1, 25), top * G ** np.arange(1, 41)]
    idx = pd.date_range("2000-01-31", periods=len(values), freq="ME")
    asset = pd.Series(values, index=idx, name="A")
    res = runup(asset, _flat_market(asset), prior_window=None)
    first = idx[35]
    assert res.episodes["start"].tolist() == [first, idx[35 + 24]]
    # the second window runs past the data end without a crash: censored, label unknown
    assert res.episodes["censored"].tolist() == [False, True]
    assert res.episodes["crash"].isna().tolist() == [False, True]
    assert res.crash_share == 0.0


def test_prior_five_year_filter() -> None:
    # 40 flat months first: with the 60-month filter the 5-year return is 1.03**24 - 1 >= 50%
    values = _path([1.0] * 30, n_flat=40)
    assert runup(values, _flat_market(values)).n_episodes == 1
    # a 60% fall before the boom makes the 5-year return 0.4 * 2.03 - 1 < 50%: no run-up
    crashed = values.copy()
    crashed.iloc[:30] = 2.5
    assert runup(crashed, _flat_market(crashed)).n_episodes == 0
    assert runup(crashed, _flat_market(crashed), prior_window=None).n_episodes == 1


def test_daily_input_is_sampled_at_month_ends() -> None:
    monthly = _path([1.0, 0.5] + [0.5] * 30)
    days = pd.bdate_range(monthly.index[0] - pd.offsets.MonthBegin(1), monthly.index[-1])
    daily = monthly.reindex(days, method="bfill").dropna()
    # last business day of each month carries that month's value
    res_d = runup(daily, _flat_market(daily), prior_window=None)
    res_m = runup(monthly, _flat_market(monthly), prior_window=None)
    assert res_d.settings["resampled_to_month_end"] is True
    pd.testing.assert_series_equal(res_d.episodes["start"], res_m.episodes["start"])
    assert res_d.episodes["crash"].tolist() == res_m.episodes["crash"].tolist()


def test_returns_input_equals_price_input() -> None:
    asset = _path([1.0, 0.5] + [0.5] * 30)
    rets = asset.pct_change().iloc[1:]
    mkt = _flat_market(asset)
    a = runup(asset.iloc[1:] / asset.iloc[0], mkt.iloc[1:], prior_window=None)
    b = runup(rets, mkt.pct_change().iloc[1:], kind="return", prior_window=None)
    pd.testing.assert_frame_equal(a.episodes, b.episodes)


def test_characteristics_by_construction() -> None:
    asset = _path([1.0] * 30)
    idx = asset.index
    firms = pd.Series(np.linspace(10, 40, len(idx)), index=idx)
    res = runup(
        asset,
        _flat_market(asset),
        prior_window=None,
        n_firms=firms,
        min_firms=5,
        turnover=pd.Series(np.arange(len(idx), dtype=float), index=idx),
    )
    ep = res.episodes.iloc[0]
    t = 35
    assert ep.firm_growth == pytest.approx(firms.iloc[t] / firms.iloc[t - 24] - 1)
    assert ep.turnover == float(t)
    assert ep.turnover_change == 24.0
    # constant 3% growth: zero volatility, acceleration = (1.03**24 - 1) - (1.03**12 - 1)
    assert ep.volatility == pytest.approx(0.0, abs=1e-12)
    assert ep.acceleration == pytest.approx(G**24 - G**12, rel=1e-12)
    # too few firms -> no flag
    assert (
        runup(
            asset, _flat_market(asset), prior_window=None, n_firms=firms, min_firms=100
        ).n_episodes
        == 0
    )


def test_result_api() -> None:
    asset = _path([1.0, 0.5] + [0.5] * 30)
    res = runup(asset, _flat_market(asset), prior_window=None)
    payload = json.loads(json.dumps(res.to_dict(), allow_nan=False))
    assert payload["n_episodes"] == 1
    assert payload["episodes"][0]["crash"] is True
    assert 0.0 < payload["episodes"][0]["crash_probability"] < 1.0
    assert "1 episode(s), 1 crash(es)" in res.summary()
    frame = res.to_frame()
    assert list(frame.columns) == ["raw_runup", "net_runup", "flag"]
    assert type(res.plot()).__name__ == "Figure"


# -- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"threshold": float("nan")}, "threshold"),
        ({"horizon": 0}, "horizon must be a positive integer"),
        ({"crash_drawdown": 40.0}, "crash_drawdown must be a fraction"),
        ({"anchor": "trough"}, "anchor must be"),
        ({"net": "ratio"}, "net must be"),
        ({"min_firms": 10}, "min_firms needs n_firms"),
    ],
)
def test_bad_settings(kwargs: dict[str, object], match: str) -> None:
    asset = _path([1.0] * 30)
    with pytest.raises(InputError, match=match):
        runup(asset, _flat_market(asset), **kwargs)  # type: ignore[arg-type]


def test_bad_series() -> None:
    asset = _path([1.0] * 30)
    with pytest.raises(InputError, match="too short"):
        runup(asset.iloc[:20])
    holed = asset.copy()
    holed.iloc[30] = np.nan
    with pytest.raises(InputError, match="NaN"):
        runup(holed)
    neg = asset.copy()
    neg.iloc[5] = -1.0
    with pytest.raises(InputError, match="non-positive"):
        runup(neg)
    with pytest.raises(InputError, match="not sorted"):
        runup(asset.iloc[::-1])
    with pytest.raises(InputError, match="does not cover"):
        runup(asset, _flat_market(asset).iloc[5:])
    with pytest.raises(InputError, match="-100%"):
        runup(
            pd.Series([0.1] * 30 + [-1.0], index=pd.date_range("2000", periods=31, freq="ME")),
            kind="return",
        )


# -- the logit and the shipped model ----------------------------------------------------------


def test_logit_matches_statsmodels_with_cluster_errors() -> None:
    sm = pytest.importorskip("statsmodels.api")
    rng = np.random.default_rng(7)
    n = 400
    x = rng.normal(size=(n, 2))
    groups = rng.integers(0, 25, size=n)
    y = (rng.random(n) < 1 / (1 + np.exp(-(-0.5 + 1.2 * x[:, 0] - 0.7 * x[:, 1])))).astype(float)
    X = np.column_stack([np.ones(n), x])
    ours = fit_logit(X, y, clusters=groups)
    peer = sm.Logit(y, X).fit(disp=0, cov_type="cluster", cov_kwds={"groups": groups})
    np.testing.assert_allclose(ours.params, peer.params, rtol=1e-8)
    np.testing.assert_allclose(ours.bse, peer.bse, rtol=1e-6)
    assert ours.loglike == pytest.approx(peer.llf, rel=1e-10)
    plain = fit_logit(X, y)
    np.testing.assert_allclose(plain.bse, sm.Logit(y, X).fit(disp=0).bse, rtol=1e-6)


def test_crash_probability_shape_and_errors() -> None:
    p = crash_probability(np.array([0.0, 0.5, 1.0, 1.5, 3.0]))
    assert p.shape == (5,)
    assert (np.diff(p) > 0).all()
    assert isinstance(crash_probability(1.0), float)
    with pytest.raises(InputError, match="missing"):
        crash_probability(1.0, volatility=0.3)
    with pytest.raises(InputError, match="unknown characteristic"):
        crash_probability(1.0, turnover=0.3)
    with pytest.raises(InputError, match="finite"):
        crash_probability(float("nan"))
    with pytest.raises(InputError, match="unknown sample"):
        crash_probability(1.0, sample="1900-2000")  # type: ignore[arg-type]
    full = crash_probability(
        1.0, volatility=0.3, volatility_change=0.0, acceleration=0.5, firm_growth=0.1
    )
    assert 0.0 < full < 1.0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_flags_match_independent_pandas_computation(seed: int) -> None:
    rng = np.random.default_rng(seed)
    idx = pd.date_range("1990-01-31", periods=240, freq="ME")
    asset = pd.Series(np.exp(np.cumsum(rng.normal(0.02, 0.12, 240))), index=idx, name="A")
    market = pd.Series(np.exp(np.cumsum(rng.normal(0.005, 0.04, 240))), index=idx)
    res = runup(asset, market, threshold=0.5, prior_window=None, crash_model=False)
    raw = asset / asset.shift(24) - 1
    net = raw - (market / market.shift(24) - 1)
    expected = (raw > 0.5) & (net > 0.5)
    np.testing.assert_array_equal(res.flags["A"].to_numpy(), expected.to_numpy())
    # every episode start is flagged; consecutive starts are >= 24 months apart; every flagged
    # month lies in some episode's window
    starts = [idx.get_loc(d) for d in res.episodes["start"]]
    assert all(expected.iloc[s] for s in starts)
    assert all(b - a >= 24 for a, b in itertools.pairwise(starts))
    covered = np.zeros(240, dtype=bool)
    for s in starts:
        covered[s : s + 24] = True
    assert covered[expected.to_numpy()].all()
    # crash labels agree with a direct max-drawdown computation on each window
    for s, crash in zip(starts, res.episodes["crash"], strict=True):
        window = asset.iloc[s : s + 25].to_numpy()
        if s + 24 <= 239:
            assert bool(crash) == bool((window / np.maximum.accumulate(window) - 1).min() <= -0.4)


# -- open (censored) episodes: the crash window runs past the end of the data ------------------


def test_open_episode_is_neither_a_crash_nor_a_non_crash() -> None:
    # run-up at position 35 (2002-12); its 24-month window closes at 2004-12, but the data stop
    # ten months after the top (2003-10), without a 40% fall
    asset = _path([1.0] * 10)
    res = runup(asset, _flat_market(asset), prior_window=None)
    ep = res.episodes.iloc[0]
    assert ep.start == asset.index[35]
    assert bool(ep.censored)
    assert pd.isna(ep.crash)
    assert ep.window_end == ep.start + pd.offsets.MonthEnd(24)
    assert ep.window_end > asset.index[-1]
    assert (res.n_crashes, res.n_open) == (0, 1)
    assert np.isnan(res.crash_share)
    text = res.summary()
    row = next(line for line in text.splitlines() if line.startswith("A "))
    assert row.endswith("open (window ends 2004-12)")
    assert " no" not in row
    assert "nan" not in text
    assert "1 open" in text
    payload = json.loads(json.dumps(res.to_dict(), allow_nan=False))
    assert payload["episodes"][0]["crash"] is None
    assert payload["episodes"][0]["censored"] is True
    assert payload["episodes"][0]["open"] is True
    assert payload["episodes"][0]["window_end"] == "2004-12-31"
    assert (payload["n_crashes"], payload["n_open"], payload["crash_share"]) == (0, 1, None)


def test_censored_episode_that_already_crashed_counts_as_a_crash() -> None:
    # the window is cut short by the data end, but the 50% fall is already in the data
    asset = _path([1.0, 0.5])
    res = runup(asset, _flat_market(asset), prior_window=None)
    ep = res.episodes.iloc[0]
    assert bool(ep.censored)
    assert bool(ep.crash)
    assert (res.n_crashes, res.n_open, res.crash_share) == (1, 0, 1.0)
    row = next(line for line in res.summary().splitlines() if line.startswith("A "))
    assert row.endswith("yes")
    assert res.to_dict()["episodes"][0]["open"] is False


def test_crash_share_leaves_open_episodes_out_of_both_counts() -> None:
    # three series: a crash, a decided non-crash, an open episode -> share 1 of 2 decided
    crash, calm, still_open = _path([1.0, 0.5] + [0.5] * 30), _path([1.0] * 32), _path([1.0] * 5)
    # O stops early (trailing NaN: no prices after 2003-05)
    frame = pd.concat([crash.rename("C"), calm.rename("N"), still_open.rename("O")], axis=1)
    res = runup(frame, _flat_market(crash), prior_window=None)
    labels = dict(zip(res.episodes["series"], res.episodes["crash"].tolist(), strict=True))
    assert (labels["C"], labels["N"], labels["O"] is pd.NA) == (True, False, True)
    assert (res.n_episodes, res.n_crashes, res.n_open) == (3, 1, 1)
    assert res.crash_share == 0.5


def test_window_end_of_undated_data_counts_periods() -> None:
    values = _path([1.0] * 10).to_numpy()
    res = runup(values, np.ones(len(values)), prior_window=None)
    assert res.episodes["window_end"].tolist() == [35 + 24]
    assert res.summary().splitlines()[-1].endswith("open (window ends at period 59)")
