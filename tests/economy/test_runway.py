"""The labs' runway, recomputed by hand from the fact base's deals and facts.

OpenAI's payments in 2027 are the even shares of its compute and chip contracts that run that
year (E01, E06, E08, E11, E22, E23); its revenue is the CFO's 2025 run-rate (OAI-05c) grown at
each scenario's rate; its funding in 2026 is the February round's three commitments (E05, E20,
E21). The balance carries without new money; the year it first goes negative is the year
funding runs short.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bubblescope.data.facts import load_factbase
from bubblescope.economy.assumptions import load_assumptions
from bubblescope.economy.firms.runway import SCENARIOS, runway
from bubblescope.economy.network import load_network
from bubblescope.errors import DataError, InputError


def _even(deal: str, year: int) -> float:
    """Deal ``deal``'s even yearly share in ``year`` (0 outside its schedule)."""
    (c,) = [c for c in load_network().commitments if c.id == deal]
    return c.amount_usd_bn / c.schedule.years if c.schedule.start <= year <= c.schedule.end else 0.0


def test_openai_runway_by_hand() -> None:
    fb = load_factbase()
    res = runway(scenarios=("mid",))
    t = res.table.set_index(["lab", "year"])
    payments_2027 = sum(_even(d, 2027) for d in ("E01", "E06", "E08", "E11", "E22", "E23"))
    assert t.loc[("OpenAI", 2027), "payments_due"] == pytest.approx(payments_2027)
    # E01 300/5 from 2027; E06 6 GW x 35 over an assumed 5 yrs; E08 250 over an assumed 5
    assert payments_2027 == pytest.approx(
        60 + 6 * fb.value("GWC-01") / 5 + 50 + 22.4 / 5 + 38 / 7 + 100 / 8
    )
    g = load_assumptions("network").input("runway_growth_mid").m_as("1")
    run_rate = fb.value("OAI-05c")
    assert t.loc[("OpenAI", 2025), "revenue"] == pytest.approx(run_rate)
    assert t.loc[("OpenAI", 2027), "revenue"] == pytest.approx(run_rate * (1 + g) ** 2)
    assert t.loc[("OpenAI", 2026), "funding"] == pytest.approx(30 + 30 + 50)
    rows = res.table[res.table["lab"] == "OpenAI"].sort_values("year")
    balance = (rows["funding"] + rows["revenue"] - rows["payments_due"]).cumsum()
    assert rows["balance"].to_numpy() == pytest.approx(balance.to_numpy())
    first = int(rows.loc[rows["balance"] < 0, "year"].iloc[0])
    summary = res.short_year.loc[("OpenAI", "mid")]
    assert summary["short_year"] == first
    assert summary["new_money_total"] == pytest.approx(float(-balance.min()))
    assert rows["new_money"].sum() == pytest.approx(float(-balance.min()))


def test_anthropic_counts_its_round_outside_the_deals() -> None:
    fb = load_factbase()
    res = runway(scenarios=("low",))
    t = res.table.set_index(["lab", "year"])
    first = int(fb.get("LAB-01").as_of[:4])
    assert t.loc[("Anthropic", first), "funding"] == pytest.approx(fb.value("LAB-02"))
    assert t.loc[("Anthropic", first), "revenue"] == pytest.approx(fb.value("LAB-01"))
    left_out = [s for s in res.sources if "left out" in str(s["name"])]
    assert left_out  # E24's 2025 payment predates the run-rate's year and is listed


@settings(max_examples=15, deadline=None)
@given(st.floats(0.0, 2.0), st.floats(0.0, 2.0))
def test_faster_growth_never_needs_more_money(g1: float, g2: float) -> None:
    lo, hi = sorted((g1, g2))
    a = runway(scenarios=("low",), growth={"low": lo})
    b = runway(scenarios=("low",), growth={"low": hi})
    ka = a.short_year.loc[("OpenAI", "low")]
    kb = b.short_year.loc[("OpenAI", "low")]
    assert kb["new_money_total"] <= ka["new_money_total"] + 1e-9


def test_result_contract_and_errors() -> None:
    res = runway()
    assert set(res.table["scenario"]) == set(SCENARIOS)
    json.dumps(res.to_dict(), allow_nan=False)
    assert "OAI-01" in res.summary()
    assert res.chart_spec().panels
    with pytest.raises(InputError, match="scenario"):
        runway(scenarios=("boom",))
    with pytest.raises(InputError, match="owes no payments"):
        runway(labs=("SoftBank",))
    with pytest.raises(DataError, match="no sourced revenue run-rate for Nvidia"):
        runway(labs=("Nvidia",))
