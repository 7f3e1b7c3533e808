"""The stress test on real balance sheets and commitments by kind (issue 14).

Who defaults when OpenAI pays half or nothing is derived here from the fact base's deals and
the firms' filed liquid assets (bubblescope.data.financials), not read off the model: each test
recomputes the deciding margins by hand. Property tests: clearing is monotone in the shock,
conserves money with every kind of commitment mixed in, clearing a conditional commitment
as a debt never lowers defaults, and clearing a paid-in or settled commitment again as due
never lowers its payer's shortfall.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import bubblescope
from bubblescope.data.financials import firm_financials
from bubblescope.economy.assumptions import load_assumptions
from bubblescope.economy.clearing import PaymentShock, stress
from bubblescope.economy.network import (
    DEBT_TYPES,
    PAID_IN_TYPES,
    TREATMENT_NOTES,
    TREATMENTS,
    Commitment,
    FinancingNetwork,
    load_network,
    network_from_rows,
)


@pytest.fixture(scope="module")
def net() -> FinancingNetwork:
    return load_network()


def _defaults(res: object) -> set[str]:
    f = res.firms  # type: ignore[attr-defined]
    return {str(n) for n in f.index[f["default_round"].notna()]}


def _liquid(name: str, ticker: str) -> float:
    value = firm_financials([(name, ticker)])[name].value("cash_and_securities")
    assert value is not None
    return value


def _run_rate(net: FinancingNetwork, deal: str) -> float:
    (c,) = [c for c in net.commitments if c.id == deal]
    return c.amount_usd_bn / c.schedule.years


# --- who defaults --------------------------------------------------------------------------------


def test_when_openai_pays_half_only_openai_defaults(net: FinancingNetwork) -> None:
    """Oracle is the seller with a debt of its own to pay: 20/yr to Nvidia (E02, 40 over
    2025-26). It receives half of OpenAI's 60/yr (E01, 300 over five years) = 30 and holds
    USD 10.9 bn of cash and securities (10-Q to 2024-08-31): 40.9 >= 20, so it pays. Every
    other seller of OpenAI either owes nothing this year (AMD, Amazon) or holds far more cash
    than it owes (Microsoft 89.5 against 3.4); CoreWeave owes nothing this year: its only
    debt, its Nvidia GPU purchases of 2023-2025 (E30), is settled before the reference date.
    Amazon's USD 50 bn for OpenAI (E21) is conditional equity, funding rather than a debt, so
    it cannot put Amazon in default."""
    res = stress(net, [PaymentShock("OpenAI", 0.5)])
    assert _defaults(res) == {"OpenAI"}
    f = res.firms
    assert f.loc["CoreWeave", "due"] == 0.0
    oracle_cash = _liquid("Oracle", "ORCL")
    due_to_nvidia = _run_rate(net, "E02")
    from_openai = 0.5 * _run_rate(net, "E01")
    assert oracle_cash + from_openai >= due_to_nvidia
    assert f.loc["Oracle", "liquid_assets"] == pytest.approx(oracle_cash)
    assert f.loc["Oracle", "received"] == pytest.approx(from_openai)
    assert f.loc["Oracle", "exposure_to_shocked"] == pytest.approx(_run_rate(net, "E01"))
    assert f.loc["Oracle", "exposure_share"] == pytest.approx(_run_rate(net, "E01") / oracle_cash)
    assert f.loc["Amazon", "external_basis"] == "balance sheet"
    assert f.loc["Amazon", "due"] == 0.0
    e21 = res.commitments.loc["E21"]
    assert e21["treatment"] == "funding"
    assert not e21["overridden"]


def _coreweave_debts(net: FinancingNetwork) -> list[str]:
    return [c.id for c in net.commitments if c.payer == "CoreWeave" and c.type in DEBT_TYPES]


def test_when_openai_pays_nothing_only_oracle_follows(net: FinancingNetwork) -> None:
    """With nothing from OpenAI, Oracle has only its 10.9 of cash for the 20 it owes Nvidia:
    it pays 10.9 and defaults in round 1 with a shortfall of 20 - 10.9 = 9.1 (83% of its cash).
    CoreWeave loses OpenAI's 4.5/yr (E11) but owes nothing this year: its only debt, its Nvidia
    GPU purchases (E30, 15.6 over 2023-2025), ends before the reference year, so it is settled
    (paid; listed, not cleared). Cleared again as this year's debt (5.2) it would put CoreWeave
    in default, the double count this treatment removes. Nvidia, owed by Oracle, loses Oracle's
    shortfall but owes only 0.7 against USD 50.3 bn of cash: no further round. Microsoft (89.5
    of cash) and Amazon (owes nothing) stand."""
    shock = [PaymentShock("OpenAI", 0.0)]
    res = stress(net, shock)
    assert _defaults(res) == {"OpenAI", "Oracle"}
    f = res.firms
    oracle_cash = _liquid("Oracle", "ORCL")
    due = _run_rate(net, "E02")
    assert f.loc["Oracle", "default_round"] == 1
    assert f.loc["Oracle", "paid"] == pytest.approx(oracle_cash)
    assert f.loc["Oracle", "shortfall"] == pytest.approx(due - oracle_cash)
    assert f.loc["Oracle", "shortfall_share"] == pytest.approx((due - oracle_cash) / oracle_cash)
    cw = f.loc["CoreWeave"]
    assert _coreweave_debts(net) == ["E30"]
    (e30,) = [c for c in net.commitments if c.id == "E30"]
    assert net.reference_year is not None
    assert e30.schedule.end < net.reference_year
    assert res.commitments.loc["E30", "treatment"] == "settled"
    assert cw["due"] == 0.0
    assert cw["shortfall"] == 0.0
    assert cw["received"] == pytest.approx(cw["due_in"] - _run_rate(net, "E11"))
    again = stress(net.as_debt("E30"), shock).firms.loc["CoreWeave"]
    assert again["due"] == pytest.approx(_run_rate(net, "E30"))
    assert again["shortfall"] > 0.0
    assert again["default_round"] == 1
    # Nvidia, creditor of Oracle (E02), loses Oracle's shortfall but owes only 0.7 against
    # USD 50.3 bn of cash: no further round
    nvidia_cash = _liquid("Nvidia", "NVDA")
    assert f.loc["Nvidia", "due"] < nvidia_cash
    lost = due - oracle_cash
    assert f.loc["Nvidia", "received"] == pytest.approx(f.loc["Nvidia", "due_in"] - lost)
    assert res.cascade["n_new"].tolist() == [1, 1]


# --- commitments by kind -------------------------------------------------------------------------


def test_only_payment_obligations_clear_as_debts(net: FinancingNetwork) -> None:
    res = stress(net)
    table = res.commitments
    assert set(table.index) == {c.id for c in net.commitments}
    cleared = table[table["treatment"] == "debt"]
    assert set(cleared["type"]) <= DEBT_TYPES
    # a commitment of any type whose schedule ends before the reference year is settled;
    # executed equity and loans are paid in before the run-rate year; every other commitment
    # takes its type's treatment
    ref = net.reference_year
    assert ref is not None
    settled = table.index.isin([c.id for c in net.commitments if c.schedule.end < ref])
    assert (table.loc[settled, "treatment"] == "settled").all()
    assert set(table.loc[table["type"].isin(DEBT_TYPES) & ~settled, "treatment"]) == {"debt"}
    paid_in = table["type"].isin(PAID_IN_TYPES) & (table["status"] == "executed") & ~settled
    assert (table.loc[paid_in, "treatment"] == "paid-in").all()
    for kind, treatment in TREATMENTS.items():
        rows = (table["type"] == kind) & ~paid_in & ~settled
        assert (table.loc[rows, "treatment"] == treatment).all()
    assert set(table.index[paid_in]) == {"E14"}
    assert {"E29", "E30"} <= set(table.index[settled])
    assert (table.loc[settled, "year_usd_bn"] > 0.0).all()  # listed with their run-rate
    # the cleared total is the debts' run-rate, nothing else
    assert res.firms["due"].sum() == pytest.approx(cleared["year_usd_bn"].sum())
    # vendor financing: Amazon invests in its own customer OpenAI
    assert table.loc["E21", "label"] == "vendor financing"
    # horizons without a length keep the default and are listed
    assumed = {c.id for c in net.commitments if c.schedule.warning}
    assert set(res.assumed_horizons) == assumed
    assert (table.loc[sorted(assumed), "years"] == net.schedule_assumption.default_years).all()
    out = res.to_dict()
    json.dumps(out, allow_nan=False)
    assert set(out["treatments"]) == set(TREATMENTS.values()) | {"paid-in", "settled"}
    assert set(out["treatments"]) == set(TREATMENT_NOTES)
    summary = res.summary()
    assert "vendor financing" in summary
    assert "paid-in: " in summary
    assert "settled: " in summary
    assert f"reference date {net.as_of}" in " ".join(summary.split())


def test_the_reference_date_is_the_deal_lists_latest_date(net: FinancingNetwork) -> None:
    """The run-rate year starts at the latest date in the deal list, read here from the CSV with
    its own parser; no schedule of assumed length ends before its year, so each still clears."""
    path = Path(bubblescope.__file__).parent / "data" / "factbase" / "deals.csv"
    with path.open(encoding="utf-8") as fh:
        dates = [row["date"] for row in csv.DictReader(fh)]
    parts = [p.strip() for d in dates for p in re.split(r"\.\.|(?<=\d{4})-(?=\d{4})", d)]
    found = [p for p in parts if re.fullmatch(r"\d{4}(-\d\d){0,2}", p)]
    assert net.as_of == max(found)
    assert net.reference_year == int(max(found)[:4])
    assumed = [c for c in net.commitments if c.schedule.warning]
    assert assumed
    assert all(c.schedule.end >= net.reference_year for c in assumed)


def test_clearing_e21_as_a_debt_is_shown_and_moves_only_amazon(net: FinancingNetwork) -> None:
    res = stress(net.as_debt("E21"), [PaymentShock("OpenAI", 0.5)])
    assert res.commitments.loc["E21", "treatment"] == "debt"
    assert res.firms.loc["Amazon", "due"] == pytest.approx(_run_rate(net, "E21"))
    names = [a.name for a in res.assumptions]
    assert "cleared as debts" in names


# --- every assumption listed ---------------------------------------------------------------------


def test_every_assumption_is_listed_with_its_value(net: FinancingNetwork) -> None:
    """No number enters the stress unlisted: each firm's liquid assets are either its filing's
    (the label names form, period and accession) or an assumption listed with that very value;
    the YAML rows used are listed with their values."""
    res = stress(net, [PaymentShock("OpenAI", 0.5)])
    f = res.firms
    listed = {a.name: a for a in res.assumptions}
    rows = load_assumptions("network")
    for name, r in f.iterrows():
        if r["external_basis"] == "assumed":
            a = listed[f"assumed liquid assets of {name}"]
            assert a.value == pytest.approx(r["liquid_assets"])
            assert a.why
        else:
            assert r["external_basis"] == "balance sheet"
            fin = firm_financials([(str(name), net.firm(str(name)).ticker)])[str(name)]
            assert r["liquid_assets"] == pytest.approx(fin.value("cash_and_securities"))
            assert "liquid_assets" in r["liquid_source"]
    assert listed["gw_price"].value == rows.input("gw_price").m_as("USD bn/GW")
    assert listed["schedule_years"].value == rows.input("schedule_years").m_as("year")
    assert listed["buffer_coverage"].value == rows.input("buffer_coverage").m_as("1")
    assert set(listed["schedule_years"].applies_to) == set(res.assumed_horizons)
    assert listed["capacity to pay: ocf_share"].value == rows.input("ocf_share").m_as("1")
    assert "one year of obligations" in listed
    assert all(a.why for a in res.assumptions)


# --- properties ----------------------------------------------------------------------------------


@settings(max_examples=20, deadline=None)
@given(st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_clearing_is_monotone_in_the_shock(lo: float, hi: float) -> None:
    lo, hi = sorted((lo, hi))
    net = load_network()
    a = stress(net, [PaymentShock("OpenAI", lo)])
    b = stress(net, [PaymentShock("OpenAI", hi)])
    assert _defaults(b) <= _defaults(a)
    assert (a.firms["paid"] <= b.firms["paid"] + 1e-9).all()
    assert (a.firms["received"] <= b.firms["received"] + 1e-9).all()


_KINDS = ("compute_purchase", "chip_purchase", "equity_investment", "loan", "warrant", "backstop")
_FIRMS = ("A", "B", "C", "D")


@st.composite
def _networks(
    draw: st.DrawFn, years: tuple[int, ...] = (2026,)
) -> tuple[FinancingNetwork, dict[str, float], float]:
    n = draw(st.integers(3, 8))
    rows = []
    for k in range(n):
        payer, payee = draw(st.permutations(_FIRMS))[:2]
        rows.append(
            {
                "id": f"X{k}",
                "payer": payer,
                "payee": payee,
                "amount": draw(st.floats(1.0, 100.0)),
                "unit": "USD bn",
                "type": draw(st.sampled_from(_KINDS)),
                "date": f"{draw(st.sampled_from(years))}-{k + 1:02d}",
                "horizon": draw(st.sampled_from(("", "2 yrs", "5 yrs"))),
                "status": draw(st.sampled_from(("signed", "announced", "executed"))),
            }
        )
    if draw(st.booleans()):
        rows.append(
            {
                "id": "S",
                "payer": "A",
                "payee": "market",
                "amount": 5.0,
                "unit": "USD bn",
                "type": "share_sale",
                "date": "2026",
                "horizon": "",
                "status": "executed",
            }
        )
    net = network_from_rows(rows)
    money = st.floats(0.0, 60.0).map(lambda x: round(x, 3))
    cash = {f.name: draw(money) for f in net.firms if not f.external}
    return net, cash, draw(st.floats(0.0, 1.0))


@settings(max_examples=60, deadline=None)
@given(_networks())
def test_clearing_conserves_money_with_kinds_mixed(
    case: tuple[FinancingNetwork, dict[str, float], float],
) -> None:
    """Debts paid are debts received, funding paid is funding received, and the firms'
    money after the clearing sums to their liquid assets: nothing is created or lost, whatever
    the kinds (debts, funding, contingent, non-cash, share sales) in the network."""
    net, cash, fraction = case
    shocked = next(iter(cash))
    res = stress(net, [PaymentShock(shocked, fraction)], external_assets=cash)
    f = res.firms
    close = {"rel": 1e-9, "abs": 1e-9}
    assert f["paid"].sum() == pytest.approx(f["received"].sum(), **close)
    assert f["funding_paid"].sum() == pytest.approx(f["funding_received"].sum(), **close)
    assert f["external_assets"].sum() == pytest.approx(sum(cash.values()), **close)
    inflow = f["received"] + f["funding_received"] - f["paid"] - f["funding_paid"]
    assert (f["external_assets"] + inflow).sum() == pytest.approx(sum(cash.values()), **close)
    assert (f["paid"] <= f["due"] + 1e-9).all()
    assert (f["funding_paid"] <= f["funding_due"] + 1e-9).all()


@settings(max_examples=60, deadline=None)
@given(_networks())
def test_a_conditional_commitment_cleared_as_debt_never_lowers_defaults(
    case: tuple[FinancingNetwork, dict[str, float], float],
) -> None:
    """Funding (conditional equity, loans) is paid pro rata with debts, so clearing it as a
    debt leaves every payment unchanged and only adds its shortfall to the payer's defaults.
    (A contingent or non-cash commitment made a debt adds a new receipt, which can help its
    payee: that is a different model, not a relabelling.)"""
    net, cash, fraction = case
    shocked = next(iter(cash))
    shock = [PaymentShock(shocked, fraction)]
    base = _defaults(stress(net, shock, external_assets=cash))
    for c in net.commitments:
        if net.treatment(c, run_rate=True) != "funding":
            continue
        converted = _defaults(stress(net.as_debt(c.id), shock, external_assets=cash))
        assert base <= converted, c.id


def test_each_factbase_conditional_commitment_as_debt_never_lowers_defaults(
    net: FinancingNetwork,
) -> None:
    for fraction in (0.0, 0.5):
        shock = [PaymentShock("OpenAI", fraction)]
        base = _defaults(stress(net, shock))
        for c in net.commitments:
            if net.treatment(c, run_rate=True) == "funding":
                assert base <= _defaults(stress(net.as_debt(c.id), shock)), c.id


@settings(max_examples=60, deadline=None)
@given(_networks())
def test_a_paid_in_commitment_cleared_as_a_flow_never_lowers_its_payers_shortfall(
    case: tuple[FinancingNetwork, dict[str, float], float],
) -> None:
    """A paid-in commitment is already out of its payer's cash. Cleared again as funding, it
    is paid pro rata with the payer's debts from the same cash, so the payer's shortfall on its
    debts can only grow. (Its investee gains the flow a second time, so its own shortfall can
    fall: the double count.)"""
    net, cash, fraction = case
    shocked = next(iter(cash))
    shock = [PaymentShock(shocked, fraction)]
    base = stress(net, shock, external_assets=cash).firms
    for c in net.commitments:
        if net.treatment(c, run_rate=True) != "paid-in":
            continue
        again = stress(net.as_funding(c.id), shock, external_assets=cash).firms
        assert again.loc[c.payer, "shortfall"] >= base.loc[c.payer, "shortfall"] - 1e-9, c.id


def _as_due(net: FinancingNetwork, c: Commitment) -> FinancingNetwork | None:
    """``net`` with ``c`` cleared as its type's cleared treatment (None if it has none)."""
    kind = TREATMENTS[c.type]
    if kind == "debt":
        return net.as_debt(c.id)
    if kind == "funding":
        return net.as_funding(c.id)
    return None


