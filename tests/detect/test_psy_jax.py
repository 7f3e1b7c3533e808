"""The optional JAX backend of the PSY Monte Carlo critical values.

The independent reference is bubblescope's numba kernel (itself checked against pyexuber and
a QR per window in test_psy_kernels.py); the JAX kernel uses a different algorithm (shifted
cumulative sums over the whole (start, end) rectangle instead of Welford updates), so
agreement is not a tautology. Tolerance 1e-9, relative where |t| > 1: both are float64 with
different summation orders over up to T rows; measured differences are about 1e-14.
JAX runs on the CPU here; the ``gpu``-marked test checks a GPU is really visible.
"""

from __future__ import annotations

import sys

import numpy as np
import pytest

from bubblescope._kernels.psy import sweep_batch
from bubblescope.detect._psy_window import resolve_window
from bubblescope.detect.critical_values import MonteCarloCV
from bubblescope.errors import BackendError, InputError

jax = pytest.importorskip("jax")

from bubblescope._kernels.psy_jax import (  # noqa: E402
    block_ends_for,
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


def test_jax_kernel_block_size_does_not_change_results() -> None:
    ys = _series()
    whole = sweep_batch_jax(ys, 20, 1)
    blocked = sweep_batch_jax(ys, 20, 1, block_ends=7)  # 98 ends: 14 blocks
    np.testing.assert_allclose(blocked[0], whole[0], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(blocked[1], whole[1], rtol=1e-12, atol=1e-12)


def test_block_ends_respects_memory_budget() -> None:
    # T = 1,600, lag 2: one end row of 1,000 series = 1000 * 1597 * 14 * 8 * 4 bytes
    per_end = 1000 * 1597 * 14 * 8 * 4
    assert block_ends_for(1000, 1600, 2, 1500, per_end * 3 + 1) == 3
    assert block_ends_for(1000, 1600, 2, 1500, 1) == 1
    assert block_ends_for(2, 100, 0, 80, 1 << 40) == 80


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


@pytest.mark.gpu
def test_gpu_device_present() -> None:
    import_jax()
    assert any(d.platform == "gpu" for d in jax.devices()), jax.devices()
