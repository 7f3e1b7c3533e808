"""Macro reference points of the scenario model, computed from fact-base inputs.

* Furman's H1-2025 reading: real GDP grew about 1.2% annualised (MAC-02a) and information-
  processing equipment and software gave 92% of it (MAC-02), so growth without them was
  ``1.2 × (1 − 0.92) ≈ 0.1%`` (MAC-01). Furman stresses this is an accounting split, not a
  counterfactual.
* JPMorgan's wealth effect: +5 USD tn of household wealth adds about 180 USD bn of spending
  (MAC-05a-e), a marginal propensity to spend of 3.6 cents per dollar; a 10% fall in AI stocks
  removes 2.7 USD tn of wealth, hence ``0.036 × 2,700 ≈ 97`` USD bn of spending against the
  published ~95 USD bn (the published figures are rounded).

References
----------
Furman, J. (2025-09-27), post on X, reported by Fortune (MAC-01, MAC-02).
Reinhart, J. and Feroli, M. (JPMorgan, October 2025), reported by Business Insider (MAC-05).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bubblescope.economy.inputs import Input, fact_number, inputs_to_dicts

__all__ = [
    "FurmanReference",
    "WealthEffect",
    "furman_reference",
    "jpm_wealth_inputs",
    "wealth_effect",
]


@dataclass(frozen=True)
class FurmanReference:
    """H1-2025 US growth split into AI investment and the rest (percent, annualised)."""

    total_growth: Input
    ai_share: Input
    published_ex_ai: Input

    @property
    def ai_contribution_pp(self) -> float:
        """Percentage points of growth from information-processing investment."""
        return self.total_growth.m_as("%") * self.ai_share.m_as("1")

    @property
    def ex_ai_growth(self) -> float:
        """Growth without information-processing investment, percent annualised."""
        return self.total_growth.m_as("%") - self.ai_contribution_pp

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "ai_contribution_pp": self.ai_contribution_pp,
            "ex_ai_growth_pct": self.ex_ai_growth,
            "published_ex_ai_growth_pct": self.published_ex_ai.m_as("%"),
            "inputs": inputs_to_dicts((self.total_growth, self.ai_share, self.published_ex_ai)),
        }


def furman_reference() -> FurmanReference:
    """Furman's "growth ex-AI ≈ 0.1%" for H1 2025, recomputed from the fact base."""
    return FurmanReference(
        fact_number("MAC-02a", "%", name="US real GDP growth H1 2025, annualised"),
        fact_number("MAC-02", "%", name="share of H1-2025 growth from info-processing investment"),
        fact_number("MAC-01", "%", name="published growth excluding info-processing investment"),
    )


@dataclass(frozen=True)
class WealthEffect:
    """Spending response to a fall in AI stocks (USD bn; shares as fractions).

    Attributes
    ----------
    fall : float
        Fall in AI stocks (0.1 = 10%).
    wealth_loss, spending_loss : float
        USD bn.
    consumption_share : float
        Spending loss / total consumption.
    top10_cut : float
        Cut in the top 10%'s spending, as a share of their consumption.
    """

    fall: float
    wealth_loss: float
    spending_loss: float
    consumption_share: float
    top10_cut: float

    def to_dict(self) -> dict[str, float]:
        """JSON-ready."""
        return {
            "fall": self.fall,
            "wealth_loss_usd_bn": self.wealth_loss,
            "spending_loss_usd_bn": self.spending_loss,
            "share_of_consumption": self.consumption_share,
            "top10_spending_cut": self.top10_cut,
        }


def jpm_wealth_inputs() -> dict[str, Input]:
    """JPMorgan's wealth-effect figures as sourced inputs (MAC-05a..e, split from MAC-05)."""
    return {
        "wealth_gain": fact_number("MAC-05a", "USD tn", name="wealth gain in a year"),
        "spending_gain": fact_number("MAC-05b", "USD bn", name="spending added by that gain"),
        "spending_gain_share": fact_number("MAC-05c", "%", name="that spending / consumption"),
        "ai_wealth_per_10pct": fact_number("MAC-05d", "USD tn", name="wealth lost in a 10% fall"),
        "spending_loss_per_10pct": fact_number(
            "MAC-05e", "USD bn", name="published spending lost in a 10% fall"
        ),
    }


def wealth_effect(
    fall: float,
    *,
    wealth_gain: float,
    spending_gain: float,
    spending_gain_share: float,
    ai_wealth_per_10pct: float,
    top10_consumption_share: float,
    top10_wealth_effect_share: float,
) -> WealthEffect:
    """Spending lost when AI stocks fall by ``fall``, calibrated on JPMorgan's figures.

    Parameters
    ----------
    fall : float
        Fall in AI stocks as a fraction (0.1 = 10%).
    wealth_gain : float
        USD tn of wealth gained (JPMorgan: 5).
    spending_gain : float
        USD bn of spending that gain adds (JPMorgan: 180).
    spending_gain_share : float
        That spending as a fraction of consumption (JPMorgan: 0.009).
    ai_wealth_per_10pct : float
        USD tn of wealth lost in a 10% fall (JPMorgan: 2.7).
    top10_consumption_share : float
        Top-10% households' share of consumption (MAC-06b: 0.492).
    top10_wealth_effect_share : float
        Share of the spending response that falls on the top 10%.
    """
    mpc = spending_gain / (1000.0 * wealth_gain)
    wealth_loss = fall * 10.0 * ai_wealth_per_10pct * 1000.0
    spending = mpc * wealth_loss
    consumption = spending_gain / spending_gain_share
    top10 = top10_wealth_effect_share * spending / (top10_consumption_share * consumption)
    return WealthEffect(fall, wealth_loss, spending, spending / consumption, top10)
