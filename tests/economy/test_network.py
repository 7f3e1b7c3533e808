"""Financing network: schedules, loaders, bad input, loops and dependence on the fact base."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib
import pytest

from bubblescope.cli._common import to_jsonable
from bubblescope.data.facts import load_factbase
from bubblescope.economy import network_layout
from bubblescope.economy._network_schedule import ScheduleAssumption, parse_schedule
from bubblescope.economy.network import (
    GWPrice,
    analyze_network,
    load_network,
    network_from_rows,
    read_firms,
)
from bubblescope.errors import DataError, InputError, UnitError, UnknownSymbolError

matplotlib.use("Agg")

HEADER = "id,payer,payee,amount,unit,gw,type,date,horizon,status,source_title,source_ref\n"


def _csv(tmp_path: Path, body: str, name: str = "deals.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body)
    return path


# ---------------------------------------------------------------------------------------------
# schedules: each phrase of edges.csv read by hand
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("horizon", "date", "start", "years", "warned"),
    [
        ("~5 yrs from 2027", "2025-09-10", 2027, 5, False),  # E01: 2027-2031
        ("2025-2026", "2025-05-23", 2025, 2, False),  # E02
        ("7 yrs", "2025-11-03", 2025, 7, False),  # E22
        ("through Apr 2032", "2025-09", 2025, 8, False),  # E13: 2025..2032
        ("to 2031", "2025-09", 2025, 7, False),  # E27
        ("H2 2026 - end 2029", "2025-10-13", 2026, 4, False),  # E10
        ("annual", "2024", 2024, 1, False),  # E29
        ("", "2026-02-27", 2026, 1, False),  # equity: lump sum
        ("", "2019-2023", 2019, 5, False),  # E09: spread over the range
        ("multi-year (unspecified)", "2025-10-28", 2025, 3, True),  # E08: default length
        ("2026-", "2025-09-22", 2026, 3, True),  # E04: open-ended
        ("vests with GW tranches + price hurdles", "2025-10-06", 2025, 3, True),
    ],
)
def test_parse_schedule(horizon: str, date: str, start: int, years: int, warned: bool) -> None:
    s = parse_schedule(horizon, date, ScheduleAssumption(default_years=3))
    assert (s.start, s.years) == (start, years)
    assert (s.warning is not None) == warned
    if warned:
        assert "3 yrs" in s.warning  # type: ignore[operator]
    total = sum(s.annual(300.0).values())
    assert total == pytest.approx(300.0, rel=1e-12)


def test_schedule_assumption_rejects_zero_years() -> None:
    with pytest.raises(InputError, match="default_years"):
        ScheduleAssumption(default_years=0)


# ---------------------------------------------------------------------------------------------
# bad input: typed errors naming the row
# ---------------------------------------------------------------------------------------------

GOOD = "D1,A,B,10,USD bn,,compute_purchase,2025-01,3 yrs,signed,src,ref\n"


@pytest.mark.parametrize(
    ("row", "error", "match"),
    [
        ("D2,A,C,-5,USD bn,,loan,2025,,signed,s,r\n", InputError, r"row 2 \(id D2\): negative"),
        ("D2,A,C,,USD bn,,loan,2025,,signed,s,r\n", InputError, r"row 2 \(id D2\): missing amo"),
        ("D2,A,C,abc,USD bn,,loan,2025,,signed,s,r\n", InputError, r"row 2.*not a number"),
        ("D2,A,C,5,EUR bn,,loan,2025,,signed,s,r\n", UnitError, r"row 2 \(id D2\): unit 'EUR"),
        ("D2,A,C,5,GW,6,chip_purchase,2025,,signed,s,r\n", UnitError, r"row 2.*disagrees"),
        ("D1,A,C,5,USD bn,,loan,2025,,signed,s,r\n", InputError, r"row 2.*duplicate id 'D1'"),
        (
            "D2,A,B,10,USD bn,,compute_purchase,2025-01,3 yrs,signed,s,r\n",
            InputError,
            r"row 2 \(id D2\): duplicate edge A -> B.*same as id D1",
        ),
        ("D2,A,C,5,USD bn,,gift,2025,,signed,s,r\n", InputError, r"row 2.*unknown commitment"),
        ("D2,A,A,5,USD bn,,loan,2025,,signed,s,r\n", InputError, r"row 2.*both 'A'"),
        ("D2,,C,5,USD bn,,loan,2025,,signed,s,r\n", InputError, r"row 2.*missing payer"),
    ],
)
def test_bad_rows_raise_typed_errors(
    tmp_path: Path, row: str, error: type[Exception], match: str
) -> None:
    path = _csv(tmp_path, GOOD + row)
    with pytest.raises(error, match=match):
        load_network(path)


def test_missing_file_and_bad_suffix(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="not found"):
        load_network(tmp_path / "nope.csv")
    bad = tmp_path / "deals.txt"
    bad.write_text("x")
    with pytest.raises(DataError, match="unsupported file type"):
        load_network(bad)


def test_gw_price_must_be_positive() -> None:
    with pytest.raises(InputError, match="usd_bn_per_gw"):
        GWPrice(-1.0)


# ---------------------------------------------------------------------------------------------
# user files: CSV, YAML, GW pricing, non-binding filter
# ---------------------------------------------------------------------------------------------


def test_user_csv_gw_pricing_and_nonbinding(tmp_path: Path) -> None:
    body = (
        GOOD
        + "D2,B,A,,GW,2,chip_purchase,2025,4 yrs,signed,s,r\n"
        + "D3,A,C,7,USD bn,,equity_investment,2025,,lapsed,s,r\n"
    )
    net = load_network(_csv(tmp_path, body), gw_price=GWPrice(40.0, "test"))
    ids = [c.id for c in net.commitments]
    assert ids == ["D1", "D2"]
    assert [c.id for c in net.dropped] == ["D3"]
    d2 = net.commitments[1]
    assert d2.amount_basis == "gw"
    assert d2.amount_usd_bn == pytest.approx(80.0)  # 2 GW x 40
    assert d2.annual_rate == pytest.approx(20.0)  # over 4 yrs
    assert net.commitments[0].row == 1
    loose = load_network(_csv(tmp_path, body), include_nonbinding=True)
    assert [c.id for c in loose.commitments] == ["D1", "D2", "D3"]
    assert loose.names == ("A", "B", "C")


def test_user_yaml(tmp_path: Path) -> None:
    path = tmp_path / "deals.yaml"
    path.write_text(
        "commitments:\n"
        "  - {id: Y1, payer: A, payee: B, amount: 4, unit: USD bn, type: loan, date: '2025'}\n"
        "  - {id: Y2, payer: B, payee: A, amount: 1, unit: USD bn, type: compute_purchase,\n"
        "     date: '2025', horizon: 2 yrs}\n"
    )
    net = load_network(path)
    (cycle,) = net.cycles()
    assert cycle.label == "A → B → A"
    assert cycle.edge_amounts == (4.0, 1.0)
    assert cycle.bottleneck == 1.0


def test_read_firms_keeps_unknown_as_none(tmp_path: Path) -> None:
    path = tmp_path / "firms.csv"
    path.write_text("name,cash,debt,ticker\nA,12.5,,AAA\nB,,3,\n")
    a, b = read_firms(path)
    assert (a.cash, a.debt, a.ticker) == (12.5, None, "AAA")
    assert (b.cash, b.debt) == (None, 3.0)
    path.write_text("name,cash\nA,lots\n")
    with pytest.raises(InputError, match=r"row 1 \(A\): cash 'lots'"):
        read_firms(path)


def test_unknown_firm_is_typed() -> None:
    net = network_from_rows([{"id": "X", "payer": "A", "payee": "B", "amount": 1, "type": "loan"}])
    with pytest.raises(UnknownSymbolError, match="unknown firm 'Z'.*known firms: A, B"):
        net.firm("Z")


# ---------------------------------------------------------------------------------------------
# the shipped fact base
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def factbase_network():  # type: ignore[no-untyped-def]
    return load_network()


def _find(cycles, nodes):  # type: ignore[no-untyped-def]
    wanted = set(nodes)
    hits = [c for c in cycles if set(c.nodes) == wanted and len(c.nodes) == len(nodes)]
    assert hits, f"loop over {nodes} not found"
    c = hits[0]
    # rotation-invariant check of the direction
    k = c.nodes.index(nodes[0])
    assert c.nodes[k:] + c.nodes[:k] == tuple(nodes)
    return c


def test_factbase_loops_of_section_2_3(factbase_network) -> None:  # type: ignore[no-untyped-def]
    fb = load_factbase()
    cycles = factbase_network.cycles()
    # Nvidia -> OpenAI (E05 equity) -> Oracle (E01 compute) -> Nvidia (E02 chips)
    c = _find(cycles, ["Nvidia", "OpenAI", "Oracle"])
    assert dict(zip(c.nodes, c.edge_ids, strict=True)) == {
        "Nvidia": ("E05",),
        "OpenAI": ("E01",),
        "Oracle": ("E02",),
    }
    assert c.bottleneck == pytest.approx(fb.value("CIR-09"))  # the $30B stake
    assert c.total == pytest.approx(30 + fb.value("CIR-01") + fb.value("CIR-07"))
    # AMD -> OpenAI (E07 warrant, ~$34B) -> AMD (E06, 6 GW priced at GWC-01 $/GW)
    c = _find(cycles, ["AMD", "OpenAI"])
    amounts = dict(zip(c.nodes, c.edge_amounts, strict=True))
    assert amounts["AMD"] == pytest.approx(34.0)
    assert amounts["OpenAI"] == pytest.approx(fb.value("CIR-10") * fb.value("GWC-01"))
    assert dict(zip(c.nodes, c.edge_ids, strict=True)) == {"AMD": ("E07",), "OpenAI": ("E06",)}
    # Nvidia -> CoreWeave (E13 backstop, E14 equity, E15 Osprey) -> Nvidia (E30: CoreWeave's GPU
    # purchases, a derived estimate from Epoch AI unit counts, fact CIR-29)
    c = _find(cycles, ["Nvidia", "CoreWeave"])
    assert c.edge_ids[c.nodes.index("Nvidia")] == ("E13", "E14", "E15")
    assert c.edge_amounts[c.nodes.index("Nvidia")] == pytest.approx(6.3 + 2.0 + 1.4)
    assert c.edge_ids[c.nodes.index("CoreWeave")] == ("E30",)
    assert c.edge_amounts[c.nodes.index("CoreWeave")] == pytest.approx(fb.value("CIR-29"))
    # the indirect return through CoreWeave's shares to OpenAI (E12) is found too
    c = _find(cycles, ["Nvidia", "CoreWeave", "OpenAI", "Oracle"])
    assert c.edge_ids[c.nodes.index("CoreWeave")] == ("E12",)
    # every edge id in every loop is a deal of the fact base (traceable to a source)
    deal_ids = {d.id for d in fb.deals}
    assert {i for cyc in cycles for e in cyc.edge_ids for i in e} <= deal_ids


def test_nonbinding_loi_adds_the_direct_nvidia_openai_loop() -> None:
    strict = load_network()
    assert not [c for c in strict.cycles() if set(c.nodes) == {"Nvidia", "OpenAI"}]
    assert {c.id for c in strict.dropped} == {"E03", "E04", "E10"}
    loose = load_network(include_nonbinding=True)
    c = _find(loose.cycles(), ["Nvidia", "OpenAI"])
    ids = dict(zip(c.nodes, c.edge_ids, strict=True))
    assert set(ids["Nvidia"]) == {"E03", "E05"}
    assert ids["OpenAI"] == ("E04",)
    # E04: >= 10 GW at $35B of Nvidia content per GW (ai-economy-facts.md §2.3: "~350 implied")
    assert c.edge_amounts[c.nodes.index("OpenAI")] == pytest.approx(350.0)


def test_vendor_financing_and_concentration(factbase_network) -> None:  # type: ignore[no-untyped-def]
    fb = load_factbase()
    vf = factbase_network.vendor_financing()
    # AMD: warrant 34 against 6 GW of chip sales priced at GWC-01
    assert vf.loc["AMD", "vendor_financing_ratio"] == pytest.approx(34.0 / (6 * fb.value("GWC-01")))
    # Amazon: $50B into OpenAI against $38B + $100B of AWS contracts (E21 vs E22, E23)
    assert vf.loc["Amazon", "vendor_financing_ratio"] == pytest.approx(50 / 138)
    assert vf.loc["Oracle", "vendor_financing_ratio"] == 0.0
    conc = factbase_network.concentration()
    # Oracle: the OpenAI contract is all of Oracle's network receivables and 300/455 of RPO
    assert conc.loc["Oracle", "largest_customer"] == "OpenAI"
    assert conc.loc["Oracle", "share_of_commitments"] == pytest.approx(1.0)
    assert conc.loc["Oracle", "share_of_backlog"] == pytest.approx(
        fb.value("CIR-01") / fb.value("CIR-02")
    )
    assert conc.loc["Microsoft", "share_of_commitments"] == pytest.approx(250 / 280)


def test_group_flows(factbase_network) -> None:  # type: ignore[no-untyped-def]
    flows = factbase_network.group_flows()
    g = {(r["from"], r["to"]): r for r in flows.to_dict(orient="records")}
    # labs -> clouds: OpenAI to Oracle 300, Microsoft 250, CoreWeave 22.4, AWS 38 + 100, and
    # Anthropic to Microsoft 30
    assert g[("labs", "clouds")]["gross_usd_bn"] == pytest.approx(740.4)
    for (a, b), r in g.items():
        assert r["net_usd_bn"] == pytest.approx(-g[(b, a)]["net_usd_bn"])
    with pytest.raises(InputError, match="two groups"):
        factbase_network.group_flows({"x": ["OpenAI"], "y": ["OpenAI"]})


def test_network_result_outputs(factbase_network) -> None:  # type: ignore[no-untyped-def]
    res = analyze_network(factbase_network)
    d = res.to_dict()
    json.dumps(to_jsonable(d), allow_nan=False)
    assert d["gw_price"] == {"usd_bn_per_gw": 35.0, "source": "GWC-01"}
    assert any("E08" in w for w in d["warnings"])  # unreadable horizon is reported
    assert "Nvidia → OpenAI → Oracle → Nvidia" in res.summary()
    frame = res.to_frame()
    assert frame.loc["E06", "amount_basis"] == "gw"
    spec = network_layout(res.network)
    widths = {e["id"]: e["width"] for e in spec["edges"]}
    assert widths["E01"] == pytest.approx(8.0)  # the largest deal gets the full width
    assert widths["E02"] == pytest.approx(8.0 * 40 / 300)
    assert {n["id"] for n in spec["nodes"]} == set(factbase_network.names)
    # the chart draws each edge once, its width the amount's, and every firm as a point
    panel = res.chart_spec().panels[0]
    drawn = {line.name: line.width for line in panel.lines if not line.legend}
    assert set(drawn) == {c.id for c in factbase_network.commitments}
    assert drawn["E02"] / drawn["E01"] == pytest.approx(40 / 300)
    assert sum(len(p.x) for p in panel.points) == len(factbase_network.names)
    fig = res.plot()
    assert fig.axes
    graph = factbase_network.graph()
    assert graph.number_of_edges() == len(factbase_network.commitments)


# ---------------------------------------------------------------------------------------------
# the total of commitments: one function behind the network and the fact-base summary
# ---------------------------------------------------------------------------------------------


def test_network_total_is_the_sum_of_its_commitments(factbase_network) -> None:  # type: ignore[no-untyped-def]
    total = factbase_network.commitment_total()
    assert total.total_usd_bn == pytest.approx(
        sum(c.amount_usd_bn for c in factbase_network.commitments), abs=1e-9
    )
    assert total.stated_ids + total.gw_ids == tuple(
        c.id for c in factbase_network.commitments if c.amount_basis == "stated"
    ) + tuple(c.id for c in factbase_network.commitments if c.amount_basis == "gw")
    assert dict(total.left_out) == {c.id: c.status for c in factbase_network.dropped}
    assert sum(usd for _, usd in total.by_kind) == pytest.approx(total.total_usd_bn)


@pytest.mark.parametrize(
    ("include_nonbinding", "price"), [(False, None), (True, None), (False, 50.0), (True, 50.0)]
)
def test_network_and_fact_base_totals_agree(include_nonbinding: bool, price: float | None) -> None:
    fb = load_factbase()
    gw_price = None if price is None else GWPrice(price, "GWC-03")
    net = load_network(include_nonbinding=include_nonbinding, gw_price=gw_price)
    from_net = net.commitment_total()
    from_fb = fb.commitment_total(
        price, None if price is None else "GWC-03", include_nonbinding=include_nonbinding
    )
    assert from_net == from_fb
    assert from_net.label() in analyze_network(net).summary()
    assert from_net.nonbinding_included is include_nonbinding


def test_user_file_total_states_what_it_holds(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "A,X,Y,10,USD bn,,compute_purchase,2025,3 yrs,signed,s,u\n"
        "B,Y,X,,GW,2,chip_purchase,2025,2025-2026,signed,s,u\n"
        "C,X,Y,4,USD bn,,equity_investment,2025,,executed,s,u\n",
    )
    total = load_network(path, gw_price=GWPrice(30.0, "my estimate")).commitment_total()
    assert total.total_usd_bn == pytest.approx(10 + 2 * 30 + 4)
    assert total.label() == (
        "commitments: 74.0 USD bn gross (binding deals of every type) = 14.0 stated in USD bn "
        "(2 deals) + 60.0 for 2 GW x 30 USD bn/GW [my estimate] (1 deal stated only in GW); "
        "by kind: purchases 70.0, equity stakes and warrants 4.0"
    )


def test_nonbinding_statuses_of_the_network_cover_the_fact_base_ones() -> None:
    from bubblescope.data.facts import DEAL_STATUSES, NONBINDING_STATUSES
    from bubblescope.economy._network_io import NONBINDING_STATUSES as NETWORK_NONBINDING

    assert NETWORK_NONBINDING & DEAL_STATUSES == NONBINDING_STATUSES
