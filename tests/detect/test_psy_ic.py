"""PSY statistics with the lag chosen per window by AIC/BIC (``psy(..., lag_selection=)``).

The reference is an independent brute force written here: for every window and candidate lag,
numpy ``lstsq`` on the raw (uncentred) regressors ``[1, y_{t-1}, dy_{t-1..t-k}]`` over the
window's common sample, ``IC = n log(SSR/n) + (k + 2) c`` with ``c = 2`` or ``log n``, and the
t-ratio of ``y_{t-1}`` with ``s^2 = SSR / (n - k - 2)``. Tolerance 1e-9: both sides are exact
OLS in float64 on short, well-conditioned random-walk windows (observed agreement ~1e-14).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from bubblescope._kernels.psy import design_matrix, sweep
from bubblescope._kernels.psy_ic import AIC, BIC, adf_ic_window, sweep_ic, sweep_ic_batch
from bubblescope.cli.psy import register
from bubblescope.detect.critical_values import (
    MonteCarloCV,
    PanelSieveCV,
    PhillipsShiCV,
    ResponseSurfaceCV,
    WildBootstrapCV,
)
from bubblescope.detect.exuberance import psy, psy_panel
from bubblescope.errors import InputError


def _brute(y: np.ndarray, max_lag: int, i0: int, i1: int, crit: str) -> tuple[float, int]:
    """IC-selected ADF t-ratio and lag on regression rows i0..i1 (common sample)."""
    # rows t = 1 + max_lag .. T - 1 of the ADF regression, built here from y directly
    t_idx = np.arange(1 + max_lag, len(y))[i0 : i1 + 1]
    dy = np.diff(y, prepend=np.nan)
    n = len(t_idx)
    best: tuple[float, float, int] = (np.inf, np.nan, -1)
    for k in range(max_lag + 1):
        cols = [np.ones(n), y[t_idx - 1]] + [dy[t_idx - i] for i in range(1, k + 1)]
        x = np.column_stack(cols)
        d = dy[t_idx]
        beta, *_ = np.linalg.lstsq(x, d, rcond=None)
        res = d - x @ beta
        ssr = float(res @ res)
        cov = np.linalg.inv(x.T @ x)
        t = beta[1] / np.sqrt(ssr / (n - k - 2) * cov[1, 1])
        c = 2.0 if crit == "aic" else np.log(n)
        ic = n * np.log(ssr / n) + (k + 2) * c
        if ic < best[0]:
            best = (ic, float(t), k)
    return best[1], best[2]


def _walk(seed: int, T: int) -> np.ndarray:
    return np.cumsum(np.random.default_rng(seed).standard_normal(T)) + 20.0


@pytest.mark.parametrize(
    ("seed", "T", "max_lag", "window", "crit"),
    [
        (1, 45, 1, "psy", "aic"),
        (2, 60, 2, "exuber", "bic"),
        (3, 80, 3, "psy", "bic"),
        (4, 70, 3, "exuber", "aic"),
        (5, 50, 2, "psy", "aic"),
    ],
)
def test_psy_ic_matches_brute_force(
    seed: int, T: int, max_lag: int, window: str, crit: str
) -> None:
    y = _walk(seed, T)
    res = psy(y, window=window, cv=None, lag_selection=crit, max_lag=max_lag)  # type: ignore[arg-type]
    minw = res.window.rows
    assert res.window.points == minw + 1 + max_lag
    assert res.badf_lag is not None
    assert res.bsadf_lag is not None
    for j in range(len(res.bsadf)):
        i1 = minw - 1 + j
        ref = [_brute(y, max_lag, i0, i1, crit) for i0 in range(i1 - minw + 2)]
        stats = np.array([r[0] for r in ref])
        assert res.bsadf.iloc[j] == pytest.approx(stats.max(), abs=1e-9)
        assert res.badf.iloc[j] == pytest.approx(ref[0][0], abs=1e-9)
        assert res.badf_lag.iloc[j] == ref[0][1]
        assert res.bsadf_lag.iloc[j] == ref[int(np.argmax(stats))][1]
    assert res.gsadf == pytest.approx(res.bsadf.max(), abs=0)
    assert res.adf == res.badf.iloc[-1]


def test_selection_actually_varies_on_an_ar2_series() -> None:
    # Differences follow an AR(2) with large coefficients, so AIC must pick lag >= 1 somewhere
    # (otherwise the comparison above could pass with selection never leaving lag 0).
    rng = np.random.default_rng(11)
    e = rng.standard_normal(80)
    d = np.zeros(80)
    for t in range(2, 80):
        d[t] = 0.6 * d[t - 1] - 0.3 * d[t - 2] + e[t]
    y = np.cumsum(d)
    z = design_matrix(y, 3)
    ka = sweep_ic(z, 15, 3, AIC)[3]
    assert ka.max() >= 1
    for i1 in range(20, z.shape[0], 9):
        t, k = adf_ic_window(z, 0, i1, 3, AIC)
        assert (t, k) == pytest.approx(_brute(y, 3, 0, i1, "aic"), abs=1e-9)


@pytest.mark.parametrize("window", ["psy", "exuber"])
def test_max_lag_zero_equals_fixed_lag_zero(window: str) -> None:
    y = _walk(7, 120)
    fixed = psy(y, lag=0, window=window, cv=None)  # type: ignore[arg-type]
    for crit in ("aic", "bic"):
        ic = psy(y, window=window, cv=None, lag_selection=crit, max_lag=0)  # type: ignore[arg-type]
        assert np.array_equal(ic.bsadf.to_numpy(), fixed.bsadf.to_numpy())
        assert np.array_equal(ic.badf.to_numpy(), fixed.badf.to_numpy())
        assert ic.window == fixed.window
    # the IC kernel itself (not only psy's shortcut) reproduces the fixed-lag kernel
    z = design_matrix(y, 0)
    bs, ba, kb, ka = sweep_ic(z, 20, 0, BIC)
    ref_bs, ref_ba = sweep(z, 20)
    np.testing.assert_allclose(bs, ref_bs, rtol=0, atol=1e-12)
    np.testing.assert_allclose(ba, ref_ba, rtol=0, atol=1e-12)
    assert not kb.any()
    assert not ka.any()


@pytest.mark.parametrize("seed", [21, 22, 23])
def test_bic_never_picks_a_larger_lag_than_aic(seed: int) -> None:
    # With a common sample the candidate fits are nested (SSR non-increasing in k) and
    # log n > 2 for n >= 8 rows, so BIC's choice can never exceed AIC's on the same window.
    y = _walk(seed, 70)
    max_lag = 4
    z = design_matrix(y, max_lag)
    minw = 10
    picked_above_zero = False
    for i1 in range(minw - 1, z.shape[0]):
        for i0 in range(i1 - minw + 2):
            _, ka = adf_ic_window(z, i0, i1, max_lag, AIC)
            _, kb = adf_ic_window(z, i0, i1, max_lag, BIC)
            assert 0 <= kb <= ka <= max_lag
            picked_above_zero |= ka > 0
    assert picked_above_zero


def test_result_records_the_selection() -> None:
    y = pd.Series(_walk(8, 90), index=pd.date_range("2001-01-31", periods=90, freq="ME"))
    res = psy(y, cv=None, lag_selection="bic", max_lag=2)
    assert res.lag == 2
    assert res.lag_selection == "bic"
    assert "lag 0-2 by BIC per window" in res.summary()
    d = json.loads(json.dumps(res.to_dict()))
    assert d["lag_selection"] == "bic"
    assert d["max_lag"] == 2
    assert d["selected_lag"]["adf"] == int(res.badf_lag.iloc[-1])  # type: ignore[union-attr]
    frame = res.to_frame()
    assert frame["bsadf_lag"].dropna().between(0, 2).all()
    fixed = psy(y, lag=2, cv=None)
    assert fixed.to_dict()["lag_selection"] == "fixed"
    assert fixed.to_dict()["max_lag"] is None
    assert fixed.badf_lag is None
    assert "bsadf_lag" not in fixed.to_frame()


def test_panel_passes_the_selection_to_every_column() -> None:
    ys = np.column_stack([_walk(31, 60), _walk(32, 60)])
    panel = psy_panel(ys, cv=None, lag_selection="aic", max_lag=1)
    for j, r in enumerate(panel.results.values()):
        single = psy(ys[:, j], cv=None, lag_selection="aic", max_lag=1)
        assert r.lag_selection == "aic"
        np.testing.assert_array_equal(r.bsadf.to_numpy(), single.bsadf.to_numpy())


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"lag_selection": "hqic", "max_lag": 2}, "unknown lag_selection 'hqic'"),
        ({"lag_selection": "aic"}, "needs max_lag"),
        ({"lag_selection": "fixed", "max_lag": 2}, "max_lag=2 applies only with"),
        ({"lag_selection": "bic", "max_lag": -1}, "max_lag must be a non-negative integer"),
        ({"lag_selection": "bic", "max_lag": 2.5}, "max_lag must be a non-negative integer"),
        ({"lag_selection": "bic", "max_lag": 3, "lag": 1}, "lag=1 conflicts with"),
        ({"lag_selection": "aic", "max_lag": 2, "cv": "auto"}, "cv='auto' simulates fixed-lag"),
        ({"lag_selection": "aic", "max_lag": 2, "cv": ResponseSurfaceCV()}, "fixed-lag"),
        ({"lag_selection": "bic", "max_lag": 1, "cv": MonteCarloCV(reps=10, rng=0)}, "fixed-lag"),
        ({"lag_selection": "aic", "max_lag": 30}, "lag 30 is too large"),
    ],
)
def test_bad_combinations_raise_input_errors(kwargs: dict[str, object], match: str) -> None:
    kwargs.setdefault("cv", None)
    with pytest.raises(InputError, match=match):
        psy(_walk(9, 80), **kwargs)  # type: ignore[arg-type]


def test_panel_sieve_cv_with_selection_is_refused() -> None:
    ys = np.column_stack([_walk(41, 60), _walk(42, 60)])
    with pytest.raises(InputError, match="panel_cv=.* does not apply to lag_selection='bic'"):
        psy_panel(ys, cv=None, lag_selection="bic", max_lag=1, panel_cv=PanelSieveCV(reps=9, rng=0))


def test_precomputed_critical_values_are_accepted() -> None:
    # cv may be critical values the caller computed for the same procedure; here the fixed-lag
    # Monte Carlo values only stand in to check the plumbing (stamping against them works).
    y = _walk(10, 60)
    fixed = psy(y, lag=1, cv=MonteCarloCV(reps=19, rng=0))
    assert fixed.cv is not None
    res = psy(y, cv=fixed.cv, lag_selection="aic", max_lag=1)
    assert res.cv is fixed.cv
    assert res.reject == bool(res.gsadf > res.critical_value("gsadf"))


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.callback()
    def main() -> None:
        """Test root (forces the group layout)."""

    return app


def test_cli_lag_selection(tmp_path: Path, store_home: Path) -> None:
    y = _walk(12, 80)
    path = tmp_path / "walk.csv"
    dates = pd.date_range("2000-01-03", periods=80, freq="B")
    pd.DataFrame({"date": dates, "close": y}).to_csv(path, index=False)
    args = ["psy", str(path), "--freq", "D", "--lag-selection", "bic", "--max-lag", "2"]
    args += ["--cv", "none"]
    out = CliRunner().invoke(_app(), [*args, "--json"])
    assert out.exit_code == 0, out.output
    payload = json.loads(out.stdout)
    expected = psy(pd.Series(y, index=dates), cv=None, lag_selection="bic", max_lag=2)
    assert payload["lag_selection"] == "bic"
    assert payload["max_lag"] == 2
    assert payload["gsadf"] == pytest.approx(expected.gsadf, abs=1e-12)
    text = CliRunner().invoke(_app(), args)
    assert text.exit_code == 0
    assert "by BIC per window" in text.stdout
    bad = CliRunner().invoke(
        _app(), ["psy", str(path), "--lag-selection", "aic", "--max-lag", "2", "--cv", "auto"]
    )
    assert bad.exit_code != 0
    assert "--cv auto (the response surface) covers fixed-lag regressions" in bad.output
    mc = CliRunner().invoke(
        _app(), [*args[:-2], "--cv", "mc", "--reps", "40", "--seed", "2", "--json"]
    )
    assert mc.exit_code == 0, mc.output
    cvs = json.loads(mc.stdout)["critical_values"]
    assert cvs["method"] == "Monte Carlo (drift), BIC lag 0..2"


def test_batch_ic_kernel_equals_sweep_ic_per_series() -> None:
    ys = np.vstack([_walk(s, 70) for s in (1, 2, 3)])
    for threaded in (True, False):
        bsadf, badf = sweep_ic_batch(ys, 14, 2, BIC, threaded=threaded)
        for r in range(3):
            ref_b, ref_a, _, _ = sweep_ic(design_matrix(ys[r], 2), 14, 2, BIC)
            np.testing.assert_array_equal(bsadf[r], ref_b)
            np.testing.assert_array_equal(badf[r], ref_a)


def test_monte_carlo_of_the_selection_procedure_with_max_lag_0_is_the_lag_0_test() -> None:
    # with one candidate lag the selection kernel (LDL' per candidate on Welford sums) must
    # reproduce the fixed lag-0 kernel's critical values: two independent code paths
    fixed = MonteCarloCV(reps=120, rng=4, cache=False).compute(np.zeros(60), minw=12, lag=0)
    sel = MonteCarloCV(reps=120, rng=4, cache=False, lag_selection="aic").compute(
        np.zeros(60), minw=12, lag=0
    )
    for name in ("sadf", "gsadf", "badf", "bsadf"):
        np.testing.assert_allclose(getattr(sel, name), getattr(fixed, name), rtol=1e-10)
    assert sel.method == "Monte Carlo (drift), AIC lag 0..0"


def test_selection_critical_values_serial_equal_parallel_and_feed_psy() -> None:
    y = _walk(11, 70)
    kw = {"reps": 60, "rng": 5, "cache": False, "lag_selection": "bic"}
    serial = MonteCarloCV(**kw).compute(y, minw=14, lag=2)  # type: ignore[arg-type]
    pooled = MonteCarloCV(**kw, n_jobs=2).compute(y, minw=14, lag=2)  # type: ignore[arg-type]
    np.testing.assert_array_equal(serial.bsadf, pooled.bsadf)
    np.testing.assert_array_equal(serial.gsadf, pooled.gsadf)
    # psy accepts the matching procedure and stamps against it
    res = psy(y, lag_selection="bic", max_lag=2, window=17, cv=MonteCarloCV(**kw))  # type: ignore[arg-type]
    assert res.cv is not None
    np.testing.assert_array_equal(res.cv.gsadf, serial.gsadf)
    assert res.reject == bool(res.gsadf > res.critical_value("gsadf"))
    # and refuses a mismatch either way
    with pytest.raises(InputError, match="simulates lag_selection='bic', but the statistics"):
        psy(y, lag=2, cv=MonteCarloCV(**kw))  # type: ignore[arg-type]
    with pytest.raises(InputError, match="fixed-lag"):
        psy(y, lag_selection="aic", max_lag=2, cv=MonteCarloCV(**kw))  # type: ignore[arg-type]


def test_bootstraps_simulate_the_selection_procedure_and_gpu_refuses_it() -> None:
    y = _walk(12, 70)
    wb = WildBootstrapCV(reps=30, rng=1, cache=False, lag_selection="bic").compute(
        y, minw=14, lag=1
    )
    ps = PhillipsShiCV(reps=30, rng=1, cache=False, lag_selection="bic").compute(y, minw=14, lag=1)
    assert wb.method.endswith("BIC lag 0..1")
    assert ps.method.startswith("Phillips-Shi bootstrap (horizon 70), BIC lag 0..1")
    assert np.all(np.isfinite(wb.bsadf))
    assert np.all(np.isfinite(ps.gsadf))
    pytest.importorskip("jax")
    with pytest.raises(InputError, match="gpu backend simulates fixed-lag regressions"):
        MonteCarloCV(reps=20, rng=1, cache=False, lag_selection="bic", backend="gpu").compute(
            y, minw=14, lag=1
        )
