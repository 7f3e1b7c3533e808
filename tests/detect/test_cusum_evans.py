"""Evans (1991) periodically collapsing bubbles, and the CUSUM monitor's power against them.

The simulator is checked against the properties that define it (the rational-bubble condition
``E_t B_{t+1} = (1 + r) B_t``, the collapse probability, the present-value equation of the
fundamental). The CUSUM monitor is checked against the qualitative finding of Homm's Table 1.6
(dissertation, Section 1.6.4: rejection frequencies for Evans bubbles, T = 100, 2,000 replications,
5% level): power falls as the bubble collapses more often. Its entries are not asserted: the
reachable text does not say how the monitors were set up (training length, how "detrended data"
is done in real time, which boundary constant), and different readings reproduce different
entries, so fitting one reading to the table would be tuning, not reproduction.
``python -m bubblescope.detect.simulation.homm_table16`` prints every reading against the table.
"""

from __future__ import annotations

import doctest
import itertools
import math

import numpy as np
import pytest

from bubblescope.detect._cusum import crossing_constant, detector
from bubblescope.detect.critical_values.cusum import CUSUMCV
from bubblescope.detect.cusum import cusum_monitor
from bubblescope.detect.simulation import evans
from bubblescope.detect.simulation.evans import evans_bubble, evans_price, fundamental_price
from bubblescope.detect.simulation.homm_table16 import (
    READINGS,
    TABLE_1_6_CUSUM,
    Detrend,
    detrended_statistic,
    rejection_rates,
    render,
)
from bubblescope.errors import InputError

R = 0.05


@pytest.mark.parametrize(("b1", "pi"), [(0.8, 0.5), (0.8, 0.95), (3.0, 0.5), (3.0, 0.95)])
def test_bubble_grows_at_the_discount_rate_in_expectation(b1: float, pi: float) -> None:
    """Evans (1991): E_t B_{t+1} = (1 + r) B_t below and above the eruption threshold."""
    reps = 200_000
    b = evans_bubble(2, pi, reps=reps, b1=b1, r=R, rng=int(10 * b1 + 100 * pi))
    nxt = b[:, 1]
    se = float(nxt.std()) / math.sqrt(reps)
    assert abs(float(nxt.mean()) - (1 + R) * b1) < 4 * se


def test_bubble_collapses_with_probability_one_minus_pi_only_above_alpha() -> None:
    reps, pi, tau = 100_000, 0.7, 0.05
    above = evans_bubble(2, pi, reps=reps, b1=3.0, tau=tau, rng=1)[:, 1]
    collapsed = float(np.mean(above < 1.0))  # a collapse leaves delta * u, about 0.5
    assert abs(collapsed - (1 - pi)) < 4 * math.sqrt(pi * (1 - pi) / reps)
    below = evans_bubble(2, pi, reps=reps, b1=0.8, tau=tau, rng=2)[:, 1]
    log_u = np.log(below / ((1 + R) * 0.8))  # no collapse below alpha: B_2 = (1 + r) B_1 u
    assert abs(float(log_u.mean()) + tau**2 / 2) < 4 * tau / math.sqrt(reps)
    assert abs(float(log_u.std()) - tau) < 0.01 * tau
    sure = evans_bubble(60, 1.0, tau=0.0, rng=3)  # pi = 1, no noise: B_t = B_1 (1 + r)^(t - 1)
    np.testing.assert_allclose(sure, 0.5 * (1 + R) ** np.arange(60), rtol=1e-12)


def test_fundamental_solves_the_present_value_equation() -> None:
    """P^f_t = (E_t P^f_{t+1} + E_t D_{t+1}) / (1 + r), with D_t read back from P^f_t."""
    reps, mu = 200_000, 0.0373
    pf = fundamental_price(2, reps=reps, rng=4)
    d = R * (pf - mu * (1 + R) / R**2)
    assert np.allclose(d[:, 0], 1.3)
    payoff = pf[:, 1] + d[:, 1] - (1 + R) * pf[:, 0]
    assert abs(float(payoff.mean())) < 4 * float(payoff.std()) / math.sqrt(reps)
    assert abs(float(np.diff(d, axis=1).var()) - 0.1574) < 0.01


