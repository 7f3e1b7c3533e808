"""Stress scenarios on hand-built networks (closed forms) and on the shipped fact base."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bubblescope.cli._common import to_jsonable
from bubblescope.economy.clearing import (
    BufferAssumption,
    InvestorWithdrawal,
    MarketClosure,
    PaymentShock,
    parse_shock,
    sensitivity,
    stress,
)
from bubblescope.economy.network import FinancingNetwork, load_network, network_from_rows
from bubblescope.errors import InputError, UnknownSymbolError

matplotlib.use("Agg")


def _row(
    i: str, payer: str, payee: str, amount: float, kind: str, horizon: str = ""
) -> dict[str, object]:
    return {
        "id": i,
        "payer": payer,
        "payee": payee,
        "amount": amount,
        "unit": "USD bn",
        "type": kind,
        "date": "2025",
        "horizon": horizon,
        "status": "signed",
    }


@pytest.fixture
def chain() -> FinancingNetwork:
    # Lab buys 60/yr of cloud (300 over 5 yrs); Cloud buys 20/yr of chips (40 over 2 yrs);
    # Chips invests 30 (one-off) in Lab.
    return network_from_rows(
        [
            _row("L1", "Lab", "Cloud", 300, "compute_purchase", "5 yrs"),
            _row("L2", "Cloud", "Chips", 40, "chip_purchase", "2 yrs"),
            _row("L3", "Chips", "Lab", 30, "equity_investment"),
        ]
    )


def test_payment_shock_closed_form(chain: FinancingNetwork) -> None:
    # External assets given: Lab 0, Cloud 0, Chips 0. Unshocked: a ring 60 -> 20 -> 30 -> ...
    # Lab is owed 30 and owes 60; with e = 0 it cannot pay in full.
    # Shock Lab to 50% (cap 30). Lab has 0 + receipts; Cloud gets p_L, pays min(20, p_L);
    # Chips gets p_C, pays min(30, p_C); Lab pays min(30, p_Ch). Greatest solution: p_L = 20,
    # p_C = 20, p_Ch = 20 (the ring is limited by Cloud's 20).
    # Chips' equity (L3) is cleared as a debt here (FinancingNetwork.as_debt), closing the ring.
    res = stress(
        chain.as_debt("L3"),
        [PaymentShock("Lab", 0.5)],
        external_assets={"Lab": 0.0, "Cloud": 0.0, "Chips": 0.0},
    )
    f = res.firms
    assert f.loc["Lab", "due"] == pytest.approx(60.0)
    assert f.loc["Lab", "paid"] == pytest.approx(20.0)
    assert f.loc["Cloud", "paid"] == pytest.approx(20.0)
    assert f.loc["Chips", "paid"] == pytest.approx(20.0)
    assert f.loc["Chips", "shortfall"] == pytest.approx(10.0)
    assert f.loc["Lab", "default_round"] == 0
    assert f.loc["Chips", "default_round"] == 1
    assert f["default_round"].isna()["Cloud"]
    # Rounds: 0 everyone pays its cap (30 + 20 + 30 = 80); 1 Chips can only pass on Cloud's 20
    # (70); 2 Lab, receiving 20 < its cap 30, passes on 20 (60) - no new defaulter, but the
    # payments fall once more.
    assert res.cascade["new_defaults"].tolist() == ["Lab", "Chips", ""]
    assert res.cascade["total_paid"].tolist() == pytest.approx([80.0, 70.0, 60.0])


def test_payment_shock_with_buffers(chain: FinancingNetwork) -> None:
    # Give each firm enough outside money: Lab 100, Cloud 5, Chips 50. Shock Lab to 50%:
    # Lab pays 30 -> Cloud has 5 + 30 >= 20 and pays 20 -> Chips has 50 + 20 >= 30 pays 30.
    # Cloud's receipts drop from 60 to 30, so its equity loss is 30 and, listed or not, the
    # purchase revenue it loses is 30.
    res = stress(
        chain,
        [PaymentShock("Lab", 0.5)],
        external_assets={"Lab": 100.0, "Cloud": 5.0, "Chips": 50.0},
    )
    f = res.firms
    assert f.loc["Cloud", "received"] == pytest.approx(30.0)
    assert f.loc["Cloud", "equity_loss"] == pytest.approx(30.0)
    assert f.loc["Chips", "equity_loss"] == pytest.approx(0.0)
    # Lab is in default by assumption: its baseline equity 100 + 30 - 60 = 70 is lost
    assert f.loc["Lab", "equity_loss"] == pytest.approx(70.0)
    assert (f["external_basis"] == "given").all()
    # unlisted toy firms have no revenue-at-risk figure
    assert f["revenue_at_risk"].isna().all()


def test_investor_withdrawal(chain: FinancingNetwork) -> None:
    # Chips withdraws its 30 equity: Lab's receipts fall by 30 and Chips owes nothing.
    res = stress(
        chain,
        [InvestorWithdrawal("Chips")],
        external_assets={"Lab": 100.0, "Cloud": 5.0, "Chips": 50.0},
    )
    f = res.firms
    assert f.loc["Lab", "due_in"] == pytest.approx(0.0)
    assert f.loc["Chips", "due"] == pytest.approx(0.0)
    assert f.loc["Lab", "equity_loss"] == pytest.approx(30.0)
    assert f.loc["Chips", "equity_loss"] == pytest.approx(-30.0)  # keeps its cash
    assert f["default_round"].isna().all()


def test_market_closure(chain: FinancingNetwork) -> None:
    # Lab's 100 of outside money is cut to 0: Lab has only its 30 of receipts, pays 30 of 60
    # (Chips' equity cleared as a debt, so the closure leaves it to Lab as a receipt).
    res = stress(
        chain.as_debt("L3"),
        [MarketClosure(("Lab",))],
        external_assets={"Lab": 100.0, "Cloud": 5.0, "Chips": 50.0},
    )
    f = res.firms
    assert f.loc["Lab", "external_assets"] == 0.0
    assert f.loc["Lab", "paid"] == pytest.approx(30.0)
    assert f.loc["Lab", "default_round"] == 1


def test_rv_equals_en_at_one_and_is_harsher_below(chain: FinancingNetwork) -> None:
    shock = [PaymentShock("Lab", 0.4)]
    en = stress(chain, shock)
    rv1 = stress(chain, shock, alpha=1.0, beta=1.0)
    assert en.firms.equals(rv1.firms)
    rv = stress(chain, shock, alpha=0.5, beta=0.5)
    assert (rv.firms["paid"] <= en.firms["paid"] + 1e-12).all()


def test_calendar_year(chain: FinancingNetwork) -> None:
    # In 2027 only the Lab -> Cloud contract (2025-2029) is running; chips were 2025-2026.
    res = stress(chain, year=2027)
    assert res.firms.loc["Lab", "due"] == pytest.approx(60.0)
    assert res.firms.loc["Cloud", "due"] == pytest.approx(0.0)
    assert res.firms.loc["Chips", "due"] == pytest.approx(0.0)


def test_bad_scenarios_raise(chain: FinancingNetwork) -> None:
    with pytest.raises(UnknownSymbolError, match="unknown firm 'Foo'"):
        stress(chain, [PaymentShock("Foo", 0.5)])
    with pytest.raises(UnknownSymbolError, match="unknown firm 'Foo'"):
        stress(chain, [InvestorWithdrawal("Foo")])
    with pytest.raises(UnknownSymbolError, match="unknown firm 'Foo'"):
        stress(chain, external_assets={"Foo": 1.0})
    with pytest.raises(InputError, match="in \\[0, 1\\]"):
        PaymentShock("Lab", 1.5)
    with pytest.raises(InputError, match="alpha must be in"):
        stress(chain, alpha=2.0)
    with pytest.raises(InputError, match="external assets of Lab"):
        stress(chain, external_assets={"Lab": -1.0})
    with pytest.raises(InputError, match="FIRM=FRACTION"):
        parse_shock("OpenAI")
    with pytest.raises(InputError, match="not a number"):
        parse_shock("OpenAI=half")
    with pytest.raises(InputError, match="low .* exceeds high"):
        BufferAssumption(low=0.6, high=0.5)
    assert parse_shock(" OpenAI = 0.25") == PaymentShock("OpenAI", 0.25)


@settings(max_examples=25, deadline=None)
@given(st.floats(0.0, 1.0), st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_stress_properties(f1: float, f2: float, coverage: float) -> None:
    net = load_network()
    lo, hi = sorted((f1, f2))
    buf = BufferAssumption(coverage=coverage)
    a = stress(net, [PaymentShock("OpenAI", lo)], buffer=buf).firms
    b = stress(net, [PaymentShock("OpenAI", hi)], buffer=buf).firms
    for f in (a, b):
        assert (f["paid"] <= f["due"] + 1e-9).all()
        assert (f["paid"] >= 0).all()
        assert f["paid"].sum() == pytest.approx(f["received"].sum(), rel=1e-12)
    # a harsher shock never raises any receipt
    assert (a["received"] <= b["received"] + 1e-9).all()


def test_factbase_baseline_clears_and_openai_shock() -> None:
    net = load_network()
    base = stress(net)
    # with no shock no firm defaults. SoftBank's 30 into OpenAI's March 2025 round (E18) is
    # executed, paid in by 2025-12-26: its schedule (a lump sum in 2025) ends before the year of
    # the network's reference date, so it is already in OpenAI's cash and out of SoftBank's and
    # is listed as settled, not cleared. What SoftBank owes this year is the February 2026
    # round alone (E20), within its cash.
    b = base.firms
    assert set(b.index[b["default_round"].notna()]) == set()
    assert b["shortfall"].sum() == pytest.approx(0.0)
    (e18,) = [c for c in net.commitments if c.id == "E18"]
    assert e18.status == "executed"
    assert net.reference_year is not None
    assert e18.schedule.end < net.reference_year
    assert base.commitments.loc["E18", "treatment"] == "settled"
    sb, oa = b.loc["SoftBank"], b.loc["OpenAI"]
    assert sb["external_basis"] == "balance sheet"
    assert sb["funding_due"] == pytest.approx(base.commitments.loc["E20", "year_usd_bn"])
    assert sb["funding_due"] <= sb["liquid_assets"]
    assert sb["funding_paid"] == pytest.approx(sb["funding_due"])
    # cleared again as a flow of the year, E18 would be paid twice: SoftBank would owe it on
    # top of E20, more than its cash, and pay out all of it
    again = stress(net.as_funding("E18")).firms.loc["SoftBank"]
    assert again["funding_due"] == pytest.approx(sb["funding_due"] + e18.amount_usd_bn)
    assert again["funding_due"] > again["liquid_assets"]
    assert again["funding_paid"] == pytest.approx(again["liquid_assets"])
    res = stress(net, [PaymentShock("OpenAI", 0.5)])
    f = res.firms
    # OpenAI pays pro rata: half its run-rate under the shock, against the share it pays
    # unshocked (above: all of it). Oracle's E01 is 300 over 5 yrs = 60/yr; AMD's 6 GW x 35
    # over 5 assumed yrs = 42/yr; each loses its run-rate x (unshocked share - 0.5).
    lost = oa["paid"] / oa["due"] - 0.5
    assert f.loc["Oracle", "revenue_at_risk"] == pytest.approx(60.0 * lost)
    assert f.loc["AMD", "revenue_at_risk"] == pytest.approx(42.0 * lost)
    assert np.isnan(f.loc["OpenAI", "revenue_at_risk"])  # private
    assert "market" not in f.index
    assert 0.0 <= res.debtrank <= 1.0
    assert ((f["debtrank_h"] >= 0) & (f["debtrank_h"] <= 1)).all()
    json.dumps(to_jsonable(res.to_dict()), allow_nan=False)
    assert "OpenAI pays 50%" in res.summary()
    assert res.plot().axes


def test_sensitivity_ranges_and_reproducible(chain: FinancingNetwork) -> None:
    shock = [PaymentShock("Lab", 0.5)]
    serial = sensitivity(chain, shock, n_draws=120, rng=7, chunk_size=25)
    with ThreadPoolExecutor(2) as pool:
        parallel = sensitivity(chain, shock, n_draws=120, rng=7, chunk_size=25, executor=pool)
    assert serial.ranges.equals(parallel.ranges)
    r = serial.ranges
    for col in ("received", "shortfall", "equity_loss"):
        assert (r[f"{col}_min"] <= r[f"{col}_median"]).all()
        assert (r[f"{col}_median"] <= r[f"{col}_max"]).all()
    # Chips' cushion decides whether it pays Lab in full: with cushion c x 30 and receipts
    # p_Cloud, it defaults in some draws and not in others
    assert 0.0 <= r.loc["Chips", "default_share"] <= 1.0
    # a firm with given assets has no spread when nobody else's draw reaches it
    fixed = sensitivity(
        chain, shock, n_draws=20, rng=1, external_assets={"Lab": 100.0, "Cloud": 5.0, "Chips": 50.0}
    )
    fr = fixed.ranges
    assert (fr["received_min"] == fr["received_max"]).all()
    json.dumps(to_jsonable(serial.to_dict()), allow_nan=False)
    assert "draws" in serial.summary()
    assert serial.plot().axes
    with pytest.raises(InputError, match="n_draws"):
        sensitivity(chain, shock, n_draws=0)


def test_row_order_does_not_matter() -> None:
    # The same deals in reverse order give a permuted node order but identical per-firm
    # results (the kernel's node-order invariance, end to end).
    rows = [
        _row("A1", "Lab", "Cloud", 300, "compute_purchase", "5 yrs"),
        _row("A2", "Cloud", "Chips", 40, "chip_purchase", "2 yrs"),
        _row("A3", "Chips", "Lab", 30, "equity_investment"),
        _row("A4", "Fund", "Lab", 20, "equity_investment"),
        _row("A5", "Lab", "Chips", 10, "chip_purchase"),
    ]
    forward = network_from_rows(rows)
    backward = network_from_rows(rows[::-1])
    assert forward.names != backward.names
    shock = [PaymentShock("Lab", 0.3)]
    a = stress(forward, shock, alpha=0.7, beta=0.6).firms
    b = stress(backward, shock, alpha=0.7, beta=0.6).firms.loc[a.index]
    numeric = ["due", "paid", "received", "equity_loss", "debtrank_h"]
    np.testing.assert_allclose(a[numeric].to_numpy(float), b[numeric].to_numpy(float), atol=1e-9)
    assert a["default_round"].equals(b["default_round"])


def test_balance_sheet_cash_is_used(tmp_path: Path) -> None:
    deals = tmp_path / "deals.csv"
    deals.write_text(
        "id,payer,payee,amount,unit,type,date,horizon,status\n"
        "B1,Lab,Cloud,100,USD bn,compute_purchase,2025,2 yrs,signed\n"
    )
    firms = tmp_path / "firms.csv"
    firms.write_text("name,cash,source\nLab,20,10-K\n")
    net = load_network(deals, firms=firms)
    res = stress(net)
    f = res.firms
    # Lab owes 50/yr and holds 20 of sourced cash: it pays 20, Cloud receives 20
    assert f.loc["Lab", "external_basis"] == "balance sheet"
    assert f.loc["Lab", "paid"] == pytest.approx(20.0)
    assert f.loc["Cloud", "external_basis"] == "assumed"
    assert net.firm("Lab").sources == (("cash", "10-K"),)


def test_debtrank_spreads_equity_losses_to_holders() -> None:
    # Lab buys 100 of cloud this year; Fund holds 20 of Lab equity (its investment).
    # Outside money: Lab 100, Cloud 0, Fund 100. Baseline equity (e + received - paid):
    # Lab 100 + 20 - 100 = 20, Cloud 0 + 100 = 100, Fund 100 - 20 = 80.
    # Shock Lab to 50%: Lab defaults (equity 0, h0 = 20/20 = 1); Cloud receives 50
    # (h0 = 50/100 = 0.5); Fund loses nothing in clearing but holds 20 of Lab against 80 of
    # capital: impact 0.25, so DebtRank gives h_Fund = 0.25 x 1.
    # R = extra distress weighted by capital share = 0.25 x 80 / 200 = 0.1.
    net = network_from_rows(
        [
            _row("D1", "Lab", "Cloud", 100, "compute_purchase"),
            _row("D2", "Fund", "Lab", 20, "equity_investment"),
        ]
    )
    res = stress(
        net, [PaymentShock("Lab", 0.5)], external_assets={"Lab": 100.0, "Cloud": 0.0, "Fund": 100.0}
    )
    f = res.firms
    assert f["equity_base"].to_dict() == pytest.approx({"Lab": 20.0, "Cloud": 100.0, "Fund": 80.0})
    assert f["debtrank_h"].to_dict() == pytest.approx({"Lab": 1.0, "Cloud": 0.5, "Fund": 0.25})
    assert res.debtrank == pytest.approx(0.1)