@settings(max_examples=60, deadline=None)
@given(_networks(years=(2023, 2024, 2025, 2026)))
def test_a_settled_commitment_treated_as_due_never_lowers_its_payers_shortfall(
    case: tuple[FinancingNetwork, dict[str, float], float],
) -> None:
    """A settled commitment was paid before the reference date. Treated as due this year (a
    debt, or funding paid pro rata with the debts), it only adds to what its payer owes from
    the same money, so the payer's shortfall can only grow."""
    net, cash, fraction = case
    shocked = next(iter(cash))
    shock = [PaymentShock(shocked, fraction)]
    base = stress(net, shock, external_assets=cash).firms
    for c in net.commitments:
        due = _as_due(net, c)
        if net.treatment(c, run_rate=True) != "settled" or due is None:
            continue
        again = stress(due, shock, external_assets=cash).firms
        assert again.loc[c.payer, "shortfall"] >= base.loc[c.payer, "shortfall"] - 1e-9, c.id


def test_factbase_settled_commitments_treated_as_due_never_lower_shortfalls(
    net: FinancingNetwork,
) -> None:
    """Each settled commitment of the fact base, cleared again as due, leaves its payer's
    shortfall as it is or larger, whatever OpenAI pays."""
    settled = [c for c in net.commitments if net.treatment(c, run_rate=True) == "settled"]
    assert settled
    for c in settled:
        due = _as_due(net, c)
        if due is None:
            continue
        for fraction in (1.0, 0.5, 0.0):
            shock = [PaymentShock("OpenAI", fraction)]
            before = stress(net, shock).firms.loc[c.payer, "shortfall"]
            after = stress(due, shock).firms.loc[c.payer, "shortfall"]
            assert after >= before - 1e-9, (c.id, fraction)


