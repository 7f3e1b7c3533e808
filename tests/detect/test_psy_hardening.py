"""PSY refuses what it cannot answer instead of a silent "no rejection" (issue 20)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bubblescope.detect import psy, psy_panel
from bubblescope.errors import InputError


def _walk(n: int = 160, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.exp(np.cumsum(rng.normal(0.0, 0.02, n)))


@pytest.mark.parametrize("scale", [1e300, 1e160, 1e-300])
def test_statistics_are_scale_invariant_at_extreme_levels(scale: float) -> None:
    # ADF t-statistics do not depend on the unit of the series: the same walk in tiny or huge
    # units must give the statistics of the walk itself, not NaN and -inf.
    y = _walk()
    base = psy(y, cv=None)
    scaled = psy(y * scale, cv=None)
    assert np.isfinite(scaled.gsadf)
    np.testing.assert_allclose(
        [scaled.adf, scaled.sadf, scaled.gsadf], [base.adf, base.sadf, base.gsadf], rtol=1e-9
    )
    np.testing.assert_allclose(scaled.bsadf.to_numpy(), base.bsadf.to_numpy(), rtol=1e-9)


def test_scaled_series_keeps_its_own_values_in_the_result() -> None:
    y = _walk() * 1e300
    assert psy(y, cv=None).y.to_numpy()[0] == y[0]


def test_statistics_that_cannot_be_finite_are_refused() -> None:
    # a level spanning 600 orders of magnitude overflows whatever the scale
    y = _walk()
    wide = np.concatenate([y * 1e-300, y * 1e300])
    with pytest.raises(InputError, match="not finite"):
        psy(wide, cv=None)


@pytest.mark.parametrize(
    "make",
    [
        lambda b: b,
        lambda b: pd.Series(b),
        lambda b: pd.DataFrame({"flag": b}),
        lambda b: list(b),
    ],
)
def test_boolean_input_is_refused(make) -> None:  # type: ignore[no-untyped-def]
    flags = np.random.default_rng(0).random(120) > 0.5
    with pytest.raises(InputError, match="boolean"):
        psy(make(flags), cv=None)


def test_boolean_panel_column_is_refused() -> None:
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"price": _walk(120), "flag": rng.random(120) > 0.5})
    with pytest.raises(InputError, match="boolean"):
        psy_panel(frame, cv=None)
