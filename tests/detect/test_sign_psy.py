"""The sign-based sPWY/sPSY tests of Harvey, Leybourne & Zu (2020) and their dating."""

from __future__ import annotations

import doctest
import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bubblescope._kernels.psy import sweep_batch
from bubblescope._kernels.sign_psy import sign_sweep, sign_sweep_batch
from bubblescope.detect._sign import df_path, sign_increments
from bubblescope.detect.critical_values.sign import SignPSYCV, quantile_standard_errors
from bubblescope.detect.sign_based import sign_psy
from bubblescope.errors import InputError

#: HLZ (2020) Table 1, finite-sample critical values at T = 200 with r0 = 0.1, at the 10%, 5%
#: and 1% levels (as quoted by exuber's development tests, tests/testthat/test-sign.R).
HLZ_TABLE1_T200 = {
    "spwy": {0.90: 2.405, 0.95: 2.735, 0.99: 3.434},
    "spsy": {0.90: 3.469, 0.95: 3.901, 0.99: 4.957},
}


def _brute(dc: np.ndarray, minw: int) -> tuple[np.ndarray, np.ndarray]:
    """Every window's no-intercept OLS t-ratio by least squares; forward and backward-sup paths."""
    c = np.r_[0.0, np.cumsum(dc)]
    n1 = len(dc)
    bsadf, badf = [], []
    for b in range(minw, n1 + 1):
        stats = []
        for a in range(0, b - minw + 1):
            x, z = c[a:b], dc[a:b]
            beta = float(x @ z / (x @ x))
            resid = z - beta * x
            stats.append(beta / math.sqrt(resid @ resid / (b - a - 1) / (x @ x)))
        badf.append(stats[0])
        bsadf.append(max(stats))
    return np.asarray(bsadf), np.asarray(badf)


@pytest.mark.parametrize("demean", [False, True])
def test_kernel_equals_least_squares_on_every_window(demean: bool) -> None:
    y = np.cumsum(np.random.default_rng(2).standard_normal(45))
    dc = sign_increments(y, demean=demean)
    bsadf, badf = sign_sweep(dc, 6)
    want_bs, want_b = _brute(dc, 6)
    np.testing.assert_allclose(bsadf, want_bs, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(badf, want_b, rtol=1e-10, atol=1e-12)
    # the forward path is the monitor's sign-based DF path (an independent vectorised code)
    stat, _, _ = df_path(dc, 7)
    np.testing.assert_allclose(badf, stat, rtol=1e-12, atol=1e-12)


def _every_window(dc: np.ndarray, minw: int) -> tuple[np.ndarray, np.ndarray]:
    """Backward supremum and forward ratio with every window computed (no skipping).

    The kernel's formula in numpy, one end at a time; NaN where no window has a ratio.
    """
    c = np.r_[0.0, np.cumsum(dc)][:-1]
    pxx, pxy, pyy = (np.r_[0.0, np.cumsum(v)] for v in (c * c, c * dc, dc * dc))
    sup, forward = [], []
    for b in range(minw, len(dc) + 1):
        a = np.arange(0, b - minw + 1)
        sxx = pxx[b] - pxx[a]
        sxy = pxy[b] - pxy[a]
        with np.errstate(divide="ignore", invalid="ignore"):
            ssr = pyy[b] - pyy[a] - sxy * sxy / sxx
            t = sxy / np.sqrt(ssr / (b - a - 1) * sxx)
        t[~((sxx > 0) & (ssr > 0))] = np.nan
        sup.append(np.nanmax(t) if np.isfinite(t).any() else np.nan)
        forward.append(t[0])
    return np.asarray(sup), np.asarray(forward)


@pytest.mark.parametrize("demean", [False, True])
def test_skipping_windows_leaves_the_supremum_bitwise_unchanged(demean: bool) -> None:
    """The kernel skips windows that cannot beat the running maximum; long series use threads."""
    d = np.random.default_rng(6).standard_normal(2100)
    d[1500:1540] = np.abs(d[1500:1540])
    dc = sign_increments(np.cumsum(d), demean=demean)
    bsadf, badf = sign_sweep(dc, 300)  # 2,099 rows: runs of window ends on numba threads
    np.testing.assert_array_equal(bsadf, _every_window(dc, 300)[0])
    np.testing.assert_array_equal(badf, _every_window(dc, 300)[1])
    short, _ = sign_sweep(dc[:600], 60)  # one thread
    np.testing.assert_array_equal(short, _every_window(dc[:600], 60)[0])


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(12, 420),
    r0=st.floats(0.02, 0.6),
    demean=st.booleans(),
    burst=st.floats(0.0, 1.0),
    ties=st.booleans(),
)
def test_block_and_window_skips_leave_both_paths_bitwise_equal_to_every_window(
    seed: int, n: int, r0: float, demean: bool, burst: float, ties: bool
) -> None:
    """Blocks of starts skipped whole, seeded ends: still every window's maximum, bit for bit.

    Walks with an explosive stretch of any length, and with flat stretches (zero increments,
    windows without a ratio) where ``ties``.
    """
    rng = np.random.default_rng(seed)
    d = rng.standard_normal(n)
    start, length = int(rng.integers(0, n)), int(burst * n)
    d[start : start + length] = np.abs(d[start : start + length])
    if ties:
        d[rng.random(n) < 0.3] = 0.0
    dc = sign_increments(np.cumsum(d), demean=demean)
    minw = min(len(dc), max(2, round(r0 * len(dc))))
    bsadf, badf = sign_sweep(dc, minw)
    want_sup, want_forward = _every_window(dc, minw)
    np.testing.assert_array_equal(bsadf, want_sup)
    np.testing.assert_array_equal(badf, want_forward)


