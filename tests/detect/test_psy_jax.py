"""The optional JAX backend of the PSY Monte Carlo critical values.

The independent reference is bubblescope's numba kernel (itself checked against pyexuber and
a QR per window in test_psy_kernels.py); the JAX kernel uses a different algorithm (shifted
cumulative sums over the whole (start, end) rectangle instead of Welford updates), so
agreement is not a tautology. Tolerance 1e-9, relative where |t| > 1: both are float64 with
different summation orders over up to T rows; measured differences are about 1e-14.
JAX runs on the CPU here; the ``gpu``-marked test checks a GPU is really visible.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from bubblescope._kernels.psy import sweep_batch
from bubblescope.detect._psy_window import resolve_window
from bubblescope.detect.critical_values import (
    MonteCarloCV,
    PanelSieveCV,
    PhillipsShiCV,
    WildBootstrapCV,
)
from bubblescope.errors import BackendError, InputError

jax = pytest.importorskip("jax")

from bubblescope._kernels.psy_jax import (  # noqa: E402
    block_ends_for,
    default_max_bytes,
    import_jax,
    sweep_batch_jax,
)

TOL = 1e-9
T = 120


def _series() -> np.ndarray:
    """Four random walks and one PSY-style bubble (random walk, 40 explosive steps, collapse)."""
    rng = np.random.default_rng(7)
    walks = np.cumsum(rng.standard_normal((4, T)), axis=1)
    y = np.empty(T)
    y[0] = 100.0
    e = rng.standard_normal(T)
    for t in range(1, T):
        if 50 <= t < 90:
            y[t] = 1.05 * y[t - 1] + e[t]
        elif 90 <= t < 95:
            y[t] = 0.7 * y[t - 1] + e[t]
        else:
            y[t] = y[t - 1] + e[t]
    return np.vstack([walks, y])


def _rel_err(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.max(np.abs(a - b) / np.maximum(1.0, np.abs(b))))


@pytest.mark.parametrize("lag", [0, 1, 2])
@pytest.mark.parametrize("convention", ["psy", "exuber"])
def test_jax_kernel_matches_numba(lag: int, convention: str) -> None:
    ys = _series()
    minw = resolve_window(convention, T, lag).rows
    bsadf, badf = sweep_batch_jax(ys, minw, lag)
    ref_bsadf, ref_badf = sweep_batch(ys, minw, lag)
    assert bsadf.shape == ref_bsadf.shape == (5, T - 1 - lag - minw + 1)
    assert _rel_err(bsadf, ref_bsadf) < TOL
    assert _rel_err(badf, ref_badf) < TOL
    # the bubble row really is explosive (large statistics, the relative branch of the check)
    assert ref_bsadf[4].max() > 5.0


@pytest.mark.parametrize("block", [1, 7, 32])
def test_jax_kernel_any_block_size_matches_numba(block: int) -> None:
    # a steeper bubble (level spans ~50x): each block's shifted suffix sums cancel the most here
    rng = np.random.default_rng(3)
    y = np.empty(T)
    y[0] = 10.0
    e = 0.3 * rng.standard_normal(T)
    for t in range(1, T):
        y[t] = (1.08 if 60 <= t < 110 else 1.0) * y[t - 1] + e[t]
    ys = np.vstack([_series()[:2], y])
    bsadf, badf = sweep_batch_jax(ys, 20, 2, block_ends=block)  # 96 ends
    ref_bsadf, ref_badf = sweep_batch(ys, 20, 2)
    assert y.max() / y.min() > 20.0
    assert _rel_err(bsadf, ref_bsadf) < TOL
    assert _rel_err(badf, ref_badf) < TOL


def test_block_ends_respects_memory_budget() -> None:
    # T = 1,600, lag 2: one end row of 1,000 series = 1000 * 1597 * 14 * 8 * 4 bytes
    per_end = 1000 * 1597 * 14 * 8 * 4
    assert block_ends_for(1000, 1600, 2, 1500, per_end * 3 + 1) == 3
    assert block_ends_for(1000, 1600, 2, 1500, 1) == 1
    assert block_ends_for(2, 100, 0, 80, 1 << 40) == 32  # MAX_BLOCK caps it (accuracy)
    assert block_ends_for(2, 100, 0, 20, 1 << 40) == 20


def test_memory_budget_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BUBBLESCOPE_JAX_MAX_BYTES", str(1000 * 1597 * 14 * 8 * 4 * 5))
    assert default_max_bytes() == 1000 * 1597 * 14 * 8 * 4 * 5
    assert block_ends_for(1000, 1600, 2, 1500, None) == 5
    monkeypatch.setenv("BUBBLESCOPE_JAX_MAX_BYTES", "8GB")
    with pytest.raises(InputError, match="BUBBLESCOPE_JAX_MAX_BYTES must be a positive"):
        default_max_bytes()


def test_montecarlo_gpu_backend_equals_cpu() -> None:
    y = np.zeros(80)
    kw = {"reps": 120, "rng": 11, "cache": False}
    cpu = MonteCarloCV(**kw).compute(y, minw=15, lag=1)  # type: ignore[arg-type]
    gpu = MonteCarloCV(**kw, backend="gpu", gpu_batch=100).compute(  # type: ignore[arg-type]
        y, minw=15, lag=1
    )
    for name in ("sadf", "gsadf", "badf", "bsadf"):
        np.testing.assert_allclose(getattr(gpu, name), getattr(cpu, name), rtol=TOL, atol=TOL)
    assert gpu.method.startswith("Monte Carlo (drift) [jax ")
    assert cpu.method == "Monte Carlo (drift)"


def test_gpu_backend_batch_size_does_not_change_critical_values() -> None:
    y = np.zeros(60)
    kw = {"reps": 130, "rng": 5, "cache": False, "backend": "gpu"}
    small = MonteCarloCV(**kw, gpu_batch=50).compute(y, minw=12, lag=0)  # type: ignore[arg-type]
    big = MonteCarloCV(**kw, gpu_batch=150).compute(y, minw=12, lag=0)  # type: ignore[arg-type]
    np.testing.assert_allclose(small.gsadf, big.gsadf, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(small.bsadf, big.bsadf, rtol=1e-12, atol=1e-12)


def test_cache_is_shared_between_backends(store_home: object) -> None:
    # same draws, same numbers: the cache key leaves the backend out, so a gpu request is
    # served from a cpu run's entry (whose label says what computed it)
    y = np.zeros(60)
    cpu = MonteCarloCV(reps=60, rng=9).compute(y, minw=12, lag=0)
    gpu = MonteCarloCV(reps=60, rng=9, backend="gpu").compute(y, minw=12, lag=0)
    assert gpu.method == cpu.method == "Monte Carlo (drift)"
    np.testing.assert_array_equal(gpu.gsadf, cpu.gsadf)


def test_gpu_backend_without_jax_raises_backend_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "jax", None)  # makes `import jax` raise ImportError
    with pytest.raises(BackendError, match=r"needs jax.*pip install 'bubblescope\[gpu\]'"):
        import_jax()
    with pytest.raises(BackendError, match="needs jax"):
        MonteCarloCV(reps=20, rng=1, cache=False, backend="gpu").compute(
            np.zeros(40), minw=10, lag=0
        )
    # auto falls back to the numba kernel
    cv = MonteCarloCV(reps=20, rng=1, cache=False, backend="auto").compute(
        np.zeros(40), minw=10, lag=0
    )
    assert cv.method == "Monte Carlo (drift)"


def test_unknown_backend_is_input_error() -> None:
    with pytest.raises(InputError, match="unknown backend 'tpu'"):
        MonteCarloCV(reps=20, rng=1, cache=False, backend="tpu").compute(  # type: ignore[arg-type]
            np.zeros(40), minw=10, lag=0
        )


def test_importing_bubblescope_does_not_import_jax() -> None:
    code = (
        "import sys, bubblescope, bubblescope.detect.exuberance,"
        " bubblescope.detect.critical_values;"
        "print('jax' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.gpu
def test_gpu_device_present() -> None:
    import_jax()
    assert any(d.platform == "gpu" for d in jax.devices()), jax.devices()


@pytest.mark.parametrize(
    "make",
    [
        lambda b: WildBootstrapCV(reps=110, rng=3, cache=False, multiplier="rademacher", backend=b),
        lambda b: PhillipsShiCV(reps=110, rng=4, cache=False, horizon=60, backend=b),
    ],
    ids=["wild", "phillips-shi"],
)
def test_bootstrap_gpu_backend_equals_cpu(make: object) -> None:
    # same host draws, other kernel: the bootstrap critical values agree to rounding
    y = np.cumsum(np.random.default_rng(8).standard_normal(90)) + 30.0
    cpu = make("cpu").compute(y, minw=18, lag=1)  # type: ignore[operator]
    gpu = make("gpu").compute(y, minw=18, lag=1)  # type: ignore[operator]
    for name in ("sadf", "gsadf", "badf", "bsadf"):
        np.testing.assert_allclose(getattr(gpu, name), getattr(cpu, name), rtol=TOL, atol=TOL)
    assert gpu.method.startswith(cpu.method + " [jax ")


def test_panel_sieve_gpu_backend_equals_cpu() -> None:
    # N = 3 series per replicate through one JAX call (rows series-major within a chunk)
    panel = np.cumsum(np.random.default_rng(9).standard_normal((80, 3)), axis=0) + 40.0
    kw = {"reps": 70, "rng": 6, "gpu_batch": 50}
    cpu = PanelSieveCV(**kw).compute(panel, minw=16, lag=0)  # type: ignore[arg-type]
    gpu = PanelSieveCV(**kw, backend="gpu").compute(panel, minw=16, lag=0)  # type: ignore[arg-type]
    np.testing.assert_allclose(gpu.bsadf_panel, cpu.bsadf_panel, rtol=TOL, atol=TOL)
    np.testing.assert_allclose(gpu.gsadf_panel, cpu.gsadf_panel, rtol=TOL, atol=TOL)


def test_psy_cli_gpu_backend_names_the_device(tmp_path: object, store_home: object) -> None:
    import json
    from pathlib import Path

    import pandas as pd
    import typer
    from typer.testing import CliRunner

    from bubblescope.cli.psy import register

    app = typer.Typer()
    register(app)
    app.callback()(lambda: None)
    y = np.cumsum(np.random.default_rng(5).standard_normal(120)) + 100
    path = Path(str(tmp_path)) / "walk.csv"
    dates = pd.date_range("2001-01-01", periods=120, freq="B")
    pd.DataFrame({"date": dates, "close": y}).to_csv(path, index=False)
    args = ["psy", str(path), "--freq", "D", "--cv", "ps", "--reps", "60", "--seed", "3", "--json"]
    out = CliRunner().invoke(app, [*args, "--backend", "gpu"])
    assert out.exit_code == 0, out.output
    payload = json.loads(out.output)
    gpu = payload["critical_values"]
    rows = payload["window"]["rows"]
    cpu = PhillipsShiCV(reps=60, rng=3, cache=False).compute(y, minw=rows, lag=0)
    assert gpu["method"].startswith(cpu.method + " [jax ")
    np.testing.assert_allclose(gpu["gsadf"], cpu.gsadf, rtol=TOL, atol=TOL)


def test_psy_gpu_backend_equals_cpu_on_many_columns() -> None:
    import pandas as pd

    from bubblescope.detect.exuberance import psy, psy_panel

    ys = _series()
    # a constant stretch: windows inside it have no ADF regression, which the JAX kernel
    # cannot evaluate (it counts them) and numba solves by its QR fallback: that column
    # must come back equal to the cpu result too
    flat = np.cumsum(np.random.default_rng(2).standard_normal(T)) + 50.0
    flat[40:75] = flat[40]
    frame = pd.DataFrame(
        np.vstack([ys, flat]).T,
        index=pd.date_range("2010-01-01", periods=T, freq="MS"),
        columns=["w1", "w2", "w3", "w4", "bubble", "flat"],
    )
    cpu = psy_panel(frame, lag=1, cv=None)
    gpu = psy_panel(frame, lag=1, cv=None, backend="gpu")
    for col in frame.columns:
        a, b = gpu.results[col], cpu.results[col]
        assert _rel_err(a.bsadf.to_numpy(), b.bsadf.to_numpy()) < TOL
        assert _rel_err(a.badf.to_numpy(), b.badf.to_numpy()) < TOL
        assert a.gsadf == pytest.approx(b.gsadf, rel=TOL)
    single = psy(frame["bubble"], lag=1, cv=None, backend="gpu")
    assert single.gsadf == pytest.approx(cpu.results["bubble"].gsadf, rel=TOL)


def test_psy_gpu_backend_rejects_lag_selection_and_unknown_backends() -> None:
    from bubblescope.detect.exuberance import psy

    y = _series()[0]
    with pytest.raises(InputError, match="fixed-lag statistics, not lag_selection 'bic'"):
        psy(y, cv=None, lag_selection="bic", max_lag=2, backend="gpu")
    with pytest.raises(InputError, match="unknown backend 'tpu'"):
        psy(y, cv=None, backend="tpu")  # type: ignore[arg-type]
