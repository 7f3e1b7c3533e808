"""JAX backend of DS LPPLS Confidence: agreement with the numba engine on the NASDAQ dot-com data.

Both backends evaluate the same (tc, m, ω) grid, so the kept candidates must be identical; the
polish differs (numba: LM until the relative SSR gain is below 1e-9; JAX: a fixed 2·max_iter
projected LM iterations), so per-window SSRs are compared with a one-sided tolerance: JAX may
end lower, but not higher than numba's by more than 1e-6 relative (measured: at most 1.3e-7).
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

from bubblescope.detect._lppls_config import GridSpec, SearchSpace
from bubblescope.detect._lppls_engine import NestedFits, fit_nested, fit_nested_dates_jax
from bubblescope.detect.lppls import LPPLSIndicators, WindowSet, lppls_confidence
from bubblescope.errors import BackendError, InputError

pytest.importorskip("jax")

#: Every 25th FCO window (26 windows): the comparison is per window, so fewer keep it fast.
WINDOWS = WindowSet(750, 125, 25)
#: The S11 dates of detection-methods.md.
DATES = ["1999-09-10", "2000-03-10"]


def nasdaq_dotcom() -> pd.Series:
    """The lppls wheel's nasdaq_dotcom.csv (Adj Close), the data S11 was computed on."""
    dl = pytest.importorskip("lppls.data_loader")
    df = dl.nasdaq_dotcom()
    return pd.Series(df["Adj Close"].to_numpy(), index=pd.to_datetime(df["Date"]), name="NASDAQ")


def _date_logs(s: pd.Series, n: int) -> np.ndarray:
    pos = [int(s.index.searchsorted(pd.Timestamp(d), side="right")) - 1 for d in DATES]
    return np.stack([np.log(s.to_numpy()[p - n + 1 : p + 1]) for p in pos])


@pytest.fixture(scope="module")
def fits() -> tuple[list[NestedFits], list[NestedFits]]:
    ys = _date_logs(nasdaq_dotcom(), WINDOWS.max_window)
    starts = WINDOWS.max_window - WINDOWS.lengths
    space, grid = SearchSpace.fco(), GridSpec()
    cpu = [fit_nested(y, starts, space, grid) for y in ys]
    return cpu, fit_nested_dates_jax(ys, starts, space, grid)


def test_jax_grid_keeps_the_numba_candidates(
    fits: tuple[list[NestedFits], list[NestedFits]],
) -> None:
    for cpu, gpu in zip(*fits, strict=True):
        np.testing.assert_array_equal(np.isnan(gpu.candidates), np.isnan(cpu.candidates))
        ok = ~np.isnan(cpu.candidates)
        # same grid points: equal up to the rounding of t2 + offset
        np.testing.assert_allclose(gpu.candidates[ok], cpu.candidates[ok], rtol=0, atol=1e-9)


def test_jax_polish_reaches_the_numba_ssr(fits: tuple[list[NestedFits], list[NestedFits]]) -> None:
    for cpu, gpu in zip(*fits, strict=True):
        assert np.all(gpu.ssr <= cpu.ssr * (1 + 1e-6))
        # a much lower SSR would mean numba's polish is the one that stalls
        assert np.all(gpu.ssr >= cpu.ssr * (1 - 1e-3))
        # the minimum is flat along tc: 0.1 trading day, 0.01 in m, 0.1 in ω
        np.testing.assert_allclose(gpu.tc, cpu.tc, rtol=0, atol=0.1)
        np.testing.assert_allclose(gpu.m, cpu.m, rtol=0, atol=0.01)
        np.testing.assert_allclose(gpu.omega, cpu.omega, rtol=0, atol=0.1)
        np.testing.assert_allclose(gpu.relative_error, cpu.relative_error, rtol=1e-3, atol=1e-6)
        np.testing.assert_array_equal(np.sign(gpu.b), np.sign(cpu.b))