def test_batch_threads_equal_one_series_at_a_time() -> None:
    y = np.cumsum(np.random.default_rng(3).standard_normal((7, 80)), axis=1)
    dc = sign_increments(y, demean=False)
    one = [sign_sweep(row, 8) for row in dc]
    for threaded in (True, False):
        bs, b = sign_sweep_batch(dc, 8, threaded=threaded)
        np.testing.assert_array_equal(bs, np.stack([o[0] for o in one]))
        np.testing.assert_array_equal(b, np.stack([o[1] for o in one]))


def test_statistics_are_the_suprema_of_their_paths() -> None:
    y = np.cumsum(np.random.default_rng(4).standard_normal(150))
    res = sign_psy(y, cv=None)
    assert res.minw == 15
    assert res.sdf == res.badf.iloc[-1]
    assert res.spwy == np.nanmax(res.badf.to_numpy())
    assert res.spsy == res.bsadf.max()
    assert np.all(res.bsadf.to_numpy() >= np.nan_to_num(res.badf.to_numpy(), nan=-np.inf))
    assert res.bsadf.index[0] == 15
    assert res.bsadf.index[-1] == 149


@pytest.mark.parametrize("demean", [False, True])
def test_exactly_invariant_to_any_volatility_path(demean: bool) -> None:
    """HLZ Theorem 2: only signs enter, so any positive volatility pattern changes no bit."""
    rng = np.random.default_rng(5)
    d = rng.standard_normal(260)
    d[150:190] = np.abs(d[150:190]) + 0.2  # an explosive-looking run, so episodes are dated
    vol = np.exp(np.linspace(-2.0, 2.0, 260)) * np.where(np.arange(260) > 120, 25.0, 0.1)
    vol *= 1.0 + 0.9 * np.sin(np.arange(260))  # wildly time-varying, always positive
    cv = SignPSYCV(reps=200, rng=1, cache=False).compute(260, minw=26, demean=demean)
    a = sign_psy(np.cumsum(d), cv=cv, demean=demean)
    b = sign_psy(np.cumsum(d * vol), cv=cv, demean=demean)
    np.testing.assert_array_equal(a.badf.to_numpy(), b.badf.to_numpy())
    np.testing.assert_array_equal(a.bsadf.to_numpy(), b.bsadf.to_numpy())
    assert (a.sdf, a.spwy, a.spsy) == (b.sdf, b.spwy, b.spsy)
    assert a.episodes == b.episodes
    assert len(a.episodes) >= 1
    prices = np.exp(np.cumsum(0.01 * d))  # levels and log levels have the same signs
    c = sign_psy(prices, cv=None, demean=demean)
    log = sign_psy(np.log(prices), cv=None, demean=demean)
    np.testing.assert_array_equal(c.bsadf.to_numpy(), log.bsadf.to_numpy())


