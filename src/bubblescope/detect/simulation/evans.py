r"""Evans (1991) periodically collapsing bubbles on a random-walk dividend fundamental.

The alternative on which Evans (1991) showed that unit-root tests miss bubbles, and on which
Phillips, Wu & Yu (2011) and Homm's dissertation (Section 1.6.4, Table 1.6; the chapter that
became Homm & Breitung 2012) compare bubble tests and monitors:

* the bubble (Evans 1991): with ``u_t = exp(y_t - tau^2 / 2)``, ``y_t ~ N(0, tau^2)``, and
  ``theta_t`` Bernoulli with ``P(theta_t = 1) = pi``,

  ``B_{t+1} = (1 + r) B_t u_{t+1}``  if ``B_t <= alpha``,

  ``B_{t+1} = [delta + pi^{-1} (1 + r) theta_{t+1} (B_t - (1 + r)^{-1} delta)] u_{t+1}``
  otherwise: above ``alpha`` the bubble grows at the mean rate ``(1 + r) / pi`` and collapses to
  about ``delta`` with probability ``1 - pi`` each period. Either way ``E_t B_{t+1} = (1 + r)
  B_t``, the rational-bubble condition (needs ``0 < delta < (1 + r) alpha``);
* the fundamental (West 1988, used by Evans and PWY): dividends follow a random walk with drift,
  ``D_t = mu + D_{t-1} + e_t``, ``e_t ~ N(0, sigma^2)``, and the present value of expected
  dividends at the discount rate ``r`` is ``P^f_t = mu (1 + r) / r^2 + D_t / r``;
* the price ``P_t = P^f_t + scale * B_t`` (PWY and Homm use ``scale = 20``).

Defaults are the published values: ``alpha = 1``, ``delta = 0.5``, ``B_1 = 0.5``, ``tau = 0.05``,
``r = 0.05`` (Evans 1991; PWY 2011), ``mu = 0.0373``, ``sigma^2 = 0.1574``, ``D_1 = 1.3`` (West
1988, as PWY and exuber's ``sim_div`` take them). The first observation is ``t = 1``:
``B_1 = b1`` and ``D_1 = d1``.

References
----------
Evans, G.W. (1991). Pitfalls in testing for explosive bubbles in asset prices. American Economic
Review 81(4), 922-930.
Phillips, P.C.B., Wu, Y. and Yu, J. (2011). Explosive behavior in the 1990s Nasdaq: when did
exuberance escalate asset values? International Economic Review 52(1), 201-226.
West, K.D. (1988). Dividend innovations and stock price volatility. Econometrica 56(1), 37-61.
Homm, U. Doctoral dissertation, Chapter 1, Section 1.6.4 and Table 1.6, as rendered at
https://1library.net/article/periodically-collapsing-bubbles-monte-carlo-analysis.y887pd0y.
"""

from __future__ import annotations

import math

import numpy as np

from bubblescope._typing import Float64Array, RngLike
from bubblescope.errors import InputError

__all__ = ["evans_bubble", "evans_price", "fundamental_price"]


def _check_shape(n: int, reps: int | None) -> tuple[int, ...]:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise InputError(f"n must be a positive integer number of periods, got {n!r}")
    if reps is None:
        return (1, n)
    if isinstance(reps, bool) or not isinstance(reps, int) or reps < 1:
        raise InputError(f"reps must be a positive integer or None, got {reps!r}")
    return (reps, n)


def _finite(name: str, value: float) -> float:
    v = float(value)
    if not math.isfinite(v):
        raise InputError(f"{name} must be finite, got {value!r}")
    return v


def _bubble(
    shape: tuple[int, ...],
    pi: float,
    alpha: float,
    delta: float,
    tau: float,
    r: float,
    b1: float,
    gen: np.random.Generator,
) -> Float64Array:
    reps, n = shape
    u = np.exp(gen.normal(0.0, tau, (reps, n)) - 0.5 * tau * tau)
    theta = gen.random((reps, n)) < pi
    grow = (1.0 + r) / pi
    b = np.empty((reps, n), dtype=np.float64)
    b[:, 0] = b1
    for t in range(n - 1):
        prev = b[:, t]
        calm = (1.0 + r) * prev
        bubbly = delta + grow * theta[:, t + 1] * (prev - delta / (1.0 + r))
        b[:, t + 1] = np.where(prev <= alpha, calm, bubbly) * u[:, t + 1]
    return b


def _fundamental(
    shape: tuple[int, ...], mu: float, sigma2: float, d1: float, r: float, gen: np.random.Generator
) -> Float64Array:
    reps, n = shape
    steps = mu + gen.normal(0.0, math.sqrt(sigma2), (reps, n - 1))
    d = np.empty((reps, n), dtype=np.float64)
    d[:, 0] = d1
    d[:, 1:] = d1 + np.cumsum(steps, axis=1)
    return mu * (1.0 + r) / (r * r) + d / r


def _bubble_args(
    pi: float, alpha: float, delta: float, tau: float, r: float, b1: float
) -> tuple[float, float, float, float, float, float]:
    pi, alpha, delta = _finite("pi", pi), _finite("alpha", alpha), _finite("delta", delta)
    tau, r, b1 = _finite("tau", tau), _finite("r", r), _finite("b1", b1)
    if not 0.0 < pi <= 1.0:
        raise InputError(f"pi (the probability the bubble survives) must be in (0, 1], got {pi}")
    if not r > 0.0:
        raise InputError(f"the discount rate r must be positive, got {r}")
    if not alpha > 0.0 or not 0.0 < delta < (1.0 + r) * alpha:
        raise InputError(
            f"Evans's bubble needs alpha > 0 and 0 < delta < (1 + r) alpha, got alpha={alpha}, "
            f"delta={delta}, r={r}"
        )
    if tau < 0.0:
        raise InputError(f"tau (the standard deviation of log u) must be >= 0, got {tau}")
    if not b1 > 0.0:
        raise InputError(f"the initial bubble b1 must be positive, got {b1}")
    return pi, alpha, delta, tau, r, b1