@pytest.mark.slow
def test_jax_fits_do_not_depend_on_the_date_batch(
    fits: tuple[list[NestedFits], list[NestedFits]],
) -> None:
    ys = _date_logs(nasdaq_dotcom(), WINDOWS.max_window)
    starts = WINDOWS.max_window - WINDOWS.lengths
    one = fit_nested_dates_jax(ys, starts, SearchSpace.fco(), GridSpec(), batch=1)
    for a, b in zip(one, fits[1], strict=True):
        # dates are independent problems, but the batch shape changes how XLA blocks the
        # polish's Gram products, so sums round differently in the last bits, and a fixed
        # number of LM steps carries that along flat directions of the SSR (measured on the
        # CPU: 2.4e-10 relative in SSR, 0.004 trading days in tc, 1e-4 in omega)
        np.testing.assert_allclose(a.ssr, b.ssr, rtol=1e-8)
        np.testing.assert_allclose(a.tc, b.tc, rtol=0, atol=0.05)
        np.testing.assert_allclose(a.m, b.m, rtol=0, atol=1e-4)
        np.testing.assert_allclose(a.omega, b.omega, rtol=0, atol=1e-3)
        np.testing.assert_array_equal(np.sign(a.b), np.sign(b.b))


@pytest.fixture(scope="module")
def both() -> tuple[LPPLSIndicators, LPPLSIndicators]:
    s = nasdaq_dotcom()
    return (
        lppls_confidence(s, dates=DATES, windows=WINDOWS),
        lppls_confidence(s, dates=DATES, windows=WINDOWS, backend="gpu"),
    )


def test_gpu_backend_confidence_equals_numba(
    both: tuple[LPPLSIndicators, LPPLSIndicators],
) -> None:
    cpu, gpu = both
    cols = ["confidence_pos", "confidence_neg"]
    pd.testing.assert_frame_equal(gpu.to_frame()[cols], cpu.to_frame()[cols])
    assert cpu.device == "numba cpu"
    assert gpu.device.startswith("jax ")
    assert gpu.to_dict()["device"] == gpu.device


def test_gpu_backend_s11_on_reduced_windows(
    both: tuple[LPPLSIndicators, LPPLSIndicators],
) -> None:
    f = both[1].to_frame()
    # detection-methods.md S11: >= 0.10 at the 2000-03-10 peak, <= 0.05 six months earlier
    assert f.loc["2000-03-10", "confidence_pos"] >= 0.10
    assert f.loc["1999-09-10", "confidence_pos"] <= 0.05


@pytest.mark.slow
def test_gpu_backend_s11_fco_windows() -> None:
    f = lppls_confidence(nasdaq_dotcom(), dates=DATES, backend="gpu").to_frame()
    # detection-methods.md S11 with the 126 FCO windows
    assert f.loc["2000-03-10", "confidence_pos"] >= 0.10
    assert f.loc["1999-09-10", "confidence_pos"] <= 0.05


def test_gpu_backend_trust_equals_numba() -> None:
    # same seeds, same synthetic series drawn on the host; the JAX refit runs numba's LM
    # (same stopping rules), so the per-window pass counts, hence Trust, agree
    kw = {
        "dates": ["2000-03-10"],
        "windows": WindowSet(750, 125, 50),
        "trust": True,
        "n_synthetic": 20,
        "rng": 3,
    }
    cpu = lppls_confidence(nasdaq_dotcom(), **kw).to_frame()  # type: ignore[arg-type]
    gpu = lppls_confidence(nasdaq_dotcom(), **kw, backend="gpu").to_frame()  # type: ignore[arg-type]
    tc = ["tc_q10_pos", "tc_q90_pos"]
    pd.testing.assert_frame_equal(gpu.drop(columns=tc), cpu.drop(columns=tc), rtol=1e-6)
    # tc quantiles interpolate between windows whose tc the flat SSR leaves loose: the
    # backends agree to a hundredth of a trading day (module notes of detect.lppls)
    np.testing.assert_allclose(gpu[tc].to_numpy(), cpu[tc].to_numpy(), atol=0.01)
    assert gpu.loc["2000-03-10", "trust_pos"] > 0.0  # a bubble date: Trust is not trivially 0


def test_trust_refits_equal_numba_per_window() -> None:
    from bubblescope.detect._lppls_config import LPPLSFilter
    from bubblescope.detect._lppls_engine import trust_fractions, trust_fractions_jax

    y = _date_logs(nasdaq_dotcom(), WINDOWS.max_window)[1]
    fits = fit_nested(y, WINDOWS.max_window - WINDOWS.lengths, SearchSpace.fco(), GridSpec())
    flt = LPPLSFilter.fco_trust()
    # SeedSequence.spawn is stateful: each backend gets its own, equal, seed object
    cpu = trust_fractions(y, fits, flt, 20, np.random.SeedSequence(7), GridSpec())
    (gpu,) = trust_fractions_jax([y], [fits], flt, 20, [np.random.SeedSequence(7)], GridSpec())
    np.testing.assert_array_equal(gpu[0], cpu[0])
    np.testing.assert_array_equal(gpu[1], cpu[1])
    assert 0.0 < cpu[0].max() <= 1.0