def test_factbase_paid_in_commitments_are_in_the_payers_filed_cash(net: FinancingNetwork) -> None:
    """Every paid-in commitment of the fact base is paid before its payer's latest filing, so
    the filed cash is already net of it; cleared again as a flow it never lowers the payer's
    shortfall, and with no shock no firm defaults."""
    base = stress(net)
    assert _defaults(base) == set()
    f = base.firms
    paid_in = [c for c in net.commitments if net.treatment(c, run_rate=True) == "paid-in"]
    assert {c.id for c in paid_in} == {"E14"}
    for c in paid_in:
        assert f.loc[c.payer, "external_basis"] == "balance sheet", c.id
        source = str(f.loc[c.payer, "liquid_source"])
        filed = max(re.findall(r"20\d\d-\d\d-\d\d", source))
        assert c.schedule.end <= int(filed[:4]), (c.id, source)
        if re.fullmatch(r"\d{4}-\d\d-\d\d", c.date):
            assert c.date < filed, (c.id, source)
        for fraction in (1.0, 0.5, 0.0):
            shock = [PaymentShock("OpenAI", fraction)]
            before = stress(net, shock).firms.loc[c.payer, "shortfall"]
            after = stress(net.as_funding(c.id), shock).firms.loc[c.payer, "shortfall"]
            assert after >= before - 1e-9, (c.id, fraction)


