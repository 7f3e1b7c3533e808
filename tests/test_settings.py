"""The standard run: presets kept as data with reasons, validated, fingerprinted."""

from __future__ import annotations

import dataclasses
from importlib import resources

import numpy as np
import pandas as pd
import pytest
import yaml

from bubblescope.errors import DataError, InputError
from bubblescope.settings import PRESETS, Frequency, RunSettings, _validated, resample


def _yaml() -> dict:  # type: ignore[type-arg]
    path = resources.files("bubblescope.settings").joinpath("presets.yaml")
    return yaml.safe_load(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_every_preset_value_is_data_with_a_reason() -> None:
    raw = _yaml()
    standard = RunSettings.preset("standard")
    for section, rows in raw["standard"].items():
        for key, row in rows.items():
            value = getattr(getattr(standard, section), key)
            expected = tuple(row["value"]) if isinstance(row["value"], list) else row["value"]
            assert value == expected, f"{section}.{key}"
            assert len(row["why"]) > 20, f"{section}.{key} needs a real reason"
    reasons = RunSettings.reasons("standard")
    assert set(reasons) == {f"{s}.{k}" for s, rows in raw["standard"].items() for k in rows}


@pytest.mark.parametrize("name", [p for p in PRESETS if p != "standard"])
def test_presets_change_only_what_they_list(name: str) -> None:
    raw = _yaml()
    standard, other = RunSettings.preset("standard"), RunSettings.preset(name)
    changed = {(s, k) for s, rows in (raw[name] or {}).items() for k in rows}
    for section in ("data", "psy", "lppls", "runup", "backtest", "lights"):
        a, b = getattr(standard, section), getattr(other, section)
        for f in dataclasses.fields(a):
            same = getattr(a, f.name) == getattr(b, f.name)
            assert same != ((section, f.name) in changed), f"{name}: {section}.{f.name}"
    assert other.fingerprint() != standard.fingerprint()
    assert RunSettings.preset(name).fingerprint() == other.fingerprint()


def test_overrides_are_checked() -> None:
    standard = RunSettings.preset("standard")
    quick = standard.with_changes(psy={"reps": 199})
    assert quick.psy.reps == 199
    assert quick.fingerprint() != standard.fingerprint()
    with pytest.raises(InputError, match="unknown psy setting"):
        standard.with_changes(psy={"replications": 5})
    with pytest.raises(InputError, match="psy.reps must be at least 50"):
        standard.with_changes(psy={"reps": 3})
    with pytest.raises(InputError, match="unknown preset 'fast'"):
        RunSettings.preset("fast")


def test_malformed_presets_are_typed_errors() -> None:
    raw = _yaml()
    no_reason = {**raw, "quick": {"psy": {"reps": {"value": 199, "why": ""}}}}
    with pytest.raises(DataError, match=r"quick.psy.reps needs a value and a reason"):
        _validated(no_reason, "presets.yaml")
    with pytest.raises(DataError, match="unknown section 'tea'"):
        _validated({**raw, "quick": {"tea": {}}}, "presets.yaml")
    with pytest.raises(DataError, match="expected the presets"):
        _validated({"standard": {}}, "presets.yaml")


def test_resample_never_dates_after_the_data() -> None:
    days = pd.bdate_range("2026-06-01", "2026-08-03")  # ends on a Monday
    close = pd.Series(np.arange(len(days), dtype=float) + 1.0, index=days)
    weekly = resample(close, "W")
    monthly = resample(close, "M")
    assert weekly.index[-1] == days[-1]
    assert monthly.index[-1] == days[-1]
    assert set(weekly.index) <= set(days)
    assert weekly.iloc[-1] == close.iloc[-1]
    # every other week ends on its Friday close
    assert (weekly.index[:-1].day_of_week == 4).all()


def test_psy_episodes_never_end_after_the_data() -> None:
    from bubblescope.data.catalog import load_series
    from bubblescope.detect.exuberance import psy

    ps = RunSettings.preset("standard").with_changes(psy={"reps": 99}).psy
    for symbol in ("NVDA", "TSM"):
        close = load_series(symbol)["close"]
        res = psy(ps.sample(close), cv=ps.cv(), name=symbol)
        last = close.index[-1]
        for episode in res.episodes:
            assert pd.Timestamp(episode.start) <= last
            assert episode.end is None or pd.Timestamp(episode.end) <= last


@pytest.mark.parametrize("frequency", ["W", "M"])
def test_resample_equals_a_period_by_period_reference(frequency: Frequency) -> None:
    """Each period's last close (NaN skipped) dated at its last trading day, attrs kept."""
    rng = np.random.default_rng(7)
    days = pd.bdate_range("2019-12-20", "2021-03-03")
    close = pd.Series(rng.lognormal(size=len(days)), index=days, name="close")
    close.iloc[rng.choice(len(days), 20, replace=False)] = np.nan
    close.iloc[-1] = np.nan  # the last period's value comes from an earlier day
    close.attrs = {"source": "test", "nested": {"a": [1, 2]}}
    rule = "W-FRI" if frequency == "W" else "M"
    want_days, want_values = [], []
    for period in sorted(set(days.to_period(rule))):
        rows = close[days.to_period(rule) == period]
        want_days.append(rows.index[-1])
        want_values.append(rows.dropna().iloc[-1] if rows.notna().any() else np.nan)
    got = resample(close, frequency)
    want = pd.Series(want_values, index=pd.DatetimeIndex(want_days), name="close")
    pd.testing.assert_series_equal(got, want)
    assert got.attrs == close.attrs


def test_a_log_sample_refuses_a_bad_close_inside_its_span_only() -> None:
    from bubblescope.settings import PSYSettings
    from bubblescope.status.readings import psy_reading

    days = pd.bdate_range("2000-01-03", periods=6000)  # about 23 years
    rng = np.random.default_rng(5)
    close = pd.Series(100.0 * np.exp(np.cumsum(0.01 * rng.standard_normal(6000))), index=days)
    thursday = days[(days.day_of_week == 3) & (days.year == 2016)][10]
    close[thursday] = -5.0  # inside the 20-year span, and no week keeps a Thursday
    ps = PSYSettings(frequency="W", lookback_years=20.0)
    assert (ps.sample(close) > 0).all()  # levels: the week keeps its Friday, as before
    with pytest.raises(InputError, match=f"1 non-positive close.*{thursday.date()}"):
        ps.sample(close, positive=True)
    before_span = close.copy()
    before_span[thursday] = close[thursday - pd.offsets.BDay(1)]
    before_span.iloc[3] = -5.0  # 2000-01-06: more than 20 years before the last close
    pd.testing.assert_series_equal(ps.sample(before_span, positive=True), ps.sample(before_span))
    # the status page's PSY on log prices is grey and says why; on levels it is tested
    run = RunSettings.preset("quick")
    grey = psy_reading(close.rename("X"), run, log=True)
    assert grey.light == "grey"
    assert str(thursday.date()) in grey.note
    assert psy_reading(close.rename("X"), run, log=False).light != "grey"
