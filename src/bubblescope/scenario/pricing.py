"""The starting valuation of the AI equity index by DCF, and the growth its price implies.

See "Revenue, valuation and the priced path" in :mod:`bubblescope.scenario.model` for the
symbols.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from bubblescope.economy.valuation import NoSolutionError, dcf_value, reverse_dcf
from bubblescope.errors import InputError
from bubblescope.scenario.spec import ScenarioSpec

__all__ = ["PricedGrowth", "priced_growth"]


@dataclass(frozen=True)
class PricedGrowth:
    r"""The starting valuation of the AI index (USD bn) and the growth it implies.

    Attributes
    ----------
    fcf0 : float
        Free cash flow of the first year, :math:`m R_0`.
    expected_growth : float
        :math:`g_e = e^{\mu_R} - 1`, the growth the fundamental value discounts.
    fundamental_value, market_value : float
        :math:`F_0 = \mathrm{DCF}(m R_0, g_e)` and :math:`V_0 = (1 + \omega) F_0`.
    implied_growth : float
        :math:`g^*`, the growth a year at which the DCF of :math:`m R_0` equals :math:`V_0`.
    """

    fcf0: float
    expected_growth: float
    fundamental_value: float
    market_value: float
    implied_growth: float

    def to_dict(self) -> dict[str, float]:
        """JSON-ready."""
        return {
            "fcf0_usd_bn": self.fcf0,
            "expected_growth": self.expected_growth,
            "fundamental_value_usd_bn": self.fundamental_value,
            "market_value_usd_bn": self.market_value,
            "implied_growth": self.implied_growth,
        }


def priced_growth(spec: ScenarioSpec | Mapping[str, float]) -> PricedGrowth:
    """DCF value of the AI index and the revenue growth its price implies (reverse DCF).

    Uses :func:`bubblescope.economy.valuation.dcf_value` and
    :func:`bubblescope.economy.valuation.reverse_dcf` with the scenario's ``discount_rate``,
    ``terminal_growth`` and ``dcf_horizon`` (see :mod:`bubblescope.scenario.model`).

    Parameters
    ----------
    spec : ScenarioSpec or mapping
        A scenario, or its parameters in model units (:meth:`ScenarioSpec.values`).

    Raises
    ------
    InputError
        Terminal growth not below the discount rate, or an overvaluation no growth in the
        reverse DCF's bracket explains (the message names the fields).

    Examples
    --------
    >>> from bubblescope.scenario import load_scenario
    >>> pg = priced_growth(load_scenario("base").with_overrides({"initial_overvaluation": 0.0}))
    >>> round(pg.implied_growth - pg.expected_growth, 9)
    0.0
    """
    v, origin = (spec.values(), spec.origin) if isinstance(spec, ScenarioSpec) else (spec, "values")
    rate, term, horizon = v["discount_rate"], v["terminal_growth"], int(v["dcf_horizon"])
    if term >= rate:
        raise InputError(
            f"{origin}: field 'parameters.terminal_growth' ({term:g}) must be below "
            f"'parameters.discount_rate' ({rate:g})"
        )
    fcf0 = v["ai_gross_margin"] * v["ai_revenue_start"]
    expected = math.expm1(v["ai_revenue_growth"])
    fundamental = dcf_value(fcf0, expected, rate, horizon, term)
    market = (1.0 + v["initial_overvaluation"]) * fundamental
    try:
        implied = reverse_dcf(
            market, fcf0, discount_rate=rate, horizon=horizon, terminal_growth=term
        ).implied_growth
    except NoSolutionError as exc:
        raise InputError(
            f"{origin}: fields 'parameters.initial_overvaluation' and "
            f"'parameters.ai_revenue_growth': {exc.message}"
        ) from None
    return PricedGrowth(fcf0, expected, fundamental, market, implied)