def test_hlz_table1_finite_sample_critical_values() -> None:
    """HLZ (2020) Table 1, T = 200, r0 = 0.1: sPWY and sPSY at 10/5/1% from 20,000 sign walks.

    Tolerance: three Monte Carlo standard errors of the difference between our simulated
    quantile and the published one. Ours is ``sqrt(p (1 - p) / n) / f(q_p)``, the density from
    the simulated quantile function (quantile_standard_errors): 0.011-0.032 for sPWY and
    0.014-0.057 for sPSY at n = 20,000 (seed 20200101; simulated sPWY 2.404, 2.756, 3.488 and
    sPSY 3.446, 3.912, 4.992). The paper's own replication count is
    not stated where its numbers are quoted, so its error is taken equal to ours (sqrt(2)).
    """
    levels = (0.90, 0.95, 0.99)
    badf, bsadf = SignPSYCV(reps=20_000, rng=20200101, cache=False).draws(200, minw=20)
    sims = {"spwy": np.nanmax(badf, axis=1), "spsy": bsadf.max(axis=1)}
    for stat, published in HLZ_TABLE1_T200.items():
        q = np.quantile(sims[stat], levels)
        se = quantile_standard_errors(sims[stat], levels)
        for i, p in enumerate(levels):
            tol = 3.0 * math.sqrt(2.0) * se[i]
            assert abs(q[i] - published[p]) < tol, (stat, p, q[i], published[p], tol)
    # the window must not be re-based at its start: that variant's 1% sPSY value is ~4.70
    assert np.quantile(sims["spsy"], 0.99) > 4.85


def test_critical_values_are_cached_and_seeded() -> None:
    a = SignPSYCV(reps=120, rng=3).compute(80, minw=8)
    b = SignPSYCV(reps=120, rng=3).compute(80, minw=8)  # from the disk cache
    c = SignPSYCV(reps=120, rng=3, cache=False, n_jobs=1).compute(80, minw=8)
    for x in (b, c):
        np.testing.assert_array_equal(a.bsadf, x.bsadf)
        np.testing.assert_array_equal(a.gsadf, x.gsadf)
    d = SignPSYCV(reps=120, rng=4, cache=False).compute(80, minw=8)
    assert not np.array_equal(a.gsadf, d.gsadf)
    assert a.bsadf.shape == (72, 3)
    assert np.all(np.diff(a.gsadf) > 0)


@pytest.mark.parametrize(
    ("T", "minw", "demean"), [(80, 8, False), (48, 5, True), (600, 60, True), (2100, 210, False)]
)
def test_familywise_values_from_suprema_equal_those_from_the_paths(
    T: int, minw: int, demean: bool
) -> None:
    """The suprema alone (the running maximum carried across ends) give the same numbers.

    Short demeaned walks have windows without a ratio (NaN suprema are dropped as the paths'
    are); threaded and one-thread runs agree.
    """
    cv = SignPSYCV(reps=60, rng=11, cache=False, levels=(0.9, 0.95, 0.99))
    _badf, bsadf = cv.draws(T, minw=minw, demean=demean)
    with np.errstate(invalid="ignore"):
        want = np.array([np.nanmax(row) if np.isfinite(row).any() else np.nan for row in bsadf])
    np.testing.assert_array_equal(cv.suprema(T, minw=minw, demean=demean), want)
    one_thread = SignPSYCV(reps=60, rng=11, cache=False, levels=(0.9, 0.95, 0.99), n_jobs=1)
    np.testing.assert_array_equal(one_thread.suprema(T, minw=minw, demean=demean), want)
    full = cv.compute(T, minw=minw, demean=demean)
    np.testing.assert_array_equal(cv.familywise(T, minw=minw, demean=demean), full.gsadf)


def test_familywise_values_are_cached_apart_from_the_paths(store_home: object) -> None:
    cv = SignPSYCV(reps=40, rng=3)
    assert not cv.familywise_is_cached(90, minw=9)
    first = cv.familywise(90, minw=9)
    assert cv.familywise_is_cached(90, minw=9)
    assert not cv.is_cached(90, minw=9)  # the paths' entry is another one
    np.testing.assert_array_equal(cv.familywise(90, minw=9), first)  # read back
    np.testing.assert_array_equal(first, cv.compute(90, minw=9).gsadf)
    assert not SignPSYCV(reps=40, rng=4).familywise_is_cached(90, minw=9)
    assert not cv.familywise_is_cached(90, minw=9, demean=True)


def test_short_samples_get_finite_values_from_the_defined_windows() -> None:
    """Short demeaned sign walks have window ends without a ratio (NaN in their paths).

    Each replication's supremum is over its defined windows, as the sample's is, and the
    quantiles are over the replications defined there; recomputed here from the draws.
    """
    cv = SignPSYCV(reps=400, rng=5, cache=False)
    _badf, bsadf = cv.draws(48, minw=5, demean=True)
    assert np.isnan(bsadf).any()  # the case at hand: the test can fail
    got = cv.compute(48, minw=5, demean=True)
    assert np.all(np.isfinite(got.gsadf))
    assert np.all(np.isfinite(got.familywise))
    rows = [r[np.isfinite(r)] for r in bsadf]
    sup = np.array([r.max() for r in rows if len(r)])
    np.testing.assert_array_equal(got.gsadf, np.quantile(sup, cv.levels))
    assert got.reps == len(sup)


