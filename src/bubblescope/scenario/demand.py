r"""The demand side of the scenario: enterprise adoption and consumer/API tokens.

AI revenue is split into two parts (see "Demand side" in :mod:`bubblescope.scenario.model`):

* **Enterprise adoption.** The share of US firms using AI follows a logistic diffusion curve
  :math:`a(\tau) = \bar a / (1 + e^{-k(\tau - \tau_m)})` through two sourced readings of the
  Census Business Trends and Outlook Survey (ADO-01a, 3.7% in September 2023; ADO-02, about 10%
  in late 2025) under an assumed ceiling :math:`\bar a`; :func:`fit_logistic` solves for the
  rate :math:`k` and midpoint :math:`\tau_m`. Enterprise revenue moves with the share of firms
  that use AI (Griliches 1957; Bass 1969 for the diffusion literature).
* **Consumer/API revenue** is tokens sold times the price per token. The price falls at
  :math:`\pi` a year (TOK-03, from OpenAI's list prices), the inference cost per token
  :math:`c_t` at :math:`\gamma` a year from :math:`c_0`, the rent of a GPU-hour
  (:func:`bubblescope.economy.gpu.generation`) over the tokens a GPU serves in an hour; the
  gross margin on a token is :math:`1 - c_t / p_t` (:func:`api_margin`), so a price war
  (:math:`\pi > \gamma`) squeezes it.

References
----------
Bass, F. M. (1969). A new product growth model for consumer durables. *Management Science*
15(5), 215-227.
Griliches, Z. (1957). Hybrid corn: an exploration in the economics of technological change.
*Econometrica* 25(4), 501-522.
Bonney, K. et al. (2024). Tracking firm use of AI in real time: a snapshot from the Business
Trends and Outlook Survey. US Census Bureau CES working paper 24-16.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date

import numpy as np

from bubblescope._typing import Float64Array
from bubblescope.errors import InputError

__all__ = [
    "AdoptionCurve",
    "api_margin",
    "decimal_year",
    "fit_logistic",
    "inference_cost_per_mtok",
]

_MONTHS_PER_YEAR = 12
_QUARTERS_PER_YEAR = 4


def decimal_year(as_of: str) -> float:
    """The middle of a fact's period as a decimal year (``"2023-09"`` -> 2023.708).

    Parameters
    ----------
    as_of : str
        ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` or ``YYYY-Qn`` (the fact base's ``as_of``).

    Examples
    --------
    >>> decimal_year("2023-09"), decimal_year("2025-Q4"), decimal_year("2024")
    (2023.7083333333333, 2025.875, 2024.5)
    """
    text = as_of.strip()
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", text):
        return int(m[1]) + (int(m[2]) - 0.5) / _QUARTERS_PER_YEAR
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text):
        try:
            day = date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError as exc:
            raise InputError(f"{as_of!r} is not a date: {exc}") from None
        first, last = date(day.year, 1, 1), date(day.year, 12, 31)
        return day.year + ((day - first).days + 0.5) / ((last - first).days + 1)
    if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
        return int(m[1]) + (int(m[2]) - 0.5) / _MONTHS_PER_YEAR
    if m := re.fullmatch(r"(\d{4})", text):
        return int(m[1]) + 0.5
    raise InputError(f"cannot read a date from {as_of!r}", hint="YYYY, YYYY-MM or YYYY-Qn")


@dataclass(frozen=True)
class AdoptionCurve:
    r"""A logistic diffusion curve :math:`a(\tau) = \bar a / (1 + e^{-k(\tau - \tau_m)})`.

    Attributes
    ----------
    ceiling : float
        :math:`\bar a`, the share of firms that ever adopt (fraction).
    rate : float
        :math:`k`, per year.
    midpoint : float
        :math:`\tau_m`, the decimal year at which half the ceiling is reached.
    """

    ceiling: float
    rate: float
    midpoint: float

    def share(self, year: float | Float64Array) -> Float64Array:
        """Share of firms using AI at decimal ``year`` (fraction)."""
        tau = np.asarray(year, dtype=np.float64)
        return np.asarray(self.ceiling / (1.0 + np.exp(-self.rate * (tau - self.midpoint))))

    def path(self, start: float, years: Float64Array, rates: Float64Array) -> Float64Array:
        r"""Shares ``years`` after ``start`` for each path's rate (``rates`` shape (n,)).

        Every path starts at the observed :math:`a_0 = a(\text{start})` and diffuses at its
        own rate: :math:`a_t = \bar a / (1 + (\bar a / a_0 - 1) e^{-k_i t})`. Shape
        ``(n, len(years))``.
        """
        a0 = float(self.share(start))
        odds = self.ceiling / a0 - 1.0
        return np.asarray(
            self.ceiling / (1.0 + odds * np.exp(-np.outer(rates, years))), dtype=np.float64
        )


def fit_logistic(
    first: tuple[float, float], second: tuple[float, float], ceiling: float
) -> AdoptionCurve:
    """The logistic curve with a given ceiling through two (decimal year, share) readings.

    Parameters
    ----------
    first, second : tuple of float
        ``(year, share)``, shares as fractions, the second later and higher.
    ceiling : float
        Share of firms that ever adopt, above both readings (fraction).

    Raises
    ------
    InputError
        The readings do not rise over time, or the ceiling is not above them.

    Examples
    --------
    >>> c = fit_logistic((2023.7, 0.037), (2025.9, 0.10), 0.5)
    >>> round(float(c.share(2023.7)), 4), round(float(c.share(2025.9)), 4)
    (0.037, 0.1)
    """
    (t1, a1), (t2, a2) = first, second
    if not (t2 > t1 and 0.0 < a1 < a2):
        raise InputError(
            f"adoption readings must rise over time, got {a1:g} at {t1:g} and {a2:g} at {t2:g}"
        )
    if not a2 < ceiling <= 1.0:
        raise InputError(
            f"field 'parameters.adoption_ceiling' ({ceiling:g}) must lie above the latest "
            f"adoption reading ({a2:g}) and at most 1"
        )
    logit1 = math.log(a1 / (ceiling - a1))
    logit2 = math.log(a2 / (ceiling - a2))
    rate = (logit2 - logit1) / (t2 - t1)
    return AdoptionCurve(ceiling, rate, t1 - logit1 / rate)


def inference_cost_per_mtok(
    rent_per_gpu_hour: float, gpu_kw: float, wh_per_query: float, tokens_per_query: float
) -> float:
    """USD of GPU time per million tokens served.

    A GPU drawing ``gpu_kw`` serves ``1000 gpu_kw / wh_per_query`` queries an hour, each of
    ``tokens_per_query`` tokens, so a million tokens cost
    ``1e6 rent wh_per_query / (1000 gpu_kw tokens_per_query)`` USD.

    Examples
    --------
    >>> round(inference_cost_per_mtok(2.0, 1.275, 0.3, 500), 3)
    0.941
    """
    if min(rent_per_gpu_hour, gpu_kw, wh_per_query, tokens_per_query) <= 0:
        raise InputError("rent, GPU power, energy and tokens per query must be positive")
    tokens_per_hour = 1e3 * gpu_kw / wh_per_query * tokens_per_query
    return 1e6 * rent_per_gpu_hour / tokens_per_hour


def api_margin(
    cost_ratio: float,
    years: Float64Array,
    price_decline: float,
    cost_decline: float,
    efficiency_gain: float = 0.0,
    pass_through: float = 0.0,
) -> Float64Array:
    r"""Gross margin on a token, :math:`1 - c_t / p_t`, in each of ``years`` (from 0).

    :math:`c_t / p_t = (c_0/p_0) ((1-\gamma)/(1-\pi))^t (1-\xi)/(1-\phi\xi)` for
    :math:`t \ge 1`: the price falls at :math:`\pi` a year and the cost at :math:`\gamma`; an
    efficiency shock :math:`\xi` cuts the cost per token from the second year and the price by
    the share :math:`\phi` of it that competition passes on.

    Examples
    --------
    >>> m = api_margin(0.1, np.arange(3.0), price_decline=0.6, cost_decline=0.5)
    >>> [round(float(x), 4) for x in m]
    [0.9, 0.875, 0.8438]
    """
    if not (price_decline < 1.0 and cost_decline < 1.0 and pass_through * efficiency_gain < 1.0):
        raise InputError("price and cost declines and the passed-on shock must be below 100%")
    t = np.asarray(years, dtype=np.float64)
    drift = ((1.0 - cost_decline) / (1.0 - price_decline)) ** t
    shock = np.where(
        t >= 1.0, (1.0 - efficiency_gain) / (1.0 - pass_through * efficiency_gain), 1.0
    )
    return np.asarray(1.0 - cost_ratio * drift * shock, dtype=np.float64)
