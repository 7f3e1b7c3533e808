"""The boundary simulations' one-pass kernels against the vectorised definitions, bitwise."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from bubblescope._kernels.monitor_null import (
    cusum_crossing_constants,
    robust_crossing_constants,
    sign_df_sups,
)
from bubblescope.detect import _sign
from bubblescope.detect._cusum import crossing_constant, detector, kernel_weights


def _walks(seed: int, reps: int, size: int, decimals: int | None) -> np.ndarray:
    y = np.cumsum(np.random.default_rng(seed).standard_normal((reps, size)), axis=1)
    # rounded walks have zero steps (a zero sign; a constant stretch)
    return np.round(y, decimals) if decimals is not None else y


@pytest.mark.parametrize("demean", [True, False])
@pytest.mark.parametrize(("n", "size", "decimals"), [(50, 120, None), (300, 420, 1), (2, 9, 0)])
def test_cusum_crossing_constants_equal_the_definition(
    demean: bool, n: int, size: int, decimals: int | None
) -> None:
    y = _walks(1, 60, size, decimals)
    with np.errstate(all="ignore"):  # constant stretches: zero volatility, as in a null walk
        s, _ = detector(y, n, demean=demean)
        want = crossing_constant(s, n)
    mu = np.diff(y[:, :n], axis=1).mean(axis=1) if demean else np.zeros(y.shape[0])
    log_ratio = np.log(np.arange(n + 1, size + 1, dtype=np.float64) / n)
    got = cusum_crossing_constants(y, n, mu, log_ratio)
    np.testing.assert_array_equal(got, want)
    assert np.isfinite(got).any()


@pytest.mark.parametrize("demean", [True, False])
@pytest.mark.parametrize(
    ("n", "size", "bandwidth", "decimals"),
    [(50, 120, 20, None), (300, 420, 5, 1), (4, 12, 1, None)],
)
def test_robust_crossing_constants_equal_the_definition(
    demean: bool, n: int, size: int, bandwidth: int, decimals: int | None
) -> None:
    y = _walks(3, 60, size, decimals)
    with np.errstate(all="ignore"):
        s, _ = detector(y, n, demean=demean, bandwidth=bandwidth)
        want = crossing_constant(s, n)
    mu = np.diff(y[:, :n], axis=1).mean(axis=1) if demean else np.zeros(y.shape[0])
    log_ratio = np.log(np.arange(n + 1, size + 1, dtype=np.float64) / n)
    got = robust_crossing_constants(y, n, mu, kernel_weights(bandwidth), log_ratio)
    np.testing.assert_array_equal(got, want)
    assert np.isfinite(got).any()


@pytest.mark.parametrize("demean", [True, False])
@pytest.mark.parametrize(("n", "size", "decimals"), [(50, 120, None), (300, 420, 1), (3, 12, 0)])
def test_sign_df_sups_equal_the_definition(
    demean: bool, n: int, size: int, decimals: int | None
) -> None:
    y = _walks(2, 60, size, decimals)
    stat, _, _ = _sign.df_path(_sign.sign_increments(y, demean=demean), n)
    with warnings.catch_warnings():  # an all-NaN row: no ratio defined
        warnings.simplefilter("ignore", RuntimeWarning)
        want = np.nanmax(stat[:, 1:], axis=1)
    got = sign_df_sups(y, n, demean)
    np.testing.assert_array_equal(got, want)
    assert np.isfinite(got).any()