def test_nan_aware_quantiles_equal_the_plain_ones_without_nan() -> None:
    from bubblescope.detect.critical_values._result import from_draws

    rng = np.random.default_rng(2)
    badf, bsadf = rng.standard_normal((300, 40)), rng.standard_normal((300, 40))
    for definition in ("sadf", "bsadf"):
        plain = from_draws(badf, bsadf, levels=(0.9, 0.95, 0.99), definition=definition,
                           method="m", horizon=40)  # fmt: skip
        aware = from_draws(badf, bsadf, levels=(0.9, 0.95, 0.99), definition=definition,
                           method="m", horizon=40, undefined=True)  # fmt: skip
        for field in ("adf", "sadf", "gsadf", "badf", "bsadf", "familywise"):
            np.testing.assert_array_equal(getattr(plain, field), getattr(aware, field))


@pytest.mark.parametrize(
    ("T", "minw", "demean"), [(80, 8, False), (48, 5, True), (400, 40, True), (2100, 210, False)]
)
def test_critical_values_without_the_backward_paths_equal_those_from_them(
    T: int, minw: int, demean: bool
) -> None:
    """``compute`` (PSY's "sadf" sequence) simulates no backward path: the same numbers.

    The reference builds every quantile from :meth:`SignPSYCV.draws`' paths; the forward
    paths of the supremum kernel are the sweep's, bit for bit.
    """
    from bubblescope._kernels.sign_psy import sign_sup_batch
    from bubblescope.detect.critical_values._result import from_draws

    cv = SignPSYCV(reps=60, rng=12, cache=False)
    badf, bsadf = cv.draws(T, minw=minw, demean=demean)
    want = from_draws(badf, bsadf, levels=cv.levels, definition="sadf", method="m",
                      horizon=badf.shape[1], undefined=True)  # fmt: skip
    got = cv.compute(T, minw=minw, demean=demean)
    for field in ("adf", "sadf", "gsadf", "badf", "bsadf", "familywise"):
        np.testing.assert_array_equal(getattr(got, field), getattr(want, field), err_msg=field)
    assert got.reps == want.reps
    dc = sign_increments(np.cumsum(np.random.default_rng(T).standard_normal((3, T)), axis=1),
                         demean=demean)  # fmt: skip
    sup, forward = sign_sup_batch(dc, minw)
    sweep_sup, sweep_forward = sign_sweep_batch(dc, minw)
    np.testing.assert_array_equal(forward, sweep_forward)
    with np.errstate(invalid="ignore"):
        np.testing.assert_array_equal(sup, np.nanmax(sweep_sup, axis=1))


def test_from_draws_takes_the_paths_or_their_suprema() -> None:
    from bubblescope.detect.critical_values._result import from_draws

    badf = np.zeros((5, 4))
    kw = {"levels": (0.95,), "method": "m", "horizon": 4}
    with pytest.raises(InputError, match="give suprema"):
        from_draws(badf, None, definition="sadf", **kw)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="give suprema"):
        from_draws(badf, None, definition="bsadf", suprema=np.zeros(5), **kw)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="not both"):
        from_draws(badf, badf, definition="sadf", suprema=np.zeros(5), **kw)  # type: ignore[arg-type]


def test_a_level_outside_the_simulated_ones_is_simulated_too() -> None:
    y = np.cumsum(np.random.default_rng(8).standard_normal(120))
    cv = SignPSYCV(reps=200, rng=2, cache=False)
    res = sign_psy(y, cv=cv, level=0.975)
    assert res.cv is not None
    assert res.cv.levels == (0.90, 0.95, 0.975, 0.99)
    q = res.cv.gsadf
    assert q[1] < res.critical_value("spsy") == q[2] < q[3]
    given = cv.compute(120, minw=12)  # the default levels, given as values: 0.975 is refused
    with pytest.raises(InputError, match="not among"):
        sign_psy(y, cv=given, level=0.975)