def test_gpu_backend_rejects_unknown_backends() -> None:
    s = nasdaq_dotcom()
    with pytest.raises(InputError, match="unknown backend 'tpu'"):
        lppls_confidence(s, dates=DATES, windows=WINDOWS, backend="tpu")  # type: ignore[arg-type]


def test_gpu_backend_without_jax_is_a_backend_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "jax", None)  # makes `import jax` raise ImportError
    with pytest.raises(BackendError, match="needs jax") as info:
        lppls_confidence(nasdaq_dotcom(), dates=DATES, windows=WINDOWS, backend="gpu")
    assert "bubblescope[gpu]" in str(info.value.hint)
    # auto falls back to numba
    out = lppls_confidence(
        nasdaq_dotcom(), dates=DATES[1:], windows=WindowSet(150, 125, 25), backend="auto"
    )
    assert out.device == "numba cpu"


@pytest.mark.gpu
def test_gpu_backend_runs_on_a_gpu() -> None:
    from bubblescope._kernels.psy_jax import has_gpu

    assert has_gpu(), "jax sees no GPU device"
    out = lppls_confidence(nasdaq_dotcom(), dates=DATES, backend="auto")
    assert out.device.startswith("jax gpu")
    f = out.to_frame()
    assert f.loc["2000-03-10", "confidence_pos"] >= 0.10
    assert f.loc["1999-09-10", "confidence_pos"] <= 0.05


@pytest.mark.parametrize(("theta", "start"), [((215.0, 0.4, 8.0), 40), ((260.0, 0.85, 13.0), 120)])
def test_polish_normal_equations_equal_autodiff_jacobian(
    theta: tuple[float, float, float], start: int
) -> None:
    # the polish's closed-form variable-projection J'r and J'J against forward-mode autodiff
    # of the slaved residuals (the formulation the kernel used before): independent routes
    from bubblescope._kernels.lppls_jax import _basis, _normal_eq, _profile
    from bubblescope._kernels.psy_jax import import_jax

    jax = import_jax()
    jnp = jax.numpy
    t = jnp.arange(200.0)
    rng = np.random.default_rng(4)
    d = 230.0 - np.arange(200.0)
    y = (
        5.0
        - 0.02 * d**0.5 * (1.0 + 0.1 * np.cos(9.0 * np.log(d)))
        + 0.01 * rng.standard_normal(200)
    )
    yc = jnp.asarray(y - y.mean())
    wmask = (t >= start).astype(jnp.float64)
    span = jnp.asarray([30.0, 0.5, 10.0])
    lo = jnp.asarray(theta) - 0.4 * span
    scale = 200.0 - start
    p = jnp.asarray([0.4, 0.4, 0.4])

    def resid(q: object) -> object:
        th = lo + q * span  # type: ignore[operator]
        _, a, b, c1, c2 = _profile(jnp, th, t, yc, wmask, scale)
        _, f, g, h, _ = _basis(jnp, th, t, scale)
        return wmask * (yc - (a + b * f + c1 * g + c2 * h))

    r = np.asarray(resid(p))
    jac = np.asarray(jax.jacfwd(resid)(p))
    ssr, *beta = _profile(jnp, lo + p * span, t, yc, wmask, scale)
    grad, jtj = _normal_eq(jnp, lo + p * span, tuple(beta), t, yc, wmask, span, scale)
    np.testing.assert_allclose(float(ssr), r @ r, rtol=1e-9)
    np.testing.assert_allclose(
        np.asarray(grad), jac.T @ r, rtol=1e-7, atol=1e-12 * np.abs(jac.T @ r).max()
    )
    np.testing.assert_allclose(np.asarray(jtj), jac.T @ jac, rtol=1e-7)
    assert np.abs(jac.T @ r).max() > 0.0  # not at a stationary point: the gradient is tested