def test_price_is_the_fundamental_plus_the_scaled_bubble_from_one_generator() -> None:
    gen = np.random.default_rng(5)
    b = evans_bubble(80, 0.85, reps=4, rng=gen)
    f = fundamental_price(80, reps=4, rng=gen)
    np.testing.assert_array_equal(evans_price(80, 0.85, reps=4, rng=5), f + 20 * b)
    np.testing.assert_array_equal(evans_price(80, None, rng=6), fundamental_price(80, rng=6))
    assert evans_price(80, 0.85, rng=7).shape == (80,)


def test_cusum_power_falls_as_evans_bubbles_collapse_more_often() -> None:
    """Homm, Table 1.6 (dissertation): power decreases with the collapse probability 1 - pi.

    T = 100 and 2,000 replications as in the table; the monitor is trained on the first half,
    with the training drift removed (the fundamental has a drift) and its simulated 5% constant.
    Without a bubble (the fundamental alone, a random walk with drift) the false-alarm rate is
    5% within Monte Carlo error; the near-permanent bubble (pi = 0.999) is found in more than
    nine paths out of ten (the table: 0.942).
    """
    T, n, reps, alpha = 100, 50, 2000, 0.05
    b = float(CUSUMCV(reps=20_000, rng=11, levels=(1 - alpha,)).compute(n, T, demean=True)[0])
    rates = []
    for i, pi in enumerate((None, 0.999, 0.99, 0.95, 0.85, 0.75, 0.5)):
        p = evans_price(T, pi, reps=reps, rng=200 + i)
        s, _ = detector(p, n, demean=True)
        hits = crossing_constant(s, n) > b
        for row in range(5):  # the vectorised detector is the public monitor's
            res = cusum_monitor(p[row], train=n, critical=b, demean=True)
            assert (res.first_alarm is not None) == bool(hits[row])
        rates.append(float(hits.mean()))
    size, power = rates[0], rates[1:]
    assert abs(size - alpha) < 3 * math.sqrt(alpha * (1 - alpha) / reps), size
    assert all(a > c for a, c in itertools.pairwise(power)), power
    assert power[0] > 0.9


def test_bad_parameters_give_typed_errors() -> None:
    with pytest.raises(InputError, match="0 < delta < \\(1 \\+ r\\) alpha"):
        evans_bubble(10, 0.5, delta=2.0)
    with pytest.raises(InputError, match="pi"):
        evans_bubble(10, 0.0)
    with pytest.raises(InputError, match="positive integer"):
        evans_price(0, 0.5)
    with pytest.raises(InputError, match="reps"):
        evans_price(10, 0.5, reps=0)
    with pytest.raises(InputError, match="discount rate"):
        fundamental_price(10, r=0.0)
    with pytest.raises(InputError, match="finite"):
        evans_price(10, 0.5, scale=float("nan"))
    with pytest.raises(InputError, match="variance"):
        fundamental_price(10, sigma2=-1.0)


def test_docstring_examples_run() -> None:
    result = doctest.testmod(evans)
    assert result.attempted > 0
    assert result.failed == 0


@pytest.mark.parametrize("how", ["demean", "train_ols", "full_ols"])
def test_each_detrending_reading_is_blind_to_a_linear_trend(how: Detrend) -> None:
    y = np.cumsum(np.random.default_rng(8).standard_normal((3, 100)), axis=1)
    line = 4.0 + 0.7 * np.arange(100)
    base = detrended_statistic(y, 50, how)
    np.testing.assert_allclose(detrended_statistic(y + line, 50, how), base, atol=1e-9)
    assert not np.allclose(
        detrended_statistic(y + line, 50, "raw"), detrended_statistic(y, 50, "raw")
    )


def test_size_calibrated_readings_hold_five_percent_on_the_drifting_fundamental() -> None:
    """The "no bubble" row of each simulated-constant reading: a random walk with drift."""
    reps = 2000
    calibrated = tuple(r for r in READINGS if r.constant == "simulated" and r.n == 50)
    constants, rates = rejection_rates(calibrated, reps, seed=3)
    se = math.sqrt(0.05 * 0.95 / reps)
    for reading in calibrated:
        assert abs(rates[reading.label][None] - 0.05) < 3 * se, reading
        assert constants[reading.label] > 0
    text = render(constants, rates, reps)
    assert text.splitlines()[1].startswith("Table 1.6 (CUSUM)")
    assert all(f"{v:.3f}" in text.splitlines()[1] for v in TABLE_1_6_CUSUM.values())
    assert [line.split()[0:3] for line in text.splitlines()[2:]] == [
        r.label.split() for r in calibrated
    ]