def test_dating_finds_an_explosive_run() -> None:
    """A 40-step run of rises then a collapse: the episode starts inside the run.

    The cumulated signs stand 14 above their start when the run begins (seed 9): the ratio has
    no intercept, so a run from far below the first observation's level reads differently.
    """
    rng = np.random.default_rng(9)
    d = rng.standard_normal(300)
    d[180:220] = np.abs(d[180:220])
    d[220:226] = -8.0
    idx = pd.bdate_range("2021-01-04", periods=300)
    res = sign_psy(pd.Series(np.cumsum(d), index=idx, name="run"), cv=SignPSYCV(reps=500))
    assert res.reject
    first = res.episodes[0]
    assert idx[180] < first.start <= idx[219]
    assert first.peak <= idx[226]
    assert all(ep.start > idx[150] for ep in res.episodes)
    frame = res.to_frame()
    assert frame["episode"].sum() == sum(ep.duration for ep in res.episodes)
    json.dumps(res.to_dict(), allow_nan=False)
    assert "rejects" in res.summary()


def _size(reps: int, seed: int, jump: float) -> tuple[float, float]:
    """Rejection rates of sPSY and PSY (GSADF) at 5% on walks whose volatility jumps at T/2."""
    T, minw = 200, 20
    sign_cv = SignPSYCV(reps=2000, rng=0).compute(T, minw=minw).gsadf[1]
    rng = np.random.default_rng(seed)
    homo = np.cumsum(rng.standard_normal((2000, T)), axis=1)
    psy_cv = np.quantile(sweep_batch(homo, minw, 0)[0].max(axis=1), 0.95)
    e = rng.standard_normal((reps, T))
    e[:, T // 2 :] *= jump
    y = np.cumsum(e, axis=1)
    spsy = np.nanmax(sign_sweep_batch(sign_increments(y, demean=False), minw)[0], axis=1)
    gsadf = sweep_batch(y, minw, 0)[0].max(axis=1)
    return float(np.mean(spsy > sign_cv)), float(np.mean(gsadf > psy_cv))


@pytest.mark.parametrize("jump", [1.0, 5.0])
def test_size_under_the_null_and_a_volatility_shift(jump: float) -> None:
    """2,000 null walks (T = 200, r0 = 0.1), constant volatility or a fivefold jump at T/2.

    sPSY against its 2,000-walk simulated 5% value rejects 5% within three Monte Carlo errors
    of the difference (sqrt(2) x sqrt(0.05 x 0.95 / 2000) = 0.0069, the simulated critical
    value's own error counted like the rate's). After the jump PSY's GSADF against its
    homoskedastic 2,000-walk 5% value is oversized (measured 47%).
    """
    sign_rate, psy_rate = _size(2000, 11, jump)
    se = math.sqrt(2.0 * 0.05 * 0.95 / 2000)
    assert abs(sign_rate - 0.05) < 3.0 * se, sign_rate
    if jump == 1.0:
        assert abs(psy_rate - 0.05) < 3.0 * se, psy_rate
    else:
        assert psy_rate > 0.05 + 10.0 * se, psy_rate


def test_bad_input_gives_typed_errors() -> None:
    y = np.cumsum(np.random.default_rng(0).standard_normal(100))
    with pytest.raises(InputError, match="too short for r0"):
        sign_psy(y[:20], cv=None)
    with pytest.raises(InputError, match="too short for r0"):
        sign_psy(y[:40], r0=0.05, cv=None)
    with pytest.raises(InputError):
        sign_psy(np.r_[y[:50], np.nan, y[50:]], cv=None)
    with pytest.raises(InputError):
        sign_psy(np.r_[y[:50], np.inf], cv=None)
    with pytest.raises(InputError, match="no difference is non-zero"):
        sign_psy(np.full(60, 4.2), cv=None)
    with pytest.raises(InputError, match="no window"):
        sign_psy(np.r_[np.zeros(59), 1.0], cv=None)  # one rise, last: every lagged C is 0
    with pytest.raises(InputError, match="r0"):
        sign_psy(y, r0=1.2, cv=None)
    with pytest.raises(InputError, match="rule"):
        sign_psy(y, cv=None, rule="never")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="window ends"):
        sign_psy(y, cv=SignPSYCV(reps=50, cache=False).compute(90, minw=9))
    with pytest.raises(InputError, match="stamping"):
        sign_psy(y, cv=None, stamping="sometimes")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="level"):
        sign_psy(y, cv=None, level=0.0)
    with pytest.raises(InputError, match="reps"):
        SignPSYCV(reps=5)


def test_docstring_examples_run() -> None:
    from bubblescope.detect.critical_values import sign

    result = doctest.testmod(sign, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