def test_shares_of_liquid_assets_are_nan_without_liquid_assets() -> None:
    net = network_from_rows(
        [
            {
                "id": "Z1",
                "payer": "A",
                "payee": "B",
                "amount": 10.0,
                "unit": "USD bn",
                "type": "compute_purchase",
                "date": "2026",
                "horizon": "",
                "status": "signed",
            }
        ]
    )
    res = stress(net, [PaymentShock("A", 0.0)], external_assets={"A": 0.0, "B": 0.0})
    assert np.isnan(res.firms.loc["B", "shortfall_share"])
    assert res.firms.loc["B", "exposure_to_shocked"] == pytest.approx(10.0)


def test_capacity_to_pay_counts_the_share_of_operating_cash_flow(net: FinancingNetwork) -> None:
    """With ocf_share = 1, Microsoft pays from its cash and securities plus its FY2025 operating
    cash flow (its 10-K), both read here from its filings."""
    from bubblescope.economy.clearing import CapacityAssumption

    fin = firm_financials([("Microsoft", "MSFT")])["Microsoft"]
    cash, ocf = fin.value("cash_and_securities"), fin.value("operating_cash_flow")
    assert cash is not None
    assert ocf is not None
    res = stress(net, [PaymentShock("OpenAI", 0.5)], capacity=CapacityAssumption(1.0))
    assert res.firms.loc["Microsoft", "liquid_assets"] == pytest.approx(cash + ocf)
    listed = {a.name: a for a in res.assumptions}
    assert listed["capacity to pay: ocf_share"].value == 1.0


def test_oracle_stands_exactly_when_openai_pays_its_breakeven_share(net: FinancingNetwork) -> None:
    """Oracle pays Nvidia its 20 a year when its cash plus OpenAI's share of the 60 covers it:
    the breakeven share is (20 - cash) / 60, from Oracle's 10-Q and deals E01 and E02."""
    cash = _liquid("Oracle", "ORCL")
    share = (_run_rate(net, "E02") - cash) / _run_rate(net, "E01")
    assert 0.0 < share < 0.5
    above = stress(net, [PaymentShock("OpenAI", share + 1e-6)])
    below = stress(net, [PaymentShock("OpenAI", share - 1e-6)])
    assert "Oracle" not in _defaults(above)
    assert "Oracle" in _defaults(below)