def _out(x: Float64Array, reps: int | None) -> Float64Array:
    return np.asarray(x[0] if reps is None else x, dtype=np.float64)


def evans_bubble(
    n: int,
    pi: float,
    *,
    reps: int | None = None,
    alpha: float = 1.0,
    delta: float = 0.5,
    tau: float = 0.05,
    r: float = 0.05,
    b1: float = 0.5,
    rng: RngLike = None,
) -> Float64Array:
    """Evans (1991) periodically collapsing bubble ``B_1, ..., B_n``.

    Parameters
    ----------
    n : int
        Periods.
    pi : float
        Probability in (0, 1] that the bubble survives a period once above ``alpha``.
    reps : int, optional
        Independent paths (rows); None gives one path as a 1-d array.
    alpha, delta : float
        Threshold above which the bubble erupts, and the level it collapses to (in price units
        before ``scale``); ``0 < delta < (1 + r) alpha``.
    tau : float
        Standard deviation of ``log u_t`` (the multiplicative noise, mean one).
    r : float
        Discount rate per period (0.05: 5%).
    b1 : float
        ``B_1``.
    rng : int, Generator, SeedSequence or None
        Seed of every draw.

    Returns
    -------
    ndarray
        Shape ``(n,)``, or ``(reps, n)``.

    Raises
    ------
    InputError
        Non-positive ``n`` or ``reps``, ``pi`` outside (0, 1], parameters that break Evans's
        condition ``0 < delta < (1 + r) alpha``, a negative ``tau`` or a non-positive ``b1``/``r``.

    Examples
    --------
    >>> b = evans_bubble(100, 0.85, reps=3, rng=0)
    >>> b.shape
    (3, 100)
    """
    shape = _check_shape(n, reps)
    args = _bubble_args(pi, alpha, delta, tau, r, b1)
    return _out(_bubble(shape, *args, gen=np.random.default_rng(rng)), reps)


def fundamental_price(
    n: int,
    *,
    reps: int | None = None,
    mu: float = 0.0373,
    sigma2: float = 0.1574,
    d1: float = 1.3,
    r: float = 0.05,
    rng: RngLike = None,
) -> Float64Array:
    """Present value ``P^f_t = mu (1 + r) / r^2 + D_t / r`` of random-walk dividends.

    Parameters
    ----------
    n : int
        Periods.
    reps : int, optional
        Independent paths (rows); None gives one path as a 1-d array.
    mu, sigma2 : float
        Drift and innovation variance of the dividend random walk (per period, dividend units).
    d1 : float
        ``D_1``.
    r : float
        Discount rate per period.
    rng : int, Generator, SeedSequence or None
        Seed of every draw.

    Returns
    -------
    ndarray
        Shape ``(n,)``, or ``(reps, n)``.

    Raises
    ------
    InputError
        Non-positive ``n``, ``reps`` or ``r``, a negative ``sigma2``, non-finite parameters.
    """
    shape = _check_shape(n, reps)
    mu, sigma2, d1 = _finite("mu", mu), _finite("sigma2", sigma2), _finite("d1", d1)
    r = _finite("r", r)
    if not r > 0.0:
        raise InputError(f"the discount rate r must be positive, got {r}")
    if sigma2 < 0.0:
        raise InputError(f"the dividend innovation variance must be >= 0, got {sigma2}")
    return _out(_fundamental(shape, mu, sigma2, d1, r, np.random.default_rng(rng)), reps)


def evans_price(
    n: int,
    pi: float | None,
    *,
    reps: int | None = None,
    scale: float = 20.0,
    mu: float = 0.0373,
    sigma2: float = 0.1574,
    d1: float = 1.3,
    r: float = 0.05,
    alpha: float = 1.0,
    delta: float = 0.5,
    tau: float = 0.05,
    b1: float = 0.5,
    rng: RngLike = None,
) -> Float64Array:
    """Price ``P_t = P^f_t + scale * B_t`` (PWY 2011; Homm, Table 1.6's design).

    ``pi=None`` gives the fundamental alone (the tables' "no bubble" row). The bubble is drawn
    first, then the dividends, from one generator seeded by ``rng``; other parameters as in
    :func:`evans_bubble` and :func:`fundamental_price`.

    Returns
    -------
    ndarray
        Shape ``(n,)``, or ``(reps, n)``.

    Raises
    ------
    InputError
        As :func:`evans_bubble` and :func:`fundamental_price`, or a non-finite ``scale``.

    Examples
    --------
    >>> evans_price(100, 0.999, reps=2, rng=1).shape
    (2, 100)
    """
    shape = _check_shape(n, reps)
    scale = _finite("scale", scale)
    gen = np.random.default_rng(rng)
    bubble: Float64Array | None = None
    if pi is not None:
        bubble = _bubble(shape, *_bubble_args(pi, alpha, delta, tau, r, b1), gen=gen)
    fund = fundamental_price(n, reps=shape[0], mu=mu, sigma2=sigma2, d1=d1, r=r, rng=gen)
    price = fund if bubble is None else fund + scale * bubble
    return _out(price, reps)
